"""Go's embedded build information (the `.go.buildinfo` section `go version -m` reads).

Format since Go 1.18 (src/debug/buildinfo/buildinfo.go): a 32-byte header that starts with
"\\xff Go buildinf:", a pointer-size byte and a flags byte (bit 2: strings inline), then the Go version
and the module information, each as a uvarint length and bytes. The module information is text
framed by 16-byte sentinels: `path`, `mod`, `dep`, `=>` and `build key=value` lines, tab-separated.
Older binaries store pointers instead; they are reported as unparsed.
"""

from __future__ import annotations

from cgowarn.errors import GoInfoError
from cgowarn.inspect.text import clean_text
from cgowarn.model import GoBuildInfo

MAGIC = b"\xff Go buildinf:"
HEADER = 32
FLAG_INLINE = 0x2


def _uvarint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while pos < len(data):
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7
        if shift > 63:
            break
    raise GoInfoError("bad length in Go build info")


def _string(data: bytes, pos: int) -> tuple[str, int]:
    length, pos = _uvarint(data, pos)
    if pos + length > len(data):
        raise GoInfoError("Go build info is truncated")
    return data[pos : pos + length].decode("utf-8", "replace"), pos + length


def parse_buildinfo(section: bytes) -> GoBuildInfo:
    if not section.startswith(MAGIC) or len(section) < HEADER:
        raise GoInfoError("no Go build info header")
    if not section[15] & FLAG_INLINE:
        raise GoInfoError("Go build info in the format of Go 1.17 or older (not read)")
    version, pos = _string(section, HEADER)
    modinfo, _ = _string(section, pos)
    if len(modinfo) >= 33 and modinfo[-17] == "\n":
        modinfo = modinfo[16:-16]
    path = main = None
    settings: dict[str, str] = {}
    deps: list[str] = []
    # Split into lines and fields first: the guard turns tabs and newlines into spaces.
    for line in modinfo.splitlines():
        parts = line.split("\t")
        if parts[0] == "path" and len(parts) > 1:
            path = clean_text(parts[1])
        elif parts[0] == "mod" and len(parts) > 2:
            main = clean_text(f"{parts[1]}@{parts[2]}")
        elif parts[0] == "dep" and len(parts) > 2:
            deps.append(clean_text(f"{parts[1]}@{parts[2]}"))
        elif parts[0] == "build" and len(parts) > 1 and "=" in parts[1]:
            key, _, value = parts[1].partition("=")
            settings[clean_text(key)] = clean_text(value)
    return GoBuildInfo(
        go_version=clean_text(version),
        path=path,
        main_module=main,
        settings=settings,
        deps=tuple(deps),
    )
