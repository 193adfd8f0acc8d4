"""glibc's long warning as people paste it: broken over two or more lines by a terminal or CI
viewer that wraps at a fixed column (inside a word), by a mail client re-wrapping at 72 (at a
space, which it drops), or by an issue form that indents the continuation. A line that holds a
message's head but not its end (messages.toml `wrap`) is joined with the lines after it when, and
only when, that gives the whole message: the joined line is parsed in their place, with the first
line's number, and counted once.

The scanner hands over the lines after such a head with every check (scanner.TAIL_LINES); read
without the scanner, every line comes anyway."""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable, Iterator

from cgowarn.parse import kinds
from cgowarn.parse.tables import ParseTables
from cgowarn.parse.wrappers import clean_line

TAIL_LINES = 4
"""Lines after a head that may continue its message (a 190-character warning line wrapped at
72 columns takes three)."""

Line = tuple[int, str, int]


def _join(head: str, tails: list[str], tables: ParseTables) -> tuple[str, int] | None:
    """The head and its first k tails joined into a line that holds the whole message (each
    break closed up, as a hard wrap inside a word needs, or given one space, as a wrap at a
    space needs), and k; None when no join gives it."""
    first = clean_line(head)
    pieces: list[str] = []
    for tail in tails:
        piece = clean_line(tail)
        if not piece:
            return None  # a blank line ends a paragraph: the message does not go on
        pieces.append(piece)
        for seps in itertools.product(("", " "), repeat=len(pieces)):
            text = first + "".join(s + p for s, p in zip(seps, pieces, strict=True))
            found = tables.match_message(text)
            # The head's own message, continued: it starts in the head and ends below it.
            if found is not None and found.start < len(first) < found.end:
                return text, len(pieces)
    return None


def unwrap(lines: Iterable[Line], tables: ParseTables) -> Iterator[Line]:
    """`lines` with every message broken over lines joined into one."""
    if not tables.wraps:
        yield from lines
        return
    source = iter(lines)
    ahead: deque[Line] = deque()

    def following() -> Line | None:
        return ahead.popleft() if ahead else next(source, None)

    while (line := following()) is not None:
        number, raw, holds = line
        if not holds & kinds.WRAP_HEAD or not tables.wrapped_head(raw):
            yield line
            continue
        tails: list[Line] = []
        while len(tails) < TAIL_LINES:
            nxt = following()
            if nxt is None:
                break
            if nxt[0] != (tails[-1][0] if tails else number) + 1:
                ahead.appendleft(nxt)  # not the next line: the scanner skipped some
                break
            tails.append(nxt)
        joined = _join(raw, [t[1] for t in tails], tables)
        if joined is None:
            yield line
            ahead.extendleft(reversed(tails))
            continue
        text, used = joined
        yield number, text, kinds.ALL
        ahead.extendleft(reversed(tails[used:]))
