"""What people paste after a static build goes wrong on the target host: run-time failures ("FATAL:
kernel too old", "version `GLIBC_2.34' not found", crashes) and Go's loadinternal error. A log or
standard input holding one is explained and exits with 1; `cgowarn explain` explains the pasted
text itself. The advice is run where this machine can run it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from cgowarn.cli import main
from conftest import SAMPLES, analyze_text, offline_go, require_tool

SRC = SAMPLES / "src"
GO = "/usr/lib/go/bin/go"
STATIC = "-ldflags '-linkmode external -extldflags \"-static\"'"
RUNTIME_SAMPLES = {
    "go-lookup-static-bfd-loadinternal": {"go_loadinternal_runtime_cgo"},
    "go-lookup-static-bfd-loadinternal-run": {"go_loadinternal_runtime_cgo", "crash_sigtrap"},
    "go-lookup-static-bfd-nss-crash": {"crash_sigsegv"},
    "go127-lookup-static-bfd-nss-crash": {"crash_sigsegv"},
    "c-nss-static-bfd-nss-crash": {"crash_sigsegv"},
}


def run(cli: CliRunner, args: list[str], data: bytes | None = None) -> tuple[int, str]:
    result = cli.invoke(main, args, input=data)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout


def diagnostics(report_json: str) -> dict[str, dict[str, object]]:
    return {d["kind"]: d for d in json.loads(report_json)["diagnostics"]}


# --- logs and standard input ----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(RUNTIME_SAMPLES))
def test_captured_runtime_failures_exit_1_unless_fail_on_never(cli: CliRunner, name: str) -> None:
    log = str(SAMPLES / f"{name}.log")
    code, out = run(cli, ["-f", "json", log])
    assert code == 1
    assert set(diagnostics(out)) == RUNTIME_SAMPLES[name]
    for fail_on in ("high", "medium", "low"):
        assert run(cli, ["--fail-on", fail_on, log])[0] == 1, fail_on
    assert run(cli, ["--fail-on", "never", log])[0] == 0


def test_the_loadinternal_build_alone_exits_1_with_no_finding(cli: CliRunner) -> None:
    """The build printed nothing else: no finding at all, and still a failing exit, with the
    fix in the report."""
    data = (SAMPLES / "go-lookup-static-bfd-loadinternal.log").read_bytes()
    code, out = run(cli, ["-f", "json"], data)  # standard input
    report = json.loads(out)
    assert code == 1
    assert report["findings"] == [] and report["summary"]["warning_lines"] == 0
    assert report["summary"]["by_severity"] == {"low": 0, "medium": 0, "high": 0}
    (diag,) = report["diagnostics"]
    assert diag["kind"] == "go_loadinternal_runtime_cgo" and diag["subject"] == "runtime/cgo"
    assert diag["source_line"] == 2
    advice = str(diag["advice"])
    assert "SIGTRAP" in advice and "drop `-linkmode external` and `-extldflags`" in advice
    assert "Go 1.21" in advice


def test_runtime_diagnostics_are_not_counted_as_findings() -> None:
    """The crash after a static build adds a diagnostic; the findings are the link warnings."""
    text = (SAMPLES / "go-lookup-static-bfd-nss-crash.log").read_text()
    with_crash = analyze_text(text)
    link_only = analyze_text(text.split("user root:")[0])
    assert [(f.symbol, f.count) for f in with_crash.findings] == [
        (f.symbol, f.count) for f in link_only.findings
    ]
    assert with_crash.summary.warning_lines == link_only.summary.warning_lines == 6
    assert [d.kind for d in with_crash.diagnostics] == ["crash_sigsegv"]
    assert [d.kind for d in link_only.diagnostics] == []


@pytest.mark.parametrize(
    ("line", "kind", "subject"),
    [
        ("FATAL: kernel too old", "kernel_too_old", None),
        (
            "./app: /lib64/libc.so.6: version `GLIBC_2.34' not found (required by ./app)",
            "glibc_version_not_found",
            "GLIBC_2.34",
        ),
        ("SIGTRAP: trace trap", "crash_sigtrap", "SIGTRAP"),
        ("Trace/breakpoint trap (core dumped)", "crash_sigtrap", "Trace/breakpoint trap"),
        ("Segmentation fault", "crash_sigsegv", "Segmentation fault"),
        (
            "/home/runner/work/_temp/4f1c.sh: line 3:  4242 Segmentation fault      (core dumped) ./app",
            "crash_sigsegv",
            "Segmentation fault",
        ),
        ("fatal error: unexpected signal during runtime execution", "crash_sigsegv", None),
        ("signal arrived during cgo execution", "crash_sigsegv", None),
        # A CI prefix is removed before the line is matched.
        ("2024-05-01T10:00:00.1234567Z FATAL: kernel too old", "kernel_too_old", None),
    ],
)
def test_each_runtime_message_from_stdin_exits_1(
    cli: CliRunner, line: str, kind: str, subject: str | None
) -> None:
    code, out = run(cli, ["-f", "json"], f"$ ./app\n{line}\n".encode())
    assert code == 1
    assert list(diagnostics(out)) == [kind]
    assert diagnostics(out)[kind]["subject"] == subject
    assert json.loads(out)["findings"] == []


def test_ordinary_mentions_of_a_crash_are_not_diagnostics(cli: CliRunner) -> None:
    """Hand-made edge case: test output that talks about crashes without being one of the shapes
    a crashing program leaves behind."""
    log = "\n".join(
        [
            "=== RUN   TestSegmentationFaultHandler",
            "Segmentation fault in test_parser is expected here",
            "pw_nosuch: CHILD KILLED by signal 11 (Segmentation fault)",
            "Fatal Python error: Segmentation fault",
            "panic: runtime error: invalid memory address or nil pointer dereference",
            "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a2b3c]",
            "exit status: signal: segmentation fault",
            "make: *** [Makefile:12: check] Segmentation fault (core dumped)",
            "loadinternal: cannot find runtime/race",
            "./app: /usr/lib/libstdc++.so.6: version `GLIBCXX_3.4.30' not found (required by ./app)",
            "FAIL",
        ]
    )
    code, out = run(cli, ["-f", "json"], log.encode())
    assert json.loads(out)["diagnostics"] == []
    assert code == 0


def test_a_failed_link_alone_still_exits_0(cli: CliRunner) -> None:
    """Only the diagnostics marked as gates decide the exit; a link error does not (the build
    itself already failed), so the README's exit-code table stays true."""
    log = str(SAMPLES / "c-undef-static-lld.log")
    code, out = run(cli, ["-f", "json", log])
    report = json.loads(out)
    assert report["summary"]["link_status"] == "failed" and report["findings"] == []
    assert code == 0


# --- cgowarn explain --------------------------------------------------------------------------------


def test_explain_kernel_too_old(cli: CliRunner) -> None:
    code, out = run(cli, ["explain", "FATAL: kernel too old"])
    assert code == 0
    out = " ".join(out.split())  # wrapped to the width: the words, in order
    assert "glibc refused to start: the kernel is older than the binary's minimum" in out
    assert "`file BINARY`" in out and "for GNU/Linux X" in out
    assert "musl" in out and "CGO_ENABLED=0" in out
    assert "https://github.com/bminor/glibc/blob/glibc-2.35/" in out
    assert "exit with 1" in out


@pytest.mark.parametrize(
    "text",
    [
        "getpwnam_r",
        "'getpwnam_r'",
        "`getpwnam_r'",
        "‘getpwnam_r’",
        "GETPWNAM_R",
        "getpwnam_r()",
        "/usr/bin/ld: cgo_lookup_unix.go:32: warning: Using 'getpwnam_r' in statically linked "
        "applications requires at runtime the shared libraries from the glibc version used for linking",
        "warning: Using 'getpwnam_r' in statically linked applications requires ...",
    ],
)
def test_explain_a_symbol_however_it_is_pasted(cli: CliRunner, text: str) -> None:
    code, out = run(cli, ["explain", text])
    assert code == 0
    assert out.startswith("getpwnam_r: User lookups (passwd)\n")
    assert "-tags netgo" in out or "osusergo" in out


def test_explain_unquoted_words_and_a_pasted_go_crash(cli: CliRunner) -> None:
    code, out = run(cli, ["explain", "FATAL:", "kernel", "too", "old"])
    assert code == 0 and "kernel is older" in out
    crash = (SAMPLES / "go-lookup-static-bfd-nss-crash.log").read_text().split("user root:")[1]
    code, out = run(cli, ["explain", crash])
    assert code == 0
    assert out.startswith("Crash (SIGSEGV); in a static glibc binary")
    assert "libnss_systemd.so.2" in out and "-tags netgo,osusergo" in out
    code, out = run(cli, ["explain", "loadinternal: cannot find runtime/cgo"])
    assert code == 0 and "(about: runtime/cgo)" in out and "Go 1.21" in out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("getpwnamr", "Did you mean getpwnam"),
        ("this is not anything cgowarn knows", "is neither a glibc function"),
        ("line one\nline two", "is neither a glibc function"),
    ],
)
def test_explain_unknown_text_one_line_exit_2(cli: CliRunner, text: str, message: str) -> None:
    result = cli.invoke(main, ["explain", text])
    code, out = result.exit_code, result.stderr
    assert code == 2 and result.stdout == ""
    assert message in out and out.startswith("cgowarn: error: ")
    assert len(out.strip().splitlines()) == 1


# --- real runs ----------------------------------------------------------------------------------------


def sh(cmd: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", cmd],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


@pytest.mark.toolchain
def test_glibc_version_not_found_from_the_real_loader(tmp_path: Path, cli: CliRunner) -> None:
    """A dynamic binary whose GLIBC_2.34 requirement is rewritten to GLIBC_2.99 (same length): the
    host's ld.so refuses it with its own message, which cgowarn explains and fails on."""
    require_tool("gcc")
    (tmp_path / "hello.c").write_text('#include <stdio.h>\nint main(void){puts("hi");return 0;}\n')
    assert sh("gcc -o hello hello.c", tmp_path).returncode == 0
    data = (tmp_path / "hello").read_bytes()
    if b"GLIBC_2.34" not in data:
        pytest.skip("this glibc's binaries do not need GLIBC_2.34")
    (tmp_path / "future").write_bytes(data.replace(b"GLIBC_2.34", b"GLIBC_2.99"))
    (tmp_path / "future").chmod(0o755)
    proc = sh("./future", tmp_path)
    assert proc.returncode != 0 and "version `GLIBC_2.99' not found" in proc.stderr
    code, out = run(cli, ["-f", "json"], proc.stderr.encode())
    assert code == 1
    assert diagnostics(out)["glibc_version_not_found"]["subject"] == "GLIBC_2.99"
    code, out = run(cli, ["explain", proc.stderr.strip()])
    assert code == 0 and "zig cc -target x86_64-linux-gnu.2.17" in out


@pytest.fixture(scope="module")
def go_lookup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    go = GO if Path(GO).exists() else require_tool("go")
    if not sh(f"{go} version", Path.cwd()).stdout.startswith("go version go1.19"):
        pytest.skip("the SIGTRAP needs Go 1.20 or older; this is another Go")
    work = tmp_path_factory.mktemp("go-lookup")
    shutil.copytree(SRC / "go-lookup", work, dirs_exist_ok=True)
    env = {
        **offline_go(work),
        "PATH": f"{Path(go).parent}:{os.environ['PATH']}",
    }
    return work, env


@pytest.mark.toolchain
def test_loadinternal_then_sigtrap_and_the_advised_fix_works(
    go_lookup: tuple[Path, dict[str, str]], cli: CliRunner
) -> None:
    work, env = go_lookup
    build = sh(f"go build -tags netgo,osusergo {STATIC} -o broken .", work, env)
    assert build.returncode == 0
    code, out = run(cli, ["-f", "json"], (build.stdout + build.stderr).encode())
    assert code == 1 and list(diagnostics(out)) == ["go_loadinternal_runtime_cgo"]
    crashed = sh("./broken; echo status $?", work)
    assert "status 133" in crashed.stdout  # 128 + SIGTRAP
    code, out = run(cli, ["-f", "json"], (crashed.stdout + crashed.stderr).encode())
    assert code == 1 and list(diagnostics(out)) == ["crash_sigtrap"]
    # The advice: drop -linkmode external and -extldflags; Go then links statically by itself.
    fixed = sh("go build -tags netgo,osusergo -o fixed .", work, env)
    assert fixed.returncode == 0 and fixed.stdout + fixed.stderr == ""
    assert "statically linked" in sh("file -b fixed", work).stdout
    ran = sh("./fixed root cgowarn-no-such-user", work)
    assert ran.returncode == 0, ran.stderr
    assert "user root: uid=0" in ran.stdout and "unknown user cgowarn-no-such-user" in ran.stdout


@pytest.mark.toolchain
def test_static_nss_crash_and_the_advised_fix_works(
    go_lookup: tuple[Path, dict[str, str]], cli: CliRunner
) -> None:
    """Host-dependent: the crash needs an NSS module that breaks in a static process (here
    libnss_systemd via `passwd: files systemd`); the fix is checked wherever the test runs."""
    work, env = go_lookup
    assert sh(f"go build {STATIC} -o problem .", work, env).returncode == 0
    proc = sh("./problem root cgowarn-no-such-user", work)
    fixed = sh("go build -tags netgo,osusergo -o fixed-tags .", work, env)
    assert fixed.returncode == 0 and fixed.stdout + fixed.stderr == ""
    ran = sh("./fixed-tags root cgowarn-no-such-user", work)
    assert ran.returncode == 0 and "unknown user cgowarn-no-such-user" in ran.stdout
    if proc.returncode == 0:
        pytest.skip("no crash on this host: its NSS configuration loads no module for this lookup")
    code, out = run(cli, ["-f", "json"], (proc.stdout + proc.stderr).encode())
    assert code == 1 and list(diagnostics(out)) == ["crash_sigsegv"]


def test_a_run_time_failure_is_no_link_error_and_is_shown_first(cli: CliRunner) -> None:
    log = str(SAMPLES / "c-nss-static-bfd-nss-crash.log")
    code, out = run(cli, ["-f", "json", log])
    report = json.loads(out)
    assert code == 1
    assert report["summary"]["link_status"] == "ok" and report["summary"]["failures"] == 1
    (crash,) = [d for d in report["diagnostics"] if d["failure"]]
    assert crash["kind"] == "crash_sigsegv"
    code, text = run(cli, ["--no-color", log])
    assert text.index("What failed:") < text.index("What to do:")
    assert text.splitlines()[2].startswith("Program: FAILS: Crash (SIGSEGV)")
    assert "Link: OK" in text and "FAILED" not in text
    assert "Other linker messages" not in text  # the crash is shown once, with its advice
    code, md = run(cli, ["-f", "markdown", log])
    assert md.index("### What failed") < md.index("### What to do")


def test_a_failure_past_the_diagnostics_kept_still_fails_the_run(cli: CliRunner) -> None:
    log = "".join(f"/usr/bin/ld: a.o: undefined reference to `f{i}'\n" for i in range(600))
    log += "FATAL: kernel too old\n"
    code, out = run(cli, ["-f", "json"], log.encode())
    report = json.loads(out)
    assert report["summary"]["failures"] == 1
    assert all(not d["failure"] for d in report["diagnostics"])  # beyond the 500 kept
    assert code == 1
