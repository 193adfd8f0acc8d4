"""Golden files: each (sample log x format) renders to exactly the committed bytes, the tool version
scrubbed.

A mismatch writes `<golden>.actual` beside the golden and fails with a unified diff. To regenerate
after a reviewed change: `python tests/update_golden.py`, then read `git diff tests/golden`.
"""

from __future__ import annotations

import difflib

import pytest

from cgowarn import __version__
from cgowarn.formats import OutputFormat
from golden_cases import CASES, VERSION_PLACEHOLDER, golden_path, rendered, scrub

MAX_DIFF_LINES = 80


@pytest.mark.parametrize("fmt", list(OutputFormat), ids=lambda f: f.value)
@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, fmt: OutputFormat) -> None:
    golden = golden_path(case, fmt)
    out = rendered(case, fmt)
    actual = golden.with_name(golden.name + ".actual")
    expected = golden.read_text(encoding="utf-8")
    if out != expected:
        actual.write_text(out, encoding="utf-8")
        diff = list(
            difflib.unified_diff(
                expected.splitlines(), out.splitlines(), str(golden), str(actual), lineterm=""
            )
        )
        shown = "\n".join(diff[:MAX_DIFF_LINES])
        more = (
            f"\n... {len(diff) - MAX_DIFF_LINES} more diff lines"
            if len(diff) > MAX_DIFF_LINES
            else ""
        )
        pytest.fail(
            f"{golden.name} differs; review {actual} (regenerate after review: "
            f"python tests/update_golden.py)\n{shown}{more}"
        )
    actual.unlink(missing_ok=True)


def test_goldens_carry_no_tool_version() -> None:
    """Every golden names the placeholder, never a real version: a release changes no golden."""
    for case in CASES:
        for fmt in (OutputFormat.JSON, OutputFormat.MARKDOWN, OutputFormat.HTML):
            text = golden_path(case, fmt).read_text(encoding="utf-8")
            assert VERSION_PLACEHOLDER in text, (case, fmt)


def test_scrub_replaces_only_the_version() -> None:
    assert scrub(f'"tool_version": "{__version__}",') == f'"tool_version": "{VERSION_PLACEHOLDER}",'
    assert scrub(f"<sub>cgowarn {__version__}</sub>") == f"<sub>cgowarn {VERSION_PLACEHOLDER}</sub>"
    assert scrub(f"glibc {__version__}") == f"glibc {__version__}"
