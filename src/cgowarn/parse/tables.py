"""The narrow tables the parser and the scanner need from the knowledge base: glibc's message
shapes, linker diagnostics and silent linkers, compiled. The knowledge loader builds them from
patterns/; the parser never sees the rest of the knowledge base."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from cgowarn.memo import Memos
from cgowarn.regexes import Regex, literals

Pattern = Regex
"""A regular expression from patterns/ (`regex` syntax), compiled on first use, matched under the
time budget (regexes.py)."""


def needle_filter(name: str, needles: tuple[str, ...] | list[str] | set[str]) -> Pattern:
    """One alternation of literal strings: a single C-level scan instead of a Python loop."""
    return literals(name, needles)


@dataclass(frozen=True)
class FamilyPattern:
    """One shape of glibc message (patterns/messages.toml), compiled."""

    id: str
    needles: tuple[str, ...]
    """Literal strings; every message of the family contains one."""
    pattern: Pattern
    """Has a named group `symbol`."""
    wrap: tuple[str, str] | None = None
    """(head, end): a line holding head but not end may continue on the next lines."""


@dataclass(frozen=True)
class DiagnosticRule:
    """A linker message that is not a glibc warning (patterns/diagnostics.toml), compiled."""

    id: str
    needles: tuple[str, ...]
    """The rule is tried only on a line holding one of these."""
    pattern: Pattern
    command: bool
    """Checks a build command: tried even after another rule matched the line."""


class MessageMatch(NamedTuple):
    """Where glibc's message sits in a line, and what it is about."""

    family: str
    symbol: str
    start: int
    end: int


@dataclass(frozen=True)
class ParseTables:
    """Everything the parser and the scanner match lines against."""

    families: tuple[FamilyPattern, ...]
    """In file order."""
    diagnostics: tuple[DiagnosticRule, ...]
    silent_linkers: tuple[tuple[str, Pattern], ...]
    """(linker name, pattern of a log line showing it in use)."""
    message_needles: tuple[str, ...] = ()
    message_filter: Pattern = field(default_factory=lambda: literals("tables:nothing", ()))
    """Alternation of the message needles: a line holds a glibc message only if it matches."""
    diagnostic_filter: Pattern = field(default_factory=lambda: literals("tables:nothing", ()))
    """Alternation of every diagnostic's needles: lines that do not match are not tried."""
    drivers: dict[str, str] = field(default_factory=dict)
    """A build driver's name (`ghc`, `nim`) -> the toolchain id it builds with (languages.toml)."""
    wraps: tuple[tuple[str, str], ...] = ()
    """Every family's (head, end) of a message broken over lines."""
    memos: Memos = field(default_factory=Memos, compare=False, repr=False)
    """The parser's line memo and the scanner's compiled databases, which depend on these tables."""

    @classmethod
    def build(
        cls,
        families: tuple[FamilyPattern, ...],
        diagnostics: tuple[DiagnosticRule, ...],
        silent_linkers: tuple[tuple[str, Pattern], ...],
        memos: Memos | None = None,
        drivers: dict[str, str] | None = None,
    ) -> ParseTables:
        """The tables, with their needle filters; `memos` is the knowledge base's, so that one
        clear empties every memo."""
        message_needles = tuple(sorted({n for f in families for n in f.needles}))
        return cls(
            families=families,
            diagnostics=diagnostics,
            silent_linkers=silent_linkers,
            drivers=dict(drivers or {}),
            message_needles=message_needles,
            wraps=tuple(dict.fromkeys(f.wrap for f in families if f.wrap)),
            message_filter=needle_filter("tables:message needles", message_needles),
            diagnostic_filter=needle_filter(
                "tables:diagnostic needles", [n for d in diagnostics for n in d.needles]
            ),
            memos=memos or Memos(),
        )

    def match_message(self, text: str) -> MessageMatch | None:
        """Find glibc's message in `text`, or None.

        Only the families whose needles occur are searched, each with its own pattern (one
        alternation of all of them is several times slower); the leftmost match wins, as it would
        in one search."""
        best: MessageMatch | None = None
        for family in self.families:
            if not any(n in text for n in family.needles):
                continue
            m = family.pattern.search(text)
            if m is not None and (best is None or m.start() < best.start):
                best = MessageMatch(family.id, str(m.group("symbol")), m.start(), m.end())
        return best

    def wrapped_head(self, text: str) -> bool:
        """Whether `text` starts a message that may go on over the next lines: it holds a
        family's wrap head but not its end."""
        return any(head in text and end not in text for head, end in self.wraps)
