"""GitHub Actions workflow commands: one `::error|warning|notice file=…,line=…,title=…::message`
line per result, which the runner turns into an annotation on the file.

Escaping is @actions/core's (toolkit packages/core/src/command.ts): in the message `%`, CR and LF
become %25, %0D, %0A; in a property also `:` and `,` become %3A, %2C. So a log line holding `::`,
`%`, commas or line breaks stays inside the one command it is in.

GitHub shows at most 10 error and 10 warning annotations per step (and as many notices). When a
level has more results than that, the first 9 are annotated and the 10th annotation of that level
says how many more there are and names their rules: the summary counts within the cap, so that
it is itself shown.
"""

from __future__ import annotations

from collections.abc import Sequence

from cgowarn.model import Report
from cgowarn.render.interface import RenderOptions
from cgowarn.render.results import Result, results
from cgowarn.render.safety import visible

STEP_SUMMARY = "GITHUB_STEP_SUMMARY"
"""The variable GitHub Actions names the job summary's file in."""
MAX_PER_LEVEL = 10
"""Annotations GitHub shows per level and step."""

COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}
"""CI level -> workflow command."""


def escape_data(text: str) -> str:
    """A command's message, as @actions/core's escapeData."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A command's property value, as @actions/core's escapeProperty."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: Sequence[tuple[str, str]], message: str) -> str:
    """One workflow command line (without its line end). Every value and every line of the
    message is made visible first: a file name or a title holding ESC, an OSC 52 clipboard
    sequence or a bidi override reaches the job log as <U+XXXX>, never as the character."""
    props = ",".join(
        f"{key}={escape_property(visible(value))}" for key, value in properties if value
    )
    text = "\n".join(visible(line) for line in message.split("\n"))
    return f"::{name}{' ' + props if props else ''}::{escape_data(text)}"


def _annotation(row: Result) -> str:
    props = [("file", row.location.path if row.location.path != "." else "")]
    if row.location.line is not None and props[0][1]:
        props.append(("line", str(row.location.line)))
    props.append(("title", f"cgowarn: {row.title}"))
    return command(COMMANDS[row.level], props, row.message)


def _summary(name: str, rest: Sequence[Result]) -> str:
    rule_ids = ", ".join(dict.fromkeys(r.rule.id for r in rest))
    noun = {"error": "errors", "warning": "warnings", "notice": "notices"}[name]
    return command(
        name,
        [("title", f"cgowarn: {len(rest)} more {noun}")],
        f"{len(rest)} more {noun} are not annotated (GitHub shows {MAX_PER_LEVEL} per step): "
        f"{rule_ids}. The SARIF, Markdown or HTML report holds them all.",
    )


CLEAN = "The link was seen: no glibc link warning and no link error in it."


def render(report: Report, options: RenderOptions) -> str:
    rows = results(report, options)
    lines: list[str] = []
    for level, name in COMMANDS.items():
        of_level = [r for r in rows if r.level == level]
        if len(of_level) <= MAX_PER_LEVEL:
            lines += [_annotation(r) for r in of_level]
        else:
            lines += [_annotation(r) for r in of_level[: MAX_PER_LEVEL - 1]]
            lines.append(_summary(name, of_level[MAX_PER_LEVEL - 1 :]))
    # What the report says about its input (empty, a linker that prints none of the warnings):
    # without it, a clean run and a run that could not see anything look the same.
    lines += [command("notice", [("title", "cgowarn")], note) for note in report.notes]
    if not lines:
        # A link seen, and nothing in it: said, so that the step's log shows cgowarn looked.
        lines.append(command("notice", [("title", "cgowarn")], CLEAN))
    return "".join(line + "\n" for line in lines)


def append_step_summary(markdown: str) -> str | None:
    """Append the Markdown report to the job summary file GitHub Actions names in
    $GITHUB_STEP_SUMMARY (GitHub allows 1 MiB per step; the Markdown report holds at most 60,000
    characters), whole or not at all (output.append_whole). Not set: what to tell the user, and
    nothing written. OutputError when it cannot be written."""
    import os

    from cgowarn import secrets
    from cgowarn.errors import OutputError
    from cgowarn.output import append_whole

    path = os.environ.get(STEP_SUMMARY)
    if not path:
        return (
            f"--summary: ${STEP_SUMMARY} is not set (not a GitHub Actions step); no summary written"
        )
    text = markdown if markdown.endswith("\n") else markdown + "\n"
    try:
        append_whole(path, secrets.scrub(text))
    except OSError as exc:
        raise OutputError(
            f"cannot append the summary to ${STEP_SUMMARY} ({path}): {exc.strerror or exc}"
        ) from exc
    return None
