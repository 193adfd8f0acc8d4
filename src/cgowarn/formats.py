"""Output formats. Kept free of heavy imports so that --help can list them cheaply."""

from __future__ import annotations

from enum import StrEnum

PROJECT_URL = "https://github.com/cgowarn/cgowarn"
"""Where cgowarn lives: the tool's address in SARIF and rdjsonl, and the base of bug reports."""


class OutputFormat(StrEnum):
    """Every format cgowarn renders; each has exactly one renderer in cgowarn.render.RENDERERS."""

    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    JSON = "json"
    SARIF = "sarif"
    GITHUB = "github"
    GITLAB = "gitlab"
    RDJSONL = "rdjsonl"
    RDJSON = "rdjson"
    JUNIT = "junit"


# File extensions that choose a format when --format is not given.
EXTENSIONS = {
    ".txt": OutputFormat.TEXT,
    ".log": OutputFormat.TEXT,
    ".md": OutputFormat.MARKDOWN,
    ".markdown": OutputFormat.MARKDOWN,
    ".html": OutputFormat.HTML,
    ".htm": OutputFormat.HTML,
    ".json": OutputFormat.JSON,
    ".sarif": OutputFormat.SARIF,
    ".rdjsonl": OutputFormat.RDJSONL,
    ".rdjson": OutputFormat.RDJSON,
    ".xml": OutputFormat.JUNIT,
}
# GitHub's workflow commands and GitLab's Code Quality report have no extension of their own
# (the latter is a .json file): `-o github:-`, `-o gitlab:gl-code-quality-report.json`.

LOCATED = frozenset(
    {
        OutputFormat.SARIF,
        OutputFormat.GITHUB,
        OutputFormat.GITLAB,
        OutputFormat.RDJSONL,
        OutputFormat.RDJSON,
    }
)
"""Formats whose results point at files in the repository: only for them does the command line
look for the repository root (`git rev-parse`)."""

FORMAT_NAMES = frozenset(f.value for f in OutputFormat)
"""The names that `--output FORMAT:PATH` takes as a format."""
