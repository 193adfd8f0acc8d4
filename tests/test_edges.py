"""Edges a mutation run found untested: each test fails when the comparison, the order or the
case it names is changed in the code."""

from __future__ import annotations

import errno
import subprocess
from pathlib import Path

import regex

from cgowarn.errors import ExitCode
from cgowarn.facts import MAX_SIGHTINGS
from cgowarn.knowledge import load_knowledge
from cgowarn.knowledge.models import Distribution
from cgowarn.knowledge.platforms import Subject
from cgowarn.knowledge.verdicts import evaluate
from cgowarn.parse.gnu_ld import COMPILER_CONTEXT, is_compiler_context, location_text
from cgowarn.pipeline import analyze
from cgowarn.wrap import BuildResult, describe_oserror, failed_status
from conftest import GLIBC_MSG, analyze_text, require_tool

SEM_OPEN = (
    "/usr/lib/../lib64/libpthread.a(libpthread.o): In function `sem_open':\n"
    "(.text+0x77cd): warning: the use of `mktemp' is dangerous, better use `mkstemp'\n"
)
OWN_MKTEMP = (
    "/usr/bin/ld: tmp.o: in function `scratch':\n"
    "tmp.c:9: warning: the use of `mktemp' is dangerous, better use `mkstemp'\n"
)


def test_a_location_loses_its_colon_in_every_locale() -> None:
    assert location_text("main.c:(.text+0x1a):") == "main.c:(.text+0x1a)"
    assert location_text("main.c:(.text+0x1a)：") == "main.c:(.text+0x1a)"  # zh_CN, ja_JP


def test_the_compiler_context_test_agrees_with_its_byte_pattern() -> None:
    """The scanner's byte pattern and the parser's test decide alike, an empty name included."""
    pattern = regex.compile(COMPILER_CONTEXT)
    for line in (
        "a.c: In function ‘main’:",
        "a.c: In function ‘’:",
        "a.c: In function '':",
        "a.c：In function ‘f’:",
        "a.c: In function ‘:",
        "a.c: In function",
    ):
        assert is_compiler_context(line) is bool(pattern.search(line.encode())), line


def test_counts_stay_exact_past_a_thousand_lines_of_one_function() -> None:
    line = f"main.c:(.text+0x1): warning: {GLIBC_MSG.format('getpwnam')}\n"
    (finding,) = analyze_text(line * 1500).findings
    assert finding.count == 1500


def test_a_finding_matters_as_much_as_its_most_serious_origin() -> None:
    """mktemp from glibc's own sem_open is harmless (low); the program's own call is not: with
    both, the finding is as serious as the program's (the category's medium)."""
    assert analyze_text(SEM_OPEN).findings[0].severity.value == "low"
    assert analyze_text(OWN_MKTEMP).findings[0].severity.value == "medium"
    for log in (SEM_OPEN + OWN_MKTEMP, OWN_MKTEMP + SEM_OPEN):
        assert analyze_text(log).findings[0].severity.value == "medium"


def test_sightings_not_told_apart_are_not_assumed_harmless() -> None:
    """Past MAX_SIGHTINGS distinct places, the rest are not attributed: nothing then says they
    are as harmless as the ones that were."""
    harmless = "".join(
        f"/usr/lib/../lib64/libpthread.a(libpthread{i}.o): In function `sem_open':\n"
        "(.text+0x77cd): warning: the use of `mktemp' is dangerous, better use `mkstemp'\n"
        for i in range(MAX_SIGHTINGS + 10)
    )
    (finding,) = analyze_text(harmless).findings
    assert "other origins" in finding.origins
    assert finding.severity.value == "medium"


def test_link_errors_are_listed_in_the_order_of_the_log() -> None:
    log = (
        "/usr/bin/ld: cannot find -lz: No such file or directory\n"
        "/usr/bin/ld: main.o: in function `main':\nmain.c:(.text+0x5): undefined reference to "
        "`frobnicate'\n"
        "collect2: error: ld returned 1 exit status\n"
    )
    kinds = [p.kind for p in analyze_text(log).link_problems]
    assert kinds == ["missing_library", "undefined_reference", "link_failed"]


def test_a_binary_without_glibc_keeps_no_glibc_function(tmp_path: Path) -> None:
    """A static binary with no C library that defines a function named like glibc's: glibc's
    warnings are about glibc, so the name is no finding."""
    require_tool("gcc")
    (tmp_path / "x.c").write_text(
        "int getpwnam(void) { return 1; }\n"
        'void _start(void) { __asm__ volatile("mov $60, %eax\\nxor %edi, %edi\\nsyscall"); }\n'
    )
    subprocess.run(["gcc", "-static", "-nostdlib", "-o", "x", "x.c"], cwd=tmp_path, check=True)
    report = analyze([], binaries=[str(tmp_path / "x")])
    assert report.binaries[0].libc == "none"
    assert [f.symbol for f in report.findings] == []


def test_cgowarn_run_exits_with_the_first_signal_it_passed_on() -> None:
    assert failed_status(BuildResult(status=0, signals=[2, 15])) == 128 + 2
    assert failed_status(BuildResult(status=3, signals=[2])) == 3
    assert failed_status(BuildResult(status=0)) == 0


def test_a_build_command_without_permission_cannot_execute() -> None:
    for code in (errno.EACCES, errno.EPERM):
        line, status = describe_oserror("./build.sh", PermissionError(code, "denied"))
        assert status is ExitCode.CANNOT_EXECUTE
        assert line == "./build.sh: permission denied (not executable)"


def test_older_rust_names_the_release_whose_std_fits_a_kernel_exactly_at_its_floor() -> None:
    kb = load_knowledge()
    rows = kb.platforms.rust_floor
    old, new = rows[-2], rows[-1]
    target = Distribution(
        id="t", name="T", family="T", libc="glibc", glibc=old.glibc, kernel=old.kernel, sources=()
    )
    subject = Subject("app", "musl", True, rust_version=new.rust, rust=True)
    verdict = evaluate(kb, target, subject, [])
    assert verdict.starts == "no"
    assert verdict.fix == (
        f"Build with a Rust release older than {new.rust} (its std still supports kernel "
        f"{old.kernel} and glibc {old.glibc})."
    )


def test_an_old_glibc_fix_names_the_targets_glibc_for_the_programs_toolchain() -> None:
    kb = load_knowledge()
    target = Distribution(
        id="t", name="T", family="T", libc="glibc", glibc="2.28", kernel="4.19", sources=()
    )
    c = Subject("app", "dynamic-glibc", True, glibc_required="2.34")
    rust = Subject(
        "app", "dynamic-glibc", True, glibc_required="2.34", rust_version="1.80", rust=True
    )
    c_fix = evaluate(kb, target, c, []).fix
    assert "zig cc -target x86_64-linux-gnu.2.28 as the compiler" in c_fix
    assert "cargo" not in c_fix and "2.17" not in c_fix
    rust_fix = evaluate(kb, target, rust, []).fix
    assert "cargo zigbuild --release --target x86_64-unknown-linux-gnu.2.28" in rust_fix
    assert "zig cc" not in rust_fix
