"""Hand-made edge cases: one line (or pair) per form the parser must understand, each checked for
the fields a user reads. Real captured logs are tested in test_samples.py."""

from __future__ import annotations

import typing

import pytest

from cgowarn.model import Finding, Occurrence, Report
from conftest import analyze_bytes, analyze_text, counts

MSG = "Using '{}' in statically linked applications requires at runtime the shared libraries from the glibc version used for linking"


def one(report: Report) -> tuple[Finding, Occurrence]:
    (finding,) = report.findings
    (occ,) = finding.occurrences
    return finding, occ


@pytest.mark.parametrize(
    ("log", "expect"),
    [
        # GNU ld 2.40, debug info
        (
            f"/usr/bin/ld: /tmp/go-link-1/000007.o: in function `mygetpwnam_r':\n/_/os/user/cgo_lookup_unix.go:32: warning: {MSG.format('getpwnam_r')}",
            dict(
                object="/tmp/go-link-1/000007.o",
                function="mygetpwnam_r",
                file="/_/os/user/cgo_lookup_unix.go",
                line=32,
                section=None,
            ),
        ),
        # GNU ld, no debug info
        (
            f"/usr/bin/ld: a.o: in function `main':\na.c:(.text+0x1a): warning: {MSG.format('getpwnam')}",
            dict(object="a.o", function="main", file="a.c", line=None, section=".text+0x1a"),
        ),
        # GNU ld, line and section
        (
            f"/usr/bin/ld: a.o: in function `main':\na.c:60:(.text+0x37): warning: {MSG.format('getpwnam')}",
            dict(file="a.c", line=60, section=".text+0x37"),
        ),
        # old ld, capital In, no file
        (
            "/usr/lib/../lib64/libpthread.a(libpthread.o): In function `sem_open':\n(.text+0x77cd): warning: the use of `mktemp' is dangerous, better use `mkstemp'",
            dict(
                object="/usr/lib/../lib64/libpthread.a(libpthread.o)",
                function="sem_open",
                file=None,
                section=".text+0x77cd",
            ),
        ),
        # -ffunction-sections
        (
            f"/usr/bin/ld: executor.o: in function `Connection::Connect(char const*, char const*)':\nexecutor.cc:(.text._ZN10Connection7ConnectEPKcS1_[_ZN10Connection7ConnectEPKcS1_]+0x104): warning: {MSG.format('gethostbyname')}",
            dict(
                function="Connection::Connect(char const*, char const*)",
                file="executor.cc",
                section=".text._ZN10Connection7ConnectEPKcS1_[_ZN10Connection7ConnectEPKcS1_]+0x104",
            ),
        ),
        # LTO
        (
            f"/usr/bin/ld: /tmp/cc1.ltrans0.ltrans.o: in function `main':\n<artificial>:(.text.startup+0x15): warning: {MSG.format('getpwnam')}",
            dict(
                object="/tmp/cc1.ltrans0.ltrans.o",
                file="<artificial>",
                section=".text.startup+0x15",
            ),
        ),
        # cross ld and a Nix store ld as program prefix
        (
            f"x86_64-linux-gnu-ld: a.o: in function `f':\nx86_64-linux-gnu-ld: a.c:5: warning: {MSG.format('dlopen')}",
            dict(object="a.o", function="f", file="a.c", line=5),
        ),
        (
            f"/nix/store/0abc-binutils-2.40/bin/ld: a.o: in function `f':\n/nix/store/0abc-binutils-2.40/bin/ld: a.c:5: warning: {MSG.format('dlopen')}",
            dict(object="a.o", function="f", file="a.c", line=5),
        ),
        # gold
        (
            f"a2.o:a.c:function main: warning: {MSG.format('getpwnam')}",
            dict(object="a2.o", file="a.c", function="main"),
        ),
        (
            f"/usr/lib/x86_64-linux-gnu/libc.a(rcmd.o):function __validuser2_sa: warning: {MSG.format('getaddrinfo')}",
            dict(
                object="/usr/lib/x86_64-linux-gnu/libc.a(rcmd.o)",
                function="__validuser2_sa",
                file=None,
            ),
        ),
        (
            f"/src/a.c:6: warning: {MSG.format('getpwnam')}",
            dict(object=None, file="/src/a.c", line=6),
        ),
        # localised ld: Chinese context and warning word, German, French with guillemets
        (
            f"/tmp/go-link-1/000019.o：在函数‘mygetgrouplist’中：\n/_/os/user/getgrouplist_unix.go:16: 警告：{MSG.format('getgrouplist')}",
            dict(
                object="/tmp/go-link-1/000019.o",
                function="mygetgrouplist",
                file="/_/os/user/getgrouplist_unix.go",
                line=16,
            ),
        ),
        (
            f"main.o: In Funktion »main«:\nmain.c:7: Warnung: {MSG.format('getpwnam')}",
            dict(object="main.o", function="main", line=7),
        ),
        (
            "lib.a(F.o): dans la fonction « create_temporary_file »:\nF.cpp:(.text+0x65dd): AVERTISSEMENT: the use of `tmpnam' is dangerous, better use `mkstemp'",
            dict(object="lib.a(F.o)", function="create_temporary_file", file="F.cpp"),
        ),
        # very old ld: no `warning:` keyword at all
        (
            "/tmp/ccX.o(.text+0x1d): In function `main':\n: the use of `mktemp' is dangerous, better use `mkstemp'",
            dict(object="/tmp/ccX.o", function="main", section=".text+0x1d", file=None),
        ),
        (
            "/tmp/ccX.o(.text+0x1d): the use of `tmpnam' is dangerous, better use `mkstemp'",
            dict(object="/tmp/ccX.o", section=".text+0x1d"),
        ),
        # archive member object
        (
            f"/usr/bin/ld: /usr/lib/libsqlite3.a(os_unix.o): in function `unixDlOpen':\n(.text+0x969): warning: {MSG.format('dlopen')}",
            dict(
                object="/usr/lib/libsqlite3.a(os_unix.o)",
                function="unixDlOpen",
                section=".text+0x969",
            ),
        ),
        # rustc -W linker-messages drops ld's word for warning
        (
            f"warning: linker stderr: /usr/bin/ld.bfd: libstd.rlib(std.o): in function `std::sys::pal::unix::os::home_dir::fallback':\n         /rustc/x/library/std/src/sys/pal/unix/os.rs:519: {MSG.format('getpwuid_r')}",
            dict(
                object="libstd.rlib(std.o)",
                function="std::sys::pal::unix::os::home_dir::fallback",
                line=519,
            ),
        ),
    ],
    ids=lambda v: None if isinstance(v, dict) else v.splitlines()[-1][:40],
)
def test_location_fields(log: str, expect: dict[str, object]) -> None:
    _, occ = one(analyze_text(log))
    for key, value in expect.items():
        assert getattr(occ, key) == value, (key, occ)


def test_ld_prefix_on_later_warning_keeps_function_context() -> None:
    log = (
        "/usr/bin/ld: t.o: in function `main':\n"
        f"t.c:(.text+0x13): warning: {MSG.format('getpwnam')}\n"
        f"/usr/bin/ld: t.c:(.text+0x33): warning: {MSG.format('getgrnam')}\n"
    )
    report = analyze_text(log)
    assert counts(report) == {"getgrnam": 1, "getpwnam": 1}
    for f in report.findings:
        assert f.occurrences[0].function == "main"
        assert f.occurrences[0].object == "t.o"


@pytest.mark.parametrize(
    ("line", "symbol", "family"),
    [
        (
            "a.c:(.text+0x1): warning: the `gets' function is dangerous and should not be used.",
            "gets",
            "dangerous-function",
        ),
        (
            "a.c:(.text+0x1): warning: warning: `siggetmask' is obsolete; `sigprocmask' is best",
            "siggetmask",
            "obsolete",
        ),
        ("a.c:(.text+0x1): warning: gtty is not implemented and will always fail", "gtty", "stub"),
        (
            "a.c:(.text+0x1): warning: warning: lchmod is not implemented and will always fail",
            "lchmod",
            "stub",
        ),
        (
            "a.c:(.text+0x1): warning: inet6_option_alloc is obsolete, use the RFC 3542 interfaces",
            "inet6_option_alloc",
            "obsolete",
        ),
        (
            "a.c:(.text+0x1): warning: the use of `pthread_attr_setstackaddr' is deprecated, use `pthread_attr_setstack'",
            "pthread_attr_setstackaddr",
            "deprecated",
        ),
        (
            "a.c:(.text+0x1): warning: the `sigstack' function is dangerous.  `sigaltstack' should be used instead.",
            "sigstack",
            "dangerous-function",
        ),
        (
            "a.c:(.text+0x1): warning: the `llseek' function may be dangerous; use `lseek64' instead.",
            "llseek",
            "dangerous-function",
        ),
        (
            "a.c:(.text+0x1): warning: the use of `tempnam' is dangerous, better use `mkstemp'",
            "tempnam",
            "dangerous-use",
        ),
    ],
)
def test_message_families(line: str, symbol: str, family: str) -> None:
    finding, _ = one(analyze_text(line))
    assert (finding.symbol, finding.family, finding.known) == (symbol, family, True)


def test_unknown_symbol_in_known_shape_is_reported_not_dropped() -> None:
    report = analyze_text(
        f"a.c:(.text+0x1): warning: {MSG.format('getfoobar_r')}\n"
        "a.c:(.text+0x2): warning: frobnicate is not implemented and will always fail\n"
    )
    by = {f.symbol: f for f in report.findings}
    assert by["getfoobar_r"].known is False
    assert by["getfoobar_r"].category == "unknown-static"
    # No glibc release warns about them: unrecognised, low, never a default gate.
    assert by["getfoobar_r"].severity.value == "low"
    assert by["frobnicate"].category == "unknown-other"
    assert by["frobnicate"].severity.value == "low"


def test_compiler_warnings_with_the_word_warning_are_not_findings() -> None:
    log = (
        "main.c:12:5: warning: implicit declaration of function 'getpwnam' [-Wimplicit-function-declaration]\n"
        "warning: unused variable `x`\n"
        "/usr/bin/ld: warning: libfoo.so.1, needed by libbar.so, not found\n"
    )
    report = analyze_text(log)
    assert report.findings == ()
    assert [d.kind for d in report.diagnostics] == ["linker_warning"]


@pytest.mark.parametrize(
    ("line", "kind", "subject"),
    [
        (
            "/usr/bin/ld: main.c:(.text+0x9): undefined reference to `foo'",
            "undefined_reference",
            "foo",
        ),
        (
            "a.o:a.c:function main: error: undefined reference to 'foo'",
            "undefined_reference",
            "foo",
        ),
        ("ld.lld: error: undefined symbol: foo", "undefined_reference", "foo"),
        ("mold: error: undefined symbol: foo", "undefined_reference", "foo"),
        ("/usr/bin/ld: cannot find -lfoo: No such file or directory", "cannot_find_library", "foo"),
        ("/usr/bin/ld: no se puede encontrar -lEGL", "cannot_find_library", "EGL"),
        ("ld.lld: error: unable to find library -lfoo", "cannot_find_library", "foo"),
        ("collect2: error: ld returned 1 exit status", "collect2", "1"),
        ("collect2: 错误：ld 返回 1", "collect2", "1"),
        (
            "/usr/lib/go-1.19/pkg/tool/linux_amd64/link: running gcc failed: exit status 1",
            "go_running_gcc_failed",
            "gcc",
        ),
        ("error: linking with `cc` failed: exit status: 1", "rust_linking_failed", "cc"),
        (
            "clang++: error: linker command failed with exit code 1 (use -v to see invocation)",
            "compiler_link_failed",
            "1",
        ),
        (
            "/usr/bin/ld: warning: x.o: missing .note.GNU-stack section implies executable stack",
            "exec_stack",
            None,
        ),
        ("/usr/bin/ld: warning: app has a LOAD segment with RWX permissions", "rwx_segment", None),
    ],
)
def test_diagnostics_are_not_findings(line: str, kind: str, subject: str | None) -> None:
    report = analyze_text(line)
    assert report.findings == ()
    (diag,) = report.diagnostics
    assert (diag.kind, diag.subject) == (kind, subject)
    expected_status = "failed" if diag.severity.value == "error" else "ok"
    assert report.summary.link_status.value == expected_status


def test_go_headers_keep_link_units_apart() -> None:
    log = (
        "# example.com/a\n"
        "/usr/bin/ld: /tmp/go-link-1/000007.o: in function `mygetpwnam_r':\n"
        f"/_/os/user/cgo_lookup_unix.go:32: warning: {MSG.format('getpwnam_r')}\n"
        "# example.com/b\n"
        f"/_/os/user/cgo_lookup_unix.go:32: warning: {MSG.format('getpwnam_r')}\n"
        "/usr/lib/go/pkg/tool/linux_amd64/link: running gcc failed: exit status 1\n"
    )
    report = analyze_text(log)
    assert [(u.name, u.kind, u.warning_lines, u.status.value) for u in report.links] == [
        ("example.com/a", "go-package", 1, "ok"),
        ("example.com/b", "go-package", 1, "failed"),
    ]
    (finding,) = report.findings
    assert finding.count == 2 and finding.links == (1, 2)
    # The context of unit a does not leak into unit b.
    assert finding.occurrences[1].function is None


def test_link_commands_start_units() -> None:
    log = (
        "gcc -c -o a.o a.c\n"
        "gcc -static -o app1 a.o\n"
        f"a.c:(.text+0x1): warning: {MSG.format('getpwnam')}\n"
        "cc -static -o app2 b.o\n"
        f"b.c:(.text+0x1): warning: {MSG.format('dlopen')}\n"
    )
    assert [(u.name, u.symbols) for u in analyze_text(log).links] == [
        ("app1", ("getpwnam",)),
        ("app2", ("dlopen",)),
    ]


@pytest.mark.parametrize(
    "prefix",
    [
        "2024-01-15T10:23:45.1234567Z ",  # GitHub Actions
        "#12 3.456 ",  # Docker BuildKit
        "2024-01-15T10:23:45.1234567Z #12 3.456 ",  # BuildKit inside Actions
        "[2024-01-15T10:23:45.123Z] ",  # Jenkins
        "10:23:45 ",  # Jenkins time of day
        "\x1b[0;33m",  # ANSI colour
        "app_1  | ",  # docker compose
        "pkg> ",  # nix build log
        "2024/03/12 00:43:02 WARN ",  # Go log package
    ],
)
def test_ci_prefixes(prefix: str) -> None:
    log = (
        f"{prefix}# example.com/app\r\n"
        f"{prefix}/usr/bin/ld: /tmp/go-link-1/000007.o: in function `mygetpwnam_r':\x1b[0m\r\n"
        f"{prefix}/_/os/user/cgo_lookup_unix.go:32: warning: {MSG.format('getpwnam_r')}\x1b[0m\r\n"
    )
    report = analyze_text(log)
    finding, occ = one(report)
    assert finding.symbol == "getpwnam_r"
    assert (occ.function, occ.line, occ.origin.id) == ("mygetpwnam_r", 32, "go:os/user")
    assert [u.name for u in report.links] == ["example.com/app"]


def test_rustc_note_block() -> None:
    log = (
        "error: linking with `cc` failed: exit status: 1\n"
        "  |\n"
        '  = note: "cc" "-m64" "-static"\n'
        "  = note: /usr/bin/ld: libstd.rlib(std.o): in function `std::sys::net::lookup_host':\n"
        f"          /rustc/x/library/std/src/sys/net/mod.rs:350: warning: {MSG.format('getaddrinfo')}\n"
        "          collect2: error: ld returned 1 exit status\n"
    )
    report = analyze_text(log)
    _, occ = one(report)
    assert occ.origin.id == "rust:std"
    assert [d.kind for d in report.diagnostics] == ["rust_linking_failed", "collect2"]


def test_invalid_utf8_binary_bytes_and_nul_do_not_break_parsing() -> None:
    data = (
        b"\xff\xfe garbage \x00\x01\x02\n"
        + b"/usr/bin/ld: a.o: in function `f\xc3':\n"
        + b"a.c:(.text+0x1): warning: \x00"
        + MSG.format("getpwnam").encode()
        + b"\n\x89PNG\r\n\x1a\n"
    )
    report = analyze_bytes(data)
    finding, occ = one(report)
    assert finding.symbol == "getpwnam"
    assert occ.function == "f\ufffd"


def test_huge_line_without_newline_is_cut_not_kept_whole() -> None:
    data = b"x" * (3 << 20) + b"\n" + f"a.c:(.text+0x1): warning: {MSG.format('dlopen')}".encode()
    report = analyze_bytes(data)
    assert counts(report) == {"dlopen": 1}
    assert report.sources[0].lines == 2
    assert report.sources[0].bytes == len(data)


def test_occurrences_are_bounded_but_counts_exact() -> None:
    line = f"a.c:(.text+0x1): warning: {MSG.format('getpwnam')}\n"
    report = analyze_text(line * 1000, max_occurrences=7)
    finding = report.findings[0]
    assert finding.count == 1000
    assert len(finding.occurrences) == 7
    assert finding.occurrences_omitted == 993


def test_silent_linker_is_noticed() -> None:
    report = analyze_text("gcc -static -fuse-ld=lld -o app main.o\n")
    assert report.summary.silent_linkers == ("lld",)


def test_repeated_lines_keep_their_own_line_numbers_and_contexts() -> None:
    warning = f"(.text+0x1): warning: {MSG.format('getpwnam')}"
    log = "\n".join(
        [
            "/usr/bin/ld: a.o: in function `first':",
            warning,
            "/usr/bin/ld: b.o: in function `second':",
            warning,
            "2026-11-26T10:00:00.0000001Z " + warning,  # the same line behind a CI timestamp
        ]
    )
    report = analyze_text(log)
    (finding,) = report.findings
    assert finding.count == 3
    assert [(o.source_line, o.object, o.function) for o in finding.occurrences] == [
        (2, "a.o", "first"),
        (4, "b.o", "second"),
        (5, "b.o", "second"),
    ]


def test_memo_changes_nothing() -> None:
    """Remembered lines give the events that parsing every line afresh gives, on every sample."""
    from dataclasses import fields

    from cgowarn.knowledge import load_knowledge
    from cgowarn.parse import parser
    from cgowarn.parse.events import Event
    from cgowarn.parse.wrappers import clean_line
    from conftest import SAMPLE_LIST

    kb = load_knowledge()
    for cls in typing.get_args(Event):
        assert fields(cls)[-1].name == "line_no", cls  # what re-numbering a remembered event needs
    repeated = 0
    for sample in SAMPLE_LIST:
        lines = sample.path.read_text(encoding="utf-8", errors="replace").splitlines()
        cleaned = [clean_line(line) for line in lines]
        fresh = []
        seen = set()
        for n, line in enumerate(cleaned, 1):
            if line:
                events = list(parser._line_events(line, n, kb.parse))
                repeated += bool(events) and line in seen
                seen.add(line)
                fresh += events
        assert list(parser.parse_lines(lines, kb.parse)) == fresh, sample.id
    assert repeated > 20  # lines with events do repeat in the samples: the memo is exercised


def test_compiler_in_function_lines_are_not_linker_context() -> None:
    """gcc 12 prints `file.c: In function ‘f’:` (ASCII quotes in the C locale, colour codes with
    -fdiagnostics-color) before its own warnings; ld quotes with a backtick."""
    from conftest import analyze_bytes as run

    warning = f"(.text+0x1): warning: {MSG.format('getpwnam')}"
    for gcc in (
        "misc.c: In function \u2018legacy_calls\u2019:",
        "misc.c: In function 'legacy_calls':",
        "misc.c: In function \u2018\x1b[01m\x1b[Klegacy_calls\x1b[m\x1b[K\u2019:",
        "2026-11-26T10:00:00.0000001Z misc.c: In function 'legacy_calls':",
    ):
        for ld_context, function in (
            ("/usr/bin/ld: a.o: in function `lookup':", "lookup"),  # binutils >= 2.32
            ("a.o: In function `lookup':", "lookup"),  # older ld
            (None, None),
        ):
            lines = [gcc, "misc.c:29:5: warning: 'x' is deprecated [-Wdeprecated-declarations]"]
            lines += [ld_context] if ld_context else []
            lines += [warning]
            data = "\n".join(lines).encode()
            fast = run(data)
            assert fast.model_dump() == run(data, fast=False).model_dump()
            (occ,) = fast.findings[0].occurrences
            assert occ.function == function, (gcc, ld_context)
