"""The verdict per target distribution: whether the program starts there (platforms.judge), what
breaks there once it does (platforms.breaks_on), and the fix that fits, worded from the fixes of
patterns/fixes.toml and the platforms of patterns/platforms.toml."""

from __future__ import annotations

from collections.abc import Sequence

from cgowarn.enums import Toolchain
from cgowarn.knowledge.loader import KnowledgeBase
from cgowarn.knowledge.models import Distribution, Fix, Runtime
from cgowarn.knowledge.platforms import (
    HOW_TO_KNOW,
    Judgement,
    Subject,
    breaks_on,
    glibc_floor,
    go_too_new,
    judge,
)
from cgowarn.model import Finding, TargetVerdict
from cgowarn.versions import version_tuple


def _image(kb: KnowledgeBase, kernel: str) -> Distribution | None:
    """The newest glibc distribution whose static binaries start on `kernel`: its configured floor
    (upstream's default where its packaging is not known) at most `kernel`."""
    fits = [
        d
        for d in kb.platforms.distribution
        if d.glibc
        and version_tuple(d.glibc_floor or glibc_floor(kb, d.glibc)) <= version_tuple(kernel)
    ]
    return max(fits, key=lambda d: version_tuple(d.glibc or "0"), default=None)


def _glibc_image(kb: KnowledgeBase, glibc: str) -> Distribution | None:
    """The newest distribution whose glibc is at most `glibc` (to build a dynamic binary on)."""
    fits = [
        d
        for d in kb.platforms.distribution
        if d.glibc and version_tuple(d.glibc) <= version_tuple(glibc)
    ]
    return max(fits, key=lambda d: version_tuple(d.glibc or "0"), default=None)


def _musl_ways(kb: KnowledgeBase, s: Subject) -> str:
    """How the fixes that link musl build this program: Rust's musl target for Rust, else their
    compilers (Go's CC)."""
    musl = [f for f in kb.fixes if f.produces and f.produces.libc == "musl"]
    if s.rust:
        rust = [f.commands[Toolchain.RUST][-1] for f in musl if Toolchain.RUST in f.commands]
        return "; ".join(rust[:1])
    return ", ".join(f.go.env["CC"] for f in musl if f.go and f.go.env.get("CC"))


def _old_glibc_ways(kb: KnowledgeBase, s: Subject, glibc: str) -> str:
    """The fix that links against an older glibc's interface (fixes.toml `glibc`), for `glibc`:
    its Rust command for Rust, else its compiler (as Go's CC too), followed by "; "."""
    fix: Fix | None = next((f for f in kb.fixes if f.glibc), None)
    if fix is None or fix.glibc is None or not glibc:
        return ""
    if s.rust:
        ways = list(fix.commands.get(Toolchain.RUST, ())[-1:])
    else:
        cc = fix.go.env.get("CC") if fix.go else None
        ways = [f"{cc} as the compiler (Go: CC)"] if cc else []
    return "".join(f"{way.replace(fix.glibc, glibc)}; " for way in ways)


def _older_rust(kb: KnowledgeBase, target: Distribution) -> str:
    """The newest Rust whose std still supports the target's kernel and glibc."""
    rows = kb.platforms.rust_floor
    fits = [
        i
        for i, r in enumerate(rows)
        if version_tuple(r.kernel) <= version_tuple(target.kernel or "0")
        and (target.glibc is None or version_tuple(r.glibc) <= version_tuple(target.glibc))
    ]
    if not fits or fits[-1] + 1 >= len(rows):
        return "Build on another target: no Rust release listed supports it."
    last, first_too_new = rows[fits[-1]], rows[fits[-1] + 1]
    return (
        f"Build with a Rust release older than {first_too_new.rust} (its std still supports "
        f"kernel {last.kernel} and glibc {last.glibc})."
    )


def _eol(d: Distribution) -> str:
    return f"; end of life since {d.end_of_life}" if d.end_of_life else ""


def verdict_fix(
    kb: KnowledgeBase,
    target: Distribution,
    s: Subject,
    j: Judgement,
    breaks: tuple[str, ...],
    nss_findings: bool,
) -> str:
    go = s.go
    nss = kb.platforms.nss
    if j.starts == "no" and j.cause == "go" and target.kernel:
        too_new = go_too_new(kb, target.kernel)
        release = f"a Go release older than {too_new.go}" if too_new else "an older Go"
        return f"Build with {release}: no C library choice changes the Go runtime's floor."
    if j.starts == "no" and j.cause == "rust" and target.kernel:
        return _older_rust(kb, target)
    if j.starts == "no" and j.cause in ("glibc", "libc"):
        if target.libc == "musl":
            cgo = "; Go without other cgo code: CGO_ENABLED=0" if s.go else ""
            return f"Link statically with musl ({_musl_ways(kb, s)}){cgo}."
        image = _glibc_image(kb, target.glibc or "0")
        on = f"build on {image.name} (glibc {image.glibc}{_eol(image)}), or " if image else ""
        return f"Link against glibc {target.glibc} or older: {on}{_old_glibc_ways(kb, s, target.glibc or '')}or link statically with musl."
    if s.kind in ("musl", "no-libc") and j.starts != "no":
        # No glibc inside: there is no C library to change, only the host's kernel to know.
        if j.starts == "unknown" and j.needs_kernel:
            return (
                "Nothing to change in the binary: the container host's kernel must be "
                f"{j.needs_kernel} or newer (`uname -r` on the host)."
            )
        return "Nothing needed for what this report shows."
    if target.libc == "musl":
        cgo = "; Go code can also drop cgo (CGO_ENABLED=0)" if s.go else ""
        return f"Build with musl ({_musl_ways(kb, s)}){cgo}."
    if j.starts == "no" and target.kernel:
        image = _image(kb, target.kernel)
        older = ""
        if image is not None:
            floor = image.glibc_floor or glibc_floor(kb, image.glibc or "0")
            older = f", or build on {image.name} (glibc {image.glibc}, minimum kernel {floor}{_eol(image)})"
            if nss_findings and version_tuple(image.glibc or "0") < version_tuple(
                nss.builtin_since
            ):
                tags = ",".join(f.go_tag for f in kb.fixes if f.go_tag and not f.keeps_cgo)
                older += (
                    f" with -tags {tags} (Go): a static glibc older than "
                    f"{nss.builtin_since} finds no user or host on hosts with glibc "
                    f"{nss.host_stubs_since} and newer"
                    if go
                    else f" (a static glibc older than {nss.builtin_since} finds no user or host "
                    f"on hosts with glibc {nss.host_stubs_since} and newer)"
                )
        too_new = go_too_new(kb, target.kernel) if go else None
        go_hint = f"; Go older than {too_new.go}" if too_new else ""
        cgo = "; Go without other cgo code: CGO_ENABLED=0" if go else ""
        return f"Link musl (no kernel check){cgo}{older}{go_hint}. Tags do not help here."
    if breaks:
        names = ", ".join(sorted(f.go_tag for f in kb.fixes if f.go_tag))
        tags = f"Go build tags ({names}) where the origin is Go's own code, " if go else ""
        return (
            f"{tags}musl, or a dynamic build on a host with glibc {target.glibc} or older; a "
            "running nscd serves passwd, group and hosts lookups to a static binary."
        )
    if j.starts == "unknown":
        return "Read the binary's own minimum (" + (j.how_to_know or HOW_TO_KNOW) + ")."
    return "Nothing needed for what this report shows."


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def evaluate(
    kb: KnowledgeBase, target: Distribution, subject: Subject, findings: Sequence[Finding]
) -> TargetVerdict:
    runtime = [f for f in findings if f.needs_host]
    j = judge(kb, target, subject)
    breaks = breaks_on(kb, target, subject, runtime) if j.starts != "no" else ()
    # The features breaks_on words: every run-time finding whose needs it weighs.
    broken = sorted(
        {f.category for f in runtime if kb.group_of(f.category).runtime is not None}
        if breaks
        else ()
    )
    nss = any(kb.group_of(f.category).runtime is Runtime.NSS for f in runtime)
    sources = list(target.sources)
    if target.glibc_floor_source:
        sources.append(target.glibc_floor_source)
    return TargetVerdict(
        target=target.id,
        name=target.name,
        subject=subject.name,
        libc=target.libc,
        glibc=target.glibc,
        kernel=target.kernel,
        starts=j.starts,
        reason=_sentence("; ".join(j.reasons or ["nothing decides it"])),
        needs_kernel=j.needs_kernel,
        needs_glibc=j.needs_glibc,
        how_to_know=j.how_to_know,
        breaks=breaks,
        broken=tuple(broken),
        fix=verdict_fix(kb, target, subject, j, breaks, nss),
        sources=tuple(dict.fromkeys(sources)),
    )
