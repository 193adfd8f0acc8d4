"""The line parser: turns cleaned log lines into events (glibc warnings with their locations, ld
context lines, other linker diagnostics, link-unit boundaries, build commands, tool versions).
One pass, one line at a time, against the tables the knowledge base compiled (tables.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields
from functools import partial
from typing import Any

from cgowarn.parse import kinds
from cgowarn.parse.commands import go_command, go_version, language_command, make_seen
from cgowarn.parse.events import (
    BuildCommand,
    Context,
    Event,
    LibcWarning,
    LineSkipped,
    LinkerDiagnostic,
    Location,
    SilentLinkerSeen,
)
from cgowarn.parse.gnu_ld import GnuLd, location_text, parse_context
from cgowarn.parse.gold import Gold
from cgowarn.parse.interface import LocationDialect
from cgowarn.parse.tables import ParseTables
from cgowarn.parse.units import unit_start
from cgowarn.parse.wrappers import clean_line
from cgowarn.regexes import TooSlow

# gold's form is more specific than GNU ld's (`obj:file:function f`), so it is tried first.
DIALECTS: tuple[LocationDialect, ...] = (Gold(), GnuLd())

MEMO_SIZE = 4096
"""Distinct lines whose events are remembered; builds repeat the same warnings in every link."""
MEMO_LINE = 4096
"""Longer lines are not remembered, so that the memo stays small (4096 lines of at most 4 KB)."""

MAX_VERSION_LINES = 1000
"""Lines naming a Go version that count towards the build's Go version (per log). A `go build -x`
log from a distribution's Go names its GOROOT (/usr/lib/go-1.19/...) on nearly every line; the
first thousand decide the version as well as a million would, and the scanner skips the rest."""


def _location(prefix: str, tables: ParseTables) -> Location:
    """Where the part of a line before glibc's message says the reference is. The part repeats
    far more than the lines do (every warning of one object has the same), so each distinct one
    is read once."""
    memo = tables.memos.bounded("locations")
    loc: Location | None = memo.get(prefix)
    if loc is None:
        loc = _read_location(prefix)
        memo.put(prefix, loc, 2 * len(prefix))
    return loc


def _read_location(prefix: str) -> Location:
    text = location_text(prefix)
    for dialect in DIALECTS:
        loc = dialect.parse_location(text)
        if loc is not None:
            return loc
    # Something else precedes the message, e.g. `libfoo.a(bar.o)`: keep it as the object.
    return Location(object=text)


def parse_lines(lines: Iterable[str], tables: ParseTables) -> Iterator[Event]:
    """Yield an event for every line that matters; line numbers are 1-based."""
    return parse_numbered(((n, line, kinds.ALL) for n, line in enumerate(lines, 1)), tables)


def parse_numbered(lines: Iterable[tuple[int, str, int]], tables: ParseTables) -> Iterator[Event]:
    """Like parse_lines, for (line number, line, kinds) triples: the scanner hands over only the
    lines that can matter, with their numbers in the whole log and the kinds of needle each holds
    (kinds.py; kinds.ALL when unknown).

    A line's events depend on its text alone, so a line seen again (after CI prefixes are
    removed) reuses them with its own line number: a log that repeats a warning a million times is
    parsed once per distinct line."""
    # line -> [its events, the functions that re-make them (built when the line comes again)]
    memo = tables.memos.bounded("parsed-lines", MEMO_SIZE)
    go_header = kinds.GO_HEADER
    for line_no, raw, holds in lines:
        line = clean_line(raw)
        if not line:
            continue
        if holds == go_header and line[0] != "#" and line[-1] not in ":：":
            continue  # `# ` inside a line (a heredoc in `go build -x`): nothing to parse
        entry: list[Any] | None = memo.get(line)
        if entry is None:
            try:
                events = list(_line_events(line, line_no, tables, holds))
            except TooSlow as slow:
                yield LineSkipped(slow.name, line_no)
                continue
            if len(line) <= MEMO_LINE:
                # The line is kept twice (the key, and the events' raw text) and cut into parts.
                memo.put(line, [events, None], 3 * len(line))
            yield from events
        elif entry[0]:
            makers = entry[1]
            if makers is None:
                makers = entry[1] = [_maker(event) for event in entry[0]]
            for make in makers:
                yield make(line_no)


def _maker(event: Event) -> Callable[[int], Event]:
    """A function that makes `event` again for another line number (every event's last field)."""
    values = [getattr(event, f.name) for f in fields(event)]
    return partial(type(event), *values[:-1])


def _line_events(
    line: str, line_no: int, tables: ParseTables, holds: int = kinds.ALL
) -> Iterator[Event]:
    """The events of one cleaned, non-empty line. `holds` (kinds.py) lets the two checks that
    cost a regular expression search be skipped when the line holds none of their needles; the
    other checks start with a test of a character or a substring anyway."""
    if holds & kinds.MESSAGE and tables.message_filter.compiled.search(line):
        found = tables.match_message(line)
        if found is not None:
            yield LibcWarning(
                found.family,
                found.symbol,
                line[found.start : found.end],
                _location(line[: found.start], tables),
                line,
                line_no,
            )
            return
    last = line[-1]
    if last == ":" or last == "：":
        ctx = parse_context(line)
        if ctx is not None:
            yield Context(ctx, line, line_no)
            return
    if "go" in line:
        if "go-1." in line or "go1." in line:
            version = go_version(line, line_no)
            if version is not None:
                yield version
        if "go build" in line or "go install" in line:
            command = go_command(line, line_no)
            if command is not None:
                yield command
    if "make" in line and (make := make_seen(line, line_no)) is not None:
        yield make
    if holds & kinds.LANGUAGE and tables.drivers:
        language = language_command(line, line_no, tables.drivers)
        if language is not None:
            yield language
    unit = unit_start(line, line_no)
    if unit is not None:
        yield unit
        if unit.kind == "command" and unit.toolchain:
            yield BuildCommand(unit.toolchain, line, line_no)
    if "lld" in line or "mold" in line:  # every silent-linker pattern holds one of these
        for name, pattern in tables.silent_linkers:
            if pattern.search(line):
                yield SilentLinkerSeen(name, line_no)
    if unit is not None or not holds & kinds.DIAGNOSTIC:
        return
    if not tables.diagnostic_filter.compiled.search(line):
        return
    for rule in tables.diagnostics:
        if not any(n in line for n in rule.needles):
            continue
        m = rule.pattern.search(line)
        if m is not None:
            yield LinkerDiagnostic(rule.id, m.groupdict().get("subject"), line, line_no)
            if not rule.command:
                break
