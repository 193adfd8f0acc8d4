"""The Markdown report read the way GitHub reads a PR comment or a job summary: text from a log
never becomes a link, an image, a mention, an issue reference, raw HTML, emphasis, a task, a
footnote or math; it is shown literally, in code spans and fenced blocks.

The parser is markdown-it-py with mdit-py-plugins' GFM plugin (tables, strikethrough, task lists,
alerts, footnotes, GitHub's extended autolinks, dollar math) and linkify-it-py, which also links
bare domains and so is stricter than GitHub. GitHub finds mentions and issue references in the
rendered text, after Markdown, escapes or not: they are searched for in the text tokens."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
import regex
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.gfm import gfm_plugin

from cgowarn.formats import OutputFormat
from cgowarn.pipeline import analyze
from cgowarn.render import markdown as markdown_renderer
from cgowarn.render import render
from cgowarn.render.safety import visible
from cgowarn.render.templating import md_cell, md_text
from conftest import SAMPLE_LIST, Sample, analyze_text
from hostile_logs import PHRASES, TOKENS, hostile_binary, hostile_log

HOSTILE_NAME = "build<script>window.pwned=13</script>@octocat#14.log"

# What GitHub links in rendered text: mentions of users and teams, issues and pull requests, URLs
# and e-mail addresses (https://docs.github.com/en/get-started/writing-on-github/
# working-with-advanced-formatting/autolinked-references-and-urls).
GITHUB_REFERENCE = regex.compile(
    r"(?<![\w`])@[A-Za-z0-9]|(?<![\w&])#\d|\bGH-\d|[\w.-]/[\w.-]+#\d|://|\bwww\.|\w@\w", regex.I
)
# In a link, what only a log can have put there.
HOSTILE_MARK = regex.compile(r"evil|127\.0\.0\.1|pwned|octocat|javascript|mailto", regex.I)
OWN_HTML_BLOCK = regex.compile(r"<details>\n<summary>[\w ()]+</summary>|</details>")
OWN_HTML_INLINE = frozenset({"<sub>", "</sub>", "<br>"})
NEVER = frozenset(
    {
        "image",
        "s_open",
        "em_open",
        "footnote_ref",
        "footnote_block_open",
        "math_inline",
        "math_inline_double",
        "math_block",
        "alert_open",
    }
)


@cache
def gfm() -> MarkdownIt:
    return MarkdownIt("commonmark", {"linkify": True}).use(gfm_plugin, dollarmath=True)


def tokens(markdown: str) -> Iterator[Token]:
    """Every token, inline children in place of their parent."""
    for token in gfm().parse(markdown):
        yield token
        yield from token.children or ()


def problems(markdown: str) -> list[str]:
    """Whatever in `markdown` GitHub would show as more than text or code, beyond the report's own
    markup."""
    found: list[str] = []
    details = 0
    in_link = in_strong = False
    for t in tokens(markdown):
        kind = t.type
        if kind in NEVER:
            found.append(f"{kind}: {t.content or t.markup!r}")
        elif kind == "html_block":
            block = t.content.strip()
            if not OWN_HTML_BLOCK.fullmatch(block):
                found.append(f"raw HTML block: {block!r}")
            details += 1 if block.startswith("<details>") else -1
            if details not in (0, 1):
                found.append("<details> not balanced")
        elif kind == "html_inline" and t.content not in OWN_HTML_INLINE:
            found.append(f"raw HTML: {t.content!r}")
        elif kind == "list_item_open" and "task" in str(t.attrs.get("class", "")):
            found.append("task list item")
        elif kind == "link_open":
            in_link = True
            href = str(t.attrs.get("href", ""))
            if HOSTILE_MARK.search(href):
                found.append(f"link to {href!r}")
        elif kind == "link_close":
            in_link = False
        elif kind == "strong_open":
            in_strong = True
        elif kind == "strong_close":
            in_strong = False
        elif kind == "text":
            if in_link and HOSTILE_MARK.search(t.content):
                found.append(f"link text {t.content!r}")
            if not in_link and (m := GITHUB_REFERENCE.search(t.content)):
                found.append(f"GitHub reference {m.group()!r} in {t.content!r}")
            if in_strong and "bold" in t.content:
                found.append(f"bold log text {t.content!r}")
    if details:
        found.append("<details> left open")
    return found


def code_text(markdown: str) -> str:
    """The text of every code span and code block, one per line."""
    return "\n".join(
        t.content for t in tokens(markdown) if t.type in ("code_inline", "fence", "code_block")
    )


@pytest.fixture(scope="module")
def hostile_markdown() -> Iterator[str]:
    """The whole report: the hostile log is long enough that the default size limit would leave
    out the details where most of its text appears (the shortened report is checked below)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(markdown_renderer, "MAX_CHARS", 10**9)
        text = render(analyze_text(hostile_log(), name=HOSTILE_NAME), OutputFormat.MARKDOWN)
    assert len(text) > markdown_renderer.MAX_CHARS
    yield text


def test_the_shortened_hostile_report_is_never_markup_either() -> None:
    text = render(analyze_text(hostile_log(), name=HOSTILE_NAME), OutputFormat.MARKDOWN)
    assert len(text) <= markdown_renderer.MAX_CHARS
    assert "This report was shortened to fit a GitHub comment" in text
    assert problems(text) == []


def test_the_hostile_log_reaches_every_position() -> None:
    """The payloads are read as symbols, objects, functions, files and messages: the other tests
    here check something."""
    report = analyze_text(hostile_log(), name=HOSTILE_NAME)
    doc = json.dumps(report.model_dump(mode="json"), ensure_ascii=False)
    symbols = {f.symbol for f in report.findings}
    assert {t for t in TOKENS} <= symbols
    for payload in TOKENS + PHRASES:
        occurrence = json.dumps(payload, ensure_ascii=False)[1:-1]
        assert occurrence in doc, payload
    assert {"dso_missing", "cannot_find_library", "undefined_reference", "lld_error"} <= {
        d.kind for d in report.diagnostics
    }


def test_log_text_in_markdown_is_never_markup(hostile_markdown: str) -> None:
    assert problems(hostile_markdown) == []


def test_log_text_in_markdown_is_shown_literally_in_code(hostile_markdown: str) -> None:
    code = code_text(hostile_markdown)
    for payload in TOKENS + PHRASES:
        assert visible(payload) in code, payload


def tables(markdown: str) -> list[tuple[list[str], list[list[list[Token]]]]]:
    """Every table: its header texts and its rows, each cell as its inline tokens."""
    found: list[tuple[list[str], list[list[list[Token]]]]] = []
    for t in tokens(markdown):
        if t.type == "table_open":
            found.append(([], []))
        elif t.type == "tr_open" and found[-1][0]:
            found[-1][1].append([])
        elif t.type == "inline" and found and t.level >= 4:  # th or td > tr > thead/tbody > table
            if found[-1][1]:
                found[-1][1][-1].append(list(t.children or ()))
            else:
                found[-1][0].append(t.content)
    return found


def test_table_cells_hold_what_their_header_says(hostile_markdown: str) -> None:
    """A pipe from the log never splits a cell (GitHub then drops the cells beyond the header's,
    so counting cells proves nothing): a function is a code span in its column, a count is a number
    in its, the log line is the last cell."""
    symbols = {visible(f.symbol) for f in analyze_text(hostile_log(), name=HOSTILE_NAME).findings}
    seen: set[str] = set()
    rows = 0
    for header, body in tables(hostile_markdown):
        for cells in body:
            rows += 1
            row = dict(zip(header, cells, strict=True))
            if "Lines" in row:
                (code,) = row["Function"]
                assert code.type == "code_inline" and code.content in symbols, code.content
                seen.add(code.content)
                assert "".join(t.content for t in row["Lines"]).isdigit()
            if "Log line" in row:
                (code,) = row["Log line"]
                assert code.type == "code_inline"
                assert regex.fullmatch(rf"{regex.escape(visible(HOSTILE_NAME))}:\d+", code.content)
    assert seen == symbols
    assert rows > 100


def test_binary_paths_in_markdown(tmp_path: Path) -> None:
    paths = [str(hostile_binary(tmp_path, token)) for token in TOKENS]
    report = analyze([], binaries=paths, targets=["centos7"])
    markdown = render(report, OutputFormat.MARKDOWN)
    assert problems(markdown) == []
    code = code_text(markdown)
    for path in paths:
        assert visible(path) in code


@pytest.mark.parametrize("sample", SAMPLE_LIST, ids=lambda s: s.id)
def test_reports_of_real_logs_hold_only_their_own_markup(sample: Sample) -> None:
    """The checks above flag nothing in the report of a real log: they hold the report's own
    markup to the same rules, and pass it."""
    markdown = render(analyze_text(sample.path.read_text(errors="replace")), OutputFormat.MARKDOWN)
    assert problems(markdown) == []


# --- the escaping filters, on their own ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "@octocat",
        "cc @github/security please",
        "fixes #123",
        "see GH-45 and octo/repo#67",
        "https://evil.example/x and www.evil.example",
        "mail a@evil.example",
        "C library libx+GH-45+y",
        "$x^2$ and $$y$$",
    ],
)
def test_md_text_keeps_github_references_in_code(text: str) -> None:
    for markdown in (md_text(text), "| a |\n|---|\n| " + md_cell(text) + " |\n"):
        assert problems(markdown) == [], markdown
        body = list(tokens(markdown))
        if "tbody_open" in [t.type for t in body]:
            body = body[[t.type for t in body].index("tbody_open") :]
        shown = "".join(t.content for t in body if t.type in ("text", "code_inline"))
        assert shown == text
