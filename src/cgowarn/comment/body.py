"""The comment's text: a hidden marker on its first line, the verdict for reviewers, what changed
since the last run, then the Markdown report (render/markdown.py), all under MAX_CHARS.

The marker, `<!-- cgowarn:KEY fingerprints=... before=... -->`, is how the next run finds this
comment and what it compares with: the findings of this run, and those the change line was
counted against (kept while nothing changes, so that a run that changes nothing writes the same
body, and nothing is sent). It is only ever read from the first line of a comment by the token's own
account, and what it holds is checked (it is untrusted: anyone who can edit the comment can
change it): a key, then 32-hex-digit fingerprints, or nothing usable. Everything below the first
line that came from a log is escaped by the Markdown renderer; in addition, every `<!--` below it
gets a zero-width space between its dashes, so that no tool searching the body for the marker
can find a copy that a log line put there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cgowarn import regexes
from cgowarn.errors import UsageError
from cgowarn.fingerprint import without_temporary_names
from cgowarn.model import Report
from cgowarn.render.markdown import MAX_CHARS, render_within
from cgowarn.render.safety import visible_fields
from cgowarn.render.templating import environment
from cgowarn.render.view import build_view

DEFAULT_KEY = "default"
MAX_FINGERPRINTS = 150
"""Fingerprints kept in each list of the marker (33 characters each); with more findings the
next run cannot say what changed, and says nothing about it."""
NEW_SHOWN = 10
_KEY = regexes.compile("comment.body.KEY", r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", anchored=True)
_MARKER = regexes.compile(
    "comment.body.MARKER",
    r"<!-- cgowarn:(?P<key>[A-Za-z0-9._-]{1,64})(?P<attrs>(?: [^\n]*)?) -->",
    anchored=True,
)
_LIST = r"[0-9a-f]{32}(?:,[0-9a-f]{32})*"
_FINGERPRINTS = regexes.compile(
    "comment.body.FINGERPRINTS",
    rf" fingerprints=(?P<now>{_LIST})?(?: before=(?P<before>{_LIST})?)?",
    anchored=True,
)
_COMMENT_OPENER = "<!--"
_INERT_OPENER = "<!-\u200b-"
_URL_FORBIDDEN = regexes.compile("comment.body.URL_FORBIDDEN", r"[\s<>\\\"'`\p{Cc}\p{Cf}]")


def check_key(key: str) -> str:
    """--key: letters, digits, `.`, `_` and `-`, at most 64, starting with a letter or digit
    (it goes into an HTML comment, and a matrix job names it)."""
    if not _KEY.fullmatch(key):
        raise UsageError(
            f"--key {key!r}: use up to 64 letters, digits, '.', '_' or '-', starting with a "
            "letter or digit (e.g. linux-amd64)"
        )
    return key


def check_report_url(url: str) -> str:
    """--report-url: an absolute http(s) URL with nothing that could end the Markdown link."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or _URL_FORBIDDEN.search(url):
        raise UsageError(
            f"--report-url {url!r} is not an http(s) URL (no spaces, quotes, backslashes or "
            "angle brackets)"
        )
    return url


@dataclass(frozen=True)
class Marker:
    """What the first line of an earlier comment says."""

    key: str
    fingerprints: frozenset[str] | None
    """The findings of the run that wrote it; None when it did not record them (or what it
    records is not valid)."""
    before: frozenset[str] | None = None
    """The findings its change line was counted against; None without a change line."""


def marker_line(
    key: str, fingerprints: Iterable[str] | None, before: Iterable[str] | None = None
) -> str:
    """The first line of the comment."""
    now = sorted(set(fingerprints)) if fingerprints is not None else None
    if now is None or len(now) > MAX_FINGERPRINTS:
        return f"<!-- cgowarn:{key} -->"
    then = sorted(set(before)) if before is not None else None
    tail = f" before={','.join(then)}" if then is not None and len(then) <= MAX_FINGERPRINTS else ""
    return f"<!-- cgowarn:{key} fingerprints={','.join(now)}{tail} -->"


def read_marker(body: str) -> Marker | None:
    """The marker on the first line of `body`, if that line is one; a marker anywhere else is
    not looked at."""
    first = body.split("\n", 1)[0].removesuffix("\r")
    match = _MARKER.fullmatch(first)
    if match is None:
        return None
    attrs = match.group("attrs")
    listed = _FINGERPRINTS.fullmatch(attrs) if attrs else None
    if listed is None:
        return Marker(key=match.group("key"), fingerprints=None)
    now = _items(listed.group("now"))
    before = _items(listed.group("before")) if " before=" in attrs else None
    if now is None or (" before=" in attrs and before is None):
        return Marker(key=match.group("key"), fingerprints=None)
    return Marker(key=match.group("key"), fingerprints=now, before=before)


def _items(text: str | None) -> frozenset[str] | None:
    items = text.split(",") if text else []
    return frozenset(items) if len(items) <= MAX_FINGERPRINTS else None


def same_body(old: str, new: str) -> bool:
    """Whether an existing comment already says `new`: line ends, trailing blanks and the
    run-specific part of temporary names (`/tmp/go-link-NNN`, `/tmp/ccXXXXXX.o`, which change in
    every build) aside, so that a push that changes nothing edits nothing."""

    def normal(text: str) -> str:
        return without_temporary_names(text.replace("\r\n", "\n").rstrip())

    return normal(old) == normal(new)


def is_clean(report: Report) -> bool:
    """Nothing to tell reviewers: no finding left (after suppressions), the link did not fail
    and nothing failed at run time."""
    view = build_view(report)
    return not report.findings and not view.failed


@dataclass(frozen=True)
class CommentView:
    """The comment's own lines, worded once; the template lays them out and escapes them."""

    key: str
    """The --key when it is not the default (matrix jobs tell their comments apart); else empty."""
    resolved: bool
    gate: str
    """Why --fail-on fails the job; empty when it passes."""
    fail_on: str
    since: str
    """`the previous findings` or `the baseline FILE`, when one tells what changed; else
    empty."""
    new: tuple[str, ...]
    new_more: int
    fixed: int
    report_url: str
    version: str


def compared_with(report: Report, previous: Marker | None) -> frozenset[str] | None:
    """The findings this run's change line counts against: the previous run's, when they differ
    from this run's; when they do not, whatever the previous comment counted against (so that the
    comment stays the same); None when the previous comment does not tell."""
    if previous is None or previous.fingerprints is None:
        return None
    if {f.fingerprint for f in report.findings} == previous.fingerprints:
        return previous.before
    return previous.fingerprints


def comment_view(
    report: Report,
    key: str,
    previous: Marker | None,
    gate: str,
    fail_on: str,
    report_url: str | None,
) -> CommentView:
    seen = {f.fingerprint for f in report.findings} | {s.fingerprint for s in report.suppressed}
    since = ""
    new: list[str] = []
    fixed = 0
    before = compared_with(report, previous)
    if before is not None:
        new = [f.symbol for f in report.findings if f.fingerprint not in before]
        fixed = len(before - seen)
        if new or fixed:
            since = "the previous findings"
    elif report.baseline is not None:
        new = [f.symbol for f in report.findings if f.baseline == "new"]
        fixed = len(report.baseline.fixed)
        since = f"the baseline {report.baseline.file}"
    return visible_fields(
        CommentView(
            key="" if key == DEFAULT_KEY else key,
            resolved=is_clean(report),
            gate=gate,
            fail_on=fail_on,
            since=since,
            new=tuple(dict.fromkeys(new))[:NEW_SHOWN],
            new_more=max(0, len(dict.fromkeys(new)) - NEW_SHOWN),
            fixed=fixed,
            report_url=report_url or "",
            version=report.tool_version,
        )
    )


def compose(
    report: Report,
    key: str = DEFAULT_KEY,
    previous: Marker | None = None,
    gate: str = "",
    fail_on: str = "high",
    report_url: str | None = None,
) -> str:
    """The whole comment, at most MAX_CHARS characters: the marker line, the verdict, and (unless
    nothing is left to report) the Markdown report, shortened to what room is left."""
    view = comment_view(report, key, previous, gate, fail_on, report_url)
    marker = marker_line(
        key, [f.fingerprint for f in report.findings], compared_with(report, previous)
    )
    head = environment(autoescape=False).get_template("comment.md.j2").render(v=view)
    head = _inert(head).rstrip("\n") + "\n"
    if view.resolved:
        return f"{marker}\n{head}"
    room = MAX_CHARS - len(marker) - len(head) - 2
    text = _inert(render_within(report, room))
    if len(text) > room:  # even the shortest report does not fit: the verdict must
        text = (
            "> The report does not fit in a comment; the full report"
            + (" is linked above." if report_url else " is in the job's artifacts.")
            + "\n"
        )
    heading, blank, rest = text.partition("\n\n")
    if heading.startswith("## ") and blank and head.strip():
        # The report's title first, then this comment's own lines (the gate, what changed),
        # then the report: the lines read as the title's, not as a list above it.
        return f"{marker}\n{heading}\n\n{head.lstrip(chr(10))}{rest}"
    return f"{marker}\n{head}\n{text}"


def _inert(text: str) -> str:
    return text.replace(_COMMENT_OPENER, _INERT_OPENER)
