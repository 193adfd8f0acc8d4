"""What reading the logs and binaries established, before the knowledge stage explains it.

Plain accumulators of evidence, filled by fold.py and read by the knowledge stage
(knowledge/evidence.py, knowledge/report.py), which alone decides what the evidence means: which
code an occurrence comes from, how much a finding matters, what a diagnostic is called. Their size
does not grow with the input beyond the bounded samples they keep (documented with each bound),
so a log of any size folds into the same few kilobytes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from cgowarn.enums import Toolchain
from cgowarn.model import (
    BinaryInfo,
    GlibcEvidence,
    GoBuildInfo,
    GoModuleInfo,
    SourceInfo,
)
from cgowarn.parse.ccommand import CCommand
from cgowarn.parse.gocommand import GoCommand

MAX_DIAGNOSTICS = 500
"""Diagnostics kept; the rest are counted (Summary.diagnostics_omitted)."""
MAX_LINKS = 500
"""Link units kept; the rest are counted (Summary.links_omitted)."""
DEFAULT_MAX_OCCURRENCES = 50
"""Occurrences kept per finding unless --max-occurrences says otherwise; counts stay exact."""
MAX_FINDINGS = 1000
"""Distinct functions kept as findings; the rest are counted (Summary.findings_omitted), with their
warning lines. Real builds warn about a few dozen at most."""
MAX_OMITTED_TRACKED = 100_000
"""Distinct omitted functions told apart (as hashes, a few MB): findings_omitted is exact up to
this many, a lower bound beyond (exact counting of distinct names needs memory in their number)."""
MAX_ORIGINS = 64
"""Distinct origins counted per finding; more are counted under one "other origins" entry."""
MAX_SIGHTINGS = 256
"""Distinct sightings (the evidence an origin is attributed from) told apart per finding; more are
counted, and attributed to "other origins"."""
SIGHTING_TEXT = 4 << 20
"""Characters of sighting text kept over all findings; past it, a new distinct sighting is
counted under "other origins" as well."""
MAX_TEXT = 2048
"""Characters kept of any text a finding stores (a line, an object, a function name): a C++ name
of a few kilobytes fits, a hostile 64 KB one is cut with an ellipsis."""
MAX_GO_VERSIONS = 64
"""Distinct Go releases counted."""
OCCURRENCE_TEXT = 4 << 20
"""Characters of occurrence text (lines, objects, functions, files) kept over all findings: past
it, a finding keeps MIN_OCCURRENCES, shortened to SHORT_TEXT characters each, and counts the
rest, so that a log of a thousand functions with long lines renders in any format within a fixed
amount of memory (tests/test_boundaries.py, benchmarks/run.py --pathological)."""
MIN_OCCURRENCES = 1
"""Occurrences every finding keeps, whatever the budget: each one shows where it came from."""
SHORT_TEXT = 200
"""Characters kept of each text of an occurrence kept past OCCURRENCE_TEXT."""


def clip(text: str | None, limit: int = MAX_TEXT) -> str | None:
    """`text` cut to `limit` characters, the cut marked with an ellipsis."""
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


@dataclass(frozen=True, slots=True)
class Sighting:
    """What one reference to a function shows of the code it comes from: the evidence that the
    knowledge stage attributes an origin from (patterns/origins.toml, binary origins)."""

    kind: str
    """"log" or "binary"."""
    object: str | None = None
    function: str | None = None
    file: str | None = None
    unit: str | None = None
    """The link unit's name (a Go package, a crate, a link's output), when not the whole log."""
    how: str | None = None
    """Binary: how it was seen (`symbol table`, `section .gnu.warning.getpwnam`)."""
    brought_by: str | None = None
    """Binary: the glibc function it is linked in with (binary.toml [[companion]])."""
    footprint: bool = False
    """Binary: glibc's own run-time footprint (a string such as libnss_%s.so), not a symbol."""
    binary: int = -1
    """Binary: its index in Facts.binaries (whose Go build information tells more)."""

    def text_size(self) -> int:
        return sum(len(t) for t in (self.object, self.function, self.file, self.unit) if t)


@dataclass(slots=True)
class OccurrenceFacts:
    """One kept occurrence, as read: where it is, and the sighting it shows."""

    link: int
    source: str
    source_line: int
    sighting: Sighting
    lines: tuple[str, ...]
    object: str | None = None
    function: str | None = None
    file: str | None = None
    line: int | None = None
    section: str | None = None

    def text_size(self) -> int:
        texts = (self.object, self.function, self.file, self.section, self.source)
        return sum(len(t) for t in texts if t) + sum(len(line) for line in self.lines)

    def shortened(self) -> OccurrenceFacts:
        """This occurrence with each of its texts cut to SHORT_TEXT characters."""
        return OccurrenceFacts(
            link=self.link,
            source=self.source,
            source_line=self.source_line,
            sighting=self.sighting,
            lines=tuple(clip(line, SHORT_TEXT) or "" for line in self.lines),
            object=clip(self.object, SHORT_TEXT),
            function=clip(self.function, SHORT_TEXT),
            file=clip(self.file, SHORT_TEXT),
            line=self.line,
            section=clip(self.section, SHORT_TEXT),
        )


@dataclass(slots=True)
class DiagnosticFacts:
    """A linker message that is not a glibc warning, as read; what its kind means is the
    knowledge stage's (patterns/diagnostics.toml)."""

    kind: str
    subject: str | None
    message: str
    link: int
    source: str
    source_line: int


@dataclass
class UnitFacts:
    """One link unit: a Go package header, a cargo crate, a link command, a binary, or a whole log."""

    name: str
    kind: str
    source: str
    source_line: int
    id: int = 0
    """1-based, given when the unit is first used (0: not yet)."""
    diagnostic_kinds: set[str] = field(default_factory=set)
    """The kinds of linker message seen in it (whether one means a failed link is the knowledge
    stage's to say)."""
    warning_lines: int = 0
    symbols: set[str] = field(default_factory=set)


@dataclass
class FindingFacts:
    """Everything seen about one libc symbol."""

    symbol: str
    family: str
    message: str
    count: int = 0
    """Warning lines in the logs (a binary adds none)."""
    occurrences: list[OccurrenceFacts] = field(default_factory=list)
    """The first max_occurrences of them."""
    sightings: Counter[Sighting] = field(default_factory=Counter)
    """Distinct sighting -> occurrences that show it, over all occurrences, kept or not (the
    first MAX_SIGHTINGS of them, in the order first seen)."""
    other_sightings: int = 0
    """Occurrences whose sighting was not told apart (beyond MAX_SIGHTINGS or SIGHTING_TEXT)."""
    aliases: dict[Sighting, Sighting] = field(default_factory=dict)
    """A sighting with its temporary name's run-specific part replaced -> the first sighting of
    that group (fold.py), which counts for all of them."""
    links: set[int] = field(default_factory=set)
    """Ids of the kept link units it occurs in (units beyond MAX_LINKS are counted, not listed)."""
    evidence: set[str] = field(default_factory=set)
    """"log", "binary" or both."""
    category: str | None = None
    """Set for binary footprint items that are not glibc symbols."""


@dataclass
class Facts:
    """What the logs and binaries showed, folded."""

    max_occurrences: int = DEFAULT_MAX_OCCURRENCES
    units: list[UnitFacts] = field(default_factory=list)
    """The first MAX_LINKS units; units_seen counts them all."""
    units_seen: int = 0
    link_units_started: int = 0
    """Link units the input shows starting (a link command echoed, Go's `# package` header,
    cargo's `Compiling`), whether or not anything was folded into them: a link was seen."""
    findings: dict[str, FindingFacts] = field(default_factory=dict)
    """The first MAX_FINDINGS distinct functions."""
    findings_omitted: int = 0
    """Distinct functions beyond MAX_FINDINGS, counted."""
    omitted_warning_lines: int = 0
    """Their warning lines."""
    omitted_symbols: set[int] = field(default_factory=set)
    """Hashes of the functions counted in findings_omitted, up to MAX_OMITTED_TRACKED."""
    findings_omitted_exact: bool = True
    """False once more than MAX_OMITTED_TRACKED distinct functions were omitted: findings_omitted
    is then a lower bound."""
    diagnostics: list[DiagnosticFacts] = field(default_factory=list)
    """The first MAX_DIAGNOSTICS; diagnostic_kinds counts them all."""
    diagnostic_kinds: Counter[str] = field(default_factory=Counter)
    """Kind -> how many linker messages of that kind, all of them."""
    silent_linkers: set[str] = field(default_factory=set)
    sources: list[SourceInfo] = field(default_factory=list)
    toolchains: set[Toolchain] = field(default_factory=set)
    go_command: GoCommand | None = None
    c_command: CCommand | None = None
    make: bool = False
    """The log shows make running the build."""
    """The first C or C++ static link command the log shows."""
    """The first go build/install command a log shows that cgowarn can read."""
    binary_cgo_packages: set[str] | None = None
    """Go packages built with cgo, from the binaries' symbol tables; None when none told."""
    go_module: GoModuleInfo | None = None
    """What go list said about the module (--go-module)."""
    go_versions: Counter[str] = field(default_factory=Counter)
    """Go release -> weight (lines naming it; a binary's build info weighs more)."""
    glibc_evidence: dict[str, GlibcEvidence] = field(default_factory=dict)
    """Reason -> what bounds the build glibc, as the binaries' own strings show it."""
    binary_go: list[GoBuildInfo | None] = field(default_factory=list)
    """Each binary's Go build information, by its index in `binaries`."""
    saw_linker_output: bool = False
    """A log holds linker output: a warning or a context line (which diagnostics are linker
    output too is the knowledge stage's to say, from diagnostic_kinds)."""
    sighting_text: int = 0
    """Characters of sighting text kept so far (SIGHTING_TEXT)."""
    mark_text: int = 0
    """Characters of glibc_marks kept so far."""
    glibc_marks: dict[tuple[str | None, ...], None] = field(default_factory=dict)
    """Distinct (message, object, function, symbol, line) of the warnings, the first
    MAX_SIGHTINGS * 16: what the knowledge stage reads the build glibc's version marks from
    (patterns/platforms.toml [[glibc_hint]])."""
    language_commands: dict[str, str] = field(default_factory=dict)
    """Toolchain id -> the first build command of that language's driver the log shows."""
    binaries_skipped: list[str] = field(default_factory=list)
    """What a directory's or an archive's reading left out, in words."""
    written: str | None = None
    """`cgowarn run`: the executable the build wrote and that was inspected ("" when none could
    be told; None when no build was run)."""
    written_error: str = ""
    """Why that file could not be inspected, when it could not."""
    binaries: list[BinaryInfo] = field(default_factory=list)
    abi_kernels: list[str] = field(default_factory=list)
    """Minimum kernels read from static glibc binaries' ABI tags."""
    skipped_lines: int = 0
    """Lines not analysed because a pattern ran out of its time budget on them (regexes.py)."""
    skipped_patterns: Counter[str] = field(default_factory=Counter)
    """Pattern name -> lines it was too slow on (the first MAX_GO_VERSIONS names)."""
    first_skipped: tuple[str, int] | None = None
    """(source, line number) of the first skipped line."""
    kept_text: int = 0
    """Characters of occurrence text kept so far (OCCURRENCE_TEXT)."""
    unanalysed_bytes: int = 0
    """Bytes of the input passed through but not analysed (`cgowarn run`, when the analysis fell
    behind the build)."""
