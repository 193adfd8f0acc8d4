"""Recommendations: which fixes from patterns/fixes.toml apply to these findings, what each removes,
what remains, and the exact commands for the build the log shows.

Go commands are derived from the go build command the log shows (parse/gocommand.py), never copied
from it. Whether a Go command may keep `-linkmode external` depends on whether cgo is left once the
tags apply, and on the Go release (fixes.toml [go_tags]); when neither is known, the recommendation
carries the `go list` check that decides.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace

from cgowarn.enums import Libc, Toolchain
from cgowarn.knowledge.loader import KnowledgeBase
from cgowarn.knowledge.models import CRecipe, Fix
from cgowarn.model import Check, Finding, Outcome, Recommendation
from cgowarn.parse.ccommand import CCommand
from cgowarn.parse.gocommand import GoCommand
from cgowarn.parse.langcommand import LanguageCommand
from cgowarn.versions import version_tuple

NO_COMMAND = "the log shows no command of this build to change; the title says what to change"
STATIC_GLIBC = Outcome(libc=Libc.GLIBC, linkage="static", kernel="unchanged")
PURE_GO = Outcome(libc=Libc.NONE, linkage="static", kernel="none")


@dataclass(frozen=True)
class BuildContext:
    """What the advice needs to know about the build besides the findings."""

    toolchains: Sequence[Toolchain]
    go_command: GoCommand | None = None
    go_version: str | None = None
    go_packages: tuple[str, ...] = ()
    """The Go packages the log shows being linked (its `# import/path` headers)."""
    cgo_packages: frozenset[str] | None = None
    """The Go packages that use cgo (without extra tags), when `go list` or a binary told; None
    when not known."""
    c_command: CCommand | None = None
    """The C or C++ static link command the log shows."""
    make: bool = False
    """The log shows make running the build."""
    language_commands: Mapping[str, LanguageCommand] = field(default_factory=dict)
    """Toolchain id -> the build command of another language's driver the log shows."""


def safe_go_command(kb: KnowledgeBase, command: GoCommand) -> tuple[GoCommand, tuple[str, ...]]:
    """`command` with only the environment assignments a fix can be about (fixes.toml
    [command_env]), and the names of those it left out."""
    rules = kb.command_env
    kept: list[tuple[str, str]] = []
    dropped: list[str] = []
    for name, value in command.env:
        if name in rules.compilers:
            ok = kb.command_env_compiler.fullmatch(value) is not None
        else:
            ok = name in rules.keep and kb.command_env_value.fullmatch(value) is not None
        if ok:
            kept.append((name, value))
        else:
            dropped.append(name)
    return replace(command, env=tuple(kept)), tuple(dict.fromkeys(dropped))


def fix_applies(
    fix: Fix,
    toolchains: Sequence[Toolchain],
    all_origins: AbstractSet[str],
    groups: AbstractSet[str] = frozenset(),
) -> bool:
    """Whether `fix` is offered for a build with these toolchains whose occurrences come from
    `all_origins` and whose findings are in category `groups` (fixes.toml: toolchains,
    requires_origins, only_origins, excluded_origins, excluded_groups)."""
    if fix.toolchains and not set(fix.toolchains) & set(toolchains):
        return False
    if fix.requires_origins and not set(fix.requires_origins) & all_origins:
        return False
    if set(fix.excluded_origins) & all_origins or set(fix.excluded_groups) & groups:
        return False
    return not (fix.only_origins and not all_origins <= set(fix.only_origins))


def fixes_for_symbol(kb: KnowledgeBase, symbol: str) -> list[tuple[Fix, tuple[str, ...]]]:
    """Every fix that can remove `symbol`'s warning, for `cgowarn explain`: with () when it
    removes it whatever its origin, else with the known origins (origins.toml `symbols`) for
    which it would be offered and would remove it."""
    group = kb.group_of(kb.symbols[symbol].category).id
    origins = sorted(oid for oid, symbols in kb.origin_symbols.items() if symbol in symbols)
    out: list[tuple[Fix, tuple[str, ...]]] = []
    for fix in kb.fixes:
        if group in fix.categories_group:
            out.append((fix, ()))
            continue
        toolchains = fix.toolchains or tuple(Toolchain)
        scope = tuple(o for o in origins if o in fix.origins and fix_applies(fix, toolchains, {o}))
        if scope:
            out.append((fix, scope))
    return out


def default_go_command(kb: KnowledgeBase, build: BuildContext, origins: set[str]) -> GoCommand:
    """The go build command to derive from when the log shows none: the one package the log shows
    being linked (else ./...), linked statically with the flags the code seen needs (-lm for a
    system libsqlite3.a)."""
    packages = [_directory_of(p) for p in build.go_packages if p != "command-line-arguments"]
    command = GoCommand(packages=(packages[0],)) if len(packages) == 1 else GoCommand()
    flags = [f for o in sorted(origins) for f in kb.origin_link_flags.get(o, ())]
    return command.static_external().with_extldflags(flags)


def _directory_of(package: str) -> str:
    """A package as `go build` takes it: GOPATH mode names a package outside GOPATH by its
    directory with `_` before it (`_/tmp/app`), a name no go command accepts, and refuses an
    absolute directory ("cannot import absolute path"): `.`, run in that directory."""
    return "." if package.startswith("_/") else package


def gopath_mode(build: BuildContext) -> bool:
    """Whether the log shows a GOPATH-mode build: a package outside GOPATH (`_/dir`) or
    GO111MODULE=off on the go command."""
    command = build.go_command
    return any(p.startswith("_/") for p in build.go_packages) or (
        command is not None and ("GO111MODULE", "off") in command.env
    )


def _removed_by_origins(origins: Mapping[str, set[str]], covered: set[str]) -> list[str]:
    return [symbol for symbol, ids in origins.items() if ids <= covered]


def _go_command(fix: Fix, base: GoCommand) -> GoCommand:
    recipe = fix.go
    assert recipe is not None
    command = base.without_tags(recipe.drop_tags).with_tags(recipe.tags)
    if recipe.link == "static":
        command = command.static_external()
    elif recipe.link == "internal":
        command = command.internal()
    if recipe.env:
        command = command.with_env(**{k: (v or None) for k, v in recipe.env.items()})
    return command


_C_TOOLCHAINS = (Toolchain.C, Toolchain.CXX)


def c_driver(recipe: CRecipe, cxx: bool) -> str | None:
    """The driver `recipe` links with (None: the command's own), for a C or a C++ link."""
    return recipe.cxx_driver if cxx else recipe.driver


def c_edit(recipe: CRecipe, cxx: bool) -> str:
    """What the fix changes in a C or C++ link command the log does not show, in words."""
    driver = c_driver(recipe, cxx)
    steps = [f"use {driver} as the compiler driver"] if driver else []
    if recipe.drop:
        steps.append("drop " + ", ".join(f"{p}..." for p in recipe.drop))
    if recipe.link == "static":
        steps.append("keep -static")
    elif recipe.link == "dynamic":
        steps.append("remove -static")
    return "in your link command, " + ", ".join(steps) + "; keep every other flag and library"


def _c_applies(recipe: CRecipe | None, cxx: bool) -> bool:
    return recipe is not None and not (cxx and recipe.driver and not recipe.cxx_driver)


def _make_can(recipe: CRecipe, build: BuildContext) -> bool:
    """Whether `make -B CC=...` applies the fix: make runs the build, the fix changes the driver
    and keeps the Makefile's -static (a command line cannot take it out of its link rule)."""
    return build.make and recipe.driver is not None and recipe.link != "dynamic"


def _commands(kb: KnowledgeBase, fix: Fix, build: BuildContext, base: GoCommand) -> tuple[str, ...]:
    """The fix's commands for every toolchain the build shows (all of them when it shows none).
    A C or C++ link is the log's own command, edited; without one there is no command to give
    (the title says what to change)."""
    shown = [t for t in Toolchain if t in build.toolchains] or list(Toolchain)
    out: list[str] = []
    cmd = build.c_command
    for tool in shown:
        if tool is Toolchain.GO and fix.go is not None:
            out += [*fix.go.before, _go_command(fix, base).render()]
        elif tool in _C_TOOLCHAINS and fix.c is not None:
            if cmd is None or cmd.cxx != (tool is Toolchain.CXX) or not _c_applies(fix.c, cmd.cxx):
                continue
            driver = c_driver(fix.c, cmd.cxx)
            if cmd.compiles:
                out.append(cmd.edited(driver, link=fix.c.link, drop_prefixes=fix.c.drop))
            elif _make_can(fix.c, build):
                # Objects compiled for glibc do not link against another C library: make
                # compiles every one again with the new driver when told to (-B).
                out.append(shlex.join(["make", "-B", f"{'CXX' if cmd.cxx else 'CC'}={driver}"]))
            # Otherwise the command links objects an earlier step built: the title says what to
            # change, since a fresh copy of the program has no such objects to link.
        elif (edited := language_command(kb, fix, tool, build)) is not None:
            out.append(edited)
        else:
            out += fix.commands.get(tool, ())
    return tuple(out)


def language_command(
    kb: KnowledgeBase, fix: Fix, tool: Toolchain, build: BuildContext
) -> str | None:
    """The log's command of another language's driver, edited for `fix` (languages.toml), or
    None when the log shows none or the language has no such edit."""
    lang = kb.languages.get(str(tool))
    command = build.language_commands.get(str(tool))
    if lang is None or command is None:
        return None
    if fix.id == "dynamic" and lang.static_flags:
        return command.without(lang.static_flags).render()
    if fix.id == "musl" and lang.musl_target:
        return command.with_value("-target", lang.musl_target).render()
    if fix.id == "musl" and lang.musl_flags:
        return command.with_flags(lang.musl_flags).render()
    return None


class _Cgo:
    """Which cgo code a fix leaves in the build: what `go list` or a binary told, else what the
    log's origins show."""

    def __init__(self, kb: KnowledgeBase, build: BuildContext, all_origins: set[str]) -> None:
        self.build = build
        self.all_origins = all_origins
        self.glibc = kb.glibc_origin
        self.runtime = kb.go_tags.cgo_runtime
        tag_fixes = [f for f in kb.fixes if f.go_tag and not f.keeps_cgo]
        self.tag_packages = {f.go_package for f in tag_fixes if f.go_package}
        """Packages whose cgo code their build tag removes (net, os/user)."""
        self.tag_origins = {o for f in tag_fixes for o in f.origins}
        self.tag_names = [f.go_tag for f in tag_fixes if f.go_tag]

    def left(self, packages: AbstractSet[str], origins: AbstractSet[str]) -> bool | None:
        """Whether any package still uses cgo once `packages` lose theirs and the occurrences of
        `origins` are gone: True, False, or None when neither `go list` nor a binary told and
        the log shows no other code using cgo."""
        if self.build.cgo_packages is not None:
            return bool(self.build.cgo_packages - set(packages) - {self.runtime})
        return True if self.all_origins - set(origins) - {self.glibc} else None


def _known(fix_verified: tuple[str, ...], not_run: str | None) -> tuple[str, tuple[str, ...]]:
    return ("verified" if fix_verified and not not_run else "sourced"), fix_verified


def _for_toolchains(
    base: str, extra: Sequence[tuple[Toolchain, str]], context: BuildContext
) -> str:
    """A fix's cost or kernel text, with the sentences for the build's own toolchains."""
    said = [text for tool, text in extra if text and tool in context.toolchains]
    if not said:
        return base
    if base.endswith("."):
        return " ".join([base, *said])
    return "; ".join([base, *said])


def recommend(
    kb: KnowledgeBase,
    findings: Sequence[Finding],
    origins: Mapping[str, set[str]],
    build: BuildContext,
) -> tuple[Recommendation, ...]:
    """Ranked recommendations. `origins` maps each symbol to the ids of all its occurrences'
    origins (not only the sampled ones)."""
    symbols = [f.symbol for f in findings]
    all_origins = {o for ids in origins.values() for o in ids}
    groups = {kb.group_of(f.category).id for f in findings}
    toolchains = build.toolchains
    base = build.go_command or default_go_command(kb, build, all_origins)
    gopath = gopath_mode(build)
    if gopath and ("GO111MODULE", "off") not in base.env:
        base = base.with_env(GO111MODULE="off")  # a command pasted into a fresh shell
    recs: list[tuple[int, Recommendation]] = []
    go_tags = kb.go_tags

    tag_fixes = [
        f
        for f in kb.fixes
        if f.go_tag
        and set(f.origins) & all_origins
        and fix_applies(f, toolchains, all_origins, groups)
    ]
    cgo = _Cgo(kb, build, all_origins)
    covered = {o for f in tag_fixes for o in f.origins}
    left = cgo.left(
        {f.go_package for f in tag_fixes if f.go_package and not f.keeps_cgo},
        {o for f in tag_fixes if not f.keeps_cgo for o in f.origins},
    )
    removes = _removed_by_origins(origins, covered) if tag_fixes else []
    if removes:  # tags that leave every warning in place (other code calls them too) are no fix
        tags = sorted(f.go_tag for f in tag_fixes if f.go_tag)
        tagged = base.with_tags(tags)
        check = None
        if left is False:
            commands, produces = (tagged.internal().render(),), PURE_GO
        elif left or (
            build.go_version is not None
            and version_tuple(build.go_version) >= version_tuple(go_tags.external_without_cgo_since)
        ):
            commands, produces = (tagged.static_external().render(),), STATIC_GLIBC
        else:
            commands, produces = (tagged.internal().render(),), PURE_GO
            check = Check(
                command=tagged.list_cgo(),
                explanation=(
                    "It prints the packages that still use cgo with these tags. When it prints "
                    "nothing, no C code is left and Go links the binary statically by itself, "
                    "without -linkmode external (before Go "
                    f"{go_tags.external_without_cgo_since}, forcing it then gives a binary that "
                    "dies at start with SIGTRAP); otherwise keep the external static link."
                ),
                otherwise=(tagged.static_external().render(),),
                otherwise_produces=STATIC_GLIBC,
            )
        kernel = (
            tag_fixes[0].kernel
            if produces is STATIC_GLIBC
            else "no glibc linked in: no glibc floor; only Go's own minimum kernel applies"
        )
        recs.append(
            (
                go_tags.rank,
                Recommendation(
                    id="go-tags",
                    title=f"{go_tags.title}: -tags {','.join(tags)}",
                    commands=commands,
                    check=check,
                    removes=tuple(sorted(removes)),
                    remaining=tuple(sorted(s for s in symbols if s not in removes)),
                    cost=" ".join([go_tags.cost, *(f"{f.go_tag}: {f.cost}" for f in tag_fixes)]),
                    kernel=kernel,
                    produces=produces,
                    sources=tuple(
                        dict.fromkeys(
                            [*go_tags.sources, *(src for f in tag_fixes for src in f.sources)]
                        )
                    ),
                    known="verified",
                    verified_on=go_tags.verified,
                ),
            )
        )

    for fix in kb.fixes:
        if fix.go_tag or not fix_applies(fix, toolchains, all_origins, groups):
            continue
        if gopath and fix.go is not None and any("@" in c for c in fix.go.before):
            continue  # `go get path@version` works in module mode only
        removed: set[str] = (
            set(_removed_by_origins(origins, set(fix.origins))) if fix.origins else set()
        )
        removed |= {
            f.symbol for f in findings if kb.categories[f.category].group in fix.categories_group
        }
        if not removed:
            continue
        rank, title, check = fix.rank, fix.title, None
        if fix.go is not None and fix.produces == PURE_GO and Toolchain.GO in toolchains:
            # Without cgo: offered when nothing else needs it, claimed only when that is known.
            left_after = cgo.left(
                cgo.tag_packages | set(fix.go.drops_packages), cgo.tag_origins | set(fix.origins)
            )
            if left_after:
                continue
            if left_after is None and fix.go.drops_packages:
                pass  # the check would still see the package the fix replaces
            elif left_after is False:
                title += ": nothing else in this build needs cgo"
                if len(removed) == len(symbols):
                    rank = 0  # removes everything, and known to be safe: first
            else:
                check = Check(
                    command=base.list_cgo(cgo.tag_names),
                    explanation=(
                        "It prints the packages that would still need cgo. When it prints "
                        "nothing, the build needs no C code and builds without cgo; otherwise "
                        "this fix does not apply."
                    ),
                    otherwise=(),
                )
        if fix.breaks and any(
            kb.group_of(f.category).id in fix.breaks_groups
            and origins.get(f.symbol, set()) & set(fix.breaks_origins)
            for f in findings
        ):
            rank, title = max(rank, fix.breaks_rank), f"{title}; {fix.breaks}"
        c_tools = [t for t in _C_TOOLCHAINS if t in toolchains]
        if fix.c is not None and c_tools:
            cxx = build.c_command.cxx if build.c_command else Toolchain.CXX in c_tools
            if not _c_applies(fix.c, cxx) and not set(toolchains) - set(_C_TOOLCHAINS):
                continue  # a C-only driver (musl-gcc) for a C++ build
            cmd = build.c_command
            if cmd is None:
                title += ": " + c_edit(fix.c, cxx)
            elif not cmd.compiles and not _make_can(fix.c, build):
                again = (
                    f"compile every object again with {c_driver(fix.c, cxx)}, then "
                    if c_driver(fix.c, cxx)
                    else ""
                )
                how = "without -static" if fix.c.link == "dynamic" else "with it"
                title += (
                    f": {again}link {how} (the log shows only the link of objects an earlier "
                    f"step built: {cmd.edited()})"
                )
        sources = fix.sources
        for lang in (kb.languages[t] for t in toolchains if t in kb.languages):
            if fix.id == "dynamic":
                title += f" ({lang.name}: drop {lang.static})"
                sources = (*sources, lang.source)
            elif fix.id == "musl" and lang.musl and lang.musl_source:
                title += f" ({lang.name}: {lang.musl})"
                sources = (*sources, lang.musl_source)
        known, verified_on = _known(fix.verified, fix.not_run)
        not_run = fix.not_run
        fix_commands = _commands(kb, fix, build, base)
        languages = [kb.languages[str(t)] for t in toolchains if str(t) in kb.languages]
        if languages and fix_commands:
            # The log's own driver command, edited: verified where the live tests run it.
            tested = tuple(str(lang.id) for lang in languages if fix.id in lang.verified)
            if len(tested) == len(languages):
                known, verified_on, not_run = "verified", tested, None
            else:
                known, verified_on = "sourced", ()
                not_run = not_run or "not run for this language by cgowarn's tests"
        if not fix_commands and check is None:
            # Nothing to paste: what was verified is the fix, not a command of this build.
            known, verified_on, not_run = "sourced", (), not_run or NO_COMMAND
        removes = sorted(removed)
        recs.append(
            (
                rank,
                Recommendation(
                    id=fix.id,
                    title=title,
                    commands=fix_commands,
                    check=check,
                    removes=tuple(removes),
                    remaining=tuple(sorted(s for s in symbols if s not in removed)),
                    cost=_for_toolchains(fix.cost, ((Toolchain.GO, fix.go_cost),), build),
                    kernel=_for_toolchains(
                        fix.kernel,
                        ((Toolchain.GO, fix.go_kernel), (Toolchain.RUST, fix.rust_kernel)),
                        build,
                    ),
                    produces=fix.produces,
                    sources=tuple(dict.fromkeys(sources)),
                    known=known,
                    verified_on=verified_on,
                    not_run=not_run,
                ),
            )
        )
    recs.sort(key=lambda r: (r[0], r[1].id))
    return tuple(r for _, r in recs)
