"""reviewdog's rdjson: one DiagnosticResult JSON document (reviewdog proto/rdf: its source and
its diagnostics), for `reviewdog -f=rdjson`; the diagnostics are rdjsonl's (rdjsonl.py)."""

from __future__ import annotations

import json

from cgowarn.formats import PROJECT_URL
from cgowarn.model import Report
from cgowarn.render.interface import RenderOptions
from cgowarn.render.rdjsonl import diagnostic
from cgowarn.render.results import results
from cgowarn.render.safety import json_escape_invisible


def render(report: Report, options: RenderOptions) -> str:
    document = {
        "source": {"name": "cgowarn", "url": PROJECT_URL},
        "diagnostics": [diagnostic(r) for r in results(report, options)],
    }
    return json_escape_invisible(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"
