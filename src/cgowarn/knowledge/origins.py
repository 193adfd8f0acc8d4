"""Attribute an occurrence to the code that pulled the libc function in, from the log's evidence."""

from __future__ import annotations

from cgowarn.knowledge.loader import KnowledgeBase
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
    """The first rule in patterns/origins.toml whose every field matches, else unattributed."""
    key = (id(kb), symbol, object, function, file, unit)
    origin = _CACHE.get(key)
    if origin is None:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        origin = _CACHE[key] = _attribute(kb, symbol, object, function, file, unit)
    return origin


# A log repeats the same evidence (one object and function for every warning of a function);
# attributing it once keeps the cost per warning line low. Bounded, so memory stays flat.
_CACHE: dict[tuple[object, ...], Origin] = {}
_CACHE_SIZE = 4096


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


OS_USER_SYMBOLS = frozenset(
    {"getpwnam_r", "getpwuid_r", "getgrnam_r", "getgrgid_r", "getgrouplist"}
)


def _known(kb: KnowledgeBase, origin_id: str, evidence: str) -> Origin:
    rule = next(c.rule for c in kb.origins if c.rule.id == origin_id)
    return Origin(
        id=origin_id, name=rule.name, evidence=evidence, note=rule.note, harmless=rule.harmless
    )


def attribute_binary(kb: KnowledgeBase, symbol: str, how: str, go: GoBuildInfo | None) -> Origin:
    """A binary names no referencing function; a Go binary's build information still tells which
    standard packages used cgo: os/user without -tags osusergo, net without -tags netgo."""
    if go is not None and go.settings.get("CGO_ENABLED") == "1":
        tags = {t for t in go.settings.get("-tags", "").replace(" ", ",").split(",") if t}
        said = f"Go build info: CGO_ENABLED=1, -tags={','.join(sorted(tags)) or '(none)'}"
        if symbol in OS_USER_SYMBOLS and "osusergo" not in tags:
            return _known(kb, "go:os/user", f"{said}: built without osusergo")
        if symbol == "getaddrinfo" and "netgo" not in tags:
            return _known(kb, "go:net", f"{said}: built without netgo")
        if symbol == "dlopen" and any(
            d.startswith("github.com/mattn/go-sqlite3@") for d in go.deps
        ):
            if "libsqlite3" in tags:
                return _known(kb, "lib:sqlite3", f"{said}: go-sqlite3 with the libsqlite3 tag")
            if "sqlite_omit_load_extension" not in tags:
                return _known(
                    kb,
                    "go:github.com/mattn/go-sqlite3",
                    f"{said}: go-sqlite3 without sqlite_omit_load_extension (its bundled SQLite, unless a distribution patched it to link the system library)",
                )
    return Origin(id=UNATTRIBUTED, name=UNATTRIBUTED_NAME, evidence=f"binary: {how}")
