"""Frozen models of the knowledge base in patterns/; loader.py validates the TOML files into them."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from cgowarn.enums import DiagnosticSeverity, Severity, Toolchain
from cgowarn.model import Outcome
from cgowarn.versions import is_version


def _check_version(value: str) -> str:
    if not is_version(value):
        raise ValueError(f"{value!r} is not a version such as 2.36 or 3.2.0")
    return value


Version = Annotated[str, AfterValidator(_check_version)]
"""A dotted release number, checked when the data loads (a typo such as 4.18.O is a load error)."""


class Runtime(StrEnum):
    """What a group's findings need from the host at run time; the target verdicts weigh it."""

    NSS = "nss"
    """NSS modules (libnss_*.so.2) loaded from the host."""
    DLOPEN = "dlopen"
    """The host's libc.so.6 and ld.so loaded into the process."""
    HOST_DATA = "host-data"
    """gconv modules and locale files read from the host."""


class _Entry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Wrap(_Entry):
    """A long message that pastes break over lines: a line holding `head` but not `end` may
    continue on the next lines."""

    head: str
    end: str


class MessageFamily(_Entry):
    """A shape of glibc warning message, with a `symbol` group."""

    id: str = Field(description="Family id, e.g. static-link.")
    needles: tuple[str, ...] = Field(
        description="Literal strings; every message of the family contains one."
    )
    pattern: str = Field(description="Regular expression with a named group `symbol`.")
    unknown_category: str = Field(
        description="Category for symbols the knowledge base does not list."
    )
    source: str = Field(description="Where the message text comes from.")
    wrap: Wrap | None = Field(
        None, description="How to tell the message broken over lines (a hard-wrapped paste)."
    )


class Group(_Entry):
    """Explanation shared by several categories."""

    id: str
    title: str
    why: str = Field(description="Why the feature breaks; shared by the group's categories.")
    sources: tuple[str, ...]
    runtime: Runtime | None = Field(
        None, description="What the group's findings need from the host at run time."
    )


class Category(_Entry):
    """A feature that breaks, with its severity."""

    id: str
    group: str = Field(description="Id of a [[group]].")
    feature: str = Field(description="The feature, in plain words.")
    severity: Severity
    static_only: bool = Field(
        description="True when glibc prints the warning only in static links."
    )
    breaks: str = Field(description="What breaks at run time.")
    other_library: bool = Field(
        False,
        description="The category of a warning section that is no glibc message (another "
        "library's own warning); exactly one category has it.",
    )


class Symbol(_Entry):
    """One glibc symbol that carries a link-time warning."""

    name: str
    category: str
    messages: tuple[str, ...] = Field(
        description="Every wording glibc has used for this symbol's warning."
    )
    since: Version | None = Field(None, description="First glibc version with the warning.")
    in_reference_libc: bool = Field(
        description="Present with this warning in the reference libc.a (SymbolsFile.reference_libc)."
    )
    confirmed: bool = Field(
        description="Checked against a real archive or release, not only inferred from source."
    )
    glibc_source: str = Field(description="glibc source file holding the warning.")
    source: str = Field(description="Address of that file.")
    notes: str = Field("", description="Version history and remarks.")


class OriginRule(_Entry):
    """Evidence patterns that attribute an occurrence to the code that pulled the symbol in. Every
    field set must match; `id` and `name` may use {name} from a named group `name`."""

    id: str
    name: str
    object: str | None = None
    function: str | None = None
    file: str | None = None
    unit: str | None = None
    symbol: str | None = None
    symbols: tuple[str, ...] = Field(
        (), description="libc functions this origin is known to pull in."
    )
    toolchain: Toolchain | None = Field(
        None, description="The toolchain whose link this evidence shows."
    )
    severity: Severity | None = Field(
        None, description="The most this origin's reference can matter (a cap on the category's)."
    )
    default: bool = Field(
        False, description="The rule whose name and note a binary's evidence uses for this id."
    )
    static_link_flags: tuple[str, ...] = Field(
        (), description="Linker flags a static link of this code needs (e.g. -lm)."
    )
    harmless: bool = Field(False, description="The reference does not matter at run time.")
    note: str | None = Field(None, description="What to know about this origin.")
    source: str


class BinaryOrigin(_Entry):
    """How a Go binary's build information attributes a glibc function to an origin."""

    origin: str = Field(description="Origin id; its [[origin]] rules list the symbols it covers.")
    module: str | None = Field(None, description="Applies only when this module is linked in.")
    with_tag: str | None = Field(None, description="Applies only when built with this tag.")
    unless_tag: str | None = Field(None, description="Applies only when built without this tag.")
    package: str | None = Field(
        None,
        description="Applies only when the binary's symbol table holds this package's cgo "
        "wrappers (always, without a symbol table).",
    )
    note: str | None = None
    source: str


class GoRecipe(_Entry):
    """How a fix changes the go build command the log shows."""

    env: dict[str, str] = Field(
        default_factory=dict, description='Environment to set; "" removes the variable.'
    )
    link: Literal["static", "internal", "keep"] = Field(
        "keep",
        description='"static": -linkmode external -extldflags "-static"; "internal": neither '
        '(static by itself without cgo, dynamic with it); "keep": as the log shows.',
    )
    tags: tuple[str, ...] = Field((), description="Build tags to add.")
    drop_tags: tuple[str, ...] = Field((), description="Build tags to remove.")
    before: tuple[str, ...] = Field((), description="Commands to run first.")
    drops_packages: tuple[str, ...] = Field(
        (), description="Packages the fix removes from the build (a replaced driver)."
    )


class CRecipe(_Entry):
    """How a fix changes the C or C++ link command the log shows: only the driver, -static and
    the flags the new driver does not take; every other flag, library and file stays."""

    driver: str | None = Field(None, description="The C driver to use (words); None keeps it.")
    cxx_driver: str | None = Field(
        None, description="The C++ driver; None with a `driver`: the fix is not for C++."
    )
    link: Literal["static", "dynamic", "keep"] = Field(
        "keep", description='"static": -static added when missing; "dynamic": -static removed.'
    )
    drop: tuple[str, ...] = Field(
        (), description="Flags, by their start, that the new driver does not take."
    )


class Fix(_Entry):
    """A way to remove findings, when it applies, how it is run and how that is known to work."""

    id: str
    rank: int
    title: str
    cost: str
    kernel: str = Field(description="What the fix does to the binary's minimum kernel.")
    go_cost: str = Field("", description="Added to cost when the build is Go.")
    go_kernel: str = Field("", description="Added to kernel when the build is Go.")
    rust_kernel: str = Field("", description="Added to kernel when the build is Rust.")
    sources: tuple[str, ...]
    go_tag: str | None = None
    go_package: str | None = Field(
        None, description="The Go package whose cgo code the tag removes."
    )
    keeps_cgo: bool = Field(False, description="The package still uses cgo with the tag.")
    glibc: Version | None = Field(
        None,
        description="The glibc interface its commands link against (they name it): a target's "
        "verdict gives the same commands with the target's glibc.",
    )
    origins: tuple[str, ...] = Field((), description="Origins whose occurrences the fix removes.")
    categories_group: tuple[str, ...] = Field(
        (), description="Category groups whose findings the fix removes."
    )
    toolchains: tuple[Toolchain, ...] = Field(
        (), description="Offered only when the log shows one of these toolchains."
    )
    requires_origins: tuple[str, ...] = Field(
        (), description="Offered only when an occurrence comes from one of these."
    )
    only_origins: tuple[str, ...] = Field(
        (), description="Offered only when every occurrence comes from these."
    )
    excluded_origins: tuple[str, ...] = Field(
        (), description="Not offered when an occurrence comes from one of these."
    )
    excluded_groups: tuple[str, ...] = Field(
        (), description="Not offered when a finding is in one of these category groups."
    )
    go: GoRecipe | None = Field(None, description="How the go build command changes.")
    c: CRecipe | None = Field(None, description="How a C or C++ link command changes.")
    breaks_groups: tuple[str, ...] = Field(
        (),
        description="Category groups whose functions stop working in the fix's binary: when the "
        "program calls one, the fix says so first and ranks after `breaks_rank`.",
    )
    breaks_origins: tuple[str, ...] = Field(
        (), description="The origins whose calls in `breaks_groups` stop working."
    )
    breaks: str | None = Field(None, description="What then stops working, in words.")
    breaks_rank: int = Field(0, description="The rank the fix takes when it breaks a call.")
    commands: dict[Toolchain, tuple[str, ...]] = Field(
        default_factory=dict, description="Command templates per toolchain (not Go)."
    )
    produces: Outcome | None = Field(None, description="What the fix gives.")
    verified: tuple[str, ...] = Field(
        (), description="Toolchains on which tests/test_advice_live.py runs it on real builds."
    )
    not_run: str | None = Field(None, description="Why it cannot be run on the test machine.")


class GoTags(_Entry):
    """How go_tag fixes are combined into one recommendation."""

    rank: int
    title: str
    cost: str
    external_without_cgo_since: Version = Field(
        description="First Go release whose -linkmode external links runtime/cgo when no cgo "
        "is left (before it the binary dies at start with SIGTRAP)."
    )
    cgo_runtime: str = Field(description="The package every cgo build links (runtime/cgo).")
    first_reference: str = Field(
        description="Said when the tags' removals rest on the log alone: GNU ld names only the "
        "first reference of each function."
    )
    own_calls: str = Field(
        description="Said when --go-module finds the program's own cgo code calling a function "
        "the tags would otherwise be said to remove ({package}, {symbols})."
    )
    first_reference_source: str
    verified: tuple[str, ...]
    sources: tuple[str, ...]


class GlibcFloor(_Entry):
    """From this glibc release on (until the next row), its default minimum kernel on x86-64."""

    glibc: Version
    kernel: Version
    source: str


class GoFloor(_Entry):
    """From this Go release on, the oldest kernel the Go runtime supports."""

    go: Version
    kernel: Version
    source: str


class RustFloor(_Entry):
    """From this Rust release on, what its standard library needs on every Linux target."""

    rust: Version
    kernel: Version
    glibc: Version
    source: str


class KernelCheck(_Entry):
    """glibc's start-up check ("FATAL: kernel too old") and the release that removed it."""

    removed_in: Version
    source: str


class NssFacts(_Entry):
    """The NSS sources glibc builds into libc, from which release, and what hosts ship."""

    builtin: tuple[str, ...]
    builtin_since: Version
    source: str
    host_stubs_since: Version = Field(
        description="From this release on, libnss_files.so.2 and libnss_dns.so.2 are empty stubs."
    )
    host_stubs_sources: tuple[str, ...]
    same_glibc_crash_sources: tuple[str, ...]
    nscd_source: str
    modules: tuple[str, ...] = Field(
        description="NSS sources that are modules in every release (libnss_X.so.2 from the host)."
    )


class Distribution(_Entry):
    """A target platform for --target."""

    id: str
    name: str
    family: str = Field(description='What a summary calls it ("Debian", "CentOS/RHEL").')
    release: str = Field(
        "", description='Its release in the family ("11"); none for one-release families.'
    )
    libc: Literal["glibc", "musl"]
    glibc: Version | None = None
    kernel: Version | None = None
    glibc_floor: Version | None = Field(
        None, description="The minimum kernel its glibc package is configured with."
    )
    glibc_floor_source: str | None = None
    end_of_life: str | None = Field(None, description="No more updates since this date.")
    end_of_life_source: str | None = None
    sources: tuple[str, ...]


class GlibcHint(_Entry):
    """A trace in the log that bounds the build host's glibc version."""

    message: str | None = None
    object: str | None = None
    function: str | None = None
    symbol: str | None = None
    line: str | None = Field(None, description="The whole cleaned log line.")
    min: Version | None = None
    max: Version | None = None
    reason: str
    source: str


class PlatformsFile(_Entry):
    check: KernelCheck
    nss: NssFacts
    glibc_hint: tuple[GlibcHint, ...]
    glibc_floor: tuple[GlibcFloor, ...]
    go_floor: tuple[GoFloor, ...]
    rust_floor: tuple[RustFloor, ...]
    distribution: tuple[Distribution, ...]


class LibcSignature(_Entry):
    """Byte strings that identify the C library inside a static binary."""

    name: Literal["glibc", "musl"]
    strings: tuple[str, ...]
    symbols: tuple[str, ...] = ()
    """Symbol names that identify it in a binary that has a symbol table."""
    symbols_source: str | None = None
    source: str
    loader: str = Field(
        description="The x86-64 dynamic loader, as a dynamic binary's interpreter names it."
    )
    interpreter_prefix: str = Field(
        description="How the file name of any of its loaders starts (every architecture)."
    )
    library: str = Field(description="Its libc, as a dynamic binary's DT_NEEDED names it.")
    library_prefix: str = Field(description="How that name starts, on every architecture.")
    loader_source: str
    library_source: str = Field(description="Where the library's name comes from.")


class GlibcStringHint(_Entry):
    """A string in a static glibc binary that bounds its glibc version."""

    string: str
    min: Version | None = None
    max: Version | None = None
    reason: str
    source: str


class Footprint(_Entry):
    """A run-time dependency of a static glibc binary, recognised by strings that survive strip."""

    symbol: str
    category: str
    strings: tuple[str, ...]
    redundant_with_group: str | None = Field(
        None, description="Not reported when findings of this group are already known precisely."
    )
    in_every_binary: bool = Field(
        False,
        description="Its strings are in every static glibc binary, a hello world included: no "
        "evidence by themselves. Only `symbols` tell, while the symbol table is kept; otherwise "
        "the report says it cannot tell.",
    )
    symbols: tuple[str, ...] = Field(
        (), description="Functions a binary defines only when the program uses the dependency."
    )
    source: str


class AlwaysLinked(_Entry):
    """glibc functions every static glibc binary holds, whatever the program calls."""

    symbols: tuple[str, ...]
    callers: tuple[str, ...] = Field(
        (),
        description="Functions whose presence in the symbol table proves a real call of these "
        "(SQLite's extension loader): then they are evidence after all.",
    )
    source: str


class Companion(_Entry):
    """glibc functions libc.a links in together with another one, without a warning of their own."""

    function: str
    brings: tuple[str, ...]
    source: str


class BinaryFile(_Entry):
    footprint_origin: str = Field(
        description="The origin (origins.toml id) of glibc's own run-time footprint in a binary."
    )
    discarded: str = Field(
        description="Said of a function the log warned about that the binary given with it does "
        "not hold (its symbol table was read): the linker dropped the code that called it."
    )
    discarded_source: str
    always_linked: tuple[AlwaysLinked, ...] = ()
    companion: tuple[Companion, ...] = ()
    libc: tuple[LibcSignature, ...]
    glibc_string_hint: tuple[GlibcStringHint, ...]
    footprint: tuple[Footprint, ...]


class DiagnosticPattern(_Entry):
    """A linker message that is not a libc finding."""

    id: str
    needles: tuple[str, ...] = Field(
        description="Literal strings; a line is tried only if it contains one."
    )
    severity: DiagnosticSeverity
    title: str
    pattern: str
    advice: str
    source: str = Field(description="Where the message and the advice come from.")
    role: Literal["undefined", "missing-library", "summary"] | None = Field(
        None,
        description="What the message tells about a failed link: a symbol no input defines, a "
        "-lX with no libX.a, or only that the link failed (the errors around it say why).",
    )
    command: bool = Field(
        False, description="Checks a build command; tried even after another pattern matched."
    )
    toolchain: Toolchain | None = Field(
        None, description="The toolchain whose link the message shows."
    )
    internal_link_only: bool = Field(
        False,
        description="Matters only when Go linked internally; dropped when the log shows linker output.",
    )
    gate: bool = Field(
        False,
        description="The program failed or will fail at run time: a report that holds this "
        "diagnostic exits with 1, as a finding at or above --fail-on does.",
    )
    run_time: bool = Field(
        False,
        description="Printed when the program ran, not by the build: not a link error, not "
        "linker output.",
    )
    when_dynamic: str | None = Field(
        None,
        description="What the message means when the log's go command links dynamically (no "
        "-static in -extldflags): then it is a warning, not a gate.",
    )
    language_fix: str | None = Field(
        None,
        description="The fix (fixes.toml id) whose edit of the log's driver command "
        "(languages.toml) is the command for this error, when the log shows that command.",
    )


class MessagesFile(_Entry):
    family: tuple[MessageFamily, ...]


class CategoriesFile(_Entry):
    group: tuple[Group, ...]
    category: tuple[Category, ...]


class SymbolsFile(_Entry):
    reference_libc: str = Field(description="The libc.a that in_reference_libc refers to.")
    symbol: tuple[Symbol, ...]


class OriginsFile(_Entry):
    origin: tuple[OriginRule, ...]
    binary_origin: tuple[BinaryOrigin, ...]


class CommandEnv(_Entry):
    """Which environment assignments of the log's build command a recommended command repeats."""

    keep: tuple[str, ...] = Field(description="Variables a fix can be about (CGO_ENABLED, GOOS).")
    value: str = Field(description="What their values may look like (a pattern, whole).")
    compilers: tuple[str, ...] = Field(description="Variables that name a C compiler (CC, CXX).")
    compiler: str = Field(description="What a compiler they name may look like (a pattern).")
    dropped: str = Field(description="What the report says of the others; {names} is filled in.")
    sources: tuple[str, ...]


class FixesFile(_Entry):
    fix: tuple[Fix, ...]
    go_tags: GoTags
    command_env: CommandEnv


class SilentLinker(_Entry):
    """A linker that never prints glibc's warnings, and how a log shows it was used."""

    name: str
    pattern: str


class UndefinedCause(_Entry):
    """Undefined references whose cause the symbols tell (diagnostics.toml [[undefined_cause]])."""

    id: str
    symbols: tuple[str, ...]
    """Regular expressions, matched against the whole symbol."""
    title: str
    fix: str
    advice: str
    sources: tuple[str, ...]


class MuslMissingLibrary(_Entry):
    """`cannot find -lX` in a link with musl-gcc."""

    advice: str
    sources: tuple[str, ...]


class GoInternalLink(_Entry):
    """When Go links a cgo program internally, ignoring -extldflags (cmd/link's internalpkg)."""

    packages: tuple[str, ...]
    """The standard-library packages whose C objects Go's own linker links."""
    source: str
    certain: str
    """The binary or `go list` proves it; {reason} is filled in."""
    likely: str
    """Only the command and the missing link output suggest it."""
    advice: str
    """The title of the command that links externally."""


class Silence(_Entry):
    """What a report says when its input cannot show glibc's link warnings."""

    empty: str
    """The input was empty (a pipe without 2>&1)."""
    empty_run: str
    """`cgowarn run`: the build printed nothing."""
    unseen: str
    """No link's output is in the input, and what that can mean."""
    unseen_find_out: str
    """How to find out what the link did."""
    note: str
    """Some linkers never print the warnings: no finding proves nothing."""
    instead: str
    """What to do instead: inspect the binary, or link with a linker that prints them."""
    rustc: str
    """rustc hides the linker's output unless asked."""
    too_slow: str
    """Lines a pattern ran out of time on; {lines}, {patterns} and {where} are filled in."""
    behind: str
    """`cgowarn run`: output the analysis could not keep up with; {size} is filled in."""
    sources: tuple[str, ...]


class Libm(_Entry):
    """glibc's math library: functions whose undefined reference means a missing -lm."""

    functions: tuple[str, ...] = Field(description="Base names, e.g. sin, pow.")
    suffixes: tuple[str, ...] = Field(
        description='The forms each base name has ("", f, l: double, float, long double).'
    )
    flag: str = Field(description="The linker option that adds the library: -lm.")
    advice: str
    rust: str = Field(description="A Rust build with the flag passed to the linker.")
    sources: tuple[str, ...]

    @property
    def names(self) -> frozenset[str]:
        """Every function name: each base name in each of its forms."""
        return frozenset(f + s for f in self.functions for s in self.suffixes)


class StaticArchive(_Entry):
    """Which package ships lib<library>.a, per distribution family ("unknown" when none is known)."""

    library: str = Field(description="The name after -l: m for libm.a.")
    packages: dict[str, str] = Field(
        description="Distribution family (a key of [static_archives] families) -> the package, or "
        "unknown."
    )


class StaticArchivesFile(_Entry):
    families: dict[str, str] = Field(
        description="Distribution family id -> its name as a reader knows it, in the order shown."
    )
    install: dict[str, str] = Field(
        description="Distribution family -> the command that installs a package (apt-get install)."
    )
    sources: tuple[str, ...]


class DiagnosticsFile(_Entry):
    diagnostic: tuple[DiagnosticPattern, ...]
    silent_linker: tuple[SilentLinker, ...]
    silence: Silence
    go_internal_link: GoInternalLink
    undefined_cause: tuple[UndefinedCause, ...] = ()
    musl_missing_library: MuslMissingLibrary
    libm: Libm
    static_archives: StaticArchivesFile
    archive: tuple[StaticArchive, ...]


class Phrase(_Entry):
    """A message's words around its subject, in one language (patterns/translations.toml)."""

    before: str
    open: str
    close: str
    after: str


class TranslatedMessage(_Entry):
    """One linker message (an English msgid) and what each language's catalogue prints for it."""

    id: str
    """cgowarn's diagnostic id the message belongs to (diagnostics.toml)."""
    domain: str
    msgid: str
    source: str
    function: str
    subject: str
    english: Phrase
    translations: dict[str, Phrase] = {}


class TranslationsFile(_Entry):
    message: tuple[TranslatedMessage, ...]


class Language(_Entry):
    """A language whose programs link glibc statically, and the drivers that build them."""

    id: Toolchain
    name: str
    drivers: tuple[str, ...]
    static: str
    """How its toolchain asks for a static link."""
    source: str
    musl: str | None = None
    """How a static build of the language uses musl, where a way is known."""
    musl_source: str | None = None
    edit_drivers: tuple[str, ...] = ()
    """The drivers whose commands a fix edits (the user's, not the steps they show); empty:
    all of `drivers`."""
    static_flags: tuple[str, ...] = ()
    """The words of its command that a dynamic build drops."""
    musl_flags: tuple[str, ...] = ()
    """Words a musl build adds to its command."""
    musl_target: str | None = None
    """The -target a musl build sets (zig)."""
    verified: tuple[str, ...] = ()
    """The fixes whose edited commands the live tests build and run."""


class LanguagesFile(_Entry):
    language: tuple[Language, ...]
