"""reviewdog's rdjsonl: one Diagnostic JSON object per line (reviewdog proto/rdf), for
`reviewdog -f=rdjsonl`. reviewdog keeps only results on lines of the diff unless run with
`-filter-mode=nofilter`; the locations are repository-relative (results.py)."""

from __future__ import annotations

import json
from typing import Any

from cgowarn.formats import PROJECT_URL
from cgowarn.model import Report
from cgowarn.render.interface import RenderOptions
from cgowarn.render.results import Result, results
from cgowarn.render.safety import json_escape_invisible

SEVERITIES = {"error": "ERROR", "warning": "WARNING", "note": "INFO"}


def diagnostic(row: Result) -> dict[str, Any]:
    code: dict[str, str] = {"value": row.rule.id}
    if row.rule.url:
        code["url"] = row.rule.url
    return {
        "message": row.message,
        "location": {
            "path": row.location.path,
            "range": {"start": {"line": row.location.line or 1}},
        },
        "severity": SEVERITIES[row.level],
        "source": {"name": "cgowarn", "url": PROJECT_URL},
        "code": code,
        "original_output": "\n".join(row.original),
    }


def render(report: Report, options: RenderOptions) -> str:
    # One object per line: json.dumps without indent never writes a line break (it escapes them).
    return "".join(
        json_escape_invisible(json.dumps(diagnostic(r), ensure_ascii=False)) + "\n"
        for r in results(report, options)
    )
