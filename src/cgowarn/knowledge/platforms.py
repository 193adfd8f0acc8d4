"""Will it start there? Per target distribution, for each binary (or the static build a log shows):
does it start, with the decisive fact; what breaks there; and the fix that fits.

One model for every kind of program: a dynamic glibc binary needs the target's glibc to be at least
its highest GLIBC_x.y; a static glibc binary needs the target's kernel to be at least the minimum
compiled into it (its ABI tag, or what the build glibc's version and the distributions' configured
floors allow); musl and programs without a C library have no glibc floor; the Go runtime and
Rust's std bring floors of their own. Every version is data (patterns/platforms.toml).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from cgowarn.enums import Toolchain
from cgowarn.knowledge.loader import KnowledgeBase
from cgowarn.knowledge.models import (
    Distribution,
    GlibcFloor,
    GoFloor,
    LibcSignature,
    Runtime,
    RustFloor,
)
from cgowarn.model import (
    BinaryInfo,
    BuildInfo,
    Finding,
    GlibcEvidence,
    GoModuleInfo,
)
from cgowarn.versions import describe_range, is_version, version_tuple

Kind = Literal["static-glibc", "dynamic-glibc", "musl", "no-libc", "unknown"]
HOW_TO_KNOW = (
    '`file BINARY` ("for GNU/Linux X"), `readelf -n BINARY` (the ABI tag) or '
    "`cgowarn inspect BINARY` read it from the binary"
)


def _floor(rows: Sequence[GlibcFloor | GoFloor | RustFloor], version: str) -> str:
    """The kernel of the last row whose release is at most `version` (rows ascend)."""
    floor = rows[0].kernel
    for row in rows:
        release = (
            row.glibc
            if isinstance(row, GlibcFloor)
            else row.go
            if isinstance(row, GoFloor)
            else row.rust
        )
        if version_tuple(release) <= version_tuple(version):
            floor = row.kernel
    return floor


def glibc_floor(kb: KnowledgeBase, glibc: str) -> str:
    """Upstream glibc's default minimum kernel for this release (x86-64)."""
    return _floor(kb.platforms.glibc_floor, glibc)


def go_floor(kb: KnowledgeBase, go: str) -> str:
    """Oldest kernel the runtime of this Go release supports."""
    return _floor(kb.platforms.go_floor, go)


def go_too_new(kb: KnowledgeBase, kernel: str) -> GoFloor | None:
    """The first Go release whose runtime no longer supports `kernel`, if any: every release
    before it does."""
    return next(
        (r for r in kb.platforms.go_floor if version_tuple(r.kernel) > version_tuple(kernel)),
        None,
    )


def rust_floor(kb: KnowledgeBase, rust: str) -> RustFloor:
    """What the std of this Rust release needs."""
    rows = kb.platforms.rust_floor
    return next(
        (r for r in reversed(rows) if version_tuple(r.rust) <= version_tuple(rust)), rows[0]
    )


def kernel_floors(
    kb: KnowledgeBase, lo: str | None, hi: str | None
) -> tuple[set[str], list[str]] | None:
    """The minimum kernels a static binary linked against a glibc between `lo` and `hi` can carry:
    upstream's default for every release in that range and what the distributions shipping one of
    them configure; with why. None when the range is open on both sides."""
    if lo is None and hi is None:
        return None
    low = version_tuple(lo) if lo else (0,)
    high = version_tuple(hi) if hi else (999,)
    rows = kb.platforms.glibc_floor
    floors: set[str] = set()
    why: list[str] = []
    for i, row in enumerate(rows):
        start = version_tuple(row.glibc)
        end = version_tuple(rows[i + 1].glibc) if i + 1 < len(rows) else (999,)
        if start <= high and end > low:
            floors.add(row.kernel)
    why.append(f"glibc {describe_range(lo, hi)} defaults to {_or(floors)}")
    for d in kb.platforms.distribution:
        if d.glibc and d.glibc_floor and low <= version_tuple(d.glibc) <= high:
            if d.glibc_floor not in floors:
                why.append(f"{d.name} configures its glibc {d.glibc} for {d.glibc_floor}")
            floors.add(d.glibc_floor)
    return {_norm(f) for f in floors}, why


def _norm(kernel: str) -> str:
    """`3.2` -> `3.2.0`: kernels are written with three parts."""
    parts = kernel.split(".")
    return ".".join(parts + ["0"] * (3 - len(parts)))


def _or(versions: set[str]) -> str:
    ordered = sorted(versions, key=version_tuple)
    return " or ".join(ordered)


def build_info(
    kb: KnowledgeBase,
    *,
    toolchains: Sequence[Toolchain],
    go_command: str | None,
    go_version: str | None,
    evidence: Sequence[GlibcEvidence],
    build_glibc: str | None,
    abi_kernel: str | None = None,
    go_module: GoModuleInfo | None = None,
) -> BuildInfo:
    """What the log (and the options) reveal about the build. `abi_kernel`: the minimum kernel
    read from a static glibc binary's .note.ABI-tag, which beats anything inferred."""
    mins = [e.min for e in evidence if e.min]
    maxes = [e.max for e in evidence if e.max]
    lo = max(mins, key=version_tuple) if mins else None
    hi = min(maxes, key=version_tuple) if maxes else None
    conflicts = []
    if build_glibc and (
        (lo and version_tuple(build_glibc) < version_tuple(lo))
        or (hi and version_tuple(build_glibc) > version_tuple(hi))
    ):
        conflicts.append(
            f"--build-glibc {build_glibc} contradicts the log, which shows a glibc "
            f"{describe_range(lo, hi)}: " + "; ".join(e.reason for e in evidence)
        )
    floor = evidence_text = None
    if abi_kernel:
        floor, evidence_text = abi_kernel, "the binary's .note.ABI-tag"
    else:
        exact = build_glibc if build_glibc and not conflicts else None
        found = kernel_floors(kb, exact or lo, exact or hi)
        if found is not None and len(found[0]) == 1:
            floor, evidence_text = next(iter(found[0])), "; ".join(found[1])
    return BuildInfo(
        toolchains=tuple(toolchains),
        go_command=go_command,
        go_version=go_version,
        glibc=build_glibc,
        glibc_min=lo,
        glibc_max=hi,
        glibc_evidence=tuple(evidence),
        kernel_floor=floor,
        kernel_floor_evidence=evidence_text,
        conflicts=tuple(conflicts),
        go_module=go_module,
    )


@dataclass(frozen=True)
class Subject:
    """What a verdict is about: one binary, or the static build a log shows."""

    name: str
    kind: Kind
    from_binary: bool
    abi_kernel: str | None = None
    glibc_required: str | None = None
    glibc_lo: str | None = None
    glibc_hi: str | None = None
    go_version: str | None = None
    go: bool = False
    rust_version: str | None = None
    rust: bool = False


def subject_of_binary(info: BinaryInfo) -> Subject:
    kind: Kind
    if info.libc == "glibc":
        kind = "dynamic-glibc" if info.linkage == "dynamic" else "static-glibc"
    elif info.libc == "musl":
        kind = "musl"
    elif info.libc == "none":
        kind = "no-libc"
    else:
        kind = "unknown"
    return Subject(
        name=info.path,
        kind=kind,
        from_binary=True,
        abi_kernel=info.abi_kernel,
        glibc_required=info.glibc_required,
        glibc_lo=info.glibc_min,
        glibc_hi=info.glibc_max,
        # A release in another form (a devel or rc build, a damaged "go1") tells no floor.
        go_version=info.go.release.removeprefix("go")
        if info.go and is_version(info.go.release.removeprefix("go"))
        else None,
        go=info.go is not None,
        rust_version=info.rust_version,
        rust=info.rust_version is not None,
    )


def subject_of_log(build: BuildInfo, findings: Sequence[Finding]) -> Subject:
    """The build a log shows: a static glibc link when glibc warned about a function it warns
    about only in static links."""
    static = any(f.static_only and "log" in f.evidence for f in findings)
    exact = build.glibc if build.glibc and not build.conflicts else None
    return Subject(
        name="the static binary this log links",
        kind="static-glibc" if static else "unknown",
        from_binary=False,
        glibc_lo=exact or build.glibc_min,
        glibc_hi=exact or build.glibc_max,
        go_version=build.go_version,
        go=Toolchain.GO in build.toolchains,
        rust=Toolchain.RUST in build.toolchains,
    )


@dataclass
class Judgement:
    starts: str = "yes"
    reasons: list[str] | None = None
    needs_kernel: str | None = None
    needs_glibc: str | None = None
    how_to_know: str | None = None
    cause: str | None = None
    """What decides a "no": kernel, go, rust, glibc, libc."""

    def add(self, starts: str, reason: str, cause: str | None = None) -> None:
        if self.reasons is None:
            self.reasons = []
        order = {"yes": 0, "unknown": 1, "no": 2}
        if order[starts] > order[self.starts]:
            self.starts, self.cause = starts, cause or self.cause
            self.reasons.insert(0, reason)
        else:
            self.reasons.append(reason)


def _failure(kb: KnowledgeBase, target: Distribution, lo: str | None, hi: str | None) -> str:
    """How a static glibc binary fails on a kernel below its floor: at start-up until the release
    that removed glibc's kernel check, since then later, on missing system calls."""
    removed = kb.platforms.check.removed_in
    if hi and version_tuple(hi) < version_tuple(removed):
        return 'glibc\'s start-up check aborts with "FATAL: kernel too old"'
    if lo and version_tuple(lo) >= version_tuple(removed):
        return (
            f"glibc {removed} and newer no longer check at start-up, but system calls newer than "
            f"{target.kernel} fail with ENOSYS or crash"
        )
    return (
        f'it aborts with "FATAL: kernel too old" (glibc before {removed}) or fails later on '
        "missing system calls"
    )


def _runtime_kernel(
    j: Judgement, target: Distribution, need: str, who: str, cause: Literal["go", "rust"]
) -> None:
    """A runtime's own minimum kernel (the Go runtime's, Rust std's) against the target's. Where
    the kernel is the container host's, that decides, as it does for a static glibc's floor."""
    if target.kernel is None:
        j.add("unknown", f"the kernel is the host's (a container): {who} needs {need} or newer")
    elif version_tuple(target.kernel) < version_tuple(need):
        j.add("no", f"{who} needs kernel {need}; {target.name} runs {target.kernel}", cause)


def judge(kb: KnowledgeBase, target: Distribution, s: Subject) -> Judgement:
    j = Judgement()
    kernel = target.kernel
    # The runtimes' own floors, whatever the C library.
    if s.go:
        if s.go_version:
            need = go_floor(kb, s.go_version)
            j.needs_kernel = need
            _runtime_kernel(j, target, need, f"Go {s.go_version} itself", "go")
        elif kernel and (too_new := go_too_new(kb, kernel)) is not None:
            j.add(
                "unknown",
                f"Go {too_new.go} and newer themselves need kernel {too_new.kernel}, more than "
                f"{target.name}'s {kernel}; the Go release is not known (--go-version)",
            )
    if s.rust:
        if s.rust_version:
            floor = rust_floor(kb, s.rust_version)
            j.needs_kernel = max((j.needs_kernel or "0", floor.kernel), key=version_tuple)
            _runtime_kernel(j, target, floor.kernel, f"Rust {s.rust_version}'s std", "rust")
            if (
                s.kind == "dynamic-glibc"
                and target.glibc
                and version_tuple(target.glibc) < version_tuple(floor.glibc)
            ):
                j.add(
                    "no",
                    f"Rust {s.rust_version}'s std needs glibc {floor.glibc}; {target.name} has {target.glibc}",
                    "rust",
                )
        else:
            newest = kb.platforms.rust_floor[-1]
            if kernel and version_tuple(kernel) < version_tuple(newest.kernel):
                j.add(
                    "unknown",
                    f"Rust {newest.rust} and newer need kernel {newest.kernel}, more than "
                    f"{target.name}'s {kernel}; the Rust release is not known",
                )
    # The C library.
    if s.kind == "dynamic-glibc":
        # What the binary needs, whatever the target has.
        j.needs_glibc = s.glibc_required
        if target.libc != "glibc":
            j.add(
                "no",
                f"a dynamic glibc binary needs glibc's loader ({_libc(kb, 'glibc').loader}); "
                f"{target.name} has {target.libc}",
                "libc",
            )
        elif s.glibc_required:
            if target.glibc and version_tuple(target.glibc) < version_tuple(s.glibc_required):
                j.add(
                    "no",
                    f"it needs GLIBC_{s.glibc_required} and {target.name} has glibc {target.glibc}: "
                    f'the loader fails with "version `GLIBC_{s.glibc_required}\' not found"',
                    "glibc",
                )
            else:
                j.add(
                    "yes",
                    f"it needs glibc {s.glibc_required} or newer; {target.name} has {target.glibc}",
                )
        else:
            j.add("yes", "a dynamic binary with no versioned glibc symbols")
    elif s.kind == "static-glibc":
        if s.abi_kernel:
            floors, why = {_norm(s.abi_kernel)}, ["the binary's .note.ABI-tag"]
        else:
            found = kernel_floors(kb, s.glibc_lo, s.glibc_hi)
            if found is None:
                j.add(
                    "unknown",
                    "the log does not show the build host's glibc, which decides the minimum "
                    "kernel compiled into the binary",
                )
                j.how_to_know = f"{HOW_TO_KNOW}; or pass --build-glibc VERSION (`ldd --version`)"
                return j
            floors, why = found
        floor_text = _or(floors)
        j.needs_kernel = max(
            (j.needs_kernel or "0", max(floors, key=version_tuple)), key=version_tuple
        )
        fits = [f for f in floors if kernel and version_tuple(kernel) >= version_tuple(f)]
        if kernel is None:
            j.add(
                "unknown",
                f"the kernel is the host's (a container): it must be {floor_text} or newer",
            )
        elif len(fits) == len(floors):
            needs = (
                f"kernel {floor_text} or newer"
                if len(floors) == 1
                else f"kernel {max(floors, key=version_tuple)} at most"
            )
            j.add("yes", f"it needs {needs} ({'; '.join(why)}); {target.name} runs {kernel}")
        elif not fits:
            j.add(
                "no",
                f"it needs kernel {min(floors, key=version_tuple)} or newer ({'; '.join(why)}); "
                f"{target.name} runs {kernel}: {_failure(kb, target, s.glibc_lo, s.glibc_hi)}. "
                "Build tags cannot change this",
                "kernel",
            )
        else:
            j.add(
                "unknown",
                f"it needs kernel {floor_text}, depending on the glibc it was linked with "
                f"({'; '.join(why)}); {target.name} runs {kernel}",
            )
            j.how_to_know = HOW_TO_KNOW
    elif s.kind in ("musl", "no-libc"):
        j.add(
            "yes",
            "no glibc inside: no glibc floor"
            + (" (static musl has no kernel check)" if s.kind == "musl" else ""),
        )
    else:
        j.add(
            "unknown",
            "the log shows no static glibc link (only warnings that dynamic links print too)",
        )
        j.how_to_know = "`cgowarn inspect BINARY` on the binary the build made"
    return j


def breaks_on(
    kb: KnowledgeBase, target: Distribution, s: Subject, runtime: Sequence[Finding]
) -> tuple[str, ...]:
    """What breaks on the target in a static glibc binary that starts there."""
    if s.kind != "static-glibc" or not runtime:
        return ()
    needs = {f.symbol: kb.group_of(f.category).runtime for f in runtime}
    features = sorted({f.feature for f in runtime if needs[f.symbol] is Runtime.NSS})
    dl = any(needs[f.symbol] is Runtime.DLOPEN for f in runtime)
    host_data = sorted({f.feature for f in runtime if needs[f.symbol] is Runtime.HOST_DATA})
    nss = kb.platforms.nss
    builtin = " and ".join(nss.builtin)
    modules = " and ".join(f"libnss_{b}.so.2" for b in nss.builtin)
    lo, hi = s.glibc_lo, s.glibc_hi
    built = f"glibc {describe_range(lo, hi)}" if lo or hi else "the build host's glibc"
    new = lo is not None and version_tuple(lo) >= version_tuple(nss.builtin_since)
    old = hi is not None and version_tuple(hi) < version_tuple(nss.builtin_since)
    out: list[str] = []
    # The host runs exactly the build's glibc: what it loads from there matches.
    same = target.libc == "glibc" and target.glibc is not None and lo == hi == target.glibc
    if host_data and same:
        out.append(
            f"{', '.join(host_data)}: gconv modules and locale files come from the host's glibc "
            f"{target.glibc}, the build's own version: they load."
        )
    elif host_data:
        host = (
            "the host (a musl system has none)"
            if target.libc == "musl"
            else f"the host's glibc {target.glibc}"
        )
        out.append(
            f"{', '.join(host_data)}: gconv modules and locale files come from {host}; "
            "conversions and setlocale can fail."
        )
    if features:
        what = ", ".join(features)
        if target.libc == "musl":
            if new:
                out.append(
                    f"{what}: the {builtin} sources built into {built} work; the host has no "
                    "glibc NSS modules for any other nsswitch source."
                )
            else:
                out.append(
                    f"{what}: a build glibc older than {nss.builtin_since} needs the host's "
                    f"{modules} even for {builtin}, and a musl host has none: lookups fail."
                )
        else:
            stubs = target.glibc and version_tuple(target.glibc) >= version_tuple(
                nss.host_stubs_since
            )
            if old or not new:
                when = "" if old else f"if the build glibc is older than {nss.builtin_since}, "
                if stubs:
                    text = (
                        f"{when}even {builtin} are loaded from the host, and {target.name}'s "
                        f"{modules} are empty stubs (glibc {nss.host_stubs_since} and newer): the "
                        "binary finds no user, not even root, and no host."
                    )
                else:
                    text = (
                        f"{when}every source, {builtin} included, is loaded from the host's glibc "
                        f"{target.glibc}: it works only if that is exactly the build's glibc, "
                        "otherwise lookups fail or crash."
                    )
                out.append(f"{what}: {text}")
            if not old and same:
                out.append(
                    f"{what}: {builtin} are built into glibc {nss.builtin_since} and newer; "
                    f"every other nsswitch source ({', '.join(nss.modules)}) is a module from "
                    f"the host's glibc {target.glibc}, the build's own version, so it loads; "
                    "but a module that uses thread-local storage, such as systemd's, can crash "
                    "a static binary (reproduced with the same glibc). A running nscd answers "
                    "passwd, group and hosts lookups before any module is loaded."
                )
            elif not old:
                out.append(
                    f"{what}: {builtin} are built into glibc {nss.builtin_since} and newer; "
                    f"every other nsswitch source ({', '.join(nss.modules)}) is a module from "
                    f"the host's glibc {target.glibc}, which works only with exactly the build's "
                    "glibc, and even then a module that uses thread-local storage, such as "
                    "systemd's, can crash a static binary (reproduced with the same glibc). A "
                    "running nscd answers passwd, group and hosts lookups before any module is "
                    "loaded."
                )
    if dl:
        libc = _libc(kb, "glibc").library
        if target.libc == "musl":
            out.append(
                f"dlopen: the host has no glibc {libc} to load alongside any object: it fails."
            )
        elif same:
            out.append(
                f"dlopen: loads the host's {libc} (glibc {target.glibc}, the build's own "
                "version) into the process: it works."
            )
        else:
            exactly = f" ({describe_range(lo, hi)})" if lo or hi else ""
            out.append(
                f"dlopen: loads the host's {libc} (glibc {target.glibc}) into the process; it "
                f"works only when that is exactly the build's glibc{exactly}, otherwise it fails "
                "or crashes."
            )
    return tuple(out)


def _libc(kb: KnowledgeBase, name: str) -> LibcSignature:
    return next(sig for sig in kb.binary.libc if sig.name == name)


def by_family(kb: KnowledgeBase, ids: Sequence[str]) -> tuple[str, ...]:
    """The distributions `ids` in a family's words, the oldest release first ("CentOS/RHEL 8+",
    "Debian 9, 11", "Alpine: no"): every family of the knowledge base is named, so one that the
    binary starts on nowhere says so."""
    families: dict[str, list[Distribution]] = {}
    for d in kb.distributions.values():
        families.setdefault(d.family, []).append(d)
    wanted = set(ids)
    out = []
    for family, releases in families.items():
        on = [d for d in releases if d.id in wanted]
        if not on:
            out.append(f"{family}: no")
        elif len(releases) == 1 or not on[0].release:
            out.append(family)
        elif on == releases[releases.index(on[0]) :]:
            out.append(f"{family} {on[0].release}+")
        else:
            out.append(f"{family} " + ", ".join(d.release for d in on))
    return tuple(out)
