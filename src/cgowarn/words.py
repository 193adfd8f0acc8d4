"""Small pieces of English that every output uses: counted nouns, short lists, cut texts."""

from __future__ import annotations

from collections.abc import Iterable

ELLIPSIS = "…"


def counted(n: int, word: str, plural: str | None = None) -> str:
    """`1 finding`, `3 findings` (`plural` when it is not `word` + s)."""
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def first_few(names: Iterable[str], shown: int = 3) -> str:
    """The first `shown` distinct names, comma-separated, with `…` when there are more."""
    items = list(dict.fromkeys(names))
    return ", ".join(items[:shown]) + (", " + ELLIPSIS if len(items) > shown else "")


def cut(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, the cut marked with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS
