"""Attribute an occurrence to the code that pulled the libc function in, from the log's evidence."""

from __future__ import annotations

from cgowarn.knowledge.loader import KnowledgeBase
from cgowarn.model import Origin

UNATTRIBUTED_NAME = "no origin recognised"


def attribute(
    kb: KnowledgeBase,
    *,
    object: str | None,
    function: str | None,
    file: str | None,
    unit: str | None,
) -> Origin:
    """The first origin rule in patterns/origins.toml whose evidence matches, else unattributed."""
    evidence = {"object": object, "function": function, "file": file, "unit": unit}
    for compiled in kb.origins:
        for field, pattern in compiled.fields:
            value = evidence[field]
            if value and pattern.search(value):
                return Origin(
                    id=compiled.rule.id, name=compiled.rule.name, evidence=f"{field} {value}"
                )
    for field in ("object", "file", "function"):
        if evidence[field]:
            return Origin(
                id="unattributed", name=UNATTRIBUTED_NAME, evidence=f"{field} {evidence[field]}"
            )
    return Origin(
        id="unattributed",
        name=UNATTRIBUTED_NAME,
        evidence="the log names no object, function or file",
    )
