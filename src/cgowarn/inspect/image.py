"""The final filesystem of a container image: a `docker save` / `podman save` archive
(manifest.json), an OCI image layout (a directory with `oci-layout` and index.json, as skopeo,
umoci and buildah write it) or the same layout packed in a tar (`oci-archive:`).

Each image's layers are read from the top one down, one member at a time, and never unpacked to
disk. A path is in the final filesystem when no layer above it has the same path, a whiteout of it
or of a directory above it (`.wh.NAME`), an opaque marker in a directory above it
(`.wh..wh..opq`), or a file that is not a directory at one of its parent paths. Sources: the OCI
image spec's layer changesets (https://github.com/opencontainers/image-spec/blob/v1.1.0/layer.md)
and Docker's image archive (https://github.com/moby/moby/blob/v25.0.0/image/tarexport/save.go)."""

from __future__ import annotations

import json
import posixpath
import tarfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import IO, Any

from cgowarn import regexes
from cgowarn.errors import InputError

MAX_MANIFEST = 4 << 20
"""An index or manifest larger than this is not read: real ones are a few kilobytes."""
MAX_DEPTH = 4
"""Indexes inside indexes followed, at most (a multi-platform image is one level)."""
WHITEOUT = ".wh."
OPAQUE = ".wh..wh..opq"
_DIGEST = regexes.compile(
    "inspect.image.digest",
    r"(?P<alg>[a-z0-9]+(?:[+._-][a-z0-9]+)*):(?P<hex>[a-zA-Z0-9=_-]+)",
    anchored=True,
)
"""An OCI digest (image-spec descriptor.md): an algorithm, then its encoded hash."""
_INDEX_TYPES = (
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
)
_FOREIGN = "nondistributable"

Opener = Callable[[str], AbstractContextManager[IO[bytes] | None]]
"""Opens a file of the image by its path inside (`blobs/sha256/…`); None when it is absent."""


@dataclass(frozen=True)
class Image:
    """One image of the archive or layout: its name and its layers' paths, lowest first."""

    ref: str
    layers: tuple[str, ...]


def is_layout(names: set[str]) -> bool:
    """Whether a directory's or an archive's top-level names are those of an image."""
    return "manifest.json" in names or {"oci-layout", "index.json"} <= names


def _inside(name: object, where: str) -> str:
    """`name` as a path inside the image, refused when it is not one (`../x`, `/etc/x`)."""
    if not isinstance(name, str) or not name:
        raise InputError(f"{where}: a layer or blob without a path")
    clean = posixpath.normpath(name)
    if clean.startswith(("/", "..")) or "\0" in clean:
        raise InputError(f"{where}: {name!r} is not a path inside the image")
    return clean


def _blob(digest: object, where: str) -> str:
    match = _DIGEST.fullmatch(digest) if isinstance(digest, str) else None
    if match is None:
        raise InputError(f"{where}: {digest!r} is not a digest")
    return f"blobs/{match['alg']}/{match['hex']}"


def _json(open_file: Opener, name: str, where: str) -> Any:
    with open_file(name) as fh:
        if fh is None:
            raise InputError(f"{where}: {name} is missing")
        data = fh.read(MAX_MANIFEST + 1)
    if len(data) > MAX_MANIFEST:
        raise InputError(f"{where}: {name} is larger than {MAX_MANIFEST >> 20} MiB")
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{where}: {name} is not JSON ({exc})") from None


def _docker(entries: Any, where: str) -> list[Image]:
    if not isinstance(entries, list):
        raise InputError(f"{where}: manifest.json is not a list of images")
    images = []
    for n, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("Layers"), list):
            raise InputError(f"{where}: image {n + 1} of manifest.json lists no layers")
        tags = entry.get("RepoTags") or []
        ref = str(tags[0]) if isinstance(tags, list) and tags else f"image {n + 1}"
        images.append(Image(ref, tuple(_inside(layer, where) for layer in entry["Layers"])))
    return images


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _oci(open_file: Opener, index: Any, where: str, ref: str, depth: int) -> list[Image]:
    manifests = index.get("manifests") if isinstance(index, dict) else None
    if not isinstance(manifests, list):
        raise InputError(f"{where}: an image index without manifests")
    images = []
    for n, m in enumerate(manifests):
        if not isinstance(m, dict):
            continue
        annotations = _object(m.get("annotations"))
        platform = _object(m.get("platform"))
        name = (
            annotations.get("io.containerd.image.name")
            or annotations.get("org.opencontainers.image.ref.name")
            or "/".join(str(platform[k]) for k in ("os", "architecture") if k in platform)
            or f"image {n + 1}"
        )
        name = f"{ref} {name}" if ref else str(name)
        blob = _blob(m.get("digest"), where)
        if m.get("mediaType") in _INDEX_TYPES:
            if depth >= MAX_DEPTH:
                raise InputError(f"{where}: indexes nested deeper than {MAX_DEPTH}")
            images += _oci(open_file, _json(open_file, blob, where), where, name, depth + 1)
            continue
        manifest = _json(open_file, blob, where)
        layers = manifest.get("layers") if isinstance(manifest, dict) else None
        if not isinstance(layers, list):
            raise InputError(f"{where}: manifest {m.get('digest')} lists no layers")
        paths = []
        for layer in layers:
            if not isinstance(layer, dict):
                raise InputError(f"{where}: a layer of {m.get('digest')} is not an object")
            if _FOREIGN in str(layer.get("mediaType", "")):
                paths.append("")  # a foreign layer is not in the image: said when applied
                continue
            paths.append(_blob(layer.get("digest"), where))
        images.append(Image(name, tuple(paths)))
    return images


def images(open_file: Opener, names: set[str], where: str) -> list[Image]:
    """The images of a layout whose top-level names are `names`; manifest.json first (Docker
    writes both it and index.json since 25.0, and only it names the tags)."""
    if "manifest.json" in names:
        found = _docker(_json(open_file, "manifest.json", where), where)
    else:
        found = _oci(open_file, _json(open_file, "index.json", where), where, "", 0)
    if not found:
        raise InputError(f"{where}: the image index lists no image")
    return found


def member_path(name: str) -> str:
    """A tar member's name as an absolute path (`./usr/bin/x` -> `/usr/bin/x`; the root: "")."""
    clean = posixpath.normpath("/" + name.lstrip("/"))
    return "" if clean == "/" else clean


@dataclass
class _Above:
    """What the layers above the one being read leave: every path they hold (their own file
    wins), the paths whose whole subtree they remove (a whiteout, or a file that is not a
    directory) and the directories they make opaque."""

    paths: set[str]
    removed: set[str]
    opaque: set[str]

    def hides(self, path: str) -> bool:
        if path in self.paths or path in self.removed:
            return True
        parent = posixpath.dirname(path)
        while parent != "/":
            if parent in self.removed or parent in self.opaque:
                return True
            parent = posixpath.dirname(parent)
        return "/" in self.opaque


def final_files(
    layer: IO[bytes], above: _Above, where: str
) -> Iterator[tuple[tarfile.TarInfo, tarfile.TarFile, str]]:
    """The members of one layer (already decompressed) that the final filesystem holds, as
    (member, its tar, its path); `above` grows by what this layer holds once it is read."""
    paths: set[str] = set()
    removed: set[str] = set()
    opaque: set[str] = set()
    try:
        with tarfile.open(fileobj=layer, mode="r|") as tar:
            for member in tar:
                path = member_path(member.name)
                if not path:
                    continue
                parent, base = posixpath.split(path)
                if base == OPAQUE:
                    opaque.add(parent)
                    continue
                if base.startswith(WHITEOUT):
                    removed.add(posixpath.join(parent, base[len(WHITEOUT) :]))
                    continue
                if above.hides(path):
                    continue
                paths.add(path)
                if not member.isdir():
                    removed.add(path)
                yield member, tar, path
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise InputError(f"{where}: a layer is not a readable tar archive ({exc})") from None
    above.paths |= paths
    above.removed |= removed
    above.opaque |= opaque


def layers_top_down(image: Image) -> Iterator[tuple[int, str]]:
    """(its number from the bottom, 1-based; its path) of each layer, the top one first."""
    for n in range(len(image.layers), 0, -1):
        yield n, image.layers[n - 1]


def new_above() -> _Above:
    return _Above(set(), set(), set())
