"""Load patterns/ once, validate every file into frozen models, and compile its patterns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeVar

import regex
from pydantic import BaseModel, ValidationError

from cgowarn.enums import Toolchain
from cgowarn.errors import KnowledgeBaseError, UnknownTargetError
from cgowarn.knowledge.localised import localised_patterns
from cgowarn.knowledge.models import (
    BinaryFile,
    BinaryOrigin,
    CategoriesFile,
    Category,
    CommandEnv,
    DiagnosticPattern,
    DiagnosticsFile,
    Distribution,
    Fix,
    FixesFile,
    GlibcHint,
    GoInternalLink,
    GoTags,
    Group,
    Language,
    LanguagesFile,
    Libm,
    MessageFamily,
    MessagesFile,
    MuslMissingLibrary,
    OriginRule,
    OriginsFile,
    PlatformsFile,
    Silence,
    StaticArchive,
    Symbol,
    SymbolsFile,
    TranslationsFile,
    UndefinedCause,
)
from cgowarn.memo import Memos
from cgowarn.parse.tables import DiagnosticRule, FamilyPattern, ParseTables, Pattern
from cgowarn.resources import data_dir
from cgowarn.versions import version_tuple

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

FILES = (
    "messages.toml",
    "categories.toml",
    "symbols.toml",
    "origins.toml",
    "fixes.toml",
    "diagnostics.toml",
    "platforms.toml",
    "binary.toml",
    "translations.toml",
    "languages.toml",
)
"""The knowledge base: every file in patterns/."""


@dataclass(frozen=True)
class KnowledgeFiles:
    """Every file of patterns/, validated (each field is the file of that name, .toml) and checked
    against the others: what the user cache holds, and what a knowledge base is assembled from."""

    messages: MessagesFile
    categories: CategoriesFile
    symbols: SymbolsFile
    origins: OriginsFile
    fixes: FixesFile
    diagnostics: DiagnosticsFile
    platforms: PlatformsFile
    binary: BinaryFile
    translations: TranslationsFile
    languages: LanguagesFile


@dataclass(frozen=True)
class CompiledOrigin:
    rule: OriginRule
    fields: tuple[tuple[str, Pattern], ...]
    """(field name, pattern) for each field the rule sets."""


@dataclass(frozen=True)
class KnowledgeBase:
    """The validated knowledge base, with its patterns."""

    parse: ParseTables
    """What the parser and the scanner match lines against."""
    families: dict[str, MessageFamily]
    groups: dict[str, Group]
    categories: dict[str, Category]
    symbols: dict[str, Symbol]
    reference_libc: str
    """The libc.a that Symbol.in_reference_libc refers to."""
    origins: tuple[CompiledOrigin, ...]
    origin_symbols: dict[str, frozenset[str]]
    """Origin id -> the libc functions its rules list as pulled in."""
    origin_link_flags: dict[str, tuple[str, ...]]
    """Origin id -> linker flags a static link of its code needs."""
    binary_origins: tuple[BinaryOrigin, ...]
    fixes: tuple[Fix, ...]
    go_tags: GoTags
    glibc_origin: str
    """The origin of glibc's own run-time footprint in a binary (binary.toml)."""
    other_library: str
    """The category of a warning that is no glibc message (categories.toml `other_library`)."""
    command_env: CommandEnv
    """Which environment assignments of the log's command a recommended command repeats."""
    command_env_value: Pattern
    command_env_compiler: Pattern
    diagnostics: dict[str, DiagnosticPattern]
    silence: Silence
    """What a report says when its input cannot show glibc's warnings."""
    go_internal_link: GoInternalLink
    """When Go links internally and ignores -extldflags."""
    languages: dict[str, Language]
    """Toolchain id -> the language it builds (languages.toml), for the languages other than Go,
    C, C++ and Rust."""
    libm: Libm
    """glibc's math library: an undefined reference to one of its functions means -lm."""
    undefined_causes: tuple[tuple[UndefinedCause, Pattern], ...]
    """Undefined references whose cause their symbols tell, with one pattern of the symbols."""
    musl_missing_library: MuslMissingLibrary
    """`cannot find -lX` under musl-gcc."""
    archives: dict[str, StaticArchive]
    """-l name -> the packages that ship its static archive."""
    archive_sources: tuple[str, ...]
    install: dict[str, str]
    """Distribution family -> the command that installs a package."""
    distribution_families: dict[str, str]
    """Distribution family -> its name as a reader knows it (Debian/Ubuntu)."""
    """Where the package names of `archives` come from."""
    platforms: PlatformsFile
    binary: BinaryFile
    glibc_hints: tuple[tuple[GlibcHint, tuple[tuple[str, Pattern], ...]], ...]
    """Each hint with (field, pattern) for every field it sets."""
    distributions: dict[str, Distribution]
    memos: Memos = field(default_factory=Memos, compare=False, repr=False)
    """Memos of what the knowledge stage works out from this data (memo.py)."""

    def group_of(self, category: str) -> Group:
        """The group of a category."""
        return self.groups[self.categories[category].group]

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
    pattern = Pattern(f"patterns/{file}:{entry}", source, register=False)
    try:
        pattern.compiled  # noqa: B018 - compiling is the check
    except regex.error as exc:
        raise KnowledgeBaseError(f"patterns/{file}: entry {entry!r}: bad pattern: {exc}") from exc
    return pattern


def _index(file: str, items: tuple[M, ...], key: str) -> dict[str, M]:
    """The entries by their `key` field; an id listed twice is a load error."""
    out: dict[str, M] = {}
    for item in items:
        ident = getattr(item, key)
        if ident in out:
            raise KnowledgeBaseError(f"patterns/{file}: entry {ident!r}: listed twice")
        out[ident] = item
    return out


def _require(file: str, entry: str, what: str, value: str, known: dict[str, Any]) -> None:
    if value not in known:
        raise KnowledgeBaseError(f"patterns/{file}: entry {entry!r}: unknown {what} {value!r}")


def check_targets(kb: KnowledgeBase, names: Sequence[str], where: str = "--target") -> None:
    """UnknownTargetError unless each of `names` is a distribution of patterns/platforms.toml;
    `where` says where the names came from (`--target`, `FILE: key 'target'`)."""
    for name in names:
        if name not in kb.distributions:
            raise UnknownTargetError(
                f"{where}: unknown distribution {name!r}; known: {', '.join(kb.distributions)}"
            )


@cache
def load_knowledge() -> KnowledgeBase:
    """The knowledge base, once per process: read from patterns/ and validated. Nothing is kept
    between runs: what a run reads is always the shipped data, never an entry someone could have
    put in a cache directory."""
    return assemble(validate_knowledge({name: _source(name) for name in FILES}))


# --- validating and assembling --------------------------------------------------------------------


def validate_knowledge(sources: dict[str, bytes]) -> KnowledgeFiles:
    """Validate the contents of every file in patterns/, each on its own and against the others;
    a problem is a KnowledgeBaseError naming the file and the entry."""
    files = KnowledgeFiles(
        messages=_read(sources, "messages.toml", MessagesFile),
        categories=_read(sources, "categories.toml", CategoriesFile),
        symbols=_read(sources, "symbols.toml", SymbolsFile),
        origins=_read(sources, "origins.toml", OriginsFile),
        fixes=_read(sources, "fixes.toml", FixesFile),
        diagnostics=_read(sources, "diagnostics.toml", DiagnosticsFile),
        platforms=_read(sources, "platforms.toml", PlatformsFile),
        binary=_read(sources, "binary.toml", BinaryFile),
        translations=_read(sources, "translations.toml", TranslationsFile),
        languages=_read(sources, "languages.toml", LanguagesFile),
    )
    _check(files)
    return files


def _check(files: KnowledgeFiles) -> None:
    """The checks across files, and every pattern compiled once, so that a bad one is reported
    with its file and entry."""
    messages, cats, syms = files.messages, files.categories, files.symbols
    origins, fixes, diags = files.origins, files.fixes, files.diagnostics
    platforms, binary = files.platforms, files.binary

    groups = _index("categories.toml", cats.group, "id")
    categories = _index("categories.toml", cats.category, "id")
    for c in cats.category:
        _require("categories.toml", c.id, "group", c.group, groups)
    _index("symbols.toml", syms.symbol, "name")
    for s in syms.symbol:
        _require("symbols.toml", s.name, "category", s.category, categories)

    _index("messages.toml", messages.family, "id")
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

    for o in origins.origin:
        patterns = [
            _compile("origins.toml", o.id, pat)
            for name in ORIGIN_FIELDS
            if (pat := getattr(o, name)) is not None
        ]
        if not patterns:
            raise KnowledgeBaseError(
                f"patterns/origins.toml: entry {o.id!r}: sets no field to match"
            )
    others = [c.id for c in files.categories.category if c.other_library]
    if len(others) != 1:
        raise KnowledgeBaseError(
            "patterns/categories.toml: exactly one [[category]] must set other_library = true "
            f"(found {len(others)})"
        )
    if len([f for f in files.fixes.fix if f.glibc]) > 1:
        raise KnowledgeBaseError(
            "patterns/fixes.toml: at most one [[fix]] may set glibc (the old-glibc link)"
        )
    origin_ids = {o.id for o in origins.origin}
    if binary.footprint_origin not in origin_ids:
        raise KnowledgeBaseError(
            f"patterns/binary.toml: footprint_origin {binary.footprint_origin!r}: no [[origin]] "
            "in origins.toml has this id"
        )
    for b in origins.binary_origin:
        if b.origin not in origin_ids:
            raise KnowledgeBaseError(
                f"patterns/origins.toml: binary_origin {b.origin!r}: no [[origin]] has this id"
            )
    _index("fixes.toml", fixes.fix, "id")
    for f in fixes.fix:
        if not f.go_tag and not (f.verified or f.not_run):
            raise KnowledgeBaseError(
                f"patterns/fixes.toml: entry {f.id!r}: say how it is known to work: `verified` "
                "(the toolchains the live tests run it with) or `not_run` (why it cannot be run)"
            )
        if f.go is None and not f.go_tag and (not f.toolchains or Toolchain.GO in f.toolchains):
            raise KnowledgeBaseError(
                f"patterns/fixes.toml: entry {f.id!r}: offered for Go builds but has no [fix.go]"
            )
        for oid in (*f.origins, *f.requires_origins, *f.only_origins):
            if oid not in origin_ids:
                raise KnowledgeBaseError(
                    f"patterns/fixes.toml: entry {f.id!r}: unknown origin {oid!r}"
                )
        for gid in f.categories_group:
            _require("fixes.toml", f.id, "group", gid, groups)

    for fp in binary.footprint:
        _require("binary.toml", fp.symbol, "category", fp.category, categories)
        if fp.redundant_with_group is not None:
            _require("binary.toml", fp.symbol, "group", fp.redundant_with_group, groups)
    for rows, key in (
        (platforms.glibc_floor, "glibc"),
        (platforms.go_floor, "go"),
        (platforms.rust_floor, "rust"),
    ):
        versions = [version_tuple(getattr(r, key)) for r in rows]
        if versions != sorted(set(versions)):
            raise KnowledgeBaseError(
                f"patterns/platforms.toml: {key}_floor rows must be in strictly ascending order"
            )
    _index("platforms.toml", platforms.distribution, "id")
    for d in platforms.distribution:
        if d.libc == "glibc" and not (d.glibc and d.kernel):
            raise KnowledgeBaseError(
                f"patterns/platforms.toml: entry {d.id!r}: a glibc distribution needs glibc and kernel"
            )

    _index("diagnostics.toml", diags.diagnostic, "id")
    for rule in diags.diagnostic:
        _compile("diagnostics.toml", rule.id, rule.pattern)
    for sl in diags.silent_linker:
        _compile("diagnostics.toml", sl.name, sl.pattern)
    _index("diagnostics.toml", diags.archive, "library")
    for a in diags.archive:
        for family_id in a.packages:
            _require(
                "diagnostics.toml", a.library, "family", family_id, diags.static_archives.families
            )
    for h in platforms.glibc_hint:
        for name in HINT_FIELDS:
            if (pat := getattr(h, name)) is not None:
                _compile("platforms.toml", h.reason, pat)


ORIGIN_FIELDS = ("object", "function", "file", "unit", "symbol")
"""The fields of an [[origin]] rule that hold a pattern, in the order they are tried."""

HINT_FIELDS = ("message", "object", "function", "symbol", "line")
"""The fields of a [[glibc_hint]] that hold a pattern."""


def assemble(files: KnowledgeFiles) -> KnowledgeBase:
    """The knowledge base of validated and checked files; patterns compile on first use."""
    messages, cats, syms = files.messages, files.categories, files.symbols
    origins, fixes, diags = files.origins, files.fixes, files.diagnostics
    platforms = files.platforms

    origin_symbols: dict[str, set[str]] = {}
    link_flags: dict[str, tuple[str, ...]] = {}
    for o in origins.origin:
        origin_symbols.setdefault(o.id, set()).update(o.symbols)
        if o.static_link_flags:
            link_flags[o.id] = o.static_link_flags
    memos = Memos()
    localised = localised_patterns(files.translations)
    tables = ParseTables.build(
        families=tuple(
            FamilyPattern(
                f.id,
                f.needles,
                Pattern(f"patterns/messages.toml:{f.id}", f.pattern),
                (f.wrap.head, f.wrap.end) if f.wrap else None,
            )
            for f in messages.family
        ),
        # Each diagnostic, then its translated forms as a rule of their own: only a line that
        # holds one of their words is searched for them.
        diagnostics=tuple(
            rule
            for d in diags.diagnostic
            for rule in (
                DiagnosticRule(
                    d.id,
                    d.needles,
                    Pattern(f"patterns/diagnostics.toml:{d.id}", d.pattern),
                    d.command,
                ),
                *(
                    (
                        DiagnosticRule(
                            d.id,
                            localised[d.id][0],
                            Pattern(f"patterns/translations.toml:{d.id}", localised[d.id][1]),
                            d.command,
                        ),
                    )
                    if d.id in localised
                    else ()
                ),
            )
        ),
        silent_linkers=tuple(
            (s.name, Pattern(f"patterns/diagnostics.toml:silent {s.name}", s.pattern))
            for s in diags.silent_linker
        ),
        drivers={d: str(lang.id) for lang in files.languages.language for d in lang.drivers},
        memos=memos,
    )
    return KnowledgeBase(
        parse=tables,
        families={f.id: f for f in messages.family},
        groups={g.id: g for g in cats.group},
        categories={c.id: c for c in cats.category},
        symbols={s.name: s for s in syms.symbol},
        reference_libc=syms.reference_libc,
        origins=tuple(
            CompiledOrigin(
                o,
                tuple(
                    (name, Pattern(f"patterns/origins.toml:{o.id}.{name}", pat))
                    for name in ORIGIN_FIELDS
                    if (pat := getattr(o, name)) is not None
                ),
            )
            for o in origins.origin
        ),
        origin_symbols={k: frozenset(v) for k, v in origin_symbols.items()},
        origin_link_flags=link_flags,
        binary_origins=origins.binary_origin,
        fixes=tuple(sorted(fixes.fix, key=lambda f: (f.rank, f.id))),
        go_tags=fixes.go_tags,
        command_env=fixes.command_env,
        command_env_value=Pattern(
            "patterns/fixes.toml:command_env.value", fixes.command_env.value, anchored=True
        ),
        command_env_compiler=Pattern(
            "patterns/fixes.toml:command_env.compiler", fixes.command_env.compiler, anchored=True
        ),
        diagnostics={d.id: d for d in diags.diagnostic},
        silence=diags.silence,
        go_internal_link=diags.go_internal_link,
        languages={str(lang.id): lang for lang in files.languages.language},
        libm=diags.libm,
        undefined_causes=tuple(
            (
                cause,
                _compile(
                    "diagnostics.toml",
                    f"undefined_cause {cause.id}",
                    "^(?:" + "|".join(f"(?:{x})" for x in cause.symbols) + ")$",
                ),
            )
            for cause in diags.undefined_cause
        ),
        musl_missing_library=diags.musl_missing_library,
        archives={a.library: a for a in diags.archive},
        archive_sources=diags.static_archives.sources,
        install=diags.static_archives.install,
        distribution_families=diags.static_archives.families,
        platforms=platforms,
        binary=files.binary,
        glibc_origin=files.binary.footprint_origin,
        other_library=next(c.id for c in cats.category if c.other_library),
        glibc_hints=tuple(
            (
                h,
                tuple(
                    (name, Pattern(f"patterns/platforms.toml:{h.reason[:40]}.{name}", pat))
                    for name in HINT_FIELDS
                    if (pat := getattr(h, name)) is not None
                ),
            )
            for h in platforms.glibc_hint
        ),
        distributions={d.id: d for d in platforms.distribution},
        memos=memos,
    )


def _unfortified(name: str) -> str:
    """`__gets_chk` -> `gets`: the _FORTIFY_SOURCE variant warns with the plain function's message."""
    if name.startswith("__") and name.endswith("_chk"):
        return name[2:-4]
    return name


def _family_index(match: Any, n: int) -> int:
    return next(i for i in range(n) if match.group(f"f{i}") is not None)


def _symbol_of(match: Any, n: int) -> str:
    return str(match.group(f"s{_family_index(match, n)}"))
