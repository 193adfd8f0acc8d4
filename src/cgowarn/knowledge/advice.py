"""Recommendations: which fixes from patterns/fixes.toml apply to these findings, what each removes,
what remains, and the exact commands for the toolchains the log shows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import regex

from cgowarn.enums import Toolchain
from cgowarn.knowledge.loader import KnowledgeBase
from cgowarn.knowledge.models import Fix
from cgowarn.model import Finding, Recommendation

_TAGS = regex.compile(
    r"(?P<flag>\s--?tags(?:=|\s+))(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>[^\s'\"]+))"
)
_GO_VERB = regex.compile(r"\bgo\s+(?P<verb>build|install)\b")


def with_tags(command: str, tags: Sequence[str]) -> str:
    """`command` (a go build/install command line) with `tags` merged into its -tags option.

    Go reads a comma-separated list since 1.13 (the space-separated form is deprecated), so the
    merged list is written with commas, in the quotes the command used."""
    m = _TAGS.search(command)
    if m is not None:
        kind = "dq" if m.group("dq") is not None else "sq" if m.group("sq") is not None else "bare"
        existing = [t for t in regex.split(r"[,\s]+", m.group(kind)) if t]
        merged = ",".join(existing + [t for t in tags if t not in existing])
        quote = {"dq": '"', "sq": "'", "bare": ""}[kind]
        return command[: m.end("flag")] + f"{quote}{merged}{quote}" + command[m.end() :]
    return str(
        _GO_VERB.sub(lambda v: f"go {v.group('verb')} -tags {','.join(tags)}", command, count=1)
    )


def _removed_by_origins(origins: Mapping[str, set[str]], covered: set[str]) -> list[str]:
    return [symbol for symbol, ids in origins.items() if ids <= covered]


def fix_applies(fix: Fix, toolchains: Sequence[Toolchain], all_origins: set[str]) -> bool:
    """Whether `fix` is offered for a build with these toolchains whose occurrences come from
    `all_origins` (fixes.toml: toolchains, requires_origins, only_origins)."""
    if fix.toolchains and not set(fix.toolchains) & set(toolchains):
        return False
    if fix.requires_origins and not set(fix.requires_origins) & all_origins:
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


def _commands(fix: Fix, toolchains: Sequence[Toolchain]) -> tuple[str, ...]:
    shown = [t for t in Toolchain if t in toolchains] or list(Toolchain)
    return tuple(cmd for tool in shown for cmd in fix.commands.get(tool, ()))


def recommend(
    kb: KnowledgeBase,
    findings: Sequence[Finding],
    origins: Mapping[str, set[str]],
    toolchains: Sequence[Toolchain],
    go_command: str | None,
) -> tuple[Recommendation, ...]:
    """Ranked recommendations. `origins` maps each symbol to the ids of all its occurrences'
    origins (not only the sampled ones)."""
    symbols = [f.symbol for f in findings]
    all_origins = {o for ids in origins.values() for o in ids}
    recs: list[tuple[int, Recommendation]] = []

    tag_fixes = [
        f
        for f in kb.fixes
        if f.go_tag and set(f.origins) & all_origins and fix_applies(f, toolchains, all_origins)
    ]
    if tag_fixes:
        covered = {o for f in tag_fixes for o in f.origins}
        removes = _removed_by_origins(origins, covered)
        tags = sorted(f.go_tag for f in tag_fixes if f.go_tag)
        base = (
            with_tags(go_command, tags)
            if go_command
            else kb.go_tags.command.replace("{tags}", ",".join(tags))
        )
        recs.append(
            (
                kb.go_tags.rank,
                Recommendation(
                    id="go-tags",
                    title=f"{kb.go_tags.title}: -tags {','.join(tags)}",
                    commands=(base,),
                    removes=tuple(sorted(removes)),
                    remaining=tuple(sorted(s for s in symbols if s not in removes)),
                    cost=" ".join([kb.go_tags.cost, *(f"{f.go_tag}: {f.cost}" for f in tag_fixes)]),
                    kernel=tag_fixes[0].kernel,
                    sources=tuple(dict.fromkeys(src for f in tag_fixes for src in f.sources)),
                ),
            )
        )

    for fix in kb.fixes:
        if fix.go_tag or not fix_applies(fix, toolchains, all_origins):
            continue
        removed: set[str] = (
            set(_removed_by_origins(origins, set(fix.origins))) if fix.origins else set()
        )
        removed |= {
            f.symbol for f in findings if kb.categories[f.category].group in fix.categories_group
        }
        if not removed:
            continue
        removes = sorted(removed)
        recs.append(
            (
                fix.rank,
                Recommendation(
                    id=fix.id,
                    title=fix.title,
                    commands=_commands(fix, toolchains),
                    removes=tuple(sorted(removes)),
                    remaining=tuple(sorted(s for s in symbols if s not in removes)),
                    cost=fix.cost,
                    kernel=fix.kernel,
                    sources=fix.sources,
                ),
            )
        )
    recs.sort(key=lambda r: (r[0], r[1].id))
    return tuple(r for _, r in recs)
