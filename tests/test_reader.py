"""The reader gives every line exactly once, in order, whatever the chunk boundaries and however
short the reads; lines longer than MAX_LINE are cut there. Checked against a plain split of the
same bytes, with tiny chunk sizes so that every boundary case occurs."""

from __future__ import annotations

import io
import random
from typing import Any

import pytest

from cgowarn.parse import reader, scanner
from cgowarn.parse.reader import LineCounter, read_lines
from cgowarn.pipeline import analyze


def expected_lines(data: bytes, max_line: int) -> list[str]:
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [line[:max_line].decode("utf-8", "replace") for line in lines]


class ShortReads(io.RawIOBase):
    """A pipe-like stream: every read returns at most a few bytes."""

    def __init__(self, data: bytes, rng: random.Random) -> None:
        self.data = memoryview(data)
        self.pos = 0
        self.rng = rng

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = min(len(b), self.rng.randint(1, 9), len(self.data) - self.pos)
        b[:n] = self.data[self.pos : self.pos + n]
        self.pos += n
        return n


def random_log(rng: random.Random) -> bytes:
    parts = []
    for _ in range(rng.randint(0, 40)):
        kind = rng.random()
        if kind < 0.6:
            parts.append(b"x" * rng.randint(0, 12) + b"\n")
        elif kind < 0.8:
            parts.append(b"long" * rng.randint(3, 10) + b"\n")  # longer than MAX_LINE below
        elif kind < 0.9:
            parts.append(b"\n")
        else:
            parts.append("é\u4e2d".encode() * rng.randint(1, 5) + b"\n")
    data = b"".join(parts)
    if data and rng.random() < 0.3:
        data = data[:-1]  # last line without a newline
    return data


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 16, 64])
def test_every_line_once_in_order(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(reader, "CHUNK", chunk)
    monkeypatch.setattr(reader, "MAX_LINE", 10)
    rng = random.Random(chunk)
    for _ in range(300):
        data = random_log(rng)
        counter = LineCounter()
        got = list(read_lines(io.BytesIO(data), counter))
        assert got == expected_lines(data, 10), data
        assert counter.lines == len(got)
        assert counter.bytes == len(data)


def test_short_reads_from_a_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_LINE", 10)
    rng = random.Random(7)
    for _ in range(200):
        data = random_log(rng)
        stream = io.BufferedReader(ShortReads(data, rng), buffer_size=4)
        assert list(read_lines(stream)) == expected_lines(data, 10), data


@pytest.mark.skipif(not scanner.available(), reason="hyperscan not installed")
def test_scanner_with_tiny_chunks_gives_the_same_report(monkeypatch: pytest.MonkeyPatch) -> None:
    msg = "Using 'getpwnam' in statically linked applications requires at runtime the shared libraries from the glibc version used for linking"
    data = (
        b"noise\n" * 7
        + b"/usr/bin/ld: a.o: in function `f':\n"
        + f"a.c:2: warning: {msg}\n".encode()
        + b"more noise\n" * 5
        + f"b.c:(.text+0x1): warning: {msg}".encode()
    )
    whole = analyze([("x.log", io.BytesIO(data))], max_occurrences=100)
    monkeypatch.setattr(reader, "CHUNK", 5)
    tiny = analyze([("x.log", io.BytesIO(data))], max_occurrences=100)
    assert tiny.model_dump() == whole.model_dump()
    (finding,) = tiny.findings
    assert [o.source_line for o in finding.occurrences] == [9, 15]
    assert finding.occurrences[0].function == "f"
