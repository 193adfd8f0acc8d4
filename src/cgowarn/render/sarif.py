"""SARIF 2.1.0 (schemas/sarif-schema-2.1.0.json, the OASIS schema) for GitHub code scanning and
other SARIF readers: one rule per libc function and per diagnostic kind, one result per row of
results.py.

GitHub keys an alert on its rule and `partialFingerprints.primaryLocationLineHash`; cgowarn sets
it from the finding's fingerprint (symbol and origins), so an alert stays the same alert when a
build's temporary paths or line numbers change. `cgowarn/v1` holds the whole fingerprint.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from cgowarn.fingerprint import SCHEME
from cgowarn.formats import PROJECT_URL
from cgowarn.model import Report
from cgowarn.render.interface import RenderOptions
from cgowarn.render.results import Result, Rule, results, rules
from cgowarn.render.safety import json_escape_invisible, visible

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"

# GitHub's own non-security severities (problem.severity), by level.
PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}


def _rule(rule: Rule) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": rule.id,
        "name": rule.id,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description},
        "help": {"text": rule.help_text, "markdown": rule.help_markdown},
        "defaultConfiguration": {"level": rule.level},
        "properties": {
            "tags": list(rule.tags),
            "problem.severity": PROBLEM_SEVERITY[rule.level],
        },
    }
    if rule.url:
        out["helpUri"] = rule.url
    return out


def _result(row: Result, index: int) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": quote(row.location.path, safe="/")}}
    if row.location.line is not None:
        physical["region"] = {"startLine": row.location.line}
    return {
        "ruleId": row.rule.id,
        "ruleIndex": index,
        "kind": "fail",
        "level": row.level,
        "message": {"text": row.message},
        "locations": [{"physicalLocation": physical}],
        **({"baselineState": row.baseline} if row.baseline else {}),
        "partialFingerprints": {
            "primaryLocationLineHash": f"{row.fingerprint[:16]}:1",
            SCHEME: row.fingerprint,
        },
        "properties": {
            "location": row.location.kind,
            "gate": row.gate,
            "originalOutput": list(row.original),
            **{k: v for k, v in row.properties.items() if v is not None},
        },
    }


def render(report: Report, options: RenderOptions) -> str:
    rows = results(report, options)
    all_rules = rules(rows)
    index = {r.id: i for i, r in enumerate(all_rules)}
    document = {
        "$schema": SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "cgowarn",
                        "version": report.tool_version,
                        "informationUri": PROJECT_URL,
                        "rules": [_rule(r) for r in all_rules],
                    }
                },
                "results": [_result(r, index[r.rule.id]) for r in rows],
                "columnKind": "unicodeCodePoints",
                "properties": {
                    "logs": [visible(s.name) for s in report.sources],
                    "warningLines": report.summary.warning_lines,
                    "functions": report.summary.distinct_functions,
                },
            }
        ],
    }
    return json_escape_invisible(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"
