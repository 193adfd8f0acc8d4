"""GitHub-flavoured Markdown: summary table first, details in <details>; fit for a PR comment or a
CI job summary."""

from __future__ import annotations

from cgowarn.model import Report
from cgowarn.render.interface import RenderOptions
from cgowarn.render.templating import environment
from cgowarn.render.view import build_view


def render(report: Report, options: RenderOptions) -> str:
    return environment(autoescape=False).get_template("report.md.j2").render(v=build_view(report))
