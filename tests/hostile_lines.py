"""Line shapes that make a backtracking regular expression quadratic: a long run of what a pattern
repeats, then what makes it fail at the very end. Shared by tests/test_linear_time.py, which checks
that the time to parse each grows linearly, and benchmarks/run.py --pathological, which reports the
worst of them in MB/s."""

from __future__ import annotations

from collections.abc import Callable

MSG = (
    "Using 'x' in statically linked applications requires at runtime the shared libraries from "
    "the glibc version used for linking"
)

SHAPES: dict[str, Callable[[int], str]] = {
    # The four found by probing: a Go header of digits, obsolete and deprecated messages.
    "Go header of digits": lambda n: "# " + "1" * n + ":",
    "is obsolete + backticks": lambda n: "is obsolete" + "`" * n,
    "is deprecated + letters": lambda n: "is deprecated " + "a" * n,
    "spaces before a colon": lambda n: "a" + " " * n + ":",
    # Every other pattern family, at its weakest point.
    "is not implemented + words": lambda n: (
        "a " * (n // 2) + " is not implemented and will always fail"
    ),
    "the use of + quote": lambda n: "the use of `" + "a" * n,
    "Using + quote": lambda n: "Using '" + "a" * n + " in statically linked applications",
    "in function, unterminated": lambda n: "a.o: in function `" + "a" * n + ":",
    "context colons": lambda n: "a:" * (n // 2) + ":",
    "context quotes": lambda n: "x: in `a'" * (n // 9) + ":",
    "ld program path": lambda n: "/a-" * (n // 3) + "x: foo.o: in function `f':",
    "object directories": lambda n: "a/" * (n // 2) + "x.o: warning: " + MSG,
    "archive names": lambda n: "liba" * (n // 4) + ".a(:" + " warning: " + MSG,
    "gold colons": lambda n: "a.o:" + "b:" * (n // 2) + "function f: warning: " + MSG,
    "nested CI prefixes": lambda n: "#1 1.0 " * (n // 7),
    "ANSI, unterminated": lambda n: "\x1b[" + "1;" * (n // 2),
    "go build, many flags": lambda n: "go build " + "-a " * (n // 3),
    "go build, env with =": lambda n: "go build " + "a=b=" * (n // 4) + " x",
    "extldflags repeated": lambda n: "go build -extldflags " * (n // 21),
    "collect2 repeated": lambda n: "collect2: x: ld " * (n // 16),
    "-fuse-ld=lld repeated": lambda n: "-fuse-ld=lld " * (n // 13),
    "undefined reference repeated": lambda n: "undefined reference to `" * (n // 24),
    "warning: repeated": lambda n: (
        "warning: " * (n // 9) + "gtty is not implemented and will always fail"
    ),
    "file name before a warning": lambda n: "a" * n + ":12:(.text+0x1): warning: " + MSG,
    "crash line spaces": lambda n: "a: line 1: " + " " * n + "1 Segmentation",
    "GLIBC not found, parens": lambda n: "version `GLIBC_2.34' not found (required by " + "(" * n,
    # The shapes a security review found (each was exponential or quadratic before).
    "go command, env quotes": lambda n: 'A=" ' * (n // 4) + "xgo build",
    "error adding symbols, one word": lambda n: "a" * n + ": error adding symbols: ",
    "multiple definition repeated": lambda n: "multiple definition of `" * (n // 24),
    "gcc In function repeated": lambda n: "a.c: In function ‘" * (n // 18) + ":",
    "more undefined references repeated": lambda n: "more undefined references to `" * (n // 31),
}
