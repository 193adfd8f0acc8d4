"""analyze(): the one entry point the CLI and the tests share. Logs in, Report out.

The logs are read once, front to back; each parsed event is folded into accumulators whose size does
not grow with the log beyond the bounded samples of occurrences and diagnostics.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO

from cgowarn import __version__
from cgowarn.knowledge import KnowledgeBase, load_knowledge
from cgowarn.knowledge.origins import attribute
from cgowarn.model import (
    Diagnostic,
    DiagnosticSeverity,
    FeatureSummary,
    Finding,
    LinkStatus,
    LinkUnit,
    Occurrence,
    Recommendation,
    Report,
    Severity,
    SourceInfo,
    Summary,
)
from cgowarn.parse import (
    Context,
    LinkerDiagnostic,
    Location,
    SilentLinkerSeen,
    UnitStart,
    Warning,
    parse_lines,
)
from cgowarn.parse.reader import LineCounter, read_lines

DEFAULT_MAX_OCCURRENCES = 50
MAX_DIAGNOSTICS = 500


@dataclass
class _Unit:
    name: str
    kind: str
    source: str
    source_line: int
    id: int = 0
    failed: bool = False
    warning_lines: int = 0
    symbols: set[str] = field(default_factory=set)


@dataclass
class _FindingAcc:
    symbol: str
    family: str
    message: str
    count: int = 0
    occurrences: list[Occurrence] = field(default_factory=list)
    origins: Counter[str] = field(default_factory=Counter)
    links: set[int] = field(default_factory=set)


class _Collector:
    def __init__(self, kb: KnowledgeBase, max_occurrences: int) -> None:
        self.kb = kb
        self.max_occurrences = max_occurrences
        self.units: list[_Unit] = []
        self.findings: dict[str, _FindingAcc] = {}
        self.diagnostics: list[Diagnostic] = []
        self.diagnostics_seen = 0
        self.errors = 0
        self.silent: set[str] = set()
        self.sources: list[SourceInfo] = []
        self.unit: _Unit | None = None
        self.context: Context | None = None

    def _active_unit(self) -> _Unit:
        unit = self.unit
        assert unit is not None
        if unit.id == 0:
            self.units.append(unit)
            unit.id = len(self.units)
        return unit

    def read(self, name: str, stream: IO[bytes]) -> None:
        counter = LineCounter()
        self.unit = _Unit(name=name, kind="log", source=name, source_line=0)
        self.context = None
        for event in parse_lines(read_lines(stream, counter), self.kb):
            if isinstance(event, Warning):
                self._warning(name, event)
            elif isinstance(event, Context):
                self.context = event
            elif isinstance(event, UnitStart):
                self.unit = _Unit(event.name, event.kind, name, event.line_no)
                self.context = None
            elif isinstance(event, LinkerDiagnostic):
                self._diagnostic(name, event)
            elif isinstance(event, SilentLinkerSeen):
                self.silent.add(event.name)
        self.sources.append(SourceInfo(name=name, lines=counter.lines, bytes=counter.bytes))

    def _warning(self, source: str, w: Warning) -> None:
        unit = self._active_unit()
        loc = w.location
        ctx: Location = self.context.location if self.context is not None else Location()
        obj = loc.object or ctx.object
        function = loc.function or ctx.function
        origin = attribute(
            self.kb,
            object=obj,
            function=function,
            file=loc.file,
            unit=unit.name if unit.kind != "log" else None,
        )
        acc = self.findings.get(w.symbol)
        if acc is None:
            acc = self.findings[w.symbol] = _FindingAcc(w.symbol, w.family, w.message)
        acc.count += 1
        acc.origins[origin.id] += 1
        acc.links.add(unit.id)
        unit.warning_lines += 1
        unit.symbols.add(w.symbol)
        if len(acc.occurrences) < self.max_occurrences:
            lines = (self.context.raw, w.raw) if self.context is not None else (w.raw,)
            acc.occurrences.append(
                Occurrence(
                    link=unit.id,
                    source=source,
                    source_line=w.line_no,
                    object=obj,
                    function=function,
                    file=loc.file,
                    line=loc.line,
                    section=loc.section or ctx.section,
                    origin=origin,
                    lines=lines,
                )
            )

    def _diagnostic(self, source: str, d: LinkerDiagnostic) -> None:
        unit = self._active_unit()
        pattern = next(p for p, _ in self.kb.diagnostics if p.id == d.kind)
        if pattern.severity is DiagnosticSeverity.ERROR:
            unit.failed = True
            self.errors += 1
        self.diagnostics_seen += 1
        if len(self.diagnostics) < MAX_DIAGNOSTICS:
            self.diagnostics.append(
                Diagnostic(
                    kind=d.kind,
                    severity=pattern.severity,
                    title=pattern.title,
                    subject=d.subject,
                    message=d.message,
                    advice=pattern.advice,
                    link=unit.id,
                    source=source,
                    source_line=d.line_no,
                )
            )

    def report(self) -> Report:
        kb = self.kb
        findings = []
        for acc in self.findings.values():
            category, known = kb.category_of(acc.symbol, acc.family)
            group = kb.groups[category.group]
            entry = kb.symbols.get(acc.symbol)
            sources = (entry.source, *group.sources) if entry else group.sources
            findings.append(
                Finding(
                    symbol=acc.symbol,
                    count=acc.count,
                    category=category.id,
                    feature=category.feature,
                    severity=category.severity,
                    family=acc.family,
                    known=known,
                    static_only=category.static_only,
                    message=acc.message,
                    breaks=category.breaks,
                    why=group.why,
                    sources=tuple(dict.fromkeys(sources)),
                    origins=tuple(sorted(acc.origins)),
                    links=tuple(sorted(acc.links)),
                    occurrences=tuple(acc.occurrences),
                    occurrences_omitted=acc.count - len(acc.occurrences),
                )
            )
        findings.sort(key=lambda f: (-f.severity.rank, f.symbol))
        links = tuple(
            LinkUnit(
                id=u.id,
                name=u.name,
                kind=u.kind,
                source=u.source,
                source_line=u.source_line,
                status=LinkStatus.FAILED if u.failed else LinkStatus.OK,
                warning_lines=u.warning_lines,
                symbols=tuple(sorted(u.symbols)),
            )
            for u in self.units
        )
        by_severity = Counter(f.severity.value for f in findings)
        summary = Summary(
            link_status=LinkStatus.FAILED if self.errors else LinkStatus.OK,
            distinct_functions=len(findings),
            warning_lines=sum(f.count for f in findings),
            by_severity={s.value: by_severity.get(s.value, 0) for s in Severity},
            errors=self.errors,
            diagnostics_omitted=self.diagnostics_seen - len(self.diagnostics),
            silent_linkers=tuple(sorted(self.silent)),
        )
        return Report(
            tool_version=__version__,
            sources=tuple(self.sources),
            summary=summary,
            findings=tuple(findings),
            features=_features(kb, findings),
            diagnostics=tuple(self.diagnostics),
            links=links,
            recommendations=_recommendations(kb, findings, self.findings),
            max_occurrences=self.max_occurrences,
        )


def _features(kb: KnowledgeBase, findings: list[Finding]) -> tuple[FeatureSummary, ...]:
    by_cat: dict[str, list[Finding]] = {}
    for f in findings:
        by_cat.setdefault(f.category, []).append(f)
    rows = []
    for cat_id, items in by_cat.items():
        cat = kb.categories[cat_id]
        rows.append(
            FeatureSummary(
                category=cat_id,
                feature=cat.feature,
                severity=cat.severity,
                breaks=cat.breaks,
                symbols=tuple(sorted(f.symbol for f in items)),
                count=sum(f.count for f in items),
            )
        )
    rows.sort(key=lambda r: (-r.severity.rank, r.feature))
    return tuple(rows)


def _recommendations(
    kb: KnowledgeBase, findings: list[Finding], accs: dict[str, _FindingAcc]
) -> tuple[Recommendation, ...]:
    all_symbols = [f.symbol for f in findings]
    recs: list[tuple[int, Recommendation]] = []

    tag_fixes = [
        f
        for f in kb.fixes
        if f.go_tag and any(accs[s].origins.keys() & set(f.origins) for s in all_symbols)
    ]
    if tag_fixes:
        covered = {o for f in tag_fixes for o in f.origins}
        removes = [s for s in all_symbols if set(accs[s].origins) <= covered]
        tags = ",".join(sorted(f.go_tag for f in tag_fixes if f.go_tag))
        costs = " ".join(f"{f.go_tag}: {f.cost}" for f in tag_fixes)
        recs.append(
            (
                kb.go_tags.rank,
                Recommendation(
                    id="go-tags",
                    title=f"{kb.go_tags.title}: -tags {tags}",
                    commands=(kb.go_tags.command.replace("{tags}", tags),),
                    removes=tuple(sorted(removes)),
                    remaining=tuple(sorted(s for s in all_symbols if s not in removes)),
                    cost=f"{kb.go_tags.cost} {costs}",
                    sources=tuple(dict.fromkeys(src for f in tag_fixes for src in f.sources)),
                ),
            )
        )
    for fix in kb.fixes:
        if not fix.categories_group:
            continue
        removes = [
            f.symbol for f in findings if kb.categories[f.category].group in fix.categories_group
        ]
        if not removes:
            continue
        recs.append(
            (
                fix.rank,
                Recommendation(
                    id=fix.id,
                    title=fix.title,
                    commands=fix.commands,
                    removes=tuple(sorted(removes)),
                    remaining=tuple(sorted(s for s in all_symbols if s not in removes)),
                    cost=fix.cost,
                    sources=fix.sources,
                ),
            )
        )
    recs.sort(key=lambda r: (r[0], r[1].id))
    return tuple(r for _, r in recs)


def analyze(
    sources: Iterable[tuple[str, IO[bytes]]], *, max_occurrences: int = DEFAULT_MAX_OCCURRENCES
) -> Report:
    """Read every (name, binary stream) in order and return the report."""
    collector = _Collector(load_knowledge(), max_occurrences)
    for name, stream in sources:
        collector.read(name, stream)
    return collector.report()
