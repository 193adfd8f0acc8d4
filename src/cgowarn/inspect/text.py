"""The one guard for text that comes from inside a binary: section names, warning texts, the
interpreter, NEEDED names, Go build information. An ELF file is untrusted input, and what it holds
must not drive a terminal, reorder a line or hide characters in a report.

The same cleaning as a log line (parse/wrappers.py `clean_line`) without its CI-prefix removal,
which would eat parts of a name: escape sequences (7-bit ESC and 8-bit CSI/OSC) and other control
characters (C0, DEL, C1 U+0080-U+009F) are removed, line and tab controls become one space;
characters that reorder or hide text (bidi embeddings, overrides and isolates, zero-width
characters, line and paragraph separators, the byte-order mark) are replaced by visible `<U+202E>`
text; and the result is capped at MAX_TEXT characters, the last of them an ellipsis.
"""

from __future__ import annotations

from cgowarn import regexes
from cgowarn.render.safety import visible

MAX_TEXT = 256
"""Characters kept of one string from a binary; a longer one ends in an ellipsis."""
ELLIPSIS = "…"

# ESC sequences (CSI, OSC up to BEL or ST, and two-byte ones) and their 8-bit C1 forms.
_ESCAPES = regexes.compile(
    "inspect.text.ESCAPES",
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|[@-Z\\-_])?"
    r"|\x9b[0-?]*[ -/]*[@-~]|\x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?",
)
_SPACES = regexes.compile("inspect.text.SPACES", r"[\t\n\v\f\r]+")
_CONTROLS = regexes.compile("inspect.text.CONTROLS", r"[\x00-\x1f\x7f-\x9f]")


def clean_text(text: str, limit: int = MAX_TEXT) -> str:
    """`text` from a binary, safe to store and render: see the module docstring."""
    # Cut first, so that the work is bounded whatever the input; the escapes and controls removed
    # below cannot shrink 4x the cap to less than the cap in any real text.
    if len(text) > 4 * limit:
        text = text[: 4 * limit]
    if not text.isprintable():
        text = _ESCAPES.sub("", text)
        text = _SPACES.sub(" ", text)
        text = _CONTROLS.sub("", text)
        text = visible(text)  # what is left that reorders or hides text
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS
