"""Golden files: each (sample log x format) renders to exactly the committed bytes.

A mismatch writes `<golden>.actual` beside the golden for review. To regenerate after a reviewed
change: `CGOWARN_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py`, then read the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cgowarn.formats import OutputFormat
from cgowarn.pipeline import analyze
from cgowarn.render import render
from conftest import SAMPLES

GOLDEN = Path(__file__).parent / "golden"
EXT = {
    OutputFormat.TEXT: "txt",
    OutputFormat.MARKDOWN: "md",
    OutputFormat.HTML: "html",
    OutputFormat.JSON: "json",
}
CASES = [
    "seed-article-go-sqlite3-centos",
    "go-static-bfd-two-packages",
    "c-nss-static-gold",
    "c-misc-static-bfd",
    "rust-static-bfd-link-failed",
    "c-undef-static-lld",
    "excerpts/zh_supervisord_274",
]


@pytest.mark.parametrize("fmt", list(OutputFormat), ids=lambda f: f.value)
@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, fmt: OutputFormat) -> None:
    log = SAMPLES / f"{case}.log"
    with log.open("rb") as fh:
        out = render(analyze([(log.name, fh)]), fmt)
    golden = GOLDEN / f"{case.replace('/', '__')}.{EXT[fmt]}"
    actual = golden.with_name(golden.name + ".actual")
    if os.environ.get("CGOWARN_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(out, encoding="utf-8")
        actual.unlink(missing_ok=True)
        return
    expected = golden.read_text(encoding="utf-8")
    if out != expected:
        actual.write_text(out, encoding="utf-8")
        pytest.fail(f"{golden.name} differs; review {actual} (regenerate: CGOWARN_UPDATE_GOLDEN=1)")
    actual.unlink(missing_ok=True)
