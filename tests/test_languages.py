"""Languages other than Go, C, C++ and Rust: the toolchain named from the evidence (its driver,
its runtime's objects, its own link-failure message), the runtime's origins, and fixes in the
language's own terms, never a C command for a build that is not C."""

from __future__ import annotations

import pytest

from cgowarn.enums import Toolchain
from conftest import GLIBC_MSG, SAMPLES, analyze_text

FAILED_LOGS = {
    "hs-undef-static-ghc": "haskell",
    "hs-nosuchlib-static-ghc": "haskell",
    "ocaml-undef-static": "ocaml",
    "pascal-undef-static-fpc": "pascal",
    "d-undef-static-ldc": "d",
    "nim-undef-static": "nim",
    "ada-undef-static-gnat": "ada",
    "fortran-undef-static-gfortran": "fortran",
    "zig-gnu-static-refused": "zig",
}


@pytest.mark.parametrize(("log", "language"), sorted(FAILED_LOGS.items()))
def test_the_language_is_named_and_no_c_command_is_given(log: str, language: str) -> None:
    report = analyze_text((SAMPLES / f"{log}.log").read_text())
    assert [str(t) for t in report.build.toolchains] == [language]
    for r in report.recommendations:
        assert r.commands == () and r.known == "sourced", r
        assert "musl-gcc as the compiler driver" not in r.title
        assert "in your link command" not in r.title


@pytest.mark.parametrize(
    ("line", "language"),
    [
        ("$ ghc -static -optl-static -optl-pthread Main.hs", "haskell"),
        ("+ cabal build --enable-executable-static", "haskell"),
        ("nim c --passL:-static main.nim", "nim"),
        ("/usr/bin/x86_64-linux-gnu-gnatmake-12 main.adb -largs -static", "ada"),
        ("$ ldc2 -static main.d", "d"),
        ("ocamlfind ocamlopt -package unix -linkpkg -ccopt -static main.ml", "ocaml"),
        ("$ crystal build --static main.cr", "crystal"),
        ("fpc -XS -Xt main.pas", "pascal"),
        ("gfortran -static main.f90", "fortran"),
        ("$ zig build-exe main.zig -lc -target x86_64-linux-musl -static", "zig"),
    ],
)
def test_a_driver_command_names_the_language(line: str, language: str) -> None:
    assert [str(t) for t in analyze_text(line + "\n").build.toolchains] == [language]


@pytest.mark.parametrize(
    "line",
    [
        "/usr/lib/ghc/lib/package.conf.d is missing",
        "checking for nim... no",
        "the zig compiler is not needed here",
    ],
)
def test_a_driver_name_elsewhere_in_a_line_names_nothing(line: str) -> None:
    assert analyze_text(line + "\n").build.toolchains == ()


def _warned(obj: str, function: str, symbol: str) -> str:
    return f"/usr/bin/ld: {obj}: in function `{function}':\nx.c:(.text+0x1): warning: {GLIBC_MSG.format(symbol)}\n"


@pytest.mark.parametrize(
    ("obj", "function", "symbol", "origin", "severity", "language"),
    [
        ("/usr/lib/ocaml/libunix.a(getpw.o)", "unix_getpwnam", "getpwnam", "ocaml:unix",
         "medium", "ocaml"),
        ("/usr/lib/ocaml/libasmrun.a(unix.n.o)", "caml_dlopen", "dlopen", "ocaml:dynlink",
         "medium", "ocaml"),
        ("main.o", "camlMain__entry", "getpwnam", "program", "high", "ocaml"),
        ("main.o", "_Dmain", "getpwnam", "program", "high", "d"),
        ("./main.o", "_ada_main", "getpwnam", "program", "high", "ada"),
        ("/tmp/ccnDZSoK.o", "MAIN__", "getpwnam", "program", "high", "fortran"),
        ("/root/.cache/nim/main_d/@mmain.nim.c.o", "NimMainModule", "getpwnam", "program",
         "high", "nim"),
    ],
)  # fmt: skip
def test_runtime_and_program_origins(
    obj: str, function: str, symbol: str, origin: str, severity: str, language: str
) -> None:
    report = analyze_text(_warned(obj, function, symbol))
    (finding,) = report.findings
    assert finding.origins == (origin,)
    assert finding.severity.value == severity
    assert [str(t) for t in report.build.toolchains] == [language]


def test_fixes_in_the_language_terms() -> None:
    report = analyze_text((SAMPLES / "nim-undef-static.log").read_text())
    titles = {r.id: r.title for r in report.recommendations}
    assert "--gcc.exe:musl-gcc --gcc.linkerexe:musl-gcc --passL:-static" in titles["musl"]
    assert "Nim: drop --passL:-static" in titles["dynamic"]
    assert "zig-musl" not in titles  # zig cc is a C driver
    sources = {s for r in report.recommendations for s in r.sources}
    assert "https://nim-lang.org/docs/nimc.html" in sources


def test_a_language_without_a_known_musl_way_gets_no_musl_fix() -> None:
    report = analyze_text((SAMPLES / "fortran-undef-static-gfortran.log").read_text())
    assert [r.id for r in report.recommendations] == ["dynamic"]
    assert "Fortran (gfortran): drop -static" in report.recommendations[0].title


def test_c_stays_c_when_a_c_command_is_seen() -> None:
    log = "gcc -static -o app main.c\n" + _warned("main.o", "main", "getpwnam")
    report = analyze_text(log)
    assert Toolchain.C in report.build.toolchains
    assert any(r.commands for r in report.recommendations)


# --- after following the musl advice ------------------------------------------------------------


def test_a_glibc_archive_linked_with_musl_is_rebuilt_not_a_missing_library() -> None:
    report = analyze_text((SAMPLES / "c-glibc-archive-musl.log").read_text())
    first = report.link_problems[0]
    assert first.kind == "glibc_objects"
    assert first.subjects == ("__snprintf_chk", "__fprintf_chk", "__printf_chk", "fcntl64")
    assert first.fix is not None and "rebuild" in first.fix
    assert "add the library" not in first.advice


def test_cannot_find_under_musl_gcc_is_its_library_path() -> None:
    log = (
        "$ musl-gcc -static -o app main.c -lz\n"
        + (SAMPLES / "c-musl-gcc-system-lib.log").read_text()
    )
    (first, *_) = analyze_text(log).link_problems
    assert first.kind == "missing_library" and first.command is None
    assert "/usr/lib/x86_64-linux-musl" in first.advice and first.fix == "build libz for musl"
    # Without musl-gcc in the log, it is the usual missing archive, with its package.
    plain = analyze_text((SAMPLES / "c-musl-gcc-system-lib.log").read_text()).link_problems[0]
    assert plain.command is not None and "zlib1g-dev" in plain.command


def test_free_pascal_dynamic_is_its_start_up_code() -> None:
    report = analyze_text((SAMPLES / "pascal-runtime-static.log").read_text())
    first = report.link_problems[0]
    assert (first.kind, first.subjects) == ("static_pie_start", ("_DYNAMIC",))
    assert "drop -Xt" in first.advice and "_dl_relocate_static_pie" in first.advice


def test_the_drivers_command_is_edited_only_when_every_word_is_plain() -> None:
    log = (SAMPLES / "nim-runtime-static.log").read_text()
    plain = analyze_text("$ nim c -d:release --passL:-static main.nim\n" + log)
    commands = {r.id: r.commands for r in plain.recommendations}
    assert commands["dynamic"] == ("nim c -d:release main.nim",)
    assert commands["musl"] == (
        "nim c --gcc.exe:musl-gcc --gcc.linkerexe:musl-gcc -d:release --passL:-static main.nim",
    )
    for unsafe in ("$HOME/main.nim", "`evil`.nim", "'a b'.nim", "main.nim;rm"):
        report = analyze_text(f"$ nim c --passL:-static {unsafe}\n" + log)
        assert all(not r.commands for r in report.recommendations), unsafe


def test_a_step_the_driver_shows_is_not_the_command_to_edit() -> None:
    # gnatmake shows the gnatlink step it runs: the language is named, no gnatlink command given.
    report = analyze_text((SAMPLES / "ada-undef-static-gnat.log").read_text())
    assert [str(t) for t in report.build.toolchains] == ["ada"]
    assert all(not r.commands for r in report.recommendations)
    edited = analyze_text(
        "$ gnatmake main.adb -bargs -static -largs -static\n"
        + (SAMPLES / "ada-runtime-static.log").read_text()
    )
    (dynamic,) = [r for r in edited.recommendations if r.id == "dynamic"]
    assert dynamic.commands == ("gnatmake main.adb",) and dynamic.known == "sourced"


@pytest.mark.parametrize(
    ("log", "symbol", "function", "obj"),
    [
        ("hs-runtime-static-bfd", "getgrent",
         "unix-2.7.2.2:System.Posix.User.getAllGroupEntries6", None),
        ("hs-runtime-static-bfd", "getpwnam_r",
         "ghc_wrapper:3:unix-2.7.2.2:System.Posix.User:getpwnam_r", None),
        ("d-runtime-static", "dlopen", "std.net.curl.CurlAPI.loadAPI", None),
        ("d-runtime-static", "getprotobyname", "std.socket.Protocol.getProtocolByName", None),
        ("pascal-runtime-static", "getpwnam", "users.GETPWNAM", None),
        ("nim-runtime-static", "getaddrinfo", None,
         "../../usr/lib/nim/lib/pure/nativesockets.nim"),
        ("crystal-runtime-static", "getpwnam_r", None, "System::User"),
    ],
)  # fmt: skip
def test_mangled_names_are_shown_as_the_language_writes_them(
    log: str, symbol: str, function: str | None, obj: str | None
) -> None:
    report = analyze_text((SAMPLES / f"{log}.log").read_text())
    (finding,) = [f for f in report.findings if f.symbol == symbol]
    occurrence = finding.occurrences[0]
    assert (occurrence.function_readable, occurrence.object_readable) == (function, obj)
    assert occurrence.function is not None or occurrence.object is not None  # the raw name stays


@pytest.mark.parametrize(
    "name", ["main", "getaddrinfo", "_ZN3std2io5stdio6_print17h", "zzz", "_D", "_D0x", "USERS"]
)
def test_names_of_no_known_scheme_are_left_alone(name: str) -> None:
    from cgowarn import demangle

    assert demangle.function(name) is None
