"""Find the lines of a log that can matter, fast, and hand only those to the line parser.

Almost every line of a CI log is noise. Hyperscan (a maintained multi-pattern matcher, SIMD, GB/s)
scans each bounded chunk once for every pattern the parser reacts to: the knowledge base's
message and diagnostic needles, line-end colons (ld's context lines, in any language), Go package
headers, cargo crates, static link commands, go build commands, Go versions and silent linkers
(kinds.py). The parser then sees exactly the lines it would have acted on when reading every line,
with the same line numbers and with the kinds of needle each holds, so that it runs only the
checks that can match; both paths give the same report (tests/test_scanner.py checks this on
every sample). Where Hyperscan is not installed, every line goes to the parser.

Lines longer than MAX_LINE are cut there, as in reader.py, and the rest of such a line is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from typing import IO, Any

import regex

from cgowarn.errors import KnowledgeBaseError
from cgowarn.parse import kinds
from cgowarn.parse.gnu_ld import COMPILER_CONTEXT
from cgowarn.parse.reader import MAX_LINE, Echo, LineCounter, line_regions, read_lines
from cgowarn.parse.tables import ParseTables

TRAILING_SPACE = (
    rb"(?:[ \t\r]|\xc2\xa0|\xe1\x9a\x80|\xe2\x80[\x80-\x8a\xa8\xa9\xaf]|\xe2\x81\x9f|\xe3\x80\x80)"
)
"""What clean_line strips from the end of a line (str.strip: Unicode White_Space, U+00A0 and
U+3000 among them) and the scanner does not already hand over with every check (the C0 and C1
controls, see CONTROL), in UTF-8."""
LINE_END_COLON = (
    rb"(?::|\xef\xbc\x9a)"
    + TRAILING_SPACE
    + rb"*(?:\x1b\[[0-9;]*[A-Za-z]"
    + TRAILING_SPACE
    + rb"*)*$"
)
"""A line ending with ':' or '：' (before spaces and colour codes): ld's context lines, any language."""

GO_HEADER = rb"(?:^ ?|[^\n ]|[^'\n] )# "
"""Where `# ` can start a Go package header once clean_line has removed CI prefixes, colour codes
and spaces: anywhere but right after a quote and a space, which no prefix ends with. That leaves
out the heredocs of `go build -x` (`cat >$WORK/b001/importcfg << 'EOF' # internal`), one per
package, which would otherwise all reach the parser. `^ ?`: a line may start with one space, which
the third form, needing a byte before the space, does not see."""

CONTROL = rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\r[^\n]|\xc2[\x80-\x9f]"
"""A byte that clean_line removes: C0 controls (an ANSI escape's ESC among them), a carriage return
inside a line, C1 controls (UTF-8). Such a line goes to the parser with every check: what the
cleaner removes must not decide whether a line is read (a colour code inside glibc's message hides
the message from a literal scan)."""

_EXPRESSIONS = {b"# ": GO_HEADER}

from cgowarn.parse.unwrap import TAIL_LINES  # noqa: E402 - the lines unwrap.py may join

"""Needles found with a pattern instead of as a literal."""

_hs: Any
try:  # pragma: no cover - exercised by whichever branch this machine has
    import hyperscan as _hs
except ImportError:  # pragma: no cover
    _hs = None


def available() -> bool:
    return _hs is not None


class _Databases:
    """The compiled Hyperscan databases for one set of parse tables: one with every needle, and one
    without the Go version literals, for the rest of a log once enough versions are counted
    (built on first use). `kind_of[id]` is what the needle with that id means to the parser."""

    def __init__(self, tables: ParseTables) -> None:
        meaning: dict[bytes, int] = {}
        needles = [(n, kinds.MESSAGE) for n in tables.message_needles]
        needles += [(n, kinds.DIAGNOSTIC) for rule in tables.diagnostics for n in rule.needles]
        for text, kind in needles:
            meaning[text.encode()] = meaning.get(text.encode(), 0) | kind
        for literal, kind in kinds.STRUCTURE.items():
            meaning[literal] = meaning.get(literal, 0) | kind
        for driver in tables.drivers:
            meaning[driver.encode()] = meaning.get(driver.encode(), 0) | kinds.LANGUAGE
        for head, end in tables.wraps:
            meaning[head.encode()] = meaning.get(head.encode(), 0) | kinds.WRAP_HEAD
            meaning[end.encode()] = meaning.get(end.encode(), 0) | kinds.WRAP_END
        literals = sorted(meaning)
        if len(literals) >= CONTROL_ID:
            raise KnowledgeBaseError(
                f"patterns/: {len(literals)} scanner needles; the scanner handles {CONTROL_ID}"
            )
        self.kind_of = [meaning[n] for n in literals] + [0] * (CONTROL_ID - len(literals))
        self.kind_of += [kinds.ALL, kinds.COMPILER_CONTEXT, kinds.LINE_END_COLON]
        self.wraps = tuple((h.encode(), e.encode()) for h, e in tables.wraps)
        numbered = list(enumerate(literals))
        self.full = _compiled("scan-all", numbered)
        self._late: Any = None
        self._late_literals = [(i, n) for i, n in numbered if meaning[n] != kinds.GO_VERSION]

    @property
    def late(self) -> Any:
        if self._late is None:
            self._late = _compiled("scan-late", self._late_literals)
        return self._late


def _compiled(name: str, literals: list[tuple[int, bytes]]) -> Any:
    """A block-mode database of the (id, needle) pairs, the line-end colon (COLON_ID) and gcc's
    context line (COMPILER_ID).

    Compiled in the process that uses it, never loaded from a file: a database read back from a
    cache would be C code's input that anyone who can write the cache controls."""
    # Literals scan at memory speed; the Go header and the two line-end patterns need a regex
    # (and multiline mode).
    expressions = [_EXPRESSIONS.get(n, regex.escape(n)) for _, n in literals]
    expressions += [LINE_END_COLON, COMPILER_CONTEXT, CONTROL]
    flags = [_hs.HS_FLAG_MULTILINE if n in _EXPRESSIONS else 0 for _, n in literals]
    flags += [_hs.HS_FLAG_MULTILINE] * 2 + [0]
    ids = [i for i, _ in literals] + [COLON_ID, COMPILER_ID, CONTROL_ID]
    db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
    db.compile(expressions=expressions, ids=ids, elements=len(expressions), flags=flags)
    return db


def _databases(tables: ParseTables) -> _Databases:
    """The databases of these tables, built once and kept with them."""
    return tables.memos.value("scanner-databases", lambda: _Databases(tables))


def interesting_lines(
    stream: IO[bytes],
    tables: ParseTables,
    counter: LineCounter,
    echo: Echo | None = None,
    versions_done: Callable[[], bool] | None = None,
) -> Iterator[tuple[int, str, int]]:
    """(1-based line number, decoded line, kinds of needle in it) for every line that can matter,
    in order; `echo` gets every byte read. Once `versions_done()` is true, a line whose only
    needles name a Go version is skipped: the parser would draw nothing more from it."""
    if _hs is None:
        for n, line in enumerate(read_lines(stream, counter, echo), 1):
            yield n, line, kinds.ALL
        return
    dbs = _databases(tables)
    done = versions_done or (lambda: False)
    counted = [0, 0]  # lines before the current region; tail lines owed to the next one
    for data, start, end in line_regions(stream, counter, echo):
        # Once versions no longer count, a database without them does not even report them.
        db = dbs.late if done() else dbs.full
        yield from _scan(db, data, start, end, counted, dbs.kind_of, done, dbs.wraps)
    counter.lines = counted[0]


_ID_BITS = 8
"""Each match is kept as one int, `end << _ID_BITS | id`, so that sorting them is cheap."""
COLON_ID = (1 << _ID_BITS) - 1
"""The id of the line-end colon pattern; literals take the ids below COMPILER_ID."""
COMPILER_ID = COLON_ID - 1
"""The id of gnu_ld.COMPILER_CONTEXT."""
CONTROL_ID = COMPILER_ID - 1
"""The id of CONTROL."""
COMPILER_ONLY = kinds.LINE_END_COLON | kinds.COMPILER_CONTEXT
"""A line holding nothing but gcc's `In function ‘f’:`: the parser would draw nothing from it."""


def _tails(
    data: bytes,
    at: int,
    end: int,
    remaining: int,
    wraps: tuple[tuple[bytes, bytes], ...],
    cursor: list[int],
) -> Generator[tuple[int, str, int], None, tuple[int, int]]:
    """The lines from `at` that may continue a message's head, with every check (they may hold
    anything): `remaining` of them, more when one is itself a head. `cursor` is [newlines before
    `counted`, counted] and is advanced; returns where they end and how many are still owed."""
    while remaining and at < end:
        nl = data.find(b"\n", at, end)
        if nl < 0:
            break
        cursor[0] += data.count(b"\n", cursor[1], at)
        cursor[1] = at
        tail = data[at : min(nl, at + MAX_LINE)]
        yield cursor[0] + 1, tail.decode("utf-8", "replace"), kinds.ALL
        opens = any(h in tail and e not in tail for h, e in wraps)
        remaining = TAIL_LINES if opens else remaining - 1
        at = nl + 1
    return at, remaining


def _scan(
    db: Any,
    data: bytes,
    start: int,
    end: int,
    lines: list[int],
    kind_of: list[int],
    versions_done: Callable[[], bool],
    wraps: tuple[tuple[bytes, bytes], ...] = (),
) -> Iterator[tuple[int, str, int]]:
    """Lines of data[start:end] (which ends with a newline) that hold a match, with the kinds of
    needle in each. `lines[0]` holds the number of lines before `start` and is advanced past the
    region, counting each newline once; `lines[1]` the lines after a message's head that the
    previous region could not hand over (its end came first), which this one hands over first
    (and sets for the next). The region is scanned in place, through a memoryview: no
    copy of the chunk is made."""
    line_no = lines[0]
    hits: list[int] = []
    counted = start  # offset up to which newlines are counted into line_no
    handed = start  # offset up to which every line was handed over
    # The lines that may continue a message whose head ended the previous region.
    pending, lines[1] = lines[1], 0
    if pending:
        cursor = [line_no, counted]
        handed, pending = yield from _tails(data, start, end, pending, wraps, cursor)
        line_no, counted = cursor
        lines[1] = pending if handed >= end else 0

    def on_match(ident: int, _from: int, to: int, _flags: int, _ctx: object) -> None:
        hits.append(to << _ID_BITS | ident)

    db.scan(memoryview(data)[start:end], match_event_handler=on_match)
    if not hits:
        lines[0] = line_no + data.count(b"\n", counted, end)
        return
    hits.sort()
    shift, mask = _ID_BITS, (1 << _ID_BITS) - 1
    compiler_only, version_only = COMPILER_ONLY, kinds.GO_VERSION
    wrap_bits = kinds.WRAP_HEAD | kinds.WRAP_END
    i, n = 0, len(hits)
    while i < n and (hits[i] >> shift) < handed - start:
        i += 1  # in the lines handed over above
    while i < n:
        # No pattern contains a newline and Hyperscan ends a multiline `$` match before the
        # newline, so the match's last byte is on its own line, and so is the next newline.
        pos = start + (hits[i] >> shift)
        newline = data.rfind(b"\n", start, pos)
        line_start = newline + 1 if newline >= 0 else start
        line_end = data.find(b"\n", pos, end)
        limit = (line_end - start + 1) << shift  # every hit of this line sorts below it
        found = 0
        while i < n and hits[i] < limit:
            found |= kind_of[hits[i] & mask]
            i += 1
        if found == compiler_only or (found == version_only and versions_done()):
            continue
        wrap = found & wrap_bits
        if wrap and wrap != kinds.WRAP_HEAD:
            # A whole message (head and end), or an end alone: nothing to join.
            found &= ~wrap_bits
            if not found:
                continue
        line_no += data.count(b"\n", counted, line_start)
        counted = line_start
        raw = data[line_start : min(line_end, line_start + MAX_LINE)]
        yield line_no + 1, raw.decode("utf-8", "replace"), found
        if found & kinds.WRAP_HEAD:
            # The lines that may continue the message, with every check (they may hold anything).
            cursor = [line_no, counted]
            at, remaining = yield from _tails(data, line_end + 1, end, TAIL_LINES, wraps, cursor)
            line_no, counted = cursor
            if at >= end:
                lines[1] = remaining  # the next region's first lines
            while i < n and (hits[i] >> shift) < at - start:
                i += 1  # those lines' hits: already handed over
    lines[0] = line_no + data.count(b"\n", counted, end)
