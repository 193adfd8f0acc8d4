"""Memory bounded for every log and every format: whatever the log, the report keeps a fixed
amount of text (facts.OCCURRENCE_TEXT, then SHORT_TEXT per finding), every kept text is clipped
where it is folded, and the memos hold a fixed number of characters. benchmarks/run.py
--pathological measures the resident memory of the same shape at 236 MB, in every format."""

from __future__ import annotations

import io

from cgowarn.facts import MAX_TEXT, MIN_OCCURRENCES, OCCURRENCE_TEXT, SHORT_TEXT
from cgowarn.formats import OutputFormat
from cgowarn.knowledge import load_knowledge
from cgowarn.memo import DEFAULT_CHARS
from cgowarn.model import Report
from cgowarn.pipeline import analyze
from cgowarn.render import RenderOptions, render

MSG = (
    "Using '{}' in statically linked applications requires at runtime the shared libraries from "
    "the glibc version used for linking"
)


def long_occurrences(functions: int, per_function: int, width: int) -> bytes:
    """`functions` functions warned about `per_function` times each, every line about 2 x
    `width` characters long and every occurrence distinct."""
    out = io.StringIO()
    for i in range(functions):
        for j in range(per_function):
            out.write(
                f"/usr/bin/ld: /b/{'o' * width}/{i}/{j}.o: in function `f{'f' * width}{j}':\n"
            )
            out.write(f"/s/{'s' * width}/{i}/{j}.c:12: warning: {MSG.format(f'sym{i}')}\n")
    return out.getvalue().encode()


def kept_text(report: Report) -> int:
    total = 0
    for f in report.findings:
        for o in f.occurrences:
            total += sum(len(t) for t in (o.object, o.function, o.file, o.section, o.source) if t)
            total += sum(len(line) for line in o.lines)
    return total


def test_the_text_a_report_keeps_is_bounded_whatever_the_log() -> None:
    report = analyze([("long.log", io.BytesIO(long_occurrences(300, 30, 1500)))])
    assert len(report.findings) == 300
    assert all(f.count == 30 for f in report.findings)  # counts stay exact
    assert all(len(f.occurrences) >= MIN_OCCURRENCES for f in report.findings)
    # Some findings keep everything up to the budget; the rest keep one, shortened.
    per_short = 6 * SHORT_TEXT + 2 * MAX_TEXT  # its texts, and the source name
    assert kept_text(report) <= OCCURRENCE_TEXT + 4 * MAX_TEXT * 3 + 300 * per_short
    shortened = [f for f in report.findings if len(f.occurrences) == 1]
    assert shortened and all(
        len(line) <= SHORT_TEXT for f in shortened for line in f.occurrences[0].lines
    )
    assert all(f.occurrences_omitted == f.count - len(f.occurrences) for f in report.findings)


def test_every_format_renders_the_bounded_report_within_a_few_times_its_text() -> None:
    report = analyze([("long.log", io.BytesIO(long_occurrences(300, 30, 1500)))])
    budget = kept_text(report)
    for fmt in OutputFormat:
        text = render(report, fmt, RenderOptions(details=True))
        assert len(text) < 12 * budget + (1 << 20), (fmt, len(text), budget)


def test_a_memo_holds_a_bounded_number_of_characters() -> None:
    kb = load_knowledge()
    kb.memos.clear()
    analyze([("long.log", io.BytesIO(long_occurrences(50, 40, 3000)))])
    for name, memo in kb.memos._memos.items():
        assert memo.used <= DEFAULT_CHARS, name
