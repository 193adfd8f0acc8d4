"""The build's glibc and minimum kernel, and per-target verdicts: will a static glibc binary from
this build start there, which features break there, and which fix fits."""

from __future__ import annotations

from collections.abc import Sequence

from cgowarn.enums import Toolchain
from cgowarn.knowledge.loader import KnowledgeBase
from cgowarn.knowledge.models import Distribution, GlibcFloor, GoFloor, Runtime
from cgowarn.model import BuildInfo, Finding, GlibcEvidence, GoModuleInfo, TargetVerdict
from cgowarn.versions import describe_range, version_tuple


def _floor(rows: Sequence[GlibcFloor | GoFloor], version: str) -> str:
    """The kernel of the last row whose release is at most `version` (rows ascend)."""
    floor = rows[0].kernel
    for row in rows:
        release = row.glibc if isinstance(row, GlibcFloor) else row.go
        if version_tuple(release) <= version_tuple(version):
            floor = row.kernel
    return floor


def glibc_floor(kb: KnowledgeBase, glibc: str) -> str:
    """Default minimum kernel of a static binary linked against this glibc release (x86-64)."""
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


def build_info(
    kb: KnowledgeBase,
    *,
    toolchains: Sequence[str],
    go_command: str | None,
    go_version: str | None,
    evidence: Sequence[GlibcEvidence],
    build_glibc: str | None,
    abi_kernel: str | None = None,
    go_module: GoModuleInfo | None = None,
) -> BuildInfo:
    """`abi_kernel`: the minimum kernel read from a static glibc binary's .note.ABI-tag, which
    beats anything inferred from a glibc version."""
    mins = [e.min for e in evidence if e.min]
    maxes = [e.max for e in evidence if e.max]
    lo = max(mins, key=version_tuple) if mins else None
    hi = min(maxes, key=version_tuple) if maxes else None
    floor = evidence_text = None
    if abi_kernel:
        floor, evidence_text = abi_kernel, "the binary's .note.ABI-tag"
    elif build_glibc:
        floor, evidence_text = glibc_floor(kb, build_glibc), f"glibc {build_glibc}'s default"
    elif lo and hi and glibc_floor(kb, lo) == glibc_floor(kb, hi):
        floor, evidence_text = glibc_floor(kb, lo), f"the default of glibc {describe_range(lo, hi)}"
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
        go_module=go_module,
    )


def _older_image(kb: KnowledgeBase, kernel: str) -> Distribution | None:
    """The newest glibc distribution whose static binaries still start on `kernel`."""
    fits = [
        d
        for d in kb.platforms.distribution
        if d.glibc and version_tuple(glibc_floor(kb, d.glibc)) <= version_tuple(kernel)
    ]
    return max(fits, key=lambda d: version_tuple(d.glibc or "0"), default=None)


def _glibc_range(build: BuildInfo) -> tuple[str | None, str | None]:
    if build.glibc:
        return build.glibc, build.glibc
    return build.glibc_min, build.glibc_max


def evaluate(
    kb: KnowledgeBase, target: Distribution, build: BuildInfo, findings: Sequence[Finding]
) -> TargetVerdict:
    lo, hi = _glibc_range(build)
    runtime = [f for f in findings if f.static_only]
    starts, reason = _starts(kb, target, build, lo, hi)
    breaks = _breaks(kb, target, runtime, lo, hi)
    fix = _fix(kb, target, build, starts, runtime)
    return TargetVerdict(
        target=target.id,
        name=target.name,
        libc=target.libc,
        glibc=target.glibc,
        kernel=target.kernel,
        starts=starts,
        reason=reason,
        breaks=breaks,
        fix=fix,
        sources=target.sources,
    )


def _starts(
    kb: KnowledgeBase, target: Distribution, build: BuildInfo, lo: str | None, hi: str | None
) -> tuple[str, str]:
    go_note = ""
    too_new = go_too_new(kb, target.kernel) if target.kernel else None
    if Toolchain.GO in build.toolchains and target.kernel:
        if build.go_version:
            need = go_floor(kb, build.go_version)
            if version_tuple(target.kernel) < version_tuple(need):
                older = f"a Go release older than {too_new.go}" if too_new else "an older Go"
                return "no", (
                    f"Go {build.go_version} itself needs kernel {need}; {target.name} runs {target.kernel}. "
                    f"No C library choice changes that: build with {older}."
                )
        elif too_new is not None:
            go_note = (
                f" Go {too_new.go} and newer themselves need kernel {too_new.kernel}; "
                "the log does not show the Go version."
            )
    lo_floor = glibc_floor(kb, lo) if lo else None
    hi_floor = glibc_floor(kb, hi) if hi else None
    if build.kernel_floor and build.kernel_floor_evidence:
        lo_floor = hi_floor = build.kernel_floor
    if target.kernel is None:
        bound = hi_floor or lo_floor
        text = f"at least {bound}" if bound else "at least the build glibc's minimum kernel"
        return "unknown", f"The kernel is the host's (containers): it must be {text}.{go_note}"
    if build.kernel_floor and build.kernel_floor_evidence:
        floor = build.kernel_floor
        if version_tuple(target.kernel) >= version_tuple(floor):
            return "yes", (
                f"The binary needs kernel {floor} or newer ({build.kernel_floor_evidence}); "
                f"{target.name} runs {target.kernel}.{go_note}"
            )
        return "no", (
            f"The binary needs kernel {floor} or newer ({build.kernel_floor_evidence}); {target.name} runs "
            f"{target.kernel}: {_failure(kb, target, lo, hi)}. Build tags cannot change this.{go_note}"
        )
    if lo_floor is None and hi_floor is None:
        return "unknown", (
            "The log does not show the build host's glibc version, which decides the minimum kernel "
            "compiled into the binary; pass --build-glibc VERSION (`ldd --version` on the build "
            f"host prints it).{go_note}"
        )
    checked = " (glibc's default for that release; a distribution may configure a higher one: `file BINARY` shows it)"
    # The floor only rises with the glibc version: the newest possible build glibc bounds it.
    if hi_floor and version_tuple(target.kernel) >= version_tuple(hi_floor):
        return "yes", (
            f"A build glibc of {describe_range(lo, hi)} needs kernel {hi_floor} at most{checked}; "
            f"{target.name} runs {target.kernel}.{go_note}"
        )
    if lo_floor is None or version_tuple(target.kernel) >= version_tuple(lo_floor):
        return "unknown", (
            f"The build glibc is {describe_range(lo, hi)}; its minimum kernel may exceed {target.kernel}. "
            f"Pass --build-glibc VERSION for a verdict.{go_note}"
        )
    return "no", (
        f"The static glibc carries a minimum kernel of {lo_floor} or higher; {target.name} runs "
        f"{target.kernel}: {_failure(kb, target, lo, hi)}. Build tags cannot change this.{go_note}"
    )


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


def _breaks(
    kb: KnowledgeBase,
    target: Distribution,
    runtime: Sequence[Finding],
    lo: str | None,
    hi: str | None,
) -> tuple[str, ...]:
    if not runtime:
        return ()
    needs = {f.symbol: kb.group_of(f.category).runtime for f in runtime}
    features = sorted({f.feature for f in runtime if needs[f.symbol] is Runtime.NSS})
    dl = any(needs[f.symbol] is Runtime.DLOPEN for f in runtime)
    silent = sorted({f.feature for f in runtime if needs[f.symbol] is Runtime.HOST_DATA})
    nss = kb.platforms.nss
    builtin = " and ".join(nss.builtin)
    out: list[str] = []
    if silent:
        host = (
            "the host (a musl system has none)"
            if target.libc == "musl"
            else f"the host's glibc {target.glibc}"
        )
        out.append(
            f"{', '.join(silent)}: gconv modules and locale files come from {host}; conversions and setlocale can fail."
        )
    if target.libc == "musl":
        if features:
            if lo and version_tuple(lo) >= version_tuple(nss.builtin_since):
                out.append(
                    f"{', '.join(features)}: the host has no glibc NSS modules; the {builtin} sources "
                    f"built into glibc {nss.builtin_since} and newer still work, every other nsswitch "
                    "source is unavailable."
                )
            else:
                out.append(
                    f"{', '.join(features)}: the host has no glibc NSS modules, and a build glibc older "
                    f"than {nss.builtin_since} needs the host's "
                    f"{' and '.join(f'libnss_{s}.so.2' for s in nss.builtin)} even for {builtin}: "
                    "lookups fail."
                )
        if dl:
            out.append(
                "dlopen: the host has no glibc libc.so.6 to load alongside any object: it fails."
            )
        return tuple(out)
    if target.glibc is not None and lo == hi == target.glibc:
        return (
            f"Nothing expected: {target.name} has glibc {target.glibc}, the version this binary was built with.",
        )
    differs = (lo and target.glibc and version_tuple(lo) > version_tuple(target.glibc)) or (
        hi and target.glibc and version_tuple(hi) < version_tuple(target.glibc)
    )
    if differs:
        built = f"glibc {lo}" if lo == hi else f"a build glibc of {describe_range(lo, hi)}"
        verdict = f"not {built}: unsupported"
    else:
        verdict = (
            "this works only if that is exactly the build host's glibc, otherwise it is unsupported"
        )
    if features:
        out.append(
            f"{', '.join(features)}: NSS modules (every nsswitch source except {builtin}) come from "
            f"the host's glibc {target.glibc}; {verdict}; lookups can fail or crash."
        )
    if dl:
        out.append(
            f"dlopen: loads the host's glibc {target.glibc} into the process; {verdict}; it can crash."
        )
    return tuple(out)


def _fix(
    kb: KnowledgeBase,
    target: Distribution,
    build: BuildInfo,
    starts: str,
    runtime: Sequence[Finding],
) -> str:
    go = Toolchain.GO in build.toolchains
    if target.libc == "musl":
        return "Build with musl (Alpine, musl-gcc or zig cc -target x86_64-linux-musl); Go code can also drop cgo (CGO_ENABLED=0)."
    if starts == "no" and target.kernel:
        image = _older_image(kb, target.kernel)
        older = (
            f" or build on {image.name} (glibc {image.glibc}, minimum kernel {glibc_floor(kb, image.glibc or '0')})"
            if image
            else ""
        )
        too_new = go_too_new(kb, target.kernel)
        go_hint = f" with a Go release older than {too_new.go}" if go and too_new else ""
        return f"Link musl (no kernel check){older}{go_hint}. Tags do not help here."
    if runtime:
        dynamic = f" or a dynamic build from a host with glibc {target.glibc} or older"
        names = ", ".join(sorted(f.go_tag for f in kb.fixes if f.go_tag))
        tags = f"Go build tags ({names}) where the origin is Go's own code, " if go else ""
        return f"{tags}musl{dynamic}."
    return "Nothing needed for the functions in this log."
