"""Parse build logs into events: reader.py reads bytes into lines, scanner.py picks the lines that
can matter, parser.py turns them into the events of events.py against the tables of tables.py."""

from cgowarn.parse.events import (
    BuildCommand,
    Context,
    Event,
    LibcWarning,
    LineSkipped,
    LinkerDiagnostic,
    Location,
    SilentLinkerSeen,
    ToolVersion,
    UnitStart,
)
from cgowarn.parse.parser import MAX_VERSION_LINES, parse_lines, parse_numbered
from cgowarn.parse.tables import MessageMatch, ParseTables

__all__ = [
    "MAX_VERSION_LINES",
    "BuildCommand",
    "Context",
    "Event",
    "LibcWarning",
    "LineSkipped",
    "LinkerDiagnostic",
    "Location",
    "MessageMatch",
    "ParseTables",
    "SilentLinkerSeen",
    "ToolVersion",
    "UnitStart",
    "parse_lines",
    "parse_numbered",
]
