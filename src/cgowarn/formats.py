"""Output formats. Kept free of heavy imports so that --help can list them cheaply."""

from __future__ import annotations

from enum import StrEnum


class OutputFormat(StrEnum):
    """Every format cgowarn renders; each has exactly one renderer in cgowarn.render.RENDERERS."""

    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    JSON = "json"


# File extensions that choose a format when --format is not given.
EXTENSIONS = {
    ".txt": OutputFormat.TEXT,
    ".md": OutputFormat.MARKDOWN,
    ".markdown": OutputFormat.MARKDOWN,
    ".html": OutputFormat.HTML,
    ".htm": OutputFormat.HTML,
    ".json": OutputFormat.JSON,
}

FORMAT_NAMES = frozenset(f.value for f in OutputFormat)
"""The names that `--output FORMAT:PATH` takes as a format."""
