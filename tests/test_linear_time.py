"""Time linear in the input on every line, for every pattern.

Two kinds of test, both about growth, not speed:

- every regular expression cgowarn matches untrusted text with (regexes.REGISTRY: the code's and
  every pattern of patterns/) is pumped on its own repeated parts (tests/redos.py): at 16 times
  the length it may take about 16 times as long, never 256;
- each hostile line shape (tests/hostile_lines.py) goes through the whole pipeline, on both the
  scanner's path and the parse-every-line path, at 8 and 64 KB (the longest line the reader keeps:
  a linear parse takes about 8 times as long, a quadratic one 64 times) and at 256 KB (cut at 64
  KB by the reader: no slower than that). Each measure is the best of three, in process time.

A pattern that is still slow on a line nobody foresaw runs out of its time budget
(regexes.BUDGET): the line is skipped and the report says so (tests below)."""

from __future__ import annotations

import importlib
import io
import pkgutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import regex

import cgowarn
import redos
from cgowarn import regexes
from cgowarn.knowledge import load_knowledge
from cgowarn.parse.reader import MAX_LINE
from cgowarn.pipeline import analyze
from hostile_lines import SHAPES

MSG_GETPWNAM = (
    "Using 'getpwnam' in statically linked applications requires at runtime the shared "
    "libraries from the glibc version used for linking"
)


def _every_pattern() -> dict[str, regexes.Regex]:
    """Every registered pattern: each module imported, the knowledge base loaded."""
    for module in pkgutil.walk_packages(cgowarn.__path__, "cgowarn."):
        importlib.import_module(module.name)
    load_knowledge()
    return {name: r for name, r in regexes.REGISTRY.items() if not r.literal}


PATTERNS = _every_pattern()


def test_every_module_pattern_is_registered() -> None:
    """No pattern escapes the registry (and so the budget and the pumping below): src/ compiles
    regular expressions only through cgowarn.regexes."""
    src = cgowarn.__path__[0]
    offenders = []
    for module in pkgutil.walk_packages([src], "cgowarn."):
        path = f"{src}/{module.name.removeprefix('cgowarn.').replace('.', '/')}"
        file = Path(f"{path}.py") if Path(f"{path}.py").is_file() else Path(path, "__init__.py")
        text = file.read_text(encoding="utf-8")
        if module.name == "cgowarn.regexes":
            continue
        for call in (
            "re.compile(",
            "regex.compile(",
            "re.search(",
            "regex.search(",
            "re.match(",
            "regex.match(",
            "re.sub(",
            "regex.sub(",
            "re.split(",
            "regex.split(",
        ):
            if call in text:
                offenders.append(f"{module.name}: {call}")
    assert not offenders
    assert len(PATTERNS) > 60, sorted(PATTERNS)  # the code's and patterns/'s


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_is_linear(name: str) -> None:
    pattern = PATTERNS[name]
    small, large, attack = redos.worst(pattern.source, pattern.flags, anchored=pattern.anchored)
    assert redos.is_linear(small, large), (
        f"{name}: {small * 1000:.2f} ms at 512 characters, {large * 1000:.2f} ms at 8192 ({attack})"
    )


@pytest.mark.parametrize(
    "source",
    [
        # What the review found, as it was: exponential, then quadratic.
        r"^(?:[$#>+]+\s+)?(?P<cmd>(?:[A-Z_][A-Z0-9_]*=(?:\"[^\"]*\"|'[^']*'|\S*)\s+)*(?:\S*/)?go (?:build|install)(?:\s.*)?)$",
        r"(?P<subject>[^\s:]+): error adding symbols: (?P<reason>.+)",
        r"multiple definition of [`'‘](?P<subject>[^'’]+)['’]",
        r"[:：]\s+In function [‘'].*[’']:$",
    ],
    ids=["go command", "error adding symbols", "multiple definition", "gcc In function"],
)
def test_pumping_finds_what_the_review_found(source: str) -> None:
    """The pumping test is able to fail: on the patterns as they were before they were fixed."""
    small, large, _ = redos.worst(source, anchored=source.startswith("^"))
    assert not redos.is_linear(small, large)


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
    """8 and 64 KB: linear; 256 KB (cut to 64 KB as it is read): bounded."""
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
    huge = _cost(make(4 * MAX_LINE), fast)
    assert huge <= SECONDS_AT_MOST, (shape, huge)


@pytest.fixture
def slow_pattern() -> Iterator[regexes.Regex]:
    """The undefined-reference rule of patterns/diagnostics.toml, made catastrophic for the time
    of one test: a pattern nobody foresaw."""
    kb = load_knowledge()
    rule = next(r for r in kb.parse.diagnostics if r.id == "undefined_reference")
    pattern = rule.pattern
    saved = pattern.compiled
    pattern._compiled = regex.compile(r"undefined reference to (?:a+)+$")
    kb.memos.clear()
    try:
        yield pattern
    finally:
        pattern._compiled = saved
        kb.memos.clear()


def test_a_slow_pattern_costs_one_line_and_is_reported(slow_pattern: regexes.Regex) -> None:
    hostile = "undefined reference to " + "a" * 60_000 + "!"
    log = f"{hostile}\nfoo.c:(.text+0x1): warning: {MSG_GETPWNAM}\n".encode()
    start = time.monotonic()
    report = analyze([("build.log", io.BytesIO(log))])
    assert time.monotonic() - start < 5 * regexes.BUDGET + 1.0
    assert report.summary.unanalysed_lines == 1
    assert [f.symbol for f in report.findings] == ["getpwnam"]  # the rest was analysed
    assert any(
        "1 line not analysed" in note and slow_pattern.name in note and "build.log:1" in note
        for note in report.notes
    ), report.notes


def test_many_slow_lines_add_up_to_a_few_budgets(slow_pattern: regexes.Regex) -> None:
    """After SLOW_LIMIT time-outs the pattern is not tried again in this analysis: a thousand
    hostile lines cost what SLOW_LIMIT of them cost, and each is counted."""
    lines = [f"undefined reference to {'a' * (20_000 + i)}!" for i in range(1000)]
    start = time.monotonic()
    report = analyze([("build.log", io.BytesIO("\n".join(lines).encode()))])
    assert time.monotonic() - start < regexes.SLOW_LIMIT * regexes.BUDGET + 3.0
    assert report.summary.unanalysed_lines == 1000
    # A new analysis tries the pattern again.
    assert analyze([("b.log", io.BytesIO(lines[0].encode()))]).summary.unanalysed_lines == 1
