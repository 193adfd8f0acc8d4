"""Attribute an occurrence to the code that pulled the libc function in, from the evidence a log
or a binary gives (patterns/origins.toml)."""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from cgowarn.knowledge.loader import KnowledgeBase
from cgowarn.knowledge.models import BinaryOrigin
from cgowarn.model import GoBuildInfo, Origin

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
    """The first [[origin]] rule whose every field matches, else unattributed. A log repeats the
    same evidence (one object and function for every warning of a function), so each distinct
    evidence is attributed once."""
    key = (symbol, object, function, file, unit)
    memo = kb.memos.bounded("origins")
    origin: Origin | None = memo.get(key)
    if origin is None:
        origin = _attribute(kb, symbol, object, function, file, unit)
        memo.put(key, origin, sum(len(part) for part in key if part))
    return origin


def _attribute(
    kb: KnowledgeBase,
    symbol: str,
    object: str | None,
    function: str | None,
    file: str | None,
    unit: str | None,
) -> Origin:
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
                toolchain=rule.toolchain,
                severity=rule.severity,
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


def known_origin(kb: KnowledgeBase, origin_id: str, evidence: str) -> Origin:
    """The origin `origin_id` as a binary's evidence shows it: named by its `default` rule, else
    by its first rule."""
    rules = [c.rule for c in kb.origins if c.rule.id == origin_id]
    rule = next((r for r in rules if r.default), rules[0])
    return Origin(
        id=origin_id,
        name=rule.name,
        evidence=evidence,
        note=rule.note,
        harmless=rule.harmless,
        toolchain=rule.toolchain,
        severity=rule.severity,
    )


def _applies(
    kb: KnowledgeBase,
    rule: BinaryOrigin,
    symbol: str,
    tags: set[str],
    modules: set[str],
    cgo_packages: AbstractSet[str] | None,
) -> bool:
    return (
        symbol in kb.origin_symbols.get(rule.origin, frozenset())
        and (rule.package is None or cgo_packages is None or rule.package in cgo_packages)
        and (rule.module is None or rule.module in modules)
        and (rule.with_tag is None or rule.with_tag in tags)
        and (rule.unless_tag is None or rule.unless_tag not in tags)
    )


def attribute_binary(
    kb: KnowledgeBase,
    symbol: str,
    how: str,
    go: GoBuildInfo | None,
    cgo_packages: AbstractSet[str] | None = None,
) -> Origin:
    """A binary names no referencing function; a Go binary's build information still tells which
    code used cgo, and its symbol table which packages' cgo wrappers it holds (`cgo_packages`;
    None when it has none) ([[binary_origin]] in patterns/origins.toml)."""
    if go is not None and go.settings.get("CGO_ENABLED") == "1":
        tags = go.tags
        modules = {d.partition("@")[0] for d in go.deps}
        said = f"Go build info: CGO_ENABLED=1, -tags={','.join(sorted(tags)) or '(none)'}"
        for rule in kb.binary_origins:
            if _applies(kb, rule, symbol, tags, modules, cgo_packages):
                detail = ", ".join(
                    part
                    for part in (
                        rule.module and f"{rule.module} linked in",
                        rule.with_tag and f"built with {rule.with_tag}",
                        rule.unless_tag and f"built without {rule.unless_tag}",
                    )
                    if part
                )
                note = f" ({rule.note})" if rule.note else ""
                return known_origin(kb, rule.origin, f"{said}: {detail}{note}")
    return Origin(id=UNATTRIBUTED, name=UNATTRIBUTED_NAME, evidence=f"binary: {how}")
