"""`cgowarn inspect BINARY...`: what ELF binaries need at run time."""

from __future__ import annotations

import click

from cgowarn.cli import flow
from cgowarn.cli.boundary import boundary
from cgowarn.cli.group import EXIT_CODES, main
from cgowarn.cli.options import ReportArgs, ReportOptions, report_options


@main.command(
    short_help="Read ELF binaries: C library, linkage, minimum kernel, GLIBC_x.y needed.",
    epilog="""\\b
Examples:
  cgowarn inspect ./app
  cgowarn inspect --target centos7 --format markdown ./app ./worker
  cgowarn build.log --binary ./app      # one report from the log and the binary

"""
    + EXIT_CODES,
)
@boundary
@click.argument("binaries", nargs=-1, required=True, metavar="BINARY...")
@report_options
def inspect(binaries: tuple[str, ...], report_args: ReportArgs) -> int:
    """Read ELF binaries without running them: static or dynamic, which C library, the minimum
    kernel (.note.ABI-tag, the cause of "FATAL: kernel too old"), the highest GLIBC_x.y a dynamic
    binary needs, the run-time footprint of a static glibc (NSS, dlopen, iconv, locales) and Go's
    embedded build settings."""
    from cgowarn import secrets
    from cgowarn.pipeline import AnalysisOptions

    options = ReportOptions.resolve(report_args)
    analysis = AnalysisOptions(
        targets=options.targets, binaries=binaries, redactor=secrets.current()
    )
    return flow.report(None, analysis, options)
