"""Find the lines of a log that can matter, fast, and hand only those to the line parser.

Almost every line of a CI log is noise. Hyperscan (a maintained multi-pattern matcher, SIMD, GB/s)
scans each bounded chunk once for every pattern the parser reacts to: the knowledge base's
message and diagnostic needles, line-end colons (ld's context lines, in any language), Go package
headers, cargo crates, static link commands, go build commands, Go versions and silent linkers.
The parser then sees exactly the lines it would have acted on when reading every line, with the same
line numbers, so both paths give the same report (tests/test_scanner.py checks this on every
sample). Where Hyperscan is not installed, every line goes to the parser.

Lines longer than MAX_LINE are cut there, as in reader.py, and the rest of such a line is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import regex

from cgowarn import usercache
from cgowarn.knowledge import KnowledgeBase
from cgowarn.parse.reader import MAX_LINE, Echo, LineCounter, line_regions, read_lines

# What the parser reacts to besides the knowledge base's needles: one regex, and literals.
LINE_END_COLON = rb"(?::|\xef\xbc\x9a)[ \t\r]*(?:\x1b\[[0-9;]*[A-Za-z][ \t\r]*)*$"
"""A line ending with ':' or '：' (before spaces and colour codes): ld's context lines, any language."""
STRUCTURE = (
    b"# ",  # Go package header
    b"Compiling ",  # cargo
    b"-static",  # static link command
    b"go build",  # go build / go install command
    b"go install",
    b"go1.",  # Go version: `go version go1.22.5`, .../go1.22.5/...
    b"go-1.",  # Go version: /usr/lib/go-1.19/...
    b"lld",  # silent linkers
    b"mold",
)

_hs: Any
try:  # pragma: no cover - exercised by whichever branch this machine has
    import hyperscan as _hs
except ImportError:  # pragma: no cover
    _hs = None


def available() -> bool:
    return _hs is not None


_DATABASES: dict[int, Any] = {}


def _database(kb: KnowledgeBase) -> Any:
    """The compiled Hyperscan database for this knowledge base (load_knowledge() returns one
    instance per process, so its id is a stable key)."""
    if id(kb) in _DATABASES:
        return _DATABASES[id(kb)]
    literals = {n.encode() for n in kb.message_needles}
    literals |= {n.encode() for diag, _ in kb.diagnostics for n in diag.needles}
    literals |= set(STRUCTURE)
    # Literals scan at memory speed; only the line-end pattern needs a regex (and multiline mode).
    expressions = [regex.escape(n) for n in sorted(literals)] + [LINE_END_COLON]
    flags = [0] * (len(expressions) - 1) + [_hs.HS_FLAG_MULTILINE]
    # Compiling takes longer than scanning a small log, so the compiled database is kept in the
    # user cache, keyed by the expressions and the library's version.
    key = usercache.digest(_hs.__version__, repr(expressions), repr(flags))
    db = None
    blob = usercache.load("scanner", key)
    if blob is not None:
        try:
            db = _hs.loadb(blob, _hs.HS_MODE_BLOCK)
            db.scratch = _hs.Scratch(db)  # a loaded database comes without scratch space
        except _hs.error:
            db = None
    if db is None:
        db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
        db.compile(
            expressions=expressions,
            ids=list(range(len(expressions))),
            elements=len(expressions),
            flags=flags,
        )
        usercache.store("scanner", key, _hs.dumpb(db))
    _DATABASES[id(kb)] = db
    return db


def interesting_lines(
    stream: IO[bytes], kb: KnowledgeBase, counter: LineCounter, echo: Echo | None = None
) -> Iterator[tuple[int, str]]:
    """(1-based line number, decoded line) for every line that can matter, in order; `echo` gets
    every byte read."""
    if _hs is None:
        yield from enumerate(read_lines(stream, counter, echo), 1)
        return
    db = _database(kb)
    counted = [0]  # lines before the current region
    for data, start, end in line_regions(stream, counter, echo):
        yield from _scan(db, data, start, end, counted)
    counter.lines = counted[0]


def _scan(
    db: Any, data: bytes, start: int, end: int, lines: list[int]
) -> Iterator[tuple[int, str]]:
    """Lines of data[start:end] (which ends with a newline) that hold a match. `lines[0]` holds
    the number of lines before `start` and is advanced past the region, counting each newline once.
    The region is scanned in place, through a memoryview: no copy of the chunk is made."""
    line_no = lines[0]
    ends: list[int] = []

    def on_match(_id: int, _from: int, to: int, _flags: int, _ctx: object) -> None:
        ends.append(to)

    db.scan(memoryview(data)[start:end], match_event_handler=on_match)
    if not ends:
        lines[0] = line_no + data.count(b"\n", start, end)
        return
    ends.sort()
    counted = start  # offset up to which newlines are counted into line_no
    last_start = -1
    for to in ends:
        # No pattern contains a newline and Hyperscan ends a multiline `$` match before the
        # newline, so the match's last byte is on its own line.
        pos = start + to
        newline = data.rfind(b"\n", start, pos)
        line_start = newline + 1 if newline >= 0 else start
        if line_start == last_start:
            continue
        last_start = line_start
        line_no += data.count(b"\n", counted, line_start)
        counted = line_start
        line_end = data.find(b"\n", line_start, end)
        raw = data[line_start : min(line_end, line_start + MAX_LINE)]
        yield line_no + 1, raw.decode("utf-8", "replace")
    lines[0] = line_no + data.count(b"\n", counted, end)
