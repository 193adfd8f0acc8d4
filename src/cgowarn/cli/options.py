"""The options the commands share, declared once, and the typed objects they arrive as.

Each decorator adds its click options and hands the command one frozen object instead of the
loose values: `report_options` a ReportArgs, `analysis_options` an AnalysisArgs, `config_options`
a ConfigArgs, `debug_option` the boundary's --debug. ReportOptions is what a command works with:
the ReportArgs over the configuration file's keys, resolved once.
"""

from __future__ import annotations

import functools
import os
import stat
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from cgowarn.enums import NEVER, Severity
from cgowarn.errors import ConfigError, UsageError
from cgowarn.formats import EXTENSIONS, FORMAT_NAMES, OutputFormat

if TYPE_CHECKING:
    from cgowarn.config import SuppressRule
    from cgowarn.model import Report
    from cgowarn.pipeline import AnalysisOptions
    from cgowarn.policy import BaselineDocument

F = TypeVar("F", bound=Callable[..., Any])

FAIL_ON_CHOICES = (*(s.value for s in Severity), NEVER)
FAIL_ON_DEFAULT = Severity.HIGH.value
STDERR = "/dev/stderr"
"""Where `cgowarn run` writes its report when no --output is given."""
STEP_SUMMARY = "GITHUB_STEP_SUMMARY"
FILE_WIDTH = 100
"""Text written to a file, or piped, is wrapped at this width: it does not depend on the terminal
that happened to run the command."""


def decorate(fn: Callable[..., Any], decorators: Sequence[Callable[[Any], Any]]) -> Any:
    """`fn` with `decorators` applied, the first outermost (as if written above it in order)."""
    for decorator in reversed(decorators):
        fn = decorator(fn)
    return fn


def _given(name: str) -> bool:
    """Whether option `name` of the running command was given on the command line (or in the
    environment), not left at its default."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return True
    return ctx.get_parameter_source(name) not in (
        click.core.ParameterSource.DEFAULT,
        click.core.ParameterSource.DEFAULT_MAP,
        None,
    )


# --- --debug ----------------------------------------------------------------------------------------


def debug_option(fn: Callable[..., Any]) -> Any:
    """--debug, for the error boundary (cli.boundary): print the traceback of an internal error."""
    return click.option("--debug", is_flag=True, help="On an internal error, print the traceback.")(
        fn
    )


# --- the configuration ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfigArgs:
    """--config and --no-config."""

    config: str | None = None
    no_config: bool = False

    def load(self) -> Any:
        """The configuration in effect (cgowarn.config.Config)."""
        from cgowarn.config import load

        if self.config is not None and self.no_config:
            raise UsageError("--config and --no-config exclude each other: give one")
        return load(self.config, enabled=not self.no_config)


def config_options(fn: Callable[..., Any]) -> Any:
    """--config and --no-config: which configuration file applies (see cgowarn.config); the
    command gets them as `config_args`."""

    @functools.wraps(fn)
    def wrapper(*args: Any, config: str | None, no_config: bool, **kwargs: Any) -> Any:
        return fn(*args, config_args=ConfigArgs(config, no_config), **kwargs)

    return decorate(
        wrapper,
        [
            click.option(
                "--config",
                metavar="PATH",
                help="Read the configuration from this file (.cgowarn.toml keys, or "
                "[tool.cgowarn] of a pyproject.toml). Default: .cgowarn.toml, else "
                "pyproject.toml with [tool.cgowarn], in the current directory or a parent up to "
                "the repository root. Options given on the command line win over it.",
            ),
            click.option("--no-config", is_flag=True, help="Read no configuration file."),
        ],
    )


# --- where the report goes and how it is judged -------------------------------------------------------


@dataclass(frozen=True)
class ReportArgs:
    """The report options as the command line gave them."""

    fmt: str | None
    outputs: tuple[str, ...]
    fail_on: str
    color: bool | None
    targets: tuple[str, ...]
    baseline: str | None
    repo_root: str | None
    summary: bool
    details: bool
    config: ConfigArgs
    given: frozenset[str]
    """Which of fmt, outputs, fail_on and targets the command line set (the rest come from the
    configuration file when it has them)."""
    quiet: bool = False


def report_options(fn: Callable[..., Any]) -> Any:
    """The options of every command that writes a report: --format, --output, --fail-on,
    --target, --baseline, --repo-root, --summary, --details, --config, --no-config, --color and
    --debug. The command gets them as one ReportArgs, `report_args`; ReportOptions.resolve reads
    them together with the configuration file."""

    @functools.wraps(fn)
    def wrapper(
        *args: Any,
        fmt: str | None,
        outputs: tuple[str, ...],
        fail_on: str,
        color: bool | None,
        targets: tuple[str, ...],
        baseline: str | None,
        repo_root: str | None,
        summary: bool,
        details: bool,
        config_args: ConfigArgs,
        quiet: bool,
        **kwargs: Any,
    ) -> Any:
        given = frozenset(n for n in ("fmt", "outputs", "fail_on", "targets") if _given(n))
        report = ReportArgs(
            fmt, outputs, fail_on, color, targets, baseline, repo_root, summary, details,
            config_args, given, quiet,
        )  # fmt: skip
        return fn(*args, report_args=report, **kwargs)

    return decorate(
        wrapper,
        [
            click.option(
                "-f",
                "--format",
                "fmt",
                type=click.Choice([f.value for f in OutputFormat], case_sensitive=False),
                help="Report format: of standard output and of every --output without a "
                "FORMAT: prefix. Default: from each --output's extension "
                f"({', '.join(sorted(EXTENSIONS))}; none: text); an extension that names no "
                "format is an error.",
            ),
            click.option(
                "-o",
                "--output",
                "outputs",
                multiple=True,
                metavar="[FORMAT:]PATH",
                help="Write a report here; '-' is standard output (the default). Repeatable: one "
                "run writes every report asked for (-o report.html -o sarif:cgowarn.sarif). The "
                "format comes from FORMAT:, else --format, else the extension (none: text; "
                "one that names no format is an error; github and gitlab have none: "
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
                "functions; low: everything. A run-time failure in the log (FATAL: kernel too "
                "old, GLIBC_x.y not found, a crash) or Go's loadinternal error exits with 1 at "
                "every level but never.",
            ),
            click.option(
                "--target",
                "targets",
                multiple=True,
                metavar="NAME",
                shell_complete=complete_targets,
                help="Also say whether a binary from this build starts and works on NAME, a "
                "distribution id such as debian12, ubuntu2204, centos7 or alpine (an unknown "
                "one is answered with the whole list), and which fix fits there. Repeatable.",
            ),
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
                help="The repository root, to which SARIF, github, gitlab and rdjsonl locations "
                "are relative. Default: `git rev-parse --show-toplevel` run here, else the "
                "current directory.",
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
                "-q",
                "--quiet",
                is_flag=True,
                help="No line on standard error about the gate or the configuration in effect "
                "(errors are still said); the exit code is the same.",
            ),
            click.option(
                "--color/--no-color",
                default=None,
                help="Colour text output. Default: on a terminal, unless NO_COLOR is set (and not "
                "empty) or TERM is dumb; also off a terminal when FORCE_COLOR or CLICOLOR_FORCE "
                "is set (and not 0).",
            ),
            debug_option,
        ],
    )


def complete_targets(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Shell completion of --target: the distribution ids of patterns/platforms.toml, with
    their names."""
    from click.shell_completion import CompletionItem

    from cgowarn.knowledge import load_knowledge

    return [
        CompletionItem(d.id, help=d.name)
        for d in load_knowledge().distributions.values()
        if d.id.startswith(incomplete)
    ]


def check_targets(names: Sequence[str], where: str) -> tuple[str, ...]:
    """`names`, each a distribution of the knowledge base (knowledge.check_targets, from the
    validated patterns/platforms.toml): checked here, before anything runs (`cgowarn run` would
    build first); in a configuration file, a ConfigError."""
    if not names:
        return ()
    from cgowarn.errors import UnknownTargetError
    from cgowarn.knowledge import check_targets as check
    from cgowarn.knowledge import load_knowledge

    try:
        check(load_knowledge(), names, where)
    except UnknownTargetError as exc:
        raise (UsageError if where == "--target" else ConfigError)(str(exc)) from None
    return tuple(names)


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
    config_in_effect: str = ""
    """The configuration file and what it changed (outputs, gate, targets, suppressions,
    baseline), as the report's notes and one line on standard error say; empty when nothing."""
    """The configuration file the settings came from; empty without one."""
    baseline: str | None = None
    """The baseline file to compare with (--baseline, else the configuration's `baseline`)."""
    repo_root: str | None = None
    """--repo-root, absolute; None: found when a format needs it (results.repository_root)."""
    summary: bool = False
    """--summary: also append the Markdown report to $GITHUB_STEP_SUMMARY."""
    details: bool = False
    """--details: the long text form."""
    quiet: bool = False
    """-q: no gate line and no configuration line on standard error."""

    @classmethod
    def resolve(cls, args: ReportArgs) -> ReportOptions:
        """The options as given, with the configuration file (--config PATH, else the one found
        from the current directory up, unless --no-config) filling in every option the command
        line left at its default. --format and --output are one choice, where the report goes:
        either of them on the command line overrides both `format` and `output` of the file.
        Every --target (or the file's `target`) is checked here, before anything runs."""
        settings = args.config.load()
        given = settings.values
        fmt, outputs, fail_on = args.fmt, args.outputs, args.fail_on
        targets = check_targets(args.targets, "--target")
        effects: list[str] = []
        if not ({"fmt", "outputs"} & args.given):
            if given.format is not None:
                fmt = given.format.value
                effects.append(f"format {fmt}")
            if given.output is not None:
                outputs = given.output
                effects.append(f"output {', '.join(outputs) or '(none)'}")
        if "fail_on" not in args.given and given.fail_on is not None:
            fail_on = given.fail_on
            effects.append(f"fail-on {fail_on}")
        if "targets" not in args.given and given.target is not None:
            targets = check_targets(given.target, f"{settings.file}: key 'target'")
            effects.append(f"target {', '.join(targets)}")
        if given.suppress:
            effects.append(
                f"{len(given.suppress)} suppression rule{'s' * (len(given.suppress) > 1)}"
            )
        if args.baseline is None and settings.baseline is not None:
            effects.append(f"baseline {settings.baseline}")
        in_effect = f"{settings.file} ({'; '.join(effects)})" if effects else ""
        specs = parse_outputs(fmt, outputs)
        to_terminal = any(s.fmt is OutputFormat.TEXT and s.path == "-" for s in specs)
        return cls(
            specs,
            fail_on,
            to_terminal and use_color(args.color),
            targets=targets,
            suppress=given.suppress,
            config_file=settings.file,
            config_in_effect=in_effect,
            baseline=args.baseline if args.baseline is not None else settings.baseline,
            repo_root=os.path.abspath(args.repo_root) if args.repo_root else None,
            summary=args.summary,
            details=args.details,
            quiet=args.quiet,
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
        return files + module_files(analysis)

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
        if self.config_in_effect:
            said = f"Configuration in effect: {self.config_in_effect}."
            report = report.model_copy(update={"notes": (*report.notes, said)})
        if baseline is not None and self.baseline is not None:
            report = compare(report, baseline, self.baseline)
        return report


def module_files(analysis: AnalysisOptions | None) -> list[tuple[str, str]]:
    """--go-module's go.mod, go.sum and go.work: read by `go list`, never written."""
    if analysis is None or analysis.go_module is None:
        return []
    paths = (os.path.join(analysis.go_module, n) for n in ("go.mod", "go.sum", "go.work"))
    return [(f"the module's {path}", path) for path in paths]


def _looks_like_format(prefix: str) -> bool:
    """Whether an --output's part before its first colon looks like a `FORMAT:` prefix: a word
    of 2 to 16 ASCII letters, digits, `-` or `_` (a path with a colon, `./a:b`, has a slash or a
    dot)."""
    word = prefix.replace("-", "").replace("_", "")
    return 2 <= len(prefix) <= 16 and prefix.isascii() and prefix[0].isalpha() and word.isalnum()


def _did_you_mean(word: str, known: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word.lower(), list(known), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def _device(path: str) -> bool:
    """A descriptor or device path (`/dev/fd/3`, `/proc/self/fd/1`), or an existing file that is
    not a regular one (a FIFO, a terminal): its name says no format."""
    if path.startswith(("/dev/", "/proc/")):
        return True
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def parse_outputs(fmt: str | None, outputs: Sequence[str]) -> tuple[OutputSpec, ...]:
    """The reports asked for. Each --output is `PATH` or `FORMAT:PATH`; its format is the prefix,
    else --format, else the extension (.md, .html, .json, .sarif, ...), else (no extension) text.
    A prefix or an extension that names no format is a usage error that names the known ones."""
    default = OutputFormat(fmt.lower()) if fmt else None
    if not outputs:
        return (OutputSpec(default or OutputFormat.TEXT, "-"),)
    specs: list[OutputSpec] = []
    for spec in outputs:
        prefix, colon, rest = spec.partition(":")
        if colon and prefix.lower() in FORMAT_NAMES:
            chosen, path = OutputFormat(prefix.lower()), rest
        elif colon and rest and _looks_like_format(prefix):
            raise UsageError(
                f"--output {spec}: {prefix!r} is no format{_did_you_mean(prefix, FORMAT_NAMES)}; "
                f"the formats are {', '.join(f.value for f in OutputFormat)} "
                f"(a file whose name holds a colon: ./{spec})"
            )
        elif default is not None:
            chosen, path = default, spec
        else:
            path = spec
            suffix = Path(spec).suffix.lower() if spec != "-" else ""
            ext = EXTENSIONS.get(suffix)
            if suffix and ext is None and not _device(spec):
                raise UsageError(
                    f"--output {spec}: the extension {suffix} names no format"
                    f"{_did_you_mean(suffix, EXTENSIONS)}; the extensions are "
                    f"{', '.join(EXTENSIONS)}; or name the format: -o FORMAT:{spec} "
                    "(or --format)"
                )
            chosen = ext or OutputFormat.TEXT
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


def use_color(choice: bool | None, stream: IO[str] | None = None) -> bool:
    """Colour (for text on standard output, or on `stream`): as asked (--color/--no-color), else
    never when NO_COLOR is set and not empty (https://no-color.org), always when FORCE_COLOR or
    CLICOLOR_FORCE is set and neither empty nor 0 (https://force-color.org,
    https://bixense.com/clicolors/), else on a terminal unless TERM is dumb."""
    if choice is not None:
        return choice
    if os.environ.get("NO_COLOR"):
        return False
    if any(os.environ.get(name, "") not in ("", "0") for name in ("FORCE_COLOR", "CLICOLOR_FORCE")):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    stream = stream or sys.stdout
    return stream is not None and stream.isatty()


# --- what to analyse ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnalysisArgs:
    """What to read besides the logs, and how, as the command line gave it."""

    max_occurrences: int
    build_glibc: str | None
    go_version: str | None
    go_module: str | None
    binaries: tuple[str, ...]
    pass_through: bool = False

    def options(self, targets: Sequence[str] = ()) -> AnalysisOptions:
        """The pipeline's AnalysisOptions, with the process's secrets to mask and, with
        --pass-through, the copy to standard output."""
        from cgowarn import secrets
        from cgowarn.cli.flow import stdout_echo
        from cgowarn.pipeline import AnalysisOptions

        return AnalysisOptions(
            redactor=secrets.current(),
            max_occurrences=self.max_occurrences,
            targets=targets,
            build_glibc=self.build_glibc,
            go_version=self.go_version,
            go_module=self.go_module,
            binaries=self.binaries,
            echo=stdout_echo() if self.pass_through else None,
        )


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


def analysis_options(fn: Callable[..., Any]) -> Any:
    """The options of an analysis (analyze, baseline, run, comment): what to read besides the
    log, and how (--max-occurrences, --build-glibc, --go-version, --go-module, --binary, and
    -p/--pass-through where `pass_through` says so); the command gets them as one AnalysisArgs,
    `analysis_args`."""
    return _analysis_options(fn, pass_through=False)


def analysis_options_with_pass_through(fn: Callable[..., Any]) -> Any:
    """analysis_options and -p/--pass-through, for the commands that read a log themselves."""
    return _analysis_options(fn, pass_through=True)


def _analysis_options(fn: Callable[..., Any], pass_through: bool) -> Any:
    @functools.wraps(fn)
    def wrapper(
        *args: Any,
        max_occurrences: int,
        build_glibc: str | None,
        go_version: str | None,
        go_module: str | None,
        binaries: tuple[str, ...],
        **kwargs: Any,
    ) -> Any:
        echo = bool(kwargs.pop("pass_through", False))
        analysis = AnalysisArgs(max_occurrences, build_glibc, go_version, go_module, binaries, echo)
        return fn(*args, analysis_args=analysis, **kwargs)

    decorators: list[Callable[[Any], Any]] = [
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
            help="glibc version of the build host (ldd --version) when the log does not reveal "
            "it; it decides the minimum kernel compiled into a static binary.",
        ),
        click.option(
            "--go-version",
            metavar="VERSION",
            callback=lambda ctx, param, value: _check_go_version(value),
            help="The Go release of the build (go version) when the log does not show it; it "
            "decides which build command is safe (e.g. 1.19).",
        ),
        click.option(
            "--go-module",
            metavar="DIR",
            type=click.Path(file_okay=False),
            help="Run `go list` (offline, read-only) in this Go module to find which packages "
            "use cgo and which import chain pulls in os/user, net and go-sqlite3; the advice "
            "then knows whether cgo is still needed. Runs the go tool on PATH.",
        ),
        click.option(
            "--binary",
            "binaries",
            multiple=True,
            metavar="PATH",
            help="Also inspect this ELF binary (the build's output) and merge what it shows into "
            "the report: it catches what lld, mold and rust-lld do not print. Repeatable.",
        ),
    ]
    if pass_through:
        decorators.append(
            click.option(
                "-p",
                "--pass-through",
                is_flag=True,
                help="Copy the log to standard output as it is read, byte for byte (CI tokens "
                "masked), then write the report (after the log, or to --output): the build "
                "output stays on screen in a pipe.",
            )
        )
    return decorate(wrapper, decorators)
