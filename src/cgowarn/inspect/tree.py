"""The ELF files inside what `cgowarn inspect` is given: a file itself, every ELF file under a
directory, or every ELF member of a tar archive (plain, gzip, bzip2, xz or zstd), each told by its
magic number, never by its name. A directory is walked without following symbolic links (a link
out of the tree, or a loop, is never entered); an archive is read as a stream, one member at a
time, and never unpacked to disk: an ELF member is read into memory to be parsed, up to
MAX_MEMBER bytes. Container images (`docker save`, OCI layouts) are not applied layer by layer
here: their layers are archives inside the archive, and are not opened."""

from __future__ import annotations

import io
import os
import stat
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from cgowarn.errors import InputError
from cgowarn.inputs import ELF_MAGIC, why_unreadable

MAX_MEMBER = 512 << 20
"""An archive member larger than this is listed as skipped, not read."""
MAX_FILES = 100_000
"""Files looked at under one directory or in one archive; the rest are said to be skipped."""


@dataclass
class Member:
    """One ELF file found inside a directory or an archive."""

    shown: str
    """Its path inside, as the report names it (`/usr/bin/app`)."""
    path: str | None = None
    """The file on disk, for a directory's file."""
    data: bytes | None = None
    """Its bytes, for an archive's member."""

    def open(self) -> tuple[IO[bytes], int]:
        assert self.data is not None
        return io.BytesIO(self.data), len(self.data)


def _is_elf(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == ELF_MAGIC
    except OSError:
        return False


def _walk(root: str, skipped: list[str]) -> Iterator[Member]:
    seen = 0
    for top, dirs, files in os.walk(root, followlinks=False, onerror=None):
        dirs.sort()
        for name in sorted(files):
            seen += 1
            if seen > MAX_FILES:
                skipped.append(f"{root}: only the first {MAX_FILES:,} files were looked at")
                return
            path = os.path.join(top, name)
            try:
                mode = os.lstat(path).st_mode
            except OSError:
                continue
            if stat.S_ISREG(mode) and _is_elf(path):
                yield Member("/" + os.path.relpath(path, root), path=path)


def is_archive(path: str) -> bool:
    """Whether `path` is a tar archive, compressed or not (its first bytes tell)."""
    from cgowarn.compressed import compression

    try:
        with open(path, "rb") as fh:
            kind = compression(fh)
            if kind is not None:
                return True
            fh.seek(257)
            return fh.read(5) == b"ustar"
    except OSError:
        return False


def _archive(path: str, skipped: list[str]) -> Iterator[Member]:
    from cgowarn.compressed import decompressed

    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed below, after the stream
    except OSError as exc:
        raise InputError(f"cannot inspect {path}: {why_unreadable(exc)}") from None
    with raw:
        stream, _ = decompressed(raw)
        try:
            with tarfile.open(fileobj=stream, mode="r|") as tar:
                for n, member in enumerate(tar):
                    if n >= MAX_FILES:
                        skipped.append(f"{path}: only the first {MAX_FILES:,} members were read")
                        return
                    if not member.isreg():
                        continue
                    fh = tar.extractfile(member)
                    if fh is None:
                        continue
                    head = fh.read(4)
                    if head != ELF_MAGIC:
                        continue
                    shown = "/" + member.name.lstrip("./").lstrip("/")
                    if member.size > MAX_MEMBER:
                        skipped.append(f"{path}:{shown}: {member.size:,} bytes, not read")
                        continue
                    yield Member(shown, data=head + fh.read())
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise InputError(f"cannot inspect {path}: not a readable tar archive ({exc})") from None


def members(path: str, skipped: list[str]) -> Iterator[Member] | None:
    """The ELF files inside `path` when it is a directory or a tar archive, else None (a file
    to inspect itself). `skipped` gets what was left out, in words."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None  # the file's own reading says why
    if stat.S_ISDIR(mode):
        return _walk(path, skipped)
    if stat.S_ISREG(mode) and not _is_elf(path) and is_archive(path):
        return _archive(path, skipped)
    return None
