"""`cgowarn explain`: the knowledge base for one symbol, for what a pasted message is about (a glibc
link warning, a linker error, a run-time failure such as "FATAL: kernel too old"; pasted.py tells
which), or the list of all symbols, as text. Pure: it lays out what it is given."""

from __future__ import annotations

from collections.abc import Sequence

from cgowarn.knowledge import KnowledgeBase
from cgowarn.knowledge.advice import fixes_for_symbol
from cgowarn.pasted import PastedDiagnostic


def explain_text(
    kb: KnowledgeBase, items: Sequence[str | PastedDiagnostic], width: int | None = None
) -> str:
    """Explain what a pasted text is about (pasted.identify, pasted.known_items): each function
    and each diagnostic, in order; wrapped to `width` columns when given."""
    text = "\n".join(
        explain_symbol(kb, i) if isinstance(i, str) else explain_diagnostic(i) for i in items
    )
    return wrapped(text, width) if width else text


def wrapped(text: str, width: int) -> str:
    """Each line of `text` wrapped to `width` columns as the text report wraps (text.wrap_words),
    continued under its own indentation plus two spaces."""
    from cgowarn.render.text import wrap_words

    out = []
    for line in text.split("\n"):
        body = line.lstrip(" ")
        indent = line[: len(line) - len(body)]
        out += wrap_words(body, max(width, 40), indent, indent + "  ") or [line]
    return "\n".join(out)


def explain_diagnostic(found: PastedDiagnostic) -> str:
    """One diagnostic of the knowledge base: what it means, what to do, and where that comes from."""
    entry = found.entry
    kind = (
        "the program failed or will fail at run time; a log that holds this makes cgowarn exit with 1"
        if entry.gate
        else "not a glibc link warning; reported beside them"
    )
    out = [
        f"{entry.title}",
        f"  {entry.severity.value}: {kind}",
        "",
        "The message:",
        f"  {found.line}",
    ]
    if found.subject:
        out.append(f"  (about: {found.subject})")
    out += [
        "",
        "What it means and what to do:",
        f"  {entry.advice}",
        "",
        "Source:",
        f"  {entry.source}",
    ]
    return "\n".join(out) + "\n"


def explain_symbol(kb: KnowledgeBase, name: str) -> str:
    sym = kb.symbols[name]
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
    # One entry per origin: several rules can recognise the same origin (by object, by function),
    # each with or without a note; its name is said once, each distinct note once.
    origins: dict[str, tuple[str, list[str]]] = {}
    for compiled in kb.origins:
        rule = compiled.rule
        if name in rule.symbols:
            _, notes = origins.setdefault(rule.id, (rule.name, []))
            if rule.note and rule.note not in notes:
                notes.append(rule.note)
    if origins:
        out += ["", "Known origins:"]
        for oid, (origin_name, notes) in origins.items():
            out.append(f"  - [{oid}] {origin_name}" + (f": {notes[0]}" if notes else ""))
            out += [f"    {note}" for note in notes[1:]]
    if not cat.static_only:
        out += [
            "",
            "In the program's own code:",
            "  Change the code: the message names the replacement. Linking differently only "
            "hides the warning.",
        ]
    fixes = fixes_for_symbol(kb, name)
    if fixes:
        out += ["", "Fixes that remove the warning:" if not cat.static_only else "Fixes:"]
        for fix, needs in fixes:
            when = f" (when it comes from {', '.join(needs)})" if needs else ""
            out.append(f"  - {fix.title}{when}")
            out.append(f"    cost: {fix.cost}")
            out.append(f"    minimum kernel: {fix.kernel}")
    sources = dict.fromkeys((sym.source, *group.sources))
    out += ["", "Sources:", *(f"  {s}" for s in sources)]
    return "\n".join(out) + "\n"


def list_symbols(kb: KnowledgeBase, width: int | None = None) -> str:
    by_cat: dict[str, list[str]] = {}
    for sym in kb.symbols.values():
        by_cat.setdefault(sym.category, []).append(sym.name)
    out = ["glibc functions with link-time warnings (cgowarn explain SYMBOL for one):", ""]
    cats = sorted(by_cat, key=lambda c: (-kb.categories[c].severity.rank, kb.categories[c].feature))
    for cid in cats:
        cat = kb.categories[cid]
        scope = "static only" if cat.static_only else "static and dynamic"
        out.append(f"{cat.feature} [{cat.severity.value}, {scope}]")
        out.append(f"  {', '.join(sorted(by_cat[cid]))}")  # wrapped under its own indent
    out += [
        "",
        "cgowarn explain also reads a pasted message: a glibc link warning, a linker error, or a",
        'run-time failure such as "FATAL: kernel too old" or "version `GLIBC_2.34\' not found".',
    ]
    text = "\n".join(out) + "\n"
    return wrapped(text, width) if width else text
