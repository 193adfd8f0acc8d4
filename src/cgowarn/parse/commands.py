"""Build commands and tool versions shown in a log.

$ go build -ldflags '-linkmode external -extldflags "-static"' ./cmd/app    (CI echo, make)
+ CGO_ENABLED=1 go build -tags json1 ./...                                 (set -x)
/usr/lib/go-1.19/pkg/tool/linux_amd64/link -o $WORK/b001/exe/a.out ...     (go build -x: Go 1.19)
go version go1.22.5 linux/amd64
"""

from __future__ import annotations

from cgowarn import regexes
from cgowarn.parse.events import BuildCommand, ToolVersion

_GO_COMMAND = regexes.compile(
    "parse.commands.GO_COMMAND",
    # Atomic and possessive: an assignment is read one way only (`A="x y"` as a quoted value,
    # else as one word), so that `A=" ` repeated cannot be split in exponentially many ways.
    r"^(?:[$#>+]++\s++)?(?P<cmd>(?>[A-Z_][A-Z0-9_]*+=(?>\"[^\"]*+\"|'[^']*+'|\S*+)\s++)*+"
    r"(?:[^\s/]*+/)*+go (?:build|install)(?:\s.*+)?)$",
    anchored=True,
)
_GO_VERSION = regexes.compile(
    "parse.commands.GO_VERSION", r"(?:/go-|\bgo)1\.(?P<minor>\d+)(?:\.\d+)?(?=[/\s:]|$)"
)


_MAKE = regexes.compile(
    "parse.commands.MAKE",
    # make's own messages (`make: *** [Makefile:3: app] Error 1`, `make[1]: Entering directory`)
    # or a shown command line that runs it (`$ make`, `+ make -j4 app`).
    r"^(?:make(?:\[\d++\])?+: |[$+]\s++(?:[A-Z_][A-Z0-9_]*+=\S*+\s++)*+make(?:\s|$))",
    anchored=True,
)


def make_seen(line: str, line_no: int) -> BuildCommand | None:
    """A line showing that make runs the build."""
    return BuildCommand("make", line, line_no) if _MAKE.match(line) else None


def go_command(line: str, line_no: int) -> BuildCommand | None:
    m = _GO_COMMAND.match(line)
    return BuildCommand("go", m.group("cmd").strip(), line_no) if m else None


def go_version(line: str, line_no: int) -> ToolVersion | None:
    m = _GO_VERSION.search(line)
    return ToolVersion("go", f"1.{m.group('minor')}", line_no) if m else None


_FIRST_WORD = regexes.compile(
    "parse.commands.FIRST_WORD",
    # A prompt, assignments, the directories: each read once, possessively.
    r"^(?:[$+>]++\s++)?(?:[A-Z_][A-Z0-9_]*+=\S*+\s++)*+(?:[^\s/]*+/)*+(?P<word>[^\s/]++)(?:\s|$)",
    anchored=True,
)
_VERSION_SUFFIX = regexes.compile("parse.commands.VERSION_SUFFIX", r"-\d++(?:\.\d++)*+$")


def language_command(line: str, line_no: int, drivers: dict[str, str]) -> BuildCommand | None:
    """A command line whose driver (first word, without directory, target prefix or version
    suffix: `/usr/bin/x86_64-linux-gnu-gnatmake-12`) builds one of `drivers`' languages."""
    m = _FIRST_WORD.match(line)
    if m is None:
        return None
    word = _VERSION_SUFFIX.sub("", m.group("word"))
    parts = word.split("-")
    for i in range(len(parts)):
        toolchain = drivers.get("-".join(parts[i:]))
        if toolchain is not None:
            return BuildCommand(toolchain, line, line_no)
    return None
