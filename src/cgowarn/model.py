"""The report model: frozen, documented values that every renderer reads and none recomputes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from cgowarn.enums import DiagnosticSeverity, Libc, LinkStatus, Severity, Toolchain

FORMAT_VERSION = "1.0"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Origin(_Frozen):
    """The code that referenced the libc function, as far as the log shows it."""

    id: str = Field(
        description="Stable id: go:os/user, go:net, lib:sqlite3, glibc, rust:std, unattributed, ..."
    )
    name: str = Field(description="Human name of the origin.")
    evidence: str = Field(
        description="What in the log identified it, e.g. 'function mygetpwnam_r'."
    )
    note: str | None = Field(
        None, description="What to know about this origin, when the knowledge base says more."
    )
    harmless: bool = Field(
        False, description="True when the reference does not matter at run time."
    )
    toolchain: Toolchain | None = Field(
        None, description="The toolchain whose link the evidence shows (go, rust), when it does."
    )
    severity: Severity | None = Field(
        None,
        description="The most this origin's reference can matter, when less than its category "
        "says (e.g. SQLite's dlopen, reached only when extension loading is enabled).",
    )


class Occurrence(_Frozen):
    """One warning line in the log, with the location the linker gave for it."""

    link: int = Field(description="Id of the link unit (see Report.links) the line belongs to.")
    source: str = Field(
        description="Name of the log the line came from ('<stdin>' for standard input)."
    )
    source_line: int = Field(description="1-based line number of the warning line in that log.")
    object: str | None = Field(
        None, description="Object file or archive member that references the symbol."
    )
    function: str | None = Field(
        None, description="Function in that object that references the symbol."
    )
    function_readable: str | None = Field(
        None,
        description="The function as its language writes it, when cgowarn decodes its "
        "compiler's naming (GHC's z-encoding, D, Free Pascal); None otherwise.",
    )
    object_readable: str | None = Field(
        None,
        description="The module or type the object is named after, when cgowarn decodes it "
        "(Nim's nimcache paths, Crystal's type objects); None otherwise.",
    )
    file: str | None = Field(None, description="Source file the linker named, if any.")
    line: int | None = Field(None, description="Source line the linker named, if any.")
    section: str | None = Field(
        None, description="Section and offset the linker named, e.g. '.text+0x1a'."
    )
    origin: Origin = Field(description="Which code pulled the symbol in.")
    lines: tuple[str, ...] = Field(
        description="The original log lines: the context line (if any) and the warning line."
    )


class Finding(_Frozen):
    """All warnings for one libc symbol."""

    symbol: str = Field(description="The libc function (or variable) glibc warns about.")
    count: int = Field(description="Number of warning lines for this symbol in the input.")
    category: str = Field(description="Category id from the knowledge base, e.g. nss-passwd.")
    feature: str = Field(description="The feature that the category concerns, in plain words.")
    severity: Severity = Field(description="How much the finding matters.")
    family: str = Field(
        description="Which glibc message shape the warning had (static-link, stub, ...)."
    )
    known: bool = Field(description="False when the knowledge base does not list this symbol.")
    glibc: bool = Field(
        True,
        description="False when another library, not glibc, attached this link warning to one of "
        "its own functions (a .gnu.warning.SYMBOL section in a binary).",
    )
    static_only: bool = Field(
        description="True when glibc prints this warning only for static links."
    )
    discarded: bool = Field(
        False,
        description="The log warned about it, but the binary given with the log does not hold "
        "it: the linker dropped the code that called it (--gc-sections).",
    )
    message: str = Field(description="glibc's message, as printed.")
    breaks: str = Field(description="What breaks at run time, in plain words.")
    why: str = Field(description="Why it breaks.")
    sources: tuple[str, ...] = Field(
        description="Where the knowledge comes from (glibc source, issues)."
    )
    origins: tuple[str, ...] = Field(description="Ids of the origins of its occurrences, sorted.")
    links: tuple[int, ...] = Field(
        description="Ids of the listed link units (Report.links) it occurs in, sorted."
    )
    occurrences: tuple[Occurrence, ...] = Field(
        description="The occurrences, in log order; at most Report.max_occurrences of them."
    )
    notes: tuple[str, ...] = Field(
        (), description="What the knowledge base says about the origins of its occurrences."
    )
    evidence: tuple[Literal["log", "binary"], ...] = Field(
        ("log",),
        description="Where the finding was seen: warning lines in a log, a binary, or both.",
    )
    occurrences_omitted: int = Field(
        description="How many occurrences were counted but not kept (count - len(occurrences))."
    )
    fingerprint: str = Field(
        "",
        description="Stable identity of the finding across runs: a hash of the symbol and its "
        "origins, never of temporary paths or line numbers (baselines, SARIF, GitLab).",
    )
    baseline: Literal["new", "unchanged"] | None = Field(
        None,
        description="Against a baseline (--baseline), compared per (function, origin): new when "
        "the baseline does not record the function with each of its origins (baseline_new lists "
        "those it lacks), unchanged when it does; None without a baseline.",
    )
    baseline_new: tuple[str, ...] = Field(
        (),
        description="Against a baseline: the origins of a new finding that the baseline does not "
        "record for its function (all of them when the function is new; '' stands for no origin).",
    )

    def fails_gate(self, threshold: Severity | None) -> bool:
        """Whether this finding fails a --fail-on gate at `threshold` (None: never): at or above
        it, and not already recorded in the baseline."""
        return (
            threshold is not None
            and self.severity.rank >= threshold.rank
            and self.baseline != "unchanged"
        )

    @property
    def needs_host(self) -> bool:
        """The function is in the binary and needs the host's glibc at run time (a function
        no glibc release warns about is unrecognised: nothing is claimed for it)."""
        return self.static_only and not self.discarded and self.known


class FeatureSummary(_Frozen):
    """Findings grouped by the feature that breaks."""

    category: str = Field(description="Category id.")
    feature: str = Field(description="The feature, in plain words.")
    severity: Severity = Field(description="Severity of the category.")
    breaks: str = Field(description="What breaks at run time.")
    symbols: tuple[str, ...] = Field(description="Symbols of this category found, sorted.")
    count: int = Field(description="Warning lines in this category.")


class Diagnostic(_Frozen):
    """A linker message that is not a libc finding: link errors and unrelated linker warnings."""

    kind: str = Field(
        description="Diagnostic id from the knowledge base, e.g. undefined_reference, collect2."
    )
    severity: DiagnosticSeverity = Field(description="error or warning.")
    title: str = Field(description="Short human title.")
    subject: str | None = Field(
        None, description="What the message is about (symbol, library), when it names one."
    )
    message: str = Field(description="The line, without CI prefixes.")
    advice: str = Field(description="What it means and what to do.")
    link: int = Field(description="Id of the link unit.")
    source: str = Field(description="Name of the log.")
    source_line: int = Field(description="1-based line number.")
    failure: bool = Field(
        False,
        description="The built program failed, or will fail, at run time (a crash, FATAL: "
        "kernel too old, a missing GLIBC_x.y, Go's loadinternal).",
    )


class LinkProblem(_Frozen):
    """The link errors of one cause, grouped, with the advice that fits them: what to fix first
    when a link failed."""

    kind: Literal[
        "libm",
        "undefined_reference",
        "missing_library",
        "link_failed",
        "other",
        "glibc_objects",
        "static_pie_start",
    ] = Field(
        description="libm: undefined references to glibc's math functions only (add -lm); "
        "glibc_objects: glibc-only symbols (__*_chk, fcntl64) in a link with musl: objects built "
        "for glibc; static_pie_start: _DYNAMIC, glibc's static-PIE start-up without crt1.o "
        "(Free Pascal); "
        "undefined_reference: other undefined references; missing_library: `cannot find -lX` "
        "(under musl-gcc: its hidden library path); "
        "link_failed: a driver's summary (collect2, `running gcc failed`) that the errors above "
        "it explain; other: any other link error, as the knowledge base explains it."
    )
    title: str = Field(description="What the errors are, from the knowledge base.")
    subjects: tuple[str, ...] = Field(
        description="What they are about, distinct, in log order: symbols, or the library."
    )
    count: int = Field(description="How many error lines of the log are grouped here.")
    message: str = Field(description="The first of them, as the log shows it.")
    source: str = Field(description="The log.")
    source_line: int = Field(description="1-based line of the first of them.")
    advice: str = Field(description="What they mean and what to do.")
    fix: str | None = Field(
        None, description="The linker option or package that fixes them (-lm), when one does."
    )
    command: str | None = Field(None, description="A command to copy that applies the fix.")
    packages: dict[str, str] = Field(
        default_factory=dict,
        description="For a missing library: the package that ships its static archive, per "
        "distribution family (debian, alpine, rhel), or unknown.",
    )
    sources: tuple[str, ...] = Field((), description="Where the advice comes from.")


class LinkUnit(_Frozen):
    """One link in the log: a Go package header, a cargo crate, a linker command, or the whole log."""

    id: int = Field(description="1-based id, in order of appearance.")
    name: str = Field(
        description="Package, crate or output name; the log name when the log gives none."
    )
    kind: str = Field(description="go-package, cargo-crate, command, or log.")
    source: str = Field(description="Name of the log.")
    source_line: int = Field(
        description="Line where the unit starts (0 for the implicit whole-log unit)."
    )
    status: LinkStatus = Field(description="failed when an error diagnostic belongs to this unit.")
    warning_lines: int = Field(description="Number of glibc warning lines in this unit.")
    symbols: tuple[str, ...] = Field(
        description="Distinct symbols warned about in this unit, sorted."
    )


class Outcome(_Frozen):
    """What a fix gives, as `cgowarn inspect` reads it from the binary."""

    libc: Libc = Field(description="The C library in or needed by the binary: glibc, musl, none.")
    linkage: Literal["static", "dynamic"] = Field(description="How the binary is linked.")
    kernel: Literal["unchanged", "none", "host"] = Field(
        description='The minimum kernel: "unchanged" (the static glibc\'s ABI tag stays), "none" '
        '(no ABI tag: no glibc floor), "host" (a dynamic binary: the host\'s glibc decides).'
    )


class Check(_Frozen):
    """A command that decides which of a recommendation's commands apply."""

    command: str = Field(description="Run it first, in the project.")
    explanation: str = Field(description="What its output means.")
    otherwise: tuple[str, ...] = Field(
        description="The commands to run instead when it prints anything; empty: then the "
        "recommendation does not apply."
    )
    otherwise_produces: Outcome | None = Field(
        None, description="What the `otherwise` commands give."
    )


class Recommendation(_Frozen):
    """A fix, with what it removes, what remains, what it costs, and how that is known."""

    id: str = Field(description="Fix id from the knowledge base (go-tags, musl, dynamic, ...).")
    title: str = Field(description="What to do.")
    commands: tuple[str, ...] = Field(
        description="Exact commands, run in the project's directory (when `check` prints nothing)."
    )
    check: Check | None = Field(
        None, description="A command to run first that decides between `commands` and others."
    )
    removes: tuple[str, ...] = Field(description="Symbols whose warnings this fix removes.")
    remaining: tuple[str, ...] = Field(
        description="Symbols still warned about after this fix alone."
    )
    cost: str = Field(description="What the fix costs.")
    kernel: str = Field(description="What the fix does to the binary's minimum kernel.")
    produces: Outcome | None = Field(None, description="What the commands give.")
    known: Literal["verified", "sourced"] = Field(
        description="verified: the test suite runs these commands on real builds with the "
        "toolchains in verified_on and runs the binaries; sourced: known from the sources only."
    )
    verified_on: tuple[str, ...] = Field(
        (), description="Toolchains the commands are run with in the test suite."
    )
    not_run: str | None = Field(None, description="Why the commands are not run in tests.")
    sources: tuple[str, ...] = Field(description="Where the advice comes from.")


class GlibcEvidence(_Frozen):
    """A trace in the log that bounds the build host's glibc version."""

    min: str | None = Field(None, description="The build glibc is at least this version.")
    max: str | None = Field(None, description="The build glibc is at most this version.")
    reason: str = Field(description="What in the log shows it.")
    source: str = Field(description="Where the fact comes from.")


class ImportChain(_Frozen):
    """How a package comes into the build: the import path from one of the build's packages."""

    package: str = Field(description="The package, e.g. os/user.")
    path: tuple[str, ...] = Field(
        description="From a package the build names to `package`, each importing the next."
    )


class CgoCalls(_Frozen):
    """A cgo package of the program, and the warned-about glibc functions its own files call."""

    package: str = Field(description="The package's import path.")
    symbols: tuple[str, ...] = Field(description="The functions it calls, sorted.")


class GoModuleInfo(_Frozen):
    """What `go list` says about the module (--go-module)."""

    directory: str = Field(description="The module directory given.")
    tags: tuple[str, ...] = Field(description="The build tags go list was run with.")
    packages: tuple[str, ...] = Field(description="The packages the build names.")
    cgo_packages: tuple[str, ...] = Field(description="Packages of the build that use cgo.")
    chains: tuple[ImportChain, ...] = Field(
        description="How the packages behind the warnings (os/user, net, go-sqlite3) come in."
    )
    cgo_calls: tuple[CgoCalls, ...] = Field(
        (),
        description="The glibc functions with link warnings that the module's own cgo packages "
        "(outside Go's standard library) call in their Go and C files.",
    )


class InternalLink(_Frozen):
    """Go linked internally although the command asks for -extldflags (which only an external
    link reads): the binary is dynamic."""

    certain: bool = Field(
        description="True when a binary or `go list` proves it; False when only the command and "
        "the absence of any link output suggest it."
    )
    text: str = Field(description="What was seen, and what it means.")
    command: str = Field(description="The go command that links externally, as the fix.")


class BuildInfo(_Frozen):
    """What the log (and the options) reveal about the build."""

    toolchains: tuple[Toolchain, ...] = Field(description="Toolchains the log shows: go, rust, c.")
    go_command: str | None = Field(
        None,
        description="The first go build/install command the log shows, as cgowarn reads it "
        "(validated parts only).",
    )
    link_command: str | None = Field(
        None,
        description="The first C or C++ static link command the log shows, as cgowarn reads it "
        "(validated words only): the command the C and C++ fixes edit.",
    )
    go_mode: Literal["module", "gopath"] | None = Field(
        None,
        description="How the go command finds packages: gopath when the log shows GOPATH mode "
        "(a package named _/dir, GO111MODULE=off), module when it shows a module path; None "
        "when it cannot be told.",
    )
    go_version: str | None = Field(
        None, description="Go release seen in the log (e.g. 1.19), if any."
    )
    glibc: str | None = Field(None, description="Build glibc version, from --build-glibc.")
    glibc_min: str | None = Field(None, description="Lowest build glibc version the log allows.")
    glibc_max: str | None = Field(None, description="Highest build glibc version the log allows.")
    glibc_evidence: tuple[GlibcEvidence, ...] = Field(
        description="The traces behind glibc_min and glibc_max."
    )
    kernel_floor: str | None = Field(
        None,
        description="Minimum kernel a static binary of this build carries, when the glibc version tells it.",
    )
    kernel_floor_evidence: str | None = Field(
        None, description="Where kernel_floor comes from: a binary's ABI tag or a glibc version."
    )
    go_module: GoModuleInfo | None = Field(
        None, description="What go list says about the module, with --go-module."
    )
    internal_link: InternalLink | None = Field(
        None,
        description="Set when the go command asks for -extldflags but Go linked (or, with no "
        "link output seen, probably linked) internally, ignoring them.",
    )
    conflicts: tuple[str, ...] = Field(
        (), description="Where what the user said contradicts what the log proves."
    )


class TargetVerdict(_Frozen):
    """Will a binary from this build start and work on a target distribution?"""

    target: str = Field(description="Target id from patterns/platforms.toml, e.g. centos6.")
    name: str = Field(description="Human name of the target.")
    subject: str = Field(
        description="What is judged: a binary's path, or the static binary the log links."
    )
    libc: str = Field(description="glibc or musl.")
    glibc: str | None = Field(None, description="The target's glibc version.")
    kernel: str | None = Field(None, description="The target's default kernel.")
    starts: Literal["yes", "no", "unknown"] = Field(description="Whether the binary starts there.")
    reason: str = Field(description="Why, in plain words: the decisive fact first.")
    needs_kernel: str | None = Field(
        None, description="The minimum kernel that decides, when known (ABI tag, Go, Rust)."
    )
    needs_glibc: str | None = Field(
        None, description="The glibc a dynamic binary needs (its highest GLIBC_x.y)."
    )
    how_to_know: str | None = Field(
        None, description="When it cannot be told: how to find out from the binary."
    )
    breaks: tuple[str, ...] = Field(description="Features that break there, in plain words.")
    broken: tuple[str, ...] = Field(
        (),
        description="Category ids (as in Report.features) of the features that break there, "
        "sorted: the same features the sentences in breaks name.",
    )
    fix: str = Field(description="The fix that fits this target.")
    sources: tuple[str, ...] = Field(description="Where the target facts come from.")


class GoBuildInfo(_Frozen):
    """The build information the Go toolchain embeds in a binary (what `go version -m` prints)."""

    go_version: str = Field(description="Go release that built the binary, e.g. go1.19.8.")
    path: str | None = Field(None, description="Import path of the main package.")
    main_module: str | None = Field(None, description="Main module path and version.")
    settings: dict[str, str] = Field(
        description="Build settings: -tags, CGO_ENABLED, -ldflags, GOOS, ..."
    )
    deps: tuple[str, ...] = Field(description="Dependency modules as path@version.")

    @property
    def release(self) -> str:
        """`go1.19.8` -> `1.19`; `devel ...` and other forms as given."""
        parts = self.go_version.removeprefix("go").split(".")
        if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
            return ".".join(parts[:2])
        return self.go_version

    @property
    def tags(self) -> set[str]:
        """The build tags of the -tags setting (comma- or space-separated)."""
        return {t for t in self.settings.get("-tags", "").replace(" ", ",").split(",") if t}


class BinaryInfo(_Frozen):
    """What an ELF file reveals without being run."""

    path: str = Field(description="The file as given.")
    error: str | None = Field(
        None, description="What could not be read; the other fields hold what could."
    )
    elf_class: int | None = Field(None, description="32 or 64.")
    machine: str | None = Field(None, description="Architecture, e.g. x86-64, AArch64.")
    linkage: Literal["static", "static-pie", "dynamic"] | None = Field(
        None, description="How it was linked."
    )
    interpreter: str | None = Field(None, description="The dynamic loader it names (PT_INTERP).")
    needed: tuple[str, ...] = Field((), description="Shared libraries it needs (DT_NEEDED).")
    libc: Literal["glibc", "musl", "none", "unknown"] = Field(
        "unknown", description="C library inside or needed."
    )
    libc_evidence: str = Field("", description="What shows the C library.")
    starts_on: tuple[str, ...] = Field(
        (),
        description="The ids of the distributions of patterns/platforms.toml it starts on "
        "(its C library, the glibc version it needs or carries, its minimum kernel), whatever "
        "--target says; those it may or may not start on are not listed.",
    )
    starts_on_families: tuple[str, ...] = Field(
        (),
        description='starts_on per family, the oldest release it starts on first ("CentOS/RHEL '
        '8+", "Debian 9, 11" when a later one is not among them, "Alpine: no").',
    )
    shared_library: bool = Field(
        False,
        description="An ELF shared object with no interpreter that is not an executable (a "
        "SONAME, or no DF_1_PIE): loaded by another program, with the GLIBC_x.y it needs.",
    )
    abi_kernel: str | None = Field(
        None, description='Minimum kernel from .note.ABI-tag ("for GNU/Linux 3.2.0").'
    )
    glibc_min: str | None = Field(
        None, description="A static binary's glibc is at least this version."
    )
    glibc_max: str | None = Field(
        None, description="A static binary's glibc is at most this version."
    )
    glibc_evidence: tuple[GlibcEvidence, ...] = Field(
        (), description="What bounds the glibc version."
    )
    glibc_required: str | None = Field(
        None, description="Highest GLIBC_x.y symbol version a dynamic binary needs."
    )
    glibc_required_symbols: tuple[str, ...] = Field(
        (), description="Symbols that need glibc_required."
    )
    stripped: bool | None = Field(
        None,
        description="True when there is no symbol table; None when the section table could not "
        "be read, so that it is not known.",
    )
    cannot_tell: tuple[str, ...] = Field(
        (),
        description="Run-time dependencies (binary.toml footprints) whose code every static glibc "
        "binary carries, and that this binary cannot show used or unused.",
    )
    go: GoBuildInfo | None = Field(None, description="Go build information, for Go binaries.")
    rust_version: str | None = Field(
        None, description="The Rust release that built it (from .comment), e.g. 1.95."
    )
    cxx: bool = Field(
        False, description="The binary is a C++ program (libstdc++'s runtime is linked in)."
    )
    cgo_packages: tuple[str, ...] | None = Field(
        None,
        description="For a Go binary with a symbol table: the packages whose cgo wrappers it "
        "holds (the packages built with cgo); None when it cannot be told.",
    )


class SourceInfo(_Frozen):
    """One input log."""

    name: str = Field(description="File name, or '<stdin>'.")
    lines: int = Field(description="Number of lines read.")
    bytes: int = Field(description="Number of bytes read.")


class Summary(_Frozen):
    """The answers at a glance."""

    link_status: LinkStatus = Field(
        description="failed when any link unit failed; ok when the input holds a link's output "
        "and no link error; unseen when it holds no link's output at all (no linker message, no "
        "link unit): nothing can then be said about the link."
    )
    distinct_functions: int = Field(
        description="Number of distinct libc symbols warned about, listed or not."
    )
    warning_lines: int = Field(description="Number of glibc warning lines, all of them.")
    findings_omitted: int = Field(
        0,
        description="Distinct symbols counted but not listed as findings (beyond the first 1000); "
        "their warning lines are in warning_lines.",
    )
    findings_omitted_exact: bool = Field(
        True,
        description="False when more than 100,000 distinct symbols were left out: findings_omitted "
        "and distinct_functions are then lower bounds (warning_lines stays exact).",
    )
    by_severity: dict[str, int] = Field(description="Number of findings per severity.")
    errors: int = Field(description="Number of link errors (error diagnostics of the build).")
    failures: int = Field(
        0,
        description="Number of diagnostics showing the built program failing or bound to fail "
        "at run time (a crash, FATAL: kernel too old, Go's loadinternal), counted past the "
        "diagnostics kept.",
    )
    diagnostics_omitted: int = Field(
        description="Diagnostics counted but not kept in the report (beyond its limit)."
    )
    links_omitted: int = Field(
        0, description="Link units counted but not listed in the report (beyond its limit)."
    )
    silent_linkers: tuple[str, ...] = Field(
        description="Linkers seen in the log that never print glibc's warnings (lld, mold)."
    )
    suppressed: int = Field(
        0,
        description="Findings removed by suppression rules (Report.suppressed); they are in none "
        "of the other counts.",
    )
    unanalysed_lines: int = Field(
        0,
        description="Lines of the input that were not analysed because a pattern ran out of its "
        "time budget on them; the notes say which.",
    )
    partial: str = Field(
        "",
        description="Why the input is incomplete, when it is: 'interrupted after N lines' when "
        "the build `cgowarn run` ran was ended by a signal (Ctrl-C, SIGTERM) before it finished; "
        "empty for a whole input.",
    )
    unanalysed_bytes: int = Field(
        0,
        description="Bytes of a build's output (`cgowarn run`) passed through but not analysed, "
        "because the analysis fell behind the build.",
    )


class Suppressed(_Frozen):
    """A finding that a suppression rule of the configuration removed from the report."""

    symbol: str = Field(description="The libc function.")
    severity: Severity = Field(description="The severity the finding had.")
    count: int = Field(description="Its warning lines in the input.")
    fingerprint: str = Field(description="The finding's fingerprint (Finding.fingerprint).")
    reason: str = Field(description="Why it is suppressed, as the rule says.")
    file: str = Field(description="The configuration file that holds the rule.")
    rule: int = Field(description="Which [[suppress]] table of that file, counted from 1.")


class UnusedSuppression(_Frozen):
    """A suppression rule that matched no finding: stale, or a typo."""

    file: str = Field(description="The configuration file that holds the rule.")
    rule: int = Field(description="Which [[suppress]] table of that file, counted from 1.")
    symbol: str = Field(description="The symbol the rule names.")
    origin: str | None = Field(None, description="The origin id the rule names, if any.")
    object: str | None = Field(None, description="The object glob the rule names, if any.")


class BaselineEntry(_Frozen):
    """A finding as a baseline file records it."""

    fingerprint: str = Field(description="Finding.fingerprint when the baseline was recorded.")
    symbol: str = Field(description="The libc function.")
    origins: tuple[str, ...] = Field(description="Ids of its origins, sorted.")
    severity: Severity = Field(description="Its severity then.")


class BaselineComparison(_Frozen):
    """The findings compared with a baseline file (--baseline): what is new since it was made."""

    file: str = Field(description="The baseline file.")
    new: int = Field(
        description="Findings with a (function, origin) pair the baseline does not record."
    )
    unchanged: int = Field(description="Findings whose every (function, origin) it records.")
    fixed: tuple[BaselineEntry, ...] = Field(
        description="Baseline entries with the origins seen neither among the findings nor "
        "among the suppressed (per function and origin): fixed since the baseline was made. An "
        "entry keeps only its origins that are gone."
    )


class Report(_Frozen):
    """Everything cgowarn learned from its input. JSON output is this model."""

    format_version: str = Field(
        FORMAT_VERSION,
        description="Version of this JSON format; changes when a field changes meaning or goes away.",
    )
    tool_version: str = Field(description="cgowarn version that made the report.")
    sources: tuple[SourceInfo, ...] = Field(description="The logs read, in order.")
    summary: Summary = Field(description="The answers at a glance.")
    targets: tuple[TargetVerdict, ...] = Field(
        (), description="Verdicts for the --target platforms."
    )
    findings: tuple[Finding, ...] = Field(
        description="One per libc symbol; most severe first, then by symbol."
    )
    features: tuple[FeatureSummary, ...] = Field(
        description="Findings grouped by feature; most severe first."
    )
    diagnostics: tuple[Diagnostic, ...] = Field(description="Other linker messages, in log order.")
    link_problems: tuple[LinkProblem, ...] = Field(
        (),
        description="The link errors grouped by cause, with the fix that fits each: the causes "
        "in log order, then the drivers' summaries.",
    )
    links: tuple[LinkUnit, ...] = Field(description="Link units, in order of appearance.")
    recommendations: tuple[Recommendation, ...] = Field(description="Fixes, best first.")
    build: BuildInfo = Field(description="What the log reveals about the build.")
    binaries: tuple[BinaryInfo, ...] = Field((), description="Binaries inspected, in order.")
    max_occurrences: int = Field(
        description="Most occurrences kept per finding; counts stay exact beyond it."
    )
    notes: tuple[str, ...] = Field(
        (),
        description="What the reader should know about the input itself: it was empty, or it "
        "cannot show glibc's warnings (a silent linker, rustc without -W linker-messages), and "
        "what to do instead.",
    )
    suppressed: tuple[Suppressed, ...] = Field(
        (),
        description="Findings removed by the configuration's suppression rules, with the reason; "
        "by symbol.",
    )
    unused_suppressions: tuple[UnusedSuppression, ...] = Field(
        (), description="Suppression rules that matched no finding."
    )
    baseline: BaselineComparison | None = Field(
        None, description="The comparison with a baseline file, with --baseline."
    )
