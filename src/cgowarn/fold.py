"""Fold the parser's events, and what inspected binaries show, into Facts (facts.py).

Each warning is attributed to its origin as it is folded, since only a bounded sample of
occurrences is kept while the origins of all of them count. Everything that depends only on a
warning's evidence is worked out once per distinct evidence (the knowledge base's memos).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, TYPE_CHECKING

from cgowarn.enums import DiagnosticSeverity, Severity, Toolchain
from cgowarn.errors import InputError
from cgowarn.facts import (
    MAX_DIAGNOSTICS,
    MAX_FINDINGS,
    MAX_GO_VERSIONS,
    MAX_LINKS,
    MAX_OMITTED_TRACKED,
    MAX_ORIGINS,
    MIN_OCCURRENCES,
    OCCURRENCE_TEXT,
    SHORT_TEXT,
    Facts,
    FindingFacts,
    UnitFacts,
    clip,
)
from cgowarn.inputs import shown_name
from cgowarn.knowledge import KnowledgeBase
from cgowarn.knowledge.origins import attribute, attribute_binary, known_origin
from cgowarn.model import Diagnostic, GlibcEvidence, Occurrence, Origin, SourceInfo
from cgowarn.parse import (
    MAX_VERSION_LINES,
    BuildCommand,
    Context,
    LibcWarning,
    LineSkipped,
    LinkerDiagnostic,
    Location,
    SilentLinkerSeen,
    ToolVersion,
    UnitStart,
    kinds,
    parse_numbered,
)
from cgowarn.parse.gocommand import GoCommand
from cgowarn.parse.reader import Echo, LineCounter, read_lines
from cgowarn.parse.scanner import interesting_lines
from cgowarn.regexes import TooSlow
from cgowarn.versions import is_version

if TYPE_CHECKING:
    from cgowarn.inspect import BinaryHit

_NO_LOCATION = Location()


def _shortened(o: Occurrence) -> Occurrence:
    """`o` with each of its texts cut to SHORT_TEXT characters."""
    return o.model_copy(
        update={
            "object": clip(o.object, SHORT_TEXT),
            "function": clip(o.function, SHORT_TEXT),
            "file": clip(o.file, SHORT_TEXT),
            "section": clip(o.section, SHORT_TEXT),
            "lines": tuple(clip(line, SHORT_TEXT) or "" for line in o.lines),
        }
    )


def _text_size(o: Occurrence) -> int:
    """The characters an occurrence keeps (what its reports will lay out)."""
    return sum(len(t) for t in (o.object, o.function, o.file, o.section, o.source) if t) + sum(
        len(line) for line in o.lines
    )


BINARY_VERSION_WEIGHT = 1_000
"""A binary's embedded Go version outweighs this many log lines naming another."""


class Folder:
    """Reads logs and binaries, one after the other, into one Facts."""

    def __init__(self, kb: KnowledgeBase, facts: Facts) -> None:
        self.kb = kb
        self.facts = facts
        self.unit: UnitFacts | None = None
        self.context: Context | None = None
        self.version_lines = 0

    # --- link units ---------------------------------------------------------------------------

    def _start_unit(self, name: str, kind: str, source: str, line: int) -> None:
        self.unit = UnitFacts(name=clip(name) or name, kind=kind, source=source, source_line=line)
        self.context = None

    def _active_unit(self) -> UnitFacts:
        """The current unit, numbered (and kept, up to MAX_LINKS) when first used."""
        unit = self.unit
        assert unit is not None, "a unit is started before anything is folded"
        if unit.id == 0:
            self.facts.units_seen += 1
            unit.id = self.facts.units_seen
            if len(self.facts.units) < MAX_LINKS:
                self.facts.units.append(unit)
        return unit

    # --- logs ---------------------------------------------------------------------------------

    def read_log(
        self, name: str, stream: IO[bytes], *, fast: bool = True, echo: Echo | None = None
    ) -> None:
        """Fold one log. `fast=False` hands every line to the parser instead of only those the
        scanner selects (the same report, slower); `echo` gets every byte as it is read."""
        counter = LineCounter()
        self._start_unit(name, "log", name, 0)
        self.version_lines = 0
        tables = self.kb.parse
        lines = (
            interesting_lines(stream, tables, counter, echo, self._versions_done)
            if fast
            else (
                (n, line, kinds.ALL) for n, line in enumerate(read_lines(stream, counter, echo), 1)
            )
        )
        try:
            for event in parse_numbered(lines, tables):
                try:
                    self._event(name, event)
                except TooSlow as slow:
                    self._skipped(name, slow.name, getattr(event, "line_no", 0))
        except BrokenPipeError:
            raise  # standard output closed under --pass-through: not the log's fault
        except OSError as exc:
            raise InputError(
                f"cannot read {name}: {exc.strerror or exc} (after {counter.bytes:,} bytes; "
                "what was read is not reported, since it may not be the whole build)"
            ) from None
        self.facts.sources.append(SourceInfo(name=name, lines=counter.lines, bytes=counter.bytes))
        # A stream that had to leave part of its input out (`cgowarn run` behind a fast build)
        # says how much, once it has ended.
        self.facts.unanalysed_bytes += int(getattr(stream, "unanalysed_bytes", 0))

    def _event(self, name: str, event: object) -> None:
        """Fold one event of the log `name`."""
        facts = self.facts
        if isinstance(event, LibcWarning):
            self._warning(name, event)
        elif isinstance(event, Context):
            self.context = event
            facts.saw_linker_output = True
        elif isinstance(event, UnitStart):
            self._start_unit(event.name, event.kind, name, event.line_no)
            if event.toolchain:
                facts.toolchains.add(Toolchain(event.toolchain))
        elif isinstance(event, LinkerDiagnostic):
            self._diagnostic(name, event)
        elif isinstance(event, SilentLinkerSeen):
            facts.silent_linkers.add(event.name)
        elif isinstance(event, BuildCommand):
            facts.toolchains.add(Toolchain(event.tool))
            if facts.go_command is None:
                facts.go_command = GoCommand.parse(event.text)
        elif isinstance(event, ToolVersion) and self.version_lines < MAX_VERSION_LINES:
            self.version_lines += 1
            if event.version in facts.go_versions or len(facts.go_versions) < MAX_GO_VERSIONS:
                facts.go_versions[event.version] += 1
        elif isinstance(event, LineSkipped):
            self._skipped(name, event.pattern, event.line_no)

    def _skipped(self, source: str, pattern: str, line_no: int) -> None:
        """Count a line that was not analysed: `pattern` ran out of time on it."""
        facts = self.facts
        facts.skipped_lines += 1
        if pattern in facts.skipped_patterns or len(facts.skipped_patterns) < MAX_GO_VERSIONS:
            facts.skipped_patterns[pattern] += 1
        if facts.first_skipped is None:
            facts.first_skipped = (source, line_no)

    def _versions_done(self) -> bool:
        """Whether this log has shown MAX_VERSION_LINES Go versions: the rest do not count."""
        return self.version_lines >= MAX_VERSION_LINES

    def _warning(self, source: str, w: LibcWarning) -> None:
        self.facts.saw_linker_output = True
        unit = self._active_unit()
        if w.symbol not in self.facts.findings and len(self.facts.findings) >= MAX_FINDINGS:
            self._finding(w.symbol, w.family, w.message)  # counted as omitted
            unit.warning_lines += 1
            return
        loc = w.location
        context = self.context
        ctx: Location = context.location if context is not None else _NO_LOCATION
        obj = clip(loc.object or ctx.object)
        function = clip(loc.function or ctx.function)
        file = clip(loc.file)
        # Everything that matches a pattern first: a pattern out of time (TooSlow) then leaves
        # nothing half-counted behind.
        origin = attribute(
            self.kb,
            symbol=w.symbol,
            object=obj,
            function=function,
            file=file,
            unit=clip(unit.name) if unit.kind != "log" else None,
        )
        self._glibc_hints(w, obj, function)
        finding = self._finding(w.symbol, w.family, w.message)
        if finding is None:
            unit.warning_lines += 1
            return
        if origin.toolchain:
            self.facts.toolchains.add(origin.toolchain)
        finding.count += 1
        unit.warning_lines += 1

        def occurrence() -> Occurrence:
            return Occurrence(
                link=unit.id,
                source=source,
                source_line=w.line_no,
                object=obj,
                function=function,
                file=file,
                line=loc.line,
                section=clip(loc.section or ctx.section),
                origin=origin,
                lines=(clip(context.raw), clip(w.raw)) if context is not None else (clip(w.raw),),
            )

        self._add_occurrence(finding, unit, origin, "log", occurrence)

    def _finding(
        self, symbol: str, family: str, message: str, category: str | None = None
    ) -> FindingFacts | None:
        """The finding of `symbol`, new if needed; None when MAX_FINDINGS are kept already (the
        occurrence is then counted in findings_omitted and omitted_warning_lines)."""
        facts = self.facts
        finding = facts.findings.get(symbol)
        if finding is None:
            if len(facts.findings) >= MAX_FINDINGS:
                facts.omitted_warning_lines += 1
                key = hash(symbol)
                if key not in facts.omitted_symbols:
                    if len(facts.omitted_symbols) < MAX_OMITTED_TRACKED:
                        facts.omitted_symbols.add(key)
                        facts.findings_omitted += 1
                    else:
                        facts.findings_omitted_exact = False
                return None
            finding = facts.findings[symbol] = FindingFacts(
                clip(symbol) or symbol, family, clip(message) or message, category=category
            )
        return finding

    def _add_occurrence(
        self,
        finding: FindingFacts,
        unit: UnitFacts,
        origin: Origin,
        evidence: str,
        make: Callable[[], Occurrence],
    ) -> None:
        """Count one occurrence of `finding` in `unit`, from a log or a binary; keep it (made by
        `make`, only when kept) while fewer than max_occurrences are kept."""
        finding.evidence.add(evidence)
        origin_id = origin.id
        if origin_id not in finding.origins and len(finding.origins) >= MAX_ORIGINS:
            origin_id = "other origins"
        finding.origins[origin_id] += 1
        cap = Severity.LOW if origin.harmless else (origin.severity or Severity.HIGH)
        if finding.cap is None or cap.rank > finding.cap.rank:
            finding.cap = cap
        if origin.note:
            finding.notes[origin.note] = None
        if unit.id <= MAX_LINKS:
            finding.links.add(unit.id)
            unit.symbols.add(finding.symbol)
        facts = self.facts
        kept = len(finding.occurrences)
        if kept >= facts.max_occurrences:
            return
        if facts.kept_text < OCCURRENCE_TEXT:
            occurrence = make()
        elif kept < MIN_OCCURRENCES:
            occurrence = _shortened(make())
        else:
            return
        facts.kept_text += _text_size(occurrence)
        finding.occurrences.append(occurrence)

    def _glibc_hints(self, w: LibcWarning, obj: str | None, function: str | None) -> None:
        """Record what this warning's evidence reveals about the build glibc. Which hints match
        depends on the evidence alone, so it is worked out once per distinct evidence."""
        memo = self.kb.memos.bounded("glibc-hints")
        key = (w.raw, obj, function)
        matched: tuple[GlibcEvidence, ...] | None = memo.get(key)
        if matched is None:
            values = {
                "message": w.message,
                "object": obj,
                "function": function,
                "symbol": w.symbol,
                "line": w.raw,
            }
            matched = tuple(
                GlibcEvidence(min=hint.min, max=hint.max, reason=hint.reason, source=hint.source)
                for hint, fields in self.kb.glibc_hints
                if all(
                    (value := values[name]) and pattern.search(value) for name, pattern in fields
                )
            )
            memo.put(key, matched, sum(len(part) for part in key if part))
        for e in matched:
            self.facts.glibc_evidence.setdefault(e.reason, e)

    def _diagnostic(self, source: str, d: LinkerDiagnostic) -> None:
        facts = self.facts
        unit = self._active_unit()
        entry = self.kb.diagnostics[d.kind]
        if entry.gate:
            facts.failures += 1
        if entry.severity is DiagnosticSeverity.ERROR and not entry.gate:
            unit.failed = True
            facts.errors += 1
        if entry.toolchain:
            facts.toolchains.add(entry.toolchain)
        if not entry.command and not entry.run_time:
            facts.saw_linker_output = True
        facts.diagnostics_seen += 1
        if len(facts.diagnostics) < MAX_DIAGNOSTICS:
            facts.diagnostics.append(
                Diagnostic(
                    kind=d.kind,
                    severity=entry.severity,
                    title=entry.title,
                    subject=clip(d.subject),
                    message=clip(d.message) or "",
                    advice=entry.advice,
                    link=unit.id,
                    source=source,
                    source_line=d.line_no,
                    failure=entry.gate,
                )
            )

    # --- binaries -----------------------------------------------------------------------------

    def read_binary(self, path: str) -> None:
        """Fold what one binary shows: its facts, and its footprint as findings with evidence
        "binary" (merged by symbol with the logs' findings, never counted twice)."""
        from cgowarn.inspect import inspect_binary

        info, hits, go = inspect_binary(self.kb, path)
        path = shown_name(path)
        if info.path != path:
            info = info.model_copy(update={"path": path})
        facts = self.facts
        facts.binaries.append(info)
        self._start_unit(path, "binary", path, 0)
        unit = self._active_unit()
        if go is not None:
            facts.toolchains.add(Toolchain.GO)
            # A release the binary names in another form (a devel or rc build, a damaged file's
            # "go1") says nothing the version rules can use: the logs decide then.
            if is_version(go.release):
                facts.go_versions[go.release] += BINARY_VERSION_WEIGHT
            if info.cgo_packages is not None:
                facts.binary_cgo_packages = (facts.binary_cgo_packages or set()) | set(
                    info.cgo_packages
                )
        elif info.libc != "none" and hits:
            facts.toolchains.add(Toolchain.C)
        for e in info.glibc_evidence:
            facts.glibc_evidence.setdefault(e.reason, e)
        if info.abi_kernel and info.libc == "glibc" and info.linkage != "dynamic":
            facts.abi_kernels.append(info.abi_kernel)
        best: dict[str, BinaryHit] = {}
        for hit in hits:
            if hit.symbol not in best or hit.how.startswith("section"):
                best[hit.symbol] = hit
        for symbol, hit in best.items():
            family = "binary"
            if hit.message:
                found = self.kb.parse.match_message(hit.message)
                family = found.family if found else family
            finding = self._finding(symbol, family, hit.message or "", hit.category)
            if finding is None:
                continue
            if hit.category is not None:  # glibc's own run-time footprint (binary.toml)
                origin = known_origin(self.kb, "glibc", f"binary: {hit.how}")
            else:
                origin = attribute_binary(self.kb, hit.brought_by or symbol, hit.how, go)
            if hit.brought_by:
                origin = origin.model_copy(
                    update={
                        "evidence": f"linked in with {hit.brought_by} (glibc calls it "
                        f"internally); {origin.evidence}"
                    }
                )
            line = f"{path}: {hit.how}" + (f": {hit.message}" if hit.message else "")

            def occurrence(
                how: str = hit.how, origin: Origin = origin, line: str = line
            ) -> Occurrence:
                return Occurrence(
                    link=unit.id,
                    source=path,
                    source_line=0,
                    section=how,
                    origin=origin,
                    lines=(line,),
                )

            self._add_occurrence(finding, unit, origin, "binary", occurrence)
