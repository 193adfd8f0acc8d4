"""The report's vocabularies, as enums. Free of heavy imports, so that the command line can build
its choices from them without loading pydantic."""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """How much a finding matters. Ordered: low < medium < high."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """1 for low, 2 for medium, 3 for high: the order of the members."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {member: rank for rank, member in enumerate(Severity, 1)}


def worst_first(value: str) -> int:
    """A sort key for severity values, the worst first: high 0, medium 1, low 2; 3 for a value
    that is no severity."""
    try:
        return len(_SEVERITY_RANK) - Severity(value).rank
    except ValueError:
        return len(_SEVERITY_RANK)


class Toolchain(StrEnum):
    """A toolchain cgowarn recognises in a log or binary; fixes give commands per toolchain."""

    GO = "go"
    RUST = "rust"
    C = "c"
    CXX = "c++"
    HASKELL = "haskell"
    NIM = "nim"
    D = "d"
    OCAML = "ocaml"
    CRYSTAL = "crystal"
    ZIG = "zig"
    ADA = "ada"
    FORTRAN = "fortran"
    PASCAL = "pascal"


class DiagnosticSeverity(StrEnum):
    """Severity of a linker message that is not a libc finding."""

    WARNING = "warning"
    ERROR = "error"


class LinkStatus(StrEnum):
    """Whether the log shows the link failing."""

    OK = "ok"
    """No link error was found in the log."""
    FAILED = "failed"
    """The log holds at least one link error (undefined reference, collect2, ...)."""
    UNSEEN = "unseen"
    """No link's output is in the input (no linker message, no link unit): a link that printed
    nothing, output that was not captured, or a Go build that linked internally. Never "ok"."""


class Libc(StrEnum):
    """The C library a binary holds or needs."""

    GLIBC = "glibc"
    MUSL = "musl"
    NONE = "none"
    """No C library at all (a Go binary built without cgo)."""


NEVER = "never"
"""The --fail-on level at which the gate never fails."""
