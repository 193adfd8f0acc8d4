"""Every version threshold in patterns/ tested on both sides, generated from the data: a row or a
release added to platforms.toml or fixes.toml is tested without a line written here. Each test
takes the threshold itself and the release just below it (`below("2.26")` is 2.25,
`below("3.2.0")` is 3.1.999) and checks that the rule changes exactly there."""

from __future__ import annotations

import pytest

from cgowarn.knowledge import load_knowledge
from cgowarn.knowledge.models import Distribution
from cgowarn.knowledge.platforms import (
    Subject,
    glibc_floor,
    go_floor,
    go_too_new,
    kernel_floors,
    rust_floor,
)
from cgowarn.knowledge.verdicts import evaluate
from conftest import GLIBC_MSG, NET_WARNING, OS_USER_WARNING, analyze_text

KB = load_knowledge()
PLATFORMS = KB.platforms
MSG = GLIBC_MSG
OS_USER = OS_USER_WARNING
NET = NET_WARNING
GO_COMMAND = "+ go build -ldflags '-linkmode external -extldflags \"-static\"' ./...\n"


def below(version: str) -> str:
    """The release just below `version`."""
    parts = [int(p) for p in version.split(".")]
    i = max(i for i, p in enumerate(parts) if p > 0)
    return ".".join(str(p) for p in [*parts[:i], parts[i] - 1, *[999] * (len(parts) - i - 1)])


def test_below() -> None:
    assert below("2.26") == "2.25" and below("3.2.0") == "3.1.999" and below("1.0") == "0.999"


def _target(kernel: str | None, glibc: str | None = "2.17", libc: str = "glibc") -> Distribution:
    return Distribution(
        id="t", name="T", family="T", libc=libc, glibc=glibc, kernel=kernel, sources=()
    )


@pytest.mark.parametrize("i", range(1, len(PLATFORMS.glibc_floor)))
def test_each_glibc_floor_row_starts_at_its_release(i: int) -> None:
    row, previous = PLATFORMS.glibc_floor[i], PLATFORMS.glibc_floor[i - 1]
    assert glibc_floor(KB, row.glibc) == row.kernel
    assert glibc_floor(KB, below(row.glibc)) == previous.kernel
    # A build known to be exactly that release can carry that row's floor, and the one below
    # the previous row's (and what distributions shipping it configure).
    at, _ = kernel_floors(KB, row.glibc, row.glibc) or (set(), [])
    under, _ = kernel_floors(KB, below(row.glibc), below(row.glibc)) or (set(), [])
    norm = {".".join((k.split(".") + ["0"] * 3)[:3]) for k in (row.kernel, previous.kernel)}
    assert any(k in at for k in norm) and any(k in under for k in norm)


@pytest.mark.parametrize("i", range(1, len(PLATFORMS.go_floor)))
def test_each_go_floor_row_starts_at_its_release(i: int) -> None:
    row, previous = PLATFORMS.go_floor[i], PLATFORMS.go_floor[i - 1]
    assert go_floor(KB, row.go) == row.kernel
    assert go_floor(KB, below(row.go)) == previous.kernel
    if row.kernel != previous.kernel:
        # A Go binary of that release does not start on the kernel just below its floor; one of
        # the release before does.
        new = Subject("app", "no-libc", True, go_version=row.go, go=True)
        old = Subject("app", "no-libc", True, go_version=below(row.go), go=True)
        assert evaluate(KB, _target(below(row.kernel)), new, []).starts == "no"
        assert evaluate(KB, _target(row.kernel), new, []).starts == "yes"
        assert evaluate(KB, _target(below(row.kernel)), old, []).starts == "yes"
        too_new = go_too_new(KB, below(row.kernel))
        assert too_new is not None and too_new.kernel == row.kernel


@pytest.mark.parametrize("i", range(1, len(PLATFORMS.rust_floor)))
def test_each_rust_floor_row_starts_at_its_release(i: int) -> None:
    row, previous = PLATFORMS.rust_floor[i], PLATFORMS.rust_floor[i - 1]
    assert rust_floor(KB, row.rust) == row
    assert rust_floor(KB, below(row.rust)) == previous
    new = Subject("app", "musl", True, rust_version=row.rust, rust=True)
    old = Subject("app", "musl", True, rust_version=below(row.rust), rust=True)
    assert evaluate(KB, _target(row.kernel), new, []).starts == "yes"
    verdict = evaluate(KB, _target(below(row.kernel)), new, [])
    assert verdict.starts == "no"
    assert f"older than {row.rust}" in verdict.fix
    assert evaluate(KB, _target(below(row.kernel)), old, []).starts == "yes"
    # A dynamic glibc binary: the std's glibc floor.
    dynamic = Subject("app", "dynamic-glibc", True, rust_version=row.rust, rust=True)
    assert evaluate(KB, _target("9.0.0", row.glibc), dynamic, []).starts == "yes"
    assert evaluate(KB, _target("9.0.0", below(row.glibc)), dynamic, []).starts == "no"


def _oldest_kernel() -> Distribution:
    return min(
        (d for d in PLATFORMS.distribution if d.kernel and d.libc == "glibc"),
        key=lambda d: [int(p) for p in (d.kernel or "0").split(".")],
    )


@pytest.mark.parametrize("side", ["below", "at"])
def test_the_start_up_kernel_check_ends_at_its_release(side: str) -> None:
    removed = PLATFORMS.check.removed_in
    glibc = below(removed) if side == "below" else removed
    target = _oldest_kernel()
    report = analyze_text(OS_USER, targets=[target.id], build_glibc=glibc)
    (verdict,) = report.targets
    assert verdict.starts == "no"
    assert ("FATAL: kernel too old" in verdict.reason) is (side == "below")
    assert ("no longer check at start-up" in verdict.reason) is (side == "at")


def _newest_glibc_host() -> Distribution:
    return max(
        (d for d in PLATFORMS.distribution if d.glibc and d.kernel),
        key=lambda d: [int(p) for p in (d.glibc or "0").split(".")],
    )


@pytest.mark.parametrize("side", ["below", "at"])
def test_nss_sources_are_built_in_from_their_release(side: str) -> None:
    since = PLATFORMS.nss.builtin_since
    glibc = below(since) if side == "below" else since
    builtin = " and ".join(PLATFORMS.nss.builtin)
    host = _newest_glibc_host()
    (verdict,) = analyze_text(OS_USER, targets=[host.id], build_glibc=glibc).targets
    text = " ".join(verdict.breaks)
    assert (f"{builtin} are built into glibc {since}" in text) is (side == "at")
    assert (f"even {builtin} are loaded from the host" in text) is (side == "below")
    musl = next(d for d in PLATFORMS.distribution if d.libc == "musl")
    (verdict,) = analyze_text(OS_USER, targets=[musl.id], build_glibc=glibc).targets
    text = " ".join(verdict.breaks)
    assert (f"the {builtin} sources built into glibc {glibc} work" in text) is (side == "at")


@pytest.mark.parametrize("side", ["below", "at"])
def test_hosts_ship_nss_stubs_from_their_release(side: str) -> None:
    since = PLATFORMS.nss.host_stubs_since
    host_glibc = below(since) if side == "below" else since
    subject = Subject(
        "x",
        "static-glibc",
        False,
        glibc_lo=below(PLATFORMS.nss.builtin_since),
        glibc_hi=below(PLATFORMS.nss.builtin_since),
    )
    finding = analyze_text(OS_USER).findings[0]
    verdict = evaluate(KB, _target("9.0.0", host_glibc), subject, [finding])
    text = " ".join(verdict.breaks)
    assert ("are empty stubs" in text) is (side == "at")
    assert ("it works only if that is exactly the build's glibc" in text) is (side == "below")


@pytest.mark.parametrize("side", ["below", "at"])
def test_go_tags_keep_the_external_link_from_the_release_that_allows_it(side: str) -> None:
    """Go before `external_without_cgo_since` with -linkmode external and no cgo left dies at
    start with SIGTRAP: there the tags' command drops the external link, or `go list` decides;
    from that release on the external static link is kept either way."""
    since = KB.go_tags.external_without_cgo_since
    go = below(since) if side == "below" else since
    report = analyze_text(GO_COMMAND + OS_USER + NET, go_version=go)
    (tags,) = [r for r in report.recommendations if r.id == "go-tags"]
    command = tags.commands[0]
    assert "-tags netgo,osusergo" in command
    if side == "at":
        assert tags.check is None
        assert "-linkmode external" in command and '-extldflags "-static"' in command
    else:
        assert tags.check is not None and "go list" in tags.check.command
        assert "-linkmode" not in command and "-extldflags" not in command
        assert tags.check.otherwise and "-linkmode external" in tags.check.otherwise[0]


@pytest.mark.parametrize("d", [d for d in PLATFORMS.distribution if d.glibc], ids=lambda d: d.id)
def test_a_dynamic_binary_starts_exactly_where_its_glibc_is(d: Distribution) -> None:
    assert d.glibc is not None
    at = Subject("app", "dynamic-glibc", True, glibc_required=d.glibc)
    parts = d.glibc.split(".")
    newer = ".".join([*parts[:-1], str(int(parts[-1]) + 1)])
    above = Subject("app", "dynamic-glibc", True, glibc_required=newer)
    assert evaluate(KB, d, at, []).starts == "yes"
    assert evaluate(KB, d, above, []).starts == "no"
