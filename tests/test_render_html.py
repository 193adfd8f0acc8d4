"""The HTML report as people look at it: every golden case, and a report with two targets, fits a
390 px wide phone in the light and in the dark scheme; the dark scheme is dark; printing expands the
details; and the two pictures (where the warnings come from, the target matrix) are well-formed
SVG that name the report's origins, functions, features and targets, with log text inert.

Chromium is driven as in tests/test_render_browser.py (Debian's chromium through Playwright)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Literal

import pytest
import regex
from playwright.sync_api import Browser

from cgowarn.formats import OutputFormat
from cgowarn.model import Report
from cgowarn.pipeline import analyze
from cgowarn.render import render
from cgowarn.render.flow import FLOW_FUNCTIONS
from cgowarn.render.safety import visible
from cgowarn.render.svg import MATRIX_TARGETS
from cgowarn.render.view import build_view
from conftest import analyze_text
from golden_cases import CASES, SAMPLES, rendered, report_of
from hostile_logs import MSG

SVG = "{http://www.w3.org/2000/svg}"
# What the pictures are made of: nothing that runs, links, loads or styles.
SVG_ELEMENTS = {"svg", "title", "desc", "g", "text", "tspan", "rect", "path"}
SVG_ATTRIBUTES = {
    "xmlns",
    "class",
    "viewBox",
    "width",
    "height",
    "role",
    "aria-labelledby",
    "id",
    "x",
    "y",
    "rx",
    "d",
    "text-anchor",
}
SEED = SAMPLES / "seed-article-go-sqlite3-centos.log"
TARGETS = ["centos6", "debian12"]
# Hand-made: symbols and a function name that try to leave the SVG's text and attributes.
HOSTILE_SYMBOLS = ('"><svg/onload=window.pwned=9>', "<script>window.pwned=1</script>", "a&b]]>")
HOSTILE_LOG = "/usr/bin/ld: /tmp/x.o: in function `\"><svg onload=window.pwned=10>':\n" + "".join(
    f"/src/a.c:{i}: warning: {MSG.format(s)}\n" for i, s in enumerate(HOSTILE_SYMBOLS, 1)
)


def seed_with_targets() -> Report:
    with SEED.open("rb") as fh:
        return analyze([(SEED.name, fh)], targets=TARGETS)


def pictures(html: str) -> dict[str, ET.Element]:
    """Each inline SVG of the page, parsed as XML (a malformed one fails here), by class."""
    found = {}
    for markup in regex.findall(r"<svg\b.*?</svg>", html, flags=regex.S):
        root = ET.fromstring(markup)
        found[root.get("class", "")] = root
    return found


def words(root: ET.Element) -> str:
    """Every text of the picture: labels, titles, description."""
    return " ".join(" ".join(e.itertext()) for e in root.iter())


PAGES = [*CASES, "seed with --target centos6 --target debian12"]


def page_html(case: str) -> str:
    """The page as cgowarn renders it now (tests/test_golden.py compares it with the golden)."""
    if case in CASES:
        return rendered(case, OutputFormat.HTML)
    return render(seed_with_targets(), OutputFormat.HTML)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("case", PAGES)
def test_fits_a_phone_in_both_schemes(
    browser: Browser, tmp_path: Path, case: str, scheme: Literal["light", "dark"]
) -> None:
    """390 CSS pixels wide: the page never scrolls sideways (a wide picture scrolls in its own
    box); the dark scheme has a dark background and light text."""
    path = tmp_path / "report.html"
    path.write_text(page_html(case), encoding="utf-8")
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="load")
        state = page.evaluate(
            """() => ({
                scroll: document.documentElement.scrollWidth,
                client: document.documentElement.clientWidth,
                background: getComputedStyle(document.body).backgroundColor,
                color: getComputedStyle(document.body).color,
                pictures: document.querySelectorAll('figure svg').length,
                // Cells that do not fit the screen: each table is stacked into cards.
                cut: [...document.querySelectorAll('td')].filter(td => {
                    const r = td.getBoundingClientRect();
                    return r.width > 0 && (r.left < 0 || r.right > innerWidth);
                }).map(td => td.dataset.label || td.textContent.slice(0, 40)),
            })"""
        )
    finally:
        context.close()
    assert state["scroll"] <= state["client"], f"{state['scroll']} px wide at {state['client']}"
    assert state["cut"] == []
    assert state["pictures"] >= (0 if case == "c-undef-static-lld" else 1)
    expected = {"light": ("rgb(255, 255, 255)", "rgb(31, 35, 40)")}
    if scheme == "light":
        assert (state["background"], state["color"]) == expected["light"]
    else:
        assert (state["background"], state["color"]) != expected["light"]
        background = [int(c) for c in regex.findall(r"\d+", state["background"])]
        color = [int(c) for c in regex.findall(r"\d+", state["color"])]
        assert sum(background) < 150 < sum(color), (state["background"], state["color"])


def test_printing_expands_closed_details_in_black_on_white(
    browser: Browser, tmp_path: Path
) -> None:
    """A details element the reader closed prints with its content (on screen it stays closed:
    the control), and a reader in the dark scheme prints black on white, no backgrounds."""
    path = tmp_path / "report.html"
    path.write_text(page_html(CASES[0]), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1000, "height": 800}, color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="load")
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = false)")
        shown = "() => [...document.querySelectorAll('details > p')].map(p => p.checkVisibility())"
        assert not any(page.evaluate(shown))
        page.emulate_media(media="print")
        assert all(page.evaluate(shown))
        style = page.evaluate(
            """() => [document.body, document.querySelector('.status'), document.querySelector('pre')]
                .map(e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor])"""
        )
        assert style == [["rgb(0, 0, 0)", "rgba(0, 0, 0, 0)"]] * 3
    finally:
        context.close()


@pytest.mark.parametrize("case", CASES)
def test_the_flow_names_every_origin_function_and_feature(case: str) -> None:
    html = rendered(case, OutputFormat.HTML)
    view = build_view(report_of(case))
    if not view.findings:  # a failed link with no glibc warnings: nothing to draw
        assert "flow" not in pictures(html)
        return
    flow = pictures(html)["flow"]
    assert flow.tag == f"{SVG}svg" and flow.get("role") == "img"
    assert flow.find(f"{SVG}title") is not None and flow.find(f"{SVG}desc") is not None
    text = words(flow)
    for f in view.findings:
        assert f.symbol in text
        assert f.feature in text
        for o in f.occurrences:
            assert o.origin in text
    # Bands sized by count: one band per (origin, function) and per (function, feature).
    bands = flow.findall(f".//{SVG}path")
    assert len(bands) == 2 * len(view.flow.rows)
    assert {b.get("class") for b in bands} <= {"band sev-high", "band sev-medium", "band sev-low"}


def test_the_matrix_answers_centos6_against_debian12() -> None:
    report = seed_with_targets()
    view = build_view(report)
    matrix = pictures(render(report, OutputFormat.HTML))["matrix"]
    text = words(matrix)
    assert "CentOS 6" in text and "Debian 12" in text
    cells = [g for g in matrix.iter(f"{SVG}g") if "cell" in (g.get("class") or "").split()]
    assert len(cells) == len(TARGETS) * (1 + len(view.matrix_features))
    states = [(g.get("class") or "").split()[1] for g in cells]
    # Row by row, a cell per target. CentOS 6: a Go binary of unknown release may need a newer
    # kernel; Debian 12 starts it.
    assert states[:2] == ["starts-unknown", "starts-yes"]
    assert "breaks" in states
    for feature in view.matrix_features:
        assert feature in text


def test_pictures_bound_a_huge_report() -> None:
    log = "".join(
        f"/usr/bin/ld: obj{i}.o: in function `f{i}':\n"
        f"a{i}.c:(.text+0x1): warning: {MSG.format(f'fn{i}')}\n"
        for i in range(400)
    )
    report = analyze_text(log, targets=["centos6", "centos7", "rhel8", "rhel9", "debian9"] * 2)
    found = pictures(render(report, OutputFormat.HTML))
    functions = [g for g in found["flow"].iter(f"{SVG}g") if "function" in (g.get("class") or "")]
    assert len(functions) == FLOW_FUNCTIONS
    assert f"{400 - FLOW_FUNCTIONS + 1} more functions" in words(found["flow"])
    heads = [g for g in found["matrix"].iter(f"{SVG}g") if g.get("class") == "head"]
    assert len(heads) <= MATRIX_TARGETS


def test_log_text_in_the_pictures_is_inert() -> None:
    html = render(analyze_text(HOSTILE_LOG, targets=["debian12"]), OutputFormat.HTML)
    found = pictures(html)
    assert set(found) == {"flow", "matrix"}
    for root in found.values():
        for e in root.iter():
            assert e.tag.removeprefix(SVG) in SVG_ELEMENTS, e.tag
            assert set(e.attrib) <= SVG_ATTRIBUTES, e.attrib
    text = words(found["flow"])
    for symbol in HOSTILE_SYMBOLS:
        assert visible(symbol) in text
    assert "&lt;script&gt;" in html and "<script" not in html
    assert "<svg/onload" not in html and "<svg onload" not in html


def test_break_points_are_after_separators_never_inside_a_word_or_an_entity() -> None:
    from cgowarn.render.templating import breakable, command_html

    assert str(breakable("/_/os/user/cgo_lookup_unix.go:32")) == (
        "/<wbr>_<wbr>/<wbr>os/<wbr>user/<wbr>cgo_<wbr>lookup_<wbr>unix.<wbr>go:<wbr>32"
    )
    assert str(breakable("a<b>&c.d")) == "a&lt;b&gt;&amp;c.<wbr>d"
    cmd = "go build -ldflags '-linkmode external -extldflags \"-static\"' ./..."
    html = str(command_html(cmd))
    assert regex.sub("<[^>]+>", "", html).replace("&#39;", "'").replace("&#34;", '"') == cmd
    assert '<span class="word">&#39;-linkmode</span>' in html


def test_details_open_first_and_why_said_once(tmp_path: Path) -> None:
    html = page_html(CASES[0])
    details = regex.findall(r"<details[^>]*>", html)
    assert len(details) > 3 and details[0].endswith(" open>")
    assert not any(d.endswith(" open>") for d in details[1:])
    why = regex.findall(r"<p><strong>Why:</strong> ([^<]+)</p>", html)
    assert len(why) == len(set(why)) >= 2  # each distinct paragraph once
    assert html.count('Why, and its sources: as for <a href="#fn-') >= 2


@pytest.mark.parametrize("width", [390, 1280])
def test_the_first_command_is_on_the_first_screen_and_no_word_breaks(
    browser: Browser, tmp_path: Path, width: int
) -> None:
    path = tmp_path / "report.html"
    path.write_text(page_html(CASES[0]), encoding="utf-8")
    context = browser.new_context(viewport={"width": width, "height": 844})
    try:
        page = context.new_page()
        page.goto(path.as_uri(), wait_until="load")
        top = page.evaluate("document.querySelector('pre.command').getBoundingClientRect().bottom")
        assert top < 844
        # Every word of a command stays on one line: its box is one line high.
        heights = page.evaluate(
            "[...document.querySelectorAll('pre.command .word')].map(w => w.getClientRects().length)"
        )
        assert heights and all(h == 1 for h in heights)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width  # nothing pushes the page sideways
    finally:
        context.close()


def test_backticks_in_prose_are_code_and_stay_escaped() -> None:
    from cgowarn.render.templating import inline_code

    assert str(inline_code("pipe `2>&1` into `<script>` x")) == (
        "pipe <code>2&gt;&amp;1</code> into <code>&lt;script&gt;</code> x"
    )
    assert str(inline_code("one ` alone <b>")) == "one ` alone &lt;b&gt;"
    html = render(analyze_text(""), OutputFormat.HTML)
    assert "`" not in regex.sub(r"<style>.*?</style>", "", html, flags=regex.S)
