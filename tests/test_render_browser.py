"""The HTML report of hostile logs and binaries, opened in a real headless Chromium: no script
runs, nothing is fetched, the page's Content-Security-Policy holds even where an escape would be
missed, every hostile string is shown as text, and a phone-sized window needs no sideways scroll.

Playwright drives Debian's chromium (`executable_path`); `playwright install` (which downloads
browsers) is never needed."""

from __future__ import annotations

import io
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page as BrowserPage

from cgowarn.formats import OutputFormat
from cgowarn.pipeline import analyze
from cgowarn.render import render
from cgowarn.render.safety import visible
from cgowarn.render.view import build_view
from conftest import SAMPLE_LIST, Sample, analyze_text
from hostile_logs import PHRASES, TOKENS, hostile_binary, hostile_log

# Recorded in the page before any of its own content runs (Playwright injects it through the
# DevTools protocol, which the page's CSP does not govern).
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
    e => window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
"""

# What a missed escape would let into the page: script, handlers, every kind of fetch, styles.
# {url} is a local server that records the requests it gets.
INJECTED = (
    "<script>window.pwned = 1</script>"
    '<img src="{url}/i.png" onerror="window.pwned = 2">'
    '<svg onload="window.pwned = 3"></svg>'
    '<link rel="stylesheet" href="{url}/l.css">'
    "<style>@import url({url}/i.css); body {{ display: none }}</style>"
    '<div style="background: url({url}/bg.png)">x</div>'
    '<iframe src="{url}/f"></iframe>'
    '<object data="{url}/o"></object>'
    '<video src="{url}/v.mp4" autoplay></video>'
    '<form id="form" action="{url}/form"></form>'
)


@dataclass
class Listener:
    """A local TCP server that records what each connection sends: a request that reaches it was
    made. Chromium may open a connection ahead of a load that the policy then blocks (its loading
    predictor, after a first visit); such a connection closes without sending a byte."""

    url: str
    requests: list[bytes] = field(default_factory=list)


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = socket.create_server(("127.0.0.1", 0))
    found = Listener(f"http://127.0.0.1:{server.getsockname()[1]}")

    def accept() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    data = conn.recv(4096)
                except OSError:
                    data = b""
            if data:
                found.requests.append(data.split(b"\r\n", 1)[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield found
    server.close()


@dataclass
class Page:
    """What a page did in the browser."""

    requests: list[str]
    """Every request the page started, the page itself first."""
    blocked: list[str]
    """Requests that failed because the Content-Security-Policy blocked them."""
    console: list[str]
    violations: list[str]
    pwned: Any
    title: str
    text: str
    elements: dict[str, int]
    body_display: str
    body_max_width: str


def open_page(browser: Browser, html: str, directory: Path, width: int = 1280) -> Page:
    """Load `html` from a file, as a user opens a downloaded report, with JavaScript enabled."""
    path = directory / "report.html"
    path.write_text(html, encoding="utf-8")
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        requests: list[str] = []
        blocked: list[str] = []
        console: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on(
            "requestfailed",
            lambda r: (
                blocked.append(r.url) if r.failure in ("csp", "net::ERR_BLOCKED_BY_CSP") else None
            ),
        )
        page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
        page.add_init_script(RECORD_VIOLATIONS)
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_timeout(300)  # handlers of failed loads, late fetches
        state = page.evaluate(
            """() => ({
                violations: window.__violations,
                pwned: window.pwned,
                title: document.title,
                text: document.body.innerText,
                elements: Object.fromEntries(
                    ['script', 'img', 'svg', 'iframe', 'object', 'embed', 'video', 'link', 'base',
                     'form', 'style', 'meta[http-equiv="refresh"]', 'details', 'summary', 'a',
                     'svg.flow', 'svg.matrix', 'foreignObject', 'use', 'image', 'animate', 'set',
                     '[style]']
                    .map(s => [s, document.querySelectorAll(s).length])),
                bodyDisplay: getComputedStyle(document.body).display,
                bodyMaxWidth: getComputedStyle(document.body).maxWidth,
            })"""
        )
        if page.query_selector("#form"):  # last: it navigates away when nothing stops it
            page.evaluate("document.getElementById('form').requestSubmit()")
            page.wait_for_timeout(300)
        return Page(
            requests=requests,
            blocked=blocked,
            console=console,
            violations=state["violations"],
            pwned=state["pwned"],
            title=state["title"],
            text=state["text"],
            elements=state["elements"],
            body_display=state["bodyDisplay"],
            body_max_width=state["bodyMaxWidth"],
        )
    finally:
        context.close()


@dataclass(frozen=True)
class Hostile:
    html: str
    shown: list[str]
    """What the page must show, literally."""
    title: str
    functions: int


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    """The HTML report of the hostile log, with binaries under hostile names and a target verdict
    for each."""
    directory = tmp_path_factory.mktemp("bin")
    paths = [str(hostile_binary(directory, t)) for t in TOKENS]
    log = hostile_log().encode()
    report = analyze(
        [("build<script>window.pwned=13</script>.log", io.BytesIO(log))],
        binaries=paths,
        targets=["centos7"],
    )
    return Hostile(
        render(report, OutputFormat.HTML),
        [*TOKENS, *PHRASES, *paths],
        build_view(report).title,
        len(report.findings),
    )


def test_hostile_report_runs_nothing_fetches_nothing_and_shows_everything(
    browser: Browser, hostile: Hostile, tmp_path: Path
) -> None:
    page = open_page(browser, hostile.html, tmp_path)
    assert page.requests == [(tmp_path / "report.html").as_uri()]
    assert page.pwned is None
    assert page.title == f"cgowarn: {hostile.title}"
    assert page.violations == [] and page.console == []
    # The page's own style sheet applies (its hash is the one the policy allows).
    assert page.body_max_width == "1152px" and page.body_display == "block"
    # Nothing but the page's own elements: one style sheet, the details of each function, the two
    # pictures (where the warnings come from; the target matrix).
    for tag in ("script", "img", "iframe", "object", "embed", "video", "link", "base"):
        assert page.elements[tag] == 0, tag
    for tag in ("foreignObject", "use", "image", "animate", "set", "[style]"):
        assert page.elements[tag] == 0, tag
    assert page.elements["svg"] == page.elements["svg.flow"] + page.elements["svg.matrix"] == 2
    assert page.elements["form"] == page.elements['meta[http-equiv="refresh"]'] == 0
    assert page.elements["style"] == 1
    assert page.elements["details"] == page.elements["summary"] == hostile.functions
    for text in hostile.shown:
        assert visible(text) in page.text, text


def test_the_policy_holds_where_an_escape_would_be_missed(
    browser: Browser, listener: Listener, tmp_path: Path
) -> None:
    """Markup put into the page unescaped, as a template bug would: the Content-Security-Policy
    stops its scripts, its fetches and its styles."""
    html = render(analyze_text(hostile_log()), OutputFormat.HTML)
    injected = INJECTED.format(url=listener.url)
    before = len(listener.requests)
    page = open_page(browser, html.replace("</main>", injected + "</main>"), tmp_path)
    assert page.pwned is None
    assert listener.requests[before:] == []
    assert page.requests[1:] == page.blocked, "a request the policy did not block"
    assert page.body_display == "block"
    assert page.violations, "the browser reported no violation: nothing was tested"


def test_without_the_policy_the_injection_does_run(
    browser: Browser, listener: Listener, tmp_path: Path
) -> None:
    """The control for the test above: the same page without its policy runs the script, fetches
    and applies the style, so the checks there can fail."""
    html = render(analyze_text(hostile_log()), OutputFormat.HTML)
    head, _, rest = html.partition('<meta http-equiv="Content-Security-Policy"')
    assert rest, "the report has no Content-Security-Policy"
    html = head + rest.split(">", 1)[1]
    injected = INJECTED.format(url=listener.url)
    before = len(listener.requests)
    page = open_page(browser, html.replace("</main>", injected + "</main>"), tmp_path)
    assert page.pwned is not None
    assert len(listener.requests) > before
    assert page.body_display == "none"


@pytest.fixture(scope="module")
def phone(browser: Browser) -> Iterator[BrowserPage]:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    yield context.new_page()
    context.close()


def fits(page: BrowserPage, html: str, directory: Path) -> tuple[int, int]:
    path = directory / "report.html"
    path.write_text(html, encoding="utf-8")
    page.goto(path.as_uri(), wait_until="load")
    width, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    return int(width), int(inner)


@pytest.mark.parametrize("sample", SAMPLE_LIST, ids=lambda s: s.id)
def test_reports_of_real_logs_fit_a_phone(
    phone: BrowserPage, tmp_path: Path, sample: Sample
) -> None:
    """390 CSS pixels wide (a current phone held upright): no sideways scrolling of the page."""
    report = analyze_text(sample.path.read_text(errors="replace"), targets=["centos6"])
    width, inner = fits(phone, render(report, OutputFormat.HTML), tmp_path)
    assert width <= inner


def test_hostile_report_fits_a_phone(phone: BrowserPage, hostile: Hostile, tmp_path: Path) -> None:
    width, inner = fits(phone, hostile.html, tmp_path)
    assert width <= inner
