"""The fast path (Hyperscan picks the lines that can matter) gives exactly the report of the path
that hands every line to the parser."""

from __future__ import annotations

import io

import pytest

from cgowarn.parse import scanner
from cgowarn.pipeline import analyze
from conftest import IN_CI, SAMPLE_LIST

MSG = "Using '{}' in statically linked applications requires at runtime the shared libraries from the glibc version used for linking"


def both(data: bytes, name: str = "x.log"):  # type: ignore[no-untyped-def]
    fast = analyze([(name, io.BytesIO(data))], max_occurrences=10_000)
    slow = analyze([(name, io.BytesIO(data))], max_occurrences=10_000, fast=False)
    return fast, slow


def test_hyperscan_is_installed_where_ci_runs() -> None:
    if not scanner.available():
        if IN_CI:
            pytest.fail("hyperscan is not installed: the fast path is not tested")
        pytest.skip("hyperscan not installed")


@pytest.mark.parametrize("sample", SAMPLE_LIST, ids=lambda s: s.id)
def test_fast_and_slow_paths_agree_on_every_sample(sample) -> None:  # type: ignore[no-untyped-def]
    fast, slow = both(sample.path.read_bytes(), sample.path.name)
    assert fast.model_dump() == slow.model_dump()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"no newline at the end",
        f"a.c:(.text+0x1): warning: {MSG.format('getpwnam')}".encode(),  # last line without newline
        b"x" * (5 << 20) + b"\n" + f"a.c:(.text+0x1): warning: {MSG.format('dlopen')}\n".encode(),
        b"y" * (70 << 10)
        + f" {MSG.format('gets')}\n".encode()
        + f"b.c:1: warning: {MSG.format('dlopen')}\n".encode(),
        b"\r\n".join(
            [b"noise"] * 1000
            + [
                b"/usr/bin/ld: a.o: in function `f':\x1b[0m",
                f"a.c:2: warning: {MSG.format('getpwnam')}".encode(),
            ]
        ),
        (b"ld: a.o: in function `f':\n" * 50000)
        + f"a.c:2: warning: {MSG.format('getpwnam')}\n".encode(),
    ],
    ids=[
        "empty",
        "no-newline",
        "last-line",
        "5MB-line",
        "70KB-line-cut",
        "crlf-ansi",
        "all-context",
    ],
)
def test_fast_and_slow_paths_agree_on_edge_cases(data: bytes) -> None:
    fast, slow = both(data)
    assert fast.model_dump() == slow.model_dump()


def test_line_numbers_across_chunks() -> None:
    noise = b"compile step with nothing to see\n" * 300_000  # about 10 MB, several scan chunks
    data = noise + f"a.c:(.text+0x1): warning: {MSG.format('getpwnam')}\n".encode() + noise
    fast, _ = both(data)
    assert fast.findings[0].occurrences[0].source_line == 300_001
    assert fast.sources[0].lines == 600_001


def test_fast_and_slow_paths_agree_on_random_logs_with_small_chunks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Lines of the real samples shuffled with noise, CI prefixes, CRLF and over-long lines, read
    in small chunks so that lines straddle chunk boundaries everywhere."""
    import random

    from cgowarn.parse import reader

    if not scanner.available():
        pytest.skip("hyperscan not installed")
    rng = random.Random(5)
    pool = [
        line
        for sample in SAMPLE_LIST[::3]
        for line in sample.path.read_bytes().splitlines()
        if line.strip()
    ]
    noise = [b"gcc -O2 -c -o x.o x.c", b"ok  example.com/pkg 0.01s", b"#5 0.123 RUN make", b""]
    monkeypatch.setattr(reader, "CHUNK", 4096)
    monkeypatch.setattr(reader, "MAX_LINE", 3000)
    monkeypatch.setattr(scanner, "MAX_LINE", 3000)
    for _ in range(60):
        lines = []
        for _ in range(rng.randint(50, 400)):
            r = rng.random()
            if r < 0.5:
                line = rng.choice(pool)
            elif r < 0.8:
                line = rng.choice(noise)
            elif r < 0.9:
                line = b"2026-11-26T10:00:00.1234567Z " + rng.choice(pool)
            else:
                line = rng.choice(pool) + b"y" * rng.randint(2900, 9000)
            lines.append(line + (b"\r\n" if rng.random() < 0.1 else b"\n"))
        fast, slow = both(b"".join(lines))
        assert fast.model_dump() == slow.model_dump()
