"""Write a rendered report where it is asked to go, and only there, never leaving a half-written
file.

What `-o PATH` names decides how it is written:

- a regular file, new or old, is written beside itself and renamed into place, so an error (or
  Ctrl-C) leaves the old file, or none, never a partial one;
- a symbolic link is followed, and the file it points to is replaced in the same way (the link
  stays);
- a character device (/dev/null, a terminal), a FIFO or a socket is written to as it is, never
  replaced;
- one of this process's own file descriptors (/dev/stdout, /dev/stderr, /dev/fd/N,
  /proc/self/fd/N, or a link to one) is written to through that descriptor, like `-`;
- a directory or a block device is refused.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cgowarn import regexes
from cgowarn.errors import OutputError, UsageError

MAX_LINKS = 40
"""Symbolic links followed before giving up, as Linux's path resolution does."""


PROJECT_FILES = frozenset({".cgowarn.toml", "pyproject.toml", "go.mod", "go.sum", "go.work"})
"""Files that are never a report, wherever they are: -o onto one is a mistake."""


def refuse_inputs(
    outputs: Sequence[str], inputs: Sequence[tuple[str, str]], stdin_read: bool = False
) -> None:
    """UsageError when a report (`outputs`: paths, `-` for standard output, STEP_SUMMARY's file)
    would be written into something the run reads: one of `inputs` ((what, path): a log, a binary,
    the baseline, the configuration, go.mod), standard input when it is read, or a project file
    (PROJECT_FILES). Files are compared by device and inode, so that another name, a link or
    /dev/stdout cannot hide one; the check runs before anything is read or written."""
    sources = [(what, _identity(path)) for what, path in inputs]
    if stdin_read:
        sources.append(("standard input, an input", _identity_of_fd(0)))
    for out in outputs:
        where = "standard output" if out == "-" else f"--output {out}"
        if out != "-":
            named = os.path.basename(_last_link_target(out))
            if named in PROJECT_FILES:
                raise UsageError(
                    f"{where} would replace {named}, a project file, not a report: write the "
                    "report to another file"
                )
        identity = _identity_of_output(out)
        if identity is None:
            continue
        for what, source in sources:
            if identity == source:
                raise UsageError(f"{where} is {what}: write the report to another file")


def _last_link_target(path: str) -> str:
    try:
        return destination(path).path
    except OutputError:
        return path


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino)


def _identity_of_fd(fd: int) -> tuple[int, int] | None:
    try:
        st = os.fstat(fd)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def _identity_of_output(output: str) -> tuple[int, int] | None:
    """(device, inode) of the file the report would go into, when writing it could overwrite an
    input: a regular file or a FIFO, not a character device such as /dev/null or a terminal."""
    if output == "-":
        if sys.stdout is None:
            return None
        try:
            st = os.fstat(sys.stdout.fileno())
        except (OSError, ValueError):  # not a real stream (tests)
            return None
    else:
        try:
            target = destination(output)
            st = os.fstat(target.fd) if target.fd is not None else os.stat(target.path)
        except OSError:
            return None  # a new file (or one that cannot be written: said when it is written)
    if stat.S_ISCHR(st.st_mode):
        return None
    return (st.st_dev, st.st_ino)


def write_output(text: str, path: str, *, for_terminal: bool = False) -> None:
    """Write `text` to `path` ("-" = standard output); see the module's docstring for how.

    Files and standard output get UTF-8, except text meant for a terminal (`for_terminal`), which
    standard output gets in its own encoding, with a replacement character for what that
    encoding cannot show. No secret (secrets.py) of the process is ever written."""
    from cgowarn import secrets

    text = secrets.scrub(text)
    if path == "-":
        try:
            _write_stdout(text, for_terminal)
        except BrokenPipeError:
            raise  # the reader went away: the error boundary exits quietly with 141
        except OSError as exc:
            raise OutputError(f"cannot write to standard output: {exc.strerror or exc}") from exc
        return
    target = destination(path)
    data = text.encode("utf-8")
    try:
        if target.fd is not None:
            flush_std_streams()
            _write_all(target.fd, data)
        elif target.through:
            _write_through(target.path, data, target.magic)
        else:
            _replace(target.path, data)
    except BrokenPipeError:
        raise  # a FIFO whose reader went away, as for standard output
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc


@dataclass(frozen=True)
class Destination:
    """Where a report for `-o PATH` goes, once symbolic links are followed."""

    path: str
    """The file that is written or replaced: the end of any chain of links."""
    through: bool = False
    """Written to as it is (a device, a FIFO, a socket, a descriptor), never replaced."""
    fd: int | None = None
    """One of this process's own file descriptors, written to directly."""
    magic: bool = False
    """Another process's descriptor (/proc/PID/fd/N), which only the kernel can follow."""


_FD_PATH = regexes.compile(
    "output.FD_PATH",
    r"^/proc/(?:self|thread-self|(?P<pid>\d+)(?:/task/\d+)?)/fd/(?P<fd>\d+)$|^/dev/fd/(?P<devfd>\d+)$",
    anchored=True,
)
"""A path that names one of a process's open file descriptors."""

_STD_STREAMS = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}


def destination(path: str) -> Destination:
    """Where writing to `path` goes. Links are followed one at a time (the directories above the
    last component are resolved with realpath), so that a link to /dev/stdout or /proc/self/fd/1
    is recognised as a descriptor before the kernel's view of that "link" (pipe:[…], a deleted
    file) is taken for a file name. Raises OutputError for what cannot be written."""
    if not path:
        raise OutputError(
            "cannot write the report: the output path is empty (give -o PATH or -o -)"
        )
    current = _resolve_directories(path)
    for _ in range(MAX_LINKS):
        fd = _STD_STREAMS.get(current)
        m = _FD_PATH.match(current)
        if m is not None:
            if m["pid"] is not None and int(m["pid"]) != os.getpid():
                return Destination(current, through=True, magic=True)
            fd = int(m["fd"] or m["devfd"])
        if fd is not None:
            if fd <= 2 and (sys.stdin, sys.stdout, sys.stderr)[fd] is None:
                raise OutputError(f"cannot write {path}: file descriptor {fd} is closed")
            return Destination(current, through=True, fd=fd)
        try:
            st = os.lstat(current)
            link = os.readlink(current) if stat.S_ISLNK(st.st_mode) else None
        except FileNotFoundError:
            return Destination(current)  # a new file, or where a dangling link points
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
        if link is not None:
            current = _resolve_directories(os.path.join(os.path.dirname(current), link))
            continue
        if stat.S_ISREG(st.st_mode):
            return Destination(current)
        if stat.S_ISDIR(st.st_mode):
            raise OutputError(f"cannot write {path}: it is a directory")
        if stat.S_ISBLK(st.st_mode):
            raise OutputError(f"cannot write {path}: it is a block device; write to a file")
        return Destination(current, through=True)  # character device, FIFO, socket
    raise OutputError(f"cannot write {path}: too many levels of symbolic links")


def _resolve_directories(path: str) -> str:
    """`path` with every link in its directories resolved, and its last component as it is."""
    head, tail = os.path.split(path)
    if tail in ("", ".", ".."):
        raise OutputError(f"cannot write {path}: it is a directory")
    return os.path.join(os.path.realpath(head or "."), tail)


def flush_std_streams() -> None:
    """Write out what Python holds for standard output and error, before writing to their
    descriptors directly."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            with contextlib.suppress(OSError, ValueError):
                stream.flush()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _write_through(path: str, data: bytes, magic: bool) -> None:
    """Write to a device or a FIFO as a shell's `>` would; never create or replace it.
    O_NOFOLLOW: a link put in its place since it was looked at is not followed (except for
    another process's descriptor, which is such a link)."""
    flags = os.O_WRONLY | os.O_CLOEXEC | (os.O_TRUNC if magic else os.O_NOFOLLOW)
    fd = os.open(path, flags)
    try:
        if not magic and stat.S_ISREG(os.fstat(fd).st_mode):
            raise OutputError(f"cannot write {path}: it was replaced while being written")
        _write_all(fd, data)
    finally:
        os.close(fd)


def _replace(path: str, data: bytes) -> None:
    """Write a file beside `path` and rename it over `path`: the directory entry that `path`
    names is replaced in one step, or not at all. An existing file keeps its permission bits and
    its owner and group; a new one gets 0666 less the umask. When the owner cannot be kept (the
    file is another user's, and cgowarn is not root), the file is rewritten in place instead, as
    `>` would: its owner and mode stay, and a failure leaves what was written so far."""
    directory = os.path.dirname(path) or "."
    name = os.path.basename(path)
    try:
        old = os.stat(path)
    except FileNotFoundError:
        old = None
    mode = stat.S_IMODE(old.st_mode) & 0o7777 if old is not None else 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if old is not None and (old.st_uid, old.st_gid) != _owner(fh.fileno()):
                try:
                    os.fchown(fh.fileno(), old.st_uid, old.st_gid)
                except PermissionError:
                    Path(tmp).unlink(missing_ok=True)
                    _write_through(path, data, magic=True)
                    return
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:  # Ctrl-C too: the temporary file goes, the old file stays
        Path(tmp).unlink(missing_ok=True)
        raise


def _owner(fd: int) -> tuple[int, int]:
    st = os.fstat(fd)
    return st.st_uid, st.st_gid


def append_whole(path: str, text: str) -> None:
    """Append `text` to the file `path` (created if missing) whole or not at all: a write that
    fails part way (a full disk) is cut off again, so the file ends as it was. OSError when it
    cannot be written."""
    data = text.encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        st = os.fstat(fd)
        size = st.st_size if stat.S_ISREG(st.st_mode) else None
        try:
            _write_all(fd, data)
            if size is not None:
                os.fsync(fd)
        except BaseException:
            if size is not None:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, size)
            raise
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_stdout(text: str, for_terminal: bool) -> None:
    """Write every byte to standard output, or raise. A pipe whose reader has gone can take part
    of a large write and then drop the rest silently inside the io stack (seen with CPython
    3.11: write() returns short with SIGPIPE ignored, and nothing is retried), so the bytes go out
    through os.write until all of them are written or the pipe says EPIPE."""
    if sys.stdout is None:  # started with standard output closed (`cgowarn >&-`)
        raise OutputError("cannot write to standard output: it is closed")
    encoding = (sys.stdout.encoding or "utf-8") if for_terminal else "utf-8"
    data = text.encode(encoding, "replace")
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # a stream without a file (tests, IDEs)
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is not None:
            buffer.write(data)
        else:
            sys.stdout.write(data.decode(encoding))
        sys.stdout.flush()
        return
    sys.stdout.flush()
    _write_all(fd, data)
