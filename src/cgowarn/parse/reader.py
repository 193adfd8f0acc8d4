"""Read a log once, front to back, in bounded chunks, and yield decoded lines.

Memory stays bounded whatever the input: a line longer than MAX_LINE bytes is cut there and the
rest of it, up to the next newline, is skipped (no linker message is that long).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

CHUNK = 1 << 20
MAX_LINE = 1 << 16


class LineCounter:
    """Counts what the reader consumed, for the report's source statistics."""

    __slots__ = ("bytes", "lines")

    def __init__(self) -> None:
        self.lines = 0
        self.bytes = 0


def read_lines(stream: IO[bytes], counter: LineCounter | None = None) -> Iterator[str]:
    """Yield the lines of `stream` decoded as UTF-8 (invalid bytes become U+FFFD), without newline."""
    counter = counter if counter is not None else LineCounter()
    pending = b""
    skipping = False
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            break
        counter.bytes += len(chunk)
        data = pending + chunk if pending else chunk
        start = 0
        while True:
            nl = data.find(b"\n", start)
            if nl < 0:
                break
            if skipping:
                skipping = False
            else:
                counter.lines += 1
                yield data[start : min(nl, start + MAX_LINE)].decode("utf-8", "replace")
            start = nl + 1
        rest = data[start:]
        if skipping:
            pending = b""
        elif len(rest) > MAX_LINE:
            counter.lines += 1
            yield rest[:MAX_LINE].decode("utf-8", "replace")
            pending = b""
            skipping = True
        else:
            pending = rest
    if pending and not skipping:
        counter.lines += 1
        yield pending.decode("utf-8", "replace")
