"""Behaviour at every boundary the code draws: the caps on link units and diagnostics (below, at,
above), version rules on both sides, fixes offered exactly when their origins allow, CI wrappers
and compile-only commands, and what decides which Go version a report names."""

from __future__ import annotations

import io

import pytest

from cgowarn import fold
from cgowarn.enums import Toolchain
from cgowarn.facts import MAX_DIAGNOSTICS, MAX_FINDINGS, MAX_LINKS, MAX_TEXT
from cgowarn.formats import OutputFormat
from cgowarn.knowledge import load_knowledge
from cgowarn.knowledge.models import Distribution
from cgowarn.knowledge.platforms import Subject, build_info, glibc_floor, go_floor
from cgowarn.knowledge.verdicts import evaluate
from cgowarn.pipeline import analyze
from cgowarn.render import render
from conftest import GLIBC_MSG, NET_WARNING, OS_USER_WARNING, analyze_text, counts

MSG = GLIBC_MSG
OS_USER = OS_USER_WARNING
NET = NET_WARNING
SEM_OPEN = (
    "/usr/lib/../lib64/libpthread.a(libpthread.o): In function `sem_open':\n"
    "(.text+0x77cd): warning: the use of `mktemp' is dangerous, better use `mkstemp'\n"
)
SQLITE = (
    "/usr/bin/ld: /usr/lib/x86_64-linux-gnu/libsqlite3.a(sqlite3.o): in function `unixDlOpen':\n"
    f"(.text+0x1a): warning: {MSG.format('dlopen')}\n"
)


# --- caps -------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [MAX_LINKS - 1, MAX_LINKS, MAX_LINKS + 1])
def test_link_unit_cap(n: int) -> None:
    log = "".join(
        f"# example.com/cmd/p{i}\na.c:(.text+0x1): warning: {MSG.format('getpwnam')}\n"
        for i in range(n)
    )
    report = analyze_text(log)
    assert len(report.links) == min(n, MAX_LINKS)
    assert report.summary.links_omitted == max(0, n - MAX_LINKS)
    assert report.findings[0].count == n  # counts stay exact beyond the cap
    assert report.links[-1].name == f"example.com/cmd/p{min(n, MAX_LINKS) - 1}"


@pytest.mark.parametrize("n", [MAX_DIAGNOSTICS - 1, MAX_DIAGNOSTICS, MAX_DIAGNOSTICS + 1])
def test_diagnostic_cap(n: int) -> None:
    log = "".join(f"/usr/bin/ld: main.o: undefined reference to `f{i}'\n" for i in range(n))
    report = analyze_text(log)
    assert len(report.diagnostics) == min(n, MAX_DIAGNOSTICS)
    assert report.summary.diagnostics_omitted == max(0, n - MAX_DIAGNOSTICS)
    assert report.summary.errors == n
    assert report.diagnostics[-1].subject == f"f{min(n, MAX_DIAGNOSTICS) - 1}"


# --- what the log shows about the link ----------------------------------------------------------

INTERNAL_LINK_COMMAND = "+ go build -ldflags '-extldflags \"-static\"' ./...\n"


def test_extldflags_warning_stands_when_no_linker_ran() -> None:
    report = analyze_text(INTERNAL_LINK_COMMAND)
    assert [d.kind for d in report.diagnostics] == ["extldflags_internal_link"]


def test_a_diagnostic_alone_shows_the_external_linker_ran() -> None:
    """A log whose only linker output is a link error: the C linker ran, so Go linked externally
    and the "-extldflags is ignored" warning does not apply."""
    report = analyze_text(
        INTERNAL_LINK_COMMAND + "/usr/bin/ld: main.o: undefined reference to `f'\n"
    )
    assert [d.kind for d in report.diagnostics] == ["undefined_reference"]


# --- CI wrappers and commands -----------------------------------------------------------------


@pytest.mark.parametrize("stream", ["00O", "00E", "00O+", "00E+"])
def test_gitlab_stream_prefixes(stream: str) -> None:
    """GitLab's job log prefixes each line with a timestamp and its stream (O stdout, E stderr;
    `+` marks a continued line)."""
    prefix = f"2026-11-26T10:00:00.123456Z {stream} "
    log = "".join(prefix + line + "\n" for line in OS_USER.splitlines())
    report = analyze_text(log)
    (finding,) = report.findings
    occurrence = finding.occurrences[0]
    assert occurrence.object == "/tmp/go-link-1/000007.o"
    assert occurrence.file == "/_/os/user/cgo_lookup_unix.go"
    assert (occurrence.function, occurrence.line) == ("mygetpwnam_r", 32)
    assert occurrence.origin.id == "go:os/user"


@pytest.mark.parametrize("stream", ["stderr", "stdout"])
def test_rustc_linker_message_wrappers(stream: str) -> None:
    log = (
        f"warning: linker {stream}: /usr/bin/ld.bfd: /r/libstd-d1237ef7159db0a2.rlib(std.rcgu.o): "
        "in function `std::sys::pal::unix::os::home_dir::fallback':\n"
        f"warning: linker {stream}: (.text+0x1): warning: {MSG.format('getpwuid_r')}\n"
    )
    (finding,) = analyze_text(log).findings
    occurrence = finding.occurrences[0]
    assert occurrence.object == "/r/libstd-d1237ef7159db0a2.rlib(std.rcgu.o)"
    assert occurrence.function == "std::sys::pal::unix::os::home_dir::fallback"
    assert occurrence.section == ".text+0x1" and occurrence.file is None
    assert finding.origins == ("rust:std",)


@pytest.mark.parametrize("flag", ["-c", "-E", "-S", "-M", "-MM"])
def test_compile_only_commands_start_no_link_unit(flag: str) -> None:
    log = (
        f"gcc -static {flag} -o a.o a.c\n" + f"a.c:(.text+0x1): warning: {MSG.format('getpwnam')}\n"
    )
    assert [u.kind for u in analyze_text(log).links] == ["log"]


def test_static_link_command_starts_a_unit() -> None:
    log = "gcc -static -o app a.o\n" + f"a.c:(.text+0x1): warning: {MSG.format('getpwnam')}\n"
    assert [(u.kind, u.name) for u in analyze_text(log).links] == [("command", "app")]


# --- version rules, both sides of each boundary -----------------------------------------------


def test_glibc_floor_boundaries() -> None:
    kb = load_knowledge()
    for row in kb.platforms.glibc_floor:
        assert glibc_floor(kb, row.glibc) == row.kernel
    assert glibc_floor(kb, "2.25") == "2.6.32"
    assert glibc_floor(kb, "2.26") == "3.2.0"
    assert glibc_floor(kb, "2.19") == "2.6.16"
    assert glibc_floor(kb, "2.20") == "2.6.32"


def test_go_floor_boundaries() -> None:
    kb = load_knowledge()
    assert go_floor(kb, "1.17") == "2.6.23"
    assert go_floor(kb, "1.18") == "2.6.32"
    assert go_floor(kb, "1.23") == "2.6.32"
    assert go_floor(kb, "1.24") == "3.2.0"


def _target(kernel: str, glibc: str = "2.17") -> Distribution:
    return Distribution(
        id="t", name="T", family="T", libc="glibc", glibc=glibc, kernel=kernel, sources=()
    )


@pytest.mark.parametrize(
    ("kernel", "starts"), [("3.1.99", "no"), ("3.2", "yes"), ("3.2.0", "yes"), ("3.2.1", "yes")]
)
def test_target_kernel_at_the_floor_starts(kernel: str, starts: str) -> None:
    kb = load_knowledge()
    build = build_info(
        kb,
        toolchains=[Toolchain.C],
        go_command=None,
        go_version=None,
        evidence=[],
        build_glibc="2.26",
    )
    assert build.kernel_floor == "3.2.0"
    subject = Subject("x", "static-glibc", False, glibc_lo="2.26", glibc_hi="2.26")
    assert evaluate(kb, _target(kernel), subject, []).starts == starts
    binary = Subject("app", "static-glibc", True, abi_kernel="3.2.0")
    assert evaluate(kb, _target(kernel), binary, []).starts == starts


@pytest.mark.parametrize(
    ("go", "kernel", "starts"),
    [("1.23", "3.1.0", "yes"), ("1.24", "3.1.0", "no"), ("1.24", "3.2.0", "yes")],
)
def test_go_floor_decides_a_verdict(go: str, kernel: str, starts: str) -> None:
    kb = load_knowledge()
    subject = Subject("app", "no-libc", True, go_version=go, go=True)
    verdict = evaluate(kb, _target(kernel), subject, [])
    assert verdict.starts == starts
    assert verdict.needs_kernel == go_floor(kb, go)


@pytest.mark.parametrize(
    ("needs", "target_glibc", "starts"), [("2.34", "2.33", "no"), ("2.34", "2.34", "yes")]
)
def test_dynamic_binary_needs_its_highest_glibc(needs: str, target_glibc: str, starts: str) -> None:
    kb = load_knowledge()
    subject = Subject("app", "dynamic-glibc", True, glibc_required=needs)
    verdict = evaluate(kb, _target("5.0.0", target_glibc), subject, [])
    assert verdict.starts == starts and verdict.needs_glibc == needs
    if starts == "no":
        assert f"version `GLIBC_{needs}' not found" in verdict.reason


@pytest.mark.parametrize(
    ("rust", "kernel", "starts"),
    [
        ("1.46", "2.6.18", "yes"),
        ("1.47", "2.6.18", "no"),
        ("1.47", "2.6.32", "yes"),
        ("1.63", "2.6.32", "yes"),
        ("1.64", "2.6.32", "no"),
        ("1.64", "3.2.0", "yes"),
    ],
)
def test_rust_floor_decides_a_verdict(rust: str, kernel: str, starts: str) -> None:
    kb = load_knowledge()
    subject = Subject("app", "musl", True, rust_version=rust, rust=True)
    assert evaluate(kb, _target(kernel), subject, []).starts == starts


@pytest.mark.parametrize(("build", "stubs"), [("2.33", True), ("2.34", False)])
def test_nss_before_2_34_finds_nobody_on_hosts_with_stubs(build: str, stubs: bool) -> None:
    """A static glibc 2.33 loads even files from the host; glibc 2.34 hosts ship it as a stub."""
    report = analyze_text(OS_USER, targets=["debian12"], build_glibc=build)
    (debian12,) = report.targets
    text = " ".join(debian12.breaks)
    assert ("finds no user, not even root" in text) is stubs
    assert ("files and dns are built into glibc 2.34" in text) is not stubs


@pytest.mark.parametrize(("glibc", "builtin"), [("2.33", False), ("2.34", True)])
def test_nss_builtin_boundary_on_a_musl_target(glibc: str, builtin: bool) -> None:
    report = analyze_text(OS_USER, targets=["alpine"], build_glibc=glibc)
    (alpine,) = report.targets
    text = " ".join(alpine.breaks)
    assert ("sources built into glibc 2.34 work" in text) is builtin
    assert ("libnss_files.so.2" in text) is not builtin


@pytest.mark.parametrize(("glibc", "fatal"), [("2.35", True), ("2.36", False)])
def test_start_up_kernel_check_boundary(glibc: str, fatal: bool) -> None:
    """glibc up to 2.35 aborts with "FATAL: kernel too old"; 2.36 removed the check."""
    report = analyze_text(OS_USER, targets=["centos6"], build_glibc=glibc)
    (centos6,) = report.targets
    assert centos6.starts == "no"
    assert ("aborts with" in centos6.reason) is fatal
    assert ("no longer check at start-up" in centos6.reason) is not fatal


# --- fixes offered exactly when their origins allow ---------------------------------------------


def test_cgo_disabled_when_origins_equal_its_only_origins() -> None:
    report = analyze_text("# example.com/app\n" + OS_USER + NET + SEM_OPEN)
    assert set(report.findings[0].origins) | {o for f in report.findings for o in f.origins} == {
        "go:os/user",
        "go:net",
        "glibc",
    }
    assert "cgo-disabled" in [r.id for r in report.recommendations]


def test_cgo_disabled_not_offered_when_other_code_needs_cgo() -> None:
    report = analyze_text("# example.com/app\n" + OS_USER + NET + SQLITE)
    assert "cgo-disabled" not in [r.id for r in report.recommendations]


# --- Go version: log and binary ---------------------------------------------------------------


def test_go_version_is_the_most_named_then_the_newest() -> None:
    log = "/usr/lib/go-1.19/pkg/tool/linux_amd64/link\n" * 3 + "go version go1.22.5 linux/amd64\n"
    assert analyze_text(log).build.go_version == "1.19"
    log = "/usr/lib/go-1.19/pkg/x\n" + "go version go1.22.5 linux/amd64\n"
    assert analyze_text(log).build.go_version == "1.22"


def test_counts_add_up_over_two_logs() -> None:
    one = OS_USER.encode()
    report = analyze([("a.log", io.BytesIO(one)), ("b.log", io.BytesIO(one + one))])
    assert counts(report) == {"getpwnam_r": 3}
    assert [s.name for s in report.sources] == ["a.log", "b.log"]


# --- bounded whatever the input -----------------------------------------------------------------


@pytest.mark.parametrize(
    "n", [MAX_FINDINGS - 1, MAX_FINDINGS, MAX_FINDINGS + 1, MAX_FINDINGS + 500]
)
def test_distinct_functions_are_capped_and_counted(n: int) -> None:
    log = "".join(
        f"a.c:(.text+0x1): warning: Using 'fn{i}' in statically linked applications requires at "
        "runtime the shared libraries from the glibc version used for linking\n"
        for i in range(n)
    )
    report = analyze_text(log + log)  # every function twice
    assert len(report.findings) == min(n, MAX_FINDINGS)
    assert report.summary.findings_omitted == max(0, n - MAX_FINDINGS)
    assert report.summary.distinct_functions == n
    assert report.summary.warning_lines == 2 * n
    text = render(report, OutputFormat.TEXT)
    assert ("more were counted" in text) is (n > MAX_FINDINGS)


@pytest.mark.parametrize(("beyond", "exact"), [(10, True), (11, False)])
def test_omitted_functions_are_told_apart_up_to_a_bound(
    beyond: int, exact: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past MAX_OMITTED_TRACKED distinct omitted functions the count is a lower bound, and says
    so; up to it, repeats are never counted twice."""
    monkeypatch.setattr(fold, "MAX_OMITTED_TRACKED", 10)
    n = MAX_FINDINGS + beyond
    log = "".join(
        f"a.c:(.text+0x1): warning: Using 'fn{i}' in statically linked applications requires at "
        "runtime the shared libraries from the glibc version used for linking\n"
        for i in range(n)
    )
    report = analyze_text(log + log)
    assert report.summary.findings_omitted == 10
    assert report.summary.findings_omitted_exact is exact
    assert report.summary.warning_lines == 2 * n
    text = render(report, OutputFormat.TEXT)
    assert ("at least 10 more were counted" in text) is not exact
    assert ("; 10 more were counted" in text) is exact


def test_a_finding_lists_only_the_link_units_the_report_holds() -> None:
    log = "".join(
        f"# example.com/cmd/p{i}\na.c:(.text+0x1): warning: {MSG.format('getpwnam')}\n"
        for i in range(MAX_LINKS + 100)
    )
    report = analyze_text(log)
    (finding,) = report.findings
    listed = {u.id for u in report.links}
    assert set(finding.links) == listed and len(listed) == MAX_LINKS
    assert finding.count == MAX_LINKS + 100


def test_long_texts_are_clipped_in_what_the_report_keeps() -> None:
    name = "o" * 20_000
    log = f"/usr/bin/ld: {name}.o: in function `{'f' * 20_000}':\na.c:(.text+0x1): warning: {MSG.format('getpwnam')}\n"
    (occurrence,) = analyze_text(log).findings[0].occurrences
    assert occurrence.object is not None and len(occurrence.object) <= MAX_TEXT
    assert occurrence.object.endswith("…")
    assert all(len(line) <= MAX_TEXT for line in occurrence.lines)
    assert occurrence.function is not None and len(occurrence.function) <= MAX_TEXT


@pytest.mark.parametrize(
    ("line", "version"),
    [
        ("go: downloading go1.22.5 (linux/amd64)", "1.22"),
        ("go: switching to go1.23.4", "1.23"),
        ("toolchain go1.24.1", "1.24"),
        ("go version go1.21.13 linux/amd64", "1.21"),
        ("/usr/lib/go-1.19/pkg/tool/linux_amd64/link -o a.out", "1.19"),
        ("/root/sdk/go1.20.14/pkg/tool/linux_amd64/compile", "1.20"),
    ],
)
def test_go_version_from_what_logs_show(line: str, version: str) -> None:
    assert analyze_text(line + "\n").build.go_version == version


def test_go_version_option_wins_over_the_log() -> None:
    report = analyze_text("go version go1.22.5 linux/amd64\n" + OS_USER, go_version="1.19")
    assert report.build.go_version == "1.19"
