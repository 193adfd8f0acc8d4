"""The renderer interface: a pure function from a report to text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from cgowarn.model import Report


@dataclass(frozen=True)
class RenderOptions:
    """Presentation choices that are not part of the report."""

    color: bool = False
    """Use ANSI colours (text format only)."""


class Renderer(Protocol):
    def __call__(self, report: Report, options: RenderOptions) -> str:
        """Return the whole document; no printing, no files, no exits."""
        ...
