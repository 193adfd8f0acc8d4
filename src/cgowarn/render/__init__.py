"""Renderers, one module per output format, registered in one table."""

from __future__ import annotations

from cgowarn.formats import OutputFormat
from cgowarn.model import Report
from cgowarn.render import html, json, markdown, text
from cgowarn.render.interface import Renderer, RenderOptions

RENDERERS: dict[OutputFormat, Renderer] = {
    OutputFormat.TEXT: text.render,
    OutputFormat.MARKDOWN: markdown.render,
    OutputFormat.HTML: html.render,
    OutputFormat.JSON: json.render,
}


def render(report: Report, fmt: OutputFormat, options: RenderOptions | None = None) -> str:
    """Render `report` in `fmt`."""
    return RENDERERS[fmt](report, options or RenderOptions())


__all__ = ["RENDERERS", "RenderOptions", "Renderer", "render"]
