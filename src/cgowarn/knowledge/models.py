"""Frozen models of the knowledge base in patterns/; loader.py validates the TOML files into them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from cgowarn.model import DiagnosticSeverity, Severity


class _Entry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


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
    """Evidence patterns that attribute an occurrence to the code that pulled the symbol in."""

    id: str
    name: str
    object: str | None = None
    function: str | None = None
    file: str | None = None
    unit: str | None = None
    source: str


class Fix(_Entry):
    """A way to remove findings."""

    id: str
    rank: int
    title: str
    cost: str
    sources: tuple[str, ...]
    go_tag: str | None = None
    origins: tuple[str, ...] = ()
    categories_group: tuple[str, ...] = ()
    commands: tuple[str, ...] = ()


class GoTags(_Entry):
    """How go_tag fixes are combined into one recommendation."""

    rank: int
    title: str
    command: str = Field(description="Command template; {tags} is replaced by the tags that apply.")
    cost: str


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


FileKind = Literal["messages", "categories", "symbols", "origins", "fixes", "diagnostics"]
