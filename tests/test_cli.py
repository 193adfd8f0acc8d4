"""The command line as a user drives it: inputs, formats, output files, exit codes, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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


def test_no_warnings_says_so_and_warns_about_silent_linkers(cli: CliRunner) -> None:
    result = cli.invoke(main, [], input=b"ok\n")
    assert result.exit_code == 0
    assert "No glibc link warnings found" in result.stdout
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
