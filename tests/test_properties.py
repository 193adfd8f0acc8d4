"""Properties of the whole pipeline, on logs that hypothesis makes: any bytes are read without an
error and render in every format; CRLF line ends, colour codes, CI timestamps and invalid UTF-8
between lines change no count; two logs one after the other count what each counts; the JSON
always matches its schema.

The logs are slices of the real sample logs, hand-made warning lines with random names, and random
text or bytes. Each test runs a few dozen examples; CGOWARN_HYPOTHESIS_PROFILE=long runs thousands
(`CGOWARN_HYPOTHESIS_PROFILE=long python -m pytest tests/test_properties.py`)."""

from __future__ import annotations

import io
import json
import os
from collections import Counter
from functools import cache
from typing import Any

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cgowarn.formats import OutputFormat
from cgowarn.model import Report
from cgowarn.pipeline import analyze
from cgowarn.render import render
from conftest import ROOT, SAMPLE_LIST

for profile, examples in (("default", 25), ("long", 3000)):
    settings.register_profile(
        profile,
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
settings.load_profile(os.environ.get("CGOWARN_HYPOTHESIS_PROFILE", "default"))

MESSAGES = (
    "Using '{}' in statically linked applications requires at runtime the shared libraries from "
    "the glibc version used for linking",
    "the use of `{}' is dangerous, better use `mkstemp'",
    "{} is not implemented and will always fail",
)
KNOWN = ("getpwnam", "getaddrinfo", "dlopen", "getgrgid_r", "mktemp", "tmpnam", "gtty", "gets")

names = st.one_of(
    st.sampled_from(KNOWN), st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,11}", fullmatch=True)
)
paths = st.from_regex(r"[A-Za-z0-9_./+-]{1,24}", fullmatch=True)


@st.composite
def warning_lines(draw: st.DrawFn) -> list[bytes]:
    """A glibc warning in one of GNU ld's and gold's forms, sometimes after ld's context line."""
    symbol = draw(names)
    message = draw(st.sampled_from(MESSAGES)).format(symbol)
    obj, src = draw(paths), draw(paths)
    location = draw(
        st.sampled_from(
            [
                f"{src}:12",
                f"{src}:(.text+0x1a)",
                f"{src}:60:(.text+0x37)",
                "(.text+0x77cd)",
                f"{obj}.o:{src}.c:function f",  # gold
                f"/usr/bin/ld: {obj}.o",
            ]
        )
    )
    lines = [f"{location}: warning: {message}"]
    if draw(st.booleans()):
        lines.insert(0, f"/usr/bin/ld: {obj}.o: in function `{draw(names)}':")
    return [line.encode() for line in lines]


@cache
def sample_lines() -> tuple[tuple[bytes, ...], ...]:
    return tuple(tuple(s.path.read_bytes().splitlines()) for s in SAMPLE_LIST)


@st.composite
def sample_slices(draw: st.DrawFn) -> list[bytes]:
    """A run of consecutive lines of a real log."""
    lines = draw(st.sampled_from(sample_lines()))
    start = draw(st.integers(0, len(lines)))
    return list(lines[start : start + draw(st.integers(0, 300))])


noise = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=80).map(str.encode),
    st.sampled_from(
        [b"", b"gcc -O2 -c -o x.o x.c", b"ok  example.com/pkg 0.01s", b"# example.com/app"]
    ),
)


@st.composite
def logs(draw: st.DrawFn) -> list[bytes]:
    """A log as its lines, without line ends: pieces of real logs, warnings, noise."""
    pieces = draw(
        st.lists(
            st.one_of(sample_slices(), warning_lines(), noise.map(lambda n: [n])),
            max_size=8,
        )
    )
    return [line for piece in pieces for line in piece]


def report_of(data: bytes, fast: bool = True) -> Report:
    return analyze([("fuzz.log", io.BytesIO(data))], fast=fast)


def counts(report: Report) -> Counter[str]:
    return Counter({f.symbol: f.count for f in report.findings})


def joined(lines: list[bytes]) -> bytes:
    return b"".join(line + b"\n" for line in lines)


@given(st.one_of(st.binary(max_size=4096), logs().map(joined)))
def test_any_input_is_read_and_rendered_in_every_format(data: bytes) -> None:
    fast, slow = report_of(data), report_of(data, fast=False)
    assert fast.model_dump() == slow.model_dump()
    for fmt in OutputFormat:
        text = render(fast, fmt)
        # A stream of diagnostics (rdjsonl) is empty when there is nothing to report; every other
        # format says something, even if only that nothing was found.
        assert text or (fmt is OutputFormat.RDJSONL and not fast.findings and not fast.diagnostics)


invalid_utf8 = st.binary(min_size=1, max_size=12).map(
    lambda b: bytes(0x80 | (c & 0x7F) for c in b)  # high bytes only: never a newline, rarely text
)
TIMESTAMP = b"2026-11-26T10:00:00.1234567Z "


@st.composite
def dressed(draw: st.DrawFn, lines: list[bytes]) -> bytes:
    """`lines` as CI shows them: CRLF, colour, timestamps, invalid UTF-8 between lines, each at
    random."""
    out = []
    for line in lines:
        if draw(st.booleans()):
            line = b"\x1b[1;31m" + line + b"\x1b[0m"
        if draw(st.booleans()):
            line = TIMESTAMP + line
        out.append(line + (b"\r\n" if draw(st.booleans()) else b"\n"))
        if draw(st.integers(0, 4)) == 0:
            out.append(draw(invalid_utf8) + b"\n")
    return b"".join(out)


@given(st.data(), logs())
def test_line_ends_colour_timestamps_and_invalid_bytes_change_no_count(
    data: st.DataObject, lines: list[bytes]
) -> None:
    plain = report_of(joined(lines))
    ci = report_of(data.draw(dressed(lines)))
    assert counts(ci) == counts(plain)
    assert ci.summary.warning_lines == plain.summary.warning_lines
    assert Counter(d.kind for d in ci.diagnostics) == Counter(d.kind for d in plain.diagnostics)
    assert [(u.name, u.kind, u.warning_lines) for u in ci.links] == [
        (u.name, u.kind, u.warning_lines) for u in plain.links
    ]


@given(logs(), logs())
def test_two_logs_count_what_each_counts(first: list[bytes], second: list[bytes]) -> None:
    a, b = report_of(joined(first)), report_of(joined(second))
    together = report_of(joined(first) + joined(second))
    assert counts(together) == counts(a) + counts(b)
    assert together.summary.warning_lines == a.summary.warning_lines + b.summary.warning_lines
    two_sources = analyze(
        [("a.log", io.BytesIO(joined(first))), ("b.log", io.BytesIO(joined(second)))]
    )
    assert counts(two_sources) == counts(a) + counts(b)


@cache
def schema() -> dict[str, Any]:
    return dict(json.loads((ROOT / "schemas" / "report.schema.json").read_text()))


@given(st.one_of(st.binary(max_size=2048), logs().map(joined)))
def test_json_always_matches_the_schema(data: bytes) -> None:
    jsonschema.validate(json.loads(render(report_of(data), OutputFormat.JSON)), schema())
