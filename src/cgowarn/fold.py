"""Fold the parser's events, and what inspected binaries show, into Facts (facts.py).

Folding only collects: each warning's evidence (its sighting: object, function, file, unit) is
counted once per distinct sighting, a bounded sample of occurrences is kept, and every count stays
exact. What the evidence means (which code pulled a function in, how much it matters, what a
linker message is called) is decided once, afterwards, by the knowledge stage.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import IO, TYPE_CHECKING

from cgowarn.enums import Toolchain
from cgowarn.errors import InputError
from cgowarn.facts import (
    MAX_DIAGNOSTICS,
    MAX_FINDINGS,
    MAX_GO_VERSIONS,
    MAX_LINKS,
    MAX_OMITTED_TRACKED,
    MAX_SIGHTINGS,
    MIN_OCCURRENCES,
    OCCURRENCE_TEXT,
    SIGHTING_TEXT,
    DiagnosticFacts,
    Facts,
    FindingFacts,
    OccurrenceFacts,
    Sighting,
    UnitFacts,
    clip,
)
from cgowarn.fingerprint import without_temporary_names
from cgowarn.inputs import shown_name
from cgowarn.knowledge import KnowledgeBase
from cgowarn.model import SourceInfo
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
from cgowarn.parse.ccommand import CCommand
from cgowarn.parse.gocommand import GoCommand
from cgowarn.parse.reader import Echo, LineCounter, read_lines
from cgowarn.parse.scanner import interesting_lines
from cgowarn.parse.unwrap import unwrap
from cgowarn.regexes import TooSlow
from cgowarn.versions import is_version

if TYPE_CHECKING:
    from cgowarn.inspect import BinaryHit
    from cgowarn.inspect.parallel import Reading
    from cgowarn.inspect.tree import Member

_NO_LOCATION = Location()
BINARY_VERSION_WEIGHT = 1_000
"""A binary's embedded Go version outweighs this many log lines naming another."""
MAX_MARKS = MAX_SIGHTINGS * 16
"""Distinct warning evidences kept for the glibc version marks (Facts.glibc_marks)."""
MARK_TEXT = 2 << 20
"""Characters of them kept."""


class Findings:
    """The findings of one Facts: found or made by symbol (up to MAX_FINDINGS, the rest counted),
    each occurrence and its sighting counted, a bounded sample kept."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts

    def get(
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

    def add(
        self,
        finding: FindingFacts,
        unit: UnitFacts,
        sighting: Sighting,
        make: Callable[[], OccurrenceFacts],
    ) -> None:
        """Count one occurrence of `finding` in `unit`, from a log or a binary, and its sighting;
        keep it (made by `make`, only when kept) while the bounds allow."""
        facts = self.facts
        finding.evidence.add(sighting.kind)
        self._count(finding, sighting)
        if unit.id <= MAX_LINKS:
            finding.links.add(unit.id)
            unit.symbols.add(finding.symbol)
        kept = len(finding.occurrences)
        if kept >= facts.max_occurrences:
            return
        if facts.kept_text < OCCURRENCE_TEXT:
            occurrence = make()
        elif kept < MIN_OCCURRENCES:
            occurrence = make().shortened()
        else:
            return
        facts.kept_text += occurrence.text_size()
        finding.occurrences.append(occurrence)

    def _count(self, finding: FindingFacts, sighting: Sighting) -> None:
        """Count `sighting` for `finding`. Sightings that differ only in the run-specific part of
        a temporary name (/tmp/go-link-NNN, /tmp/ccXXXXXX.o) are one: they come from the same code,
        and a build of many links would otherwise make each new."""
        facts = self.facts
        sightings = finding.sightings
        if sighting in sightings:
            sightings[sighting] += 1
            return
        alias = self._without_temporary_names(sighting)
        first = finding.aliases.get(alias)
        if first is not None:
            sightings[first] += 1
            return
        size = sighting.text_size()
        if len(sightings) >= MAX_SIGHTINGS or facts.sighting_text + size > SIGHTING_TEXT:
            finding.other_sightings += 1
            return
        facts.sighting_text += size
        sightings[sighting] += 1
        if alias != sighting:
            finding.aliases[alias] = sighting

    @staticmethod
    def _without_temporary_names(sighting: Sighting) -> Sighting:
        """`sighting` with the run-specific part of a temporary object name replaced (the first
        sighting of each such group is counted for all, and attributed with its real name)."""
        obj = sighting.object
        if obj is None or without_temporary_names(obj) == obj:
            return sighting
        return Sighting(
            sighting.kind,
            without_temporary_names(obj),
            sighting.function,
            sighting.file,
            sighting.unit,
        )

    def mark(self, w: LibcWarning, obj: str | None, function: str | None) -> None:
        """Keep this warning's evidence for the glibc version marks, once per distinct one."""
        facts = self.facts
        marks = facts.glibc_marks
        key = (w.message, obj, function, w.symbol, w.raw)
        if key in marks or len(marks) >= MAX_MARKS:
            return
        size = sum(len(part) for part in key if part)
        if facts.mark_text + size <= MARK_TEXT:
            facts.mark_text += size
            marks[key] = None

    def add_binary(self, hits: Sequence[BinaryHit], unit: UnitFacts, path: str, index: int) -> None:
        """Count what the binary `path` (Facts.binaries[index]) shows, one occurrence per
        function: a warning section's evidence first, else its symbol or string."""
        best: dict[str, BinaryHit] = {}
        for hit in hits:
            if hit.symbol not in best or hit.how.startswith("section"):
                best[hit.symbol] = hit
        for symbol, hit in best.items():
            finding = self.get(symbol, hit.family, hit.message or "", hit.category)
            if finding is None:
                continue
            sighting = Sighting(
                "binary",
                how=hit.how,
                brought_by=hit.brought_by,
                footprint=hit.category is not None,
                binary=index,
            )
            line = f"{path}: {hit.how}" + (f": {hit.message}" if hit.message else "")

            def occurrence(
                how: str = hit.how, line: str = line, seen: Sighting = sighting
            ) -> OccurrenceFacts:
                return OccurrenceFacts(
                    link=unit.id,
                    source=path,
                    source_line=0,
                    sighting=seen,
                    lines=(line,),
                    section=how,
                )

            self.add(finding, unit, sighting, occurrence)


class Folder:
    """Reads logs and binaries, one after the other, into one Facts."""

    def __init__(self, kb: KnowledgeBase, facts: Facts) -> None:
        self.kb = kb
        self.facts = facts
        self.findings = Findings(facts)
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
            for event in parse_numbered(unwrap(lines, tables), tables):
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

    def read_command(self, name: str, text: str) -> None:
        """Fold the build command itself (`cgowarn run` knows it), as a log line that shows it:
        read before the build's output, it is the command the advice edits."""
        self._start_unit(name, "log", name, 0)
        for event in parse_numbered([(0, f"$ {text}", kinds.ALL)], self.kb.parse):
            if isinstance(event, (BuildCommand, SilentLinkerSeen)):
                self._event(name, event)

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
            facts.link_units_started += 1
            if event.toolchain:
                facts.toolchains.add(Toolchain(event.toolchain))
        elif isinstance(event, LinkerDiagnostic):
            self._diagnostic(name, event)
        elif isinstance(event, SilentLinkerSeen):
            facts.silent_linkers.add(event.name)
        elif isinstance(event, BuildCommand) and event.tool == "make":
            facts.make = True
        elif isinstance(event, BuildCommand):
            facts.toolchains.add(Toolchain(event.tool))
            if event.tool in (Toolchain.C, Toolchain.CXX):
                if facts.c_command is None:
                    facts.c_command = CCommand.parse(event.text)
            elif event.tool == Toolchain.GO and facts.go_command is None:
                facts.go_command = GoCommand.parse(event.text)
            elif event.tool != Toolchain.GO:
                facts.language_commands.setdefault(event.tool, event.text)
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
        unit.warning_lines += 1
        finding = self.findings.get(w.symbol, w.family, w.message)
        if finding is None:
            return
        finding.count += 1
        loc = w.location
        context = self.context
        ctx: Location = context.location if context is not None else _NO_LOCATION
        obj = clip(loc.object or ctx.object)
        function = clip(loc.function or ctx.function)
        file = clip(loc.file)
        sighting = Sighting(
            "log",
            object=obj,
            function=function,
            file=file,
            unit=unit.name if unit.kind != "log" else None,
        )
        self.findings.mark(w, obj, function)

        def occurrence() -> OccurrenceFacts:
            return OccurrenceFacts(
                link=unit.id,
                source=source,
                source_line=w.line_no,
                sighting=sighting,
                lines=(clip(context.raw) or "", clip(w.raw) or "")
                if context is not None
                else (clip(w.raw) or "",),
                object=obj,
                function=function,
                file=file,
                line=loc.line,
                section=clip(loc.section or ctx.section),
            )

        self.findings.add(finding, unit, sighting, occurrence)

    def _diagnostic(self, source: str, d: LinkerDiagnostic) -> None:
        facts = self.facts
        unit = self._active_unit()
        unit.diagnostic_kinds.add(d.kind)
        facts.diagnostic_kinds[d.kind] += 1
        if len(facts.diagnostics) < MAX_DIAGNOSTICS:
            facts.diagnostics.append(
                DiagnosticFacts(
                    kind=d.kind,
                    subject=clip(d.subject),
                    message=clip(d.message) or "",
                    link=unit.id,
                    source=source,
                    source_line=d.line_no,
                )
            )

    # --- binaries -----------------------------------------------------------------------------

    def read_binary(
        self, path: str, member: Member | None = None, reading: Reading | None = None
    ) -> None:
        """Fold what one binary shows: its facts, and its footprint as findings with evidence
        "binary" (merged by symbol with the logs' findings, never counted twice). `member`: a
        file found inside the directory or archive `path`; `reading`: what reading it gave,
        when it was read elsewhere (inspect/parallel.py)."""
        from cgowarn.inspect import inspect_binary
        from cgowarn.inspect.parallel import read_member

        if reading is not None:
            info, hits, go = reading
        elif member is None:
            info, hits, go = inspect_binary(self.kb, path)
        else:
            got = read_member(self.kb, member)
            if isinstance(got, Exception):
                raise got
            info, hits, go = got
        path = shown_name(member.shown if member is not None else path)
        if info.path != path:
            info = info.model_copy(update={"path": path})
        facts = self.facts
        index = len(facts.binaries)
        facts.binaries.append(info)
        facts.binary_go.append(go)
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
        elif info.rust_version is not None:
            facts.toolchains.add(Toolchain.RUST)  # rustc names itself in .comment
        elif info.libc != "none" and hits:
            facts.toolchains.add(Toolchain.CXX if info.cxx else Toolchain.C)
        for e in info.glibc_evidence:
            facts.glibc_evidence.setdefault(e.reason, e)
        if info.abi_kernel and info.libc == "glibc" and info.linkage != "dynamic":
            facts.abi_kernels.append(info.abi_kernel)
        self.findings.add_binary(hits, unit, path, index)
