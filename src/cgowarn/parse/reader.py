"""Read a log once, front to back, in bounded chunks, and yield decoded lines.

Memory stays bounded whatever the input: a line longer than MAX_LINE bytes is cut there and the
rest of it, up to the next newline, is skipped (no linker message is that long).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO

CHUNK = 1 << 20
MAX_LINE = 1 << 16


class LineCounter:
    """Counts what the reader consumed, for the report's source statistics."""

    __slots__ = ("bytes", "lines")

    def __init__(self) -> None:
        self.lines = 0
        self.bytes = 0


Echo = Callable[[memoryview], object]
"""Receives every byte read, unchanged and as soon as it is read (--pass-through)."""


def line_regions(
    stream: IO[bytes], counter: LineCounter, echo: Echo | None = None
) -> Iterator[tuple[bytes, int, int]]:
    """Yield (data, start, end): data[start:end] holds one or more whole lines, each ending with a
    newline (a last line without one gets one). A line still unfinished after MAX_LINE bytes is
    yielded cut there, and the rest of it is skipped. `counter.bytes` counts what was read, and
    `echo` gets it.

    `data` is one buffer, filled in place and reused: it holds its region only until the next one
    is asked for. Reading into it avoids allocating (and page-faulting) a fresh chunk per read and
    joining an unfinished line to the next chunk. Each read is a single read of the underlying
    file or pipe (`readinto1`), so what a build prints is seen, and echoed, as it arrives rather
    than when a whole chunk has filled."""
    buf = bytearray(MAX_LINE + CHUNK)
    view = memoryview(buf)
    read = getattr(stream, "readinto1", None) or stream.readinto  # type: ignore[attr-defined]
    kept = 0  # bytes of an unfinished line moved to the front of buf
    skipping = False
    while True:
        n = read(view[kept : kept + CHUNK])
        if not n:
            break
        counter.bytes += n
        if echo is not None:
            echo(view[kept : kept + n])
        size = kept + n
        start = 0
        if skipping:
            nl = buf.find(b"\n", 0, size)
            if nl < 0:
                kept = 0
                continue
            skipping = False
            start = nl + 1
        end = buf.rfind(b"\n", start, size) + 1
        if end > start:
            yield buf, start, end  # type: ignore[misc]
        rest = max(end, start)
        if size - rest > MAX_LINE:
            yield bytes(view[rest : rest + MAX_LINE]) + b"\n", 0, MAX_LINE + 1
            kept = 0
            skipping = True
        else:
            kept = size - rest
            buf[:kept] = bytes(view[rest:size])  # may overlap: copy first
    if kept and not skipping:
        yield bytes(view[:kept]) + b"\n", 0, kept + 1


def read_lines(
    stream: IO[bytes], counter: LineCounter | None = None, echo: Echo | None = None
) -> Iterator[str]:
    """Yield the lines of `stream` decoded as UTF-8 (invalid bytes become U+FFFD), without newline."""
    counter = counter if counter is not None else LineCounter()
    for data, start, end in line_regions(stream, counter, echo):
        pos = start
        while pos < end:
            nl = data.find(b"\n", pos, end)
            counter.lines += 1
            yield data[pos : min(nl, pos + MAX_LINE)].decode("utf-8", "replace")
            pos = nl + 1
