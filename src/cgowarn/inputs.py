"""The files a run reads: checked and opened, and what the reports call them.

A path from the command line is whatever bytes the file system holds; Python carries the bytes
that are not UTF-8 as lone surrogates, which no UTF-8 output (JSON, XML, a terminal) can hold. A
report names such a file with those bytes written as `\\xNN`, which every format can show; the file
itself is opened with its real name.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import sys
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from cgowarn.errors import InputError

RUN_SOURCE = "<build output>"
"""The name of the input `cgowarn run` analyses: the output of the build it ran."""


def shown_name(path: str) -> str:
    """`path` as reports show it: its bytes that are not UTF-8 written as `\\xNN`."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    return path


ELF_MAGIC = b"\x7fELF"


def why_unreadable(exc: OSError | ValueError) -> str:
    """Why a file cannot be read, in the words every message about a user's file uses."""
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "it is a directory"
    if isinstance(exc, UnicodeDecodeError):
        return "it is not UTF-8"
    if isinstance(exc, ValueError):
        return "the path holds a NUL byte"
    return str(exc.strerror or exc)


def check_names(logs: Sequence[str], binaries: Sequence[str]) -> None:
    """Before anything is read: no empty path, and no pipe or socket given as a binary (reading
    one would block, and it has no size to bound the reading)."""
    for name in logs:
        if not name:
            raise InputError("cannot read a LOG argument: the path is empty")
    for name in binaries:
        if not name:
            raise InputError("cannot read a BINARY argument: the path is empty")
        with contextlib.suppress(OSError, ValueError):  # a missing file is said when it is read
            mode = os.stat(name).st_mode
            if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
                raise InputError(f"cannot inspect {name}: it is a pipe, not a file")


def open_logs(stack: ExitStack, logs: Sequence[str]) -> list[tuple[str, IO[bytes]]]:
    """Each log, opened for reading (`-` and no log at all: standard input), with the name the
    report gives it. InputError for what is no log: a missing or unreadable file, a directory, an
    ELF binary (`cgowarn inspect` reads those), closed standard input."""
    opened: list[tuple[str, IO[bytes]]] = []
    for name in logs or ("-",):
        if name == "-":
            if sys.stdin is None:  # started with standard input closed (`cgowarn <&-`)
                raise InputError(
                    "cannot read standard input: it is closed; give a LOG file, or pipe a log in"
                )
            if sys.stdin.isatty():
                with contextlib.suppress(OSError, ValueError):
                    sys.stderr.write(
                        "cgowarn: reading a build log from standard input (end with Ctrl-D)...\n"
                    )
            opened.append(("<stdin>", _log_stream(stack, "<stdin>", sys.stdin.buffer)))
            continue
        path = Path(name)
        try:
            if path.is_dir():
                raise InputError(f"cannot read {name}: it is a directory, not a build log")
            fh = stack.enter_context(path.open("rb"))
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot read {name}: {why_unreadable(exc)}") from None
        opened.append((name, _log_stream(stack, name, fh)))
    return opened


class _Unpeeked(io.RawIOBase):
    """A buffered stream that was peeked at, read one underlying read at a time: the bytes the
    peek buffered first, on their own. (BufferedReader.readinto1 with a large buffer returns
    what it holds only together with one more read of the pipe, which would keep the first
    lines of a build that waits, from its reader and from --pass-through, until it prints more.)"""

    def __init__(self, inner: IO[bytes]) -> None:
        self.inner = inner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        # read1 returns the buffered bytes alone when there are any, else does one read.
        data = self.inner.read1(len(buffer))  # type: ignore[attr-defined]
        buffer[: len(data)] = data
        return len(data)


def _log_stream(stack: ExitStack, name: str, fh: IO[bytes]) -> IO[bytes]:
    """The log's text: `fh` itself, or its decompressed bytes (gzip, xz, bzip2, zstd, told by
    their magic number); InputError for an ELF binary, which is no log."""
    from cgowarn.compressed import decompressed

    if not hasattr(fh, "peek"):
        fh = io.BufferedReader(fh)  # type: ignore[type-var]  # a BytesIO (tests, embedding)
    try:
        head = fh.peek(4)[:4] if hasattr(fh, "peek") else b""
        stream, kind = decompressed(fh)
        if kind is not None:
            stack.enter_context(stream)
            head = stream.peek(4)[:4] if hasattr(stream, "peek") else b""
        else:
            stream = _Unpeeked(fh)  # type: ignore[assignment]
    except OSError as exc:
        raise InputError(f"cannot read {name}: {why_unreadable(exc)}") from None
    if head == ELF_MAGIC:
        what = f"a {kind}-compressed ELF binary" if kind else "an ELF binary"
        hint = (
            "save it to a file and run `cgowarn inspect FILE`"
            if name == "<stdin>"
            else f"run `cgowarn inspect {name}`"
            if not kind
            else "decompress it and run `cgowarn inspect FILE`"
        )
        raise InputError(f"cannot read {name}: it is {what}, not a build log: {hint}")
    return stream
