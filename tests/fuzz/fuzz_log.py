"""Coverage-guided fuzzing of the log reader, the scanner, the parser and every renderer, with
atheris (libFuzzer for Python).

    pip install -e '.[test,fuzz]'
    python tests/fuzz/fuzz_log.py -max_total_time=1200

An input fails when analysis or a renderer raises anything but cgowarn's own errors, when the fast
path (Hyperscan picks the lines) and the slow path (every line parsed) give different JSON or
different errors, or when one of them, or rendering every format, takes longer than SLOW seconds.
Without directories on the command line the corpus is $CGOWARN_FUZZ_CORPUS (default: a directory
under the system's temporary directory), seeded with every log of sample_logs/, and a failing input
is written to tests/fuzz/regressions/log/, where tests/fuzz/test_regressions.py replays it. Other
libFuzzer options pass through (-help=1 lists them)."""

from __future__ import annotations

import io
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from cgowarn.model import Report

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[2]
REGRESSIONS = Path(__file__).resolve().parent / "regressions" / "log"
DICTIONARY = Path(__file__).resolve().parent / "log.dict"
SLOW = 2.0
"""Seconds one step (the fast path, the slow path, rendering every format) may take."""


class Failure(Exception):
    """The input makes cgowarn fail: the paths disagree, or a step is too slow."""


def _timed(what: str, step: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = step()
    took = time.perf_counter() - start
    if took > SLOW:
        raise Failure(f"{what} took {took:.2f} s (limit {SLOW} s)")
    return result


def _analyze(data: bytes, fast: bool) -> tuple[Report | None, str]:
    """The report and its JSON, or no report and the error cgowarn gives for the input (one of
    its own: an input error is an answer, not a crash)."""
    from cgowarn.errors import CgowarnError
    from cgowarn.formats import OutputFormat
    from cgowarn.pipeline import analyze
    from cgowarn.render import render

    try:
        report = analyze([("fuzz.log", io.BytesIO(data))], fast=fast)
    except CgowarnError as exc:
        return None, f"{type(exc).__name__}: {exc}"
    return report, render(report, OutputFormat.JSON)


def check(data: bytes) -> None:
    """Raise if `data`, read as a log, makes cgowarn crash, disagree with itself or dawdle."""
    from cgowarn.formats import OutputFormat
    from cgowarn.render import render

    report, fast = _timed("the fast path", lambda: _analyze(data, fast=True))
    _, slow = _timed("the slow path", lambda: _analyze(data, fast=False))
    if fast != slow:
        raise Failure(f"the fast and the slow path disagree:\n{_diff(fast, slow)}")
    if report is not None:
        _timed("rendering", lambda: [render(report, fmt) for fmt in OutputFormat])


def _diff(fast: object, slow: object) -> str:
    import difflib

    lines = difflib.unified_diff(
        str(fast).splitlines(), str(slow).splitlines(), "fast", "slow", lineterm="", n=2
    )
    return "\n".join(list(lines)[:60])


def _seed(corpus: Path) -> None:
    """Copy every sample log into an empty corpus directory."""
    if any(corpus.iterdir()):
        return
    for log in sorted((ROOT / "sample_logs").glob("**/*.log")):
        shutil.copy(
            log, corpus / log.relative_to(ROOT / "sample_logs").as_posix().replace("/", "_")
        )


def main(argv: list[str]) -> None:
    import pkgutil
    from importlib import import_module

    import atheris  # type: ignore[import-untyped,import-not-found,unused-ignore]

    with atheris.instrument_imports(include=["cgowarn"]):
        import cgowarn

        for module in pkgutil.walk_packages(cgowarn.__path__, "cgowarn."):
            import_module(module.name)
    check(b"")  # load the knowledge base, the scanner and the templates once, before timing
    args = list(argv)
    if not any(not a.startswith("-") for a in args[1:]):
        corpus = Path(
            os.environ.get("CGOWARN_FUZZ_CORPUS")
            or Path(tempfile.gettempdir()) / "cgowarn-fuzz-corpus-log"
        )
        corpus.mkdir(parents=True, exist_ok=True)
        _seed(corpus)
        args.append(str(corpus))
    if not any(a.startswith("-artifact_prefix=") for a in args):
        REGRESSIONS.mkdir(parents=True, exist_ok=True)
        args.append(f"-artifact_prefix={REGRESSIONS}/")
    if not any(a.startswith("-dict=") for a in args):
        args.append(f"-dict={DICTIONARY}")
    if not any(a.startswith("-timeout=") for a in args):
        args.append("-timeout=30")
    atheris.Setup(args, check)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
