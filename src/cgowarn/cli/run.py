"""`cgowarn run [OPTIONS] -- CMD [ARGS]...`: run a build, pass its output through unchanged, and
report on what it printed (wrap.py does the running)."""

from __future__ import annotations

import contextlib
import dataclasses
import shlex
import signal
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from cgowarn.cli import flow
from cgowarn.cli.boundary import SIGINT_IGNORED_AT_START, boundary, describe_error, note
from cgowarn.cli.group import main
from cgowarn.cli.options import (
    STDERR,
    AnalysisArgs,
    OutputSpec,
    ReportArgs,
    ReportOptions,
    analysis_options,
    report_options,
    use_color,
)
from cgowarn.errors import CgowarnError, ExitCode
from cgowarn.formats import OutputFormat
from cgowarn.words import cut

if TYPE_CHECKING:
    from cgowarn.model import Report
    from cgowarn.pipeline import AnalysisOptions
    from cgowarn.policy import BaselineDocument

RUN_USAGE = "cgowarn run [OPTIONS] -- CMD [ARGS]..."

RUN_EPILOG = f"""\\b
Examples:
  cgowarn run -- make -j8
  cgowarn run -o report.html -o report.json -- go build -ldflags '-extldflags "-static"' ./...
  cgowarn run --fail-on never -o cgowarn.md -- sh -c './configure && make'

\\b
Exit codes (the first that applies):
  N    the build's own status when it failed (128+N when signal N ended it)
  {ExitCode.INTERRUPTED:<4} / 143 / 129: cgowarn got SIGINT / SIGTERM / SIGHUP, passed it on to the
       build and waited for it (the build's status first, when it failed)
  {ExitCode.NOT_FOUND:<4} CMD was not found
  {ExitCode.CANNOT_EXECUTE:<4} CMD was found but could not be executed
  {ExitCode.USAGE:<4} usage error (no -- or no CMD), checked before the build starts
  {ExitCode.OUTPUT:<4} the build passed but a report could not be written
  {ExitCode.INTERNAL:<4} the build passed but the analysis failed (a bug: please report it)
  {ExitCode.FINDINGS:<4} the build passed and a finding is at or above --fail-on
  {ExitCode.OK:<4} the build passed and nothing is at or above --fail-on
"""


class RunCommand(click.Command):
    """A command whose arguments after `--` are the build command, taken as they are."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        argv: list[str] = []
        if "--" in args:
            at = args.index("--")
            args, argv = args[:at], args[at + 1 :]
        elif not any(a in ("-h", "--help") for a in args) and not ctx.resilient_parsing:
            raise click.UsageError(f"give the build command after --: {RUN_USAGE}", ctx)
        rest = super().parse_args(ctx, args)
        if ctx.resilient_parsing:
            return rest  # shell completion: the options so far, no command yet
        if not argv:
            raise click.UsageError(f"no build command after --: {RUN_USAGE}", ctx)
        ctx.meta["cgowarn.run.argv"] = argv
        return rest


@main.command(
    cls=RunCommand,
    epilog=RUN_EPILOG,
    options_metavar="[OPTIONS] -- CMD [ARGS]...",
    short_help="Run a build, pass its output through unchanged, and report on what it printed.",
)
@boundary
@report_options
@analysis_options
def run(report_args: ReportArgs, analysis_args: AnalysisArgs) -> int:
    """Run a build command, pass its output through as it comes, byte for byte (standard output
    to standard output, standard error to standard error), analyse that output at the same time,
    and write the report when the build has ended: to each --output (or the configuration's
    `output`), else as text to standard error after a separator line. The exit code is the
    build's when it failed, else the gate's. Ctrl-C and SIGTERM reach the build; cgowarn waits
    for it and still writes the reports."""
    argv: list[str] = click.get_current_context().meta["cgowarn.run.argv"]
    options = ReportOptions.resolve(report_args)
    if options.paths == ("-",) and not report_args.outputs:
        # No report asked for anywhere: standard output is the build's, so the report goes to
        # standard error, after the build's output.
        spec = OutputSpec(options.outputs[0].fmt, STDERR)
        color_on = spec.fmt is OutputFormat.TEXT and use_color(report_args.color, sys.stderr)
        options = dataclasses.replace(options, outputs=(spec,), color=color_on)
    analysis = analysis_args.options(options.targets)
    flow.check_destinations(
        options.paths,
        (),
        analysis.binaries,
        False,
        "-" in options.paths,
        options.read_files(analysis),
    )
    prior = options.read_baseline()  # before the build: a bad baseline fails at once
    return _run_build(argv, options, analysis, prior)


def _run_build(
    argv: list[str],
    options: ReportOptions,
    analysis: AnalysisOptions,
    prior: BaselineDocument | None,
) -> int:
    """Run the build with the analysis beside it; then the reports and the exit code (see
    RUN_EPILOG)."""
    from cgowarn import wrap
    from cgowarn.output import flush_std_streams

    def analyse(feed: wrap.Feed) -> Report:
        from cgowarn.inputs import RUN_SOURCE
        from cgowarn.pipeline import analyze

        report = analyze(
            [(RUN_SOURCE, feed)],  # type: ignore[list-item]
            dataclasses.replace(analysis, command=tuple(argv), started=started),
        )
        return options.apply_policy(report, prior)

    flush_std_streams()
    started = time.time()
    try:
        ignored = {s for s in wrap.SIGNALS if signal.getsignal(s) is signal.SIG_IGN}
        if not SIGINT_IGNORED_AT_START:
            ignored.discard(signal.SIGINT)
        else:
            ignored.add(signal.SIGINT)
        result, report, error = wrap.run(argv, analyse, frozenset(ignored))
    except OSError as exc:
        message, status = wrap.describe_oserror(argv[0], exc)
        note(message)
        return status
    for line in result.lost:
        note(line)
    failed = wrap.failed_status(result)
    if error is not None:
        if not failed:
            raise error
        message, _ = describe_error(error)
        note(f"{message} (the build's output above is complete)")
        return failed
    assert report is not None
    if result.signals or result.status > wrap.SIGNAL_BASE:
        report = _partial(report)
    if any(s.path == STDERR for s in options.outputs):
        _separator(f"report on the output of {_shell_words(argv)}", result.at_line_start)
    try:
        flow.write_reports(report, options)
    except CgowarnError as exc:
        if not failed:
            raise
        note(f"error: {exc}")
        return failed
    code = flow.gate(report, options)
    return failed or code


def _partial(report: Report) -> Report:
    """The report of a build that a signal ended: marked partial in its summary and its notes,
    so that no format passes it off as the whole build's."""
    lines = sum(src.lines for src in report.sources)
    why = f"interrupted after {lines:,} line{'' if lines == 1 else 's'}"
    note = (
        f"This report is partial: the build was {why} of output; what it would have printed "
        "after that, the link above all, is not in it."
    )
    summary = report.summary.model_copy(update={"partial": why})
    return report.model_copy(update={"summary": summary, "notes": (note, *report.notes)})


def _shell_words(argv: Sequence[str], limit: int = 60) -> str:
    return cut(shlex.join(argv), limit)


def _separator(title: str, at_line_start: bool) -> None:
    """A line that sets the report apart from the build output above it, on a line of its own
    even when that output did not end with a newline, and no wider than the terminal (the
    command in it cut short)."""
    from cgowarn.cli.options import text_width
    from cgowarn.words import cut

    frame = len("---------- cgowarn:  ----------")
    line = f"---------- cgowarn: {cut(title, max(text_width() - frame, 20))} ----------"
    with contextlib.suppress(OSError, ValueError):
        click.echo(f"{'' if at_line_start else chr(10)}{line}", err=True)
