"""Typed events the parser emits for the collector; plain dataclasses, made once per matching line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Location:
    """Where a linker says a reference sits. Every field is optional: linkers give different parts."""

    object: str | None = None
    function: str | None = None
    file: str | None = None
    line: int | None = None
    section: str | None = None


@dataclass(frozen=True, slots=True)
class UnitStart:
    """A new link unit starts here (Go's `# pkg` header, cargo's `Compiling`, a link command)."""

    name: str
    kind: str
    toolchain: str | None
    """The toolchain the header belongs to (go, rust), when the header shows it."""
    line_no: int


@dataclass(frozen=True, slots=True)
class Context:
    """ld's `OBJ: in function `F':` line; applies to the warnings that follow it."""

    location: Location
    raw: str
    line_no: int


@dataclass(frozen=True, slots=True)
class LibcWarning:
    """A line holding one of glibc's link-time warnings."""

    family: str
    symbol: str
    message: str
    location: Location
    raw: str
    line_no: int


@dataclass(frozen=True, slots=True)
class LinkerDiagnostic:
    """Another linker message (link errors, unrelated ld warnings)."""

    kind: str
    subject: str | None
    message: str
    line_no: int


@dataclass(frozen=True, slots=True)
class SilentLinkerSeen:
    """The log shows a linker in use that never prints glibc's warnings."""

    name: str
    line_no: int


@dataclass(frozen=True, slots=True)
class BuildCommand:
    """A build command the log shows (echoed by a CI script, make, or `go build -x`)."""

    tool: str
    text: str
    line_no: int


@dataclass(frozen=True, slots=True)
class ToolVersion:
    """A tool's version, as the log shows it (a Go release in GOROOT paths or `go version`)."""

    tool: str
    version: str
    line_no: int


@dataclass(frozen=True, slots=True)
class LineSkipped:
    """A line that was not analysed: a pattern ran out of its time budget on it (regexes.py)."""

    pattern: str
    line_no: int


Event = (
    UnitStart
    | Context
    | LibcWarning
    | LinkerDiagnostic
    | SilentLinkerSeen
    | BuildCommand
    | ToolVersion
    | LineSkipped
)
