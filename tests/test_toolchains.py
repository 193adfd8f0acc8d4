"""Live: build real programs with the toolchains on this machine and analyze what they print.

.ci/run installs every toolchain used here (sample_logs/debian-packages.txt); locally a missing one
is skipped with its name, in CI it fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import SAMPLES, analyze_bytes, counts, offline_go, require_tool

pytestmark = pytest.mark.toolchain

SRC = SAMPLES / "src"
C_NSS = {"dlopen": 1, "getaddrinfo": 1, "gethostbyname": 1, "getpwnam": 1, "mktemp": 1, "tmpnam": 1}


def build(cmd: str, cwd: Path, env: dict[str, str] | None = None) -> bytes:
    """Run `cmd` like a CI script that echoes its commands, and return the combined output."""
    proc = subprocess.run(
        ["bash", "-c", cmd],
        cwd=cwd,
        capture_output=True,
        env={**os.environ, **(env or {})},
        timeout=600,
    )
    return f"+ {cmd}\n".encode() + proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def c_nss(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_tool("gcc")
    work = tmp_path_factory.mktemp("c-nss")
    shutil.copytree(SRC / "c-nss", work, dirs_exist_ok=True)
    subprocess.run(
        ["bash", "-c", "gcc -c main.c user.c net.c plugin.c tmpnames.c"],
        cwd=work,
        check=True,
        capture_output=True,
    )
    return work


OBJS = "main.o user.o net.o plugin.o tmpnames.o"


@pytest.mark.parametrize("linker", ["bfd", "gold"])
def test_gnu_linkers_print_warnings_cgowarn_finds_them(c_nss: Path, linker: str) -> None:
    log = build(f"gcc -static -fuse-ld={linker} -o app-{linker} {OBJS}", c_nss)
    report = analyze_bytes(log)
    assert counts(report) == C_NSS
    assert report.summary.link_status.value == "ok"
    assert (c_nss / f"app-{linker}").exists()
    by = {f.symbol: f for f in report.findings}
    assert by["getpwnam"].occurrences[0].function == "lookup_user"
    assert by["getpwnam"].occurrences[0].object == "user.o"
    assert by["getpwnam"].category == "nss-passwd"
    assert by["dlopen"].category == "dynamic-loading"


@pytest.mark.parametrize("linker", ["lld", "mold"])
def test_silent_linkers_print_nothing_and_cgowarn_says_so(c_nss: Path, linker: str) -> None:
    require_tool("ld.lld" if linker == "lld" else "mold")
    log = build(f"gcc -static -fuse-ld={linker} -o app-{linker} {OBJS}", c_nss)
    report = analyze_bytes(log)
    assert (c_nss / f"app-{linker}").exists(), log
    assert counts(report) == {}
    assert report.summary.silent_linkers == (linker,)


def test_musl_static_is_silent(c_nss: Path) -> None:
    require_tool("musl-gcc")
    log = build("musl-gcc -static -o app-musl main.c user.c net.c plugin.c tmpnames.c", c_nss)
    assert counts(analyze_bytes(log)) == {}
    assert (c_nss / "app-musl").exists(), log


def test_failed_link_is_reported(tmp_path: Path) -> None:
    require_tool("gcc")
    shutil.copytree(SRC / "c-undef", tmp_path, dirs_exist_ok=True)
    report = analyze_bytes(build("gcc -static -fuse-ld=bfd -o undef undef.c", tmp_path))
    assert report.summary.link_status.value == "failed"
    kinds = [d.kind for d in report.diagnostics]
    assert "undefined_reference" in kinds and "collect2" in kinds
    assert counts(report) == {"getpwnam": 1}


def test_go_cgo_static_build(tmp_path: Path) -> None:
    go = "/usr/lib/go/bin/go" if Path("/usr/lib/go/bin/go").exists() else require_tool("go")
    if not Path("/usr/share/gocode/src/github.com/mattn/go-sqlite3").is_dir():
        require_tool("golang-github-mattn-go-sqlite3-dev")
    shutil.copytree(SRC / "go", tmp_path / "go")
    env = {
        **offline_go(tmp_path),
        "CGO_ENABLED": "1",
    }
    cmd = f"{go} build -ldflags '-linkmode external -extldflags \"-static -lm\"' -o app ./cmd/a"
    report = analyze_bytes(build(cmd, tmp_path / "go", env))
    assert counts(report) == {
        "dlopen": 1,
        "getaddrinfo": 1,
        "getgrgid_r": 1,
        "getgrnam_r": 1,
        "getgrouplist": 1,
        "getpwnam_r": 1,
        "getpwuid_r": 1,
    }
    origins = {f.symbol: f.origins for f in report.findings}
    assert origins["getpwnam_r"] == ("go:os/user",)
    assert origins["getaddrinfo"] == ("go:net",)
    # Debian's go-sqlite3 links the system libsqlite3.a, so its tag cannot remove dlopen.
    assert origins["dlopen"] == ("lib:sqlite3",)
    (tags,) = [r for r in report.recommendations if r.id == "go-tags"]
    assert "netgo" in tags.title and "osusergo" in tags.title
    assert "sqlite_omit_load_extension" not in tags.title
    assert tags.remaining == ("dlopen",)
    assert [u.name for u in report.links] == ["example.com/cgowarnsample/cmd/a"]


def test_rust_crt_static_with_linker_messages(tmp_path: Path) -> None:
    rustc = shutil.which("rustc") or str(Path.home() / ".cargo/bin/rustc")
    if not Path(rustc).exists():
        require_tool("rustc")
    shutil.copy(SRC / "rust" / "src" / "main.rs", tmp_path / "main.rs")
    cmd = (
        f"{rustc} -C target-feature=+crt-static -C link-arg=-fuse-ld=bfd -W linker-messages main.rs"
    )
    report = analyze_bytes(build(cmd, tmp_path))
    assert counts(report) == {"getaddrinfo": 1, "getpwuid_r": 1}
    assert all(f.origins == ("rust:std",) for f in report.findings)
