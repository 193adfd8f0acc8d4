"""Link-unit boundaries: where one link's output ends and the next begins.

# example.com/cmd/app          Go prints one header per package before that package's tool output
Compiling app v0.1.0 (/src)    cargo, before each crate's rustc output
gcc -static -o app main.o      a link command echoed by make, go build -x or a CI script
"""

from __future__ import annotations

from cgowarn import regexes
from cgowarn.parse.events import UnitStart

# Possessive: a long run of path characters that turns out not to end the line is not rescanned.
_GO = regexes.compile(
    "parse.units.GO", r"^# (?P<name>[A-Za-z0-9_.~+@/-]++)(?: \[[^\]]++\])?$", anchored=True
)
_CARGO = regexes.compile("parse.units.CARGO", r"^Compiling (?P<name>[\w-]+) v\d", anchored=True)
_LINK_COMMAND = regexes.compile(
    "parse.units.LINK_COMMAND",
    # The directories read once each, the target prefix (`x86_64-linux-gnu-`) one part at a
    # time until a driver name follows: linear in the line.
    r"^(?:[$+>]++\s++)?(?:[^\s/]*+/)*+(?:[\w.+]++-)*?(?P<driver>gcc|cc|clang|g\+\+|c\+\+|clang\+\+|musl-gcc|ld|ld\.bfd|ld\.gold)(?:-\d++)?\s",
    anchored=True,
)
_C_DRIVERS = frozenset({"gcc", "cc", "clang", "musl-gcc"})
_CXX_DRIVERS = frozenset({"g++", "c++", "clang++"})
_OUTPUT = regexes.compile("parse.units.OUTPUT", r"\s-o\s*+(?P<out>\S++)")
_COMPILE_ONLY = regexes.compile("parse.units.COMPILE_ONLY", r"\s-(?:c|S|E|M|MM)(?:\s|$)")


def unit_start(line: str, line_no: int) -> UnitStart | None:
    """The unit that `line` starts, or None."""
    first = line[:1]
    if first == "#":
        m = _GO.match(line)
        if m is None or not any(c.isalnum() for c in m.group("name")):
            return None
        return UnitStart(m.group("name"), "go-package", "go", line_no)
    if first == "C":
        m = _CARGO.match(line)
        return UnitStart(m.group("name"), "cargo-crate", "rust", line_no) if m else None
    if "-static" in line and (m := _LINK_COMMAND.match(line)) and not _COMPILE_ONLY.search(line):
        out = _OUTPUT.search(line)
        if out is not None:
            driver = m.group("driver")
            toolchain = "c++" if driver in _CXX_DRIVERS else "c" if driver in _C_DRIVERS else None
            return UnitStart(out.group("out").strip("'\""), "command", toolchain, line_no)
    return None
