"""The program a build that `cgowarn run` ran wrote, so that the report can judge the binary as
well as the log: the output the command names (`go build -o`, a compiler's `-o`), else the newest
executable ELF file the build wrote in its working directory."""

from __future__ import annotations

import contextlib
import os
import stat

from cgowarn.facts import Facts

MAX_CANDIDATES = 4096
"""Directory entries looked at for the newest file; a larger working directory is only partly
searched (the named output is always looked at)."""


def _executable_elf(path: str) -> bool:
    """Whether `path` is a regular file that is an ELF executable or position-independent
    executable (not an object file, not an archive)."""
    from elftools.common.exceptions import ELFError
    from elftools.elf.elffile import ELFFile

    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return False
        with open(path, "rb") as fh:
            if fh.read(4) != b"\x7fELF":
                return False
            fh.seek(0)
            return ELFFile(fh)["e_type"] in ("ET_EXEC", "ET_DYN")
    except (OSError, ELFError, ValueError):
        return False


def _named(facts: Facts, workdir: str) -> list[str]:
    """The outputs the build command names, as paths under `workdir`."""
    named: list[str] = []
    go = facts.go_command
    if go is not None and (out := go.flag("o")):
        named.append(out)
    c = facts.c_command
    if c is not None and c.output:
        named.append(c.output)
    paths = []
    for name in named:
        path = os.path.join(workdir, name)
        if os.path.isdir(path):
            paths += _newest(path, 0.0)  # go build -o DIR/ writes DIR/<program>
        else:
            paths.append(path)
    return paths


def _newest(directory: str, since: float) -> list[str]:
    """The files of `directory` (not its subdirectories) changed at or after `since`, newest
    first."""
    found: list[tuple[float, str]] = []
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        for n, entry in enumerate(entries):
            if n >= MAX_CANDIDATES:
                break
            with contextlib.suppress(OSError):
                if entry.is_file(follow_symlinks=False):
                    mtime = entry.stat(follow_symlinks=False).st_mtime
                    if mtime >= since:
                        found.append((mtime, entry.path))
    return [path for _, path in sorted(found, reverse=True)]


def written_binary(facts: Facts, workdir: str, since: float) -> str | None:
    """The executable the build wrote at or after `since` (a time.time()), as a path relative to
    `workdir` (`./app`), or None when it cannot be told."""
    for path in [*_named(facts, workdir), *_newest(workdir, since)]:
        with contextlib.suppress(OSError):
            if os.stat(path).st_mtime >= since and _executable_elf(path):
                relative = os.path.relpath(path, workdir)
                return relative if relative.startswith("..") else f"./{relative}"
    return None
