"""cgowarn inspect on real binaries built here, checked against file, readelf, objdump and
`go version -m`; and on hostile files, which must never produce a traceback."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cgowarn.cli import main
from cgowarn.knowledge import load_knowledge
from cgowarn.model import Report
from cgowarn.pipeline import analyze
from conftest import SAMPLES, offline_go, require_tool

pytestmark = pytest.mark.toolchain

SRC = SAMPLES / "src"
OBJS = "main.o user.o net.o plugin.o tmpnames.o"
NSS = {"getpwnam", "getaddrinfo", "gethostbyname"}


def sh(cmd: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        ["bash", "-c", cmd],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=600,
    )
    assert proc.returncode == 0, (cmd, proc.stdout, proc.stderr)
    return proc.stdout


@pytest.fixture(scope="module")
def bins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_tool("gcc")
    work = tmp_path_factory.mktemp("bins")
    shutil.copytree(SRC / "c-nss", work, dirs_exist_ok=True)
    sh(f"gcc -c {OBJS.replace('.o', '.c')}", work)
    for linker in ("bfd", "lld", "mold"):
        require_tool("ld.lld" if linker == "lld" else "mold" if linker == "mold" else "ld.bfd")
        sh(f"gcc -static -fuse-ld={linker} -o static-{linker} {OBJS}", work)
        sh(f"strip -o static-{linker}-stripped static-{linker}", work)
    sh(f"gcc -o dynamic {OBJS}", work)
    sh(f"gcc -static-pie -o static-pie {OBJS}", work)
    require_tool("musl-gcc")
    sh("musl-gcc -static -o musl main.c user.c net.c plugin.c tmpnames.c", work)
    return work


def inspect(path: Path, **kwargs: Any) -> Report:
    return analyze([], binaries=[str(path)], **kwargs)


def symbols(report: Report) -> set[str]:
    return {f.symbol for f in report.findings}


def file_says(path: Path) -> str:
    return subprocess.run(["file", "-b", str(path)], capture_output=True, text=True).stdout


def readelf_abi(path: Path) -> str | None:
    out = subprocess.run(["readelf", "-n", str(path)], capture_output=True, text=True).stdout
    m = re.search(r"OS: Linux, ABI: ([\d.]+)", out)
    return m.group(1) if m else None


@pytest.mark.parametrize("linker", ["bfd", "lld", "mold"])
def test_static_glibc_same_findings_from_every_linker(bins: Path, linker: str) -> None:
    report = inspect(bins / f"static-{linker}")
    (info,) = report.binaries
    assert info.linkage == "static" and "statically linked" in file_says(bins / f"static-{linker}")
    assert info.libc == "glibc"
    assert info.abi_kernel == readelf_abi(bins / f"static-{linker}") == "3.2.0"
    assert symbols(report) >= NSS
    assert all(f.evidence == ("binary",) and f.count == 0 for f in report.findings)
    assert report.build.kernel_floor == "3.2.0"


def test_the_three_linkers_agree(bins: Path) -> None:
    glibc = {s for s in symbols(inspect(bins / "static-bfd")) if s in load_knowledge().symbols}
    for linker in ("lld", "mold"):
        assert {
            s for s in symbols(inspect(bins / f"static-{linker}")) if s in load_knowledge().symbols
        } == glibc


def test_lld_binary_with_an_empty_log_still_yields_nss(bins: Path) -> None:
    """lld printed nothing; the binary keeps glibc's .gnu.warning.* sections."""
    log = sh(f"gcc -static -fuse-ld=lld -o again {OBJS} 2>&1", bins)
    assert "warning" not in log
    report = inspect(bins / "static-lld-stripped")
    by = {f.symbol: f for f in report.findings}
    assert set(by) >= NSS
    assert by["getpwnam"].occurrences[0].section == "section .gnu.warning.getpwnam"
    assert "statically linked applications" in by["getpwnam"].message


@pytest.mark.parametrize("linker", ["bfd", "lld", "mold"])
def test_dlopen_in_every_static_glibc_binary_is_no_evidence(tmp_path: Path, linker: str) -> None:
    """glibc's libc.a links dlopen and dlmopen into a hello world too (libio's vtables.o references
    __dlopen): the symbol table and lld's warning sections show them, and that proves nothing."""
    require_tool("ld.lld" if linker == "lld" else "mold" if linker == "mold" else "ld.bfd")
    (tmp_path / "hello.c").write_text('#include <stdio.h>\nint main(void) { puts("hi"); }\n')
    sh(f"gcc -static -fuse-ld={linker} -o hello hello.c", tmp_path)
    assert " dlopen\n" in sh("nm hello", tmp_path)  # really there
    report = inspect(tmp_path / "hello")
    assert not symbols(report) & {"dlopen", "dlmopen"}
    assert all(f.severity.value == "low" for f in report.findings)


def test_stripped_bfd_binary_shows_the_nss_footprint_from_strings(bins: Path) -> None:
    report = inspect(bins / "static-bfd-stripped")
    (info,) = report.binaries
    assert info.stripped is True and info.libc == "glibc"
    found = symbols(report)
    assert "NSS modules (libnss_*.so)" in found
    nss = next(f for f in report.findings if f.symbol == "NSS modules (libnss_*.so)")
    assert nss.severity.value == "high" and "libnss" in (nss.occurrences[0].section or "")


def test_static_pie(bins: Path) -> None:
    (info,) = inspect(bins / "static-pie").binaries
    assert info.linkage == "static-pie" and "static-pie linked" in file_says(bins / "static-pie")


def test_musl_static(bins: Path) -> None:
    report = inspect(bins / "musl")
    (info,) = report.binaries
    assert (info.linkage, info.libc, info.abi_kernel) == ("static", "musl", None)
    assert readelf_abi(bins / "musl") is None
    assert report.findings == ()


def test_dynamic_glibc_requirement_matches_objdump(bins: Path) -> None:
    report = inspect(bins / "dynamic")
    (info,) = report.binaries
    assert info.linkage == "dynamic" and info.interpreter and "ld-linux" in info.interpreter
    assert info.needed == ("libc.so.6",)
    dump = subprocess.run(
        ["objdump", "-T", str(bins / "dynamic")], capture_output=True, text=True
    ).stdout
    versions = re.findall(r"GLIBC_(\d+(?:\.\d+)+)", dump)
    top = max(versions, key=lambda v: tuple(int(x) for x in v.split(".")))
    assert info.glibc_required == top
    needing = {line.split()[-1] for line in dump.splitlines() if f"GLIBC_{top}" in line}
    assert set(info.glibc_required_symbols) == needing
    # Only warnings that also fire in dynamic links apply: mktemp and tmpnam, not getpwnam.
    assert symbols(report) == {"mktemp", "tmpnam"}


@pytest.fixture(scope="module")
def go_bins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    go = "/usr/lib/go/bin/go" if Path("/usr/lib/go/bin/go").exists() else require_tool("go")
    work = tmp_path_factory.mktemp("go")
    shutil.copytree(SRC / "go", work / "go")
    env = {
        **offline_go(work),
    }
    sh(
        f"CGO_ENABLED=1 {go} build -ldflags '-linkmode external -extldflags \"-static -lm\"' -o ../cgo-static ./cmd/a",
        work / "go",
        env,
    )
    (work / "go" / "cmd" / "pure").mkdir()
    (work / "go" / "cmd" / "pure" / "main.go").write_text(
        'package main\n\nimport (\n\t"fmt"\n\t"os/user"\n)\n\nfunc main() {\n\tu, err := user.Current()\n\tfmt.Println(u, err)\n}\n'
    )
    sh(f"CGO_ENABLED=0 {go} build -o ../nocgo ./cmd/pure", work / "go", env)
    return work


def test_go_cgo_static_binary(go_bins: Path) -> None:
    path = go_bins / "cgo-static"
    report = inspect(path)
    (info,) = report.binaries
    assert info.libc == "glibc" and info.linkage == "static"
    go_m = subprocess.run(
        ["/usr/lib/go/bin/go", "version", "-m", str(path)], capture_output=True, text=True
    ).stdout
    assert info.go is not None
    assert go_m.startswith(f"{path}: {info.go.go_version}")
    assert info.go.settings["CGO_ENABLED"] == "1" and "build\tCGO_ENABLED=1" in go_m
    assert "-ldflags" in info.go.settings and info.go.settings["-ldflags"] in go_m
    by = {f.symbol: f for f in report.findings}
    assert by["getpwnam_r"].origins == ("go:os/user",)
    assert "built without osusergo" in by["getpwnam_r"].occurrences[0].origin.evidence
    assert by["getaddrinfo"].origins == ("go:net",)
    assert report.build.go_version == info.go.go_version.removeprefix("go")[:4].rstrip(".")


def test_go_without_cgo_has_no_libc(go_bins: Path) -> None:
    report = inspect(go_bins / "nocgo")
    (info,) = report.binaries
    assert (info.libc, info.linkage) == ("none", "static")
    assert info.go is not None and info.go.settings["CGO_ENABLED"] == "0"
    assert report.findings == ()


def test_rust_crt_static_binary(tmp_path: Path) -> None:
    rustc = shutil.which("rustc") or str(Path.home() / ".cargo/bin/rustc")
    if not Path(rustc).exists():
        require_tool("rustc")
    shutil.copy(SRC / "rust" / "src" / "main.rs", tmp_path / "main.rs")
    sh(f"{rustc} -C target-feature=+crt-static -o app main.rs", tmp_path)
    report = inspect(tmp_path / "app")
    assert report.binaries[0].libc == "glibc" and report.binaries[0].linkage in (
        "static",
        "static-pie",
    )
    assert {"getaddrinfo", "getpwuid_r"} <= symbols(report)
    # A Rust binary gets Rust's fixes (its musl target), never a C driver's.
    assert [str(t) for t in report.build.toolchains] == ["rust"]
    commands = [c for r in report.recommendations for c in r.commands]
    assert "cargo build --release --target x86_64-unknown-linux-musl" in commands
    assert not any(
        "musl-gcc" in c or "musl-gcc" in r.title
        for r in report.recommendations
        for c in (*r.commands, "")
    )


def test_log_and_binary_merge_without_double_counting(bins: Path, cli: CliRunner) -> None:
    log = bins / "build.log"
    log.write_text(sh(f"gcc -static -fuse-ld=bfd -o merged {OBJS} 2>&1", bins))
    report = analyze([(log.name, log.open("rb"))], binaries=[str(bins / "merged")])
    by = {f.symbol: f for f in report.findings}
    assert by["getpwnam"].count == 1 and by["getpwnam"].evidence == ("log", "binary")
    assert by["getpwnam_r"].count == 0 and by["getpwnam_r"].evidence == ("binary",)
    assert report.summary.warning_lines == 6
    result = cli.invoke(main, ["--format", "json", str(log), "--binary", str(bins / "merged")])
    assert result.exit_code == 1 and '"binaries"' in result.stdout


def test_inspect_cli_and_target(bins: Path, cli: CliRunner) -> None:
    result = cli.invoke(main, ["inspect", "--target", "centos6", str(bins / "static-lld")])
    assert result.exit_code == 1, result.output
    assert "Minimum kernel: 3.2.0" in result.stdout
    # The answer at the top says it, with the decisive fact.
    answer = " ".join(result.stdout.split("\n\n")[0].split())
    assert "On CentOS 6 / RHEL 6: does NOT start: It needs kernel 3.2.0 or newer" in answer
    detailed = cli.invoke(
        main, ["inspect", "--details", "--target", "centos6", str(bins / "static-lld")]
    )
    assert "On CentOS 6 / RHEL 6 (glibc 2.12, kernel 2.6.32): does NOT start." in detailed.stdout
    md = cli.invoke(main, ["inspect", "-f", "markdown", str(bins / "musl")])
    assert md.exit_code == 0 and "musl" in md.stdout


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing", "no such file"),
        (lambda d: d, "there is no ELF file in it"),
        (lambda d: _write(d / "t.txt", b"hello\n"), "not an ELF file"),
        (lambda d: _write(d / "empty", b""), "not an ELF file"),
    ],
)
def test_bad_inputs_one_line_exit_2(
    tmp_path: Path, cli: CliRunner, make: Callable[[Path], Path], message: str
) -> None:
    path = make(tmp_path)
    result = cli.invoke(main, ["inspect", str(path)])
    assert result.exit_code == 2
    assert message in result.output and len(result.output.strip().splitlines()) == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_hostile_elf_files_never_raise(bins: Path, tmp_path: Path, cli: CliRunner) -> None:
    """Truncated headers, bogus offsets and random corruption: a partial report or exit 2."""
    original = (bins / "static-bfd").read_bytes()
    rng = random.Random(20261126)
    cases: list[bytes] = [
        original[:n] for n in (4, 16, 52, 63, 64, 65, 200, 4096, len(original) // 2)
    ]
    header = bytearray(original)
    header[0x20:0x28] = (2**63).to_bytes(8, "little")  # e_phoff far past the end
    cases.append(bytes(header))
    header = bytearray(original)
    header[0x28:0x30] = (len(original) - 10).to_bytes(8, "little")  # e_shoff near the end
    cases.append(bytes(header))
    header = bytearray(original)
    header[4] = 1  # claims 32-bit
    cases.append(bytes(header))
    header = bytearray(original)
    header[0x12:0x14] = (183).to_bytes(2, "little")  # claims AArch64
    cases.append(bytes(header))
    for _ in range(60):
        mutated = bytearray(original)
        for _ in range(rng.randint(1, 40)):
            pos = (
                rng.randrange(0, min(len(mutated), 8192))
                if rng.random() < 0.7
                else rng.randrange(len(mutated))
            )
            mutated[pos] = rng.randrange(256)
        cases.append(bytes(mutated))
    for i, data in enumerate(cases):
        path = tmp_path / f"hostile-{i}"
        path.write_bytes(data)
        for fmt in ("json", "text"):
            result = cli.invoke(main, ["inspect", "-f", fmt, "--fail-on", "never", str(path)])
            assert result.exit_code in (0, 2), (i, result.output[-500:])
            assert result.exception is None or isinstance(result.exception, SystemExit), (
                i,
                repr(result.exception),
            )
            assert "Traceback" not in result.output
    # The AArch64-patched file still reports what could be read.
    aarch = cli.invoke(main, ["inspect", "-f", "json", str(tmp_path / "hostile-12")])
    assert "AArch64" in aarch.stdout


def test_the_binary_go_version_beats_the_log(go_bins: Path) -> None:
    """A log that names another Go release many times does not outweigh the binary's own build
    information."""
    import io

    log = b"go version go1.27.3 linux/amd64\n" * 50
    report = analyze([("build.log", io.BytesIO(log))], binaries=[str(go_bins / "nocgo")])
    (info,) = report.binaries
    assert info.go is not None and info.go.go_version.startswith("go1.19")
    assert report.build.go_version == "1.19"
    assert analyze([("build.log", io.BytesIO(log))]).build.go_version == "1.27"


# --- what is not NSS, what is not known to be stripped, what cannot be read at all ----------------

NSS_FOOTPRINT = "NSS modules (libnss_*.so)"


def nss_findings(report: Report) -> list[str]:
    kb = load_knowledge()
    return [
        f.symbol
        for f in report.findings
        if f.symbol == NSS_FOOTPRINT
        or (f.symbol in kb.symbols and kb.group_of(kb.symbols[f.symbol].category).id == "nss")
    ]


@pytest.fixture(scope="module")
def netgo_static(go_bins: Path) -> Path:
    """A Go program with a cgo package of its own, built with -tags netgo,osusergo and linked
    statically: static glibc for that package, but os/user and net in pure Go (Go 1.19 needs the
    program's own cgo to link this way at all: without it, loadinternal and SIGTRAP)."""
    work = go_bins / "netgo"
    (work / "cadd").mkdir(parents=True)
    (work / "go.mod").write_text("module example.com/netgostatic\n\ngo 1.19\n")
    (work / "cadd" / "cadd.go").write_text(
        'package cadd\n\n// int cadd(int a, int b) { return a + b; }\nimport "C"\n\n'
        "func Add(a, b int) int { return int(C.cadd(C.int(a), C.int(b))) }\n"
    )
    (work / "main.go").write_text(
        'package main\n\nimport (\n\t"fmt"\n\t"net"\n\t"os/user"\n\n\t"example.com/netgostatic/cadd"\n)\n\n'
        'func main() {\n\t_, err := user.Lookup("cgowarn-no-such-user")\n\tfmt.Println(err)\n'
        '\taddrs, err := net.LookupHost("localhost")\n\tfmt.Println(addrs, err, cadd.Add(2, 3))\n}\n'
    )
    env = {
        **offline_go(go_bins),
    }
    log = sh(
        "/usr/lib/go/bin/go build -tags netgo,osusergo "
        "-ldflags '-linkmode external -extldflags \"-static\"' -o ../netgo-static . 2>&1",
        work,
        env,
    )
    assert log == "", log  # no glibc NSS function was linked, so ld warned about none
    return go_bins / "netgo-static"


def test_go_netgo_static_glibc_binary_has_no_nss_footprint(netgo_static: Path) -> None:
    """Go's pure-Go resolver reads /etc/nsswitch.conf itself: that string is no sign of glibc's
    NSS, whose module names (libnss_*) are absent."""
    data = netgo_static.read_bytes()
    assert b"/etc/nsswitch.conf" in data and b"libnss_" not in data
    assert "statically linked" in file_says(netgo_static)
    ran = subprocess.run([str(netgo_static)], capture_output=True, text=True)
    assert ran.returncode == 0 and "[127.0.0.1] <nil> 5" in ran.stdout
    for path in (netgo_static, netgo_static.with_name("netgo-static-stripped")):
        if not path.exists():
            sh(f"strip -o {path.name} {netgo_static.name}", netgo_static.parent)
        report = inspect(path)
        (info,) = report.binaries
        assert (info.libc, info.linkage) == ("glibc", "static"), path
        assert info.go is not None and info.go.settings["-tags"] == "netgo,osusergo"
        assert nss_findings(report) == [], path


def test_static_getpwnam_shows_nss_stripped_or_not(tmp_path: Path) -> None:
    require_tool("gcc")
    (tmp_path / "pw.c").write_text(
        "#include <pwd.h>\n#include <stdio.h>\n"
        'int main(int c, char **v) { puts(getpwnam(c > 1 ? v[1] : "root") ? "found" : "no"); return 0; }\n'
    )
    sh("gcc -static -o pw pw.c && strip -o pw-stripped pw", tmp_path)
    full = inspect(tmp_path / "pw")
    assert full.binaries[0].stripped is False and "getpwnam" in nss_findings(full)
    stripped = inspect(tmp_path / "pw-stripped")
    assert stripped.binaries[0].stripped is True
    assert nss_findings(stripped) == [NSS_FOOTPRINT]
    nss = next(f for f in stripped.findings if f.symbol == NSS_FOOTPRINT)
    assert nss.occurrences[0].section == "string 'libnss_%s.so'"


def _patched(src: Path, dst: Path, edits: dict[int, bytes], size: int | None = None) -> Path:
    data = bytearray(src.read_bytes()[:size])
    for offset, value in edits.items():
        data[offset : offset + len(value)] = value
    dst.write_bytes(bytes(data))
    return dst


def _shoff(path: Path) -> int:
    return int.from_bytes(path.read_bytes()[0x28:0x30], "little")  # ELF64 e_shoff


def test_stripped_is_unknown_without_a_readable_section_header_table(
    bins: Path, tmp_path: Path, cli: CliRunner
) -> None:
    original = bins / "static-bfd"
    assert inspect(original).binaries[0].stripped is False
    size = original.stat().st_size
    cases = {
        # e_shoff, e_shnum and e_shstrndx zeroed: no section header table at all.
        "removed": _patched(original, tmp_path / "removed", {0x28: bytes(8), 0x3C: bytes(4)}),
        "past-eof": _patched(
            original, tmp_path / "past-eof", {0x28: (size + 4096).to_bytes(8, "little")}
        ),
        "cut-off": _patched(original, tmp_path / "cut-off", {}, size=_shoff(original) + 64 * 3),
    }
    readelf = subprocess.run(
        ["readelf", "-S", str(cases["removed"])], capture_output=True, text=True
    ).stdout
    assert "There are no sections in this file" in readelf
    for name, path in cases.items():
        report = inspect(path)
        (info,) = report.binaries
        assert info.stripped is None, name
        assert info.linkage == "static" and info.libc == "glibc", name
        assert info.abi_kernel == "3.2.0", name  # from the PT_NOTE segment
        assert (info.error is None) == (name == "removed"), (name, info.error)
        code, out = run_cli(cli, ["inspect", "--fail-on", "never", str(path)])
        assert code == 0 and "Symbols:" not in out and "Minimum kernel: 3.2.0" in out, name
    # A damaged section name table hides names, not types: the symbol table is still found.
    nameless = _patched(original, tmp_path / "nameless", {0x3E: bytes(2)})
    (info,) = inspect(nameless).binaries
    assert info.stripped is False


def run_cli(cli: CliRunner, args: list[str]) -> tuple[int, str]:
    result = cli.invoke(main, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("cut", "edits"),
    [
        (16, {}),  # e_ident only
        (40, {}),  # half a header
        (63, {}),  # one byte short of an ELF64 header
        (None, {4: b"\x07"}),  # EI_CLASS neither 32- nor 64-bit
        (None, {5: b"\x09"}),  # EI_DATA neither little- nor big-endian
    ],
)
def test_elf_magic_with_an_unreadable_header_exits_2(
    bins: Path, tmp_path: Path, cli: CliRunner, cut: int | None, edits: dict[int, bytes]
) -> None:
    path = _patched(bins / "static-bfd", tmp_path / "broken", edits, size=cut)
    log = tmp_path / "build.log"
    log.write_text("ok\n")
    for args in (["inspect", str(path)], [str(log), "--binary", str(path)]):
        code, out = run_cli(cli, args)
        assert code == 2, (args, out)
        assert out.startswith(f"cgowarn: error: cannot inspect {path}: ")
        assert "ELF header cannot be read" in out and len(out.strip().splitlines()) == 1
        assert "no glibc link warnings" not in out.lower()


def test_readable_header_with_damaged_sections_is_a_partial_report(
    bins: Path, tmp_path: Path, cli: CliRunner
) -> None:
    original = bins / "static-bfd"
    path = _patched(original, tmp_path / "damaged", {}, size=_shoff(original) + 64 * 3)
    log = tmp_path / "build.log"
    log.write_text("ok\n")
    for args in (["inspect", str(path)], [str(log), "--binary", str(path)]):
        code, out = run_cli(cli, [*args, "--fail-on", "never"])
        assert code == 0, out
        assert "could not read: " in out and "Linkage: static" in out
        assert "C library: glibc" in out


def test_a_go_binary_tells_which_packages_use_cgo(go_bins: Path, tmp_path: Path) -> None:
    """The symbol table's cgo wrappers say which packages were built with cgo: with only os/user
    and net, building without cgo is claimed safe and comes first; the NSS functions glibc links in
    with getaddrinfo and getnameinfo are net's, not unattributed."""
    programs = Path(__file__).parent / "programs"
    work = tmp_path / "usernet"
    shutil.copytree(programs / "go-user-net", work)
    shutil.copy(programs / "go-smoke.go", work / "smoke.go")
    env = {
        **offline_go(go_bins),
    }
    sh(
        "/usr/lib/go/bin/go build -ldflags '-linkmode external -extldflags \"-static\"' -o app .",
        work,
        env,
    )
    report = inspect(work / "app")
    (info,) = report.binaries
    assert info.cgo_packages == ("net", "os/user")
    nm = sh("nm app", work)
    assert "os/user._cgo_" in nm and "net._cgo_" in nm
    first = report.recommendations[0]
    assert first.id == "cgo-disabled" and first.title.endswith(
        "nothing else in this build needs cgo"
    )
    by = {f.symbol: f for f in report.findings}
    for companion in ("gethostbyname2_r", "getservbyname_r", "gethostbyaddr_r", "getservbyport_r"):
        assert by[companion].origins == ("go:net",), companion
        assert "linked in with" in by[companion].occurrences[0].origin.evidence
    assert by["initgroups"].origins == ("go:os/user",)
    sqlite = inspect(go_bins / "cgo-static")
    assert "github.com/mattn/go-sqlite3" in (sqlite.binaries[0].cgo_packages or ())
    assert all(r.id != "cgo-disabled" for r in sqlite.recommendations)


def test_a_static_musl_binary_without_strerror_is_musl(tmp_path: Path) -> None:
    """musl's strerror table ("No error information") is linked only when the program uses it;
    its start-up code (__init_libc) is in every static musl binary's symbol table."""
    require_tool("musl-gcc")
    (tmp_path / "m.c").write_text("int main(void) { return 0; }\n")
    sh("musl-gcc -static -o m m.c", tmp_path)
    assert b"No error information" not in (tmp_path / "m").read_bytes()
    (info,) = inspect(tmp_path / "m").binaries
    assert (info.libc, info.linkage) == ("musl", "static")
    assert "__init_libc" in info.libc_evidence


def test_a_target_the_binary_does_not_start_on_fails_the_gate(tmp_path: Path) -> None:
    """A dynamic binary built here needs GLIBC_2.34 (pthread_create moved into libc): it does
    not start on CentOS 7 (glibc 2.17). The gate fails with exit 1 and names the binary and the
    target, for inspect and for analyze --binary; --fail-on never passes."""
    require_tool("gcc")
    (tmp_path / "dyn.c").write_text(
        "#include <pthread.h>\n#include <stdio.h>\nstatic void *f(void *a) { return a; }\n"
        "int main(void) { pthread_t t; pthread_create(&t, 0, f, 0); pthread_join(t, 0);"
        ' puts("ok"); return 0; }\n'
    )
    sh("gcc -O2 -o dyn dyn.c", tmp_path)
    binary = str(tmp_path / "dyn")
    runner = CliRunner()
    for args in (
        ["inspect", "--target", "centos7", "--target", "debian12", binary],
        ["--target", "centos7", "--binary", binary, str(SAMPLES / "c-misc-dynamic-bfd.log")],
    ):
        result = runner.invoke(main, [*args[:-1], "--fail-on", "never", args[-1]])
        assert result.exit_code == 0, result.output
        result = runner.invoke(main, args)
        assert result.exit_code == 1, result.output
        assert f"does not start on centos7 ({binary})" in result.stderr
    passing = runner.invoke(main, ["inspect", "--target", "debian12", binary])
    assert passing.exit_code == 0, passing.output


def _tree(root: Path) -> Path:
    """A small release tree: a dynamic program, a shared library with a SONAME, a static one,
    a text file, a symbolic link out of the tree and a link loop."""
    require_tool("gcc")
    dist = root / "dist"
    (dist / "usr" / "bin").mkdir(parents=True)
    (dist / "usr" / "lib").mkdir(parents=True)
    (root / "p.c").write_text(
        "#include <pthread.h>\n#include <stdio.h>\nstatic void *f(void *a) { return a; }\n"
        "int main(void) { pthread_t t; pthread_create(&t, 0, f, 0); pthread_join(t, 0);"
        ' return puts("ok") < 0; }\n'
    )
    (root / "l.c").write_text('#include <stdio.h>\nint hello(void) { return puts("hi"); }\n')
    sh(f"gcc -O2 -o {dist}/usr/bin/app p.c", root)
    sh(f"gcc -O2 -shared -fPIC -Wl,-soname,libhi.so.1 -o {dist}/usr/lib/libhi.so.1 l.c", root)
    (dist / "usr" / "bin" / "notes.txt").write_text("not a binary\n")
    (dist / "usr" / "bin" / "out").symlink_to("/usr/bin")
    (dist / "usr" / "lib" / "loop").symlink_to("..")
    return dist


def test_every_elf_under_a_directory_at_its_path_inside(tmp_path: Path) -> None:
    dist = _tree(tmp_path)
    report = analyze([], binaries=[str(dist)])
    by_path = {b.path: b for b in report.binaries}
    assert set(by_path) == {"/usr/bin/app", "/usr/lib/libhi.so.1"}  # no link followed
    assert by_path["/usr/lib/libhi.so.1"].shared_library is True
    assert by_path["/usr/bin/app"].shared_library is False
    assert by_path["/usr/bin/app"].glibc_required == "2.34"


@pytest.mark.parametrize("pack", ["tar", "tar.gz", "tar.xz", "tar.bz2", "tar.zst"])
def test_every_elf_in_an_archive_read_as_a_stream(tmp_path: Path, pack: str) -> None:
    import tarfile

    dist = _tree(tmp_path)
    archive = tmp_path / f"release.{pack}"
    if pack == "tar.zst":
        import zstandard

        plain = tmp_path / "plain.tar"
        with tarfile.open(plain, "w") as tar:
            tar.add(dist, arcname=".")
        archive.write_bytes(zstandard.ZstdCompressor().compress(plain.read_bytes()))
    else:
        compression = {"tar": "", "tar.gz": "gz", "tar.xz": "xz", "tar.bz2": "bz2"}[pack]
        with tarfile.open(archive, f"w:{compression}") as tar:  # type: ignore[call-overload]
            tar.add(dist, arcname=".")
    result = CliRunner().invoke(main, ["inspect", "--format", "json", str(archive)])
    assert result.exit_code == 0, result.output
    paths = {b["path"]: b for b in json.loads(result.stdout)["binaries"]}
    assert set(paths) == {"/usr/bin/app", "/usr/lib/libhi.so.1"}
    gate = CliRunner().invoke(main, ["inspect", "--target", "centos7", str(archive)])
    assert gate.exit_code == 1 and "does not start on centos7 (/usr/bin/app" in gate.stderr
    assert "Binaries:" not in gate.stdout  # two binaries: each on its own line


def test_a_directory_without_elf_files_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("x\n")
    result = CliRunner().invoke(main, ["inspect", str(tmp_path / "docs")])
    assert result.exit_code == 2
    assert "there is no ELF file in it" in result.stderr


def test_starts_on_lists_the_distributions_whose_verdict_is_starts(tmp_path: Path) -> None:
    """Without any --target, each binary lists every distribution it starts on: the same ones a
    --target verdict of each says "starts" for."""
    dist = _tree(tmp_path)
    ids = list(load_knowledge().distributions)
    report = analyze([], binaries=[str(dist)], targets=ids)
    for b in report.binaries:
        said = tuple(t.target for t in report.targets if t.subject == b.path and t.starts == "yes")
        assert b.starts_on == said, b.path
    app = next(b for b in report.binaries if b.path == "/usr/bin/app")
    assert "debian12" in app.starts_on and "centos7" not in app.starts_on  # needs GLIBC_2.34
