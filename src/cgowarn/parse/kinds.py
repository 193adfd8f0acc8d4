"""Kinds of needle a line can hold. The scanner tells the parser which kinds it found in a line,
and the parser runs only the checks that can match: every check in the parser looks for one of
these literals (or for the line-end colon) before it does anything else, so a check whose needle
is absent from the line would find nothing. A line read without the scanner holds ALL.
"""

from __future__ import annotations

MESSAGE = 1 << 0
"""A glibc message needle (patterns/messages.toml)."""
DIAGNOSTIC = 1 << 1
"""A linker diagnostic needle (patterns/diagnostics.toml)."""
LINE_END_COLON = 1 << 2
"""A line ending with ':' or '：' (ld's context lines)."""
GO_HEADER = 1 << 3
GO_COMMAND = 1 << 4
GO_VERSION = 1 << 5
CARGO = 1 << 6
STATIC = 1 << 7
SILENT_LINKER = 1 << 8
COMPILER_CONTEXT = 1 << 9
"""gcc's `file.c: In function ‘f’:` (not a check: a line holding only this and a line-end colon
is the compiler's, and the scanner drops it; see gnu_ld.COMPILER_CONTEXT)."""
MAKE = 1 << 10
"""make's own messages or a command line running it."""
WRAP_HEAD = 1 << 11
"""The start of a glibc message that pastes break over lines (messages.toml `wrap.head`)."""
WRAP_END = 1 << 12
"""Its end (`wrap.end`): a line with the head and the end holds the whole message."""
LANGUAGE = 1 << 13
"""A build driver of a language other than C, C++, Go and Rust (languages.toml)."""
ALL = (1 << 14) - 1

STRUCTURE: dict[bytes, int] = {
    b"# ": GO_HEADER,  # `# example.com/cmd/app`
    b"Compiling ": CARGO,  # cargo's crate lines
    b"-static": STATIC,  # a static link command
    b"go build": GO_COMMAND,
    b"go install": GO_COMMAND,
    b"go1.": GO_VERSION,  # `go version go1.22.5`, .../go1.22.5/...
    b"go-1.": GO_VERSION,  # /usr/lib/go-1.19/...
    b"lld": SILENT_LINKER,
    b"mold": SILENT_LINKER,
    b"make: ": MAKE,  # make: *** [Makefile:3: app] Error 1
    b"make[": MAKE,  # make[1]: Entering directory
    b" make": MAKE,  # $ make -j4
}
"""What the parser reacts to besides the knowledge base's needles and the line-end colon."""
