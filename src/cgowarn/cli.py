"""Command line: read options, call the pipeline, write the output, return an exit code.

Only click and the light modules (enums, formats, errors) are imported at start-up; the pipeline,
pydantic and jinja2 are imported when a command runs, so that --help and --version stay fast.
Every command runs inside one error boundary (`_boundary`), which turns every way a run can end
into a documented exit code and one line on standard error.
"""

# ruff: noqa: E402 - Ctrl-C is handled before click and the rest are imported (see below).

from __future__ import annotations

import contextlib
import os
import signal
import sys
from typing import Any

from cgowarn.errors import ExitCode


def _interrupted(signum: int, frame: Any) -> None:
    """SIGINT outside a command's own work: while Python imports cgowarn and click, while click
    reads the options, or after the report. One line and 130, never an import traceback or
    click's "Aborted!" and 1. (Inside a command, `_boundary` lets Ctrl-C raise KeyboardInterrupt,
    so that files being written are cleaned up, and maps it to the same line and code.)"""
    with contextlib.suppress(OSError):
        os.write(2, b"cgowarn: interrupted\n")
    raise SystemExit(ExitCode.INTERRUPTED)


def _started_as_cgowarn() -> bool:
    """Whether this process is cgowarn itself: the `cgowarn` console script, or `python -m
    cgowarn`; not a program (a test run) that imports the module."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    if spec is not None:
        return bool(spec.name == "cgowarn.__main__")
    return os.path.basename(sys.argv[0] if sys.argv else "") == "cgowarn"


def _set_sigint(handler: Any) -> Any:
    """Install `handler` for SIGINT and return the previous one; None where that is not possible
    (not the main thread)."""
    try:
        return signal.signal(signal.SIGINT, handler)
    except ValueError:
        return None


# Whether cgowarn was started with Ctrl-C ignored (a background job of a non-interactive shell):
# `cgowarn run` starts the build the same way. Taken before the line below replaces the handler.
SIGINT_IGNORED_AT_START = signal.getsignal(signal.SIGINT) is signal.SIG_IGN

# The console script imports this module before it calls main(): importing click and the rest
# takes long enough (tens of milliseconds) for a Ctrl-C to land in it.
if _started_as_cgowarn():
    _set_sigint(_interrupted)

import dataclasses
import functools
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, TypeVar

import click

from cgowarn import __version__
from cgowarn.enums import Severity
from cgowarn.errors import CgowarnError, InputError, OutputError, UsageError
from cgowarn.formats import EXTENSIONS, FORMAT_NAMES, LOCATED, PROJECT_URL, OutputFormat

if TYPE_CHECKING:
    from cgowarn.config import SuppressRule
    from cgowarn.model import Report
    from cgowarn.pipeline import AnalysisOptions
    from cgowarn.policy import BaselineDocument

F = TypeVar("F", bound=Callable[..., Any])

NEVER = "never"
FAIL_ON_CHOICES = (*(s.value for s in Severity), NEVER)
FAIL_ON_DEFAULT = Severity.HIGH.value
STDERR = "/dev/stderr"
"""Where `cgowarn run` writes its report when no --output is given."""
BUG_REPORTS = f"{PROJECT_URL}/issues"

EXIT_CODES = f"""\b
Exit codes:
  {ExitCode.OK:<4} nothing at or above --fail-on (with --baseline: nothing new)
  {ExitCode.FINDINGS:<4} at least one finding at or above --fail-on (with --baseline: a new
       one; suppressed findings never count), or a run-time failure ("FATAL: kernel
       too old", "GLIBC_x.y not found", a crash) or Go's "loadinternal: cannot find
       runtime/cgo" in the log (not with --fail-on never)
  {ExitCode.USAGE:<4} usage error, unreadable input (closed standard input, an empty path),
       --output naming an input, an invalid configuration file (.cgowarn.toml,
       [tool.cgowarn], --config) or baseline file, or invalid knowledge base
  {ExitCode.OUTPUT:<4} the report could not be written (standard output closed from the start,
       a directory or a block device given to --output)
  {ExitCode.INTERNAL:<4} internal error (a bug: please report it)
  {ExitCode.API:<4} cgowarn comment: the GitHub or GitLab API refused or failed a request (bad
       token, missing permission, unknown pull request, rate limited too long)
  {ExitCode.INTERRUPTED:<4} interrupted (Ctrl-C)
  {ExitCode.PIPE_CLOSED:<4} standard output closed early (e.g. by `| head`)
"""

EPILOG = (
    """\b
Examples:
  go build -ldflags '-linkmode external -extldflags "-static"' 2>&1 | cgowarn
  cgowarn build.log
  cgowarn --format html -o report.html build.log
  cgowarn --format markdown build.log > comment.md
  cgowarn --format json build.log | jq '.findings[].symbol'
  cgowarn -o cgowarn.sarif -o gitlab:gl-code-quality-report.json -o junit.xml build.log
  cgowarn --format github --summary build.log     # GitHub annotations and job summary
  cgowarn --fail-on medium build.log || echo "static-link problems"
  make 2>&1 | cgowarn --pass-through -o report.md    # build output on screen, report in a file
  cgowarn baseline -o cgowarn-baseline.json build.log   # record today's findings
  cgowarn --baseline cgowarn-baseline.json build.log   # then fail only on new ones

"""
    + EXIT_CODES
    + """
\b
Environment:
  NO_COLOR            no colour in text output when set and not empty; TERM=dumb too
  GITHUB_TOKEN, GH_TOKEN, GITLAB_TOKEN, CI_JOB_TOKEN, ACTIONS_RUNTIME_TOKEN,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN
                      their values (8 characters or more) are masked as *** in every
                      report, message and --pass-through copy, in every encoding
"""
)


# --- the error boundary ---------------------------------------------------------------------------


def _silence_stdout() -> None:
    """Point standard output at /dev/null, so that Python's flush at exit cannot fail again."""
    if sys.stdout is None:
        return
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@contextlib.contextmanager
def _interruptible() -> Iterator[None]:
    """Within: Ctrl-C raises KeyboardInterrupt (so that `with` and `finally` clean up, e.g. a
    report's temporary file); outside, `_interrupted` ends the run."""
    previous = _set_sigint(signal.default_int_handler)
    try:
        yield
    finally:
        if previous is not None:
            _set_sigint(previous)


def _boundary(fn: F) -> F:
    """Run a command and map how it ends to an exit code: its own return value, a CgowarnError
    (its code, one line), a closed pipe (141), Ctrl-C (130), a failed write to standard output
    (3), or anything else, which is a bug (4, one line asking for a report; --debug shows the
    traceback)."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> None:
        debug = bool(kwargs.pop("debug", False))
        from cgowarn import secrets

        secrets.install_from_environ()
        try:
            with _interruptible():
                code = fn(*args, **kwargs)
        except CgowarnError as exc:
            secrets.current().exception(exc)
            _fail(f"error: {exc}", exc.exit_code, debug)
        except BrokenPipeError:
            # The reader of standard output has gone (`cgowarn -p build.log | head`): stop
            # quietly, as a tool killed by SIGPIPE would.
            _silence_stdout()
            sys.exit(ExitCode.PIPE_CLOSED)
        except KeyboardInterrupt:
            _fail("interrupted", ExitCode.INTERRUPTED, debug)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except Exception as exc:  # the one place where anything unexpected ends up
            secrets.current().exception(exc)
            _fail(*describe_error(exc), debug)
        sys.exit(code or ExitCode.OK)

    return run  # type: ignore[return-value]


def describe_error(exc: BaseException) -> tuple[str, ExitCode]:
    """The one line (after "cgowarn: ") and the exit code for an exception that ended a command."""
    if isinstance(exc, CgowarnError):
        return f"error: {exc}", exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted", ExitCode.INTERRUPTED
    return (
        f"internal error: {type(exc).__name__}: {exc}. This is a bug in cgowarn "
        f"{__version__}; please report it at {BUG_REPORTS} (run again with --debug "
        "for the traceback).",
        ExitCode.INTERNAL,
    )


def _fail(message: str, code: ExitCode, debug: bool) -> None:
    from cgowarn import secrets
    from cgowarn.render.safety import visible

    if debug:
        exc = sys.exc_info()[1]
        if exc is not None:
            lines = secrets.current().traceback(exc).splitlines()
            with contextlib.suppress(OSError, ValueError):
                sys.stderr.write("".join(visible(line) + "\n" for line in lines))
    with contextlib.suppress(OSError, ValueError):
        click.echo(f"cgowarn: {shown_line(message)}", err=True)
    if code is ExitCode.OUTPUT:
        _silence_stdout()
    sys.exit(code)


# --- the command group ----------------------------------------------------------------------------


class DefaultGroup(click.Group):
    """`cgowarn [OPTIONS] [LOG]...` runs `analyze`; other words name a subcommand."""

    default_command = "analyze"

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """The console script's entry point (and CliRunner's): from here on, Ctrl-C anywhere
        outside a command's own work is one line and 130 (`_interrupted`), never click's
        "Aborted!"."""
        _reserve_standard_descriptors()
        previous = _set_sigint(_interrupted)
        try:
            return super().main(*args, **kwargs)
        finally:
            if previous is not None:
                _set_sigint(previous)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        implied = not args or (
            args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")
        )
        ctx.meta["cgowarn.implied"] = implied
        if implied:
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            # `cgowarn --bogus` is a mistake in `cgowarn`, not in a subcommand the user never
            # typed: show cgowarn's usage and point at `cgowarn --help`.
            if ctx.meta.get("cgowarn.implied") and exc.ctx is not None and exc.ctx.parent is ctx:
                command = self.commands[self.default_command]
                exc.ctx = click.Context(
                    command, info_name=ctx.info_name, help_option_names=["-h", "--help"]
                )
            raise

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


# --- options shared by analyze and inspect --------------------------------------------------------


def distribution_ids() -> list[str]:
    """The --target names, read from patterns/platforms.toml (cheaply: no validation, no pydantic;
    a broken file is reported when a command loads the knowledge base)."""
    import tomllib

    from cgowarn.resources import data_dir

    try:
        data = tomllib.loads(data_dir("patterns").joinpath("platforms.toml").read_text("utf-8"))
        return [str(d["id"]) for d in data.get("distribution", ())]
    except (OSError, ValueError, KeyError, TypeError):
        return []


class TargetOption(click.Option):
    """--target, whose help lists the distributions the knowledge base knows, read only when the
    help is shown."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        self.help = (
            "Also say whether a binary from this build starts and works on NAME, and which fix "
            f"fits there: {', '.join(distribution_ids())}. Repeatable."
        )
        return super().get_help_record(ctx)


@dataclass(frozen=True)
class OutputSpec:
    """One report to write: its format and where it goes."""

    fmt: OutputFormat
    path: str
    """'-' for standard output, else a path."""


@dataclass(frozen=True)
class ReportOptions:
    """How a command presents and judges its report: the command line's options over the
    configuration file's keys."""

    outputs: tuple[OutputSpec, ...]
    """Every report to write, in the order given; at least one."""
    fail_on: str
    """A severity, or 'never'."""
    color: bool
    """Colour for text on standard output."""
    targets: tuple[str, ...] = ()
    """Distribution ids to give a verdict for (--target, else the configuration's `target`)."""
    suppress: tuple[SuppressRule, ...] = ()
    """The configuration's suppression rules, in file order."""
    config_file: str = ""
    """The configuration file the settings came from; empty without one."""
    baseline: str | None = None
    """The baseline file to compare with (--baseline, else the configuration's `baseline`)."""
    repo_root: str | None = None
    """--repo-root, absolute; None: found when a format needs it (`repository_root`)."""
    summary: bool = False
    """--summary: also append the Markdown report to $GITHUB_STEP_SUMMARY."""
    details: bool = False
    """--details: the long text form."""

    @classmethod
    def from_cli(
        cls,
        fmt: str | None,
        outputs: Sequence[str],
        fail_on: str,
        color: bool | None,
        targets: Sequence[str] = (),
        config: str | None = None,
        no_config: bool = False,
        baseline: str | None = None,
        repo_root: str | None = None,
        summary: bool = False,
        details: bool = False,
    ) -> ReportOptions:
        """The options as given, with the configuration file (--config PATH, else the one found
        from the current directory up, unless --no-config) filling in every option the command
        line left at its default. --format and --output are one choice, where the report goes:
        either of them on the command line overrides both `format` and `output` of the file."""
        from cgowarn.config import load

        if config is not None and no_config:
            raise UsageError("--config and --no-config exclude each other: give one")
        settings = load(config, enabled=not no_config)
        given = settings.values
        ctx = click.get_current_context(silent=True)

        def explicit(name: str) -> bool:
            if ctx is None:
                return True
            return ctx.get_parameter_source(name) not in (
                click.core.ParameterSource.DEFAULT,
                click.core.ParameterSource.DEFAULT_MAP,
                None,
            )

        if not (explicit("fmt") or explicit("outputs")):
            fmt = given.format.value if given.format is not None else fmt
            outputs = given.output if given.output is not None else outputs
        if not explicit("fail_on") and given.fail_on is not None:
            fail_on = given.fail_on
        known = distribution_ids()
        if not explicit("targets") and given.target is not None:
            unknown = [t for t in given.target if known and t not in known]
            if unknown:
                from cgowarn.errors import ConfigError

                raise ConfigError(
                    f"{settings.file}: key 'target': unknown distribution {unknown[0]!r}; "
                    f"known: {', '.join(known)}"
                )
            targets = given.target
        # Checked before anything runs (`cgowarn run` would otherwise build first).
        for name in targets:
            if known and name not in known:
                raise UsageError(f"unknown --target {name!r}; known: {', '.join(known)}")
        if baseline is None:
            baseline = settings.baseline
        specs = parse_outputs(fmt, outputs)
        to_terminal = any(s.fmt is OutputFormat.TEXT and s.path == "-" for s in specs)
        return cls(
            specs,
            fail_on,
            to_terminal and _use_color(color),
            targets=tuple(targets),
            suppress=given.suppress,
            config_file=settings.file,
            baseline=baseline,
            repo_root=os.path.abspath(repo_root) if repo_root else None,
            summary=summary,
            details=details,
        )

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> ReportOptions:
        """from_cli with the values of the `report_options` options, as click passes them."""
        return cls.from_cli(
            params["fmt"],
            params["outputs"],
            params["fail_on"],
            params["color"],
            targets=params["targets"],
            config=params["config"],
            no_config=params["no_config"],
            baseline=params["baseline"],
            repo_root=params["repo_root"],
            summary=params["summary"],
            details=params["details"],
        )

    @property
    def paths(self) -> tuple[str, ...]:
        """Where reports go: every --output, and the job summary's file with --summary."""
        summary = os.environ.get(STEP_SUMMARY, "") if self.summary else ""
        return tuple(s.path for s in self.outputs) + ((summary,) if summary else ())

    def read_files(self, analysis: AnalysisOptions | None = None) -> list[tuple[str, str]]:
        """The files besides logs and binaries that the run reads, which no report may replace:
        the baseline, the configuration, and the go module's go.mod and go.sum."""
        files = []
        if self.baseline is not None:
            files.append((f"the baseline {self.baseline}", self.baseline))
        if self.config_file:
            files.append((f"the configuration {self.config_file}", self.config_file))
        return files + _module_files(analysis)

    def read_baseline(self) -> BaselineDocument | None:
        """The baseline file, read and checked (BaselineError: exit 2); None without one."""
        if self.baseline is None:
            return None
        from cgowarn.policy import load_baseline

        return load_baseline(self.baseline)

    def apply_policy(self, report: Report, baseline: BaselineDocument | None) -> Report:
        """The report with the suppression rules applied, then compared with the baseline."""
        from cgowarn.policy import compare, suppress

        report = suppress(report, self.suppress, self.config_file)
        if baseline is not None and self.baseline is not None:
            report = compare(report, baseline, self.baseline)
        return report

    def exit_code(self, report: Report) -> ExitCode:
        """FINDINGS when a finding is at or above --fail-on (with a baseline: a new one), or when
        the report holds a diagnostic that the knowledge base marks as a gate (the program failed
        or will fail at run time: "FATAL: kernel too old", a crash, Go's loadinternal); else OK.
        'never': always OK. Suppressed findings are no longer in the report."""
        return ExitCode.FINDINGS if self.gate_failures(report) else ExitCode.OK

    def gate_failures(self, report: Report) -> str:
        """Why the gate fails, in a few words ("7 high findings (dlopen, getpwnam_r, …)", with a
        baseline "1 new high finding (getpwnam_r)"); empty when it passes. Findings that the
        baseline records do not count; run-time failures in the log always do."""
        if self.fail_on == NEVER:
            return ""
        reasons = []
        if report.summary.failures:
            kinds = dict.fromkeys(d.title for d in report.diagnostics if d.failure)
            reasons.append(
                f"{_count(report.summary.failures, 'run-time failure')} in the log"
                + (f" ({_first(kinds)})" if kinds else "")
            )
        threshold = Severity(self.fail_on)
        failing = [f for f in report.findings if f.fails_gate(threshold)]
        if failing:
            level = {"high": "high ", "medium": "medium-or-high ", "low": ""}[self.fail_on]
            new = "new " if report.baseline is not None else ""
            reasons.append(
                f"{_count(len(failing), f'{new}{level}finding')} "
                f"({_first(f.symbol for f in failing)})"
            )
        if reasons and report.baseline is not None:
            reasons.append(f"baseline: {report.baseline.file}")
        return "; ".join(reasons)


def _module_files(analysis: AnalysisOptions | None) -> list[tuple[str, str]]:
    """--go-module's go.mod, go.sum and go.work: read by `go list`, never written."""
    if analysis is None or analysis.go_module is None:
        return []
    paths = (os.path.join(analysis.go_module, n) for n in ("go.mod", "go.sum", "go.work"))
    return [(f"the module's {path}", path) for path in paths]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _first(names: Iterable[str], shown: int = 3) -> str:
    items = list(dict.fromkeys(names))
    return ", ".join(items[:shown]) + (", …" if len(items) > shown else "")


def parse_outputs(fmt: str | None, outputs: Sequence[str]) -> tuple[OutputSpec, ...]:
    """The reports asked for. Each --output is `PATH` or `FORMAT:PATH`; its format is the prefix,
    else --format when there is one output, else the extension (.md, .html, .json, .sarif, ...),
    else --format, else text. No --output: one report on standard output, in --format or text."""
    default = OutputFormat(fmt) if fmt else None
    if not outputs:
        return (OutputSpec(default or OutputFormat.TEXT, "-"),)
    specs: list[OutputSpec] = []
    for spec in outputs:
        prefix, colon, rest = spec.partition(":")
        if colon and prefix.lower() in FORMAT_NAMES:
            chosen, path = OutputFormat(prefix.lower()), rest
        elif default is not None and len(outputs) == 1:
            chosen, path = default, spec
        else:
            path = spec
            ext = EXTENSIONS.get(Path(spec).suffix.lower()) if spec != "-" else None
            chosen = ext or default or OutputFormat.TEXT
        if not path:
            named = f" {spec!r}" if spec else ""
            raise UsageError(
                f"--output{named}: the path is empty; give a file, or - for standard output"
            )
        specs.append(OutputSpec(chosen, path))
    seen: set[str] = set()
    for s in specs:
        key = s.path if s.path == "-" else os.path.abspath(s.path)
        if key in seen:
            raise UsageError(f"--output {s.path} is given twice: one report per destination")
        seen.add(key)
    return tuple(specs)


def config_options(fn: F) -> F:
    """--config and --no-config: which configuration file applies (see cgowarn.config)."""
    decorators = [
        click.option(
            "--config",
            metavar="PATH",
            help="Read the configuration from this file (.cgowarn.toml keys, or [tool.cgowarn] "
            "of a pyproject.toml). Default: .cgowarn.toml, else pyproject.toml with "
            "[tool.cgowarn], in the current directory or a parent up to the repository root. "
            "Options given on the command line win over it.",
        ),
        click.option("--no-config", is_flag=True, help="Read no configuration file."),
    ]
    for decorator in reversed(decorators):
        fn = decorator(fn)
    return fn


def report_options(fn: F) -> F:
    """The options analyze and inspect share: --format, --output, --fail-on, --target,
    --baseline, --config, --no-config, --repo-root, --summary, --color, --debug;
    ReportOptions.from_cli reads them together with the configuration file."""
    decorators = [
        click.option(
            "-f",
            "--format",
            "fmt",
            type=click.Choice([f.value for f in OutputFormat]),
            help="Report format: of standard output, of a single --output, or of an --output "
            "whose extension names no format. Default: from the --output extension "
            f"({', '.join(sorted(EXTENSIONS))}), else text.",
        ),
        click.option(
            "-o",
            "--output",
            "outputs",
            multiple=True,
            metavar="[FORMAT:]PATH",
            help="Write a report here; '-' is standard output (the default). Repeatable: one "
            "run writes every report asked for (-o report.html -o sarif:cgowarn.sarif). The "
            "format comes from FORMAT:, else the extension (github and gitlab have none: "
            "-o gitlab:gl-code-quality-report.json). A file is replaced only when "
            "complete; through a symbolic link, the file it points to is. A device or FIFO "
            "(/dev/null, /dev/stdout) is written to, never replaced. Never an input.",
        ),
        click.option(
            "--fail-on",
            type=click.Choice(FAIL_ON_CHOICES),
            default=FAIL_ON_DEFAULT,
            show_default=True,
            help="Exit with 1 when a finding has this severity or higher. high: run-time "
            "dependencies on the host's glibc (NSS, dlopen); medium: also unsafe and stub "
            "functions; low: everything. A run-time failure in the log (FATAL: kernel too old, "
            "GLIBC_x.y not found, a crash) or Go's loadinternal error exits with 1 at every "
            "level but never.",
        ),
        click.option("--target", "targets", multiple=True, metavar="NAME", cls=TargetOption),
        click.option(
            "--baseline",
            metavar="FILE",
            help="Compare with this baseline (made by `cgowarn baseline`): every finding is "
            "marked new or unchanged, the baseline's findings no longer seen are listed as "
            "fixed, and --fail-on counts only new findings.",
        ),
        click.option(
            "--repo-root",
            metavar="DIR",
            type=click.Path(exists=True, file_okay=False),
            help="The repository root, to which SARIF, github, gitlab and rdjsonl locations are "
            "relative. Default: `git rev-parse --show-toplevel` run here, else the current "
            "directory.",
        ),
        click.option(
            "--summary",
            is_flag=True,
            help="Also append the Markdown report to the file $GITHUB_STEP_SUMMARY names (the "
            "GitHub Actions job summary); when it is not set, say so on standard error.",
        ),
        click.option(
            "--details",
            is_flag=True,
            help="Text: every section in full (where each function comes from, what breaks, "
            "what each fix costs, the other linker messages). Default: the answer, the table "
            "of functions and one line per fix.",
        ),
        config_options,
        click.option(
            "--color/--no-color",
            default=None,
            help="Colour text output. Default: on a terminal, unless NO_COLOR is set (and not "
            "empty) or TERM is dumb.",
        ),
        click.option(
            "--debug",
            is_flag=True,
            help="On an internal error, print the traceback.",
        ),
    ]
    for decorator in reversed(decorators):
        fn = decorator(fn)
    return fn


FILE_WIDTH = 100
"""Text written to a file, or piped, is wrapped at this width: it does not depend on the terminal
that happened to run the command."""


def text_width() -> int:
    """The width to wrap text on standard output at: COLUMNS when set (as shells export it), else
    the terminal's width when standard output is one, else FILE_WIDTH."""
    import shutil

    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    stream = sys.stdout
    if stream is not None and stream.isatty():
        return shutil.get_terminal_size((FILE_WIDTH, 24)).columns
    return FILE_WIDTH


def _use_color(choice: bool | None, stream: IO[str] | None = None) -> bool:
    """Colour (for text on standard output, or on `stream`): as asked (--color/--no-color), else
    on a terminal unless NO_COLOR is set and not empty (https://no-color.org) or TERM is dumb."""
    if choice is not None:
        return choice
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    stream = stream or sys.stdout
    return stream is not None and stream.isatty()


def _check_go_version(value: str | None) -> str | None:
    if value is None:
        return None
    parts = value.removeprefix("go").split(".")
    if len(parts) < 2 or not all(p.isdigit() for p in parts):
        raise click.BadParameter(f"{value!r} is not a Go release such as 1.19 or go1.22.5")
    return ".".join(parts[:2])


def _check_version(value: str | None) -> str | None:
    parts = value.split(".") if value is not None else []
    if value is not None and (len(parts) != 2 or not all(p.isdigit() for p in parts)):
        raise click.BadParameter(f"{value!r} is not a glibc version such as 2.17 or 2.36")
    return value


# --- running a report -----------------------------------------------------------------------------


def _reserve_standard_descriptors() -> None:
    """Open /dev/null on standard input, output or error if the process started with it closed
    (`cgowarn <&-`): otherwise the next file cgowarn opens would get its number, and a write
    meant for the terminal could land in it. sys.stdin/stdout/stderr stay None, which is how the
    commands know that it was closed."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                null = os.open(os.devnull, os.O_RDWR)
            except OSError:
                return
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


def _check_paths(
    outputs: Sequence[str],
    logs: Sequence[str],
    binaries: Sequence[str],
    stdin_read: bool,
    echo: bool,
    read: Sequence[tuple[str, str]] = (),
) -> None:
    """Before anything is read: no empty path, no pipe to inspect, and nothing written into an
    input (output.refuse_inputs): not a log, a binary, standard input, nor the other files the run
    reads (`read`: the baseline, the configuration, go.mod)."""
    from cgowarn.output import refuse_inputs

    for name in logs:
        if not name:
            raise InputError("cannot read a LOG argument: the path is empty")
    for name in binaries:
        if not name:
            raise InputError("cannot read a BINARY argument: the path is empty")
        with contextlib.suppress(OSError):  # a missing file is reported when it is read
            mode = os.stat(name).st_mode
            if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
                raise InputError(f"cannot inspect {name}: it is a pipe, not a file")
    inputs = [
        *((f"the input {name}", name) for name in (*logs, *binaries) if name != "-"),
        *read,
    ]
    written = list(outputs) + (["-"] if echo and "-" not in outputs else [])
    refuse_inputs(written, inputs, stdin_read and sys.stdin is not None)


def _open_inputs(stack: ExitStack, logs: tuple[str, ...]) -> list[tuple[str, IO[bytes]]]:
    opened: list[tuple[str, IO[bytes]]] = []
    for name in logs or ("-",):
        if name == "-":
            if sys.stdin is None:  # started with standard input closed (`cgowarn <&-`)
                raise InputError(
                    "cannot read standard input: it is closed; give a LOG file, or pipe a log in"
                )
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
        except ValueError:
            raise InputError(f"cannot read {name}: the path holds a NUL byte") from None
        head = fh.peek(4)[:4] if hasattr(fh, "peek") else b""
        if head == b"\x7fELF":
            raise InputError(f"cannot read {name}: it is an ELF binary, not a build log")
        opened.append((name, fh))
    return opened


def _report(logs: tuple[str, ...] | None, analysis: AnalysisOptions, options: ReportOptions) -> int:
    """Analyse, apply the policy, render, write every report; the exit code, and on a failed gate
    one line on standard error that says why and where the report is. `logs` None: no log at all
    (inspect)."""
    baseline = options.read_baseline()  # before the analysis: a bad baseline fails at once
    report = _analyse(logs, analysis, options.paths, options.read_files(analysis))
    report = options.apply_policy(report, baseline)
    write_reports(report, options)
    return _gate(report, options)


def _gate(report: Report, options: ReportOptions) -> ExitCode:
    """The gate's exit code; when it fails, one line on standard error that says why and where
    the report is."""
    reason = options.gate_failures(report)
    if reason:
        names = {"-": "standard output", STDERR: "standard error"}
        where = ", ".join(names.get(p, p) for p in options.paths)
        _note(f"--fail-on {options.fail_on}: {reason}" + (f"; report: {where}" if where else ""))
    return ExitCode.FINDINGS if reason else ExitCode.OK


def _analyse(
    logs: tuple[str, ...] | None,
    analysis: AnalysisOptions,
    paths: Sequence[str],
    read: Sequence[tuple[str, str]] = (),
) -> Report:
    """Check that nothing is written into an input, read the logs and binaries, and return the
    report of the analysis; `paths` are where the output goes, `read` the other files the run
    reads ((what, path))."""
    from cgowarn.pipeline import analyze as run_analysis

    reads_stdin = logs is not None and (not logs or "-" in logs)
    echo = analysis.echo is not None
    _check_paths(paths, logs or (), analysis.binaries, reads_stdin, echo, read)
    if "-" in paths and sys.stdout is None:
        raise OutputError("cannot write to standard output: it is closed")
    with ExitStack() as stack:
        sources = _open_inputs(stack, logs) if logs is not None else []
        try:
            report = run_analysis(sources, analysis)
        except (CgowarnError, Exception) as exc:
            if analysis.echo is not None and not isinstance(exc, OutputError | BrokenPipeError):
                _pass_the_rest(sources, analysis)
            raise
    if logs is not None and not analysis.binaries and not any(s.bytes for s in report.sources):
        _note(report.notes[0])  # the knowledge base's word for an empty input
    return report


def _pass_the_rest(sources: Sequence[tuple[str, IO[bytes]]], analysis: AnalysisOptions) -> None:
    """--pass-through when the analysis failed part way: what it had not read yet still goes to
    standard output (masked as the rest was), so that none of the build's output is lost."""
    from cgowarn.secrets import RedactingReader

    echo = analysis.echo
    assert echo is not None
    with contextlib.suppress(OSError, ValueError, CgowarnError):
        for _, stream in sources:
            reader: IO[bytes] = stream
            if analysis.redactor:
                reader = RedactingReader(stream, analysis.redactor)  # type: ignore[assignment]
            while chunk := reader.read(1 << 20):
                echo(memoryview(chunk))


def write_reports(report: Report, options: ReportOptions) -> None:
    """Render and write every report asked for: each file complete or not at all. All are rendered
    before the first is written, so that a rendering error writes none."""
    from cgowarn.output import write_output
    from cgowarn.render import RenderOptions, render

    repo_root = options.repo_root
    if repo_root is None and any(spec.fmt in LOCATED for spec in options.outputs):
        repo_root = repository_root()
    fail_on = None if options.fail_on == NEVER else Severity(options.fail_on)
    texts = [
        render(
            report,
            spec.fmt,
            RenderOptions(
                color=options.color and spec.path in ("-", STDERR),
                width=text_width() if spec.path in ("-", STDERR) else FILE_WIDTH,
                details=options.details,
                fail_on=fail_on,
                repo_root=repo_root,
            ),
        )
        for spec in options.outputs
    ]
    summary = render(report, OutputFormat.MARKDOWN) if options.summary else None
    for spec, text in zip(options.outputs, texts, strict=True):
        write_output(
            text, spec.path, for_terminal=spec.fmt is OutputFormat.TEXT and spec.path == "-"
        )
    if summary is not None:
        append_step_summary(summary)


def repository_root() -> str | None:
    """The repository around the current directory (`git rev-parse --show-toplevel`), else the
    current directory; None when there is no current directory. A missing or failing git is no
    error: the current directory is the root then."""
    import subprocess

    try:
        proc = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        top = proc.stdout.strip()
        if proc.returncode == 0 and top and os.path.isdir(top):
            return os.path.abspath(top)
    except (OSError, ValueError, subprocess.SubprocessError):
        pass
    try:
        return os.getcwd()
    except OSError:
        return None


STEP_SUMMARY = "GITHUB_STEP_SUMMARY"


def append_step_summary(markdown: str) -> None:
    """Append the Markdown report to the job summary file GitHub Actions names in
    $GITHUB_STEP_SUMMARY (GitHub allows 1 MiB per step; the Markdown report holds at most 60,000
    characters). Not set: one line on standard error, and the exit code does not change."""
    path = os.environ.get(STEP_SUMMARY)
    if not path:
        _note(
            f"--summary: ${STEP_SUMMARY} is not set (not a GitHub Actions step); no summary written"
        )
        return
    from cgowarn import secrets
    from cgowarn.output import append_whole

    try:
        append_whole(path, secrets.scrub(markdown if markdown.endswith("\n") else markdown + "\n"))
    except OSError as exc:
        raise OutputError(
            f"cannot append the summary to ${STEP_SUMMARY} ({path}): {exc.strerror or exc}"
        ) from exc


def _note(message: str) -> None:
    """One line for the user on standard error (never in a report)."""
    with contextlib.suppress(OSError, ValueError):
        click.echo(f"cgowarn: {shown_line(message)}", err=True)


MAX_MESSAGE = 1000
"""Characters of one message line on standard error: a 50 MB value quoted in an error is cut."""


def shown_line(message: str) -> str:
    """A message as it may reach a terminal or a CI log: no secret, no control or bidi character
    (written as <U+XXXX>, so no escape sequence acts), one line, at most MAX_MESSAGE characters."""
    from cgowarn import secrets
    from cgowarn.render.safety import visible

    text = visible(secrets.scrub(message))
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def _stdout_echo() -> Callable[[memoryview], None]:
    if sys.stdout is None:  # started with standard output closed (`cgowarn -p >&-`)
        raise OutputError("cannot write to standard output: it is closed")
    out = sys.stdout.buffer

    def echo(data: memoryview) -> None:
        try:
            out.write(data)
            out.flush()
        except BrokenPipeError:
            raise  # the reader went away (`| head`): 141, as for any write to standard output
        except OSError as exc:
            raise OutputError(
                f"cannot write to standard output: {exc.strerror or exc} (--pass-through)"
            ) from None

    return echo


def analysis_options(fn: F) -> F:
    """The options of an analysis that analyze, baseline and run share: what to read besides the
    log, and how (--max-occurrences, --build-glibc, --go-version, --go-module, --binary);
    `analysis_from_cli` turns them into AnalysisOptions."""
    decorators = [
        click.option(
            "--max-occurrences",
            type=click.IntRange(1, 100_000),
            default=50,
            show_default=True,
            help="Occurrences kept per function in the report; counts stay exact.",
        ),
        click.option(
            "--build-glibc",
            metavar="VERSION",
            callback=lambda ctx, param, value: _check_version(value),
            help="glibc version of the build host (ldd --version) when the log does not reveal it; it "
            "decides the minimum kernel compiled into a static binary.",
        ),
        click.option(
            "--go-version",
            metavar="VERSION",
            callback=lambda ctx, param, value: _check_go_version(value),
            help="The Go release of the build (go version) when the log does not show it; it decides "
            "which build command is safe (e.g. 1.19).",
        ),
        click.option(
            "--go-module",
            metavar="DIR",
            type=click.Path(file_okay=False),
            help="Run `go list` (offline) in this Go module to find which packages use cgo and which "
            "import chain pulls in os/user, net and go-sqlite3; the advice then knows whether cgo is "
            "still needed. Runs the go tool on PATH.",
        ),
        click.option(
            "--binary",
            "binaries",
            multiple=True,
            metavar="PATH",
            help="Also inspect this ELF binary (the build's output) and merge what it shows into the "
            "report: it catches what lld, mold and rust-lld do not print. Repeatable.",
        ),
    ]
    for decorator in reversed(decorators):
        fn = decorator(fn)
    return fn


def analysis_from_cli(
    max_occurrences: int,
    build_glibc: str | None,
    go_version: str | None,
    go_module: str | None,
    binaries: tuple[str, ...],
    pass_through: bool,
    targets: Sequence[str] = (),
) -> AnalysisOptions:
    """The AnalysisOptions of the `analysis_options` values."""
    from cgowarn import secrets
    from cgowarn.pipeline import AnalysisOptions

    return AnalysisOptions(
        redactor=secrets.current(),
        max_occurrences=max_occurrences,
        targets=targets,
        build_glibc=build_glibc,
        go_version=go_version,
        go_module=go_module,
        binaries=binaries,
        echo=_stdout_echo() if pass_through else None,
    )


def analysis_from_params(params: Mapping[str, Any], targets: Sequence[str] = ()) -> AnalysisOptions:
    """analysis_from_cli with the values of `analysis_options` (and --pass-through, where the
    command has it), as click passes them."""
    return analysis_from_cli(
        params["max_occurrences"],
        params["build_glibc"],
        params["go_version"],
        params["go_module"],
        params["binaries"],
        params.get("pass_through", False),
        targets,
    )


def pass_through_option(fn: F) -> F:
    """-p/--pass-through, for the commands that read a log (analyze, baseline)."""
    return click.option(
        "-p",
        "--pass-through",
        is_flag=True,
        help="Copy the log to standard output as it is read, byte for byte, then write the report "
        "(after the log, or to --output): the build output stays on screen in a pipe.",
    )(fn)


@main.command(epilog=EPILOG)
@click.argument("logs", nargs=-1, metavar="[LOG]...")
@report_options
@analysis_options
@pass_through_option
@click.version_option(__version__, "--version", prog_name="cgowarn", message="%(prog)s %(version)s")
@_boundary
def analyze(logs: tuple[str, ...], **params: Any) -> int:
    """Find glibc's link-time warnings in build logs (files, or standard input when no LOG or '-'
    is given), group them by libc function, say what breaks at run time in a static binary and
    why, trace each to the code that pulled it in, and recommend the fix that removes it."""
    options = ReportOptions.from_params(params)
    return _report(logs, analysis_from_params(params, options.targets), options)


@main.command(
    name="baseline",
    short_help="Record today's findings, so that later runs fail only on new ones.",
    epilog="""\b
Examples:
  go build ... 2>&1 | cgowarn baseline -o cgowarn-baseline.json
  cgowarn baseline -o cgowarn-baseline.json build.log
  cgowarn --baseline cgowarn-baseline.json build.log   # later: only new findings fail

"""
    + EXIT_CODES,
)
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
@analysis_options
@pass_through_option
@click.option("--debug", is_flag=True, help="On an internal error, print the traceback.")
@_boundary
def record_baseline(
    logs: tuple[str, ...],
    output: str,
    config: str | None,
    no_config: bool,
    **params: Any,
) -> int:
    """Record today's findings (after the configuration's suppressions) as a baseline: a small
    JSON file of their fingerprints, which survive temporary paths, line numbers and counts. With
    --baseline FILE, analyze then marks each finding new or unchanged, lists what was fixed, and
    fails only on new findings. Reads the same logs and options as analyze."""
    from cgowarn.config import load
    from cgowarn.output import write_output
    from cgowarn.policy import baseline_json, suppress

    if config is not None and no_config:
        raise UsageError("--config and --no-config exclude each other: give one")
    if params["pass_through"] and output == "-":
        raise UsageError(
            "--pass-through copies the log to standard output: write the baseline to a file "
            "with -o PATH"
        )
    settings = load(config, enabled=not no_config)
    analysis = analysis_from_params(params)
    read = [(f"the configuration {settings.file}", settings.file)] if settings.file else []
    report = _analyse(logs, analysis, (output,), read + _module_files(analysis))
    report = suppress(report, settings.values.suppress, settings.file)
    write_output(baseline_json(report), output)
    where = "standard output" if output == "-" else output
    _note(f"baseline of {_count(len(report.findings), 'finding')} written to {where}")
    return ExitCode.OK


RUN_USAGE = "cgowarn run [OPTIONS] -- CMD [ARGS]..."

RUN_EPILOG = f"""\b
Examples:
  cgowarn run -- make -j8
  cgowarn run -o report.html -o report.json -- go build -ldflags '-extldflags "-static"' ./...
  cgowarn run --fail-on never -o cgowarn.md -- sh -c './configure && make'

\b
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
            cut = args.index("--")
            args, argv = args[:cut], args[cut + 1 :]
        elif not any(a in ("-h", "--help") for a in args):
            raise click.UsageError(f"give the build command after --: {RUN_USAGE}", ctx)
        rest = super().parse_args(ctx, args)
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
@report_options
@analysis_options
@_boundary
def run(**params: Any) -> int:
    """Run a build command, pass its output through as it comes, byte for byte (standard output
    to standard output, standard error to standard error), analyse that output at the same time,
    and write the report when the build has ended: to each --output (or the configuration's
    `output`), else as text to standard error after a separator line. The exit code is the
    build's when it failed, else the gate's. Ctrl-C and SIGTERM reach the build; cgowarn waits
    for it and still writes the reports."""
    argv: list[str] = click.get_current_context().meta["cgowarn.run.argv"]
    options = ReportOptions.from_params(params)
    if options.paths == ("-",) and not params["outputs"]:
        # No report asked for anywhere: standard output is the build's, so the report goes to
        # standard error, after the build's output.
        spec = OutputSpec(options.outputs[0].fmt, STDERR)
        color_on = spec.fmt is OutputFormat.TEXT and _use_color(params["color"], sys.stderr)
        options = dataclasses.replace(options, outputs=(spec,), color=color_on)
    analysis = analysis_from_params(params, options.targets)
    _check_paths(
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
        from cgowarn.pipeline import analyze

        report = analyze([("<build output>", feed)], analysis)  # type: ignore[list-item]
        return options.apply_policy(report, prior)

    flush_std_streams()
    try:
        ignored = {s for s in wrap.SIGNALS if signal.getsignal(s) is signal.SIG_IGN}
        if not SIGINT_IGNORED_AT_START:
            ignored.discard(signal.SIGINT)
        else:
            ignored.add(signal.SIGINT)
        result, report, error = wrap.run(argv, analyse, frozenset(ignored))
    except OSError as exc:
        message, status = wrap.describe_oserror(argv[0], exc)
        _note(message)
        return status
    for line in result.lost:
        _note(line)
    failed = result.status or (128 + result.signals[0] if result.signals else 0)
    if error is not None:
        if not failed:
            raise error
        message, _ = describe_error(error)
        _note(f"{message} (the build's output above is complete)")
        return failed
    assert report is not None
    if any(s.path == STDERR for s in options.outputs):
        _note_separator(f"report on the output of {_shell_words(argv)}", result.at_line_start)
    try:
        write_reports(report, options)
    except CgowarnError as exc:
        if not failed:
            raise
        _note(f"error: {exc}")
        return failed
    code = _gate(report, options)
    return failed or code


def _shell_words(argv: Sequence[str], limit: int = 60) -> str:
    import shlex

    text = shlex.join(argv)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _note_separator(title: str, at_line_start: bool) -> None:
    """A line that sets the report apart from the build output above it, on a line of its own
    even when that output did not end with a newline."""
    with contextlib.suppress(OSError, ValueError):
        click.echo(
            f"{'' if at_line_start else chr(10)}---------- cgowarn: {title} ----------", err=True
        )


@main.command(
    short_help="Read ELF binaries: C library, linkage, minimum kernel, GLIBC_x.y needed.",
    epilog="""\b
Examples:
  cgowarn inspect ./app
  cgowarn inspect --target centos7 --format markdown ./app ./worker
  cgowarn build.log --binary ./app      # one report from the log and the binary

"""
    + EXIT_CODES,
)
@click.argument("binaries", nargs=-1, required=True, metavar="BINARY...")
@report_options
@_boundary
def inspect(binaries: tuple[str, ...], **params: Any) -> int:
    """Read ELF binaries without running them: static or dynamic, which C library, the minimum
    kernel (.note.ABI-tag, the cause of "FATAL: kernel too old"), the highest GLIBC_x.y a dynamic
    binary needs, the run-time footprint of a static glibc (NSS, dlopen, iconv, locales) and Go's
    embedded build settings."""
    from cgowarn.pipeline import AnalysisOptions

    options = ReportOptions.from_params(params)
    analysis = AnalysisOptions(targets=options.targets, binaries=binaries)
    return _report(None, analysis, options)


@main.command(short_help="Explain a glibc function's link warning, or a pasted message.")
@click.argument("words", nargs=-1, metavar="[SYMBOL | MESSAGE]")
@click.option("--debug", is_flag=True, help="On an internal error, print the traceback.")
@_boundary
def explain(words: tuple[str, ...]) -> int:
    """Explain one glibc function's link warning (what breaks, why, where it comes from, how to fix
    it), or a pasted message: a glibc link warning, a linker error, or a run-time failure from the
    target host ("FATAL: kernel too old", "version `GLIBC_2.34' not found", a crash). Without an
    argument, list every function cgowarn knows. Names match in any case, with or without quotes.

    \b
    Examples:
      cgowarn explain getaddrinfo
      cgowarn explain "FATAL: kernel too old"
      cgowarn explain "loadinternal: cannot find runtime/cgo"
      cgowarn explain "warning: Using 'getpwnam_r' in statically linked applications requires ..."
      cgowarn explain
    """
    from cgowarn.knowledge import load_knowledge
    from cgowarn.output import write_output
    from cgowarn.render.explain import explain_text, list_symbols

    kb = load_knowledge()
    text = " ".join(words)
    write_output(
        explain_text(kb, text) if text.strip() else list_symbols(kb), "-", for_terminal=True
    )
    return ExitCode.OK


@main.command(short_help="Print the JSON Schema of the --format json report.")
@click.option("--debug", is_flag=True, help="On an internal error, print the traceback.")
@_boundary
def schema() -> int:
    """Print the JSON Schema of the --format json report."""
    import json

    from cgowarn.model import Report
    from cgowarn.output import write_output

    write_output(json.dumps(Report.model_json_schema(), indent=2, sort_keys=True) + "\n", "-")
    return ExitCode.OK


@main.command(
    short_help="Keep one up-to-date comment on the pull request or merge request.",
    epilog="""\b
Examples:
  cgowarn comment build.log                  # in GitHub Actions, on a pull request
  cgowarn comment --repo OWNER/NAME --pr 42 build.log
  cgowarn comment --key linux-arm64 --report-url "$ARTIFACT_URL" build.log
  cgowarn comment --gitlab build.log         # in a GitLab merge request pipeline
  cgowarn comment --gitlab --project 123 --mr 7 build.log
  cgowarn comment --dry-run build.log        # print the comment, post nothing

\b
Environment:
  GITHUB_TOKEN        the token (or the variable --token-env names); the job needs
                      permissions: pull-requests: write
  GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_API_URL   set by GitHub Actions
  GITLAB_TOKEN        with --gitlab: an access token with the api scope (CI_JOB_TOKEN
                      cannot write merge request notes)
  CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID     set by GitLab CI

"""
    + EXIT_CODES,
)
@click.argument("logs", nargs=-1, metavar="[LOG]...")
@click.option("--gitlab", is_flag=True, help="Comment on a GitLab merge request (default: GitHub).")
@click.option(
    "--repo",
    metavar="OWNER/NAME",
    help="The GitHub repository. Default: $GITHUB_REPOSITORY.",
)
@click.option(
    "--pr",
    type=click.IntRange(1, 2**31 - 1),
    metavar="NUMBER",
    help="The pull request. Default: the pull request of the GitHub Actions event "
    "($GITHUB_EVENT_PATH); an event of something else (a push) posts nothing and exits 0.",
)
@click.option(
    "--project",
    metavar="ID",
    help="With --gitlab: the project, by id or path. Default: $CI_PROJECT_ID.",
)
@click.option(
    "--mr",
    type=click.IntRange(1, 2**31 - 1),
    metavar="IID",
    help="With --gitlab: the merge request's IID. Default: $CI_MERGE_REQUEST_IID; in a pipeline "
    "that is not for a merge request, nothing is posted and the exit code is 0.",
)
@click.option(
    "--key",
    default="default",
    show_default=True,
    metavar="KEY",
    help="Which comment is this job's: the hidden marker <!-- cgowarn:KEY --> on its first "
    "line. Give each matrix job its own (letters, digits, '.', '_', '-').",
)
@click.option(
    "--token-env",
    metavar="NAME",
    help="Read the token from this environment variable (default: GITHUB_TOKEN, with --gitlab "
    "GITLAB_TOKEN). Never from the command line, where other processes could read it.",
)
@click.option(
    "--api-url",
    metavar="URL",
    help="The API's base URL, for GitHub Enterprise Server or a self-managed GitLab. Default: "
    "$GITHUB_API_URL, else https://api.github.com; with --gitlab $CI_API_V4_URL, else "
    "https://gitlab.com/api/v4. https only (http on the loopback interface).",
)
@click.option(
    "--author",
    metavar="LOGIN",
    help="GitHub: the login the token posts as, when GET /user cannot tell (a GitHub App's "
    "token: APP-SLUG[bot]). Default: GET /user, else github-actions[bot] (GITHUB_TOKEN).",
)
@click.option(
    "--delete-when-clean",
    is_flag=True,
    help="When nothing is left to report, delete the comment instead of saying it is resolved.",
)
@click.option(
    "--report-url",
    metavar="URL",
    help="Link the full report (e.g. the HTML artifact) from the comment; http(s) only.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print the comment on standard output and post nothing (no request is made; no token "
    "or pull request is needed).",
)
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Log each request (method, URL, status) to standard error; never headers or the token.",
)
@report_options
@analysis_options
@pass_through_option
@_boundary
def comment(
    logs: tuple[str, ...],
    gitlab: bool,
    repo: str | None,
    pr: int | None,
    project: str | None,
    mr: int | None,
    key: str,
    token_env: str | None,
    api_url: str | None,
    author: str | None,
    delete_when_clean: bool,
    report_url: str | None,
    dry_run: bool,
    verbose: bool,
    **params: Any,
) -> int:
    """Keep one comment on the pull request (GitHub) or merge request (GitLab) up to date with
    the report: created on the first run, edited in place when the findings change, left alone
    when they do not, marked resolved (or deleted) when they are gone. It leads with the verdict
    (does the link work, what breaks at run time, the one fix), says what changed since the last
    run, and holds the Markdown report, shortened to fit. Reads the same logs and options as
    analyze; -o writes reports as well, and --fail-on still sets the exit code."""
    from dataclasses import replace

    from cgowarn import secrets
    from cgowarn.comment.command import (
        CommentRequest,
        compose,
        post,
        resolve,
        token_for_scrubbing,
    )
    from cgowarn.comment.interface import NotAPullRequest
    from cgowarn.output import write_output

    request = CommentRequest(
        gitlab=gitlab,
        repo=repo,
        pr=pr,
        project=project,
        mr=mr,
        key=key,
        token_env=token_env,
        api_url=api_url,
        author=author,
        delete_when_clean=delete_when_clean,
        report_url=report_url,
    )
    options = ReportOptions.from_params(params)
    # Reports besides the comment only when asked for: not the default text on standard output.
    ctx = click.get_current_context()
    asked = any(
        ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE
        for name in ("fmt", "outputs")
    )
    if not asked and options.outputs == (OutputSpec(OutputFormat.TEXT, "-"),):
        options = replace(options, outputs=())
    if dry_run and (params["pass_through"] or "-" in options.paths):
        raise UsageError(
            "--dry-run prints the comment on standard output: write reports and --pass-through "
            "elsewhere (-o PATH)"
        )
    where = None
    if not dry_run:
        found = resolve(request, os.environ)
        if isinstance(found, NotAPullRequest):
            _note(f"{found.reason}: nothing posted")
            return ExitCode.OK
        where = found
    # From here on no output holds the token, in any form: not the analysis (the logs are read
    # with it masked), not a report, a message or a traceback.
    token = where.token if where is not None else token_for_scrubbing(request, os.environ)
    secrets.protect(token)
    analysis = analysis_from_params(params, options.targets)
    document = options.read_baseline()
    report = _analyse(
        logs, analysis, (*options.paths, *(("-",) if dry_run else ())), options.read_files(analysis)
    )
    report = options.apply_policy(report, document)
    if options.outputs or options.summary:
        write_reports(report, options)
    reason = options.gate_failures(report)
    if where is None:
        write_output(compose(report, request, None, reason, options.fail_on, token), "-")
        _note("dry run: nothing posted")
    else:
        _note(post(report, where, request, reason, options.fail_on, _note if verbose else None))
    return _gate(report, options)
