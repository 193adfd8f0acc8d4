"""Terminal text: compact, one line per function, coloured when asked."""

from __future__ import annotations

from cgowarn.model import Report
from cgowarn.render.interface import RenderOptions
from cgowarn.render.view import build_view

_COLORS = {"high": "31", "medium": "33", "low": "36", "error": "31", "warning": "33"}


def _paint(text: str, code: str, on: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if on else text


def _safe(text: str) -> str:
    """Log text may hold escape sequences; never send them to the terminal."""
    return "".join(c if c.isprintable() else "?" for c in text)


def render(report: Report, options: RenderOptions) -> str:
    v = build_view(report)
    c = options.color
    out: list[str] = []
    head = f"cgowarn: {v.title}."
    out.append(_paint(head, "1", c))
    link = _paint(v.link_line, "1;31", c) if v.failed else v.link_line
    out.append(f"{link} {v.counts_line}.")
    if v.baseline_line:
        out.append(_safe(v.baseline_line))
    out.append("")
    if v.failures:
        out.append(_paint("What failed:", "1;31", c))
        for d in v.failures:
            out.append(f"  {d.log}: {_safe(d.message)}")
            out.append(f"    {d.title}. {d.advice}")
        out.append("")
    for target in v.targets:
        of = f" ({_safe(target.subject)})" if target.subject else ""
        head = f"On {target.name} ({target.platform}){of}: {target.verdict}."
        out.append(_paint(head, "1;31", c) if target.starts == "no" else head)
        out.append(f"  {target.reason}")
        out += [f"  breaks: {b}" for b in target.breaks]
        out.append(f"  fix: {target.fix}")
        out.append("")
    for b in v.binaries:
        out.append(f"Binary {_safe(b.path)}:")
        out += [f"  {label}: {_safe(value)}" for label, value in b.facts]
        if b.error:
            out.append(f"  could not read: {_safe(b.error)}")
        out.append("")
    if v.findings:
        width = max(len(f.symbol) for f in v.findings)
        for f in v.findings:
            sev = _paint(f"{f.severity:<6}", _COLORS[f.severity], c)
            origin = f"  [{_safe(f.origins)}]" if f.origins else ""
            mark = f"{f.baseline:<9} " if v.has_baseline else ""
            out.append(
                f"  {sev} {mark}{_safe(f.symbol):<{width}} {f.count_label:>7}  {f.feature}{origin}"
            )
        out.append("")
        notes = [(f.symbol, n) for f in v.findings for n in f.notes]
        if notes:
            out.append("Where they come from:")
            for symbol, note in notes:
                out.append(f"  - {_safe(symbol)}: {note}")
            out.append("")
        out.append("What breaks at run time:")
        for feat in v.features:
            out.append(
                f"  - {feat.feature} ({', '.join(_safe(s) for s in feat.symbols)}): {feat.breaks}"
            )
        out.append("")
    if v.suppressed:
        out.append(f"{_safe(v.suppressed_line)}:")
        for x in v.suppressed:
            out.append(
                f"  {_safe(x.symbol)} ({x.severity}, {x.lines_label}): {_safe(x.reason)} "
                f"[{_safe(x.rule)}]"
            )
        out.append("")
    if v.recommendations:
        out.append("What to do:")
        for i, r in enumerate(v.recommendations, 1):
            out.append(f"  {i}. {r.title}")
            if r.check:
                out.append(f"       first: $ {r.check}")
                out.append(f"       {r.check_when}")
                out.append("       if it prints nothing:")
            for cmd in r.commands:
                out.append(f"       $ {cmd}")
            if r.otherwise:
                out.append("       if it prints packages:")
                out += [f"       $ {cmd}" for cmd in r.otherwise]
            out.append(f"       removes: {', '.join(r.removes) or 'nothing'}")
            if r.remaining:
                out.append(f"       remaining: {', '.join(_safe(s) for s in r.remaining)}")
            out.append(f"       cost: {r.cost}")
            out.append(f"       minimum kernel: {r.kernel}")
            out.append(f"       {r.known}")
        out.append("")
    if v.build:
        out.append("The build:")
        out += [f"  {line}" for line in v.build]
        out.append("")
    if v.diagnostics:
        out.append("Other linker messages:")
        for d in v.diagnostics:
            sev = _paint(d.severity, _COLORS[d.severity], c)
            out.append(f"  {sev} {d.log}: {_safe(d.message)}")
        if v.diagnostics_omitted:
            out.append(f"  ... and {v.diagnostics_omitted} more")
        out.append("")
    for note in v.notes:
        out.append(f"Note: {note}")
    if v.findings:
        out.append("Details per function: cgowarn --format markdown (or html, json).")
    return "\n".join(out).rstrip("\n") + "\n"
