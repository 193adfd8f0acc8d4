"""Renderers, one module per output format, registered in one table."""

from __future__ import annotations

from importlib import import_module
from typing import cast

from cgowarn.formats import OutputFormat
from cgowarn.model import Report
from cgowarn.render.interface import Renderer, RenderOptions

RENDERERS: dict[OutputFormat, str] = {
    OutputFormat.TEXT: "cgowarn.render.text",
    OutputFormat.MARKDOWN: "cgowarn.render.markdown",
    OutputFormat.HTML: "cgowarn.render.html",
    OutputFormat.JSON: "cgowarn.render.json",
    OutputFormat.SARIF: "cgowarn.render.sarif",
    OutputFormat.GITHUB: "cgowarn.render.github",
    OutputFormat.GITLAB: "cgowarn.render.gitlab",
    OutputFormat.RDJSONL: "cgowarn.render.rdjsonl",
    OutputFormat.JUNIT: "cgowarn.render.junit",
}
"""The module that renders each format, with a `render` function. A module is imported only when
its format is asked for: JSON and text output do not load jinja2."""


def renderer(fmt: OutputFormat) -> Renderer:
    """The render function of `fmt`."""
    return cast(Renderer, import_module(RENDERERS[fmt]).render)


def render(report: Report, fmt: OutputFormat, options: RenderOptions | None = None) -> str:
    """Render `report` in `fmt`."""
    return renderer(fmt)(report, options or RenderOptions())


__all__ = ["RENDERERS", "RenderOptions", "Renderer", "render", "renderer"]
