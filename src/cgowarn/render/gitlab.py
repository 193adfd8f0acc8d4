"""GitLab Code Quality: a JSON array of issues (description, check_name, fingerprint, severity,
location.path and location.lines.begin), UTF-8 without a byte-order mark, as GitLab's "Implement
a custom tool" asks. The merge-request widget collapses issues with equal fingerprints, so each
result's fingerprint is unique in the report (results.py)."""

from __future__ import annotations

import json
from typing import Any

from cgowarn.model import Report
from cgowarn.render.interface import RenderOptions
from cgowarn.render.results import Kind, Result, results
from cgowarn.render.safety import json_escape_invisible

SEVERITIES = {"high": "critical", "medium": "major", "low": "minor"}
"""A finding's severity as GitLab's (info, minor, major, critical, blocker)."""

DIAGNOSTIC_SEVERITIES = {
    Kind.LINK_ERROR: "blocker",
    Kind.RUNTIME_FAILURE: "blocker",
    Kind.LINKER_WARNING: "minor",
}


TARGET_SEVERITIES = {"error": "blocker", "warning": "major", "note": "info"}
"""A target verdict's level (does not start, may or may not start) as GitLab's severity."""


def _issue(row: Result) -> dict[str, Any]:
    if row.kind is Kind.FINDING:
        severity = SEVERITIES[row.severity]
    elif row.kind is Kind.TARGET:
        severity = TARGET_SEVERITIES[row.level]
    else:
        severity = DIAGNOSTIC_SEVERITIES[row.kind]
    first = row.message.splitlines()[0]
    return {
        "type": "issue",
        "engine_name": "cgowarn",
        "check_name": row.rule.id,
        "description": first if first.startswith(row.title) else f"{row.title}: {first}",
        "content": {"body": row.message},
        "categories": ["Bug Risk"],
        "fingerprint": row.fingerprint,
        "severity": severity,
        "location": {"path": row.location.path, "lines": {"begin": row.location.line or 1}},
    }


def render(report: Report, options: RenderOptions) -> str:
    issues = [_issue(r) for r in results(report, options)]
    return json_escape_invisible(json.dumps(issues, indent=2, ensure_ascii=False)) + "\n"
