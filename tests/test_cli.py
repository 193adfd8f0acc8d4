"""The command line as a user drives it: inputs, formats, output files, exit codes, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cgowarn.cli import main
from conftest import SAMPLES

SEED = SAMPLES / "excerpts" / "old_ld_go_sqlite3_457.log"
MSG = "Using '{}' in statically linked applications requires at runtime the shared libraries from the glibc version used for linking"
HIGH = f"a.c:(.text+0x1): warning: {MSG.format('getpwnam')}\n".encode()
MEDIUM = b"a.c:(.text+0x1): warning: the use of `mktemp' is dangerous, better use `mkstemp'\n"
LOW = b"a.c:(.text+0x1): warning: inet6_option_alloc is obsolete, use the RFC 3542 interfaces\n"


@pytest.mark.parametrize(
    ("data", "fail_on", "code"),
    [
        (HIGH, None, 1),
        (MEDIUM, None, 0),
        (MEDIUM, "medium", 1),
        (LOW, "medium", 0),
        (LOW, "low", 1),
        (HIGH, "never", 0),
        (b"", None, 0),
        (b"nothing to see\n", "low", 0),
    ],
)
def test_exit_codes(cli: CliRunner, data: bytes, fail_on: str | None, code: int) -> None:
    args = ["--fail-on", fail_on] if fail_on else []
    result = cli.invoke(main, args, input=data)
    assert result.exit_code == code, result.output


def test_no_link_output_says_so_and_warns_about_silent_linkers(cli: CliRunner) -> None:
    result = cli.invoke(main, [], input=b"ok\n")
    assert result.exit_code == 0
    assert "No glibc link warnings found" not in result.stdout  # no link was seen: no all-clear
    assert "Link: NOT SEEN" in result.stdout
    assert "lld" in result.stdout and "mold" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/nonexistent/build.log"], "cannot read /nonexistent/build.log: no such file"),
        (["--format", "pdf", "x.log"], "Invalid value for '-f' / '--format'"),
        (["--fail-on", "urgent"], "Invalid value for '--fail-on'"),
        (["--no-such-option"], "No such option"),
    ],
)
def test_usage_and_input_errors_exit_2_without_traceback(
    cli: CliRunner, args: list[str], message: str
) -> None:
    result = cli.invoke(main, args, input=b"")
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_directory_unreadable_and_elf_inputs(cli: CliRunner, tmp_path: Path) -> None:
    result = cli.invoke(main, [str(tmp_path)])
    assert result.exit_code == 2 and "is a directory" in result.output
    elf = tmp_path / "app"
    elf.write_bytes(b"\x7fELF\x02\x01\x01" + b"\0" * 100)
    result = cli.invoke(main, [str(elf)])
    assert result.exit_code == 2 and "ELF binary, not a build log" in result.output
    if os.geteuid() != 0:  # root reads anything
        secret = tmp_path / "secret.log"
        secret.write_text("x")
        secret.chmod(0)
        result = cli.invoke(main, [str(secret)])
        assert result.exit_code == 2 and "permission denied" in result.output


def test_several_logs_and_dash_for_stdin(cli: CliRunner, tmp_path: Path) -> None:
    a = tmp_path / "a.log"
    a.write_bytes(HIGH)
    result = cli.invoke(main, ["-f", "json", str(a), "-", str(a)], input=HIGH)
    report = json.loads(result.stdout)
    assert [s["name"] for s in report["sources"]] == [str(a), "<stdin>", str(a)]
    assert report["findings"][0]["count"] == 3
    assert len(report["links"]) == 3


def test_output_file_and_format_from_extension(cli: CliRunner, tmp_path: Path) -> None:
    for name, marker in [
        ("r.html", "<!DOCTYPE html>"),
        ("r.md", "## cgowarn"),
        ("r.json", '"format_version"'),
        ("r.txt", "cgowarn:"),
    ]:
        out = tmp_path / name
        result = cli.invoke(main, ["-o", str(out), str(SEED)])
        assert result.exit_code == 1
        assert result.stdout == ""
        assert out.read_text().lstrip().startswith(marker) or marker in out.read_text()[:200]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "r.json", "r.md", "r.txt"]


def test_unwritable_output_leaves_no_partial_file(cli: CliRunner, tmp_path: Path) -> None:
    result = cli.invoke(main, ["-o", str(tmp_path / "missing-dir" / "r.html"), str(SEED)])
    assert result.exit_code == 3
    assert "cannot write" in result.output
    assert list(tmp_path.iterdir()) == []


def test_explicit_subcommand_and_help(cli: CliRunner) -> None:
    result = cli.invoke(main, ["analyze", "--fail-on", "never", str(SEED)])
    assert result.exit_code == 0 and "getaddrinfo" in result.stdout
    result = cli.invoke(main, ["--help"])
    assert result.exit_code == 0
    for text in (
        "Usage: cgowarn [OPTIONS] [LOG]...",
        "--format",
        "--fail-on",
        "Exit codes",
        "2>&1 | cgowarn",
        "schema",
    ):
        assert text in result.stdout


def test_color_only_when_asked_or_on_a_terminal(cli: CliRunner) -> None:
    plain = cli.invoke(main, [str(SEED)]).stdout
    assert "\x1b[" not in plain
    colored = cli.invoke(main, ["--color", str(SEED)]).stdout
    assert "\x1b[31m" in colored
    assert "\x1b[" not in cli.invoke(main, ["--color", "-f", "markdown", str(SEED)]).stdout


def _run(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    result: subprocess.CompletedProcess[str] = subprocess.run(
        [sys.executable, "-m", "cgowarn", *args], capture_output=True, text=True, **kwargs
    )
    return result


def test_console_entry_points_and_version() -> None:
    from cgowarn import __version__

    result = _run("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"cgowarn {__version__}"
    result = _run(str(SEED))
    assert result.returncode == 1 and "getaddrinfo" in result.stdout


def test_help_and_version_import_neither_jinja2_nor_pydantic() -> None:
    code = (
        "import sys\n"
        "from cgowarn.cli import main\n"
        "for args in (['--help'], ['--version']):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "heavy = sorted(m for m in ('jinja2', 'pydantic', 'regex') if m in sys.modules)\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "HEAVY []" in result.stderr


def test_stdin_pipe_like_a_user(tmp_path: Path) -> None:
    result = _run("--format", "json", input=SEED.read_text())
    assert result.returncode == 1
    assert {f["symbol"] for f in json.loads(result.stdout)["findings"]} == {
        "dlopen",
        "getaddrinfo",
        "mktemp",
    }


def test_schema_command_matches_committed_schema() -> None:
    result = _run("schema")
    committed = (Path(__file__).resolve().parents[1] / "schemas" / "report.schema.json").read_text()
    assert result.stdout == committed, (
        "regenerate with: cgowarn schema > schemas/report.schema.json"
    )
    import jsonschema

    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert jsonschema.validators.validator_for(schema) is jsonschema.Draft202012Validator
    report = json.loads(_run("--format", "json", input=SEED.read_text()).stdout)
    jsonschema.Draft202012Validator(schema).validate(report)


# --- the error boundary: every way a run ends has its code and one line ----------------------------


def test_write_error_on_standard_output_is_one_line_exit_3() -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "cgowarn", str(SEED)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
        )
    assert result.returncode == 3
    assert result.stderr.strip().splitlines() == [
        "cgowarn: error: cannot write to standard output: No space left on device"
    ]


def test_internal_error_exit_4_one_line_and_debug_traceback(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cgowarn.pipeline

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(cgowarn.pipeline, "analyze", boom)
    result = cli.invoke(main, [str(SEED)])
    assert result.exit_code == 4
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("cgowarn: internal error: RuntimeError: boom.") and "--debug" in line
    result = cli.invoke(main, ["--debug", str(SEED)])
    assert result.exit_code == 4
    assert "Traceback" in result.stderr and "RuntimeError: boom" in result.stderr


def test_interrupt_exit_130(cli: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    import cgowarn.pipeline

    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cgowarn.pipeline, "analyze", interrupted)
    for args in ([str(SEED)], ["inspect", sys.executable]):
        result = cli.invoke(main, args)
        assert result.exit_code == 130, args
        assert result.stderr.strip() == "cgowarn: interrupted"
        assert "Aborted" not in result.output


def test_unknown_option_points_at_cgowarn_help(cli: CliRunner) -> None:
    result = cli.invoke(main, ["--bogus", str(SEED)])
    assert result.exit_code == 2
    assert "Try 'cgowarn --help' for help." in result.output
    assert "analyze" not in result.output


def test_corrupted_version_in_patterns_is_one_line_exit_2(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from cgowarn.knowledge import loader

    target = tmp_path / "patterns"
    shutil.copytree(Path(__file__).resolve().parents[1] / "patterns", target)
    path = target / "platforms.toml"
    path.write_text(path.read_text().replace('kernel = "4.18.0"', 'kernel = "4.18.O"', 1))
    monkeypatch.setattr(loader, "data_dir", lambda name: tmp_path / name)
    loader.load_knowledge.cache_clear()
    try:
        result = cli.invoke(main, [str(SEED)])
    finally:
        loader.load_knowledge.cache_clear()
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "patterns/platforms.toml: invalid entry distribution.2.kernel ('rhel8')" in line
    assert "'4.18.O' is not a version" in line


def test_color_never_goes_into_a_file(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    result = cli.invoke(main, ["--color", "--fail-on", "never", "-o", str(out), str(SEED)])
    assert result.exit_code == 0
    text = out.read_text()
    assert "getaddrinfo" in text and "\x1b" not in text


def test_failed_write_after_the_file_was_created_leaves_nothing(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The temporary file exists when the rename fails: it is removed, and the old report
    stays."""

    dest = tmp_path / "report.md"
    dest.write_text("old report")

    def fail(src: str, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("cgowarn.output.os.replace", fail)
    result = cli.invoke(main, ["-o", str(dest), str(SEED)])
    assert result.exit_code == 3
    assert "cannot write" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]
    assert dest.read_text() == "old report"


# --- encodings: machine formats are UTF-8 whatever the locale -------------------------------------

# A localised ld (zh_CN) warning about a function whose name is not Latin-1: both reach the report.
NON_LATIN1 = (
    "/usr/bin/ld: /tmp/构建/a.o: 在函数‘main’中：\n"
    "a.c:(.text+0x1): 警告：Using '函数é' in statically linked applications requires at runtime "
    "the shared libraries from the glibc version used for linking\n"
).encode()
LATIN1_ENV = {"LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": "latin-1"}


@pytest.mark.parametrize("fmt", ["json", "markdown", "html", "text"])
@pytest.mark.parametrize("env", [LATIN1_ENV, {"LC_ALL": "C"}, {"PYTHONIOENCODING": "ascii"}])
def test_standard_output_in_any_locale(tmp_path: Path, fmt: str, env: dict[str, str]) -> None:
    log = tmp_path / "zh.log"
    log.write_bytes(NON_LATIN1)
    result = subprocess.run(
        [sys.executable, "-m", "cgowarn", "--fail-on", "low", "--format", fmt, str(log)],
        capture_output=True,
        env={**os.environ, **env},
    )
    assert result.returncode == 1, result.stderr
    # The one line that says why the gate failed, in the locale's encoding.
    assert result.stderr.startswith(b"cgowarn: --fail-on low: 1 finding ("), result.stderr
    assert result.stderr.endswith(b")\n"), (
        result.stderr
    )  # the report was just printed: no "report:"
    assert result.stderr.count(b"\n") == 1
    if fmt == "json":
        report = json.loads(result.stdout.decode("utf-8"))
        assert [f["symbol"] for f in report["findings"]] == ["函数é"]
    elif fmt in ("markdown", "html"):
        assert "函数é" in result.stdout.decode("utf-8")
    else:  # text for a terminal: its encoding, with replacement characters
        encoding = env.get("PYTHONIOENCODING", "utf-8")
        text = result.stdout.decode(encoding)
        expected = "函数é".encode(encoding, "replace").decode(encoding)
        assert expected in text


def test_explain_in_a_latin1_locale() -> None:
    message = NON_LATIN1.decode().splitlines()[1]
    result = subprocess.run(
        [sys.executable, "-m", "cgowarn", "explain", message],
        capture_output=True,
        env={**os.environ, **LATIN1_ENV},
    )
    assert result.stderr == b"" or result.returncode == 2
    assert b"Traceback" not in result.stderr


# --- closed streams, empty paths ------------------------------------------------------------------


def _shell(command: str) -> subprocess.CompletedProcess[str]:
    result: subprocess.CompletedProcess[str] = subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, timeout=60
    )
    return result


def test_closed_standard_input_is_one_line_exit_2() -> None:
    for args in ("", "-", f"- {SEED}"):
        result = _shell(f"{sys.executable} -m cgowarn {args} <&-")
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.strip().splitlines() == [
            "cgowarn: error: cannot read standard input: it is closed; give a LOG file, or pipe a log in"
        ]


def test_closed_standard_input_with_a_file_works() -> None:
    result = _shell(f"{sys.executable} -m cgowarn -f json {SEED} <&-")
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["findings"]


@pytest.mark.parametrize("args", ["", "-p", "-f json", "explain getpwnam", "schema"])
def test_closed_standard_output_is_one_line_exit_3(args: str) -> None:
    log = "" if args.startswith(("explain", "schema")) else str(SEED)
    result = _shell(f"{sys.executable} -m cgowarn {args} {log} >&-")
    assert result.returncode == 3, (args, result.stderr)
    assert result.stderr.strip().splitlines() == [
        "cgowarn: error: cannot write to standard output: it is closed"
    ]


def test_closed_standard_output_with_an_output_file(tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    result = _shell(f"{sys.executable} -m cgowarn -o {out} {SEED} >&- 2>&-")
    assert result.returncode == 1
    assert out.read_text().startswith("## cgowarn")


@pytest.mark.parametrize(
    ("args", "line"),
    [
        ([""], "cgowarn: error: cannot read a LOG argument: the path is empty"),
        ([str(SEED), ""], "cgowarn: error: cannot read a LOG argument: the path is empty"),
        (
            ["--binary", "", str(SEED)],
            "cgowarn: error: cannot read a BINARY argument: the path is empty",
        ),
        (["inspect", ""], "cgowarn: error: cannot read a BINARY argument: the path is empty"),
        (
            ["-o", "", str(SEED)],
            "cgowarn: error: --output: the path is empty; give a file, or - for standard output",
        ),
    ],
)
def test_empty_path_is_one_line_exit_2(cli: CliRunner, args: list[str], line: str) -> None:
    result = cli.invoke(main, args)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [line]


# --- colour ---------------------------------------------------------------------------------------


def _on_a_terminal(env: dict[str, str], *args: str) -> str:
    """Run cgowarn with standard output on a pseudo-terminal; what it printed."""
    import pty

    primary, secondary = pty.openpty()
    clean = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cgowarn", "--fail-on", "never", *args, str(SEED)],
            stdout=secondary,
            stderr=subprocess.PIPE,
            env={**clean, **env},
        )
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # EIO: the other side is closed
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert proc.wait(timeout=60) == 0
    finally:
        os.close(primary)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize(
    ("env", "colour"),
    [
        ({"TERM": "xterm-256color"}, True),
        ({"TERM": "xterm", "NO_COLOR": ""}, True),  # present but empty: no effect
        ({"TERM": "xterm", "NO_COLOR": "1"}, False),
        ({"TERM": "dumb"}, False),
        ({}, True),
    ],
)
def test_colour_on_a_terminal(env: dict[str, str], colour: bool) -> None:
    assert ("\x1b[" in _on_a_terminal(env)) is colour


def test_color_flag_beats_the_environment() -> None:
    assert "\x1b[" in _on_a_terminal({"TERM": "dumb", "NO_COLOR": "1"}, "--color")
    assert "\x1b[" not in _on_a_terminal({"TERM": "xterm"}, "--no-color")


# --- Ctrl-C: 130 and one line, wherever it lands --------------------------------------------------

SLOW_IMPORT = """\
import os, sys, time

class SlowImport:
    '''Stands still when Python is about to import the module named in CGOWARN_TEST_SLOW_IMPORT.'''

    def find_spec(self, name, path=None, target=None):
        if name == os.environ.get("CGOWARN_TEST_SLOW_IMPORT"):
            os.write(2, b"importing " + name.encode() + b"\\n")
            time.sleep(30)
        return None

sys.meta_path.insert(0, SlowImport())
"""


def _console_script() -> str:
    script = Path(sys.executable).with_name("cgowarn")
    if not script.exists():
        pytest.skip("the cgowarn console script is not installed beside this Python")
    return str(script)


def _interrupt_when(proc: subprocess.Popen[bytes], marker: bytes) -> bytes:
    """Wait until the process prints `marker` on standard error, then send SIGINT; the rest of
    what it prints there."""
    import signal

    assert proc.stderr is not None
    seen = b""
    deadline = time.monotonic() + 60
    while marker not in seen:
        assert time.monotonic() < deadline, seen
        chunk = proc.stderr.readline()
        assert chunk, seen
        seen += chunk
    proc.send_signal(signal.SIGINT)
    rest = proc.stderr.read()
    proc.wait(timeout=60)
    return seen.split(marker, 1)[1].lstrip(b"\n") + rest


@pytest.mark.parametrize("module", ["click", "pydantic"])
@pytest.mark.parametrize("how", ["console script", "python -m"])
def test_interrupt_while_importing_is_130_without_traceback(
    tmp_path: Path, module: str, how: str
) -> None:
    """click is imported before main() runs; pydantic when the command does."""
    (tmp_path / "sitecustomize.py").write_text(SLOW_IMPORT)
    command = [_console_script()] if how == "console script" else [sys.executable, "-m", "cgowarn"]
    proc = subprocess.Popen(
        [*command, str(SEED)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
            "CGOWARN_TEST_SLOW_IMPORT": module,
        },
    )
    rest = _interrupt_when(proc, f"importing {module}".encode())
    assert proc.returncode == 130, rest
    assert rest.decode().strip().splitlines() == ["cgowarn: interrupted"]


def test_interrupt_while_reading_a_slow_pipe() -> None:
    import signal

    proc = subprocess.Popen(
        [sys.executable, "-m", "cgowarn", "-p"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    try:
        proc.stdin.write(HIGH)
        proc.stdin.flush()
        assert proc.stdout.readline() == HIGH  # echoed: it is reading, and waits for more
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=60) == 130
        assert proc.stderr.read().decode().strip().splitlines() == ["cgowarn: interrupted"]
    finally:
        proc.kill()
        proc.wait()


def test_interrupt_during_inspect(tmp_path: Path) -> None:
    """Ctrl-C while inspect works (here: while it imports the ELF reader): 130 and one line, not
    click's "Aborted!" and 1."""
    (tmp_path / "sitecustomize.py").write_text(SLOW_IMPORT)
    proc = subprocess.Popen(
        [sys.executable, "-m", "cgowarn", "inspect", sys.executable],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
            "CGOWARN_TEST_SLOW_IMPORT": "elftools",
        },
    )
    rest = _interrupt_when(proc, b"importing elftools")
    assert proc.returncode == 130, rest
    assert rest.decode().strip().splitlines() == ["cgowarn: interrupted"]


def test_inspect_a_pipe_is_one_line_exit_2(tmp_path: Path, cli: CliRunner) -> None:
    fifo = tmp_path / "app"
    os.mkfifo(fifo)
    result = cli.invoke(main, ["inspect", str(fifo)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"cgowarn: error: cannot inspect {fifo}: it is a pipe, not a file"
    ]


def test_interrupt_while_click_reads_the_options(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real SIGINT outside the command's own work (here: in an option's callback) ends the run
    with 130, never click's "Aborted!" and 1 (main() installs the handler, whatever the name the
    program was started by)."""
    import signal

    from cgowarn.cli import options as cli_options

    def interrupted(value: str | None) -> str | None:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1)  # the handler runs here
        return value

    monkeypatch.setattr(cli_options, "_check_version", interrupted)
    before = signal.getsignal(signal.SIGINT)
    result = cli.invoke(main, ["--build-glibc", "2.17", str(SEED)])
    assert result.exit_code == 130
    assert "Aborted" not in result.output
    assert signal.getsignal(signal.SIGINT) is before  # handed back when main() returns


def test_files_never_get_the_number_of_a_closed_standard_stream() -> None:
    """Started with 0, 1 and 2 closed, the next file cgowarn opens must not become one of them
    (a stray write to "standard error" would land in it)."""
    code = (
        "import os, sys\n"
        "from cgowarn.cli.boundary import reserve_standard_descriptors\n"
        "reserve_standard_descriptors()\n"
        "fd = os.open(sys.argv[1], os.O_RDONLY)\n"
        "os.write(3, str(fd).encode())\n"
    )
    result = _shell(f"{sys.executable} -c '{code}' {SEED} 3>&1 <&- >&- 2>&-")
    assert int(result.stdout) > 3  # 3 is the test's pipe


@pytest.mark.parametrize(
    "args", [["schema"], ["explain"], ["explain", "getpwnam"], ["-f", "json", str(SEED)]]
)
def test_every_command_exits_141_when_the_reader_is_gone(args: list[str]) -> None:
    """The reading end is closed before cgowarn has started, so even a short output meets a
    closed pipe."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "cgowarn", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 141
    assert err == b""


# --- several reports in one run, and a gate that says why -------------------------------------------


def test_one_run_writes_every_output_each_in_its_format(cli: CliRunner, tmp_path: Path) -> None:
    html, md, js, txt = (tmp_path / n for n in ("r.html", "r.md", "data", "r.txt"))
    result = cli.invoke(
        main, ["-o", str(html), "-o", str(md), "-o", f"json:{js}", "-o", str(txt), str(SEED)]
    )
    assert result.exit_code == 1
    assert result.stdout == ""  # every report went to a file
    assert html.read_text().startswith("<!DOCTYPE html>")
    assert md.read_text().startswith("## cgowarn")
    assert json.loads(js.read_text())["summary"]["distinct_functions"] >= 1
    assert txt.read_text().startswith("cgowarn: ")
    assert "\x1b[" not in txt.read_text()


def test_format_applies_to_a_single_output_and_to_standard_output(
    cli: CliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "comment.txt"
    assert cli.invoke(main, ["--format", "markdown", "-o", str(out), str(SEED)]).exit_code == 1
    assert out.read_text().startswith("## cgowarn")
    # With several outputs, as with one: --format is the format of every output without a
    # FORMAT: prefix; a prefix still names its own.
    a, b, c = tmp_path / "a.out", tmp_path / "b.html", tmp_path / "c.html"
    result = cli.invoke(
        main, ["--format", "json", "-o", str(a), "-o", str(b), "-o", f"html:{c}", str(SEED)]
    )
    assert result.exit_code == 1
    assert json.loads(a.read_text())["findings"]
    assert json.loads(b.read_text())["findings"]
    assert c.read_text().startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "x.md", "-o", "x.md"], "--output x.md is given twice"),
        (["-o", "-", "-o", "-"], "--output - is given twice"),
        (["-o", "html:"], "--output 'html:': the path is empty"),
    ],
)
def test_bad_output_lists_are_usage_errors(
    cli: CliRunner, tmp_path: Path, args: list[str], message: str
) -> None:
    result = cli.invoke(main, [*args, str(SEED)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "x.md").exists()


def test_a_failed_gate_says_why_and_where_the_report_is(cli: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = cli.invoke(main, ["--fail-on", "high", "-o", str(out), str(SEED)])
    assert result.exit_code == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    symbols = [f["symbol"] for f in _json(cli, SEED)["findings"] if f["severity"] == "high"]
    assert line.startswith(f"cgowarn: --fail-on high: {len(symbols)} high finding")
    assert symbols[0] in line
    assert line.endswith(f"; report: {out}")


def test_a_passing_gate_is_silent(cli: CliRunner) -> None:
    result = cli.invoke(main, ["--fail-on", "never", str(SEED)])
    assert result.exit_code == 0
    assert result.stderr == ""


def test_an_empty_input_says_so(cli: CliRunner) -> None:
    result = cli.invoke(main, [], input=b"")
    assert result.exit_code == 0
    assert "cgowarn: The input was empty: did the pipe miss `2>&1`?" in result.stderr
    assert "The input was empty" in result.stdout  # and the report says so too


CARGO_WITHOUT_LINKER_MESSAGES = (
    b"   Compiling app v0.1.0 (/src/app)\n"
    b"    Finished `release` profile [optimized] target(s) in 1.20s\n"
)


def test_a_quiet_rust_build_says_how_to_see_the_linker(cli: CliRunner) -> None:
    result = cli.invoke(main, ["--format", "json"], input=CARGO_WITHOUT_LINKER_MESSAGES)
    notes = json.loads(result.stdout)["notes"]
    assert any("-W linker-messages" in n for n in notes), notes
    assert any("cgowarn inspect" in n for n in notes), notes
    assert "empty" not in result.stderr


def test_a_silent_linker_says_what_to_do_instead(cli: CliRunner) -> None:
    log = b"gcc -static -fuse-ld=lld -o app app.o\n"
    report = json.loads(cli.invoke(main, ["--format", "json"], input=log).stdout)
    [note] = report["notes"]
    assert note.startswith("The log shows lld in use.")
    assert "--binary ./app" in note and "-fuse-ld=bfd" in note


def _json(cli: CliRunner, log: Path) -> dict[str, Any]:
    return dict(json.loads(cli.invoke(main, ["--format", "json", str(log)]).stdout))


def test_help_lists_every_command_in_full(cli: CliRunner) -> None:
    """`cgowarn --help` names every other command with a whole sentence, not a cut one."""
    import re

    out = cli.invoke(main, ["--help"]).stdout
    listed = out.split("Other commands:", 1)[1]
    entries = {
        m.group(1): " ".join(m.group(2).split())
        for m in re.finditer(r"^  (\w+) +(.*(?:\n {4,}.*)*)", listed, re.M)
    }
    assert set(entries) == {"baseline", "run", "inspect", "explain", "schema", "comment"}
    for name, text in entries.items():
        assert text.endswith(".") and "..." not in text, (name, text)


def test_the_gate_line_names_only_report_files_and_q_drops_it(tmp_path: Path) -> None:
    """Printed on the terminal, the report was just seen: the gate line names only files; -q
    drops the gate line and the configuration line, not the exit code."""
    out = tmp_path / "r.md"
    printed = _run(str(SEED))
    assert printed.returncode == 1 and "report:" not in printed.stderr
    assert printed.stderr.startswith("cgowarn: --fail-on high: ")
    to_file = _run("-o", str(out), "-o", "-", str(SEED))
    assert to_file.stderr.rstrip().endswith(f"; report: {out}")
    (tmp_path / ".cgowarn.toml").write_text('fail-on = "high"\n')
    quiet = subprocess.run(
        [sys.executable, "-m", "cgowarn", "-q", str(SEED)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert quiet.returncode == 1 and quiet.stderr == ""
    loud = subprocess.run(
        [sys.executable, "-m", "cgowarn", str(SEED)], capture_output=True, text=True, cwd=tmp_path
    )
    assert "configuration in effect" in loud.stderr and "--fail-on high" in loud.stderr


@pytest.mark.parametrize(
    ("env", "colour"),
    [
        ({"FORCE_COLOR": "1"}, True),
        ({"CLICOLOR_FORCE": "1"}, True),
        ({"FORCE_COLOR": "0"}, False),
        ({"FORCE_COLOR": ""}, False),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        ({}, False),
    ],
)
def test_force_color_off_a_terminal(env: dict[str, str], colour: bool) -> None:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE")
    }
    result = subprocess.run(
        [sys.executable, "-m", "cgowarn", str(SEED)],
        capture_output=True,
        text=True,
        env={**base, **env},
    )
    assert ("\x1b[" in result.stdout) is colour
    forced = subprocess.run(
        [sys.executable, "-m", "cgowarn", "--no-color", str(SEED)],
        capture_output=True,
        text=True,
        env={**base, **env},
    )
    assert "\x1b[" not in forced.stdout


@pytest.mark.parametrize("width", [80, 100])
@pytest.mark.parametrize("words", [["getpwnam"], ["FATAL: kernel too old"], []])
def test_explain_fits_the_terminal(width: int, words: list[str]) -> None:
    result = _run("explain", *words, env={**os.environ, "COLUMNS": str(width)})
    assert result.returncode == 0
    long = [line for line in result.stdout.splitlines() if len(line) > width]
    assert all(" " not in line.strip() for line in long), long  # only an unbreakable URL
    assert len(result.stdout.splitlines()) > 10


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [
        ("cgowarn ins", 1, {"plain,inspect", "file,ins"}),
        ("cgowarn inspect --target cen", 3, {"plain,centos6", "plain,centos7"}),
        ("cgowarn --target alp", 2, {"plain,alpine"}),
        (
            "cgowarn run --target ubuntu2",
            3,
            {"plain,ubuntu20.04", "plain,ubuntu22.04", "plain,ubuntu24.04"},
        ),
    ],
)
def test_shell_completion_of_subcommands_and_targets(
    words: str, cword: int, expected: set[str]
) -> None:
    """As the shell runs it: the console script, named cgowarn (the variable's name comes from it)."""
    script = str(Path(sys.executable).with_name("cgowarn"))
    env = {**os.environ, "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    result = subprocess.run(
        [script], capture_output=True, text=True, env={**env, "_CGOWARN_COMPLETE": "bash_complete"}
    )
    assert set(result.stdout.split()) == expected, result.stdout
    source = subprocess.run(
        [script], capture_output=True, text=True, env={**env, "_CGOWARN_COMPLETE": "bash_source"}
    )
    assert "complete -o nosort -F _cgowarn_completion cgowarn" in source.stdout
