"""Load patterns/ once, validate every file into frozen models, and compile its patterns."""

from __future__ import annotations

import pickle
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

import regex
from pydantic import BaseModel, ValidationError
from pydantic.version import VERSION as PYDANTIC_VERSION

from cgowarn import model as report_model
from cgowarn import usercache
from cgowarn.errors import KnowledgeBaseError
from cgowarn.knowledge import models
from cgowarn.knowledge.models import (
    BinaryFile,
    CategoriesFile,
    Category,
    DiagnosticPattern,
    DiagnosticsFile,
    Distribution,
    Fix,
    FixesFile,
    GlibcHint,
    GoTags,
    Group,
    MessageFamily,
    MessagesFile,
    OriginRule,
    OriginsFile,
    PlatformsFile,
    Symbol,
    SymbolsFile,
)
from cgowarn.resources import data_dir

M = TypeVar("M", bound=BaseModel)

TOOLCHAINS = ("go", "rust", "c")
"""Toolchains cgowarn recognises in a log; fixes give commands per toolchain."""

FILES = (
    "messages.toml",
    "categories.toml",
    "symbols.toml",
    "origins.toml",
    "fixes.toml",
    "diagnostics.toml",
    "platforms.toml",
    "binary.toml",
)
"""The knowledge base: every file in patterns/."""


def version_tuple(text: str) -> tuple[int, ...]:
    """`2.6.32` -> (2, 6, 32); compares numerically, so 2.36 > 2.4."""
    return tuple(int(part) for part in text.split("."))


class Pattern:
    """A regular expression from patterns/, compiled on first use.

    It pickles as its source, so a knowledge base loaded from the cache compiles only the patterns
    a log needs (most logs need few of the diagnostics and origins). Patterns are `regex` syntax;
    `stdlib` marks an alternation of escaped literals, which the standard library's `re` scans
    several times faster than `regex` does."""

    __slots__ = ("_compiled", "source", "stdlib")

    def __init__(self, source: str, stdlib: bool = False) -> None:
        self.source = source
        self.stdlib = stdlib
        self._compiled: Any = None

    @property
    def compiled(self) -> Any:
        """The compiled pattern."""
        if self._compiled is None:
            self._compiled = (re if self.stdlib else regex).compile(self.source)
        return self._compiled

    def search(self, text: str) -> Any:
        return self.compiled.search(text)

    def __reduce__(self) -> tuple[type[Pattern], tuple[str, bool]]:
        return (Pattern, (self.source, self.stdlib))


@dataclass(frozen=True)
class CompiledOrigin:
    rule: OriginRule
    fields: tuple[tuple[str, Pattern], ...]
    """(field name, pattern) for each field the rule sets."""


@dataclass(frozen=True)
class KnowledgeBase:
    """The validated knowledge base, with its patterns."""

    families: dict[str, MessageFamily]
    family_order: tuple[str, ...]
    family_patterns: tuple[tuple[str, tuple[str, ...], Pattern], ...]
    """(family id, needles, pattern) in file order."""
    message_needles: tuple[str, ...]
    """Literal strings; every glibc message contains one of them."""
    message_filter: Pattern
    """Compiled alternation of the message needles: a line holds a glibc message only if it matches."""
    groups: dict[str, Group]
    categories: dict[str, Category]
    symbols: dict[str, Symbol]
    origins: tuple[CompiledOrigin, ...]
    fixes: tuple[Fix, ...]
    go_tags: GoTags
    diagnostics: tuple[tuple[DiagnosticPattern, Pattern], ...]
    """(pattern entry, its pattern); try only when the line contains one of entry.needles."""
    platforms: PlatformsFile
    binary: BinaryFile
    glibc_hints: tuple[tuple[GlibcHint, tuple[tuple[str, Pattern], ...]], ...]
    """Each hint with (field, pattern) for every field it sets."""
    distributions: dict[str, Distribution]
    diagnostic_filter: Pattern
    """Alternation of every diagnostic's needles: lines that do not match are not tried."""
    silent_linkers: tuple[tuple[str, Pattern], ...]

    def category_of(self, symbol: str, family: str) -> tuple[Category, bool]:
        """The category for `symbol` warned about in `family`; the bool says whether it is known."""
        entry = self.symbols.get(symbol)
        if entry is not None:
            return self.categories[entry.category], True
        return self.categories[self.families[family].unknown_category], False


def _source(name: str) -> bytes:
    try:
        return bytes(data_dir("patterns").joinpath(name).read_bytes())
    except FileNotFoundError as exc:
        raise KnowledgeBaseError(f"patterns/{name}: file missing from the installation") from exc


def _read(sources: dict[str, bytes], name: str, model: type[M]) -> M:
    import tomllib  # only when the cache misses

    try:
        raw = tomllib.loads(sources[name].decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise KnowledgeBaseError(f"patterns/{name}: not UTF-8: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise KnowledgeBaseError(f"patterns/{name}: not valid TOML: {exc}") from exc
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = list(first["loc"])
        where = ".".join(str(p) for p in loc)
        entry = _entry_name(raw, loc)
        raise KnowledgeBaseError(
            f"patterns/{name}: invalid entry {where}{entry}: {first['msg']}"
        ) from exc


def _entry_name(raw: dict[str, Any], loc: list[Any]) -> str:
    """Name the offending entry (its id or name) so the error can be found in the file."""
    if len(loc) >= 2 and isinstance(loc[1], int):
        items = raw.get(str(loc[0]))
        if isinstance(items, list) and loc[1] < len(items) and isinstance(items[loc[1]], dict):
            ident = items[loc[1]].get("id") or items[loc[1]].get("name")
            if ident:
                return f" ({ident!r})"
    return ""


def _compile(file: str, entry: str, source: str) -> Pattern:
    """The pattern, compiled now so that a bad one is reported with its file and entry."""
    pattern = Pattern(source)
    try:
        pattern.compiled  # noqa: B018 - compiling is the check
    except regex.error as exc:
        raise KnowledgeBaseError(f"patterns/{file}: entry {entry!r}: bad pattern: {exc}") from exc
    return pattern


def _require(file: str, entry: str, what: str, value: str, known: dict[str, Any]) -> None:
    if value not in known:
        raise KnowledgeBaseError(f"patterns/{file}: entry {entry!r}: unknown {what} {value!r}")


@cache
def load_knowledge() -> KnowledgeBase:
    """The knowledge base, once per process: from the cache when patterns/ is unchanged since it
    was last validated, else read, validated and cached."""
    sources = {name: _source(name) for name in FILES}
    key = usercache.digest(
        PYDANTIC_VERSION,
        regex.__version__,
        *usercache.code(__file__, models.__file__, report_model.__file__),
        *(part for item in sources.items() for part in item),
    )
    blob = usercache.load("knowledge", key)
    if blob is not None:
        try:
            kb = pickle.loads(blob)
        except Exception:  # a damaged entry can fail in many ways; rebuild it
            kb = None
        if isinstance(kb, KnowledgeBase):
            return kb
    kb = validate_knowledge(sources)
    usercache.store("knowledge", key, pickle.dumps(kb, protocol=pickle.HIGHEST_PROTOCOL))
    return kb


def validate_knowledge(sources: dict[str, bytes]) -> KnowledgeBase:
    """Validate the contents of every file in patterns/ into a knowledge base."""
    messages = _read(sources, "messages.toml", MessagesFile)
    cats = _read(sources, "categories.toml", CategoriesFile)
    syms = _read(sources, "symbols.toml", SymbolsFile)
    origins = _read(sources, "origins.toml", OriginsFile)
    fixes = _read(sources, "fixes.toml", FixesFile)
    diags = _read(sources, "diagnostics.toml", DiagnosticsFile)

    groups = {g.id: g for g in cats.group}
    categories = {c.id: c for c in cats.category}
    for c in cats.category:
        _require("categories.toml", c.id, "group", c.group, groups)
    symbols: dict[str, Symbol] = {}
    for s in syms.symbol:
        _require("symbols.toml", s.name, "category", s.category, categories)
        if s.name in symbols:
            raise KnowledgeBaseError(f"patterns/symbols.toml: entry {s.name!r}: listed twice")
        symbols[s.name] = s

    families = {f.id: f for f in messages.family}
    branches = []
    for i, fam in enumerate(messages.family):
        _require("messages.toml", fam.id, "category", fam.unknown_category, categories)
        compiled = _compile("messages.toml", fam.id, fam.pattern)
        if "symbol" not in compiled.compiled.groupindex:
            raise KnowledgeBaseError(
                f"patterns/messages.toml: entry {fam.id!r}: pattern has no (?P<symbol>...) group"
            )
        branches.append(f"(?P<f{i}>{fam.pattern.replace('(?P<symbol>', f'(?P<s{i}>')})")
    # One alternation of every family: group `f<i>` marks family i, `s<i>` its symbol.
    message_regex = _compile("messages.toml", "(all families)", "|".join(branches)).compiled
    for s in syms.symbol:
        for text in s.messages:
            m = message_regex.fullmatch(text)
            if m is None or _symbol_of(m, len(branches)) not in {s.name, _unfortified(s.name)}:
                raise KnowledgeBaseError(
                    f"patterns/symbols.toml: entry {s.name!r}: message {text!r} matches no family in messages.toml"
                )
            family = messages.family[_family_index(m, len(branches))]
            if not any(n in text for n in family.needles):
                raise KnowledgeBaseError(
                    f"patterns/messages.toml: entry {family.id!r}: no needle occurs in {s.name!r}'s message {text!r}"
                )

    compiled_origins = []
    for o in origins.origin:
        fields = tuple(
            (name, _compile("origins.toml", o.id, pat))
            for name in ("object", "function", "file", "unit", "symbol")
            if (pat := getattr(o, name)) is not None
        )
        if not fields:
            raise KnowledgeBaseError(
                f"patterns/origins.toml: entry {o.id!r}: sets no field to match"
            )
        compiled_origins.append(CompiledOrigin(o, fields))
    origin_ids = {o.id for o in origins.origin}
    for f in fixes.fix:
        for oid in (*f.origins, *f.requires_origins, *f.only_origins):
            if oid not in origin_ids:
                raise KnowledgeBaseError(
                    f"patterns/fixes.toml: entry {f.id!r}: unknown origin {oid!r}"
                )
        for gid in f.categories_group:
            _require("fixes.toml", f.id, "group", gid, groups)
        for tool in (*f.toolchains, *f.commands):
            if tool not in TOOLCHAINS:
                raise KnowledgeBaseError(
                    f"patterns/fixes.toml: entry {f.id!r}: unknown toolchain {tool!r}"
                )

    platforms = _read(sources, "platforms.toml", PlatformsFile)
    binary = _read(sources, "binary.toml", BinaryFile)
    for fp in binary.footprint:
        _require("binary.toml", fp.symbol, "category", fp.category, categories)
    for rows, key in ((platforms.glibc_floor, "glibc"), (platforms.go_floor, "go")):
        versions = [version_tuple(getattr(r, key)) for r in rows]
        if versions != sorted(versions):
            raise KnowledgeBaseError(
                f"patterns/platforms.toml: {key}_floor rows must be in ascending order"
            )
    for d in platforms.distribution:
        if d.libc == "glibc" and not (d.glibc and d.kernel):
            raise KnowledgeBaseError(
                f"patterns/platforms.toml: entry {d.id!r}: a glibc distribution needs glibc and kernel"
            )

    diagnostics = tuple(
        (d, _compile("diagnostics.toml", d.id, d.pattern)) for d in diags.diagnostic
    )
    silent = tuple(
        (s.name, _compile("diagnostics.toml", s.name, s.pattern)) for s in diags.silent_linker
    )
    return KnowledgeBase(
        families=families,
        family_order=tuple(f.id for f in messages.family),
        family_patterns=tuple(
            (f.id, f.needles, _compile("messages.toml", f.id, f.pattern)) for f in messages.family
        ),
        message_needles=tuple(sorted({n for f in messages.family for n in f.needles})),
        message_filter=_needle_filter(n for f in messages.family for n in f.needles),
        groups=groups,
        categories=categories,
        symbols=symbols,
        origins=tuple(compiled_origins),
        fixes=tuple(sorted(fixes.fix, key=lambda f: (f.rank, f.id))),
        go_tags=fixes.go_tags,
        diagnostics=diagnostics,
        platforms=platforms,
        binary=binary,
        glibc_hints=tuple(
            (
                h,
                tuple(
                    (name, _compile("platforms.toml", h.reason, pat))
                    for name in ("message", "object", "function", "symbol")
                    if (pat := getattr(h, name)) is not None
                ),
            )
            for h in platforms.glibc_hint
        ),
        distributions={d.id: d for d in platforms.distribution},
        diagnostic_filter=_needle_filter(n for d in diags.diagnostic for n in d.needles),
        silent_linkers=silent,
    )


def _needle_filter(needles: Iterable[str]) -> Pattern:
    """One alternation of literal strings: a single C-level scan instead of a Python loop."""
    return Pattern("|".join(re.escape(n) for n in sorted(set(needles))), stdlib=True)


def _unfortified(name: str) -> str:
    """`__gets_chk` -> `gets`: the _FORTIFY_SOURCE variant warns with the plain function's message."""
    if name.startswith("__") and name.endswith("_chk"):
        return name[2:-4]
    return name


def _family_index(match: Any, n: int) -> int:
    return next(i for i in range(n) if match.group(f"f{i}") is not None)


def _symbol_of(match: Any, n: int) -> str:
    return str(match.group(f"s{_family_index(match, n)}"))


def match_message(kb: KnowledgeBase, text: str) -> tuple[str, str, int, int] | None:
    """Find glibc's message in `text`: (family id, symbol, start, end) or None.

    Only the families whose needles occur are searched, each with its own pattern (one alternation
    of all of them is several times slower); the leftmost match wins, as it would in one search."""
    best: tuple[str, str, int, int] | None = None
    for family, needles, pattern in kb.family_patterns:
        if not any(n in text for n in needles):
            continue
        m = pattern.compiled.search(text)
        if m is not None and (best is None or m.start() < best[2]):
            best = (family, str(m.group("symbol")), m.start(), m.end())
    return best
