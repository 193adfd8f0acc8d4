"""What a text pasted into `cgowarn explain` is about: the glibc functions and the diagnostics it
names, read by the same pipeline as a log (so that a pasted warning, link error or run-time
failure is recognised exactly as in a build), or a bare function name."""

from __future__ import annotations

import difflib
import io
from dataclasses import dataclass

from cgowarn import regexes
from cgowarn.errors import UnknownSymbolError
from cgowarn.knowledge import KnowledgeBase
from cgowarn.knowledge.models import DiagnosticPattern
from cgowarn.words import cut

QUOTES = "'\"`‘’“”"
"""Stripped from around a pasted name: glibc quotes `name', web pages 'name' or ‘name’."""
_QUOTED_NAME = regexes.compile("pasted.QUOTED_NAME", r"[`'‘\"“]([A-Za-z_]\w*+)['’\"”]")
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
    it; other text is analysed as a log. Empty when nothing is recognised."""
    from cgowarn.pipeline import analyze

    by_lower = {name.lower(): name for name in kb.symbols}
    bare = text.strip().strip(QUOTES).strip().removesuffix("()")
    if bare.lower() in by_lower:
        return [by_lower[bare.lower()]]
    report = analyze([("<pasted>", io.BytesIO(text.encode("utf-8", "replace")))])
    found: list[tuple[int, str | PastedDiagnostic]] = []
    for f in report.findings:
        line = min((o.source_line for o in f.occurrences), default=0)
        found.append((line, f.symbol))
    seen: set[tuple[str, str | None]] = set()
    for d in report.diagnostics:
        if (d.kind, d.subject) not in seen:
            seen.add((d.kind, d.subject))
            found.append(
                (d.source_line, PastedDiagnostic(kb.diagnostics[d.kind], d.subject, d.message))
            )
    if not found and kb.parse.message_filter.compiled.search(text):
        # Part of a glibc warning (`Using 'getpwnam_r' in statically linked ...`): its quoted name.
        for m in _QUOTED_NAME.finditer(text):
            if m.group(1).lower() in by_lower:
                return [by_lower[m.group(1).lower()]]
    return [item for _, item in sorted(found, key=lambda pair: pair[0])]


def known_items(
    kb: KnowledgeBase, text: str, items: list[str | PastedDiagnostic]
) -> list[str | PastedDiagnostic]:
    """The items of `text` that the knowledge base explains; UnknownSymbolError, with close
    matches for a name, when there are none."""
    known = [i for i in items if not isinstance(i, str) or i in kb.symbols]
    if known:
        return known
    if items:  # a glibc warning in a known shape about a function the knowledge base lacks
        raise _unknown_name(kb, str(items[0]))
    bare = text.strip().strip(QUOTES).strip()
    if bare and not any(c.isspace() for c in bare):
        raise _unknown_name(kb, bare)
    raise UnknownSymbolError(
        f"{cut(bare, SHOWN)!r} is neither a glibc function with a link warning nor a message that "
        "cgowarn knows (a glibc link warning, a linker error, a run-time failure such as "
        "'FATAL: kernel too old'). 'cgowarn explain' lists every known symbol."
    )


def _unknown_name(kb: KnowledgeBase, name: str) -> UnknownSymbolError:
    by_lower = {symbol.lower(): symbol for symbol in kb.symbols}
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=3)
    hint = f" Did you mean {', '.join(by_lower[c] for c in close)}?" if close else ""
    return UnknownSymbolError(
        f"{name!r} carries no glibc link warning that cgowarn knows of.{hint} "
        "'cgowarn explain' lists every known symbol."
    )
