"""The golden cases: which sample logs are rendered in every format, and how a rendering is made
comparable (the tool version scrubbed). Shared by tests/test_golden.py, which compares, and
tests/update_golden.py, which regenerates after a reviewed change."""

from __future__ import annotations

import re
from pathlib import Path

from cgowarn import __version__
from cgowarn.formats import OutputFormat
from cgowarn.pipeline import analyze
from cgowarn.render import render

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_logs"
GOLDEN = Path(__file__).parent / "golden"
EXT = {
    OutputFormat.TEXT: "txt",
    OutputFormat.MARKDOWN: "md",
    OutputFormat.HTML: "html",
    OutputFormat.JSON: "json",
    OutputFormat.SARIF: "sarif",
    OutputFormat.GITHUB: "github.txt",
    OutputFormat.GITLAB: "gitlab.json",
    OutputFormat.RDJSONL: "rdjsonl",
    OutputFormat.JUNIT: "junit.xml",
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
VERSION_PLACEHOLDER = "<version>"
_VERSION = re.compile(
    rf"(?<=\"tool_version\": \")({re.escape(__version__)})(?=\")|(?<=cgowarn ){re.escape(__version__)}\b"
    # SARIF's tool.driver.version, which follows the driver's name:
    rf"|(?<=\"name\": \"cgowarn\",\n {{10}}\"version\": \"){re.escape(__version__)}(?=\")"
)


def scrub(text: str) -> str:
    """The rendering with cgowarn's own version replaced, so a release changes no golden file."""
    return _VERSION.sub(VERSION_PLACEHOLDER, text)


def golden_path(case: str, fmt: OutputFormat) -> Path:
    return GOLDEN / f"{case.replace('/', '__')}.{EXT[fmt]}"


def rendered(case: str, fmt: OutputFormat) -> str:
    """The scrubbed rendering of one case in one format."""
    log = SAMPLES / f"{case}.log"
    with log.open("rb") as fh:
        return scrub(render(analyze([(log.name, fh)]), fmt))
