"""The rows of a report's view: plain, frozen data that the text renderer and the templates lay out
(view.py computes them, once for every format)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OccurrenceRow:
    where: str
    """Source location, e.g. `cgo_lookup_unix.go:32`, or section offset."""
    function: str
    object: str
    origin: str
    log: str
    """`build.log:12`: where in the input the warning line is."""
    lines: tuple[str, ...]


@dataclass(frozen=True)
class FindingRow:
    symbol: str
    count: int
    shown_count: str
    """`3` warning lines, or `binary` when only a binary shows it."""
    count_label: str
    """`3x`, or `binary`: the count as the text table shows it."""
    lines_label: str
    """`3 lines`, `1 line`, or `seen in a binary`."""
    severity: str
    feature: str
    """The feature that breaks, with "(not in knowledge base)" for unknown functions."""
    known: bool
    message: str
    breaks: str
    why: str
    origins: str
    """Origin names joined, for the summary table."""
    occurrences: tuple[OccurrenceRow, ...]
    omitted: int
    sources: tuple[str, ...]
    notes: tuple[str, ...]
    baseline: str
    """Against a baseline: `new` or `unchanged`; empty without one."""


@dataclass(frozen=True)
class SuppressedRow:
    symbol: str
    severity: str
    lines_label: str
    reason: str
    """Why, as the configuration says: user text, escaped like log text."""
    rule: str
    """Where the rule is, e.g. `.cgowarn.toml suppress[2]`."""


@dataclass(frozen=True)
class RecommendationRow:
    title: str
    commands: tuple[str, ...]
    check: str | None
    """A command to run first; `check_when` says what its output decides."""
    check_when: str
    otherwise: tuple[str, ...]
    """What to run when the check prints something (empty: the fix does not apply then)."""
    removes: tuple[str, ...]
    remaining: tuple[str, ...]
    cost: str
    kernel: str
    known: str
    """How the advice is known to work, in words."""
    sources: tuple[str, ...]


@dataclass(frozen=True)
class DiagnosticRow:
    severity: str
    title: str
    message: str
    advice: str
    log: str


@dataclass(frozen=True)
class FeatureRow:
    feature: str
    severity: str
    breaks: str
    symbols: tuple[str, ...]
    """The functions behind it; empty when the feature's own name already says which (dlopen)."""
    count: int


@dataclass(frozen=True)
class OriginNoteRow:
    symbols: str
    """The functions the note is about, joined: one note is said once, however many share it."""
    note: str


@dataclass(frozen=True)
class AnswerLine:
    """One line of the answer that opens every report."""

    label: str
    """Link, Run time, Next, On CentOS 6, ..."""
    text: str
    tone: str
    """ok, bad, warn or "": what the text says, for colour."""
    commands: tuple[str, ...] = ()
    """Commands to copy, for the Next line."""
    steps: tuple[Step, ...] = ()
    """Labelled commands after them, when what to run depends on a check's output."""


@dataclass(frozen=True)
class Step:
    """One labelled block of commands: "If it prints nothing:" and what to run then."""

    label: str
    commands: tuple[str, ...] = ()


@dataclass(frozen=True)
class LinkProblemRow:
    title: str
    """What the errors are, with their count and subjects, in words."""
    fix: str
    """What to do, in a few words."""
    advice: str
    """What they mean, when it says more than `fix`; else empty."""
    commands: tuple[str, ...]
    """Commands that apply the fix, to copy."""
    log: str
    """Where the first of them is, `build.log:12`."""
    message: str
    """The first of them, as the log shows it, when the title does not already; else empty."""
    sources: tuple[str, ...]


@dataclass(frozen=True)
class BinaryRow:
    path: str
    facts: tuple[tuple[str, str], ...]
    """(label, value) pairs, in reading order."""
    error: str | None


@dataclass(frozen=True)
class TargetRow:
    name: str
    subject: str
    """What is judged, when the report holds more than one binary; else empty."""
    platform: str
    """e.g. `glibc 2.12, kernel 2.6.32`."""
    starts: str
    """yes, no or unknown."""
    verdict: str
    """The same, as words: starts, does NOT start, may or may not start."""
    reason: str
    """Why, and for an unknown verdict how to find out."""
    breaks: tuple[str, ...]
    fix: str
    cells: tuple[str, ...]
    """One per View.matrix_features: `breaks` or `works`; `n/a` where the binary does not
    start."""


@dataclass(frozen=True)
class StartsRow:
    """One binary's row of the binary x target matrix."""

    path: str
    cells: tuple[str, ...]
    """One per StartsMatrix.targets: `yes`, `NO` or `maybe`."""


@dataclass(frozen=True)
class StartsMatrix:
    """Where each binary starts, when a report judges more than one binary on its targets."""

    targets: tuple[str, ...]
    """The targets' ids, in the order asked."""
    rows: tuple[StartsRow, ...]


@dataclass(frozen=True)
class FlowRow:
    """One band of the picture of where the warnings come from: the warning lines of one function
    that one origin pulled in, and the feature that breaks because of them."""

    origin: str
    symbol: str
    feature: str
    severity: str
    """The function's severity."""
    feature_severity: str
    weight: float
    """Warning lines, the function's split among its origins as its shown occurrences are; a
    function that only a binary shows counts as one."""


@dataclass(frozen=True)
class Flow:
    """The picture's bands, the largest first, with what did not fit merged into "N more" nodes."""

    rows: tuple[FlowRow, ...]
    origins_more: int
    """Origins merged into the "more origins" node; 0 when every origin has its own."""
    functions_more: int
    features_more: int


@dataclass(frozen=True)
class View:
    title: str
    answer: tuple[AnswerLine, ...]
    """The short answer that opens every format: did it link (and if not, the first error and
    its fix), what breaks at run time, the next step, and each target's verdict."""
    link_problems: tuple[LinkProblemRow, ...]
    """A failed link's errors grouped by cause, with the fix that fits: shown before the
    findings."""
    link_line: str
    """Did the link work, in words."""
    failed: bool
    failures: tuple[DiagnosticRow, ...]
    """What the log shows of the built program failing, with what it means: shown first."""
    counts_line: str
    findings: tuple[FindingRow, ...]
    lines_column: bool
    """Whether the findings table has a Lines column: not when only binaries were read."""
    origin_notes: tuple[OriginNoteRow, ...]
    features: tuple[FeatureRow, ...]
    recommendations: tuple[RecommendationRow, ...]
    diagnostics: tuple[DiagnosticRow, ...]
    diagnostics_omitted: int
    notes: tuple[str, ...]
    baseline_line: str
    """Against a baseline: how many findings are new, unchanged and fixed, and which were fixed;
    empty without a baseline."""
    has_baseline: bool
    suppressed_line: str
    """How many findings the configuration suppressed, and where the rules are; empty if none."""
    suppressed: tuple[SuppressedRow, ...]
    build: tuple[str, ...]
    """What the log reveals about the build, one sentence each."""
    binaries: tuple[BinaryRow, ...]
    targets: tuple[TargetRow, ...]
    starts_matrix: StartsMatrix | None
    matrix_features: tuple[str, ...]
    """The features the target matrix shows: those that need the host's glibc at run time."""
    flow: Flow
    sources: str
    version: str
    details_hint: str
    """Where the long form is, for the short text report."""
