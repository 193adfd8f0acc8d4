"""What a log or a binary says is shown as it is, never as what it pretends to be.

Control characters, bidirectional overrides and isolates, zero-width characters and line
separators are replaced by a visible `<U+XXXX>`: a symbol `aaa_<U+202E>gnp.exe` must not display
as `aaa_exe.png`, and no escape sequence may reach a terminal. The view (view.py) passes every
string through `visible` before any format lays it out.
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass, replace
from typing import TypeVar

T = TypeVar("T")

# C0 controls but tab, DEL, C1 controls; the bidi embeddings, overrides, isolates and marks; the
# zero-width space, joiners, word joiner and BOM; the line and paragraph separators.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def visible(text: str) -> str:
    """`text` with every invisible or direction-changing character written as `<U+XXXX>`."""
    return _INVISIBLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


# The JSON serializer escapes C0 controls itself; the newlines between its tokens stay.
_INVISIBLE_IN_JSON = re.compile(
    "[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def json_escape_invisible(text: str) -> str:
    """JSON text with those characters written as \\uXXXX escapes: the same values, but nothing
    that changes how a terminal or an editor shows the document. Outside strings JSON holds none
    of them, so every replacement is inside a string, where the escape is valid."""
    return _INVISIBLE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def visible_fields(value: T) -> T:
    """`value` (a view dataclass, a tuple, a string) with `visible` applied to every string in it."""
    if isinstance(value, str):
        return visible(value)  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(visible_fields(v) for v in value)  # type: ignore[return-value]
    if is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: visible_fields(getattr(value, f.name)) for f in fields(value)}
        return replace(value, **changes)
    return value
