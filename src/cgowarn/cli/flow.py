"""What every command that writes a report does once its options are read: check that no report
goes into an input, read the logs and binaries through the pipeline, apply the policy, write
every report, and judge the gate."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from typing import IO, TYPE_CHECKING

from cgowarn.cli.boundary import note, note_wrapped
from cgowarn.cli.options import FILE_WIDTH, STDERR, ReportOptions, text_width
from cgowarn.enums import NEVER, LinkStatus, Severity
from cgowarn.errors import CgowarnError, ExitCode, OutputError
from cgowarn.formats import LOCATED, OutputFormat
from cgowarn.inputs import RUN_SOURCE

if TYPE_CHECKING:
    from cgowarn.model import Report
    from cgowarn.pipeline import AnalysisOptions


def report(logs: Sequence[str] | None, analysis: AnalysisOptions, options: ReportOptions) -> int:
    """Analyse, apply the policy, render, write every report; the exit code, and on a failed gate
    one line on standard error that says why and where the report is. `logs` None: no log at all
    (inspect)."""
    baseline = options.read_baseline()  # before the analysis: a bad baseline fails at once
    result = analyse(logs, analysis, options.paths, options.read_files(analysis))
    result = options.apply_policy(result, baseline)
    write_reports(result, options)
    return gate(result, options)


def gate(report: Report, options: ReportOptions) -> ExitCode:
    """The gate's exit code; when it fails, one line on standard error that says why and where
    the report is."""
    from cgowarn.policy import gate_reason

    reason = gate_reason(report, options.fail_on)
    names = {"-": "standard output", STDERR: "standard error"}
    # Where the reports are, when one is a file: one printed on the terminal was just seen.
    where = ", ".join(p for p in options.paths if p not in names)
    if options.quiet:
        pass
    elif reason:
        note_wrapped(
            f"--fail-on {options.fail_on}: {reason}" + (f"; report: {where}" if where else "")
        )
    elif (
        report.summary.link_status is LinkStatus.UNSEEN
        and not report.summary.failures
        and not report.binaries
        and not any(p in names for p in options.paths)
        and not any(src.name == RUN_SOURCE for src in report.sources)  # run: stderr is the build's
    ):
        # Only files get the report: a passing gate must not read as an all-clear.
        note(f"no link was seen in the input, so nothing can be said about it; report: {where}")
    return ExitCode.FINDINGS if reason else ExitCode.OK


def check_destinations(
    outputs: Sequence[str],
    logs: Sequence[str],
    binaries: Sequence[str],
    stdin_read: bool,
    echo: bool,
    read: Sequence[tuple[str, str]] = (),
) -> None:
    """Before anything is read: the inputs' names make sense (inputs.check_names), and nothing is
    written into an input (output.refuse_inputs): not a log, a binary, standard input, nor the
    other files the run reads (`read`: the baseline, the configuration, go.mod)."""
    from cgowarn.inputs import check_names
    from cgowarn.output import refuse_inputs

    check_names(logs, binaries)
    inputs = [
        *((f"the input {name}", name) for name in (*logs, *binaries) if name != "-"),
        *read,
    ]
    written = list(outputs) + (["-"] if echo and "-" not in outputs else [])
    refuse_inputs(written, inputs, stdin_read and sys.stdin is not None)


def analyse(
    logs: Sequence[str] | None,
    analysis: AnalysisOptions,
    paths: Sequence[str],
    read: Sequence[tuple[str, str]] = (),
) -> Report:
    """Check that nothing is written into an input, read the logs and binaries, and return the
    report of the analysis; `paths` are where the output goes, `read` the other files the run
    reads ((what, path))."""
    from cgowarn.inputs import open_logs
    from cgowarn.pipeline import analyze as run_analysis

    reads_stdin = logs is not None and (not logs or "-" in logs)
    echo = analysis.echo is not None
    check_destinations(paths, logs or (), analysis.binaries, reads_stdin, echo, read)
    if "-" in paths and sys.stdout is None:
        raise OutputError("cannot write to standard output: it is closed")
    with ExitStack() as stack:
        sources = open_logs(stack, logs) if logs is not None else []
        try:
            result = run_analysis(sources, analysis)
        except Exception as exc:
            if echo and not isinstance(exc, OutputError | BrokenPipeError):
                _pass_the_rest(sources, analysis)
            raise
    if logs is not None and not analysis.binaries and not any(s.bytes for s in result.sources):
        note(result.notes[0])  # the knowledge base's word for an empty input
    return result


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
    from cgowarn.render.github import append_step_summary
    from cgowarn.render.results import repository_root

    if options.config_in_effect and not options.quiet:
        # Once every check has passed: a usage error stays the one line it is.
        note(f"configuration in effect: {options.config_in_effect}")
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
        said = append_step_summary(summary)
        if said:
            note(said)


def stdout_echo() -> Callable[[memoryview], None]:
    """--pass-through's copy to standard output: each chunk written and flushed as it is read."""
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
