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


def line_regions(stream: IO[bytes], counter: LineCounter) -> Iterator[tuple[bytes, int, int]]:
    """Yield (data, start, end): data[start:end] holds one or more whole lines, each ending with a
    newline (a last line without one gets one). A line still unfinished after MAX_LINE bytes is
    yielded cut there, and the rest of it is skipped. `counter.bytes` counts what was read."""
    pending = b""
    skipping = False
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            break
        counter.bytes += len(chunk)
        data = pending + chunk if pending else chunk
        start = 0
        if skipping:
            nl = data.find(b"\n")
            if nl < 0:
                pending = b""
                continue
            skipping = False
            start = nl + 1
        end = data.rfind(b"\n") + 1
        if end > start:
            yield data, start, end
        rest = data[max(end, start) :]
        if len(rest) > MAX_LINE:
            yield rest[:MAX_LINE] + b"\n", 0, MAX_LINE + 1
            pending = b""
            skipping = True
        else:
            pending = rest
    if pending and not skipping:
        yield pending + b"\n", 0, len(pending) + 1


def read_lines(stream: IO[bytes], counter: LineCounter | None = None) -> Iterator[str]:
    """Yield the lines of `stream` decoded as UTF-8 (invalid bytes become U+FFFD), without newline."""
    counter = counter if counter is not None else LineCounter()
    for data, start, end in line_regions(stream, counter):
        pos = start
        while pos < end:
            nl = data.find(b"\n", pos, end)
            counter.lines += 1
            yield data[pos : min(nl, pos + MAX_LINE)].decode("utf-8", "replace")
            pos = nl + 1
