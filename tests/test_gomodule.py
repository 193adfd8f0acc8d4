"""--go-module: `go list` on the real module says which packages use cgo and how os/user, net and
go-sqlite3 come in; the advice then knows whether cgo is still needed."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest

from cgowarn.errors import InputError
from cgowarn.gomodule import read_module
from cgowarn.model import Recommendation, Report
from cgowarn.pipeline import analyze
from conftest import require_tool

pytestmark = pytest.mark.toolchain

PROGRAMS = Path(__file__).parent / "programs"
GO = "/usr/lib/go/bin/go"
MSG = "Using '{}' in statically linked applications requires at runtime the shared libraries from the glibc version used for linking"
LOG = (
    "/usr/bin/ld: /tmp/go-link-1/000007.o: in function `mygetpwnam_r':\n"
    f"/_/os/user/cgo_lookup_unix.go:32: warning: {MSG.format('getpwnam_r')}\n"
    "/usr/bin/ld: /tmp/go-link-1/000004.o: in function `_cgo_1_C2func_getaddrinfo':\n"
    f"/tmp/go-build/cgo-gcc-prolog:58: warning: {MSG.format('getaddrinfo')}\n"
)


@pytest.fixture
def module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Path:
    if not Path(GO).exists():
        require_tool("go (Debian's golang-go)")
    work = tmp_path / "module"
    shutil.copytree(PROGRAMS / request.param, work)
    shutil.copy(PROGRAMS / "go-smoke.go", work / "smoke.go")
    monkeypatch.setenv("PATH", f"{Path(GO).parent}:{os.environ['PATH']}")
    monkeypatch.setenv("GOCACHE", str(tmp_path / "gocache"))
    monkeypatch.setenv("GOPATH", str(tmp_path / "gopath"))
    return work


def _rec(report: Report, rec_id: str) -> Recommendation | None:
    return next((r for r in report.recommendations if r.id == rec_id), None)


@pytest.mark.parametrize("module", ["go-user-net"], indirect=True)
def test_no_cgo_left_is_claimed_and_cgo_disabled_comes_first(module: Path) -> None:
    report = analyze([("b.log", io.BytesIO(LOG.encode()))], go_module=str(module))
    info = report.build.go_module
    assert info is not None
    assert set(info.cgo_packages) == {"net", "os/user", "runtime/cgo"}
    chains = {c.package: c.path for c in info.chains}
    assert chains["os/user"] == ("example.com/usernet", "os/user")
    assert chains["net"] == ("example.com/usernet", "net")
    first = report.recommendations[0]
    assert first.id == "cgo-disabled" and first.check is None
    assert first.title.endswith("nothing else in this build needs cgo")
    tags = _rec(report, "go-tags")
    assert tags is not None and tags.check is None
    assert "-linkmode" not in tags.commands[0] and tags.produces is not None
    assert tags.produces.libc == "none"


@pytest.mark.parametrize("module", ["go-user-net-cgo"], indirect=True)
def test_a_cgo_package_of_the_program_keeps_the_external_link(module: Path) -> None:
    report = analyze([("b.log", io.BytesIO(LOG.encode()))], go_module=str(module))
    assert report.build.go_module is not None
    assert "example.com/usernetcgo/cadd" in report.build.go_module.cgo_packages
    assert _rec(report, "cgo-disabled") is None  # cadd needs cgo
    tags = _rec(report, "go-tags")
    assert tags is not None and tags.check is None
    assert "-linkmode external" in tags.commands[0]


@pytest.mark.parametrize("module", ["go-user-net"], indirect=True)
def test_without_the_module_the_check_decides(module: Path) -> None:
    report = analyze([("b.log", io.BytesIO(LOG.encode()))])
    tags = _rec(report, "go-tags")
    assert tags is not None and tags.check is not None
    assert tags.check.command.startswith("go list -deps -tags netgo,osusergo")
    disabled = _rec(report, "cgo-disabled")
    assert disabled is not None and disabled.check is not None and disabled.check.otherwise == ()
    assert "nothing else" not in disabled.title


def test_a_module_that_cannot_be_read_is_one_clear_error(tmp_path: Path) -> None:
    if not Path(GO).exists():
        require_tool("go (Debian's golang-go)")
    (tmp_path / "go.mod").write_text(
        "module example.com/x\n\ngo 1.19\n\nrequire example.com/absent v1.0.0\n"
    )
    (tmp_path / "main.go").write_text(
        'package main\n\nimport _ "example.com/absent"\n\nfunc main() {}\n'
    )
    with pytest.raises(InputError, match=r"--go-module .*: go list failed"):
        read_module(str(tmp_path), go=GO)
    with pytest.raises(InputError, match="not a directory"):
        read_module(str(tmp_path / "nope"), go=GO)
