"""`cgowarn explain`: the knowledge base for one symbol, for a pasted message (a glibc link warning,
a linker error, a run-time failure such as "FATAL: kernel too old"), or the list of all symbols, as
text."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from cgowarn import regexes
from cgowarn.errors import UnknownSymbolError
from cgowarn.knowledge import KnowledgeBase
from cgowarn.knowledge.advice import fixes_for_symbol
from cgowarn.knowledge.models import DiagnosticPattern
from cgowarn.parse import LibcWarning, LinkerDiagnostic, parse_lines

QUOTES = "'\"`‘’“”"
"""Stripped from around a pasted name: glibc quotes `name', web pages 'name' or ‘name’."""
_QUOTED_NAME = regexes.compile("render.explain.QUOTED_NAME", r"[`'‘\"“]([A-Za-z_]\w*)['’\"”]")
SHOWN = 80
"""Characters of unknown pasted text repeated in the error message."""


@dataclass(frozen=True)
class PastedDiagnostic:
    """A line of pasted text that a diagnostic of the knowledge base matches."""

    entry: DiagnosticPattern
    subject: str | None
    line: str


def identify(kb: KnowledgeBase, text: str) -> list[str | PastedDiagnostic]:
    """What `text` is about, in the order it says it: glibc functions (their names, as in
    kb.symbols) and diagnostics. A bare name matches in any case and with quotes or `()` around
    it; other text is read line by line by the log parser, so that a glibc warning, a linker error
    or a run-time failure is recognised exactly as in a log. Empty when nothing is recognised."""
    by_lower = {name.lower(): name for name in kb.symbols}
    bare = text.strip().strip(QUOTES).strip().removesuffix("()")
    if bare.lower() in by_lower:
        return [by_lower[bare.lower()]]
    found: dict[object, str | PastedDiagnostic] = {}
    for event in parse_lines(text.splitlines(), kb.parse):
        if isinstance(event, LibcWarning):
            found.setdefault(event.symbol, event.symbol)
        elif isinstance(event, LinkerDiagnostic):
            entry = kb.diagnostics[event.kind]
            found.setdefault(
                (event.kind, event.subject), PastedDiagnostic(entry, event.subject, event.message)
            )
    if not found and kb.parse.message_filter.search(text):
        # Part of a glibc warning (`Using 'getpwnam_r' in statically linked ...`): its quoted name.
        for m in _QUOTED_NAME.finditer(text):
            if m.group(1).lower() in by_lower:
                return [by_lower[m.group(1).lower()]]
    return list(found.values())


def explain_text(kb: KnowledgeBase, text: str) -> str:
    """Explain what the user pasted (see `identify`); UnknownSymbolError, with close matches for a
    name, when it is nothing cgowarn knows."""
    items = identify(kb, text)
    known = [i for i in items if not isinstance(i, str) or i in kb.symbols]
    if not known:
        if items:  # a glibc warning in a known shape about a function the knowledge base lacks
            return explain_symbol(kb, str(items[0]))
        raise _unknown(kb, text)
    parts = [explain_symbol(kb, i) if isinstance(i, str) else explain_diagnostic(i) for i in known]
    return "\n".join(parts)


def _unknown(kb: KnowledgeBase, text: str) -> UnknownSymbolError:
    bare = text.strip().strip(QUOTES).strip()
    if bare and not any(c.isspace() for c in bare):
        by_lower = {name.lower(): name for name in kb.symbols}
        close = difflib.get_close_matches(bare.lower(), list(by_lower), n=3)
        hint = f" Did you mean {', '.join(by_lower[c] for c in close)}?" if close else ""
        return UnknownSymbolError(
            f"{bare!r} carries no glibc link warning that cgowarn knows of.{hint} "
            "'cgowarn explain' lists every known symbol."
        )
    shown = bare if len(bare) <= SHOWN else bare[: SHOWN - 3] + "..."
    return UnknownSymbolError(
        f"{shown!r} is neither a glibc function with a link warning nor a message that cgowarn "
        "knows (a glibc link warning, a linker error, a run-time failure such as "
        "'FATAL: kernel too old'). 'cgowarn explain' lists every known symbol."
    )


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
    out += [
        "",
        "cgowarn explain also reads a pasted message: a glibc link warning, a linker error, or a",
        'run-time failure such as "FATAL: kernel too old" or "version `GLIBC_2.34\' not found".',
    ]
    return "\n".join(out) + "\n"
