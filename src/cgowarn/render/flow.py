"""The picture of where the warnings come from: bands from the code that pulled a function in, to
the function, to the feature that breaks, each as wide as its warning lines; the largest columns
first, and what does not fit merged into one "N more" node per column."""

from __future__ import annotations

from cgowarn.enums import worst_first
from cgowarn.render.rows import FeatureRow, FindingRow, Flow, FlowRow

UNKNOWN_FUNCTION = " (not in knowledge base)"
"""What a function's feature says when the knowledge base does not know the function."""
UNKNOWN_ORIGIN = "(origin not known)"

FLOW_ORIGINS = 8
FLOW_FUNCTIONS = 12
FLOW_FEATURES = 8
"""The most nodes a column of the picture shows; the rest share one "N more" node."""


def _more(n: int, what: str) -> str:
    return f"{n} more {what}"


def build_flow(findings: tuple[FindingRow, ...], features: tuple[FeatureRow, ...]) -> Flow:
    feature_severity = {x.feature: x.severity for x in features}
    rows: dict[tuple[str, str, str], tuple[str, str, float]] = {}
    for f in findings:
        total = float(f.count or 1)
        origins: dict[str, int] = {}
        for o in f.occurrences:
            origins[o.origin] = origins.get(o.origin, 0) + 1
        shown = sum(origins.values())
        feature = f.feature
        for origin, n in (origins or {UNKNOWN_ORIGIN: 1}).items():
            key = (origin, f.symbol, feature)
            sev = feature_severity.get(feature.removesuffix(UNKNOWN_FUNCTION), f.severity)
            rows[key] = (f.severity, sev, total * n / max(shown, 1))

    def top(index: int, limit: int, what: str) -> tuple[dict[str, str], int]:
        totals: dict[str, float] = {}
        ranks: dict[str, int] = {}
        for key, (sev, _, w) in rows.items():
            totals[key[index]] = totals.get(key[index], 0.0) + w
            ranks[key[index]] = min(ranks.get(key[index], 9), worst_first(sev))
        order = sorted(totals, key=lambda k: (ranks[k], -totals[k], k))
        if len(order) <= limit:
            return {k: k for k in order}, 0
        more = len(order) - limit + 1
        label = _more(more, what)
        return {k: (k if i < limit - 1 else label) for i, k in enumerate(order)}, more

    origin_of, origins_more = top(0, FLOW_ORIGINS, "origins")
    symbol_of, functions_more = top(1, FLOW_FUNCTIONS, "functions")
    feature_of, features_more = top(2, FLOW_FEATURES, "features")
    merged: dict[tuple[str, str, str], tuple[str, str, float]] = {}
    for (origin, symbol, feature), (sev, fsev, w) in rows.items():
        key = (origin_of[origin], symbol_of[symbol], feature_of[feature])
        if key in merged:
            old_sev, old_fsev, old_w = merged[key]
            sev = min(sev, old_sev, key=worst_first)
            fsev = min(fsev, old_fsev, key=worst_first)
            w += old_w
        merged[key] = (sev, fsev, w)
    return Flow(
        rows=tuple(
            FlowRow(origin, symbol, feature, sev, fsev, round(w, 6))
            for (origin, symbol, feature), (sev, fsev, w) in sorted(
                merged.items(), key=lambda item: (-item[1][2], item[0])
            )
        ),
        origins_more=origins_more,
        functions_more=functions_more,
        features_more=features_more,
    )
