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
    OutputFormat.RDJSON: "cgowarn.render.rdjson",
    OutputFormat.JUNIT: "cgowarn.render.junit",
}
"""The module that renders each format, with a `render` function. A module is imported only when
its format is asked for: JSON and text output do not load jinja2."""


def renderer(fmt: OutputFormat) -> Renderer:
    """The render function of `fmt`."""
    return cast(Renderer, import_module(RENDERERS[fmt]).render)


def render(report: Report, fmt: OutputFormat, options: RenderOptions | None = None) -> str:
    """Render `report` in `fmt`. No line of any format but the GitHub workflow commands
    themselves can be taken for a workflow command by a CI runner that prints it."""
    from cgowarn.render.safety import inert_workflow_commands

    text = renderer(fmt)(report, options or RenderOptions())
    return text if fmt is OutputFormat.GITHUB else inert_workflow_commands(text)


__all__ = ["RENDERERS", "RenderOptions", "Renderer", "render", "renderer"]
