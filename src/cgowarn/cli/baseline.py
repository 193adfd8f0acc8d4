"""`cgowarn baseline`: record today's findings, so that later runs fail only on new ones."""

from __future__ import annotations

import click

from cgowarn.cli import flow
from cgowarn.cli.boundary import boundary, note
from cgowarn.cli.group import EXIT_CODES, main
from cgowarn.cli.options import (
    AnalysisArgs,
    ConfigArgs,
    analysis_options_with_pass_through,
    config_options,
    debug_option,
    module_files,
)
from cgowarn.errors import ExitCode, UsageError
from cgowarn.words import counted


@main.command(
    name="baseline",
    short_help="Record today's findings, so that later runs fail only on new ones.",
    epilog="""\\b
Examples:
  go build ... 2>&1 | cgowarn baseline -o cgowarn-baseline.json
  cgowarn baseline -o cgowarn-baseline.json build.log
  cgowarn --baseline cgowarn-baseline.json build.log   # later: only new findings fail

"""
    + EXIT_CODES,
)
@boundary
@click.argument("logs", nargs=-1, metavar="[LOG]...")
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    metavar="PATH",
    help="Write the baseline here; '-' is standard output. A file is replaced only when complete.",
)
@config_options
@analysis_options_with_pass_through
@debug_option
def record_baseline(
    logs: tuple[str, ...], output: str, config_args: ConfigArgs, analysis_args: AnalysisArgs
) -> int:
    """Record today's findings (after the configuration's suppressions) as a baseline: a small
    JSON file of their fingerprints, which survive temporary paths, line numbers and counts. With
    --baseline FILE, analyze then marks each finding new or unchanged, lists what was fixed, and
    fails only on new findings. Reads the same logs and options as analyze."""
    from cgowarn.output import write_output
    from cgowarn.policy import baseline_json, suppress

    if analysis_args.pass_through and output == "-":
        raise UsageError(
            "--pass-through copies the log to standard output: write the baseline to a file "
            "with -o PATH"
        )
    settings = config_args.load()
    analysis = analysis_args.options()
    read = [(f"the configuration {settings.file}", settings.file)] if settings.file else []
    report = flow.analyse(logs, analysis, (output,), read + module_files(analysis))
    report = suppress(report, settings.values.suppress, settings.file)
    write_output(baseline_json(report), output)
    where = "standard output" if output == "-" else output
    note(f"baseline of {counted(len(report.findings), 'finding')} written to {where}")
    return ExitCode.OK
