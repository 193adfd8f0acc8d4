"""A per-user cache of work that depends only on cgowarn's own data, never on a log.

Start-up would otherwise parse and validate patterns/, compile the scanner's database and compile
the templates on every run. Each entry is stored under a name that carries a digest of everything it
was built from (the data files, the code that defines it and the versions of cgowarn, Python and
the library that wrote it), so changed data is a miss, never a stale hit. The cache only saves
time: a missing, unreadable, unwritable or corrupt cache is ignored and the work is done again.

The directory is $CGOWARN_CACHE_DIR, else $XDG_CACHE_HOME/cgowarn, else ~/.cache/cgowarn; it is
created private to the user, and a directory that another user owns or can write to is not used.
CGOWARN_NO_CACHE=1 turns the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
from functools import cache
from pathlib import Path

from cgowarn import __version__


@cache
def directory() -> Path | None:
    """The cache directory, created if needed, or None when caching is off or impossible."""
    if os.environ.get("CGOWARN_NO_CACHE", "") not in ("", "0"):
        return None
    chosen = os.environ.get("CGOWARN_CACHE_DIR")
    if chosen:
        path = Path(chosen)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        path = Path(base) / "cgowarn"
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = path.stat()
    except OSError:
        return None
    # Entries can hold pickles: use only a directory that belongs to this user and that nobody
    # else can write to.
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return None
    if st.st_mode & 0o022:
        return None
    return path


def digest(*parts: bytes | str) -> str:
    """A digest of `parts` and of the versions of cgowarn and Python."""
    h = hashlib.sha256()
    for part in (__version__, sys.version, *parts):
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()[:32]


def code(*files: str | None) -> tuple[bytes, ...]:
    """The source of the modules whose classes an entry holds, for its key: a changed class
    definition is then a miss even within one version of cgowarn."""
    parts = []
    for file in files:
        try:
            parts.append(Path(file).read_bytes() if file else b"")
        except OSError:
            parts.append(b"")
    return tuple(parts)


def _path(name: str, key: str) -> Path | None:
    base = directory()
    return None if base is None else base / f"{name}-{key}.bin"


def load(name: str, key: str) -> bytes | None:
    """The bytes stored as (`name`, `key`), or None."""
    path = _path(name, key)
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def store(name: str, key: str, data: bytes) -> None:
    """Store `data` as (`name`, `key`) atomically and drop older entries of `name`; never fails."""
    path = _path(name, key)
    if path is None:
        return
    tmp_name: str | None = None
    try:
        with tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=f".{name}-", suffix=".tmp", delete=False
        ) as tmp:
            tmp_name = tmp.name
            tmp.write(data)
        os.replace(tmp_name, path)
        for old in path.parent.glob(f"{name}-*.bin"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
