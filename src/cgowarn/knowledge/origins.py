"""Attribute an occurrence to the code that pulled the libc function in, from the log's evidence."""

from __future__ import annotations

from cgowarn.knowledge.loader import KnowledgeBase
from cgowarn.model import Origin

UNATTRIBUTED = "unattributed"
UNATTRIBUTED_NAME = "no origin recognised"


def attribute(
    kb: KnowledgeBase,
    *,
    symbol: str,
    object: str | None,
    function: str | None,
    file: str | None,
    unit: str | None,
) -> Origin:
    """The first rule in patterns/origins.toml whose every field matches, else unattributed."""
    evidence = {
        "object": object,
        "function": function,
        "file": file,
        "unit": unit,
        "symbol": symbol,
    }
    for compiled in kb.origins:
        found: dict[str, str] = {}
        used = []
        for field, pattern in compiled.fields:
            value = evidence[field]
            m = pattern.search(value) if value else None
            if m is None:
                break
            found.update({k: v for k, v in m.groupdict().items() if v})
            if field != "symbol":
                used.append(f"{field} {value}")
        else:
            rule = compiled.rule
            return Origin(
                id=rule.id.format(**found) if "{" in rule.id else rule.id,
                name=rule.name.format(**found) if "{" in rule.name else rule.name,
                evidence="; ".join(used),
                note=rule.note,
                harmless=rule.harmless,
            )
    for field in ("object", "file", "function"):
        if evidence[field]:
            return Origin(
                id=UNATTRIBUTED, name=UNATTRIBUTED_NAME, evidence=f"{field} {evidence[field]}"
            )
    return Origin(
        id=UNATTRIBUTED,
        name=UNATTRIBUTED_NAME,
        evidence="the log names no object, function or file",
    )
