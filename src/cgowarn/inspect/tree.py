"""The ELF files inside what `cgowarn inspect` is given: a file itself, every ELF file under a
directory, or every ELF member of a tar archive (plain, gzip, bzip2, xz or zstd), each told by its
magic number, never by its name. A directory is walked without following symbolic links (a link
out of the tree, or a loop, is never entered); an archive is read as a stream, one member at a
time, and never unpacked to disk: an ELF member is read into memory to be parsed, up to
MAX_MEMBER bytes. A container image (`docker save`, an OCI layout, as a directory or a tar) is
read as its final filesystem, its layers applied with their whiteouts (image.py)."""

from __future__ import annotations

import io
import os
import stat
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from cgowarn.errors import InputError
from cgowarn.inputs import ELF_MAGIC, why_unreadable
from cgowarn.inspect.image import (
    Opener,
    final_files,
    images,
    is_layout,
    layers_top_down,
    member_path,
    new_above,
)

MAX_MEMBER = 512 << 20
"""An archive member larger than this is listed as skipped, not read."""
MAX_FILES = 100_000
"""Files looked at under one directory, in one archive or in one image layer; the rest are said
to be skipped."""
LINK_CACHE = 64 << 20
"""Bytes of an archive's ELF files kept for hard links to them later in the same archive."""


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


class _Elves:
    """The ELF files among a tar's members, hard links to them included: a hard link's bytes
    are its target's, kept from earlier in the same tar up to LINK_CACHE bytes in all."""

    def __init__(self, where: str, skipped: list[str]) -> None:
        self.where = where
        self.skipped = skipped
        self.kept: dict[str, bytes] = {}
        self.kept_bytes = 0
        self.elf_paths: set[str] = set()

    def member(
        self, member: tarfile.TarInfo, tar: tarfile.TarFile, path: str, shown: str
    ) -> Member | None:
        if member.islnk():
            target = member_path(member.linkname)
            data = self.kept.get(target)
            if data is not None:
                return Member(shown, data=data)
            if target in self.elf_paths:
                self.skipped.append(
                    f"{self.where}:{shown}: a hard link to {target}, reported there only"
                )
            return None
        if not member.isreg():
            return None
        fh = tar.extractfile(member)
        if fh is None:
            return None
        head = fh.read(4)
        if head != ELF_MAGIC:
            return None
        self.elf_paths.add(path)
        if member.size > MAX_MEMBER:
            self.skipped.append(f"{self.where}:{shown}: {member.size:,} bytes, not read")
            return None
        data = head + fh.read()
        if self.kept_bytes + len(data) <= LINK_CACHE:
            self.kept[path] = data
            self.kept_bytes += len(data)
        return Member(shown, data=data)


@contextmanager
def _opened(path: str) -> Iterator[IO[bytes]]:
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed below, after the stream
    except OSError as exc:
        raise InputError(f"cannot inspect {path}: {why_unreadable(exc)}") from None
    with raw:
        yield raw


def _archive(path: str, skipped: list[str]) -> Iterator[Member]:
    from cgowarn.compressed import decompressed

    top: set[str] = set()
    found = 0
    with _opened(path) as raw:
        stream, kind = decompressed(raw)
        elves = _Elves(path, skipped)
        try:
            with tarfile.open(fileobj=stream, mode="r|") as tar:
                for n, member in enumerate(tar):
                    if n >= MAX_FILES:
                        skipped.append(f"{path}: only the first {MAX_FILES:,} members were read")
                        return
                    shown = member_path(member.name)
                    if shown.count("/") == 1:
                        top.add(shown[1:])
                    elf = elves.member(member, tar, shown, shown)
                    if elf is not None:
                        found += 1
                        yield elf
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise InputError(f"cannot inspect {path}: not a readable tar archive ({exc})") from None
    if not found and is_layout(top):
        with _tar_opener(path, kind) as opener:
            yield from _image(path, opener, top, skipped)


@contextmanager
def _tar_opener(path: str, kind: str | None) -> Iterator[Opener]:
    """Opens a file inside the tar archive `path` by its path: through the archive's index when
    it is not compressed, else by reading the stream up to it (one pass for each file)."""
    from cgowarn.compressed import decompressed

    @contextmanager
    def streamed(name: str) -> Iterator[IO[bytes] | None]:
        wanted = member_path(name)
        with _opened(path) as raw:
            stream, _ = decompressed(raw)
            with tarfile.open(fileobj=stream, mode="r|") as outer:
                for member in outer:
                    if member.isreg() and member_path(member.name) == wanted:
                        yield outer.extractfile(member)
                        return
        yield None

    if kind is not None:
        yield streamed
        return
    try:
        tar = tarfile.open(path, mode="r:")  # noqa: SIM115 - closed by the with below
    except (tarfile.TarError, OSError) as exc:
        raise InputError(f"cannot inspect {path}: not a readable tar archive ({exc})") from None
    with tar:
        index = {member_path(m.name): m for m in tar.getmembers() if m.isreg()}

        @contextmanager
        def indexed(name: str) -> Iterator[IO[bytes] | None]:
            member = index.get(member_path(name))
            yield tar.extractfile(member) if member is not None else None

        yield indexed


def _dir_opener(root: str) -> Opener:
    @contextmanager
    def opener(name: str) -> Iterator[IO[bytes] | None]:
        full = os.path.join(root, name)
        try:
            if not stat.S_ISREG(os.lstat(full).st_mode):
                yield None
                return
        except OSError:
            yield None
            return
        with _opened(full) as fh:
            yield fh

    return opener


def _image(where: str, open_file: Opener, top: set[str], skipped: list[str]) -> Iterator[Member]:
    """Every ELF file of each image's final filesystem (image.py says how layers combine)."""
    from cgowarn.compressed import decompressed

    found = images(open_file, top, where)
    for image in found:
        prefix = f"[{image.ref}]" if len(found) > 1 else ""
        above = new_above()
        for number, layer in layers_top_down(image):
            name = f"layer {number} of {len(image.layers)}"
            if not layer:
                skipped.append(f"{where}: {image.ref}: {name} is a foreign layer, not in the file")
                continue
            with open_file(layer) as fh:
                if fh is None:
                    skipped.append(f"{where}: {image.ref}: {name} ({layer}) is missing")
                    continue
                try:
                    stream, _ = decompressed(fh)
                except OSError as exc:
                    raise InputError(f"cannot inspect {where}: {name}: {exc}") from None
                elves = _Elves(where, skipped)
                for n, (member, tar, path) in enumerate(final_files(stream, above, where)):
                    if n >= MAX_FILES:
                        skipped.append(f"{where}: {name}: only {MAX_FILES:,} files were read")
                        break
                    elf = elves.member(member, tar, path, prefix + path)
                    if elf is not None:
                        yield elf


def members(path: str, skipped: list[str]) -> Iterator[Member] | None:
    """The ELF files inside `path` when it is a directory, a tar archive or a container image,
    else None (a file to inspect itself). `skipped` gets what was left out, in words."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None  # the file's own reading says why
    if stat.S_ISDIR(mode):
        try:
            top = set(os.listdir(path))
        except OSError:
            top = set()
        if is_layout(top):
            return _image(path, _dir_opener(path), top, skipped)
        return _walk(path, skipped)
    if stat.S_ISREG(mode) and not _is_elf(path) and is_archive(path):
        return _archive(path, skipped)
    return None
