"""Write a rendered report to standard output or a file, never leaving a half-written file."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from cgowarn.errors import OutputError


def write_output(text: str, path: str, *, for_terminal: bool = False) -> None:
    """Write `text` to `path` ("-" = standard output). A file is written beside its destination
    and renamed into place, so an error leaves the old file (or none), never a partial one.

    Files and standard output get UTF-8, except text meant for a terminal (`for_terminal`), which
    standard output gets in its own encoding, with a replacement character for what that
    encoding cannot show."""
    if path == "-":
        try:
            _write_stdout(text, for_terminal)
        except BrokenPipeError:
            raise  # the reader went away: the error boundary exits quietly with 141
        except OSError as exc:
            raise OutputError(f"cannot write to standard output: {exc.strerror or exc}") from exc
        return
    dest = Path(path)
    directory = dest.parent if str(dest.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _write_stdout(text: str, for_terminal: bool) -> None:
    """Write every byte to standard output, or raise. A pipe whose reader has gone can take part
    of a large write and then drop the rest silently inside the io stack (seen with CPython
    3.11: write() returns short with SIGPIPE ignored, and nothing is retried), so the bytes go out
    through os.write until all of them are written or the pipe says EPIPE."""
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
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
