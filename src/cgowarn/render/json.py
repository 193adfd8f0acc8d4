"""JSON: the Report model itself (see schemas/report.schema.json)."""

from __future__ import annotations

from cgowarn.model import Report
from cgowarn.render.interface import RenderOptions
from cgowarn.render.safety import json_escape_invisible


def render(report: Report, options: RenderOptions) -> str:
    return json_escape_invisible(report.model_dump_json(indent=2)) + "\n"
