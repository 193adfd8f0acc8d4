"""Compute once, present many: the wording, ordering and grouping shared by text, Markdown and HTML.

Everything here is plain data; the templates and the text renderer only lay it out and escape it.
"""

from __future__ import annotations

from collections import Counter

from cgowarn import regexes
from cgowarn.enums import LinkStatus, Severity
from cgowarn.model import (
    BinaryInfo,
    Diagnostic,
    FeatureSummary,
    Finding,
    LinkProblem,
    Occurrence,
    Recommendation,
    Report,
    UnusedSuppression,
)
from cgowarn.render.flow import UNKNOWN_FUNCTION, build_flow
from cgowarn.render.rows import (
    AnswerLine,
    BinaryRow,
    DiagnosticRow,
    FeatureRow,
    FindingRow,
    LinkProblemRow,
    OccurrenceRow,
    OriginNoteRow,
    RecommendationRow,
    StartsMatrix,
    StartsRow,
    Step,
    SuppressedRow,
    TargetRow,
    View,
)
from cgowarn.render.safety import visible_fields
from cgowarn.versions import describe_range, version_tuple
from cgowarn.words import counted, first_few


def _where(o: Occurrence) -> str:
    if o.file and o.line is not None:
        base = f"{o.file}:{o.line}"
    elif o.file:
        base = o.file
    else:
        base = ""
    if o.section and not (o.file and o.line is not None):
        base = f"{base}({o.section})" if base else f"({o.section})"
    return base or "(no location given)"


VERDICTS = {"yes": "starts", "no": "does NOT start", "unknown": "may or may not start"}


def _occurrence(o: Occurrence) -> OccurrenceRow:
    return OccurrenceRow(
        where=_where(o),
        function=o.function_readable or o.function or "",
        object=o.object_readable or o.object or "",
        origin=o.origin.name,
        log=f"{o.source}:{o.source_line}",
        lines=o.lines,
    )


def _finding(f: Finding) -> FindingRow:
    names = dict.fromkeys(o.origin.name for o in f.occurrences)
    binary_only = not f.count and "binary" in f.evidence
    return FindingRow(
        symbol=f.symbol,
        count=f.count,
        shown_count="binary" if binary_only else str(f.count),
        count_label="binary" if binary_only else f"{f.count}x",
        lines_label="seen in a binary" if binary_only else counted(f.count, "line"),
        severity=f.severity.value,
        feature=f.feature + ("" if f.known else UNKNOWN_FUNCTION),
        known=f.known,
        message=f.message,
        breaks=f.breaks,
        why=f.why,
        origins=", ".join(names),
        occurrences=tuple(_occurrence(o) for o in f.occurrences),
        omitted=f.occurrences_omitted,
        sources=f.sources,
        notes=f.notes,
        baseline=f.baseline or "",
    )


def _recommendation(r: Recommendation) -> RecommendationRow:
    if r.known == "verified":
        known = "Verified: the test suite runs these commands on real builds with " + (
            ", ".join(r.verified_on) + " and runs the binaries."
        )
    else:
        known = "From the sources, not run by the test suite" + (
            f" ({r.not_run})." if r.not_run else "."
        )
    check = r.check
    return RecommendationRow(
        title=r.title,
        commands=r.commands,
        check=check.command if check else None,
        check_when=check.explanation if check else "",
        otherwise=check.otherwise if check else (),
        removes=r.removes,
        remaining=r.remaining,
        cost=r.cost,
        kernel=r.kernel,
        known=known,
        sources=r.sources,
    )


def _diagnostic(d: Diagnostic) -> DiagnosticRow:
    return DiagnosticRow(
        severity=d.severity.value,
        title=d.title,
        message=d.message,
        advice=d.advice,
        log=f"{d.source}:{d.source_line}",
    )


def _binary(b: BinaryInfo) -> BinaryRow:
    facts: list[tuple[str, str]] = []
    if b.linkage:
        facts.append(
            ("Linkage", b.linkage + (f", interpreter {b.interpreter}" if b.interpreter else ""))
        )
    if b.machine:
        facts.append(("Architecture", f"{b.machine}, {b.elf_class}-bit"))
    facts.append(("C library", b.libc + (f" ({b.libc_evidence})" if b.libc_evidence else "")))
    if b.needed:
        facts.append(("Needs", ", ".join(b.needed)))
    if b.abi_kernel:
        if b.linkage == "dynamic":
            kernel = f"{b.abi_kernel} (.note.ABI-tag; a dynamic binary runs on whatever the host's glibc supports)"
        else:
            kernel = (
                f"{b.abi_kernel} (.note.ABI-tag: compiled in with the static glibc; on an older "
                'kernel it aborts with "FATAL: kernel too old" or fails on missing system calls)'
            )
        facts.append(("Minimum kernel", kernel))
    if b.glibc_required:
        shown = ", ".join(b.glibc_required_symbols[:8]) + (
            " ..." if len(b.glibc_required_symbols) > 8 else ""
        )
        facts.append(
            (
                "Needs glibc",
                f"{b.glibc_required} or newer, for {shown}"
                if shown
                else f"{b.glibc_required} or newer",
            )
        )
    if b.glibc_min or b.glibc_max:
        span = describe_range(b.glibc_min, b.glibc_max)
        facts.append(("glibc inside", f"{span}: " + "; ".join(e.reason for e in b.glibc_evidence)))
    if b.linkage:
        facts.append(
            (
                "Starts on",
                ", ".join(b.starts_on_families)
                if b.starts_on
                else "none of the known distributions",
            )
        )
    if b.stripped is not None:
        facts.append(("Symbols", "stripped" if b.stripped else "symbol table present"))
    if b.cannot_tell:
        facts.append(
            (
                "Cannot tell",
                f"{', '.join(b.cannot_tell)}: every static glibc binary carries the code that "
                "loads them; whether this one uses it is not in the binary",
            )
        )
    if b.go is not None:
        g = b.go
        settings = ", ".join(
            f"{k}={g.settings[k]}"
            for k in ("CGO_ENABLED", "-tags", "-ldflags", "GOOS", "GOARCH")
            if k in g.settings
        )
        facts.append(
            (
                "Go",
                f"{g.go_version}"
                + (f", {g.path}" if g.path else "")
                + (f"; {settings}" if settings else ""),
            )
        )
        if g.deps:
            facts.append(
                ("Go modules", ", ".join(g.deps[:10]) + (" ..." if len(g.deps) > 10 else ""))
            )
    return BinaryRow(path=b.path, facts=tuple(facts), error=b.error)


def _build_lines(report: Report) -> tuple[str, ...]:
    b = report.build
    lines = []
    if b.toolchains:
        lines.append(f"Toolchains: {', '.join(b.toolchains)}.")
    if b.go_version:
        lines.append(f"Go {b.go_version}.")
    if b.glibc:
        lines.append(f"Build glibc {b.glibc} (given).")
    elif b.glibc_min or b.glibc_max:
        span = describe_range(b.glibc_min, b.glibc_max)
        why = "; ".join(e.reason for e in b.glibc_evidence)
        lines.append(f"Build glibc {span}: {why}.")
    lines += [f"Contradiction: {c}." for c in b.conflicts]
    if b.go_module is not None:
        m = b.go_module
        tags = f" with -tags {','.join(m.tags)}" if m.tags else ""
        lines.append(
            f"go list{tags} in {m.directory}: packages using cgo: "
            + (", ".join(m.cgo_packages) or "none")
            + "."
        )
        for chain in m.chains:
            lines.append(f"{chain.package} comes in through {' -> '.join(chain.path)}.")
    if b.kernel_floor:
        lines.append(
            f"A static glibc binary from this build needs Linux {b.kernel_floor} or newer "
            "(compiled into libc.a; no build tag or linker flag changes it)."
        )
    return tuple(lines)


SUBJECTS_SHOWN = 6
"""Symbols named in a link problem's title; the count says how many there are."""


DETAILS_HINT = (
    "Details (origins, what breaks, what each fix costs): cgowarn --details, or --format html."
)


_PLAIN_NAME = regexes.compile("render.view.PLAIN_NAME", r"[\w.+@~:-]+", anchored=True)
_PLAIN_PATH = regexes.compile("render.view.PLAIN_PATH", r"[\w./+@~:-]+", anchored=True)
UNUSUAL_NAME = "a name with unusual characters (see the message)"


def _plain(name: str) -> str:
    """A symbol or library name from the log, put into a sentence only when it is a plain name:
    anything else stays in the message, which every format shows as log text (in code)."""
    return name if _PLAIN_NAME.fullmatch(name) else UNUSUAL_NAME


def _names(items: tuple[str, ...]) -> str:
    items = tuple(dict.fromkeys(_plain(i) for i in items))
    more = len(items) - SUBJECTS_SHOWN
    return ", ".join(items[:SUBJECTS_SHOWN]) + (f" and {more} more" if more > 0 else "")


def _link_problem(p: LinkProblem) -> LinkProblemRow:
    if p.kind == "libm":
        title = (
            f"{counted(p.count, 'undefined reference')} to libm functions ({_names(p.subjects)})"
        )
        fix = f"add {p.fix} to the link"
    elif p.kind == "undefined_reference":
        title = counted(p.count, "undefined reference")
        fix = f"add the library that defines {_names(p.subjects)} to the link"
    elif p.kind in ("glibc_objects", "static_pie_start"):
        title = f"{counted(p.count, 'undefined reference')} ({_names(p.subjects)}): {p.title}"
        fix = p.fix or "see the advice"
    elif p.kind == "missing_library" and p.fix and p.fix.endswith("for musl"):
        lib = _plain(p.subjects[0]) if p.subjects else UNUSUAL_NAME
        title = f"cannot find -l{lib}: musl-gcc does not search the system's libraries"
        fix = p.fix if lib != UNUSUAL_NAME else "build the library for musl"
    elif p.kind == "missing_library":
        lib = _plain(p.subjects[0]) if p.subjects else UNUSUAL_NAME
        if lib == UNUSUAL_NAME:
            title = "cannot find a library given with -l (its static archive is missing)"
            lib = "X"
        else:
            title = f"cannot find -l{lib} (the static archive lib{lib}.a is missing)"
        known = [f"{family} {pkg}" for family, pkg in p.packages.items() if pkg != "unknown"]
        unknown = [family for family, pkg in p.packages.items() if pkg == "unknown"]
        if known:
            fix = (
                "install "
                + ", ".join(known)
                + (f" (unknown for {', '.join(unknown)})" if unknown else "")
            )
        else:
            fix = f"install lib{lib}.a (no package that ships it is known to cgowarn), or drop -l{lib}"
    elif p.kind == "link_failed":
        title = p.message
        fix = p.advice[:1].lower() + p.advice[1:].rstrip(".")
    else:
        title = p.title + (f": {_plain(p.subjects[0])}" if p.subjects else "")
        fix = p.fix[0].lower() + p.fix[1:] if p.fix else "see the message"
    summary = p.kind == "link_failed"
    return LinkProblemRow(
        title=title,
        fix=fix,
        advice="" if summary else p.advice,
        commands=(p.command,) if p.command else (),
        log=f"{p.source}:{p.source_line}",
        message="" if summary else p.message,
        sources=p.sources,
    )


def _answer(
    report: Report, problems: tuple[LinkProblemRow, ...], targets: tuple[TargetRow, ...]
) -> tuple[AnswerLine, ...]:
    s = report.summary
    out: list[AnswerLine] = []
    if report.sources:
        if s.link_status is LinkStatus.FAILED:
            first = problems[0] if problems else None
            text = (
                f"FAILED: {first.title}: {first.fix}." if first else "FAILED: see the errors below."
            )
            out.append(AnswerLine("Link", text, "bad"))
        elif s.link_status is LinkStatus.OK:
            out.append(AnswerLine("Link", "OK: no link errors in the log.", "ok"))
        elif not s.failures:
            # A pasted run-time failure is about a binary, not a link: no Link line then.
            out.append(AnswerLine("Link", _unseen(report), "warn"))
    if len(report.binaries) > MAX_BINARY_LINES:
        out.append(AnswerLine("Binaries", _binaries_summary(report), ""))
    for b in report.binaries[: 0 if len(report.binaries) > MAX_BINARY_LINES else None]:
        kind = "shared library" if b.shared_library else b.linkage
        facts = ", ".join(x for x in (kind, b.libc if b.libc != "unknown" else "") if x)
        path = b.path if _PLAIN_PATH.fullmatch(b.path) else UNUSUAL_NAME
        out.append(AnswerLine("Binary", f"{path}: {facts or 'not readable'}.", ""))
    failures = [d for d in report.diagnostics if d.failure]
    if s.failures:
        first_failure = f": {failures[0].title} ({failures[0].source}:{failures[0].source_line})"
        out.append(
            AnswerLine(
                "Program",
                f"FAILS{first_failure if failures else ''}.",
                "bad",
            )
        )
    runtime = [f for f in report.findings if f.needs_host and f.glibc]
    rest = [f for f in report.findings if not (f.needs_host and f.glibc)]
    if report.findings:
        features = list(
            dict.fromkeys(
                x.feature for x in report.features for f in runtime if f.category == x.category
            )
        )
        others = list(
            dict.fromkeys(
                x.feature for x in report.features for f in rest if f.category == x.category
            )
        )
        if runtime:
            n, total = len(runtime), len(report.findings)
            if n == total:
                share, verb = (f"all {n} functions", "need") if n > 1 else ("the function", "needs")
            else:
                share, verb = f"{n} of {total} functions", "needs" if n == 1 else "need"
            text = f"{share} {verb} the host's glibc: " + "; ".join(features) + "."
        else:
            text = f"nothing needs the host's glibc; {counted(len(rest), 'function')} warned about."
        if runtime and rest:
            text += f" Also: {'; '.join(others)}."
        elif not runtime:
            text = text.rstrip(".") + f": {'; '.join(others)}."
        worst = max(f.severity.rank for f in report.findings)
        tone = "bad" if runtime and worst >= Severity.HIGH.rank else "warn"
        out.append(AnswerLine("Run time", text, tone))
    elif not failures and s.link_status is LinkStatus.UNSEEN and not report.binaries:
        out.append(AnswerLine("Run time", "cannot tell: the log shows no link.", "warn"))
    elif not failures:
        out.append(AnswerLine("Run time", "no glibc link warnings found.", "ok"))
    if s.link_status is LinkStatus.FAILED and problems and problems[0].commands:
        out.append(
            AnswerLine(
                "Next",
                problems[0].fix[0].upper() + problems[0].fix[1:] + ".",
                "",
                problems[0].commands,
            )
        )
    elif s.link_status is LinkStatus.FAILED and problems:
        out.append(AnswerLine("Next", problems[0].fix[0].upper() + problems[0].fix[1:] + ".", ""))
    elif report.recommendations:
        r = report.recommendations[0]
        if r.check is not None:
            out.append(
                AnswerLine(
                    "Next",
                    f"{r.title}. {CHECK_FIRST}",
                    "",
                    (r.check.command,),
                    _check_steps(r),
                )
            )
        else:
            out.append(AnswerLine("Next", r.title + ".", "", r.commands))
    elif (internal := report.build.internal_link) is not None:
        out.append(
            AnswerLine(
                "Next",
                "To link statically with the C linker, ask for the external link.",
                "",
                (internal.command,),
            )
        )
    elif failures and failures[0].advice:
        out.append(AnswerLine("What to do", failures[0].advice, ""))
    tones = {"yes": "ok", "no": "bad", "unknown": "warn"}
    if len({t.subject for t in targets}) > 1:
        out += _per_target(targets, tones)
        return tuple(out)
    for t in targets:
        out.append(
            AnswerLine(
                f"On {t.name}", f"{t.verdict}: {decisive(t.reason, t.starts)}.", tones[t.starts]
            )
        )
    return tuple(out)


DECISIVE_LENGTH = 90
"""Characters of a verdict's reason kept in the answer's line: its decisive fact."""


def decisive(reason: str, starts: str) -> str:
    """The decisive fact of a verdict's reason, for its one line in the answer: without the
    parentheses, the first sentence, for a "no" the fact before how it fails (after a colon),
    and as many of its clauses (`; `) as fit DECISIVE_LENGTH, at least one. The whole reason
    is in --details and in the targets table."""
    text = reason
    while (cut := _PARENS.sub("", text)) != text:
        text = cut
    text = text.split(". ", 1)[0].rstrip(".")
    if starts == "no":
        text = text.split(": ", 1)[0]
    clauses = text.split("; ")
    kept = clauses[0]
    for clause in clauses[1:]:
        if len(kept) + 2 + len(clause) > DECISIVE_LENGTH:
            break
        kept += "; " + clause
    return kept


def _per_target(targets: tuple[TargetRow, ...], tones: dict[str, str]) -> list[AnswerLine]:
    """One line per target for many binaries: how many start there, and which do not (the
    matrix and --details say why)."""
    out = []
    for name in dict.fromkeys(t.name for t in targets):
        here = [t for t in targets if t.name == name]
        parts = []
        for starts in ("no", "unknown", "yes"):
            paths = [_shown_path(t.subject) for t in here if t.starts == starts]
            if paths:
                which = f" ({first_few(paths)})" if starts != "yes" else ""
                one = len(paths) == 1
                verb = {
                    "no": "does NOT start" if one else "do NOT start",
                    "unknown": "may or may not start",
                    "yes": "starts" if one else "start",
                }
                parts.append(f"{len(paths)} {verb[starts]}{which}")
        worst = next(s for s in ("no", "unknown", "yes") if any(t.starts == s for t in here))
        out.append(AnswerLine(f"On {name}", "; ".join(parts) + ".", tones[worst]))
    return out


_PARENS = regexes.compile("render.view.parentheses", r" ?\([^()]*\)")
"""A parenthesis with no parenthesis inside: removed from the inside out."""

MATRIX_CELLS = {"yes": "yes", "no": "NO", "unknown": "maybe"}
"""A verdict in the binary x target matrix."""


def _starts_matrix(report: Report) -> StartsMatrix | None:
    if len({t.subject for t in report.targets}) < 2:
        return None
    ids = tuple(dict.fromkeys(t.target for t in report.targets))
    cell = {(t.subject, t.target): MATRIX_CELLS[t.starts] for t in report.targets}
    rows = tuple(
        StartsRow(_shown_path(path), tuple(cell.get((path, i), "") for i in ids))
        for path in dict.fromkeys(t.subject for t in report.targets)
    )
    return StartsMatrix(ids, rows)


def _shown_path(path: str) -> str:
    return path if _PLAIN_PATH.fullmatch(path) else UNUSUAL_NAME


CHECK_FIRST = "Run the check first (with --go-module . cgowarn runs it and prints one command)."
"""The Next line's sentence before a check command."""


def _check_steps(r: Recommendation) -> tuple[Step, ...]:
    """What to run after the check, by what it printed."""
    assert r.check is not None
    otherwise = (
        Step("If it prints packages:", r.check.otherwise)
        if r.check.otherwise
        else Step("If it prints packages: this fix does not apply.")
    )
    return (Step("If it prints nothing:", r.commands), otherwise)


MAX_BINARY_LINES = 3
"""Binaries named one per line in the answer; more are counted in one line."""


def _binaries_summary(report: Report) -> str:
    """How many binaries of each kind, and the one that needs the newest glibc."""
    kinds: Counter[str] = Counter()
    for b in report.binaries:
        if b.shared_library:
            kinds["shared libraries"] += 1
        elif b.libc == "glibc":
            kinds["static glibc" if b.linkage != "dynamic" else "dynamic glibc"] += 1
        elif b.libc == "musl":
            kinds["musl"] += 1
        elif b.libc == "none":
            kinds["no C library"] += 1
        else:
            kinds["C library unknown"] += 1
    counts = sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))
    text = f"{len(report.binaries)}: " + ", ".join(f"{n} {k}" for k, n in counts)
    needing = [b for b in report.binaries if b.glibc_required]
    if needing:
        newest = max(needing, key=lambda b: version_tuple(b.glibc_required or "0"))
        path = newest.path if _PLAIN_PATH.fullmatch(newest.path) else UNUSUAL_NAME
        text += f"; the newest glibc needed: {newest.glibc_required}, by {path}"
    return text + "."


def _unseen(report: Report) -> str:
    """The Link line when the input holds no link's output."""
    internal = report.build.internal_link
    if internal is not None and internal.certain:
        return "NOT SEEN: Go linked internally and ignored -extldflags: the binary is dynamic."
    if internal is not None:
        return (
            "NOT SEEN: no linker output in the log; Go probably linked internally and ignored "
            "-extldflags (see the note)."
        )
    return "NOT SEEN: the log holds no linker output (see the note)."


FIXED_SHOWN = 20
"""Fixed functions named in the baseline line; the JSON report lists them all."""


def _baseline_line(report: Report) -> str:
    b = report.baseline
    if b is None:
        return ""
    line = (
        f"Against the baseline {b.file}: {b.new} new, {b.unchanged} unchanged, {len(b.fixed)} fixed"
    )
    if b.fixed:
        names = [f"{e.symbol} ({', '.join(e.origins)})" if e.origins else e.symbol for e in b.fixed]
        more = len(names) - FIXED_SHOWN
        line += f" ({', '.join(names[:FIXED_SHOWN])}{f' and {more} more' if more > 0 else ''})"
    return line + "."


def _suppressed_line(report: Report) -> str:
    if not report.suppressed:
        return ""
    files = ", ".join(dict.fromkeys(x.file for x in report.suppressed))
    return (
        f"{counted(len(report.suppressed), 'function')} suppressed by {files}, "
        "left out of every count and of --fail-on"
    )


def _unused(u: UnusedSuppression) -> str:
    what = u.symbol + "".join(
        f", {key} {value}" for key, value in (("origin", u.origin), ("object", u.object)) if value
    )
    return (
        f"The suppression rule {u.file} suppress[{u.rule}] ({what}) matched no finding: remove "
        "it, or correct it."
    )


def _feature(x: FeatureSummary) -> FeatureRow:
    # "Loading shared libraries and plugins (dlopen)" already names dlopen: no "(dlopen) (dlopen)".
    named = x.feature.endswith(")") and set(x.symbols) <= set(
        x.feature.rsplit("(", 1)[-1].rstrip(")").replace(",", " ").split()
    )
    return FeatureRow(x.feature, x.severity.value, x.breaks, () if named else x.symbols, x.count)


def _origin_notes(findings: tuple[FindingRow, ...]) -> tuple[OriginNoteRow, ...]:
    """Each note once, with the functions it is about (a Rust std note covers several)."""
    by_note: dict[str, list[str]] = {}
    for f in findings:
        for n in f.notes:
            by_note.setdefault(n, []).append(f.symbol)
    return tuple(OriginNoteRow(", ".join(symbols), note) for note, symbols in by_note.items())


MATRIX_FEATURES = 10


def build_view(report: Report) -> View:
    s = report.summary
    failed = s.link_status is LinkStatus.FAILED
    others = sum(1 for f in report.findings if not f.glibc)
    glibc = s.distinct_functions - others
    in_log = sum(1 for f in report.findings if f.glibc and f.count) + s.findings_omitted
    in_binary = glibc - in_log
    if glibc:
        runtime = sum(1 for f in report.findings if f.needs_host)
        if report.sources and in_log:
            title = f"{counted(in_log, 'glibc function')} warned about in the log"
            if in_binary:
                title += f", {in_binary} more seen only in the {'binaries' if len(report.binaries) > 1 else 'binary'}"
        elif report.sources:
            title = f"no glibc warnings in the log; {counted(glibc, 'glibc function')} seen in the {'binaries' if len(report.binaries) > 1 else 'binary'}"
        else:
            title = f"{counted(glibc, 'glibc function')} linked into the {'binaries' if len(report.binaries) > 1 else 'binary'}"
        if runtime:
            title += (
                f"; {runtime} {'needs' if runtime == 1 else 'need'} the host's glibc at run time"
            )
    elif s.suppressed:
        title = f"No glibc link warnings besides {counted(s.suppressed, 'suppressed function')}"
    elif s.failures and (first := next((d for d in report.diagnostics if d.failure), None)):
        title = f"The program FAILS: {first.title}"
    elif s.link_status is LinkStatus.UNSEEN and report.sources and not report.binaries:
        title = "No link seen in the log: cannot tell whether glibc warned"
    else:
        title = "No glibc link warnings found"
    title = title[0].upper() + title[1:]
    if s.partial:
        title = f"PARTIAL ({s.partial}): {title}"
    if others:
        title += f"; {counted(others, 'link warning')} of other libraries"
    if s.failures:
        link_line = f"The program FAILS: {counted(s.failures, 'run-time failure')} in the log" + (
            f", and {counted(s.errors, 'link error')}." if s.errors else "."
        )
    elif failed:
        link_line = f"Link FAILED: {counted(s.errors, 'link error')} in the log."
    elif report.sources and s.link_status is LinkStatus.UNSEEN:
        link_line = "No link output in the log."
    elif report.sources:
        link_line = "No link errors in the log."
    else:
        link_line = f"Inspected {counted(len(report.binaries), 'binary', 'binaries')}."
    severities = (
        f"high {s.by_severity.get('high', 0)} / medium {s.by_severity.get('medium', 0)} / "
        f"low {s.by_severity.get('low', 0)}"
    )
    if report.sources:
        # A binary read beside the logs is a unit of the report, not a link the log shows.
        links = sum(1 for u in report.links if u.kind != "binary") + s.links_omitted
        counts_line = (
            f"{counted(s.warning_lines, 'warning line')}, {counted(links, 'link')}, {severities}"
        )
    else:
        counts_line = severities
    if s.suppressed:
        counts_line += f", {s.suppressed} suppressed"
    notes: list[str] = list(report.notes)
    notes += [_unused(u) for u in report.unused_suppressions]
    if s.findings_omitted:
        notes.append(
            f"Only the first {counted(len(report.findings), 'function')} are listed; "
            f"{'' if s.findings_omitted_exact else 'at least '}{s.findings_omitted} more were "
            "counted, with their warning lines."
        )
    if s.links_omitted:
        notes.append(
            f"Only the first {len(report.links)} links are listed; {s.links_omitted} more were counted."
        )
    omitted = [f for f in report.findings if f.occurrences_omitted]
    if omitted:
        notes.append(
            f"Only the first {report.max_occurrences} occurrences of a function are shown; "
            f"counts are exact."
        )
    findings = tuple(_finding(f) for f in report.findings)
    features = tuple(_feature(x) for x in report.features)
    needs_host = {f.category for f in report.findings if f.needs_host}
    matrix = [x for x in report.features if x.category in needs_host][:MATRIX_FEATURES]
    targets = tuple(
        TargetRow(
            name=x.name,
            subject=x.subject if len({t.subject for t in report.targets}) > 1 else "",
            platform=f"glibc {x.glibc}, kernel {x.kernel}"
            if x.libc == "glibc"
            else "musl, the host's kernel",
            starts=x.starts,
            verdict=VERDICTS[x.starts],
            reason=x.reason + (f" To know: {x.how_to_know}." if x.how_to_know else ""),
            breaks=x.breaks,
            fix=x.fix,
            cells=tuple(
                "n/a" if x.starts == "no" else "breaks" if m.category in x.broken else "works"
                for m in matrix
            ),
        )
        for x in report.targets
    )
    problems = tuple(_link_problem(p) for p in report.link_problems)
    return visible_fields(
        View(
            answer=_answer(report, problems, targets),
            link_problems=problems,
            lines_column=bool(report.sources),
            origin_notes=_origin_notes(findings),
            details_hint=DETAILS_HINT if findings or report.recommendations else "",
            binaries=tuple(_binary(b) for b in report.binaries),
            build=_build_lines(report),
            targets=targets,
            starts_matrix=_starts_matrix(report),
            title=title,
            link_line=link_line,
            failed=failed or bool(s.failures),
            failures=tuple(_diagnostic(d) for d in report.diagnostics if d.failure),
            counts_line=counts_line,
            findings=findings,
            features=features,
            matrix_features=tuple(m.feature for m in matrix),
            flow=build_flow(findings, features),
            recommendations=tuple(_recommendation(r) for r in report.recommendations),
            diagnostics=tuple(_diagnostic(d) for d in report.diagnostics if not d.failure),
            diagnostics_omitted=s.diagnostics_omitted,
            notes=tuple(notes),
            baseline_line=_baseline_line(report),
            has_baseline=report.baseline is not None,
            suppressed_line=_suppressed_line(report),
            suppressed=tuple(
                SuppressedRow(
                    symbol=x.symbol,
                    severity=x.severity.value,
                    lines_label=counted(x.count, "line") if x.count else "seen in a binary",
                    reason=x.reason,
                    rule=f"{x.file} suppress[{x.rule}]",
                )
                for x in report.suppressed
            ),
            sources=", ".join(src.name for src in report.sources),
            version=report.tool_version,
        )
    )
