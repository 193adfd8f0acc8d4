"""The HTML report's pictures, as inline SVG drawn from the view's rows: where the warnings come from
(origins -> functions -> features that break, bands sized by warning lines, coloured by severity),
and with --target a matrix of targets x features.

Pure functions, view -> markup: no script, no style attribute, no external file or font; every
string from a log is escaped for XML; classes carry the colours, which the page's style sheet sets
(light, dark and print alike). Same view, same bytes: positions are rounded, order is total.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from cgowarn.enums import worst_first
from cgowarn.render.rows import Flow, FlowRow, View
from cgowarn.words import cut

FLOW_WIDTH = 720
ORIGIN_X = 200
"""The origins' bars; their labels end left of them."""
FUNCTION_X = 284
FUNCTION_W = 124
"""The functions' boxes, with the name inside."""
FEATURE_X = 500
"""The features' bars; their labels start right of them."""
BAR_W = 8
TOP = 30
"""Below the column headings."""
GAP = 8
MIN_NODE = 32
"""A node's least height: two lines of label."""
UNIT_MAX = 24.0
"""Pixels per warning line, at most."""
HEIGHT_BUDGET = 320.0
"""The band height of the fullest column, when a warning line at UNIT_MAX would exceed it."""
LABEL_CHARS = 26
"""Characters per label line beside a bar (two lines at most); the full label is its title."""
SYMBOL_CHARS = 15

MATRIX_LABEL_W = 150
MATRIX_CELL_W = 112
MATRIX_ROW_H = 46
MATRIX_HEAD_H = 58
PHONE_WIDTH = 374
"""What a phone held upright shows of a picture (390 CSS pixels less the page's padding): the
matrix of two targets fits it at its own size."""
MATRIX_TARGETS = 8
"""The most targets the matrix shows; the table below it lists them all."""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _n(x: float) -> str:
    """A coordinate, rounded so the output is the same on every platform."""
    r = round(x, 1)
    return str(int(r)) if r == int(r) else f"{r:.1f}"


def _lines(text: str, limit: int, count: int = 2) -> list[str]:
    """`text` in at most `count` lines of about `limit` characters, broken between words where it
    can be; the last line clipped with an ellipsis."""
    lines: list[str] = []
    rest = text
    while rest and len(lines) < count - 1 and len(rest) > limit:
        at = rest.rfind(" ", 0, limit + 1)
        if at <= limit // 3:
            at = limit
        lines.append(rest[:at].rstrip())
        rest = rest[at:].lstrip()
    if rest:
        lines.append(cut(rest, limit))
    return lines


def _node(
    cls: str, title: str, x: float, top: float, width: float, h: float, rx: int, label: str
) -> str:
    """One node of the flow: a box of its column with its title (escaped by the caller) and its
    label."""
    return (
        f'<g class="node {cls}"><title>{title}</title>'
        f'<rect x="{x}" y="{_n(top)}" width="{width}" height="{_n(h)}" rx="{rx}"/>{label}</g>'
    )


def _text(x: float, y: float, lines: list[str], anchor: str, cls: str, step: int = 14) -> str:
    """One label of one or more lines `step` apart, centred on `y`."""
    first = y - (len(lines) - 1) * step / 2 + 4
    spans = "".join(
        f'<tspan x="{_n(x)}" y="{_n(first + i * step)}">{_e(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text class="{cls}" text-anchor="{anchor}">{spans}</text>'


def _rank(severity: str) -> int:
    return worst_first(severity)


def _order(weights: dict[str, float], key: dict[str, tuple[float, ...]]) -> list[str]:
    return sorted(weights, key=lambda k: (*key[k], -weights[k], k))


def _stack(
    nodes: dict[str, tuple[float, float]], unit: float, total: dict[str, float]
) -> dict[str, float]:
    """Where the first band of each node starts: the bands are centred in the node."""
    return {k: top + (h - total[k] * unit) / 2 for k, (top, h) in nodes.items()}


def flow(v: View) -> str:
    """The picture of where the warnings come from, or "" when there is nothing to draw."""
    f: Flow = v.flow
    if not f.rows:
        return ""
    origin_w: dict[str, float] = {}
    symbol_w: dict[str, float] = {}
    feature_w: dict[str, float] = {}
    symbol_sev: dict[str, str] = {}
    feature_sev: dict[str, str] = {}
    for r in f.rows:
        origin_w[r.origin] = origin_w.get(r.origin, 0.0) + r.weight
        symbol_w[r.symbol] = symbol_w.get(r.symbol, 0.0) + r.weight
        feature_w[r.feature] = feature_w.get(r.feature, 0.0) + r.weight
        symbol_sev[r.symbol] = min(symbol_sev.get(r.symbol, r.severity), r.severity, key=_rank)
        feature_sev[r.feature] = min(
            feature_sev.get(r.feature, r.feature_severity), r.feature_severity, key=_rank
        )
    features = _order(feature_w, {k: (_rank(feature_sev[k]),) for k in feature_w})
    feature_at = {k: i for i, k in enumerate(features)}
    symbols = _order(
        symbol_w,
        {
            k: (min(feature_at[r.feature] for r in f.rows if r.symbol == k), _rank(symbol_sev[k]))
            for k in symbol_w
        },
    )
    symbol_at = {k: i for i, k in enumerate(symbols)}
    centre = {
        k: sum(symbol_at[r.symbol] * r.weight for r in f.rows if r.origin == k) / origin_w[k]
        for k in origin_w
    }
    origins = _order(origin_w, {k: (round(centre[k], 6),) for k in origin_w})
    origin_at = {k: i for i, k in enumerate(origins)}

    fullest = max(sum(origin_w.values()), 1.0)
    unit = min(UNIT_MAX, HEIGHT_BUDGET / fullest)

    def place(keys: list[str], weights: dict[str, float]) -> dict[str, tuple[float, float]]:
        out = {}
        y = float(TOP)
        for k in keys:
            h = max(MIN_NODE, weights[k] * unit)
            out[k] = (y, h)
            y += h + GAP
        return out

    o_nodes = place(origins, origin_w)
    s_nodes = place(symbols, symbol_w)
    t_nodes = place(features, feature_w)
    height = (
        max(top + h for col in (o_nodes, s_nodes, t_nodes) for top, h in col.values()) + GAP + 24
    )

    # Where the next band leaves or enters each node, walking the bands in the order that keeps
    # them from crossing inside a node.
    o_next = _stack(o_nodes, unit, origin_w)
    s_in = _stack(s_nodes, unit, symbol_w)
    s_out = dict(s_in)
    t_next = _stack(t_nodes, unit, feature_w)
    left: list[str] = []
    for r in sorted(f.rows, key=lambda r: (origin_at[r.origin], symbol_at[r.symbol], r.feature)):
        t = r.weight * unit
        left.append(_band(ORIGIN_X + BAR_W, o_next[r.origin], FUNCTION_X, s_in[r.symbol], t, r))
        o_next[r.origin] += t
        s_in[r.symbol] += t
    right: list[str] = []
    for r in sorted(f.rows, key=lambda r: (symbol_at[r.symbol], feature_at[r.feature], r.origin)):
        t = r.weight * unit
        right.append(
            _band(FUNCTION_X + FUNCTION_W, s_out[r.symbol], FEATURE_X, t_next[r.feature], t, r)
        )
        s_out[r.symbol] += t
        t_next[r.feature] += t

    def lines(n: float) -> str:
        shown = _n(n)
        return f"{shown} warning line{'' if shown == '1' else 's'}"

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="flow" viewBox="0 0 {FLOW_WIDTH} '
        f'{_n(height)}" width="{FLOW_WIDTH}" height="{_n(height)}" role="img" '
        'aria-labelledby="flow-title flow-desc">',
        '<title id="flow-title">Where the warnings come from: origins, the glibc functions they '
        "pull in, and the features that break; bands sized by warning lines, coloured by "
        "severity</title>",
        '<desc id="flow-desc">'
        + _e(
            "; ".join(
                f"{r.origin} \u2192 {r.symbol} ({r.severity}) \u2192 {r.feature}: {lines(r.weight)}"
                for r in f.rows
            )
        )
        + "</desc>",
        '<g class="heads">',
        _text(ORIGIN_X + BAR_W, 14, ["Origin"], "end", "head"),
        _text(FUNCTION_X, 14, ["Function"], "start", "head"),
        _text(FEATURE_X, 14, ["What breaks"], "start", "head"),
        "</g>",
        '<g class="bands">',
        *left,
        *right,
        "</g>",
    ]
    for k in origins:
        top, h = o_nodes[k]
        label = _text(ORIGIN_X - 6, top + h / 2, _lines(k, LABEL_CHARS), "end", "label")
        title = f"{_e(k)}: {lines(origin_w[k])}"
        parts.append(_node("origin", title, ORIGIN_X, top, BAR_W, h, 2, label))
    for k in symbols:
        top, h = s_nodes[k]
        sev = symbol_sev[k]
        label = _text(FUNCTION_X + 8, top + h / 2, [cut(k, SYMBOL_CHARS)], "start", "label symbol")
        title = f"{_e(k)} ({_e(sev)}): {lines(symbol_w[k])}"
        parts.append(
            _node(f"function sev-{_e(sev)}", title, FUNCTION_X, top, FUNCTION_W, h, 4, label)
        )
    for k in features:
        top, h = t_nodes[k]
        sev = feature_sev[k]
        x = FEATURE_X + BAR_W + 6
        label = _text(x, top + h / 2, _lines(k, LABEL_CHARS), "start", "label")
        title = f"{_e(k)} ({_e(sev)}): {lines(feature_w[k])}"
        parts.append(_node(f"feature sev-{_e(sev)}", title, FEATURE_X, top, BAR_W, h, 2, label))
    parts.append(_legend(height - 12, ("high", "medium", "low")))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _band(x0: float, y0: float, x1: float, y1: float, t: float, r: FlowRow) -> str:
    """A band of thickness `t` from (x0, y0) to (x1, y1): two cubic curves and the ends."""
    xm = (x0 + x1) / 2
    d = (
        f"M{_n(x0)} {_n(y0)}C{_n(xm)} {_n(y0)} {_n(xm)} {_n(y1)} {_n(x1)} {_n(y1)}"
        f"V{_n(y1 + t)}C{_n(xm)} {_n(y1 + t)} {_n(xm)} {_n(y0 + t)} {_n(x0)} {_n(y0 + t)}Z"
    )
    return (
        f'<path class="band sev-{_e(r.severity)}" d="{d}"><title>{_e(r.origin)} \u2192 '
        f"{_e(r.symbol)} \u2192 {_e(r.feature)}</title></path>"
    )


def _legend(y: float, severities: Iterable[str]) -> str:
    out = ['<g class="legend">']
    x = 0.0
    for sev in severities:
        out.append(
            f'<g class="sev-{sev}"><rect x="{_n(x)}" y="{_n(y - 9)}" width="10" height="10" '
            f'rx="2"/>{_text(x + 14, y - 4, [sev], "start", "label")}</g>'
        )
        x += 80
    out.append("</g>")
    return "".join(out)


def matrix_width(v: View) -> int:
    """The matrix's own width, in CSS pixels."""
    return MATRIX_LABEL_W + MATRIX_CELL_W * len(v.targets[:MATRIX_TARGETS])


def matrix(v: View) -> str:
    """Targets x features: does the binary start there, and which features work or break; ""
    without --target."""
    if not v.targets:
        return ""
    targets = v.targets[:MATRIX_TARGETS]
    rows = ["Starts", *v.matrix_features]
    width = matrix_width(v)
    height = MATRIX_HEAD_H + MATRIX_ROW_H * len(rows) + 4
    summary = "; ".join(
        f"{t.name}{f' ({t.subject})' if t.subject else ''}: {t.verdict}"
        + "".join(f", {feat} {cell}" for feat, cell in zip(v.matrix_features, t.cells, strict=True))
        for t in targets
    )
    more = len(v.targets) - len(targets)
    if more:
        summary += f"; {more} more targets in the table"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="matrix" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="matrix-title '
        'matrix-desc">',
        '<title id="matrix-title">On your targets: does the binary start, and which features '
        "work or break there</title>",
        f'<desc id="matrix-desc">{_e(summary)}</desc>',
    ]
    for i, t in enumerate(targets):
        x = MATRIX_LABEL_W + i * MATRIX_CELL_W + MATRIX_CELL_W / 2
        name = t.name + (f" ({t.subject})" if t.subject else "")
        parts.append(
            f'<g class="head"><title>{_e(name)}: {_e(t.platform)}</title>'
            + _text(x, 20, _lines(name, 14), "middle", "head", 13)
            + _text(x, 46, [cut(t.platform.split(",")[0], 17)], "middle", "label muted")
            + "</g>"
        )
    for j, label in enumerate(rows):
        y = MATRIX_HEAD_H + j * MATRIX_ROW_H
        parts.append(
            f'<g class="row"><title>{_e(label)}</title>'
            + _text(
                MATRIX_LABEL_W - 8, y + MATRIX_ROW_H / 2, _lines(label, 20, 3), "end", "label", 13
            )
            + "</g>"
        )
        for i, t in enumerate(targets):
            if j == 0:
                state, word = f"starts-{t.starts}", t.verdict
            else:
                state = t.cells[j - 1].replace("/", "")
                word = t.cells[j - 1]
            x = MATRIX_LABEL_W + i * MATRIX_CELL_W
            parts.append(
                f'<g class="cell {_e(state)}"><title>{_e(t.name)}: {_e(label)}: {_e(word)}'
                f'</title><rect x="{_n(x + 3)}" y="{_n(y + 3)}" width="{MATRIX_CELL_W - 6}" '
                f'height="{MATRIX_ROW_H - 6}" rx="4"/>'
                + _text(
                    x + MATRIX_CELL_W / 2,
                    y + MATRIX_ROW_H / 2,
                    _lines(word, 12),
                    "middle",
                    "label",
                    13,
                )
                + "</g>"
            )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
