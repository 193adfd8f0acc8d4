"""GitHub-flavoured Markdown: summary table first, details in <details>; fit for a PR comment or a
CI job summary.

A GitHub comment holds at most 65,536 characters. A report longer than MAX_CHARS is shortened,
step by step, from the least needed part up (occurrence rows, then the per-function details, then
the other linker messages, then rows of the summary table), and says at its top what it left out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from cgowarn.model import Report
from cgowarn.render.interface import RenderOptions
from cgowarn.render.rows import View
from cgowarn.render.templating import environment
from cgowarn.render.view import build_view

MAX_CHARS = 60_000
"""GitHub's limit is 65,536 characters per comment; the margin leaves room for a bot's own text."""


@dataclass(frozen=True)
class _Limits:
    rows: int | None = None
    """Occurrence rows per function in the details."""
    details: int | None = None
    """Functions with a details section."""
    diagnostics: int | None = None
    table: int | None = None
    """Rows of the summary table."""


STEPS = (
    _Limits(),
    _Limits(rows=10),
    _Limits(rows=3),
    _Limits(rows=1, details=50, diagnostics=100),
    _Limits(rows=1, details=10, diagnostics=20),
    _Limits(rows=0, details=0, diagnostics=5, table=200),
    _Limits(rows=0, details=0, diagnostics=0, table=50),
    _Limits(rows=0, details=0, diagnostics=0, table=10),
)


def _trim(view: View, limits: _Limits) -> tuple[View, str]:
    """The view with the limits applied, and a sentence on what they left out."""
    cut: list[str] = []
    findings = list(view.findings)
    if limits.table is not None and len(findings) > limits.table:
        cut.append(f"{len(findings) - limits.table} rows of the summary table")
        findings = findings[: limits.table]
    if limits.rows is not None:
        rows = sum(max(0, len(f.occurrences) - limits.rows) for f in findings)
        if rows:
            cut.append(f"{rows} occurrence rows")
        findings = [
            replace(
                f,
                occurrences=f.occurrences[: max(limits.rows, 1)],
                omitted=f.omitted + max(0, len(f.occurrences) - max(limits.rows, 1)),
            )
            for f in findings
        ]
    if limits.details is not None and len(findings) > limits.details:
        cut.append(f"the details of {len(findings) - limits.details} functions")
    diagnostics = view.diagnostics
    omitted = view.diagnostics_omitted
    if limits.diagnostics is not None and len(diagnostics) > limits.diagnostics:
        cut.append(f"{len(diagnostics) - limits.diagnostics} linker messages")
        omitted += len(diagnostics) - limits.diagnostics
        diagnostics = diagnostics[: limits.diagnostics]
    problems = view.link_problems
    if limits.diagnostics is not None and len(problems) > max(limits.diagnostics, 1):
        kept = max(limits.diagnostics, 1)
        cut.append(f"{len(problems) - kept} groups of link errors")
        problems = problems[:kept]
    trimmed = replace(
        view,
        findings=tuple(findings),
        diagnostics=diagnostics,
        diagnostics_omitted=omitted,
        link_problems=problems,
    )
    note = (
        "This report was shortened to fit a GitHub comment: "
        + ", ".join(cut)
        + " are left out. The HTML or JSON report (cgowarn --format html or json) holds them all."
        if cut
        else ""
    )
    return trimmed, note


def render(report: Report, options: RenderOptions) -> str:
    return render_within(report, MAX_CHARS)


def render_within(report: Report, max_chars: int) -> str:
    """The report, shortened step by step until it holds at most `max_chars` characters (the
    last step's text if even that is longer). `cgowarn comment` gives a smaller budget, to leave
    room for its own lines."""
    template = environment(autoescape=False).get_template("report.md.j2")
    view = build_view(report)
    text = ""
    for limits in STEPS:
        trimmed, note = _trim(view, limits)
        text = template.render(
            v=trimmed, details_limit=limits.details, rows_limit=limits.rows, cut_note=note
        )
        if len(text) <= max_chars:
            break
    return text
