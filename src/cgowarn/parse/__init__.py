"""Parse build logs into events: glibc warnings with their locations, ld context lines, other
linker diagnostics and link-unit boundaries. One pass, one line at a time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from cgowarn.knowledge import KnowledgeBase, match_message
from cgowarn.parse.commands import go_command, go_version
from cgowarn.parse.events import (
    BuildCommand,
    Context,
    Event,
    LinkerDiagnostic,
    Location,
    SilentLinkerSeen,
    ToolVersion,
    UnitStart,
    Warning,
)
from cgowarn.parse.gnu_ld import GnuLd, location_text, parse_context
from cgowarn.parse.gold import Gold
from cgowarn.parse.interface import LocationDialect
from cgowarn.parse.units import unit_start
from cgowarn.parse.wrappers import clean_line

__all__ = [
    "BuildCommand",
    "Context",
    "Event",
    "LinkerDiagnostic",
    "Location",
    "SilentLinkerSeen",
    "ToolVersion",
    "UnitStart",
    "Warning",
    "parse_lines",
    "parse_numbered",
]

# gold's form is more specific than GNU ld's (`obj:file:function f`), so it is tried first.
DIALECTS: tuple[LocationDialect, ...] = (Gold(), GnuLd())


def _location(prefix: str) -> Location:
    text = location_text(prefix)
    for dialect in DIALECTS:
        loc = dialect.parse_location(text)
        if loc is not None:
            return loc
    # Something else precedes the message, e.g. `libfoo.a(bar.o)`: keep it as the object.
    return Location(object=text)


def parse_lines(lines: Iterable[str], kb: KnowledgeBase) -> Iterator[Event]:
    """Yield an event for every line that matters; line numbers are 1-based."""
    return parse_numbered(enumerate(lines, 1), kb)


def parse_numbered(lines: Iterable[tuple[int, str]], kb: KnowledgeBase) -> Iterator[Event]:
    """Like parse_lines, for (line number, line) pairs: the scanner hands over only the lines that
    can matter, with their numbers in the whole log."""
    message_filter = kb.message_filter.search
    diagnostic_filter = kb.diagnostic_filter.search
    silent = kb.silent_linkers
    for line_no, raw in lines:
        line = clean_line(raw)
        if not line:
            continue
        if message_filter(line):
            found = match_message(kb, line)
            if found is not None:
                family, symbol, start, end = found
                yield Warning(
                    family, symbol, line[start:end], _location(line[:start]), line, line_no
                )
                continue
        last = line[-1]
        if last == ":" or last == "：":
            ctx = parse_context(line)
            if ctx is not None:
                yield Context(ctx, line, line_no)
                continue
        if "go" in line:
            if "go-1." in line or "go1." in line:
                version = go_version(line)
                if version is not None:
                    yield version
            if "go build" in line or "go install" in line:
                command = go_command(line, line_no)
                if command is not None:
                    yield command
        unit = unit_start(line, line_no)
        if unit is not None:
            yield unit
        if "lld" in line or "mold" in line:  # every silent-linker pattern holds one of these
            for name, pattern in silent:
                if pattern.search(line):
                    yield SilentLinkerSeen(name, line_no)
        if unit is not None:
            continue
        if not diagnostic_filter(line):
            continue
        for diag, pattern in kb.diagnostics:
            if not any(n in line for n in diag.needles):
                continue
            m = pattern.search(line)
            if m is not None:
                subject = m.groupdict().get("subject")
                yield LinkerDiagnostic(diag.id, subject, line, line_no)
                if not diag.command:
                    break
