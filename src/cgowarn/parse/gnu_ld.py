"""GNU ld (bfd): program prefixes, `in function` context lines and warning locations.

Forms (ld 2.40 unless noted):
  /usr/bin/ld: obj.o: in function `f':            context (old ld, before 2.32: `In function`)
  obj.o(.text+0x1d): In function `f':             context, very old ld
  obj.o：在函数‘f’中：                                context, localised (zh_CN)
  file.c:123: warning: MSG                        with debug info
  file.c:(.text+0x1a): warning: MSG               without debug info
  file.c:60:(.text+0x37): warning: MSG            both
  (.text+0x77cd): warning: MSG                    no file at all
  <artificial>:(.text.startup+0x15): warning: MSG LTO
  obj.o(.text+0x1d): MSG  /  : MSG                very old ld, no `warning:` keyword
Later warnings in the same function are prefixed with the program name (`/usr/bin/ld: `), which
may be ld, ld.bfd, a cross `x86_64-linux-gnu-ld`, or a path in a Nix store.
"""

from __future__ import annotations

from cgowarn import regexes
from cgowarn.parse.events import Location

# The linker's own name at the start of a line: `/usr/bin/ld: `, `ld.bfd: `, `x86_64-linux-gnu-ld: `,
# `/nix/store/<hash>-binutils-2.40/bin/ld: `, `ld.gold: `. Not lld or mold: they print no glibc warnings.
# Possessive: the directories and the target prefix are each read once (linear in the line).
PROGRAM = regexes.compile(
    "parse.gnu_ld.PROGRAM",
    r"^(?:[^\s/]*+/)*+(?:[\w.+]++-)*+(?:ld(?:\.bfd|\.gold)?|gold)(?:\.exe)?\s?[:：]\s*",
    anchored=True,
)

# The linker's word for "warning", translated or not: one word of letters before a colon, itself
# after a colon, a closing parenthesis, or at the start.
_KEYWORD = regexes.compile(
    "parse.gnu_ld.KEYWORD", r"(?:(?<=[:：)])|^)\s*[^\W\d_]\w{0,30}\s*[:：]\s*$"
)

_QUOTE_OPEN = "`'‘»„«\""
_QUOTE_CLOSE = "'’«“»\""
# `OBJ: in function `F':` in any language: the first colon followed by up to four words and an
# opening quote starts the function, a closing quote followed by at most a word and the final colon
# ends it. Two searches, each linear in the line (one regular expression with a lazy object and a
# lazy function rescans the line from every colon).
_CONTEXT_HEAD = regexes.compile(
    "parse.gnu_ld.CONTEXT_HEAD",
    rf"[:：]\s*+(?P<words>[^\W\d_]++(?:\s[^\W\d_]++){{0,3}}+)\s*+[{_QUOTE_OPEN}]",
)
_CONTEXT_TAIL = regexes.compile(
    "parse.gnu_ld.CONTEXT_TAIL", rf"[{_QUOTE_CLOSE}]\s*+[^\W\d_]*+\s*+[:：]\s*+$"
)

# gcc's line before its own warnings, `misc.c: In function ‘f’:` (gcc 12; ASCII quotes in the C
# locale). It is the compiler's context, never the linker's: ld's English message quotes with a
# backtick, `%pB: in function `%pT':` (binutils ld/ldmisc.c; `In function` before 2.32). The
# scanner drops these lines with the bytes pattern; the parser ignores them with the str one,
# which accepts everything the bytes pattern does once clean_line has run.
COMPILER_CONTEXT = (
    rb"[:\xef\xbc\x9a][ \t]+In function (?:\xe2\x80\x98|')[^\n\r]*(?:\xe2\x80\x99|'):[ \t\r]*$"
)
_COMPILER_HEAD = regexes.compile("parse.gnu_ld.COMPILER_HEAD", r"[:：]\s++In function [‘']")
_COMPILER_END = ("’:", "':")


def is_compiler_context(line: str) -> bool:
    """Whether `line` is gcc's `FILE: In function ‘f’:`: the head searched for, the end
    compared (one pattern with `.*` between them would rescan the line from every head)."""
    if not line.endswith(_COMPILER_END):
        return False
    head = _COMPILER_HEAD.search(line)
    return head is not None and head.end() <= len(line) - 2


# `(.text+0x17)`; a paste that lost the `+` (a form decoding it as a space) writes `(.text 0x17)`.
_SECTION = r"\((?P<sec>[^\s()]++(?: 0x[0-9A-Fa-f]++)?+)\)"
_FORMS = (
    regexes.compile(
        "parse.gnu_ld.FORM_LINE",
        rf"^(?P<file>.+?)[:：](?P<line>\d++)(?:[:：]{_SECTION})?$",
        anchored=True,
    ),
    regexes.compile("parse.gnu_ld.FORM_SECTION", rf"^(?P<file>.*?)[:：]{_SECTION}$", anchored=True),
    regexes.compile("parse.gnu_ld.FORM_BARE", rf"^{_SECTION}$", anchored=True),
    # Very old ld: the object with the section glued to it, `obj.o(.text+0x1d)`.
    regexes.compile(
        "parse.gnu_ld.FORM_OLD", r"^(?P<obj>.+?)\((?P<sec>\.[^\s()]*+)\)$", anchored=True
    ),
)


def strip_program(line: str) -> str:
    """`/usr/bin/ld: rest` -> `rest`; other lines unchanged."""
    m = PROGRAM.match(line)
    return line[m.end() :] if m else line


def location_text(prefix: str) -> str:
    """The part before glibc's message, without the program prefix, the word for warning and
    the trailing colon."""
    text = strip_program(prefix.strip())
    m = _KEYWORD.search(text)
    if m is not None:
        text = text[: m.start()]
    return text.rstrip().rstrip(":：").rstrip()


def parse_context(line: str) -> Location | None:
    """Parse ld's `OBJ: in function `F':` line (any language); None if `line` is not one."""
    if not line or line[-1] not in ":：" or is_compiler_context(line):
        return None
    text = strip_program(line)
    head = _CONTEXT_HEAD.search(text)
    if head is None:
        return None
    tail = _CONTEXT_TAIL.search(text, head.end() + 1)
    if tail is None:
        return None
    obj = text[: head.start()].strip()
    function = text[head.end() : tail.start()]
    section = None
    if obj.endswith(")"):
        old = _FORMS[3].match(obj)
        if old is not None:
            obj, section = old.group("obj"), old.group("sec")
    return Location(object=obj or None, function=function.strip(), section=section)


class GnuLd:
    """GNU ld's warning locations."""

    name = "gnu-ld"

    def parse_location(self, text: str) -> Location | None:
        if not text:
            return Location()
        for form in _FORMS:
            m = form.match(text)
            if m is None:
                continue
            groups = m.groupdict()
            if "obj" in groups:
                return Location(object=groups["obj"], section=groups["sec"])
            line = groups.get("line")
            section = groups.get("sec")
            return Location(
                file=groups.get("file") or None,
                line=int(line) if line else None,
                section=section.replace(" 0x", "+0x") if section else None,
            )
        return None
