"""`cgowarn explain`: the knowledge base for one symbol, or the list of all symbols, as text."""

from __future__ import annotations

import difflib

from cgowarn.errors import CgowarnError
from cgowarn.knowledge import KnowledgeBase


class UnknownSymbolError(CgowarnError):
    """`cgowarn explain NAME` for a name the knowledge base does not list."""


def explain_symbol(kb: KnowledgeBase, name: str) -> str:
    sym = kb.symbols.get(name)
    if sym is None:
        close = difflib.get_close_matches(name, list(kb.symbols), n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise UnknownSymbolError(
            f"{name!r} carries no glibc link warning that cgowarn knows of.{hint} "
            "'cgowarn explain' lists every known symbol."
        )
    cat = kb.categories[sym.category]
    group = kb.groups[cat.group]
    scope = "static links only" if cat.static_only else "static and dynamic links"
    out = [
        f"{sym.name}: {cat.feature}",
        f"  severity {cat.severity.value}; warned about in {scope}; glibc {sym.since or '?'} and newer"
        + ("" if sym.in_libc_a_2_36 else " (not in glibc 2.36's libc.a)"),
        "",
        "glibc says:",
        *(f"  {m}" for m in sym.messages),
        "",
        "What breaks:",
        f"  {cat.breaks}",
        "",
        "Why:",
        f"  {group.why}",
    ]
    origins: dict[str, list[str]] = {}
    for compiled in kb.origins:
        rule = compiled.rule
        if name in rule.symbols:
            origins.setdefault(rule.id, [])
            text = rule.name + (f": {rule.note}" if rule.note else "")
            if text not in origins[rule.id]:
                origins[rule.id].append(text)
    if origins:
        out += ["", "Known origins:"]
        for oid, texts in origins.items():
            out += [f"  - [{oid}] {text}" for text in texts]
    fixes = [
        f
        for f in kb.fixes
        if (
            set(f.origins) & set(origins)
            and (not f.requires_origins or set(f.requires_origins) & set(origins))
        )
        or cat.group in f.categories_group
    ]
    if fixes:
        out += ["", "Fixes:"]
        for f in fixes:
            scope_ids = sorted(set(f.requires_origins or f.origins) & set(origins))
            when = (
                f" (when it comes from {', '.join(scope_ids)})"
                if scope_ids and not f.categories_group
                else ""
            )
            out.append(f"  - {f.title}{when}")
            out.append(f"    cost: {f.cost}")
            out.append(f"    minimum kernel: {f.kernel}")
    elif not cat.static_only:
        out += [
            "",
            "Fix:",
            "  Change the code: the message names the replacement. Linking differently does not help.",
        ]
    out += ["", "Sources:", f"  {sym.source}", *(f"  {s}" for s in group.sources)]
    return "\n".join(out) + "\n"


def list_symbols(kb: KnowledgeBase) -> str:
    by_cat: dict[str, list[str]] = {}
    for sym in kb.symbols.values():
        by_cat.setdefault(sym.category, []).append(sym.name)
    out = ["glibc functions with link-time warnings (cgowarn explain SYMBOL for one):", ""]
    cats = sorted(by_cat, key=lambda c: (-kb.categories[c].severity.rank, kb.categories[c].feature))
    for cid in cats:
        cat = kb.categories[cid]
        scope = "static only" if cat.static_only else "static and dynamic"
        out.append(f"{cat.feature} [{cat.severity.value}, {scope}]")
        out.append(f"  {', '.join(sorted(by_cat[cid]))}")
    return "\n".join(out) + "\n"
