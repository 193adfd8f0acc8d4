"""Renderers: the registry is complete, output is deterministic, log text is escaped, JSON matches
its schema, HTML is self-contained."""

from __future__ import annotations

import base64
import hashlib
import json
import random
from pathlib import Path

import jsonschema
import pytest
import regex

from cgowarn.formats import OutputFormat
from cgowarn.render import RENDERERS, RenderOptions, render, renderer
from conftest import analyze_text

ROOT = Path(__file__).resolve().parents[1]
MSG = "Using '{}' in statically linked applications requires at runtime the shared libraries from the glibc version used for linking"

# A hand-made hostile log: markup, table pipes, backticks and a mention in every field cgowarn shows.
HOSTILE = (
    "# example.com/<script>alert(1)</script>\n"
    "/usr/bin/ld: /tmp/<img src=x onerror=alert(1)>|x``y.o: in function `f<b>|`@here':\n"
    f"/src/</details><script>x</script>|```.c:7: warning: {MSG.format('getpwnam')}\n"
    "a.c:(.text+0x1): warning: the use of `<i>mktemp</i>' is dangerous, better use `mkstemp'\n"
    "/usr/bin/ld: cannot find -l<script>evil</script>: No such file or directory\n"
)


def test_every_format_has_exactly_one_renderer() -> None:
    assert set(RENDERERS) == set(OutputFormat)
    assert len(set(RENDERERS.values())) == len(RENDERERS)
    for fmt in OutputFormat:
        assert callable(renderer(fmt))


def test_json_and_text_do_not_load_jinja2() -> None:
    import subprocess
    import sys

    seed = ROOT / "sample_logs" / "seed-article-go-sqlite3-centos.log"
    for fmt, loads in (("json", False), ("text", False), ("markdown", True)):
        code = (
            "import sys; from cgowarn.cli import main\n"
            f"try: main(['--format', '{fmt}', '--fail-on', 'never', '{seed}'])\n"
            "except SystemExit: pass\n"
            "sys.stderr.write(str('jinja2' in sys.modules))"
        )
        proc = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert proc.stderr == str(loads), fmt


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_same_input_same_bytes(fmt: OutputFormat) -> None:
    log = (ROOT / "sample_logs" / "excerpts" / "old_ld_go_sqlite3_457.log").read_text()
    assert render(analyze_text(log), fmt) == render(analyze_text(log), fmt)


def test_html_escapes_log_text_and_is_self_contained() -> None:
    html = render(analyze_text(HOSTILE), OutputFormat.HTML)
    assert "<script" not in html.lower()
    assert "<img" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;" in html
    assert "</details><script>" not in html
    assert not regex.search(r"<(?:img|script|link|iframe|object|embed)\b", html, flags=regex.I)
    assert not regex.search(r"<\w+[^>]*\s(?:src|srcset)=", html)
    for external in ("@import", "url("):
        assert external not in html
    assert '<meta name="viewport"' in html and "@media print" in html
    # One policy, first in the head: no script, no request, only the page's own style sheet.
    (policy,) = regex.findall(r'<meta http-equiv="([^"]*)" content="([^"]*)">', html)
    assert policy[0] == "Content-Security-Policy"
    assert html.index("Content-Security-Policy") < html.index("<title>")
    directives = dict(d.strip().split(" ", 1) for d in policy[1].split(";"))
    assert directives.pop("default-src") == "'none'"
    assert directives.pop("base-uri") == directives.pop("form-action") == "'none'"
    (style,) = regex.findall(r"<style>(.*?)</style>", html, flags=regex.S)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert directives == {"style-src": f"'sha256-{digest}'"}


def _outside_code(md: str) -> str:
    """The Markdown with fenced blocks and code spans removed: what GitHub would interpret."""
    md = regex.sub(r"(?ms)^(\s*)(`{3,})[^\n]*\n.*?^\1\2\s*$", "", md)
    return str(regex.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", md))


def test_markdown_keeps_log_text_in_code() -> None:
    md = render(analyze_text(HOSTILE), OutputFormat.MARKDOWN)
    free = _outside_code(md)
    for bad in ("<script", "<img", "</details><script", "@here", "<b>", "<i>"):
        assert bad not in free, bad
    # Every table row keeps its column count: pipes from the log are escaped inside cells.
    for table_line in (line for line in md.splitlines() if line.startswith("| ")):
        cells = regex.split(r"(?<!\\)\|", table_line)
        header = next(
            line
            for line in md.splitlines()
            if line.startswith("| ")
            and line.count("|") == table_line.count("|") - table_line.count("\\|")
        )
        assert len(cells) == len(regex.split(r"(?<!\\)\|", header))
    # <details> blocks stay balanced.
    assert free.count("<details>") == free.count("</details>") == 2


def test_text_never_prints_terminal_escapes_from_the_log() -> None:
    log = f"/usr/bin/ld: a\x1b]0;pwned\x07.o: in function `f\x1b[2J':\na.c:(.text+0x1): warning: {MSG.format('getpwnam')}\n"
    out = render(analyze_text(log), OutputFormat.TEXT, RenderOptions(color=False))
    assert "\x1b" not in out


def test_json_validates_against_committed_schema() -> None:
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text())
    for log in (HOSTILE, "", (ROOT / "sample_logs" / "excerpts" / "gold_aria2_71.log").read_text()):
        doc = json.loads(render(analyze_text(log), OutputFormat.JSON))
        jsonschema.validate(doc, schema)


def test_json_contract_field_names() -> None:
    doc = json.loads(render(analyze_text(HOSTILE), OutputFormat.JSON))
    assert doc["format_version"] == "1.0"
    assert {"findings", "diagnostics", "links", "recommendations"} <= set(doc)
    finding = doc["findings"][0]
    assert {"symbol", "count", "category", "severity", "occurrences"} <= set(finding)
    assert {"object", "function", "file", "line"} <= set(finding["occurrences"][0])
    assert {"kind", "severity", "message"} <= set(doc["diagnostics"][0])


# --- escaping, tested on its own ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["plain", "a`b", "``x``", "`start", "end`", "a|b", "<script>x</script>", "line\nbreak", " "],
)
def test_md_code_holds_any_text_literally(text: str) -> None:
    from cgowarn.render.safety import md_code

    span = md_code(text)
    fence = regex.match(r"`+", span).group()
    assert span.endswith(fence)
    inner = span[len(fence) : -len(fence)]
    assert "`" * len(fence) not in inner  # no backtick run as long as the fence inside
    assert inner.strip() == " ".join(text.splitlines()).strip()
    assert "\n" not in span


def test_md_cell_code_escapes_pipes_and_md_text_escapes_markup() -> None:
    from cgowarn.render.templating import md_cell_code, md_text

    assert "\\|" in md_cell_code("a|b") and "|b" not in md_cell_code("a|b").replace("\\|", "")
    escaped = md_text("<b>*x*</b> [l](u) `c` @here & _u_ ~s~ !i")
    for ch in "<>*[]`&_~!":
        assert f"\\{ch}" in escaped, ch
    assert md_text("a\nb") == "a b"


def test_md_fence_is_longer_than_any_backtick_run() -> None:
    from cgowarn.render.templating import md_fence

    block = md_fence(["```", "````x"])
    assert block.startswith("`````text\n") and block.endswith("\n`````")


def _hostile_binary(tmp_path: Path) -> Path:
    """A real ELF file (this Python interpreter) under a name full of markup and terminal escapes."""
    import shutil
    import sys

    # The directory separator closes the tag: .../alert(1)</script>|`x`...
    directory = tmp_path / "app\x1b]52;c;aGk=\x07<script>alert(1)<"
    directory.mkdir()
    path = directory / "script>|`x`\x1b[2J"
    shutil.copy(sys.executable, path)
    return path


def test_text_guards_binary_text_too(tmp_path: Path) -> None:
    """Text from a binary (its path, what it could not read) passes the same terminal guard as
    log lines."""
    from cgowarn.pipeline import analyze

    report = analyze([], binaries=[str(_hostile_binary(tmp_path))])
    out = render(report, OutputFormat.TEXT, RenderOptions(color=False))
    assert "\x1b" not in out and "\x07" not in out
    assert "app<U+001B>]52;c;aGk=<U+0007><script>" in out


def test_html_and_markdown_escape_binary_paths(tmp_path: Path) -> None:
    from cgowarn.pipeline import analyze

    report = analyze([], binaries=[str(_hostile_binary(tmp_path))])
    html = render(report, OutputFormat.HTML)
    assert "<script>alert(1)</script>" not in html.replace("<wbr>", "")
    assert "&lt;script&gt;alert(1)&lt;/<wbr>script&gt;" in html  # a path may break after `/`
    md = render(report, OutputFormat.MARKDOWN)
    assert "<script" not in _outside_code(md)


BIDI = (
    "/usr/bin/ld: a\u202eo.exe: in function `f\u2066x\u2069':\n"
    "a.c:(.text+0x1): warning: Using 'aaa_\u202egnp.exe' in statically linked applications "
    "requires at runtime the shared libraries from the glibc version used for linking\n"
    "b\u200bc.c:(.text+0x1): warning: Using 'zw\u200dj' in statically linked applications "
    "requires at runtime the shared libraries from the glibc version used for linking\n"
)


@pytest.mark.parametrize("fmt", [OutputFormat.TEXT, OutputFormat.MARKDOWN, OutputFormat.HTML])
def test_bidi_and_zero_width_characters_are_shown_not_obeyed(fmt: OutputFormat) -> None:
    out = render(analyze_text(BIDI), fmt)
    for ch in "\u202e\u2066\u2069\u200b\u200d":
        assert ch not in out, repr(ch)
    marker = "&lt;U+202E&gt;" if fmt is OutputFormat.HTML else "<U+202E>"
    assert f"aaa_{marker}gnp.exe" in out
    assert "zw" + marker.replace("202E", "200D") + "j" in out


def test_json_keeps_the_values_but_escapes_what_would_change_their_display() -> None:
    text = render(analyze_text(BIDI), OutputFormat.JSON)
    assert "\u202e" not in text and "\\u202e" in text
    symbols = {f["symbol"] for f in json.loads(text)["findings"]}
    assert "aaa_\u202egnp.exe" in symbols  # the value itself is unchanged


def test_c1_controls_never_reach_any_format() -> None:
    log = "a.c:(.text+0x1): warning: Using 'x\u009b31m' in statically linked applications requires at runtime the shared libraries from the glibc version used for linking\n"
    for fmt in OutputFormat:
        out = render(analyze_text(log), fmt)
        assert "\u009b" not in out, fmt


def _go_links(n: int) -> str:
    one = (ROOT / "sample_logs" / "go-static-bfd.log").read_text()
    return "".join(f"# example.com/cmd/tool{i}\n" + one for i in range(n))


@pytest.mark.parametrize(
    "log",
    [
        _go_links(60),
        "".join(
            f"/usr/bin/ld: obj{i}.o: in function `f{i}':\n"
            f"a{i}.c:(.text+0x1): warning: Using 'fn{i}' in statically linked applications "
            "requires at runtime the shared libraries from the glibc version used for linking\n"
            for i in range(3000)
        ),
    ],
    ids=["60-go-links", "3000-functions"],
)
def test_markdown_fits_a_github_comment_and_says_what_it_cut(log: str) -> None:
    from cgowarn.render.markdown import MAX_CHARS

    report = analyze_text(log, max_occurrences=100)
    full = render(report, OutputFormat.HTML)
    md = render(report, OutputFormat.MARKDOWN)
    assert len(md) <= MAX_CHARS < 65_536
    assert "This report was shortened to fit a GitHub comment" in md
    assert "left out" in md
    assert len(full) > MAX_CHARS  # the HTML keeps everything
    free = _outside_code(md)
    assert free.count("<details>") == free.count("</details>")


def test_a_short_report_is_not_shortened() -> None:
    md = render(analyze_text(_go_links(2)), OutputFormat.MARKDOWN)
    assert "shortened" not in md


def _words(rng: random.Random) -> str:
    alphabet = "abc XYZ-_=./:,$\\"
    parts = []
    for _ in range(rng.randint(1, 4)):
        body = "".join(rng.choice(alphabet) for _ in range(rng.randint(20, 160)))
        kind = rng.choice(["single", "double", "plain"])
        if kind == "single":
            parts.append("'" + body.replace("'", "") + "'")
        elif kind == "double":
            escaped = body.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
            parts.append('"' + escaped + '"')
        else:
            parts.append("".join(c for c in body if c.isalnum() or c in "-_=./:,"))
    return "".join(p for p in parts if p)


@pytest.mark.parametrize("seed", range(40))
def test_a_long_command_is_cut_to_the_width_and_still_runs_as_pasted(seed: int) -> None:
    """Cut inside a word longer than the line (in single quotes, double quotes or none), the
    command still gives the shell the same words: run both and compare."""
    import subprocess

    from cgowarn.render.text import _Page

    rng = random.Random(seed)
    words = [_words(rng) for _ in range(rng.randint(1, 3))]
    cmd = "printf '[%s]\\n' " + " ".join(w for w in words if w)
    width = rng.choice([40, 60, 80])
    page = _Page(width, False)
    page.command(cmd, "    ")
    assert all(len(line) <= width for line in page.lines), page.lines
    pasted = "\n".join(page.lines).replace("    $ ", "", 1)
    run = [subprocess.run(["sh", "-c", c], capture_output=True, text=True) for c in (cmd, pasted)]
    assert run[0].returncode == 0 and run[0].stdout == run[1].stdout, (cmd, page.lines)


@pytest.mark.parametrize("width", [40, 80, 100])
def test_prose_fits_the_width_and_keeps_a_long_path_in_order(width: int) -> None:
    from cgowarn.render.text import wrap_words

    path = "/usr/lib/gcc/x86_64-linux-gnu/12/../../../x86_64-linux-gnu/libsqlite3.a(func.o):(.data.rel+0x13b8):"
    text = f"first at {path} in function `sqlite3_load_extension' and more words after it"
    lines = wrap_words(text, width, "  ", "    ")
    assert all(len(line) <= width for line in lines), lines
    joined = "".join(line.strip() for line in lines)
    assert path in joined
    hashed = "sha256" + "0123456789abcdef" * 12  # no separator in it: cut anywhere
    lines = wrap_words(f"digest {hashed} seen", width, "", "  ")
    assert all(len(line) <= width for line in lines), lines
    assert hashed in "".join(line.strip() for line in lines)
    short = wrap_words("a /short/path stays whole", width, "", "  ")
    assert "/short/path" in "\n".join(short).split()


@pytest.mark.parametrize(
    ("reason", "starts", "line"),
    [
        (
            "It needs kernel 3.2.0 or newer (the binary's .note.ABI-tag); CentOS 6 / RHEL 6 runs "
            "2.6.32: glibc 2.36 and newer no longer check at start-up, but system calls newer than "
            "2.6.32 fail with ENOSYS or crash. Build tags cannot change this.",
            "no",
            "It needs kernel 3.2.0 or newer; CentOS 6 / RHEL 6 runs 2.6.32",
        ),
        (
            "The kernel is the host's (a container): it must be 3.2.0 or newer.",
            "unknown",
            "The kernel is the host's: it must be 3.2.0 or newer",
        ),
        (
            "Go 1.24 and newer themselves need kernel 3.2.0, more than CentOS 6 / RHEL 6's 2.6.32; "
            "the Go release is not known (--go-version); it needs kernel 2.6.32 at most.",
            "unknown",
            "Go 1.24 and newer themselves need kernel 3.2.0, more than CentOS 6 / RHEL 6's 2.6.32",
        ),
    ],
)
def test_a_verdict_line_keeps_only_the_decisive_fact(reason: str, starts: str, line: str) -> None:
    from cgowarn.render.view import decisive

    assert decisive(reason, starts) == line
