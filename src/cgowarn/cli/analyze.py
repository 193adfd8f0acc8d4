"""`cgowarn [analyze] [OPTIONS] [LOG]...`: the default command."""

from __future__ import annotations

import click

from cgowarn.cli import flow
from cgowarn.cli.boundary import boundary
from cgowarn.cli.group import EPILOG, main
from cgowarn.cli.options import (
    AnalysisArgs,
    ReportArgs,
    ReportOptions,
    analysis_options_with_pass_through,
    report_options,
)


@main.command(epilog=EPILOG)
@boundary
@click.argument("logs", nargs=-1, metavar="[LOG]...")
@report_options
@analysis_options_with_pass_through
def analyze(logs: tuple[str, ...], report_args: ReportArgs, analysis_args: AnalysisArgs) -> int:
    """Find glibc's link-time warnings in build logs (files, or standard input when no LOG or '-'
    is given), group them by libc function, say what breaks at run time in a static binary and
    why, trace each to the code that pulled it in, and recommend the fix that removes it."""
    options = ReportOptions.resolve(report_args)
    return flow.report(logs, analysis_args.options(options.targets), options)
