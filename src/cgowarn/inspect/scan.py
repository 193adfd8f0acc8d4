"""Find byte strings in a file in bounded chunks, so memory does not grow with the file."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

CHUNK = 1 << 20


def find_strings(stream: IO[bytes], needles: Iterable[bytes], limit: int = 1 << 62) -> set[bytes]:
    """The needles that occur in `stream`, read from its current position to the end or for
    `limit` bytes, whichever comes first."""
    wanted = set(needles)
    found: set[bytes] = set()
    overlap = max((len(n) for n in wanted), default=1) - 1
    tail = b""
    left = limit
    while wanted - found and left > 0:
        chunk = stream.read(min(CHUNK, left))
        left -= len(chunk)
        if not chunk:
            break
        window = tail + chunk
        found.update(n for n in wanted - found if n in window)
        tail = window[-overlap:] if overlap else b""
    return found
