"""Find byte strings in a file in bounded chunks, so memory does not grow with the file."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

CHUNK = 1 << 20


def find_strings(stream: IO[bytes], needles: Iterable[bytes]) -> set[bytes]:
    """The needles that occur anywhere in `stream` (read from its current position to the end)."""
    wanted = set(needles)
    found: set[bytes] = set()
    overlap = max((len(n) for n in wanted), default=1) - 1
    tail = b""
    while wanted - found:
        chunk = stream.read(CHUNK)
        if not chunk:
            break
        window = tail + chunk
        found.update(n for n in wanted - found if n in window)
        tail = window[-overlap:] if overlap else b""
    return found
