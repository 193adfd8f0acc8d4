"""Time linear in the input on every line: each hostile line shape (tests/hostile_lines.py) costs
about twice as much at twice the length, through the whole pipeline, on both the scanner's path and
the parse-every-line path.

A growth test, not a speed test: it compares the same line at 8 and 64 KB (the longest line the
reader keeps), where a linear parse takes about 8 times as long and a quadratic one 64 times. Each
measure is the best of three, in process time."""

from __future__ import annotations

import io
import time

import pytest

from cgowarn.knowledge import load_knowledge
from cgowarn.parse.reader import MAX_LINE
from cgowarn.pipeline import analyze
from hostile_lines import SHAPES

LINEAR_AT_MOST = 24
"""8x the length: 8x the time when linear, 64x when quadratic; the margin absorbs noise."""
SECONDS_AT_MOST = 2.0
"""A 64 KB line of any shape: a quadratic pattern took 20 to 95 s here, a linear one 0.05 s."""


def _cost(line: str, fast: bool) -> float:
    data = (line + "\n").encode()
    best = float("inf")
    memos = load_knowledge().memos
    for _ in range(3):
        memos.clear()  # a remembered line would cost nothing the second time
        start = time.process_time()
        analyze([("hostile.log", io.BytesIO(data))], fast=fast)
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize("fast", [True, False], ids=["scanner", "every-line"])
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_cost_grows_linearly(shape: str, fast: bool) -> None:
    make = SHAPES[shape]
    analyze([("warm.log", io.BytesIO(b"warm\n"))], fast=fast)  # the knowledge base, loaded once
    # The longest line the reader keeps is MAX_LINE: stay under it, so that what makes a pattern
    # fail at the very end of the line is still there.
    top = MAX_LINE - 256
    small = _cost(make(top // 8), fast)
    large = _cost(make(top), fast)
    # Below a millisecond there is nothing to grow: the floor keeps noise from deciding.
    assert large <= max(small, 0.001) * LINEAR_AT_MOST, (shape, small, large)
    assert large <= SECONDS_AT_MOST, (shape, large)
