"""The golden cases: which sample logs are rendered in every format, and how a rendering is made
comparable (the tool version scrubbed). Shared by tests/test_golden.py, which compares, and
tests/update_golden.py, which regenerates after a reviewed change."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from cgowarn import __version__
from cgowarn.formats import OutputFormat
from cgowarn.model import Report
from cgowarn.pipeline import analyze
from cgowarn.policy import BaselineDocument, baseline_json, compare
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
    OutputFormat.RDJSON: "rdjson",
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
    # The same pipeline with the options that add to a report:
    "seed-article-go-sqlite3-centos+targets",  # --target for every kind of distribution
    "seed-article-go-sqlite3-centos+baseline",  # --baseline recorded from another build
    "live/c-nss+binary",  # a build's own log with --binary of what it linked
]
TARGETS = ("centos6", "centos7", "debian12", "ubuntu24.04", "alpine")
BASELINE_FROM = "go-static-bfd-two-packages"
PROGRAMS = Path(__file__).parent / "programs"
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
    return scrub(render(report_of(case), fmt))


def report_of(case: str) -> Report:
    """The report a case renders."""
    name, _, variant = case.partition("+")
    if name.startswith("live/"):
        return _live(name.removeprefix("live/"))
    log = SAMPLES / f"{name}.log"
    with log.open("rb") as fh:
        if variant == "targets":
            return analyze([(log.name, fh)], targets=TARGETS)
        report = analyze([(log.name, fh)])
    if variant == "baseline":
        earlier = SAMPLES / f"{BASELINE_FROM}.log"
        with earlier.open("rb") as fh:
            recorded = baseline_json(analyze([(earlier.name, fh)]))
        return compare(report, BaselineDocument.model_validate_json(recorded), "baseline.json")
    return report


def _live(program: str) -> Report:
    """A static glibc link of tests/programs/PROGRAM made now with gcc and GNU ld: its own log,
    and the binary it linked, read with --binary (named `app`, as the report shows it)."""
    if shutil.which("gcc") is None:
        pytest.skip("needs gcc (Debian: gcc)")
    with tempfile.TemporaryDirectory() as work:
        shutil.copytree(PROGRAMS / program, work, dirs_exist_ok=True)
        # Compiled first, so that the log names main.o, not a temporary object of gcc's.
        subprocess.run(["gcc", "-c", "main.c"], cwd=work, capture_output=True, check=True)
        build = subprocess.run(
            ["gcc", "-static", "-fuse-ld=bfd", "-o", "app", "main.o"],
            cwd=work,
            capture_output=True,
            check=True,
        )
        old = os.getcwd()
        os.chdir(work)
        try:
            return analyze([("build.log", io.BytesIO(build.stderr))], binaries=["app"])
        finally:
            os.chdir(old)
