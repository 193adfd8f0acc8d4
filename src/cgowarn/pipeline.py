"""analyze(): the one entry point the CLI and the tests share. Logs in, Report out.

The logs are read once, front to back; each parsed event is folded into accumulators whose size does
not grow with the log beyond the bounded samples of occurrences and diagnostics. The knowledge stage
(origins, advice, platforms) then turns the accumulated facts into the report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from cgowarn import __version__
from cgowarn.errors import CgowarnError
from cgowarn.knowledge import KnowledgeBase, load_knowledge, match_message
from cgowarn.knowledge.advice import recommend
from cgowarn.knowledge.loader import TOOLCHAINS, version_tuple
from cgowarn.knowledge.origins import attribute, attribute_binary
from cgowarn.knowledge.platforms import build_info, evaluate
from cgowarn.model import (
    BinaryInfo,
    Diagnostic,
    DiagnosticSeverity,
    FeatureSummary,
    Finding,
    GlibcEvidence,
    LinkStatus,
    LinkUnit,
    Occurrence,
    Origin,
    Report,
    Severity,
    SourceInfo,
    Summary,
)
from cgowarn.parse import (
    MAX_VERSION_LINES,
    BuildCommand,
    Context,
    LinkerDiagnostic,
    Location,
    SilentLinkerSeen,
    ToolVersion,
    UnitStart,
    Warning,
    kinds,
    parse_numbered,
)
from cgowarn.parse.reader import Echo, LineCounter, read_lines
from cgowarn.parse.scanner import interesting_lines

if TYPE_CHECKING:
    from cgowarn.inspect import BinaryHit

DEFAULT_MAX_OCCURRENCES = 50
MAX_DIAGNOSTICS = 500
MAX_LINKS = 500
_NO_LOCATION = Location()
# Only meaningful when Go linked internally; a log with linker output shows it linked externally.
INTERNAL_LINK_ONLY = {"extldflags_internal_link"}


class UnknownTargetError(CgowarnError):
    """--target names no distribution in patterns/platforms.toml."""


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
    harmless: bool = True
    notes: dict[str, None] = field(default_factory=dict)
    links: set[int] = field(default_factory=set)
    evidence: set[str] = field(default_factory=set)
    category: str | None = None
    """Set for binary footprint items that are not glibc symbols."""


class _Collector:
    def __init__(
        self, kb: KnowledgeBase, max_occurrences: int, fast: bool = True, echo: Echo | None = None
    ) -> None:
        self.kb = kb
        self.fast = fast
        self.echo = echo
        self.max_occurrences = max_occurrences
        self.units: list[_Unit] = []
        self.units_seen = 0
        self.findings: dict[str, _FindingAcc] = {}
        self.diagnostics: list[Diagnostic] = []
        self.diagnostics_seen = 0
        self.errors = 0
        self.silent: set[str] = set()
        self.sources: list[SourceInfo] = []
        self.toolchains: set[str] = set()
        self.go_command: str | None = None
        self.go_versions: Counter[str] = Counter()
        self.glibc_evidence: dict[str, GlibcEvidence] = {}
        self.saw_linker_output = False
        self.binaries: list[BinaryInfo] = []
        self.hints_checked: set[tuple[str | None, ...]] = set()
        self.version_lines = 0
        self.evidence_seen: dict[tuple[str | None, ...], Origin] = {}
        self.abi_kernels: list[str] = []
        self.unit: _Unit | None = None
        self.context: Context | None = None

    def _active_unit(self) -> _Unit:
        unit = self.unit
        assert unit is not None
        if unit.id == 0:
            self.units_seen += 1
            unit.id = self.units_seen
            if len(self.units) < MAX_LINKS:
                self.units.append(unit)
        return unit

    def read(self, name: str, stream: IO[bytes]) -> None:
        counter = LineCounter()
        self.unit = _Unit(name=name, kind="log", source=name, source_line=0)
        self.context = None
        self.version_lines = 0
        lines = (
            interesting_lines(stream, self.kb, counter, self.echo, self._versions_done)
            if self.fast
            else (
                (n, line, kinds.ALL)
                for n, line in enumerate(read_lines(stream, counter, self.echo), 1)
            )
        )
        for event in parse_numbered(lines, self.kb):
            if isinstance(event, Warning):
                self._warning(name, event)
            elif isinstance(event, Context):
                self.context = event
                self.saw_linker_output = True
            elif isinstance(event, UnitStart):
                self.unit = _Unit(event.name, event.kind, name, event.line_no)
                self.context = None
                if event.kind == "go-package":
                    self.toolchains.add("go")
                elif event.kind == "cargo-crate":
                    self.toolchains.add("rust")
            elif isinstance(event, LinkerDiagnostic):
                self._diagnostic(name, event)
            elif isinstance(event, SilentLinkerSeen):
                self.silent.add(event.name)
            elif isinstance(event, BuildCommand):
                self.toolchains.add(event.tool)
                if self.go_command is None:
                    self.go_command = event.text
            elif isinstance(event, ToolVersion) and self.version_lines < MAX_VERSION_LINES:
                self.version_lines += 1
                self.go_versions[event.version] += 1
        self.sources.append(SourceInfo(name=name, lines=counter.lines, bytes=counter.bytes))

    def _versions_done(self) -> bool:
        """Whether this log has shown MAX_VERSION_LINES Go versions: the rest do not count."""
        return self.version_lines >= MAX_VERSION_LINES

    def _warning(self, source: str, w: Warning) -> None:
        self.saw_linker_output = True
        unit = self._active_unit()
        loc = w.location
        ctx: Location = self.context.location if self.context is not None else _NO_LOCATION
        obj = loc.object or ctx.object
        function = loc.function or ctx.function
        unit_name = unit.name if unit.kind != "log" else None
        # Everything below that depends only on the evidence is worked out once per distinct
        # evidence: a log repeats the same warning from the same object in every link.
        key = (w.symbol, w.message, obj, function, loc.file, unit_name)
        origin = self.evidence_seen.get(key)
        if origin is None:
            if len(self.evidence_seen) >= 4096:
                self.evidence_seen.clear()
            origin = self.evidence_seen[key] = attribute(
                self.kb,
                symbol=w.symbol,
                object=obj,
                function=function,
                file=loc.file,
                unit=unit_name,
            )
            if origin.id.startswith("go:") or (obj and "/go-link-" in obj):
                self.toolchains.add("go")
            elif origin.id.startswith("rust:") or (obj and (".rlib(" in obj or ".rcgu.o" in obj)):
                self.toolchains.add("rust")
            self._glibc_hints(w, obj, function)
        acc = self.findings.get(w.symbol)
        if acc is None:
            acc = self.findings[w.symbol] = _FindingAcc(w.symbol, w.family, w.message)
        acc.count += 1
        acc.evidence.add("log")
        acc.origins[origin.id] += 1
        acc.harmless = acc.harmless and origin.harmless
        if origin.note:
            acc.notes[origin.note] = None
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

    def read_binary(self, path: str) -> None:
        """Fold what one binary shows into the report: its facts, and its footprint as findings
        with evidence "binary" (merged by symbol with the log's findings, never counted twice)."""
        from cgowarn.inspect import inspect_binary

        info, hits, go = inspect_binary(self.kb, path)
        self.binaries.append(info)
        self.unit = _Unit(name=path, kind="binary", source=path, source_line=0)
        unit = self._active_unit()
        if go is not None:
            self.toolchains.add("go")
            self.go_versions[_go_release(go.go_version)] += 1_000
        elif info.libc != "none" and hits:
            self.toolchains.add("c")
        for e in info.glibc_evidence:
            self.glibc_evidence.setdefault(e.reason, e)
        if info.abi_kernel and info.libc == "glibc" and info.linkage != "dynamic":
            self.abi_kernels.append(info.abi_kernel)
        best: dict[str, BinaryHit] = {}
        for hit in hits:
            if hit.symbol not in best or hit.how.startswith("section"):
                best[hit.symbol] = hit
        for symbol, hit in best.items():
            family = "binary"
            if hit.message:
                found = match_message(self.kb, hit.message)
                family = found[0] if found else family
            acc = self.findings.get(symbol)
            if acc is None:
                acc = self.findings[symbol] = _FindingAcc(
                    symbol, family, hit.message or "", category=hit.category
                )
            origin = attribute_binary(self.kb, symbol, hit.how, go)
            acc.evidence.add("binary")
            acc.origins[origin.id] += 1
            acc.harmless = acc.harmless and origin.harmless
            if origin.note:
                acc.notes[origin.note] = None
            acc.links.add(unit.id)
            unit.symbols.add(symbol)
            if len(acc.occurrences) < self.max_occurrences:
                acc.occurrences.append(
                    Occurrence(
                        link=unit.id,
                        source=path,
                        source_line=0,
                        section=hit.how,
                        origin=origin,
                        lines=(f"{path}: {hit.how}" + (f": {hit.message}" if hit.message else ""),),
                    )
                )

    def _glibc_hints(self, w: Warning, obj: str | None, function: str | None) -> None:
        key = (w.message, obj, function, w.symbol)
        if key in self.hints_checked:
            return
        if len(self.hints_checked) >= 4096:
            self.hints_checked.clear()
        self.hints_checked.add(key)
        values = {"message": w.message, "object": obj, "function": function, "symbol": w.symbol}
        for hint, fields in self.kb.glibc_hints:
            if hint.reason in self.glibc_evidence:
                continue
            if all((value := values[name]) and pattern.search(value) for name, pattern in fields):
                self.glibc_evidence[hint.reason] = GlibcEvidence(
                    min=hint.min, max=hint.max, reason=hint.reason, source=hint.source
                )

    def _diagnostic(self, source: str, d: LinkerDiagnostic) -> None:
        unit = self._active_unit()
        pattern = next(p for p, _ in self.kb.diagnostics if p.id == d.kind)
        if pattern.severity is DiagnosticSeverity.ERROR:
            unit.failed = True
            self.errors += 1
        if d.kind == "rust_linking_failed":
            self.toolchains.add("rust")
        elif d.kind == "go_running_gcc_failed":
            self.toolchains.add("go")
        if not pattern.command:
            self.saw_linker_output = True
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

    def _finding(self, acc: _FindingAcc) -> Finding:
        kb = self.kb
        if acc.category is not None:
            category, known = kb.categories[acc.category], True
        elif acc.family == "binary" and acc.symbol in kb.symbols:
            category, known = kb.categories[kb.symbols[acc.symbol].category], True
        else:
            category, known = kb.category_of(acc.symbol, acc.family)
        group = kb.groups[category.group]
        entry = kb.symbols.get(acc.symbol)
        sources = (entry.source, *group.sources) if entry else group.sources
        return Finding(
            symbol=acc.symbol,
            count=acc.count,
            category=category.id,
            feature=category.feature,
            severity=Severity.LOW if acc.harmless else category.severity,
            family=acc.family,
            known=known,
            evidence=tuple(e for e in ("log", "binary") if e in acc.evidence),
            static_only=category.static_only,
            message=acc.message or (entry.messages[-1] if entry else ""),
            breaks=category.breaks,
            why=group.why,
            sources=tuple(dict.fromkeys(sources)),
            origins=tuple(sorted(acc.origins)),
            links=tuple(sorted(acc.links)),
            occurrences=tuple(acc.occurrences),
            notes=tuple(acc.notes),
            occurrences_omitted=max(
                0, acc.count - sum(1 for o in acc.occurrences if o.source_line)
            ),
        )

    def report(self, targets: Sequence[str], build_glibc: str | None) -> Report:
        kb = self.kb
        findings = sorted(
            (self._finding(a) for a in self.findings.values()),
            key=lambda f: (-f.severity.rank, f.symbol),
        )
        diagnostics = self.diagnostics
        if self.saw_linker_output:
            diagnostics = [d for d in diagnostics if d.kind not in INTERNAL_LINK_ONLY]
        toolchains = [t for t in TOOLCHAINS if t in self.toolchains]
        if findings and not toolchains:
            toolchains = ["c"]
        go_version = max(
            self.go_versions, key=lambda v: (self.go_versions[v], version_tuple(v)), default=None
        )
        build = build_info(
            kb,
            toolchains=toolchains,
            go_command=self.go_command,
            go_version=go_version,
            evidence=sorted(self.glibc_evidence.values(), key=lambda e: e.reason),
            build_glibc=build_glibc,
            abi_kernel=max(self.abi_kernels, key=version_tuple) if self.abi_kernels else None,
        )
        verdicts = [evaluate(kb, kb.distributions[name], build, findings) for name in targets]
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
            links_omitted=self.units_seen - len(self.units),
            silent_linkers=tuple(sorted(self.silent)),
        )
        origins = {symbol: set(acc.origins) for symbol, acc in self.findings.items()}
        return Report(
            tool_version=__version__,
            sources=tuple(self.sources),
            summary=summary,
            findings=tuple(findings),
            features=_features(kb, findings),
            diagnostics=tuple(diagnostics),
            links=links,
            recommendations=recommend(kb, findings, origins, toolchains, self.go_command),
            build=build,
            binaries=tuple(self.binaries),
            targets=tuple(verdicts),
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
                severity=max((f.severity for f in items), key=lambda s: s.rank),
                breaks=cat.breaks,
                symbols=tuple(sorted(f.symbol for f in items)),
                count=sum(f.count for f in items),
            )
        )
    rows.sort(key=lambda r: (-r.severity.rank, r.feature))
    return tuple(rows)


def analyze(
    sources: Iterable[tuple[str, IO[bytes]]],
    *,
    max_occurrences: int = DEFAULT_MAX_OCCURRENCES,
    targets: Sequence[str] = (),
    build_glibc: str | None = None,
    binaries: Sequence[str] = (),
    fast: bool = True,
    echo: Echo | None = None,
) -> Report:
    """Read every (name, binary stream) log in order, then every ELF binary, and return one report.

    `fast=False` hands every line to the parser instead of only those the scanner selects; the
    report is the same (the tests check it), only slower. `echo` gets every byte of every log as
    it is read."""
    kb = load_knowledge()
    for name in targets:
        if name not in kb.distributions:
            raise UnknownTargetError(
                f"unknown --target {name!r}; known: {', '.join(kb.distributions)}"
            )
    collector = _Collector(kb, max_occurrences, fast, echo)
    for name, stream in sources:
        collector.read(name, stream)
    for path in binaries:
        collector.read_binary(path)
    return collector.report(targets, build_glibc)


def _go_release(version: str) -> str:
    """`go1.19.8` -> `1.19`; `devel ...` and other forms -> as given."""
    parts = version.removeprefix("go").split(".")
    return (
        ".".join(parts[:2])
        if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit()
        else version
    )
