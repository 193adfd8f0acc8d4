"""Frozen models of the knowledge base in patterns/; loader.py validates the TOML files into them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from cgowarn.model import DiagnosticSeverity, Severity


class _Entry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


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


class Group(_Entry):
    """Explanation shared by several categories."""

    id: str
    title: str
    why: str = Field(description="Why the feature breaks; shared by the group's categories.")
    sources: tuple[str, ...]


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


class Symbol(_Entry):
    """One glibc symbol that carries a link-time warning."""

    name: str
    category: str
    messages: tuple[str, ...] = Field(
        description="Every wording glibc has used for this symbol's warning."
    )
    since: str | None = Field(None, description="First glibc version with the warning.")
    in_libc_a_2_36: bool = Field(
        description="Present with this warning in Debian 12's libc.a (glibc 2.36)."
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
    harmless: bool = Field(False, description="The reference does not matter at run time.")
    note: str | None = Field(None, description="What to know about this origin.")
    source: str


class Fix(_Entry):
    """A way to remove findings, and when it applies."""

    id: str
    rank: int
    title: str
    cost: str
    kernel: str = Field(description="What the fix does to the binary's minimum kernel.")
    sources: tuple[str, ...]
    go_tag: str | None = None
    origins: tuple[str, ...] = Field((), description="Origins whose occurrences the fix removes.")
    categories_group: tuple[str, ...] = Field(
        (), description="Category groups whose findings the fix removes."
    )
    toolchains: tuple[str, ...] = Field(
        (), description="Offered only when the log shows one of these toolchains."
    )
    requires_origins: tuple[str, ...] = Field(
        (), description="Offered only when an occurrence comes from one of these."
    )
    only_origins: tuple[str, ...] = Field(
        (), description="Offered only when every occurrence comes from these."
    )
    commands: dict[str, tuple[str, ...]] = Field(
        default_factory=dict, description="Commands per toolchain."
    )


class GoTags(_Entry):
    """How go_tag fixes are combined into one recommendation."""

    rank: int
    title: str
    command: str = Field(description="Command template; {tags} is replaced by the tags that apply.")
    cost: str


class GlibcFloor(_Entry):
    """From this glibc release on (until the next row), its default minimum kernel on x86-64."""

    glibc: str
    kernel: str
    source: str


class GoFloor(_Entry):
    """From this Go release on, the oldest kernel the Go runtime supports."""

    go: str
    kernel: str
    source: str


class KernelCheck(_Entry):
    """glibc's start-up check ("FATAL: kernel too old") and the release that removed it."""

    removed_in: str
    source: str


class Distribution(_Entry):
    """A target platform for --target."""

    id: str
    name: str
    libc: Literal["glibc", "musl"]
    glibc: str | None = None
    kernel: str | None = None
    sources: tuple[str, ...]


class GlibcHint(_Entry):
    """A trace in the log that bounds the build host's glibc version."""

    message: str | None = None
    object: str | None = None
    function: str | None = None
    symbol: str | None = None
    min: str | None = None
    max: str | None = None
    reason: str
    source: str


class PlatformsFile(_Entry):
    check: KernelCheck
    glibc_hint: tuple[GlibcHint, ...]
    glibc_floor: tuple[GlibcFloor, ...]
    go_floor: tuple[GoFloor, ...]
    distribution: tuple[Distribution, ...]


class LibcSignature(_Entry):
    """Byte strings that identify the C library inside a static binary."""

    name: Literal["glibc", "musl"]
    strings: tuple[str, ...]
    source: str


class GlibcStringHint(_Entry):
    """A string in a static glibc binary that bounds its glibc version."""

    string: str
    min: str | None = None
    max: str | None = None
    reason: str
    source: str


class Footprint(_Entry):
    """A run-time dependency of a static glibc binary, recognised by strings that survive strip."""

    symbol: str
    category: str
    strings: tuple[str, ...]
    source: str


class BinaryFile(_Entry):
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
    command: bool = Field(
        False, description="Checks a build command; tried even after another pattern matched."
    )


class MessagesFile(_Entry):
    family: tuple[MessageFamily, ...]


class CategoriesFile(_Entry):
    group: tuple[Group, ...]
    category: tuple[Category, ...]


class SymbolsFile(_Entry):
    symbol: tuple[Symbol, ...]


class OriginsFile(_Entry):
    origin: tuple[OriginRule, ...]


class FixesFile(_Entry):
    fix: tuple[Fix, ...]
    go_tags: GoTags


class SilentLinker(_Entry):
    """A linker that never prints glibc's warnings, and how a log shows it was used."""

    name: str
    pattern: str


class DiagnosticsFile(_Entry):
    diagnostic: tuple[DiagnosticPattern, ...]
    silent_linker: tuple[SilentLinker, ...]
