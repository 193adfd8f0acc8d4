"""Write a rendered report to standard output or a file, never leaving a half-written file."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from cgowarn.errors import OutputError


def write_output(text: str, path: str) -> None:
    """Write `text` to `path` ("-" = standard output). A file is written beside its destination
    and renamed into place, so an error leaves the old file (or none), never a partial one."""
    if path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
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
