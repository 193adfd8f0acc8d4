"""The renderer interface: a pure function from a report to text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from cgowarn.enums import Severity
from cgowarn.model import Report


@dataclass(frozen=True)
class RenderOptions:
    """Presentation choices that are not part of the report."""

    color: bool = False
    """Use ANSI colours (text format only)."""
    width: int = 100
    """Wrap text output at this many columns (text format only): the terminal's width on a
    terminal, else 100 (cli.text_width)."""
    details: bool = False
    """The long text form (--details): every section in full, not only the answer, the table and
    one line per fix."""
    fail_on: Severity | None = Severity.HIGH
    """The gate (--fail-on): findings at or above it fail; None for `never`. JUnit marks them
    failed; the CI formats say which results fail the gate."""
    repo_root: str | None = None
    """The repository root (--repo-root, an absolute path), against which the CI formats
    (SARIF, GitHub, GitLab, rdjsonl) make their locations relative. None: no repository is
    known, and no file is looked at: a log named by a relative path is the location."""


class Renderer(Protocol):
    def __call__(self, report: Report, options: RenderOptions) -> str:
        """Return the whole document; no printing, no files, no exits."""
        ...
