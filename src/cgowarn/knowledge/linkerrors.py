"""A failed link's errors grouped by cause, with the advice that fits them: undefined references to
libm's functions mean -lm, `cannot find -lX` means a missing libX.a (and which package ships it),
and a driver's summary (collect2, Go's `running gcc failed`) means "see the errors above it".

The causes come first, in log order; the summaries last, since they only say that a link failed.
"""

from __future__ import annotations

from collections.abc import Sequence

from cgowarn.enums import DiagnosticSeverity, Toolchain
from cgowarn.knowledge.advice import BuildContext, default_go_command, language_command
from cgowarn.knowledge.loader import KnowledgeBase
from cgowarn.model import Diagnostic, LinkProblem


def _libm_command(kb: KnowledgeBase, build: BuildContext) -> str | None:
    """The build with -lm in its place, for the toolchain the log shows: a C or C++ link is the
    log's own command with -lm last; without one, no command (the advice says where it goes)."""
    libm = kb.libm
    if Toolchain.GO in build.toolchains:
        base = build.go_command or default_go_command(kb, build, set())
        return base.static_external().with_extldflags([libm.flag]).render()
    if Toolchain.RUST in build.toolchains:
        return libm.rust
    if build.c_command is not None:
        return build.c_command.edited(extra=(libm.flag,))
    return None


def _musl_gcc(build: BuildContext) -> bool:
    """Whether the log's link runs musl-gcc (its C command, or the CC of its go command)."""
    if build.c_command is not None and "musl-gcc" in build.c_command.driver:
        return True
    go = build.go_command
    return go is not None and "musl-gcc" in dict(go.env).get("CC", "")


def _language_fix(kb: KnowledgeBase, kind: str, build: BuildContext) -> dict[str, str]:
    """The fix the diagnostic names (zig refusing a static glibc link: its musl target), with
    the log's driver command edited by it when the log shows that command."""
    entry = kb.diagnostics[kind]
    fix = next((f for f in kb.fixes if f.id == entry.language_fix), None)
    if fix is None or entry.toolchain is None:
        return {}
    command = language_command(kb, fix, entry.toolchain, build)
    return {"fix": fix.title, **({"command": command} if command else {})}


def _musl_library(kb: KnowledgeBase, library: str) -> dict[str, object]:
    """`cannot find -lX` under musl-gcc: its own library directory, not a missing package."""
    said = kb.musl_missing_library
    return {"advice": said.advice, "fix": f"build lib{library} for musl", "sources": said.sources}


def _missing_archive(kb: KnowledgeBase, library: str, source: str) -> dict[str, object]:
    """`cannot find -lX`: the package that ships libX.a, per distribution family, where known."""
    archive = kb.archives.get(library)
    packages = {
        label: archive.packages.get(family, "unknown") if archive else "unknown"
        for family, label in kb.distribution_families.items()
    }
    known = [
        (family, archive.packages[family])
        for family in kb.distribution_families
        if archive and archive.packages.get(family, "unknown") != "unknown"
    ]
    return {
        "fix": known[0][1] if known else None,
        "command": f"{kb.install[known[0][0]]} {known[0][1]}" if known else None,
        "packages": packages,
        "sources": (source, *kb.archive_sources) if archive else (source,),
    }


def _problem(first: Diagnostic, **fields: object) -> LinkProblem:
    values: dict[str, object] = {
        "title": first.title,
        "message": first.message,
        "source": first.source,
        "source_line": first.source_line,
        "advice": first.advice,
        **fields,
    }
    return LinkProblem.model_validate(values)


def link_problems(
    kb: KnowledgeBase, diagnostics: Sequence[Diagnostic], build: BuildContext
) -> tuple[LinkProblem, ...]:
    """The link errors among `diagnostics`, grouped by cause (see the module's docstring)."""
    errors = [d for d in diagnostics if d.severity is DiagnosticSeverity.ERROR and not d.failure]
    role = {d.id: d.role for d in kb.diagnostics.values()}
    undefined = [d for d in errors if role.get(d.kind) == "undefined"]
    causes: list[tuple[int, LinkProblem]] = []
    for cause, pattern in kb.undefined_causes:
        told = [d for d in undefined if d.subject and pattern.search(d.subject)]
        if not told:
            continue
        undefined = [d for d in undefined if d not in told]
        causes.append(
            (
                told[0].source_line,
                _problem(
                    told[0],
                    kind=cause.id,
                    title=cause.title,
                    subjects=tuple(dict.fromkeys(d.subject or "" for d in told)),
                    count=len(told),
                    advice=cause.advice,
                    fix=cause.fix,
                    sources=cause.sources,
                ),
            )
        )
    libm_names = kb.libm.names
    subjects = list(dict.fromkeys(d.subject or "" for d in undefined))
    math = [d for d in undefined if d.subject in libm_names]
    other_undefined = [d for d in undefined if d.subject not in libm_names]
    if math:
        names = [s for s in subjects if s in libm_names]
        causes.append(
            (
                math[0].source_line,
                _problem(
                    math[0],
                    kind="libm",
                    subjects=tuple(names),
                    count=len(math),
                    advice=kb.libm.advice,
                    fix=kb.libm.flag,
                    command=_libm_command(kb, build),
                    sources=kb.libm.sources,
                ),
            )
        )
    if other_undefined:
        first = other_undefined[0]
        causes.append(
            (
                first.source_line,
                _problem(
                    first,
                    kind="undefined_reference",
                    subjects=tuple(s for s in subjects if s and s not in libm_names),
                    count=len(other_undefined),
                    sources=(kb.diagnostics[first.kind].source,),
                ),
            )
        )
    libraries: dict[str, list[Diagnostic]] = {}
    for d in errors:
        if role.get(d.kind) == "missing-library":
            libraries.setdefault(d.subject or "", []).append(d)
    musl = _musl_gcc(build)
    for library, items in libraries.items():
        causes.append(
            (
                items[0].source_line,
                _problem(
                    items[0],
                    kind="missing_library",
                    subjects=(library,),
                    count=len(items),
                    **(
                        _musl_library(kb, library)
                        if musl
                        else _missing_archive(kb, library, kb.diagnostics[items[0].kind].source)
                    ),
                ),
            )
        )
    others: dict[tuple[str, str], list[Diagnostic]] = {}
    for d in errors:
        if role.get(d.kind) not in ("undefined", "missing-library"):
            others.setdefault((d.kind, d.subject or ""), []).append(d)
    summaries = []
    for (kind, subject), items in others.items():
        summary = role.get(kind) == "summary"
        problem = _problem(
            items[0],
            kind="link_failed" if summary else "other",
            subjects=(subject,) if subject and not summary else (),
            count=len(items),
            sources=(kb.diagnostics[kind].source,),
            **_language_fix(kb, kind, build),
        )
        if summary:
            summaries.append(problem)
        else:
            causes.append((items[0].source_line, problem))
    causes.sort(key=lambda c: c[0])
    return tuple(p for _, p in causes) + tuple(summaries)
