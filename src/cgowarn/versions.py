"""Dotted release numbers (glibc 2.36, kernel 3.2.0, Go 1.24): parsing, comparing, wording."""

from __future__ import annotations

from cgowarn import regexes

_VERSION = regexes.compile("versions.VERSION", r"^\d+(?:\.\d+){0,3}$", anchored=True)


def is_version(text: str) -> bool:
    """Whether `text` is a dotted release number such as 2.6.32."""
    return _VERSION.match(text) is not None


def version_tuple(text: str) -> tuple[int, ...]:
    """`2.6.32` -> (2, 6, 32); compares numerically, so 2.36 > 2.4 and 3.2.0 == 3.2."""
    parts = [int(part) for part in text.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def describe_range(lo: str | None, hi: str | None) -> str:
    """`between 2.23 and 2.33`, `2.23 or newer`, `2.17 or older`, or `2.36` when both are equal."""
    if lo and hi:
        return lo if version_tuple(lo) == version_tuple(hi) else f"between {lo} and {hi}"
    if lo:
        return f"{lo} or newer"
    return f"{hi} or older"
