"""The plug-in point for linker dialects: each turns the location text before glibc's message into a
Location."""

from __future__ import annotations

from typing import Protocol

from cgowarn.parse.events import Location


class LocationDialect(Protocol):
    """A linker's way of saying where a reference sits."""

    name: str

    def parse_location(self, text: str) -> Location | None:
        """Parse `text` (the part of a warning line before glibc's message, with the linker's own
        program prefix and its word for "warning" removed, and no trailing colon); None when the
        text is not in this dialect's form."""
        ...
