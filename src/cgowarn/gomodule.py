"""Ask the local `go` tool about a module (`--go-module DIR`): which packages use cgo, and which
import chain pulls in the packages behind the warnings, as `go mod why` would say it.

Opt-in, since it runs a program: `go list` with the build's tags, in DIR, offline (GOPROXY=off,
GOTOOLCHAIN=local): a module whose dependencies are not in the module cache is reported as not
readable, never downloaded. It reads the user's tree and never writes it: `-mod=readonly` (or
`-mod=vendor` for a vendored module) is on the command line, which no GOFLAGS can override, and
GOFLAGS itself is cleared, since it could name another go.mod to write (-modfile) or ask for
-mod=mod; GOENV=off keeps a go env file from setting it again. With -mod=readonly, go reports a
go.mod that would need changes instead of making them (cmd/go: "updates to go.mod needed").
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import deque
from collections.abc import Sequence
from pathlib import Path

from cgowarn import regexes
from cgowarn.errors import InputError
from cgowarn.model import CgoCalls, GoModuleInfo, ImportChain

TIMEOUT = 120
"""Seconds `go list` may take."""
_FORMAT = (
    '{{.ImportPath}}\t{{if .CgoFiles}}cgo{{end}}\t{{join .Imports " "}}\t'
    "{{if and .CgoFiles (not .Standard)}}{{.Dir}}\t"
    '{{join .CgoFiles "\\t"}}\t{{join .CFiles "\\t"}}\t{{join .CXXFiles "\\t"}}{{end}}'
)
MAX_SOURCE = 4 << 20
"""Bytes read of each source file of a cgo package when looking for the functions it calls."""
_CALL = regexes.compile("gomodule.CALL", r"\b(?:C\.)?+([A-Za-z_]\w*+)\s*+\(")


def _mod_flag(directory: Path) -> str:
    """How go may treat the module's requirements without writing anything: the vendor directory
    when there is one (what go itself picks for a vendored module since Go 1.14), else read-only."""
    return "-mod=vendor" if (directory / "vendor" / "modules.txt").is_file() else "-mod=readonly"


def _go_list(go: str, directory: Path, args: Sequence[str]) -> str:
    env = {
        **os.environ,
        "GOPROXY": "off",
        "GOTOOLCHAIN": "local",
        "GOWORK": "off",
        "GOFLAGS": "",
        "GOENV": "off",
    }
    try:
        proc = subprocess.run(
            [go, "list", _mod_flag(directory), *args],
            cwd=directory,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError(f"--go-module {directory}: cannot run {go} list: {exc}") from None
    if proc.returncode != 0:
        first = next((line for line in proc.stderr.splitlines() if line.strip()), "failed")
        raise InputError(f"--go-module {directory}: go list failed: {first}")
    return proc.stdout


def read_module(
    directory: str,
    *,
    tags: Sequence[str] = (),
    packages: Sequence[str] = ("./...",),
    targets: Sequence[str] = (),
    go: str | None = None,
    symbols: frozenset[str] = frozenset(),
) -> GoModuleInfo:
    """The cgo packages of the build of `packages` in `directory` with `tags`, and the shortest
    import chain from one of `packages` to each of `targets` that the build imports."""
    path = Path(directory)
    if not path.is_dir():
        raise InputError(f"--go-module {directory}: not a directory")
    tool = go or shutil.which("go")
    if tool is None:
        raise InputError("--go-module needs the go tool on PATH")
    tag_args = ["-tags", ",".join(tags)] if tags else []
    roots = _go_list(tool, path, [*tag_args, "-f", "{{.ImportPath}}", *packages]).split()
    imports: dict[str, list[str]] = {}
    cgo: list[str] = []
    calls: list[CgoCalls] = []
    for line in _go_list(tool, path, ["-deps", *tag_args, "-f", _FORMAT, *packages]).splitlines():
        name, uses_cgo, deps, *own = line.split("\t")
        imports[name] = deps.split()
        if uses_cgo:
            cgo.append(name)
        if own and own[0] and symbols:
            called = _called(Path(own[0]), [f for f in own[1:] if f], symbols)
            if called:
                calls.append(CgoCalls(package=name, symbols=tuple(sorted(called))))
    chains = tuple(
        chain for target in targets if (chain := _chain(imports, roots, target)) is not None
    )
    return GoModuleInfo(
        directory=directory,
        tags=tuple(tags),
        packages=tuple(roots),
        cgo_packages=tuple(sorted(cgo)),
        chains=chains,
        cgo_calls=tuple(calls),
    )


def _called(directory: Path, files: Sequence[str], symbols: frozenset[str]) -> set[str]:
    """Which of `symbols` the package's own Go (cgo preamble and C.name calls) and C files call:
    a name followed by an opening parenthesis. Read only, each file up to MAX_SOURCE bytes."""
    found: set[str] = set()
    for name in files:
        try:
            with open(directory / name, "rb") as f:
                text = f.read(MAX_SOURCE).decode("utf-8", "replace")
        except OSError:
            continue
        found |= {m.group(1) for m in _CALL.finditer(text)} & symbols
    return found


def _chain(imports: dict[str, list[str]], roots: list[str], target: str) -> ImportChain | None:
    """The shortest import path from a root package to `target` (breadth first)."""
    previous: dict[str, str | None] = {root: None for root in roots}
    queue = deque(roots)
    while queue:
        name = queue.popleft()
        if name == target:
            path = [name]
            while (step := previous[path[-1]]) is not None:
                path.append(step)
            return ImportChain(package=target, path=tuple(reversed(path)))
        for dep in imports.get(name, ()):
            if dep not in previous:
                previous[dep] = name
                queue.append(dep)
    return None
