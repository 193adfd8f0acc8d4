"""analyze(): the one entry point the CLI and the tests share. Logs and binaries in, Report out.

Three named steps: the logs are read once, front to back, and their events folded into Facts
(fold.py), whose size does not grow with the log beyond bounded samples; the binaries are read
and folded into the same Facts; the knowledge stage then explains them (knowledge/report.py).
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from cgowarn import regexes
from cgowarn.facts import DEFAULT_MAX_OCCURRENCES, Facts
from cgowarn.fold import Folder
from cgowarn.inputs import RUN_SOURCE, shown_name
from cgowarn.knowledge import check_targets, load_knowledge
from cgowarn.knowledge.report import build_report
from cgowarn.model import Report
from cgowarn.parse.reader import Echo
from cgowarn.secrets import RedactingReader, Redactor


@dataclass(frozen=True)
class AnalysisOptions:
    """What to analyse besides the logs, and how."""

    max_occurrences: int = DEFAULT_MAX_OCCURRENCES
    """Occurrences kept per finding; counts stay exact."""
    targets: Sequence[str] = ()
    """Distribution ids (patterns/platforms.toml) to give a verdict for."""
    build_glibc: str | None = None
    """The build host's glibc, when the user knows it."""
    binaries: Sequence[str] = ()
    """ELF files to inspect and merge into the report."""
    go_version: str | None = None
    """The Go release of the build, when the user gives it (--go-version)."""
    go_module: str | None = None
    """A Go module directory to ask `go list` about (--go-module): it runs the go tool."""
    fast: bool = True
    """Let the scanner pick the lines to parse (False: every line; the same report, slower)."""
    echo: Echo | None = field(default=None, compare=False)
    """Gets every byte of every log as it is read (--pass-through), secrets already masked."""
    command: Sequence[str] = ()
    """The build command (`cgowarn run`): read as the command the log shows first, and the
    executable it wrote (written.py) is inspected as --binary would, unless binaries are given."""
    started: float | None = None
    """When that build started (time.time()): only a file written since then is its output."""
    redactor: Redactor | None = field(default=None, compare=False)
    """Secrets (CI tokens) to mask in every log before it is parsed or echoed, and in the report
    (what binaries brought in): none of their forms reaches any output."""


WRITTEN_SLACK = 0.1
"""Seconds before the build's start that a file's time may show and still be its output: the
kernel stamps files with a coarse clock (a jiffy, up to 10 ms, behind time.time())."""


def _read_binaries(folder: Folder, facts: Facts, path: str) -> None:
    """`path` itself, or every ELF file in it when it is a directory or a tar archive."""
    from cgowarn.inspect.parallel import read_all
    from cgowarn.inspect.tree import members

    found = members(path, facts.binaries_skipped)
    if found is None:
        folder.read_binary(path)
        return
    from cgowarn.errors import InputError

    read = 0
    failed: list[str] = []
    for member, reading in read_all(folder.kb, found):
        if isinstance(reading, Exception):
            # One unreadable file among many is said, and the others are still read.
            failed.append(f"{member.shown}: not read: {reading}")
            continue
        read += 1
        folder.read_binary(path, member, reading)
    if not read and failed:
        # Nothing could be read: a report of no findings would be an all-clear never earned.
        more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
        raise InputError(
            f"cannot inspect {shown_name(path)}: no ELF file in it could be read: {failed[0]}{more}"
        )
    if not read:
        raise InputError(f"cannot inspect {shown_name(path)}: there is no ELF file in it")
    facts.binaries_skipped += failed


def _read_written(folder: Folder, facts: Facts, started: float) -> None:
    """Inspect the executable the build wrote, when it can be told; a file that cannot be read
    is said in the notes, never an error of the run."""
    import os

    from cgowarn.errors import CgowarnError
    from cgowarn.written import written_binary

    path = written_binary(facts, os.getcwd(), started - WRITTEN_SLACK)
    if path is None:
        facts.written = ""
        return
    try:
        folder.read_binary(path)
    except CgowarnError as exc:
        facts.written_error = str(exc)
    facts.written = path


def analyze(
    sources: Iterable[tuple[str, IO[bytes]]],
    options: AnalysisOptions | None = None,
    **overrides: Any,
) -> Report:
    """Read every (name, binary stream) log in order, then every binary, and return one report.
    `overrides` set AnalysisOptions fields (`analyze(logs, max_occurrences=10)`)."""
    opts = options or AnalysisOptions()
    if overrides:
        opts = AnalysisOptions(**{**opts.__dict__, **overrides})
    kb = load_knowledge()
    check_targets(kb, opts.targets)
    regexes.reset()  # every pattern gets its time budget again
    facts = Facts(max_occurrences=opts.max_occurrences)
    folder = Folder(kb, facts)
    redactor = opts.redactor
    if opts.command:
        text = shlex.join(opts.command)
        folder.read_command(RUN_SOURCE, redactor.text(text) if redactor else text)
    for name, stream in sources:
        if redactor:
            stream = RedactingReader(stream, redactor)  # type: ignore[assignment]
        folder.read_log(shown_name(name), stream, fast=opts.fast, echo=opts.echo)
    for path in opts.binaries:
        _read_binaries(folder, facts, path)
    if opts.command and not opts.binaries and opts.started is not None:
        _read_written(folder, facts, opts.started)
    if opts.go_module is not None:
        from cgowarn.gomodule import read_module
        from cgowarn.parse.gocommand import GoCommand

        command = facts.go_command or GoCommand()
        facts.go_module = read_module(
            opts.go_module,
            tags=command.tags,
            packages=command.packages,
            targets=sorted({f.go_package for f in kb.fixes if f.go_package}),
            symbols=frozenset(facts.findings),
        )
    report = build_report(facts, kb, opts.targets, opts.build_glibc, opts.go_version)
    return redactor.model(report) if redactor else report
