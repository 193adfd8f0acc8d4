"""What a log or a binary says is shown as it is, never as what it pretends to be.

Control characters, bidirectional overrides and isolates, zero-width characters and line
separators are replaced by a visible `<U+XXXX>`: a symbol `aaa_<U+202E>gnp.exe` must not display
as `aaa_exe.png`, and no escape sequence may reach a terminal. The view (view.py) passes every
string through `visible` before any format lays it out.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from typing import TypeVar

from cgowarn import regexes

T = TypeVar("T")

# Every character that hides text or changes its direction, by its Unicode properties: the controls
# but tab (C0, DEL, C1); the default-ignorable code points, which display as nothing (zero-width
# space and joiners, soft hyphen, word joiner, BOM, variation selectors, Hangul fillers, the tag
# characters that can spell hidden text); the bidi controls (embeddings, overrides, isolates,
# marks); the line and paragraph separators; and what no XML document may hold at all: lone
# surrogates (a file name that is not UTF-8 carries them) and the noncharacters.
_HIDING = r"\p{Default_Ignorable_Code_Point}\p{Bidi_Control}\p{Zl}\p{Zp}\p{Noncharacter_Code_Point}"
_INVISIBLE = regexes.compile("render.safety.INVISIBLE", rf"(?!\t)[\p{{Cc}}\p{{Cs}}{_HIDING}]")


# Characters that can start Markdown or HTML markup in the middle of a line. Values are never put at
# the start of a line, so line-start markers (#, -, +, 1.) need no escape.
_MD_SPECIAL = regexes.compile("render.safety.MD_SPECIAL", r"([\\`*_\[\]<>&|~!$])")


_BACKTICKS = regexes.compile("render.safety.BACKTICKS", r"`+")


def longest_backticks(text: str) -> int:
    """The longest run of backticks in `text`."""
    return max((len(m) for m in _BACKTICKS.findall(text)), default=0)


def md_code(text: object, in_table: bool = False) -> str:
    """A Markdown code span holding `text` literally: fenced by more backticks than any run in
    it, and padded when it starts or ends with one (CommonMark's rule)."""
    s = " ".join(str(text).splitlines())
    fence = "`" * (longest_backticks(s) + 1)
    if s.startswith("`") or s.endswith("`") or not s.strip():
        s = f" {s} "
    if in_table:
        s = s.replace("|", "\\|")
    return f"{fence}{s}{fence}"


def md_escape(text: str) -> str:
    """`text` with every Markdown and HTML special character escaped with a backslash."""
    return str(_MD_SPECIAL.sub(r"\\\1", text))


def visible(text: str, keep: str = "") -> str:
    """`text` with every invisible or direction-changing character written as `<U+XXXX>`;
    `keep`: characters left as they are (the line ends of a whole document)."""
    if keep:
        return str(
            _INVISIBLE.sub(
                lambda m: m.group() if m.group() in keep else f"<U+{ord(m.group()):04X}>", text
            )
        )
    return str(_INVISIBLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text))


# GitHub Actions reads every line a step prints to standard output and runs it as a workflow
# command when it starts, after leading blanks, with `::` (`::add-mask::`, `::stop-commands::`),
# and also the older `##[command]` form anywhere in a line (actions/runner, ActionCommand.cs).
_WORKFLOW_COMMAND = regexes.compile(
    "render.safety.WORKFLOW_COMMAND", r"(?m)^([ \t]*+):(?=:)|##(?=\[)"
)


def inert_workflow_commands(text: str) -> str:
    """`text` (a whole report) with no line that a CI runner would take for a command: the first
    `:` of a leading `::` and the second `#` of `##[` are written as `<U+003A>` and `<U+0023>`,
    as other characters that must not act are."""
    if "::" not in text and "##[" not in text:
        return text
    return str(
        _WORKFLOW_COMMAND.sub(
            lambda m: f"{m.group(1)}<U+003A>" if m.group(1) is not None else "#<U+0023>", text
        )
    )


# The JSON serializer escapes C0 controls itself; the newlines between its tokens stay.
_INVISIBLE_IN_JSON = regexes.compile("render.safety.INVISIBLE_IN_JSON", rf"[\x7f-\x9f{_HIDING}]")


def json_escape_invisible(text: str) -> str:
    """JSON text with those characters written as \\uXXXX escapes: the same values, but nothing
    that changes how a terminal or an editor shows the document. Outside strings JSON holds none
    of them, so every replacement is inside a string, where the escape is valid."""
    return str(_INVISIBLE_IN_JSON.sub(lambda m: _json_escape(m.group()), text))


def _json_escape(ch: str) -> str:
    """`ch` as JSON's \\uXXXX escape: one beyond U+FFFF as its UTF-16 surrogate pair."""
    code = ord(ch)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


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
