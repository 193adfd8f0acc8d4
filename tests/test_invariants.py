"""Invariants checked from outside, on every format: a finding's identity does not depend on the
order the build printed its warnings in (a parallel `make` or `go build` reorders them, and a
baseline recorded from one order must accept every other); no character that hides or reorders
text reaches any output, whatever the log holds."""

from __future__ import annotations

import io
import json
import os
from functools import cache
from typing import Any

import regex
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cgowarn.cli import main
from cgowarn.formats import OutputFormat
from cgowarn.pipeline import analyze
from cgowarn.render import RenderOptions, render
from conftest import GLIBC_MSG

MSG = GLIBC_MSG

# Warning blocks as GNU ld 2.40 prints them (sample_logs/), each from a different origin; several
# name the same function from different code, so a finding has more than one origin.
BLOCKS = (
    "/usr/bin/ld: /tmp/go-link-1/000007.o: in function `mygetpwnam_r':\n"
    f"/_/os/user/cgo_lookup_unix.go:32: warning: {MSG.format('getpwnam_r')}\n",
    "/usr/bin/ld: /tmp/go-link-1/000004.o: in function `_cgo_2ac87069779a_C2func_getaddrinfo':\n"
    f"/tmp/go-build/cgo-gcc-prolog:58: warning: {MSG.format('getaddrinfo')}\n",
    "/usr/bin/ld: /usr/lib/x86_64-linux-gnu/libsqlite3.a(sqlite3.o): in function `unixDlOpen':\n"
    f"(.text+0x1a): warning: {MSG.format('dlopen')}\n",
    f"/usr/bin/ld: main.o: in function `lookup':\nmain.c:12: warning: {MSG.format('getpwnam_r')}\n",
    "/usr/bin/ld: main.o: in function `resolve':\n"
    f"main.c:30: warning: {MSG.format('getaddrinfo')}\n",
    f"/usr/bin/ld: plugin.o: in function `load':\nplugin.c:7: warning: {MSG.format('dlopen')}\n",
    "/usr/lib/../lib64/libpthread.a(libpthread.o): In function `sem_open':\n"
    "(.text+0x77cd): warning: the use of `mktemp' is dangerous, better use `mkstemp'\n",
    "/usr/bin/ld: /tmp/app/target/release/deps/app-1.o: in function "
    "`std::sys::pal::unix::net::LookupHost::try_from':\n"
    f"net.rs:(.text+0x4e): warning: {MSG.format('getaddrinfo')}\n",
    "/usr/bin/ld: /usr/lib/x86_64-linux-gnu/libsqlite3.a(sqlite3.o): in function `unixDlOpen':\n"
    f"(.text+0x1a): warning: {MSG.format('dlopen')}\n",
    "/usr/bin/ld: cannot find -lz: No such file or directory\n",
)


def _identities(log: str) -> dict[str, Any]:
    """What a baseline, SARIF and GitLab remember of each finding and diagnostic."""
    report = analyze([("build.log", io.BytesIO(log.encode()))])
    sarif = json.loads(render(report, OutputFormat.SARIF, RenderOptions()))
    gitlab = json.loads(render(report, OutputFormat.GITLAB, RenderOptions()))
    return {
        "findings": {
            f.symbol: (f.fingerprint, f.origins, f.count, f.severity) for f in report.findings
        },
        "sarif": sorted(
            json.dumps(r["partialFingerprints"], sort_keys=True)
            for r in sarif["runs"][0]["results"]
        ),
        "gitlab": sorted(i["fingerprint"] for i in gitlab),
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.permutations(range(len(BLOCKS))), st.lists(st.integers(0, len(BLOCKS) - 1), max_size=6))
def test_fingerprints_do_not_depend_on_the_order_of_the_log(
    order: list[int], repeats: list[int]
) -> None:
    reference = "".join(BLOCKS) + "".join(BLOCKS[i] for i in sorted(repeats))
    permuted = "".join(BLOCKS[i] for i in order) + "".join(BLOCKS[i] for i in repeats)
    assert _identities(permuted) == _identities(reference)


def test_a_baseline_from_one_order_accepts_every_other(tmp_path: Any) -> None:
    forward = tmp_path / "a.log"
    backward = tmp_path / "b.log"
    forward.write_text("".join(BLOCKS), encoding="utf-8")
    backward.write_text("".join(reversed(BLOCKS)), encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    runner = CliRunner()
    recorded = runner.invoke(main, ["baseline", "-o", str(baseline), str(forward)])
    assert recorded.exit_code == 0, recorded.output
    result = runner.invoke(
        main, ["--baseline", str(baseline), "--format", "json", "--fail-on", "low", str(backward)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["baseline"]["new"] == 0
    assert data["baseline"]["unchanged"] == len(data["findings"]) == 4


# Every character that hides text or changes its direction: controls (but tab), the default
# ignorable code points (zero-width characters, soft hyphen, variation selectors, tag characters,
# Hangul fillers), bidi controls, line and paragraph separators, lone surrogates, noncharacters.
_HIDING = regex.compile(
    r"(?!\t)[\p{Cc}\p{Default_Ignorable_Code_Point}\p{Bidi_Control}\p{Zl}\p{Zp}\p{Cs}"
    r"\p{Noncharacter_Code_Point}]"
)


@cache
def hiding_characters() -> tuple[str, ...]:
    return tuple(chr(c) for c in range(0x110000) if _HIDING.match(chr(c)))


def _unexpected(text: str) -> list[str]:
    """The hiding characters in a rendered report; the line ends of the document are its own."""
    return [f"U+{ord(ch):04X}" for ch in dict.fromkeys(_HIDING.findall(text)) if ch not in "\n\r"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(hiding_characters()), min_size=1, max_size=4),
    st.sampled_from(list(OutputFormat)),
)
@example(["\U000e0041"], OutputFormat.JSON)  # a tag character: escaped as a surrogate pair
@example(["\u00ad", "\u202e"], OutputFormat.MARKDOWN)
def test_no_format_carries_a_hiding_character_from_a_log(
    characters: list[str], fmt: OutputFormat
) -> None:
    bad = "".join(characters)
    log = (
        f"# example.com/cmd/a{bad}pp\n"
        f"/usr/bin/ld: /tmp/a{bad}b.o: in function `f{bad}g':\n"
        f"x{bad}y.c:1: warning: {MSG.format('getpwnam')}\n"
        f"/usr/bin/ld: o.o: in function `h':\nz.c:2: warning: {MSG.format(f'my{bad}func')}\n"
        f"/usr/bin/ld: cannot find -lz{bad}q: No such file or directory\n"
        f"/usr/bin/ld: m.o: undefined reference to `u{bad}v'\n"
    )
    data = log.encode("utf-8", "surrogatepass")
    # A name the way the command line gives it: bytes that are not UTF-8 become lone surrogates.
    name = os.fsdecode(b"build" + bad.encode("utf-8", "surrogatepass") + b".log")
    report = analyze([(name, io.BytesIO(data))])
    text = render(report, fmt, RenderOptions(details=True))
    text.encode("utf-8")  # no lone surrogate
    assert _unexpected(text) == []
    if fmt is OutputFormat.JSON:
        # Escaped, never changed: the JSON still holds the very name the log did.
        symbols = [f["symbol"] for f in json.loads(text)["findings"]]
        # (The parser drops control characters from a line, and bytes that are not UTF-8.)
        if not regex.search(r"[\p{Cc}\p{Cs}]", bad):
            assert f"my{bad}func" in symbols
