"""The advice for other languages, followed as a user would: build the program statically with
the language's own driver under `set -x` (as a CI script shows it), read the log, paste every
command the report prints into a fresh copy of the program, build it, and run the binary. Nim,
Zig and OCaml (Debian's nim and ocaml-nox, PyPI's ziglang); the other languages' fixes carry
no verified command (languages.toml `verified`)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

from cgowarn.pipeline import analyze
from conftest import SAMPLES, analyze_bytes, require_tool

PROGRAMS = SAMPLES / "src" / "runtime"

ZIG_MAIN = """\
const std = @import("std");
extern fn getpid() c_int;
pub fn main() void {
    std.debug.print("pid ok: {}\\n", .{getpid() > 0});
}
"""


@dataclass(frozen=True)
class Case:
    language: str
    tool: str
    files: dict[str, str]
    """File name -> contents (or the path of a file to copy, relative to PROGRAMS)."""
    build: str
    binary: str
    output: str
    """What the binary prints first, built any way."""


CASES = [
    Case(
        "nim",
        "nim",
        {"main.nim": "@nim/main.nim"},
        "nim c --hints:off --passL:-static main.nim",
        "main",
        "getpwnam root: /root",
    ),
    Case(
        "zig",
        "zig",
        {"main.zig": ZIG_MAIN},
        "zig build-exe main.zig -lc -target x86_64-linux-gnu -static",
        "main",
        "pid ok: true",
    ),
    Case(
        "ocaml",
        "ocamlopt",
        {"main.ml": "@ocaml/main.ml"},
        "ocamlopt unix.cmxa main.ml -o main -ccopt -static",
        "main",
        "root home: /root",
    ),
]


def _tool_bin(tmp: Path, case: Case) -> Path:
    """A directory for PATH with the case's tool: zig from PyPI's ziglang (a test dependency),
    the others from Debian."""
    bin_dir = tmp / "bin"
    bin_dir.mkdir(exist_ok=True)
    if case.tool == "zig":
        if importlib.util.find_spec("ziglang") is None:
            require_tool("ziglang (PyPI)")
        zig = bin_dir / "zig"
        zig.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m ziglang "$@"\n')
        zig.chmod(0o755)
    else:
        require_tool(case.tool)
    require_tool("musl-gcc") if case.language == "nim" else None
    return bin_dir


def _copy(case: Case, where: Path) -> Path:
    where.mkdir(parents=True)
    for name, text in case.files.items():
        if text.startswith("@"):
            shutil.copy(PROGRAMS / text[1:], where / name)
        else:
            (where / name).write_text(text)
    return where


def _sh(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )


def _linkage(binary: Path) -> tuple[bool, str]:
    """(static: no interpreter, the C library cgowarn inspect reads in it)."""
    with binary.open("rb") as fh:
        static = not any(s["p_type"] == "PT_INTERP" for s in ELFFile(fh).iter_segments())
    (info,) = analyze([], binaries=[str(binary)]).binaries
    return static, str(info.libc)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.language)
def test_every_printed_command_builds_and_runs(tmp_path: Path, case: Case) -> None:
    bin_dir = _tool_bin(tmp_path, case)
    env = {
        "PATH": f"{bin_dir}:{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    first = _copy(case, tmp_path / "first")
    built = _sh(f"set -x; {case.build}", first, env)
    log = (built.stdout + built.stderr).encode()
    report = analyze_bytes(log)
    assert [str(t) for t in report.build.toolchains] == [case.language], log[-2000:]
    pasted = [(r.id, c) for r in report.recommendations for c in r.commands]
    pasted += [(p.kind, p.command) for p in report.link_problems if p.command]
    assert pasted, (report.recommendations, report.link_problems)
    for r in report.recommendations:
        if r.commands:
            assert r.known == "verified" and r.verified_on == (case.language,), r
    for n, (fix, command) in enumerate(pasted):
        fresh = _copy(case, tmp_path / f"fix{n}")
        result = _sh(command, fresh, env)
        assert result.returncode == 0, (fix, command, result.stdout + result.stderr)
        ran = subprocess.run(
            [str(fresh / case.binary)], cwd=fresh, capture_output=True, text=True, timeout=60
        )
        assert ran.returncode == 0 and (ran.stdout + ran.stderr).startswith(case.output), (fix, ran)
        static, libc = _linkage(fresh / case.binary)
        if fix in ("musl", "other"):  # zig's refusal: its fix is the musl target
            assert static and libc == "musl", (fix, command, libc)
        elif fix == "dynamic":
            assert not static and libc == "glibc", (fix, command, libc)
    # Dropping what the fixes add leaves the user's command otherwise as it was.
    words = set(case.build.split())
    for _, command in pasted:
        assert words - {"-static", "--passL:-static", "-ccopt", "x86_64-linux-gnu"} <= set(
            command.split()
        ), command
    assert os.environ.get("CI") is None or pasted
