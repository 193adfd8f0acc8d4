"""One self-contained HTML page: inline CSS, no scripts, no external resources, and a
Content-Security-Policy that allows nothing else (should an escape ever be missed, the browser still
runs no script and fetches nothing); readable on a phone and printed."""

from __future__ import annotations

from markupsafe import Markup

from cgowarn.model import Report
from cgowarn.render import svg
from cgowarn.render.interface import RenderOptions
from cgowarn.render.templating import environment
from cgowarn.render.view import build_view


def render(report: Report, options: RenderOptions) -> str:
    v = build_view(report)
    # The pictures are markup that svg.py escaped itself.
    return (
        environment(autoescape=True)
        .get_template("report.html.j2")
        .render(
            v=v,
            flow=Markup(svg.flow(v)),
            matrix=Markup(svg.matrix(v)),
            matrix_scrolls=svg.matrix_width(v) > svg.PHONE_WIDTH,
        )
    )
