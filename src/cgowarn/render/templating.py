"""The jinja2 environment shared by the Markdown and HTML renderers, and the escaping filters.

Every string that came from a log is untrusted: in Markdown it is shown inside code spans or fenced
blocks whose fences are longer than any backtick run in it, or as text with every markup character
escaped and every word GitHub would link (a mention, an issue, an address) in a code span; in HTML
jinja2's autoescaping is on, and the page's Content-Security-Policy allows no script and no fetch.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache

import jinja2
import regex
from markupsafe import Markup, escape

from cgowarn import regexes
from cgowarn.render.safety import longest_backticks, md_code, md_escape
from cgowarn.resources import data_dir

# What GitHub links in the text of a rendered comment or summary, after Markdown and whatever it
# escaped: mentions (@user, @org/team), issues and pull requests (#12, GH-12, owner/repo#12),
# addresses (https://..., www....) and e-mail addresses. A word that holds one is shown in code.
_GITHUB_LINKED = regexes.compile(
    "render.templating.GITHUB_LINKED", r"@|#\d|gh-\d|://|www\.", regex.IGNORECASE
)
_WORDS = regexes.compile("render.templating.WORDS", r"(\s+)")


def md_cell_code(text: object) -> str:
    return md_code(text, in_table=True)


def md_fence(lines: object, info: str = "text") -> str:
    """A fenced code block holding `lines` literally."""
    body = "\n".join(str(x) for x in lines) if isinstance(lines, list | tuple) else str(lines)
    fence = "`" * max(3, longest_backticks(body) + 1)
    return f"{fence}{info}\n{body}\n{fence}"


def md_text(text: object, in_table: bool = False) -> str:
    """Plain text on one line, with every Markdown and HTML special character escaped and every
    word that GitHub would turn into a mention, a reference or a link in a code span."""
    s = " ".join(str(text).splitlines())
    if not _GITHUB_LINKED.search(s):
        return md_escape(s)
    return "".join(
        md_code(word, in_table) if _GITHUB_LINKED.search(word) else md_escape(word)
        for word in _WORDS.split(s)
    )


def md_cell(text: object) -> str:
    return md_text(text, in_table=True)


def sha256_base64(text: object) -> str:
    """The base64 SHA-256 of `text` in UTF-8: a Content-Security-Policy `'sha256-...'` source
    allows exactly the inline style whose content this is."""
    return base64.b64encode(hashlib.sha256(str(text).encode("utf-8")).digest()).decode("ascii")


def _load(name: str) -> str:
    return str(data_dir("templates").joinpath(name).read_text(encoding="utf-8"))


_BREAK_AFTER = frozenset("/_.:,=")
"""Where a long path or name may break across lines in HTML: after these characters."""


def breakable(text: object) -> Markup:
    """`text` escaped, with a <wbr> after each path separator and punctuation mark, so that a
    narrow column breaks a path at `/` or a name at `_`, never inside a word."""
    pieces, piece = [], ""
    for ch in str(text):
        piece += ch
        if ch in _BREAK_AFTER:
            pieces.append(piece)
            piece = ""
    return Markup("<wbr>").join(escape(p) for p in [*pieces, piece])


_BACKTICKED = regexes.compile("render.templating.backticked", r"`([^`\n]+)`")


def inline_code(text: object) -> Markup:
    """Prose escaped, each `backticked` span in it as <code> (the knowledge base writes
    commands and file names that way): the span's text is escaped like the rest."""
    return Markup(_BACKTICKED.sub(r"<code>\1</code>", str(escape(str(text)))))


def command_html(cmd: object) -> Markup:
    """A shell command for a <pre>: each run of characters between spaces kept whole on its
    line, so that a narrow page wraps the command at its spaces, never after the `-` of
    `-linkmode` or inside a path (a word longer than the line scrolls). The spans add no
    character: copied, it is the same text."""
    return Markup(" ").join(
        Markup('<span class="word">{}</span>').format(word) for word in str(cmd).split(" ")
    )


@cache
def environment(autoescape: bool) -> jinja2.Environment:
    # No bytecode cache: compiled templates are code, and code is never read back from a file.
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(_load),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        md_code=md_code,
        md_cell_code=md_cell_code,
        md_fence=md_fence,
        md_text=md_text,
        md_cell=md_cell,
        sha256_base64=sha256_base64,
        breakable=breakable,
        command_html=command_html,
        inline_code=inline_code,
    )
    return env
