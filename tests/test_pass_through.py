"""--pass-through: the log comes out byte for byte and as it arrives, then the report; nothing the
user piped in is lost, whatever the bytes."""

from __future__ import annotations

import io
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cgowarn.pipeline import analyze
from conftest import SAMPLES

MSG = "Using 'getpwnam' in statically linked applications requires at runtime the shared libraries from the glibc version used for linking"
WARNING = f"/usr/bin/ld: a.o: in function `f':\na.c:2: warning: {MSG}\n".encode()
# Every awkward byte a build log can hold: invalid UTF-8, NUL, CR, escape codes, a line far longer
# than the parser's line limit, and no newline at the end.
AWKWARD = (
    b"gcc -c a.c\r\n\xff\xfe broken \x00 utf-8 \x1b[31mred\x1b[0m\n"
    + b"z" * 200_000
    + b"\n"
    + WARNING
    + b"last line without newline"
)


def cgowarn(*args: str, data: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "cgowarn", *args],
        input=data,
        capture_output=True,
        check=False,
    )


def test_log_then_report_on_stdout() -> None:
    alone = cgowarn("--format", "markdown", data=AWKWARD)
    proc = cgowarn("--pass-through", "--format", "markdown", data=AWKWARD)
    assert proc.returncode == alone.returncode == 1  # getpwnam is high: the exit code is unchanged
    assert proc.stdout == AWKWARD + alone.stdout
    assert proc.stderr == alone.stderr  # the gate's one line, and nothing else
    assert proc.stderr.startswith(b"cgowarn: --fail-on high: 1 high finding (getpwnam")


def test_report_to_a_file_leaves_stdout_exactly_the_log(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    proc = cgowarn("-p", "-o", str(report), "--fail-on", "never", data=AWKWARD)
    assert proc.returncode == 0
    assert proc.stdout == AWKWARD
    assert '"getpwnam"' in report.read_text(encoding="utf-8")


def test_files_are_echoed_in_order(tmp_path: Path) -> None:
    first = SAMPLES / "seed-article-go-sqlite3-centos.log"
    second = tmp_path / "second.log"
    second.write_bytes(AWKWARD)
    proc = cgowarn("-p", "-o", str(tmp_path / "r.txt"), str(first), str(second), data=b"")
    assert proc.stdout == first.read_bytes() + AWKWARD


def test_both_reading_paths_echo_the_same_bytes() -> None:
    for fast in (True, False):
        echoed = bytearray()
        analyze([("x.log", io.BytesIO(AWKWARD))], fast=fast, echo=echoed.extend)
        assert bytes(echoed) == AWKWARD


def test_each_line_is_echoed_as_it_arrives() -> None:
    """The build waits for its first line to come back before printing the next: with chunked
    reading instead of one read per arrival this would time out."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "cgowarn", "-p", "--fail-on", "never"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        for line in (b"step 1: compiling\n", WARNING):
            proc.stdin.write(line)
            proc.stdin.flush()
            got = b""
            deadline = time.monotonic() + 20
            while len(got) < len(line) and time.monotonic() < deadline:
                ready, _, _ = select.select([proc.stdout], [], [], 0.5)
                if ready:
                    got += os.read(proc.stdout.fileno(), len(line) - len(got))
            assert got == line
        proc.stdin.close()
        rest = proc.stdout.read()
        assert proc.wait(timeout=30) == 0
        assert b"getpwnam" in rest
    finally:
        proc.kill()
        proc.wait()


def test_closed_stdout_stops_quietly_with_141() -> None:
    big = (b"noise line\n" * 50_000 + WARNING) * 20  # far more than a pipe holds
    proc = subprocess.Popen(
        f"{sys.executable} -m cgowarn -p | head -c 100 > /dev/null; exit ${{PIPESTATUS[0]}}",
        shell=True,
        executable="/bin/bash",
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _, err = proc.communicate(big, timeout=60)
    assert proc.returncode == 141
    assert err == b""


@pytest.mark.parametrize("fmt", ["json", "text", "html"])
def test_report_to_a_closed_stdout_exits_141_in_every_format(fmt: str) -> None:
    """Without --pass-through too: the report itself (3,000 functions, far more than a pipe
    holds) hits the closed pipe. Markdown stays under 60,000 characters, which a pipe holds
    whole; the --pass-through test covers it."""
    log = "".join(
        f"/usr/bin/ld: obj{i}.o: in function `f{i}':\n"
        f"a{i}.c:(.text+0x1): warning: Using 'lookup{i}' in statically linked applications "
        "requires at runtime the shared libraries from the glibc version used for linking\n"
        for i in range(3000)
    )
    proc = subprocess.run(
        [
            "bash",
            "-c",
            f"{sys.executable} -m cgowarn --max-occurrences 3000 --format {fmt} "
            "| head -c 10 > /dev/null; exit ${PIPESTATUS[0]}",
        ],
        input=log.encode(),
        capture_output=True,
    )
    assert proc.returncode == 141, proc.stderr
    assert proc.stderr == b""
