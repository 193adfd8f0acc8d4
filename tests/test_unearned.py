"""No all-clear that was not earned: what cgowarn saw, and what it could not see.

A log without any link's output is `unseen` in every format, never "Link: OK"; a Go build that
linked internally is named; `cgowarn run` judges the binary the build wrote; compressed logs are
read and a binary on standard input is refused; each toolchain's own link failure fails the link;
pasted warnings broken over lines count once; configuration, output typos, subcommand typos, an
interrupted run and a baseline's per-origin comparison say what they did."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cgowarn.cli import main
from cgowarn.enums import LinkStatus
from conftest import GLIBC_MSG, NET_WARNING, OS_USER_WARNING, SAMPLES, analyze_text, counts

SEED = SAMPLES / "seed-article-go-sqlite3-centos.log"
CONTEXT = "/usr/bin/ld: /tmp/go-link-3141592653/000007.o: in function `mygetpwnam_r':"
WARNING = f"/_/os/user/cgo_lookup_unix.go:32: warning: {GLIBC_MSG.format('getpwnam_r')}"


def run(cli: CliRunner, *args: Any, stdin: bytes | str | None = None) -> Result:
    return cli.invoke(main, [str(a) for a in args], input=stdin, env={"COLUMNS": "400"})


def as_json(result: Result) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(result.stdout)
    return data


# --- a link that was not seen -------------------------------------------------------------------


@pytest.mark.parametrize(
    "log", ["", "main.c:1: error: boom\n", "ok  \texample.com/app\t0.004s\n"], ids=repr
)
def test_no_link_output_is_unseen_in_every_format(cli: CliRunner, log: str) -> None:
    report = analyze_text(log)
    assert report.summary.link_status is LinkStatus.UNSEEN
    text = run(cli, stdin=log).stdout
    assert "Link: NOT SEEN" in text and "Link: OK" not in text
    for fmt in ("markdown", "html"):
        out = run(cli, "-f", fmt, stdin=log).stdout
        assert "No link output in the log." in out and "No link errors" not in out
    junit = run(cli, "-f", "junit", stdin=log).stdout
    assert 'skipped="1"' in junit and 'name="link"' in junit


def test_a_link_seen_is_ok_and_says_nothing_about_silent_linkers() -> None:
    report = analyze_text(f"{CONTEXT}\n{WARNING}\n")
    assert report.summary.link_status is LinkStatus.OK
    assert not any("lld, mold" in n for n in report.notes)


def test_unseen_gate_line_when_the_report_goes_only_to_files(
    cli: CliRunner, tmp_path: Path
) -> None:
    result = run(cli, "-o", tmp_path / "r.html", stdin="main.c:1: error: boom\n")
    assert result.exit_code == 0
    assert "no link was seen in the input" in result.stderr


GO_NET_USER = """\
package main

import (
	"fmt"
	"net"
	"os/user"
)

func main() {
	u, err := user.Current()
	fmt.Println(u != nil, err)
	_, err = net.LookupHost("localhost")
	fmt.Println(err)
}
"""


def _go() -> str:
    go = "/usr/lib/go/bin/go"
    if not os.path.exists(go):
        pytest.fail("Debian's Go (golang-go) is missing; .ci/run installs it")
    return go


def _go_env(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PATH=f"{Path(_go()).parent}:{Path(sys.executable).parent}:/usr/bin:/bin",
        HOME=str(work),
        GOFLAGS="-mod=mod",
        GOPROXY="off",
        GOSUMDB="off",
        GOTOOLCHAIN="local",
        GOPATH=str(work / "gopath"),
        GOCACHE=str(work / "gocache"),
        CGO_ENABLED="1",
        COLUMNS="200",
    )
    return env


def _program(root: Path) -> Path:
    app = root / "app"
    app.mkdir(parents=True)
    (app / "go.mod").write_text("module example.com/app\n\ngo 1.19\n")
    (app / "main.go").write_text(GO_NET_USER)
    return app


def _static(binary: Path) -> bool:
    from elftools.elf.elffile import ELFFile

    with binary.open("rb") as fh:
        return not any(s["p_type"] == "PT_INTERP" for s in ELFFile(fh).iter_segments())


def test_readme_run_example_on_a_program_that_links_internally(tmp_path: Path) -> None:
    """The README's `cgowarn run` example, as written, on a program whose only cgo packages are
    os/user and net: Go links internally, so the report names that, judges the dynamic binary
    the build wrote, and gives the command that links externally; that command, pasted into a
    fresh copy, builds a static binary that runs."""
    app = _program(tmp_path / "a")
    env = _go_env(tmp_path)
    cgowarn = [sys.executable, "-m", "cgowarn"]
    done = subprocess.run(
        [*cgowarn, "run", "-o", "cgowarn.json", "--", "go", "build", "-ldflags",
         '-extldflags "-static"', "./..."],
        cwd=app, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads((app / "cgowarn.json").read_text())
    assert report["summary"]["link_status"] == "unseen"
    internal = report["build"]["internal_link"]
    assert internal["certain"] is True and "./app is dynamically linked" in internal["text"]
    assert [b["linkage"] for b in report["binaries"]] == ["dynamic"]
    assert any("cgowarn run inspected ./app" in n for n in report["notes"])
    assert not _static(app / "app")
    command = internal["command"]
    assert command == "go build -ldflags '-linkmode external -extldflags \"-static\"' ./..."
    fresh = _program(tmp_path / "b")
    pasted = subprocess.run(
        ["bash", "-c", f"{command} 2>&1"],
        cwd=fresh, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert pasted.returncode == 0, pasted.stdout
    assert "getpwnam_r" in pasted.stdout or "getpwuid_r" in pasted.stdout  # ld warns now
    assert _static(fresh / "app")
    ran = subprocess.run([str(fresh / "app")], capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0 and ran.stdout.startswith("true")


def test_internal_link_is_only_suggested_without_a_binary() -> None:
    report = analyze_text("$ go build -ldflags '-extldflags \"-static\"' ./cmd/app\n", binaries=())
    internal = report.build.internal_link
    assert internal is not None and internal.certain is False
    assert "-linkmode external" in internal.command and "./cmd/app" in internal.command
    # An external link asked for, or cgo switched off: no such claim.
    for command in (
        "$ go build -ldflags '-linkmode external -extldflags \"-static\"' ./...",
        "$ CGO_ENABLED=0 go build -ldflags '-extldflags \"-static\"' ./...",
        "$ go build ./...",
    ):
        assert analyze_text(command + "\n").build.internal_link is None, command


# --- compressed and binary input ----------------------------------------------------------------


def _zstd(data: bytes) -> bytes:
    import zstandard

    return zstandard.ZstdCompressor().compress(data)


@pytest.mark.parametrize(
    ("suffix", "pack"),
    [(".gz", gzip.compress), (".xz", lzma.compress), (".bz2", bz2.compress), (".zst", _zstd)],
)
def test_compressed_logs_read_as_the_plain_log(
    cli: CliRunner, tmp_path: Path, suffix: str, pack: Any
) -> None:
    def key(report: dict[str, Any]) -> list[tuple[Any, ...]]:
        return [
            (f["symbol"], f["count"], f["severity"], f["origins"],
             [(o["source_line"], o["object"], o["function"]) for o in f["occurrences"]])
            for f in report["findings"]
        ]  # fmt: skip

    plain = as_json(run(cli, "-f", "json", SEED))
    packed = tmp_path / f"build{suffix[::-1]}"  # the name says nothing: the bytes decide
    packed.write_bytes(pack(SEED.read_bytes()))
    from_file = run(cli, "-f", "json", packed)
    from_stdin = run(cli, "-f", "json", stdin=packed.read_bytes())
    for result in (from_file, from_stdin):
        assert result.exit_code == 1  # six high findings, as the plain log
        got = as_json(result)
        assert key(got) == key(plain)
        assert got["summary"]["warning_lines"] == 8


def test_damaged_compressed_log_is_an_input_error(cli: CliRunner) -> None:
    data = gzip.compress(SEED.read_bytes())[:200]
    result = run(cli, stdin=data)
    assert result.exit_code == 2
    assert "the gzip data is damaged" in result.stderr


def test_a_binary_on_standard_input_is_refused_with_the_inspect_hint(cli: CliRunner) -> None:
    binary = Path(sys.executable).resolve().read_bytes()
    for data in (binary, gzip.compress(binary[:100_000])):
        result = run(cli, stdin=data)
        assert result.exit_code == 2, result.output
        assert "ELF binary, not a build log" in result.stderr
        assert "cgowarn inspect" in result.stderr
        assert "undefined reference" not in result.output


# --- each toolchain's own link failure ----------------------------------------------------------


@pytest.mark.parametrize(
    ("log", "kind"),
    [
        ("zig-gnu-static-refused", "zig_static_glibc"),
        ("pascal-undef-static-fpc", "fpc_link_failed"),
        ("ocaml-undef-static", "ocaml_link_failed"),
        ("d-undef-static-ldc", "ldc_link_failed"),
        ("hs-undef-static-ghc", "ghc_link_failed"),
        ("nim-undef-static", "nim_link_failed"),
        ("ada-undef-static-gnat", "gnat_link_failed"),
    ],
)
def test_a_toolchain_link_failure_fails_the_link_without_collect2(log: str, kind: str) -> None:
    text = (SAMPLES / f"{log}.log").read_text()
    # The toolchain's own line alone (collect2 and ld's errors dropped) still fails the link.
    own = "\n".join(
        line
        for line in text.splitlines()
        if "collect2" not in line and "undefined reference" not in line
        and "cannot find" not in line and "undefined symbol" not in line
    )  # fmt: skip
    for body in (text, own):
        report = analyze_text(body)
        assert report.summary.link_status is LinkStatus.FAILED, (log, body[:200])
        assert kind in {d.kind for d in report.diagnostics}


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("ERROR: /src/BUILD:66:1: Linking of rule '//:app' failed (Exit 1) gcc failed: error "
         "executing command /usr/bin/gcc @bazel-out/k8-fastbuild/bin/app-2.params",
         "bazel_link_failed"),
        ("ERROR: /w/src/main/cpp/BUILD:93:10: Linking src/main/cpp/client failed: (Exit 1): gcc "
         "failed: error executing CppLink command (from target //src/main/cpp:client)",
         "bazel_link_failed"),
        ("error: link command failed with exit code 1 (use -v to see invocation)",
         "swift_link_failed"),
        ("FAILED: app ", "ninja_link_failed"),
        ("FAILED: lib/libfoo.so", "ninja_link_failed"),
    ],
)  # fmt: skip
def test_build_tools_link_failures(line: str, kind: str) -> None:
    report = analyze_text(line + "\n")
    assert report.summary.link_status is LinkStatus.FAILED
    assert [d.kind for d in report.diagnostics] == [kind]


def test_zig_refusal_says_what_to_do() -> None:
    report = analyze_text((SAMPLES / "zig-gnu-static-refused.log").read_text())
    (problem,) = report.link_problems
    assert "x86_64-linux-musl" in problem.advice and "nothing was built" in problem.advice


@pytest.mark.parametrize(
    "line",
    [
        "Error: execution of an external program failed: 'gcc -c -o x.o x.c'",
        "FAILED: CMakeFiles/app.dir/main.c.o ",
        "The following tests FAILED:",
    ],
)
def test_a_compile_failure_is_not_a_link_failure(line: str) -> None:
    report = analyze_text(line + "\n")
    assert report.summary.link_status is LinkStatus.UNSEEN


# --- localised ld -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        'u.c:(.text+0x5): referência não definida para "f"',  # pt_BR
        "u.c:(.text+0x5) : référence indéfinie vers « f »",  # fr
        "u.c:(.text+0x5): referencia a `f' sin definir",  # es
        "u.c:(.text+0xa): неопределённая ссылка на «f»",  # ru
    ],
)
def test_translated_undefined_reference(line: str) -> None:
    report = analyze_text(f"/usr/bin/ld: {line}\n")
    assert report.summary.link_status is LinkStatus.FAILED
    assert [(d.kind, d.subject) for d in report.diagnostics] == [("undefined_reference", "f")]


def test_translated_collect2_with_a_word_before_ld() -> None:
    report = analyze_text("collect2: ошибка: выполнение ld завершилось с кодом возврата 1\n")
    assert [d.kind for d in report.diagnostics] == ["collect2"]


# --- logs as people paste them ------------------------------------------------------------------


def _hard(text: str, width: int) -> str:
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


@pytest.mark.parametrize(
    "paste",
    [
        _hard(WARNING, 80),  # a terminal or CI viewer wrapping inside words
        _hard(WARNING, 100),
        "\n".join(textwrap.wrap(WARNING, 72)),  # a mail client: at spaces, which it drops
        "\n".join("> " + w for w in textwrap.wrap(WARNING, 72)),  # ... and quoting
        textwrap.fill(WARNING, 72, subsequent_indent="    "),  # an issue form's indentation
        WARNING.replace("Using '", "Using'"),  # a lost space before the quote
    ],
    ids=["hard80", "hard100", "mail72", "quoted", "indented", "nospace"],
)
def test_a_broken_warning_counts_once(paste: str) -> None:
    quote = "> " if paste.startswith("> ") else ""
    log = f"{quote}{CONTEXT}\n{paste}\nnext line\n{NET_WARNING}"
    for fast in (True, False):
        report = analyze_text(log, fast=fast)
        assert counts(report) == {"getpwnam_r": 1, "getaddrinfo": 1}, (fast, paste)
        (finding,) = [f for f in report.findings if f.symbol == "getpwnam_r"]
        assert "go:os/user" in finding.origins


def test_consecutive_broken_warnings_each_count_once() -> None:
    other = f"/_/os/user/cgo_lookup_unix.go:40: warning: {GLIBC_MSG.format('getgrnam_r')}"
    log = "\n".join([CONTEXT, _hard(WARNING, 60), _hard(other, 60), _hard(WARNING, 60)]) + "\n"
    assert counts(analyze_text(log)) == {"getpwnam_r": 2, "getgrnam_r": 1}


def test_log_viewer_prefixes_and_a_lost_plus() -> None:
    log = (
        "I1207 12:34:56.789012   42 build.go:12] /usr/bin/ld: /tmp/x.o: in function `f':\n"
        f"I1207 12:34:56.789012   42 build.go:12] x.c:3: warning: {GLIBC_MSG.format('getpwnam')}\n"
        "12\t/usr/bin/ld: y.o: in function `g':\n"
        f"13\ty.c:(.text 0x17): warning: {GLIBC_MSG.format('getgrnam')}\n"
        f"> z.c:9: warning: {GLIBC_MSG.format('getpwuid')}\n"
    )
    report = analyze_text(log)
    got = {f.symbol: f.occurrences[0] for f in report.findings}
    assert set(got) == {"getpwnam", "getgrnam", "getpwuid"}
    assert (got["getpwnam"].object, got["getpwnam"].file) == ("/tmp/x.o", "x.c")
    assert (got["getgrnam"].object, got["getgrnam"].file) == ("y.o", "y.c")
    assert got["getgrnam"].section == ".text+0x17"
    assert got["getpwuid"].file == "z.c"


def test_a_placeholder_function_is_unrecognised_never_gating(cli: CliRunner) -> None:
    log = f"x.c:1: warning: {GLIBC_MSG.format('foo')}\n"
    result = run(cli, "-f", "json", stdin=log)
    assert result.exit_code == 0  # the default gate is high
    report = as_json(result)
    (finding,) = report["findings"]
    assert (finding["symbol"], finding["severity"], finding["known"]) == ("foo", "low", False)
    assert report["recommendations"] == []
    assert "Run time: nothing needs the host's glibc" in run(cli, stdin=log).stdout


# --- pasted run-time errors ---------------------------------------------------------------------


def test_pasted_runtime_error_opens_with_failure_cause_and_fix(cli: CliRunner) -> None:
    result = run(cli, stdin="FATAL: kernel too old\n")
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith("cgowarn: The program FAILS: glibc refused to start")
    assert "What to do: glibc 2.35 and older abort at start-up" in result.stdout
    assert "lld, mold" not in result.stdout and "No link was seen" not in result.stdout
    assert "Link:" not in result.stdout


# --- configuration, -o, subcommands -------------------------------------------------------------


def test_configuration_in_effect_is_said(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".cgowarn.toml").write_text('fail-on = "never"\noutput = ["r.md"]\n')
    monkeypatch.chdir(tmp_path)
    result = run(cli, SEED)
    assert result.exit_code == 0
    assert "configuration in effect: .cgowarn.toml (output r.md; fail-on never)" in result.stderr
    assert "Configuration in effect: .cgowarn.toml" in (tmp_path / "r.md").read_text()


@pytest.mark.parametrize(
    ("output", "said"),
    [
        ("jsn:out.json", "'jsn' is no format (did you mean json?)"),
        ("report.pdf", "the extension .pdf names no format"),
    ],
)
def test_output_typos_are_usage_errors(
    cli: CliRunner, tmp_path: Path, output: str, said: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(cli, "-o", output, SEED)
    assert result.exit_code == 2 and said in result.stderr
    assert os.listdir(tmp_path) == []  # nothing written


def test_output_with_a_colon_in_its_name_and_format_for_every_output(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(cli, "-o", "./jsn:x.txt", SEED).exit_code == 1
    assert (tmp_path / "jsn:x.txt").read_text().startswith("cgowarn: ")
    assert run(cli, "--format", "JSON", "-o", "a.out", "-o", "b.md", SEED).exit_code == 1
    for name in ("a.out", "b.md"):
        assert json.loads((tmp_path / name).read_text())["summary"]["warning_lines"] == 8


def test_a_mistyped_subcommand_gets_did_you_mean(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(cli, "inpsect", "./app")
    assert result.exit_code == 2
    assert "Did you mean 'inspect'?" in result.output
    (tmp_path / "inpsect").write_text(f"{CONTEXT}\n{WARNING}\n")
    assert run(cli, "inpsect").exit_code == 1  # a file of that name is read as the log


# --- an interrupted run -------------------------------------------------------------------------


def test_an_interrupted_run_marks_its_report_partial(tmp_path: Path) -> None:
    log = tmp_path / "build.log"
    log.write_bytes(SEED.read_bytes())
    proc = subprocess.Popen(
        [sys.executable, "-m", "cgowarn", "run", "-o", "r.json", "--", "sh", "-c",
         f"cat {log}; echo done-printing >&2; sleep 30"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stderr is not None
    for line in proc.stderr:
        if "done-printing" in line:
            break
    proc.terminate()
    assert proc.wait(timeout=60) == 143
    report = json.loads((tmp_path / "r.json").read_text())
    # The log's 17 lines, and the marker line if the analysis had it before the signal.
    assert report["summary"]["partial"] in (
        "interrupted after 17 lines",
        "interrupted after 18 lines",
    )
    assert report["notes"][0].startswith("This report is partial")


# --- baselines per (function, origin) -----------------------------------------------------------

C_GETADDRINFO = (
    "/usr/bin/ld: lookup.o: in function `resolve':\n"
    f"lookup.c:12: warning: {GLIBC_MSG.format('getaddrinfo')}\n"
)


def test_an_added_origin_is_new_and_nothing_is_fixed(cli: CliRunner, tmp_path: Path) -> None:
    before, after = tmp_path / "before.log", tmp_path / "after.log"
    before.write_text(OS_USER_WARNING + NET_WARNING)
    after.write_text(OS_USER_WARNING + NET_WARNING + C_GETADDRINFO)
    base = tmp_path / "base.json"
    assert run(cli, "baseline", "-o", base, before).exit_code == 0
    result = run(cli, "--baseline", base, "-f", "json", after)
    report = as_json(result)
    assert report["baseline"]["fixed"] == []
    marks = {f["symbol"]: (f["baseline"], f["baseline_new"]) for f in report["findings"]}
    origins = {f["symbol"]: f["origins"] for f in report["findings"]}
    added = sorted(set(origins["getaddrinfo"]) - {"go:net"})
    assert added and marks["getaddrinfo"] == ("new", added)
    assert marks["getpwnam_r"] == ("unchanged", [])
    # The other way round: the C caller gone is that origin fixed, the function still there.
    base2 = tmp_path / "base2.json"
    assert run(cli, "baseline", "-o", base2, after).exit_code == 0
    back = as_json(run(cli, "--baseline", base2, "-f", "json", before))
    (fixed,) = back["baseline"]["fixed"]
    assert fixed["symbol"] == "getaddrinfo" and fixed["origins"] == added
    assert {f["baseline"] for f in back["findings"]} == {"unchanged"}


@pytest.mark.parametrize("chunk", [64, 150, 4096])
def test_broken_warnings_across_read_chunks(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    """The scanner hands over the lines after a message's head even when its read chunk ends
    between them: the fast path counts what reading every line counts."""
    from cgowarn.parse import reader

    monkeypatch.setattr(reader, "CHUNK", chunk)
    other = WARNING.replace("getpwnam_r", "getgrnam_r")
    for pad in range(0, 300, 13):
        log = "x" * pad + "\n" + _hard(WARNING, 60) + "\nnext\n" + _hard(other, 70) + "\n"
        want = {"getpwnam_r": 1, "getgrnam_r": 1}
        assert counts(analyze_text(log)) == want, pad
        assert counts(analyze_text(log, fast=False)) == want, pad
