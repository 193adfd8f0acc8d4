"""Command line: read options, call the pipeline, write the output, return an exit code.

Only click is imported at start-up; the pipeline, pydantic and jinja2 are imported when a command
runs, so that --help and --version stay fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

import click

from cgowarn import __version__
from cgowarn.errors import CgowarnError, ExitCode, InputError
from cgowarn.formats import EXTENSIONS, OutputFormat

SEVERITIES = ("low", "medium", "high")
FAIL_ON_DEFAULT = "high"

EPILOG = """\b
Examples:
  go build -ldflags '-linkmode external -extldflags "-static"' 2>&1 | cgowarn
  cgowarn build.log
  cgowarn --format html -o report.html build.log
  cgowarn --format markdown build.log > comment.md
  cgowarn --format json build.log | jq '.findings[].symbol'
  cgowarn --fail-on medium build.log || echo "static-link problems"
  make 2>&1 | cgowarn --pass-through -o report.md    # build output on screen, report in a file

\b
Exit codes:
  0    nothing at or above --fail-on
  1    at least one finding at or above --fail-on
  2    usage error, unreadable input, or invalid knowledge base
  141  standard output closed early (e.g. by `| head`)

\b
Environment:
  NO_COLOR            no colour in text output
  CGOWARN_CACHE_DIR   the start-up cache (default $XDG_CACHE_HOME/cgowarn, ~/.cache/cgowarn)
  CGOWARN_NO_CACHE=1  do not use the cache
"""


class DefaultGroup(click.Group):
    """`cgowarn [OPTIONS] [LOG]...` runs `analyze`; other words name a subcommand."""

    default_command = "analyze"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (
            args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")
        ):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        command = self.commands[self.default_command]
        with click.Context(command, info_name=ctx.info_name, parent=None) as sub:
            command.format_help(sub, formatter)
        others = [
            (name, cmd.get_short_help_str())
            for name, cmd in self.commands.items()
            if name != self.default_command
        ]
        if others:
            with formatter.section("Other commands"):
                formatter.write_dl(others)


@click.group(
    name="cgowarn", cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, "--version", prog_name="cgowarn", message="%(prog)s %(version)s")
def main() -> None:
    """Explain glibc static-link warnings in build logs."""


def _open_inputs(stack: ExitStack, logs: tuple[str, ...]) -> list[tuple[str, IO[bytes]]]:
    opened: list[tuple[str, IO[bytes]]] = []
    for name in logs or ("-",):
        if name == "-":
            if sys.stdin.isatty():
                click.echo(
                    "cgowarn: reading a build log from standard input (end with Ctrl-D)...",
                    err=True,
                )
            opened.append(("<stdin>", sys.stdin.buffer))
            continue
        path = Path(name)
        try:
            if path.is_dir():
                raise InputError(f"cannot read {name}: it is a directory, not a build log")
            fh = stack.enter_context(path.open("rb"))
        except FileNotFoundError:
            raise InputError(f"cannot read {name}: no such file") from None
        except PermissionError:
            raise InputError(f"cannot read {name}: permission denied") from None
        except OSError as exc:
            raise InputError(f"cannot read {name}: {exc.strerror or exc}") from None
        head = fh.peek(4)[:4] if hasattr(fh, "peek") else b""
        if head == b"\x7fELF":
            raise InputError(f"cannot read {name}: it is an ELF binary, not a build log")
        opened.append((name, fh))
    return opened


def _choose_format(fmt: str | None, output: str) -> OutputFormat:
    if fmt:
        return OutputFormat(fmt)
    if output != "-":
        return EXTENSIONS.get(Path(output).suffix.lower(), OutputFormat.TEXT)
    return OutputFormat.TEXT


def _use_color(choice: bool | None, output: str, fmt: OutputFormat) -> bool:
    if fmt is not OutputFormat.TEXT or output != "-":
        return False
    if choice is not None:
        return choice
    return "NO_COLOR" not in os.environ and sys.stdout.isatty()


@main.command(epilog=EPILOG)
@click.argument("logs", nargs=-1, metavar="[LOG]...")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice([f.value for f in OutputFormat]),
    help="Report format. Default: from the --output extension (.md, .html, .json), else text.",
)
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    metavar="PATH",
    help="Write the report here; '-' is standard output. A file is replaced only when complete.",
)
@click.option(
    "--fail-on",
    type=click.Choice([*SEVERITIES, "never"]),
    default=FAIL_ON_DEFAULT,
    show_default=True,
    help="Exit with 1 when a finding has this severity or higher. high: run-time dependencies on "
    "the host's glibc (NSS, dlopen); medium: also unsafe and stub functions; low: everything.",
)
@click.option(
    "--max-occurrences",
    type=click.IntRange(1, 100_000),
    default=50,
    show_default=True,
    help="Occurrences kept per function in the report; counts stay exact.",
)
@click.option(
    "--target",
    "targets",
    multiple=True,
    metavar="NAME",
    help="Also say whether a static glibc binary from this build starts and works on NAME, and "
    "which fix fits there: centos6, centos7, rhel8, rhel9, debian10..debian13, ubuntu18.04, "
    "ubuntu20.04, ubuntu22.04, ubuntu24.04, amazonlinux2, amazonlinux2023, alpine. Repeatable.",
)
@click.option(
    "--build-glibc",
    metavar="VERSION",
    callback=lambda ctx, param, value: _check_version(value),
    help="glibc version of the build host (ldd --version) when the log does not reveal it; it "
    "decides the minimum kernel compiled into a static binary.",
)
@click.option(
    "--binary",
    "binaries",
    multiple=True,
    metavar="PATH",
    help="Also inspect this ELF binary (the build's output) and merge what it shows into the "
    "report: it catches what lld, mold and rust-lld do not print. Repeatable.",
)
@click.option(
    "-p",
    "--pass-through",
    is_flag=True,
    help="Copy the log to standard output as it is read, byte for byte, then write the report "
    "(after the log, or to --output): the build output stays on screen in a pipe.",
)
@click.version_option(__version__, "--version", prog_name="cgowarn", message="%(prog)s %(version)s")
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour text output. Default: on a terminal, unless NO_COLOR is set.",
)
def analyze(
    logs: tuple[str, ...],
    fmt: str | None,
    output: str,
    fail_on: str,
    max_occurrences: int,
    targets: tuple[str, ...],
    build_glibc: str | None,
    binaries: tuple[str, ...],
    pass_through: bool,
    color: bool | None,
) -> None:
    """Find glibc's link-time warnings in build logs (files, or standard input when no LOG or '-'
    is given), group them by libc function, say what breaks at run time in a static binary and
    why, trace each to the code that pulled it in, and recommend the fix that removes it."""
    try:
        code = _run(
            logs,
            fmt,
            output,
            fail_on,
            max_occurrences,
            targets,
            build_glibc,
            color,
            binaries,
            echo=_stdout_echo() if pass_through else None,
        )
    except CgowarnError as exc:
        click.echo(f"cgowarn: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        # The reader of standard output has gone (`cgowarn -p build.log | head`): stop quietly,
        # as a tool killed by SIGPIPE would, without a second error when Python flushes at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(ExitCode.PIPE_CLOSED)
    sys.exit(code)


def _stdout_echo() -> Callable[[memoryview], None]:
    out = sys.stdout.buffer

    def echo(data: memoryview) -> None:
        out.write(data)
        out.flush()

    return echo


def _run(
    logs: tuple[str, ...],
    fmt_name: str | None,
    output: str,
    fail_on: str,
    max_occurrences: int,
    targets: tuple[str, ...],
    build_glibc: str | None,
    color: bool | None,
    binaries: tuple[str, ...] = (),
    read_stdin: bool = True,
    echo: Callable[[memoryview], None] | None = None,
) -> int:
    from cgowarn.output import write_output
    from cgowarn.pipeline import analyze as run_analysis
    from cgowarn.render import RenderOptions, render

    fmt = _choose_format(fmt_name, output)
    with ExitStack() as stack:
        sources = _open_inputs(stack, logs) if logs or read_stdin else []
        report = run_analysis(
            sources,
            max_occurrences=max_occurrences,
            targets=targets,
            build_glibc=build_glibc,
            binaries=binaries,
            echo=echo,
        )
    text = render(report, fmt, RenderOptions(color=_use_color(color, output, fmt)))
    write_output(text, output)
    return _exit_code(report, fail_on)


def _check_version(value: str | None) -> str | None:
    parts = value.split(".") if value is not None else []
    if value is not None and (len(parts) != 2 or not all(p.isdigit() for p in parts)):
        raise click.BadParameter(f"{value!r} is not a glibc version such as 2.17 or 2.36")
    return value


def _exit_code(report: Any, fail_on: str) -> int:
    if fail_on == "never":
        return ExitCode.OK
    threshold = SEVERITIES.index(fail_on)
    worst = [SEVERITIES.index(f.severity.value) for f in report.findings]
    return ExitCode.FINDINGS if worst and max(worst) >= threshold else ExitCode.OK


@main.command(
    epilog="""\b
Examples:
  cgowarn inspect ./app
  cgowarn inspect --target centos7 --format markdown ./app ./worker
  cgowarn build.log --binary ./app      # one report from the log and the binary
"""
)
@click.argument("binaries", nargs=-1, required=True, metavar="BINARY...")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice([f.value for f in OutputFormat]),
    help="Report format. Default: from the --output extension, else text.",
)
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    metavar="PATH",
    help="Write the report here; '-' is standard output.",
)
@click.option(
    "--fail-on",
    type=click.Choice([*SEVERITIES, "never"]),
    default=FAIL_ON_DEFAULT,
    show_default=True,
    help="Exit with 1 when a finding has this severity or higher.",
)
@click.option(
    "--target",
    "targets",
    multiple=True,
    metavar="NAME",
    help="Say whether the binary starts and works on NAME (see cgowarn --help). Repeatable.",
)
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour text output. Default: on a terminal, unless NO_COLOR is set.",
)
def inspect(
    binaries: tuple[str, ...],
    fmt: str | None,
    output: str,
    fail_on: str,
    targets: tuple[str, ...],
    color: bool | None,
) -> None:
    """Read ELF binaries without running them: static or dynamic, which C library, the minimum
    kernel (.note.ABI-tag, the cause of "FATAL: kernel too old"), the highest GLIBC_x.y a dynamic
    binary needs, the run-time footprint of a static glibc (NSS, dlopen, iconv, locales) and Go's
    embedded build settings."""
    try:
        code = _run((), fmt, output, fail_on, 50, targets, None, color, binaries, read_stdin=False)
    except CgowarnError as exc:
        click.echo(f"cgowarn: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    sys.exit(code)


@main.command()
@click.argument("symbol", required=False)
def explain(symbol: str | None) -> None:
    """Explain one glibc function's link warning (what breaks, why, where it comes from, how to fix
    it), or list every function cgowarn knows when no SYMBOL is given.

    \b
    Examples:
      cgowarn explain getaddrinfo
      cgowarn explain
    """
    from cgowarn.knowledge import load_knowledge
    from cgowarn.render.explain import explain_symbol, list_symbols

    try:
        kb = load_knowledge()
        click.echo(explain_symbol(kb, symbol) if symbol else list_symbols(kb), nl=False)
    except CgowarnError as exc:
        click.echo(f"cgowarn: error: {exc}", err=True)
        sys.exit(exc.exit_code)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the --format json report."""
    import json

    from cgowarn.model import Report

    click.echo(json.dumps(Report.model_json_schema(), indent=2, sort_keys=True))
