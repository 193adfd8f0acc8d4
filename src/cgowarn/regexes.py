"""Every regular expression that cgowarn matches untrusted text with: one registry, one time budget.

A log line, a file name in a binary or an API answer is untrusted, and a regular expression can
take time exponential (or quadratic) in the text it is matched against. Two defences:

- every pattern is written to be linear (possessive repeats and atomic groups where two repeats
  could share characters, bounded repeats elsewhere), and tests/test_linear_time.py pumps each
  registered pattern's own repeated parts to prove it;
- every match runs under BUDGET (the `regex` module's `timeout=`): a pattern nobody foresaw costs
  one skipped line, counted and said in the report (TooSlow), never a hang. A pattern that runs
  out of time SLOW_LIMIT times in one analysis is not tried again in it: its lines are skipped at
  once, so no number of hostile lines adds up to more than a few seconds.

The exception is an alternation of escaped literals (`literal=True`, the parser's needle
filters): it has no repeat, so no input can make it backtrack further than its longest literal,
and it runs on the standard library's `re`, several times faster than `regex` with a timeout.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import regex

BUDGET = 0.1
"""Seconds one match may take: a real log line matches in microseconds."""
SLOW_LIMIT = 4
"""Time-outs of one pattern in one analysis before it is no longer tried."""

REGISTRY: dict[str, Regex] = {}
"""Every pattern by name: tests/test_linear_time.py checks each of them."""


class TooSlow(Exception):
    """A match ran out of its time budget (or its pattern is switched off for this analysis)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"matching {name} took longer than {BUDGET} s")
        self.name = name


class Regex:
    """A compiled pattern whose every match runs under BUDGET. Compiled on first use: most runs
    need few of the knowledge base's patterns."""

    __slots__ = ("_compiled", "anchored", "flags", "literal", "name", "slow", "source")

    def __init__(
        self,
        name: str,
        source: str | bytes,
        flags: int = 0,
        *,
        literal: bool = False,
        anchored: bool = False,
        register: bool = True,
    ) -> None:
        self.name = name
        self.source = source
        self.flags = flags
        self.literal = literal
        self.anchored = anchored
        """Only ever tried at one position (match, fullmatch): the linearity test tries it so."""
        self.slow = 0
        self._compiled: Any = None
        if register:
            REGISTRY[name] = self

    @property
    def compiled(self) -> Any:
        """The compiled pattern (the standard library's for a literal alternation)."""
        if self._compiled is None:
            self._compiled = (re if self.literal else regex).compile(self.source, self.flags)
        return self._compiled

    @property
    def pattern(self) -> str | bytes:
        return self.source

    def _run(self, method: Callable[..., Any], *args: Any) -> Any:
        if self.literal:
            return method(*args)
        if self.slow >= SLOW_LIMIT:
            raise TooSlow(self.name)
        try:
            return method(*args, timeout=BUDGET)
        except TimeoutError:
            self.slow += 1
            raise TooSlow(self.name) from None

    def search(self, text: Any, pos: int = 0, endpos: int | None = None) -> Any:
        assert not self.anchored, f"{self.name} is tested for match() only"
        c = self.compiled
        if endpos is None:
            return self._run(c.search, text, pos)
        return self._run(c.search, text, pos, endpos)

    def match(self, text: Any, pos: int = 0) -> Any:
        return self._run(self.compiled.match, text, pos)

    def fullmatch(self, text: Any) -> Any:
        return self._run(self.compiled.fullmatch, text)

    def sub(self, repl: Any, text: Any) -> Any:
        return self._run(self.compiled.sub, repl, text)

    def split(self, text: Any) -> list[Any]:
        return list(self._run(self.compiled.split, text))

    def findall(self, text: Any) -> list[Any]:
        return list(self._run(self.compiled.findall, text))

    def finditer(self, text: Any, pos: int = 0) -> Iterator[Any]:
        if self.literal:
            return iter(self.compiled.finditer(text, pos))
        return iter(self._run(lambda *a, **k: list(self.compiled.finditer(*a, **k)), text, pos))

    def __repr__(self) -> str:
        return f"Regex({self.name!r}, {self.source!r})"


def compile(name: str, source: str | bytes, flags: int = 0, *, anchored: bool = False) -> Regex:
    """A registered pattern called `name` (module.PURPOSE). `anchored`: it is only ever used with
    match or fullmatch, at one position of a text."""
    return Regex(name, source, flags, anchored=anchored)


def literals(
    name: str,
    needles: Iterable[str] | Iterable[bytes],
    *,
    longest_first: bool = False,
    register: bool = True,
) -> Regex:
    """One alternation of literal strings (or bytes): a single C-level scan instead of a Python
    loop. `longest_first`: where two needles start at the same place, the longer one matches (for
    replacing them); else they are sorted. `register`: kept in REGISTRY (not for a set made at run
    time from a secret)."""
    items: list[Any] = list(dict.fromkeys(needles))
    items.sort(key=lambda n: (-len(n), n) if longest_first else (0, n))
    source: str | bytes
    if items and isinstance(items[0], bytes):
        source = b"|".join(re.escape(n) for n in items) or b"(?!)"
    else:
        source = "|".join(re.escape(n) for n in items) or "(?!)"
    return Regex(name, source, literal=True, register=register)


def reset() -> None:
    """A new analysis: every pattern may run out of time SLOW_LIMIT times again."""
    for pattern in REGISTRY.values():
        pattern.slow = 0
