"""`cgowarn run -- CMD`: the build's output comes through unchanged and live, on the stream it was
written to; the reports hold what it printed; the exit code is the build's when it failed; signals
reach the build; nothing cgowarn does wrong can cost the build's output or status."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from conftest import SAMPLES

LOG = SAMPLES / "seed-article-go-sqlite3-centos.log"
EXPECTED = tomllib.loads(LOG.with_suffix(".toml").read_text(encoding="utf-8"))["expected"]
TIMEOUT = 60


def cgowarn_run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "cgowarn", "run", *args],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
        timeout=TIMEOUT,
        check=False,
    )


def cgowarn_lines(data: bytes) -> list[bytes]:
    """What cgowarn itself added to a stream: every line must be one of its own."""
    lines = data.splitlines()
    assert all(line.startswith(b"cgowarn: ") for line in lines), data[-2000:]
    return lines


def test_failed_build_keeps_its_output_and_status_and_every_report_is_written(
    tmp_path: Path,
) -> None:
    html, md, js = tmp_path / "r.html", tmp_path / "r.md", tmp_path / "r.json"
    proc = cgowarn_run(
        *("-o", str(html), "-o", str(md), "-o", str(js)),
        *("--", "sh", "-c", f"cat '{LOG}' >&2; exit 3"),
    )
    assert proc.returncode == 3
    assert proc.stdout == b""
    log = LOG.read_bytes()
    assert proc.stderr[: len(log)] == log
    cgowarn_lines(proc.stderr[len(log) :])
    report = json.loads(js.read_text(encoding="utf-8"))
    assert {f["symbol"]: f["count"] for f in report["findings"]} == EXPECTED
    for path in (html, md):
        text = path.read_text(encoding="utf-8")
        assert all(symbol in text for symbol in EXPECTED), path


def test_passing_build_with_findings_fails_the_gate_and_says_why(tmp_path: Path) -> None:
    proc = cgowarn_run("-o", str(tmp_path / "r.json"), "--", "cat", str(LOG))
    assert proc.returncode == 1
    assert proc.stdout == LOG.read_bytes()
    (line,) = cgowarn_lines(proc.stderr)
    assert line.startswith(b"cgowarn: --fail-on high: 6 high findings (getaddrinfo")
    assert line.endswith(f"report: {tmp_path / 'r.json'}".encode())


def test_fail_on_never_exits_0_and_the_text_report_follows_on_stderr() -> None:
    proc = cgowarn_run(
        "--fail-on", "never", "--", "sh", "-c", f"cat '{LOG}'; printf 'no newline' >&2"
    )
    assert proc.returncode == 0
    assert proc.stdout == LOG.read_bytes()  # standard output stays the build's alone
    build, sep, report = proc.stderr.partition(
        b"\n---------- cgowarn: report on the output of sh -c"
    )
    assert build == b"no newline" and sep
    assert b"getpwnam_r" in report and b"--fail-on" not in report


def test_stdout_and_stderr_stay_apart() -> None:
    script = "for i in 1 2 3; do printf 'out %s\\n' $i; printf 'err %s\\n' $i >&2; done"
    proc = cgowarn_run("-o", os.devnull, "--", "sh", "-c", script)
    assert proc.returncode == 0
    assert proc.stdout == b"out 1\nout 2\nout 3\n"
    assert proc.stderr == b"err 1\nerr 2\nerr 3\n"


def test_any_bytes_pass_unchanged(tmp_path: Path) -> None:
    out = b"\xff\xfe broken \x00 utf-8 \x1b[31mred\x1b[0m\r\n" + b"z" * 200_000 + b"\nno newline"
    err = bytes(range(256)) * 100 + b"\x00"
    (tmp_path / "out").write_bytes(out)
    (tmp_path / "err").write_bytes(err)
    proc = cgowarn_run("-o", "r.json", "--", "sh", "-c", "cat out; cat err >&2", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stdout == out
    assert proc.stderr == err


def test_a_line_split_across_writes_is_still_one_line_to_the_analysis(tmp_path: Path) -> None:
    """A linker writes half a warning line on stderr, the build prints a line on stdout, then the
    rest of the warning follows: the analysis must see the warning whole, not cut by the stdout
    line. And half a line on stdout (block-buffered in most builds) must not swallow a warning on
    stderr either."""
    (line,) = [x for x in LOG.read_bytes().splitlines(keepends=True) if b"'dlopen'" in x]
    cut = line.index(b"'dlopen'") + 3
    (tmp_path / "head").write_bytes(line[:cut])
    (tmp_path / "tail").write_bytes(line[cut:])
    (tmp_path / "getpw").write_bytes(
        next(x for x in LOG.read_bytes().splitlines(keepends=True) if b"'getpwuid_r'" in x)
    )
    script = (
        "cat head >&2; sleep 0.3; echo compiling; sleep 0.3; cat tail >&2; "
        "printf 'linking'; sleep 0.3; cat getpw >&2; sleep 0.3; printf ' done\\n'"
    )
    proc = cgowarn_run("-o", "r.json", "--fail-on", "never", "--", "sh", "-c", script, cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout == b"compiling\nlinking done\n"
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert sorted(f["symbol"] for f in report["findings"]) == ["dlopen", "getpwuid_r"]


def _read_until(stream: int, wanted: bytes, seen: bytearray) -> None:
    deadline = time.monotonic() + TIMEOUT
    while wanted not in seen:
        assert time.monotonic() < deadline, f"never saw {wanted!r}; got {bytes(seen)!r}"
        ready, _, _ = select.select([stream], [], [], 0.5)
        if ready:
            chunk = os.read(stream, 65536)
            assert chunk, f"end of output before {wanted!r}; got {bytes(seen)!r}"
            seen += chunk


@pytest.mark.parametrize("fd", [1, 2])
def test_each_line_comes_through_while_the_build_runs(tmp_path: Path, fd: int) -> None:
    """The build prints a line, then waits (up to the timeout) for a file that the test creates
    only once it has seen that line: buffered output would make this fail."""
    flag = tmp_path / "seen"
    script = (
        f"echo 'step 1' >&{fd}; n=0; while [ ! -e '{flag}' ] && [ $n -lt 600 ]; do "
        f"sleep 0.05; n=$((n+1)); done; [ -e '{flag}' ] && echo 'step 2' >&{fd}; exit 7"
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "cgowarn", "run", "-o", os.devnull, "--", "sh", "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    stream = proc.stdout if fd == 1 else proc.stderr
    assert stream is not None
    try:
        seen = bytearray()
        _read_until(stream.fileno(), b"step 1\n", seen)
        flag.touch()
        _read_until(stream.fileno(), b"step 2\n", seen)
        assert proc.wait(timeout=TIMEOUT) == 7
    finally:
        proc.kill()
        proc.communicate()


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_to_cgowarn_reaches_the_build_and_the_reports_are_written(
    tmp_path: Path, sig: signal.Signals, code: int
) -> None:
    name = sig.name.removeprefix("SIG")
    script = (
        f"trap 'echo \"build got {name}\"; exit {code}' {name}; cat '{LOG}' >&2; echo ready; "
        "n=0; while [ $n -lt 600 ]; do sleep 0.05; n=$((n+1)); done; echo 'not stopped'"
    )
    report = tmp_path / "r.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "cgowarn", "run", "-o", str(report), "--", "sh", "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # As from a terminal: a test run started in the background (`cmd &` in a script) has
        # SIGINT ignored, which cgowarn and the build would rightly inherit.
        preexec_fn=lambda: signal.signal(sig, signal.SIG_DFL),
    )
    assert proc.stdout is not None
    try:
        seen = bytearray()
        _read_until(proc.stdout.fileno(), b"ready\n", seen)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == code
    assert bytes(seen) + out == f"ready\nbuild got {name}\n".encode()
    assert err.startswith(LOG.read_bytes())
    findings = json.loads(report.read_text(encoding="utf-8"))["findings"]
    assert {f["symbol"] for f in findings} == set(EXPECTED)


FAILING_ANALYSIS = """
import sys
import cgowarn.pipeline

def analyze(sources, options):
    for name, stream in sources:
        stream.readinto(memoryview(bytearray(4096)))  # a little, then fail
    raise RuntimeError("analysis broke on purpose")

cgowarn.pipeline.analyze = analyze
from cgowarn.cli import main
main(sys.argv[1:], prog_name="cgowarn")
"""


@pytest.mark.parametrize("status", [0, 5])
def test_a_failing_analysis_costs_neither_output_nor_status(status: int) -> None:
    # About 30 MB, far more than the queue between the output and the analysis holds.
    script = (
        f"j=0; while [ $j -lt 1200 ]; do cat '{LOG}' '{LOG}' '{LOG}' '{LOG}' '{LOG}' '{LOG}' "
        f"'{LOG}' '{LOG}' '{LOG}' '{LOG}'; j=$((j+1)); done; exit {status}"
    )
    proc = subprocess.run(
        [sys.executable, "-c", FAILING_ANALYSIS, "run", "-o", os.devnull, "--", "sh", "-c", script],
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert proc.stdout == LOG.read_bytes() * 12_000
    (line,) = cgowarn_lines(proc.stderr)
    assert b"internal error: RuntimeError: analysis broke on purpose" in line
    assert proc.returncode == (status or 4)


def test_command_not_found_is_127_and_not_executable_is_126(tmp_path: Path) -> None:
    proc = cgowarn_run("--", "no-such-build-command-here")
    assert proc.returncode == 127
    assert proc.stderr == b"cgowarn: no-such-build-command-here: command not found\n"
    script = tmp_path / "build.sh"
    script.write_text("#!/bin/sh\necho hi\n")
    script.chmod(0o644)
    proc = cgowarn_run("--", str(script))
    assert proc.returncode == 126
    assert len(cgowarn_lines(proc.stderr)) == 1 and b"build.sh" in proc.stderr


def test_report_that_cannot_be_written_after_a_passing_build_is_3(tmp_path: Path) -> None:
    missing = tmp_path / "missing" / "r.json"
    proc = cgowarn_run("--fail-on", "never", "-o", str(missing), "--", "cat", str(LOG))
    assert proc.returncode == 3
    assert proc.stdout == LOG.read_bytes()
    (line,) = cgowarn_lines(proc.stderr)
    assert line.startswith(b"cgowarn: error: cannot write")


def test_report_that_cannot_be_written_after_a_failed_build_keeps_its_status(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "missing" / "r.json"
    proc = cgowarn_run("-o", str(missing), "--", "sh", "-c", f"cat '{LOG}'; exit 2")
    assert proc.returncode == 2
    assert proc.stdout == LOG.read_bytes()
    assert any(
        line.startswith(b"cgowarn: error: cannot write") for line in cgowarn_lines(proc.stderr)
    )


@pytest.mark.parametrize("args", [[], ["make"], ["--"], ["-o", "r.json", "make"]])
def test_without_a_command_after_dashes_is_a_usage_error(args: list[str]) -> None:
    proc = cgowarn_run(*args)
    assert proc.returncode == 2
    assert b"cgowarn run [OPTIONS] -- CMD [ARGS]..." in proc.stderr
    assert proc.stdout == b""


def test_help_documents_the_exit_codes() -> None:
    proc = cgowarn_run("--help")
    assert proc.returncode == 0
    for needle in (b"127", b"126", b"128+N", b"--fail-on", b"--binary", b"--build-glibc"):
        assert needle in proc.stdout


def test_closed_stdout_reaches_the_build_as_a_closed_pipe() -> None:
    """`cgowarn run -- build | head`: the build meets the closed pipe, as without cgowarn."""
    proc = subprocess.run(
        [
            "bash",
            "-c",
            f"{sys.executable} -m cgowarn run -o /dev/null -- "
            "dd if=/dev/zero bs=65536 count=4000 status=none | head -c 10 >/dev/null; "
            "exit ${PIPESTATUS[0]}",
        ],
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert proc.returncode == 141  # dd was ended by SIGPIPE: 128 + 13
    assert proc.stderr == b""


def test_a_background_process_holding_the_pipes_does_not_hold_the_run(tmp_path: Path) -> None:
    """The build exits at once but leaves a process with its standard output and error open:
    cgowarn reads for the grace period, then ends with the build's status and the report."""
    start = time.monotonic()
    proc = cgowarn_run(
        "-o",
        str(tmp_path / "r.json"),
        "--",
        "sh",
        "-c",
        f"sleep 40 & cat '{LOG}' >&2; exit 0",
    )
    took = time.monotonic() - start
    assert took < 15, took
    assert proc.returncode == 1  # the gate: the build passed, with findings
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert {f["symbol"]: f["count"] for f in report["findings"]} == EXPECTED


def test_a_slow_analysis_never_holds_the_build_back(tmp_path: Path) -> None:
    """An analysis that reads slowly: the build's output is passed through whole and at once,
    and what the analysis could not take is counted, not waited for."""
    from cgowarn import wrap

    taken: list[int] = []

    def slow(feed: wrap.Feed) -> int:
        buffer = bytearray(1 << 16)
        while n := feed.readinto(memoryview(buffer)):
            taken.append(n)
            time.sleep(0.02)
        return feed.unanalysed_bytes

    r, w = os.pipe()
    size = 64 << 20
    done = tmp_path / "done"
    script = (
        f"import sys, time; sys.stdout.buffer.write((b'y' * 1023 + b'\\n') * {size // 1024}); "
        f"sys.stdout.flush(); open({str(done)!r}, 'w').write(repr(time.time()))"
    )
    saved = os.dup(1)
    try:
        os.dup2(w, 1)
        reader = subprocess.Popen(["sh", "-c", "wc -c"], stdin=r, stdout=subprocess.PIPE)
        os.close(r)
        start = time.time()
        result, dropped, error = wrap.run([sys.executable, "-c", script], slow)
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(w)
    passed = int(reader.communicate(timeout=TIMEOUT)[0])
    assert error is None and result.status == 0
    assert passed == size  # every byte reached standard output
    assert dropped > 0 and dropped + sum(taken) == size
    build_took = float(done.read_text()) - start
    assert build_took < 5, build_took  # the build ran at its own speed


@pytest.mark.parametrize("columns", [60, 100])
def test_the_separator_fits_the_terminal(columns: int) -> None:
    long = "echo " + "x" * 150
    result = subprocess.run(
        [sys.executable, "-m", "cgowarn", "run", "--fail-on", "never", "--", "sh", "-c", long],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": str(columns)},
        timeout=120,
    )
    separator = next(line for line in result.stderr.splitlines() if line.startswith("-" * 10))
    assert len(separator) <= columns and separator.endswith("-" * 10)
    assert "report on the output of sh" in separator
