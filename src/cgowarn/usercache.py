"""A per-user cache of work that depends only on cgowarn's own data, never on a log.

Start-up would otherwise parse and validate patterns/, compile the scanner's database and compile
the templates on every run. Each entry is stored under a name that carries a digest of everything it
was built from (the data files, the code that defines it and the versions of cgowarn, Python and
the library that wrote it), so changed data is a miss, never a stale hit. The cache only saves
time: a missing, unreadable, unwritable or corrupt cache is ignored and the work is done again.

An entry cannot change the answer: it holds only data (JSON, a Hyperscan database, jinja2's
bytecode of cgowarn's own templates), and every entry carries a SHA-256 digest of its name, its key
and its content that is checked before a byte of it is used. One flipped bit anywhere in an entry
is a miss. (A keyed digest would add nothing: whoever can write this directory can read a key kept
in it, and the directory is the user's own.)

The directory is $CGOWARN_CACHE_DIR, else $XDG_CACHE_HOME/cgowarn, else ~/.cache/cgowarn. Only an
absolute path is used (XDG's rule: a relative $XDG_CACHE_HOME is ignored; a relative
$CGOWARN_CACHE_DIR, or a home that is unset, relative or missing, means no cache), and cgowarn
creates at most the last two levels of it (…/.cache/cgowarn), never a missing home. It is created
private to the user, and a directory that another user owns or can write to is not used.
CGOWARN_NO_CACHE=1 turns the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import stat
import sys
import tempfile
from functools import cache
from pathlib import Path

from cgowarn import __version__

MAGIC = b"cgowarn-cache\x00\x01\n"
"""The first bytes of every entry: what it is and the version of this layout."""

_DIGEST_SIZE = hashlib.sha256().digest_size


@cache
def directory() -> Path | None:
    """The cache directory, created if needed, or None when caching is off or impossible."""
    if os.environ.get("CGOWARN_NO_CACHE", "") not in ("", "0"):
        return None
    path = _chosen()
    if path is None:
        return None
    try:
        # The cache directory and the one above it (…/.cache, $XDG_CACHE_HOME) may be created;
        # anything higher must exist already.
        if not path.parent.is_dir():
            path.parent.mkdir(mode=0o700)
        path.mkdir(mode=0o700, exist_ok=True)
        st = path.stat()
    except OSError:
        return None
    # Only a directory that belongs to this user and that nobody else can write to.
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return None
    if st.st_mode & 0o022:
        return None
    return path


def _chosen() -> Path | None:
    """Where the cache goes according to the environment, or None: only absolute paths count."""
    explicit = os.environ.get("CGOWARN_CACHE_DIR")
    if explicit:
        return Path(explicit) if os.path.isabs(explicit) else None
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):
        return Path(xdg) / "cgowarn"
    home = os.environ.get("HOME")
    if home is None:  # unset: the password database, as os.path.expanduser does
        home = os.path.expanduser("~")
    if not os.path.isabs(home) or not os.path.isdir(home):
        return None
    return Path(home) / ".cache" / "cgowarn"


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


def _seal(name: str, key: str, data: bytes) -> bytes:
    """The digest that binds `data` to the entry (`name`, `key`) it is stored as."""
    h = hashlib.sha256()
    for part in (MAGIC, name.encode(), key.encode(), data):
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.digest()


def load(name: str, key: str) -> bytes | None:
    """The bytes stored as (`name`, `key`), or None when there are none or they are not exactly
    the bytes that were stored."""
    path = _path(name, key)
    if path is None:
        return None
    try:
        # Not through a symbolic link, and never blocking on a FIFO put in its place.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return None
            blob = fh.read()
    except OSError:
        return None
    header = len(MAGIC) + _DIGEST_SIZE
    if len(blob) < header or not blob.startswith(MAGIC):
        return None
    data = blob[header:]
    if not hmac.compare_digest(blob[len(MAGIC) : header], _seal(name, key, data)):
        return None
    return data


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
            tmp.write(MAGIC + _seal(name, key, data) + data)
        os.replace(tmp_name, path)
        tmp_name = None
        for old in path.parent.glob(f"{name}-*.bin"):
            if old != path:
                old.unlink(missing_ok=True)
    except BaseException as exc:  # Ctrl-C too: no temporary file is left behind
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
        if not isinstance(exc, OSError):
            raise
