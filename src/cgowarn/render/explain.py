"""`cgowarn explain`: the knowledge base for one symbol, or the list of all symbols, as text."""

from __future__ import annotations

import difflib

from cgowarn.errors import UnknownSymbolError
from cgowarn.knowledge import KnowledgeBase
from cgowarn.knowledge.advice import fixes_for_symbol


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
        + ("" if sym.in_reference_libc else f" (not in {kb.reference_libc})"),
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
    fixes = fixes_for_symbol(kb, name)
    if fixes:
        out += ["", "Fixes:"]
        for fix, needs in fixes:
            when = f" (when it comes from {', '.join(needs)})" if needs else ""
            out.append(f"  - {fix.title}{when}")
            out.append(f"    cost: {fix.cost}")
            out.append(f"    minimum kernel: {fix.kernel}")
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
