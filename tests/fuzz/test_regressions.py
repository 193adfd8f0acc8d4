"""Every input the fuzzer (tests/fuzz/fuzz_log.py) found failing, replayed with the fuzzer's own
check: no crash, the fast and the slow path agree, nothing slower than the limit."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from fuzz import fuzz_log

INPUTS = sorted(p for p in fuzz_log.REGRESSIONS.glob("*") if p.is_file())


def test_there_are_inputs_to_replay() -> None:
    assert len(INPUTS) >= 1


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_fuzzer_finding_stays_fixed(path: Path) -> None:
    fuzz_log.check(path.read_bytes())


# --- the check itself ---------------------------------------------------------------------------

WARNING = (
    b"a.c:(.text+0x1): warning: Using 'getpwnam' in statically linked applications requires at "
    b"runtime the shared libraries from the glibc version used for linking\n"
)


def test_check_catches_paths_that_disagree(monkeypatch: pytest.MonkeyPatch) -> None:
    from cgowarn import pipeline

    real = pipeline.analyze

    def fast_sees_less(sources: list[tuple[str, io.BytesIO]], fast: bool = True) -> object:
        if fast:
            sources = [(name, io.BytesIO(b"")) for name, _ in sources]
        return real(sources, fast=fast)

    monkeypatch.setattr(pipeline, "analyze", fast_sees_less)
    with pytest.raises(fuzz_log.Failure, match="disagree"):
        fuzz_log.check(WARNING)


def test_check_catches_slow_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fuzz_log, "SLOW", 0.0)
    with pytest.raises(fuzz_log.Failure, match="took"):
        fuzz_log.check(WARNING)


def test_check_passes_ordinary_logs() -> None:
    fuzz_log.check(b"")
    fuzz_log.check(WARNING)
    fuzz_log.check((fuzz_log.ROOT / "sample_logs" / "go-static-bfd.log").read_bytes())
