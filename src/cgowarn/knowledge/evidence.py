"""What the folded evidence means: which code each sighting comes from, how much that lets a finding
matter, what each linker message is called and whether it failed the link, and which glibc
version marks the warnings carry. Decided here once, from the knowledge base, for the facts that
fold.py collected without judging them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from cgowarn import demangle
from cgowarn.enums import DiagnosticSeverity, Severity, Toolchain
from cgowarn.facts import MAX_ORIGINS, Facts, FindingFacts, OccurrenceFacts, Sighting
from cgowarn.knowledge.loader import KnowledgeBase
from cgowarn.knowledge.origins import (
    UNATTRIBUTED,
    UNATTRIBUTED_NAME,
    attribute,
    attribute_binary,
    known_origin,
)
from cgowarn.model import Diagnostic, GlibcEvidence, Occurrence, Origin
from cgowarn.parse.gocommand import split_quoted
from cgowarn.regexes import TooSlow

OTHER_ORIGINS = "other origins"
"""Where the occurrences go that are not told apart (beyond MAX_ORIGINS origins, or sightings
beyond the fold's bounds)."""


@dataclass(frozen=True)
class Attribution:
    """A finding's evidence, explained."""

    origins: Counter[str]
    """Origin id -> occurrences attributed to it, over all occurrences."""
    cap: Severity | None
    """The most any occurrence's origin lets the finding matter (high when one is not capped;
    low when every origin is harmless); None without occurrences."""
    notes: tuple[str, ...]
    """What the knowledge base says of its origins, in the order they were first seen."""
    toolchains: frozenset[Toolchain]
    """The toolchains its origins show (a Go package, Rust's std)."""
    occurrences: tuple[Occurrence, ...]


def origin_of(kb: KnowledgeBase, facts: Facts, symbol: str, sighting: Sighting) -> Origin:
    """The code a sighting of `symbol` comes from (origins.py); a pattern that runs out of time
    on it leaves it unattributed, and says so."""
    try:
        if sighting.kind == "binary":
            return _binary_origin(kb, facts, symbol, sighting)
        return attribute(
            kb,
            symbol=symbol,
            object=sighting.object,
            function=sighting.function,
            file=sighting.file,
            unit=sighting.unit,
        )
    except TooSlow as slow:
        return Origin(
            id=UNATTRIBUTED,
            name=UNATTRIBUTED_NAME,
            evidence=f"not attributed: matching {slow.name} took longer than cgowarn allows",
        )


def _binary_origin(kb: KnowledgeBase, facts: Facts, symbol: str, sighting: Sighting) -> Origin:
    how = sighting.how or ""
    if sighting.footprint:  # glibc's own run-time footprint (binary.toml)
        origin = known_origin(kb, kb.glibc_origin, f"binary: {how}")
    else:
        go = (
            facts.binary_go[sighting.binary]
            if 0 <= sighting.binary < len(facts.binary_go)
            else None
        )
        info = (
            facts.binaries[sighting.binary] if 0 <= sighting.binary < len(facts.binaries) else None
        )
        packages = info.cgo_packages if info is not None else None
        origin = attribute_binary(
            kb,
            sighting.brought_by or symbol,
            how,
            go,
            frozenset(packages) if packages is not None else None,
        )
    if sighting.brought_by:
        origin = origin.model_copy(
            update={
                "evidence": f"linked in with {sighting.brought_by} (glibc calls it internally); "
                f"{origin.evidence}"
            }
        )
    return origin


def attribution(kb: KnowledgeBase, facts: Facts, acc: FindingFacts) -> Attribution:
    """The origins, cap, notes and occurrences of one finding."""
    origins: Counter[str] = Counter()
    cap: Severity | None = None
    notes: dict[str, None] = {}
    toolchains: set[Toolchain] = set()
    seen: dict[Sighting, Origin] = {}
    for sighting, count in acc.sightings.items():
        origin = seen[sighting] = origin_of(kb, facts, acc.symbol, sighting)
        origin_id = origin.id
        if origin_id not in origins and len(origins) >= MAX_ORIGINS:
            origin_id = OTHER_ORIGINS
        origins[origin_id] += count
        limit = Severity.LOW if origin.harmless else (origin.severity or Severity.HIGH)
        if cap is None or limit.rank > cap.rank:
            cap = limit
        if origin.note:
            notes[origin.note] = None
        if origin.toolchain:
            toolchains.add(origin.toolchain)
    if acc.other_sightings:
        origins[OTHER_ORIGINS] += acc.other_sightings
        cap = Severity.HIGH  # not told apart: nothing says they matter less
    occurrences = tuple(
        _occurrence(o, seen.get(o.sighting) or origin_of(kb, facts, acc.symbol, o.sighting))
        for o in acc.occurrences
    )
    return Attribution(origins, cap, tuple(notes), frozenset(toolchains), occurrences)


def _occurrence(o: OccurrenceFacts, origin: Origin) -> Occurrence:
    return Occurrence(
        link=o.link,
        source=o.source,
        source_line=o.source_line,
        object=o.object,
        function=o.function,
        function_readable=demangle.function(o.function),
        object_readable=demangle.object_name(o.object),
        file=o.file,
        line=o.line,
        section=o.section,
        origin=origin,
        lines=o.lines,
    )


@dataclass(frozen=True)
class LinkerMessages:
    """The linker messages of the input, explained."""

    diagnostics: tuple[Diagnostic, ...]
    """The kept ones, worded from patterns/diagnostics.toml."""
    errors: int
    """Link errors, all of them."""
    failures: int
    """Messages showing the built program failing at run time (gate = true), all of them."""
    failed_units: frozenset[int]
    """The link units a link error was seen in."""
    linker_output: bool
    """Whether one of them is the linker's own output (not a build command, not a run-time
    failure pasted from the target host)."""
    toolchains: frozenset[Toolchain]


def _dynamic_go_link(facts: Facts) -> bool:
    """Whether the log's go command links externally but not statically (no -static in
    -extldflags); False when it shows none."""
    command = facts.go_command
    if command is None:
        return False
    return "-static" not in split_quoted(command.link_flags.get("extldflags") or "")


def linker_messages(kb: KnowledgeBase, facts: Facts) -> LinkerMessages:
    entries = kb.diagnostics
    errors = failures = 0
    toolchains: set[Toolchain] = set()
    output = False
    dynamic = _dynamic_go_link(facts)

    def harmless(kind: str) -> bool:
        """A gate whose message means no failure for this build (a dynamic external link)."""
        return entries[kind].gate and dynamic and entries[kind].when_dynamic is not None

    def gates(kind: str) -> bool:
        return entries[kind].gate and not harmless(kind)

    for kind, count in facts.diagnostic_kinds.items():
        entry = entries[kind]
        if gates(kind):
            failures += count
        elif entry.severity is DiagnosticSeverity.ERROR and not entry.gate:
            errors += count
        if entry.toolchain:
            toolchains.add(entry.toolchain)
        if not entry.command and not entry.run_time:
            output = True
    failed = frozenset(
        u.id
        for u in facts.units
        if any(
            entries[k].severity is DiagnosticSeverity.ERROR and not entries[k].gate
            for k in u.diagnostic_kinds
        )
    )
    diagnostics = tuple(
        Diagnostic(
            kind=d.kind,
            severity=DiagnosticSeverity.WARNING if harmless(d.kind) else entries[d.kind].severity,
            title=entries[d.kind].title,
            subject=d.subject,
            message=d.message,
            advice=entries[d.kind].when_dynamic or ""
            if harmless(d.kind)
            else entries[d.kind].advice,
            link=d.link,
            source=d.source,
            source_line=d.source_line,
            failure=gates(d.kind),
        )
        for d in facts.diagnostics
    )
    return LinkerMessages(diagnostics, errors, failures, failed, output, frozenset(toolchains))


def glibc_marks(kb: KnowledgeBase, facts: Facts) -> Sequence[GlibcEvidence]:
    """What the warnings reveal about the build's glibc (platforms.toml [[glibc_hint]]), with
    what the binaries' strings showed."""
    found = dict(facts.glibc_evidence)
    for message, obj, function, symbol, line in facts.glibc_marks:
        values = {
            "message": message,
            "object": obj,
            "function": function,
            "symbol": symbol,
            "line": line,
        }
        for hint, fields in kb.glibc_hints:
            if hint.reason in found:
                continue
            try:
                matched = all(
                    (value := values[name]) and pattern.search(value) for name, pattern in fields
                )
            except TooSlow:
                continue
            if matched:
                found[hint.reason] = GlibcEvidence(
                    min=hint.min, max=hint.max, reason=hint.reason, source=hint.source
                )
    return sorted(found.values(), key=lambda e: e.reason)
