"""Bounded memos, owned by the knowledge base that their values depend on.

A log repeats the same lines and the same evidence thousands of times, so the parser and the
knowledge stage remember what they worked out. Every such memo is a BoundedMemo (emptied when it
reaches its limit, so memory stays flat whatever the log), created through the Memos of the
knowledge base whose data decided its values: one place that owns them and clears them together.
They are never written to the user cache, which holds only the validated files.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")

DEFAULT_LIMIT = 4096
"""Entries a memo keeps before it is emptied: enough for the distinct lines of any real build."""
DEFAULT_CHARS = 2 << 20
"""Characters of text a memo's entries may hold together (as their `size` says): a log of long
lines fills it long before DEFAULT_LIMIT entries, and memory stays flat."""


class BoundedMemo(dict[K, V]):
    """A dict that empties itself instead of growing past `limit` entries or `chars` characters
    of text."""

    def __init__(self, limit: int = DEFAULT_LIMIT, chars: int = DEFAULT_CHARS) -> None:
        super().__init__()
        self.limit = limit
        self.chars = chars
        self.used = 0

    def put(self, key: K, value: V, size: int = 0) -> V:
        """Remember `value` under `key` (emptying the memo first when it is full); return it.
        `size`: the characters of text the entry holds."""
        if len(self) >= self.limit or self.used + size > self.chars:
            self.clear()
            self.used = 0
        self[key] = value
        self.used += size
        return value


class Memos:
    """The memos and lazily built values of one knowledge base: all derived, rebuilt on demand."""

    def __init__(self) -> None:
        self._memos: dict[str, BoundedMemo[Any, Any]] = {}
        self._values: dict[str, Any] = {}

    def bounded(self, name: str, limit: int = DEFAULT_LIMIT) -> BoundedMemo[Any, Any]:
        """The memo called `name`, created on first use."""
        memo = self._memos.get(name)
        if memo is None:
            memo = self._memos[name] = BoundedMemo(limit)
        return memo

    def value(self, name: str, build: Callable[[], T]) -> T:
        """The value called `name`, built once by `build()` (e.g. a compiled scanner database)."""
        if name not in self._values:
            self._values[name] = build()
        return cast(T, self._values[name])

    def clear(self) -> None:
        """Forget everything (tests that change the knowledge base use it)."""
        self._memos.clear()
        self._values.clear()
