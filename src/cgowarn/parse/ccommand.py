"""A C or C++ link command from a log (`gcc -O2 -static -o app main.c -lm`, echoed by make or a CI
script), as validated parts, and the commands derived from it for a recommendation.

A log is untrusted: the command is never copied from it. It is split like a shell splits it, and
only the words that are plainly compiler flags, file names or the output are kept; the first word
that could make the shell do anything else (`;`, `|`, `$(`, a backquote, a redirection) ends it.
A fix changes only what it is about (the driver, -static, a linker choice the new driver does not
take); every other flag, library and file stays as the user wrote it.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from cgowarn import regexes

MAX_COMMAND = 8192
"""Longer lines are not read as a link command (shlex's cost; no real link line is that long)."""

_DRIVER = regexes.compile(
    "parse.ccommand.DRIVER",
    r"^(?P<prefix>(?:[\w.+-]++-)*?)(?P<name>gcc|cc|clang|g\+\+|c\+\+|clang\+\+|musl-gcc)"
    r"(?P<suffix>-\d++(?:\.\d++)*+)?$",
    anchored=True,
)
_CXX = frozenset({"g++", "c++", "clang++"})
# Flags carried over as they are: optimisation, debug, language, warnings, code generation,
# defines and include or library paths, libraries, link modes, linker options passed with -Wl,.
_FLAG = regexes.compile(
    "parse.ccommand.FLAG",
    r"^-(?:O[0-3sgz]?+|g[\w]*+|std=[\w+]++|W[\w=+-]*+|f[\w=+.-]++|m[\w=.-]++|D\w++(?:=[\w.]*+)?"
    r"|U\w++|[IL][\w./+-]++|l[\w+.:-]++|static|static-pie|pie|no-pie|pthread|rdynamic|s"
    r"|static-libgcc|static-libstdc\+\+|Wl,[\w,.=/+-]++|x(?:c|c\+\+)?+|ansi|pedantic|v)$",
    anchored=True,
)
_SEPARATE = frozenset({"-I", "-L", "-x", "-l"})
"""Flags whose value may be the next word."""
_VALUE = regexes.compile("parse.ccommand.VALUE", r"^[\w./+:-]++$", anchored=True)
_FILE = regexes.compile("parse.ccommand.FILE", r"^[\w.+][\w./+-]*+$", anchored=True)
_SHELL_END = frozenset({";", "&&", "||", "|", "&", ">", ">>", "<", "2>&1", "2>", "1>"})
STATIC_FLAGS = frozenset({"-static", "-static-pie"})
_SOURCES = frozenset({"c", "cc", "cpp", "cxx", "C", "c++", "i", "ii", "s", "S"})


def is_prompt(word: str) -> bool:
    """A shell's prompt or trace before a command: `$`, `#`, `>`, or `set -x`'s `+`, which bash
    repeats once for each level of nesting (`++`, `+++`)."""
    return word in {"$", "#", ">"} or (word != "" and set(word) == {"+"})


@dataclass(frozen=True)
class CCommand:
    """A link command: its driver and the words after it that were kept."""

    driver: str
    """The driver as the log names it, without its directory (gcc, x86_64-linux-gnu-gcc-12)."""
    args: tuple[str, ...]
    cxx: bool
    """Whether the driver is a C++ one (g++, c++, clang++)."""
    dropped: tuple[str, ...] = ()
    """Words of the log's command that were not carried over."""

    @classmethod
    def parse(cls, text: str) -> CCommand | None:
        """The link command on `text` (a log line, a `$ ` or `+ ` prefix allowed), or None."""
        if len(text) > MAX_COMMAND:
            return None
        try:
            # As the shell splits it: `m.c;` is a file and the end of the command.
            lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
            lexer.whitespace_split = True
            lexer.commenters = ""
            words = list(lexer)
        except ValueError:
            return None
        if words and is_prompt(words[0]):
            words = words[1:]
        if not words:
            return None
        m = _DRIVER.match(words[0].rsplit("/", 1)[-1])
        if m is None:
            return None
        args: list[str] = []
        dropped: list[str] = []
        i = 1
        while i < len(words):
            word = words[i]
            i += 1
            redirect = word.isdigit() and i < len(words) and words[i][:1] in "<>"  # 2>&1
            if redirect or word in _SHELL_END or any(c in word for c in "`$;|&<>(){}\\'\"\n"):
                dropped += words[i - 1 :]
                break
            if word == "-o" or word in _SEPARATE:
                if i < len(words) and _VALUE.fullmatch(words[i]):
                    args += [word, words[i]]
                    i += 1
                else:
                    dropped.append(word)
            elif word.startswith("-"):
                (args if _FLAG.fullmatch(word) else dropped).append(word)
            elif _FILE.fullmatch(word):
                args.append(word)
            else:
                dropped.append(word)
        if "-o" not in args and not any(not a.startswith("-") for a in args):
            return None
        name = m.group("name")
        return cls(words[0].rsplit("/", 1)[-1], tuple(args), name in _CXX, tuple(dropped))

    @property
    def output(self) -> str | None:
        """The -o file, when the command names one."""
        args = self.args
        return next((args[i + 1] for i, a in enumerate(args[:-1]) if a == "-o"), None)

    @property
    def compiles(self) -> bool:
        """Whether the command compiles sources itself (else it links objects compiled before)."""
        return any(
            not a.startswith("-") and a.rsplit(".", 1)[-1] in _SOURCES
            for a in self.args
            if a != self.output
        )

    @property
    def static(self) -> bool:
        return any(a in STATIC_FLAGS for a in self.args)

    def edited(
        self,
        driver: str | None = None,
        *,
        link: str | None = None,
        drop_prefixes: tuple[str, ...] = (),
        extra: tuple[str, ...] = (),
    ) -> str:
        """The command with `driver` (words; None keeps the log's), linked `link` ("static":
        -static added when missing; "dynamic": -static and -static-pie removed) and without the
        flags that start with one of `drop_prefixes`, and `extra` at the end (libraries: GNU ld
        searches an archive only for what comes before it); every other word as the log has it."""
        args = [a for a in self.args if not any(a.startswith(p) for p in drop_prefixes)]
        args = [a for a in args if a not in extra] + list(extra)
        if link == "dynamic":
            args = [a for a in args if a not in STATIC_FLAGS]
        elif link == "static" and not any(a in STATIC_FLAGS for a in args):
            args.insert(0, "-static")
        words = (driver.split() if driver else [self.driver]) + args
        return shlex.join(words)
