"""The fixes cgowarn gives for a failed link are followed on real builds: the command from the
report is run as the user would paste it, the link succeeds, and the program runs and prints what
it should. (The glibc-warning fixes are followed in tests/test_advice_live.py.)"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from cgowarn.model import Report
from conftest import SAMPLES, analyze_bytes, offline_go, require_tool

SRC = SAMPLES / "src"
SIN_COS = "0.479426 0.877583 0.125000 0.707107 5.000000\n"
"""sin, cos, pow(x, 3), sqrt, floor(10x) of 0.5, as sample_logs/src/c-libm/libm.c prints them."""

pytestmark = [pytest.mark.toolchain, pytest.mark.slow]


def sh(cmd: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        ["bash", "-c", cmd],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=900,
    )


def libm_fix(report: Report) -> str:
    """The command the report gives for the undefined libm references."""
    assert report.summary.link_status == "failed"
    [libm] = [p for p in report.link_problems if p.kind == "libm"]
    assert libm.command is not None, libm
    return libm.command


def test_the_c_libm_fix_links_and_the_program_runs(tmp_path: Path) -> None:
    require_tool("gcc")
    shutil.copy(SRC / "c-libm" / "libm.c", tmp_path)
    # Under `set -x`, as a CI script runs it: the log shows the command with its files.
    failed = sh("set -x; gcc -O2 -static -o app *.c", tmp_path)
    assert failed.returncode != 0
    command = libm_fix(analyze_bytes((failed.stdout + failed.stderr).encode()))
    assert command == "gcc -O2 -static -o app libm.c -lm"
    fixed = sh(f"set -x; {command}", tmp_path)
    assert fixed.returncode == 0, fixed.stderr
    # The link command is shown and nothing else: a link seen, without errors.
    assert analyze_bytes((fixed.stdout + fixed.stderr).encode()).summary.link_status == "ok"
    # Its output alone (nothing: a clean link is silent) shows no link at all.
    silent = sh(command, tmp_path)
    assert analyze_bytes((silent.stdout + silent.stderr).encode()).summary.link_status == "unseen"
    assert sh("./app 0.5", tmp_path).stdout == SIN_COS
    assert "statically linked" in sh("file app", tmp_path).stdout


def test_the_go_libm_fix_links_and_the_program_runs(tmp_path: Path) -> None:
    """Debian's go-sqlite3 links the system libsqlite3.a, which needs libm: with -extldflags
    "-static" alone the link fails; the report's command adds -lm where Go passes it on."""
    go = require_tool("go")
    require_tool("gcc")
    if not Path("/usr/share/gocode/src/github.com/mattn/go-sqlite3").is_dir():
        require_tool("golang-github-mattn-go-sqlite3-dev")
    work = tmp_path / "go"
    shutil.copytree(SRC / "go", work)
    env = {**offline_go(tmp_path), "CGO_ENABLED": "1"}
    env["PATH"] = f"{Path(go).parent}:/usr/bin:/bin"
    build = "go build -ldflags '-linkmode external -extldflags \"-static\"' -o app ./cmd/a"
    failed = sh(build, work, env)
    assert failed.returncode != 0
    command = libm_fix(analyze_bytes((failed.stdout + failed.stderr).encode()))
    assert '-extldflags "-static -lm"' in command, command
    fixed = sh(command, work, env)
    assert fixed.returncode == 0, fixed.stderr
    assert analyze_bytes((fixed.stdout + fixed.stderr).encode()).summary.link_status == "ok"
    binary = next(p for p in work.iterdir() if p.is_file() and p.stat().st_mode & 0o111)
    assert "statically linked" in sh(f"file {binary.name}", work).stdout
    ran = sh(f"./{binary.name}", work)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith("root /root ")  # os/user, through the static glibc
