"""The fast path (Hyperscan picks the lines that can matter) gives exactly the report of the path
that hands every line to the parser."""

from __future__ import annotations

import io

import pytest

from cgowarn.model import Report
from cgowarn.parse import scanner
from cgowarn.pipeline import analyze
from conftest import IN_CI, SAMPLE_LIST, Sample

MSG = "Using '{}' in statically linked applications requires at runtime the shared libraries from the glibc version used for linking"


def both(data: bytes, name: str = "x.log") -> tuple[Report, Report]:
    fast = analyze([(name, io.BytesIO(data))], max_occurrences=10_000)
    slow = analyze([(name, io.BytesIO(data))], max_occurrences=10_000, fast=False)
    return fast, slow


def test_hyperscan_is_installed_where_ci_runs() -> None:
    if not scanner.available():
        if IN_CI:
            pytest.fail("hyperscan is not installed: the fast path is not tested")
        pytest.skip("hyperscan not installed")


@pytest.mark.parametrize("sample", SAMPLE_LIST, ids=lambda s: s.id)
def test_fast_and_slow_paths_agree_on_every_sample(sample: Sample) -> None:
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


def test_go_version_lines_beyond_the_cap_are_skipped_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """A `go build -x` log from Debian's Go names /usr/lib/go-1.19 on nearly every line. The first
    MAX_VERSION_LINES of them decide the version; after that the scanner skips lines that only
    name a version, and switches to a database without them, and the report stays that of the
    parser reading every line."""
    from cgowarn import parse
    from cgowarn.parse import reader

    if not scanner.available():
        pytest.skip("hyperscan not installed")
    monkeypatch.setattr(reader, "CHUNK", 4096)  # the database switch happens mid-log
    tool = "/usr/lib/go-1.19/pkg/tool/linux_amd64"
    lines = []
    for i in range(parse.MAX_VERSION_LINES + 1500):
        lines.append(f"{tool}/compile -o $WORK/b{i:04d}/_pkg_.a -p pkg{i}")
        if i % 97 == 0:  # lines that name a version and matter for another reason
            lines.append(f"{tool}/link -o $WORK/b{i:04d}/exe/a.out -extldflags -static")
            lines.append(f"/usr/bin/ld: pkg{i}.o: in function `f{i}':")
            lines.append(f"a.c:(.text+0x1): warning: {MSG.format('getpwnam')}")
    for _ in range(parse.MAX_VERSION_LINES + 10):  # later versions: beyond the cap, not counted
        lines.append("/home/u/sdk/go1.22.5/bin/go build ./...")
    fast, slow = both("\n".join(lines).encode())
    assert fast.model_dump() == slow.model_dump()
    assert fast.build.go_version == "1.19"
    assert fast.findings[0].count == len(range(0, parse.MAX_VERSION_LINES + 1500, 97))
    assert fast.sources[0].lines == len(lines)


def test_scanner_hands_over_version_only_lines_until_told_otherwise() -> None:
    from cgowarn.knowledge import load_knowledge
    from cgowarn.parse.reader import LineCounter

    if not scanner.available():
        pytest.skip("hyperscan not installed")
    data = (
        b"".join(
            b"/usr/lib/go-1.19/pkg/tool/linux_amd64/compile -o $WORK/b%d/_pkg_.a\n" % i
            for i in range(10)
        )
        + b"/usr/lib/go-1.19/pkg/tool/linux_amd64/link -extldflags -static\n"
    )
    kb = load_knowledge()

    def lines(done: bool) -> list[int]:
        got = scanner.interesting_lines(
            io.BytesIO(data), kb.parse, LineCounter(), None, lambda: done
        )
        return [n for n, _, _ in got]

    assert lines(False) == list(range(1, 12))
    assert lines(True) == [11]  # the link line matters for -extldflags, not for its version


def test_go_headers_reach_the_parser_and_heredocs_do_not() -> None:
    from cgowarn.knowledge import load_knowledge
    from cgowarn.parse.reader import LineCounter

    if not scanner.available():
        pytest.skip("hyperscan not installed")
    headers = [
        "# example.com/cmd/app",
        "2026-11-26T10:00:00.1234567Z # example.com/cmd/app",  # GitHub Actions
        "#12 3.456 # example.com/cmd/app",  # BuildKit
        "app_1  | # example.com/cmd/app",  # docker compose
        "\x1b[1m# example.com/cmd/app\x1b[0m",
        "   # example.com/cmd/app",
    ]
    heredoc = "cat >$WORK/b001/importcfg << 'EOF' # internal"
    warning = f"a.c:(.text+0x1): warning: {MSG.format('getpwnam')}"
    lines = [line for header in headers for line in (heredoc, header, warning)]
    data = "\n".join(lines).encode()
    got = [
        n
        for n, _, _ in scanner.interesting_lines(
            io.BytesIO(data), load_knowledge().parse, LineCounter()
        )
    ]
    assert got == [n for n in range(1, len(lines) + 1) if n % 3 != 1]
    fast, slow = both(data)
    assert fast.model_dump() == slow.model_dump()
    assert [link.name for link in fast.links] == ["example.com/cmd/app"] * len(headers)


INSERTIONS = [
    b"\x1b[31m",
    b"\x1b[0m",
    b"\x1b[1;33m",
    b"\x0c",
    b"\x00",
    b"\x07",
    b"\x7f",
    b"\x1b]0;title\x07",
    b"\r",
    "\u0085".encode(),  # C1 NEXT LINE
    "\u009b".encode(),  # C1 CSI
    b"2026-11-26T10:00:00.1234567Z ",
    b"#12 3.456 ",
]


def test_what_the_cleaner_removes_never_hides_a_line() -> None:
    """`grep --color=always` output: colour codes inside glibc's message. The scanner must hand
    the line over, and both paths must find every warning."""
    log = (
        b"# example.com/\x1b[1mapp\x1b[0m\n"
        b"/usr/bin/ld: a.o: in function `f':\n"
        b"a.c:(.text+0x1): warning: Using 'getpwnam' in \x1b[01;31m\x1b[Kstatically\x1b[m\x1b[K "
        b"linked applications requires at runtime the shared libraries from the glibc version used "
        b"for linking\n"
        b"a.c:(.text+0x2): warning: the use of `mktemp' is dan\x0cgerous, better use `mkstemp'\n"
        b"a.c:(.text+0x3): warning: gtty is not imp\x00lemented and will always fail\n"
    )
    fast, slow = both(log)
    assert fast.model_dump() == slow.model_dump()
    assert {f.symbol for f in fast.findings} == {"getpwnam", "mktemp", "gtty"}
    assert [u.name for u in fast.links if u.kind == "go-package"] == ["example.com/app"]


def test_fast_and_slow_paths_agree_with_control_bytes_anywhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Real sample lines with colour codes, control bytes, C1 controls and CI prefixes inserted at
    random positions, inside messages and headers too."""
    import random

    from cgowarn.parse import reader

    if not scanner.available():
        pytest.skip("hyperscan not installed")
    rng = random.Random(11)
    pool = [
        line
        for sample in SAMPLE_LIST[::2]
        for line in sample.path.read_bytes().splitlines()
        if line.strip()
    ]
    monkeypatch.setattr(reader, "CHUNK", 4096)
    found = 0
    for _ in range(80):
        lines = []
        for _ in range(rng.randint(20, 200)):
            line = bytearray(rng.choice(pool))
            for _ in range(rng.randint(0, 3)):
                pos = rng.randint(0, len(line))
                line[pos:pos] = rng.choice(INSERTIONS)
            lines.append(bytes(line) + b"\n")
        fast, slow = both(b"".join(lines))
        assert fast.model_dump() == slow.model_dump()
        found += len(fast.findings)
    assert found > 100  # the mix does hold warnings


def test_context_lines_ending_in_any_space_reach_the_parser() -> None:
    """clean_line strips every Unicode space from the end of a line (no-break, ideographic, em
    space, ...), so `obj: in function `f':` followed by one is a context line when every line is
    parsed; the scanner's line-end colon must hand it over too, or the fast path loses the object
    and the function of the warnings after it."""
    import sys

    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace() and chr(c) != "\n"]
    assert len(spaces) > 20
    warning = f"a.c:(.text+0x1): warning: {MSG.format('getpwnam')}\n"
    for space in spaces:
        for context in ("x.o: in function `f':", "x.o：在函数‘f’中："):
            for end in (space, f"{space}\x1b[0m{space}"):
                fast, slow = both(f"{context}{end}\n{warning}".encode())
                assert fast.model_dump() == slow.model_dump(), repr(space)
                assert fast.findings[0].occurrences[0].function == "f"


def test_go_headers_after_any_leading_space_reach_the_parser() -> None:
    """clean_line strips every space from the start of a line, so ` # example.com/app` is a Go
    package header when every line is parsed; the scanner must hand it over too, whatever the
    spaces (one plain space was missed: the fast path lost the unit and the Go toolchain)."""
    import sys

    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace() and chr(c) != "\n"]
    warning = f"a.c:(.text+0x1): warning: {MSG.format('getpwnam')}\n"
    for space in spaces:
        for lead in (space, space * 2, f"{space} "):
            fast, slow = both(f"noise\n{lead}# example.com/app\n{warning}".encode())
            assert fast.model_dump() == slow.model_dump(), repr(lead)
            assert [u.name for u in fast.links if u.kind == "go-package"] == ["example.com/app"]
            assert "go" in fast.build.toolchains
