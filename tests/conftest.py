"""Shared helpers: the sample logs with their sidecars, and ways to run cgowarn."""

from __future__ import annotations

import io
import os
import shutil
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cgowarn.cli import main
from cgowarn.model import Report
from cgowarn.pipeline import analyze

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_logs"
IN_CI = bool(os.environ.get("CI"))

GLIBC_MSG = (
    "Using '{}' in statically linked applications requires at runtime the shared libraries from "
    "the glibc version used for linking"
)
"""glibc's static-link warning, for str.format with the function's name."""
OS_USER_WARNING = (
    "/usr/bin/ld: /tmp/go-link-1/000007.o: in function `mygetpwnam_r':\n"
    f"/_/os/user/cgo_lookup_unix.go:32: warning: {GLIBC_MSG.format('getpwnam_r')}\n"
)
"""Go's os/user warned about by GNU ld 2.40 (sample_logs/)."""
NET_WARNING = (
    "/usr/bin/ld: /tmp/go-link-1/000004.o: in function `_cgo_2ac87069779a_C2func_getaddrinfo':\n"
    f"/tmp/go-build/cgo-gcc-prolog:58: warning: {GLIBC_MSG.format('getaddrinfo')}\n"
)
"""Go's net warned about by GNU ld 2.40 (sample_logs/)."""


@dataclass(frozen=True)
class Sample:
    path: Path
    meta: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.path.relative_to(SAMPLES).with_suffix(""))

    @property
    def expected(self) -> dict[str, int]:
        return dict(self.meta.get("expected", {}))

    @property
    def expected_diagnostics(self) -> dict[str, int]:
        return dict(self.meta.get("expected_diagnostics", {}))


def load_samples() -> list[Sample]:
    samples = []
    for log in sorted(SAMPLES.glob("**/*.log")):
        sidecar = log.with_suffix(".toml")
        if sidecar.exists():
            samples.append(Sample(log, tomllib.loads(sidecar.read_text(encoding="utf-8"))))
    return samples


SAMPLE_LIST = load_samples()


def analyze_bytes(data: bytes, name: str = "test.log", **kwargs: Any) -> Report:
    return analyze([(name, io.BytesIO(data))], **kwargs)


def analyze_text(text: str, **kwargs: Any) -> Report:
    return analyze_bytes(text.encode("utf-8"), **kwargs)


def counts(report: Report) -> dict[str, int]:
    return {f.symbol: f.count for f in report.findings}


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


def offline_go(work: Path) -> dict[str, str]:
    """The environment of a Go build here: no module proxy or checksum database (the machine
    has no network), the local Go even if go.mod asks for a newer one, and module and build caches
    of its own under `work`."""
    return {
        "GOFLAGS": "-mod=mod",
        "GOPROXY": "off",
        "GOSUMDB": "off",
        "GOTOOLCHAIN": "local",
        "GOPATH": str(work / "gopath"),
        "GOCACHE": str(work / "gocache"),
    }


def require_tool(name: str) -> str:
    """The tool's path; skips locally when missing, fails in CI (where .ci/run installs it)."""
    path = shutil.which(name)
    if path is None:
        if IN_CI:
            pytest.fail(f"{name} is not installed; .ci/run must install it")
        pytest.skip(f"{name} not installed")
    return path


def python() -> str:
    return sys.executable


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium through Playwright, with the arguments tools/screenshots.py
    uses, for the tests that open reports in a browser."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tools"))
    from screenshots import CHROMIUM_ARGS  # type: ignore[import-not-found]

    chromium = require_tool("chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


__all__ = ["main"]
