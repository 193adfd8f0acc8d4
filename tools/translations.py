"""Writes patterns/translations.toml: the words GNU ld, gold and gcc's collect2 print around the
subject of the link errors cgowarn reads (an undefined symbol, a missing library, an exit status),
in every language whose compiled message catalogue (.mo) is installed:

    python tools/translations.py [--locale-dir DIR] [--output FILE] [--check]

The linkers translate their messages with gettext. The catalogues are binutils' and gcc's own
po/<lang>.po files, compiled: Debian 12 installs them as /usr/share/locale/<lang>/LC_MESSAGES/ld.mo,
bfd.mo and gold.mo (package binutils-common, binutils 2.40) and gcc-12.mo (package gcc-12-locales,
gcc 12.2). Each message is looked up by its msgid, the English format string in the linker's source,
through `gettext.GNUTranslations(...).gettext(msgid)`, exactly as the linker looks it up; a catalogue
made for an older release, whose msgid has since changed, leaves the message in English, as the
linker does. Only the standard library is used. A development tool: cgowarn never imports it.

`--check` writes nothing and exits 1 when FILE differs from what the catalogues give.
"""

from __future__ import annotations

import argparse
import gettext
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "patterns" / "translations.toml"
LOCALE_DIR = Path("/usr/share/locale")

BINUTILS_TAG = "binutils-2_40"
GCC_TAG = "releases/gcc-12.2.0"
BINUTILS = f"https://github.com/bminor/binutils-gdb/blob/{BINUTILS_TAG}/"
GCC = f"https://github.com/gcc-mirror/gcc/blob/{GCC_TAG}/"

DOMAINS = ("ld", "bfd", "gold", "gcc-12")
"""The gettext domains, each the name of a catalogue: <lang>/LC_MESSAGES/<domain>.mo."""

PACKAGES = {"ld": "binutils-common", "bfd": "binutils-common", "gold": "binutils-common"}
PACKAGES["gcc-12"] = "gcc-12-locales"
"""The Debian 12 package that installs each domain's catalogues."""


@dataclass(frozen=True)
class Message:
    """One format string of a linker's source, as its msgid."""

    id: str
    """cgowarn's name for the message; several msgids (location forms, linkers) share one."""
    domain: str
    msgid: str
    source: str
    """The source file at the release, where the msgid is passed to gettext."""
    function: str
    subject: tuple[int, int]
    """The first and the last conversion (0-based, in order) that print the subject; those before
    print the location prefix (the program's name, the file, the section and offset)."""


MESSAGES: tuple[Message, ...] = (
    Message(
        "undefined_reference",
        "ld",
        "%X%P: %C: undefined reference to `%pT'\n",
        BINUTILS + "ld/ldmain.c",
        "undefined_symbol",
        (3, 3),
    ),
    Message(
        "undefined_reference",
        "ld",
        "%X%P: %pB: undefined reference to `%pT'\n",
        BINUTILS + "ld/ldmain.c",
        "undefined_symbol",
        (3, 3),
    ),
    Message(
        "more_undefined_references",
        "ld",
        "%X%P: %D: more undefined references to `%pT' follow\n",
        BINUTILS + "ld/ldmain.c",
        "undefined_symbol",
        (3, 3),
    ),
    Message(
        "more_undefined_references",
        "ld",
        "%X%P: %pB: more undefined references to `%pT' follow\n",
        BINUTILS + "ld/ldmain.c",
        "undefined_symbol",
        (3, 3),
    ),
    Message(
        "multiple_definition",
        "ld",
        "%X%P: %C: multiple definition of `%pT'",
        BINUTILS + "ld/ldmain.c",
        "multiple_definition",
        (3, 3),
    ),
    Message(
        "cannot_find_library",
        "ld",
        "%P: cannot find %s: %E\n",
        BINUTILS + "ld/ldfile.c",
        "ldfile_open_file",
        (1, 1),
    ),
    Message(
        "error_adding_symbols",
        "ld",
        "%F%P: %pB: error adding symbols: %E\n",
        BINUTILS + "ld/ldlang.c",
        "load_symbols",
        (3, 3),
    ),
    Message(
        "undefined_reference",
        "bfd",
        "%pB: undefined reference to symbol '%s'",
        BINUTILS + "bfd/elflink.c",
        "elf_link_add_object_symbols",
        (1, 1),
    ),
    Message(
        "undefined_reference",
        "gold",
        "%s: %s: undefined reference to '%s'\n",
        BINUTILS + "gold/errors.cc",
        "Errors::undefined_symbol",
        (2, 2),
    ),
    Message(
        "cannot_find_library",
        "gold",
        "cannot find %s%s",
        BINUTILS + "gold/fileread.cc",
        "Input_file::find_file",
        (0, 1),
    ),
    Message(
        "collect2",
        "gcc-12",
        "ld returned %d exit status",
        GCC + "gcc/collect2.cc",
        "do_link",
        (0, 0),
    ),
    Message(
        "collect2",
        "gcc-12",
        "%s returned %d exit status",
        GCC + "gcc/collect-utils.cc",
        "do_wait",
        (1, 1),
    ),
)

CONVERSION = re.compile(r"%%|%(?:\d+\$)?[-#0 +']*\d*(?:\.\d+)?(?:p[A-Za-z]|[hlLqjzt]*[A-Za-z]|<|>)")
"""A conversion of ld's einfo (%X %P %C %D %pB %pT %E ...), bfd's error handler, printf and gcc's
diagnostics (%qs, %<): all start with %, may name their argument (%2$s), and end with a letter."""
POSITION = re.compile(r"(?<=%)\d+\$")
QUOTES = "`'\"«»‹›„‚“”‘’‛‟「」『』〈〉《》＂＇"
OPEN = re.compile(rf"(?P<quote>[{QUOTES}])(?P<space>[^\S\n]*)\Z")
CLOSE = re.compile(rf"\A(?P<space>[^\S\n]*)(?P<quote>[{QUOTES}])")
SEPARATOR = re.compile(r"\A\s*[:：]\s*")
"""The colon (ASCII or fullwidth, with any spaces, NBSP included) ending the location prefix."""


@dataclass(frozen=True)
class Parts:
    """The literal text a log line shows around a message's subject."""

    before: str
    open: str
    close: str
    after: str

    def as_dict(self) -> dict[str, str]:
        return {"before": self.before, "open": self.open, "close": self.close, "after": self.after}


def split(fmt: str) -> tuple[list[str], list[str]]:
    """The literal pieces of a format string and its conversions: len(literals) == len(convs) + 1,
    literals[i] preceding convs[i]. `%%` is a literal %."""
    literals, convs, piece, pos = [], [], "", 0
    for m in CONVERSION.finditer(fmt):
        piece += fmt[pos : m.start()]
        pos = m.end()
        if m.group() == "%%":
            piece += "%"
            continue
        literals.append(piece)
        convs.append(m.group())
        piece = ""
    literals.append(piece + fmt[pos:])
    return literals, convs


def parts(message: Message, fmt: str) -> Parts:
    """The text around the subject in `fmt`, the msgid or a translation of it. A translation must
    keep the msgid's conversions in their order (none of these catalogues reorders them)."""
    literals, convs = split(fmt)
    expected = split(message.msgid)[1]
    if [POSITION.sub("", c) for c in convs] != expected:
        raise ValueError(f"{message.msgid!r}: the translation {fmt!r} has conversions {convs}")
    first, last = message.subject
    before = literals[first]
    if first > 0:
        before = SEPARATOR.sub("", before)
    after = literals[last + 1]
    opening, closing = OPEN.search(before), CLOSE.match(after)
    open_ = close = ""
    if opening and closing:  # a quote only when both sides have one: not the apostrophe of "l'"
        open_ = opening["quote"] + opening["space"]
        close = closing["space"] + closing["quote"]
        before, after = before[: opening.start()], after[closing.end() :]
    return Parts(before.strip(), open_, close, after.rstrip())


def catalogues(domain: str, locale_dir: Path = LOCALE_DIR) -> dict[str, Path]:
    """Each language's compiled catalogue of `domain`, by language (pt_BR, sr@latin)."""
    found = sorted(locale_dir.glob(f"*/LC_MESSAGES/{domain}.mo"))
    return {path.parents[1].name: path for path in found}


def translation(message: Message, mo: Path) -> Parts | None:
    """What the catalogue `mo` makes of the message, or None where it leaves it in English: it has
    no translation of this msgid, or one whose text around the subject is the English text."""
    with mo.open("rb") as f:
        text = gettext.GNUTranslations(f).gettext(message.msgid)
    if text == message.msgid:
        return None
    got = parts(message, text)
    return None if got == parts(message, message.msgid) else got


def translations(message: Message, locale_dir: Path = LOCALE_DIR) -> dict[str, Parts]:
    """Every installed language's translation of the message, by language, sorted."""
    found = {}
    for lang, mo in catalogues(message.domain, locale_dir).items():
        got = translation(message, mo)
        if got is not None:
            found[lang] = got
    return dict(sorted(found.items()))


def package_versions(packages: Iterable[str]) -> dict[str, str]:
    """Each installed Debian package's version, from dpkg-query; absent when not known."""
    names = sorted(set(packages))
    try:
        out = subprocess.run(
            ["dpkg-query", "-W", "-f", "${Package} ${Version}\\n", *names],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
    except OSError:
        return {}
    versions = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
    return {name: versions[name] for name in names if versions.get(name)}


def toml_string(s: str) -> str:
    """A TOML basic string. Controls, and spaces other than the ASCII one (NBSP, the narrow NBSP
    French uses), are escaped, so that the file shows them."""
    out = []
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch != " " and (not ch.isprintable() or ch.isspace()):
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else toml_string(key)


def inline(parts: Parts) -> str:
    return "{ " + ", ".join(f"{k} = {toml_string(v)}" for k, v in parts.as_dict().items()) + " }"


def header(versions: Mapping[str, str]) -> str:
    def package(name: str) -> str:
        return f"{name} {versions[name]}" if name in versions else f"{name} (version not known)"

    return f"""\
# GENERATED by `python tools/translations.py`: do not edit, run it again.
# What GNU ld, gold and gcc's collect2 print, under a non-English locale (LANGUAGE, LC_MESSAGES), for
# the link errors cgowarn reads. Read with Python's gettext from the compiled catalogues that
# Debian 12 installs in /usr/share/locale/<lang>/LC_MESSAGES/: ld.mo, bfd.mo and gold.mo from
# {package("binutils-common")} (binutils 2.40), gcc-12.mo from {package("gcc-12-locales")} (gcc 12.2).
# Primary sources: binutils' po/<lang>.po files at tag {BINUTILS_TAG},
#   https://github.com/bminor/binutils-gdb/tree/{BINUTILS_TAG}/ld/po
#   https://github.com/bminor/binutils-gdb/tree/{BINUTILS_TAG}/bfd/po
#   https://github.com/bminor/binutils-gdb/tree/{BINUTILS_TAG}/gold/po
# and gcc's po/<lang>.po files at {GCC_TAG},
#   https://github.com/gcc-mirror/gcc/tree/{GCC_TAG}/gcc/po
#
# One [[message]] per msgid: the English format string that the linker's source (`source`, in
# `function`) passes to gettext. `id` is cgowarn's name for the message, shared by its forms.
# `subject` is the conversion that prints the message's subject (a symbol, a library, an error, an
# exit status); the conversions before it print the location prefix ("/usr/bin/ld: x.o:(.text+0x5): ")
# or, in collect2's "%s returned", the program's name.
# Around the subject, with every conversion left out:
#   before  the words between the location prefix and the subject, e.g. "undefined reference to"
#           ("" where a language puts them after the subject)
#   open    the opening quote of the subject, with any space inside it ("«\\u00A0"); "" for none
#   close   the closing quote, likewise
#   after   the words after the subject, up to the next conversion or the end, e.g. " follow"
# `english` is the msgid's own text; [message.translations] has, by language, every installed
# catalogue whose text differs from it. A language missing there prints the message in English:
# it has no catalogue, or its catalogue was made for an older release whose msgid was different.
# Not here: what other msgids print on the same line (gold's "error" and "%s: error: ", gcc's
# "error: ", ld's "in function"), nor the location prefix's own punctuation, which French writes
# "\\u00A0: " ("/usr/bin/ld\\u00A0: x.o\\u00A0: ").
"""


def render(versions: Mapping[str, str], locale_dir: Path = LOCALE_DIR) -> str:
    """The whole file: the messages sorted by id, domain and msgid, the languages by name."""
    blocks = [header(versions)]
    for message in sorted(MESSAGES, key=lambda m: (m.id, m.domain, m.msgid)):
        _, convs = split(message.msgid)
        first, last = message.subject
        lines = [
            "[[message]]",
            f"id = {toml_string(message.id)}",
            f"domain = {toml_string(message.domain)}",
            f"msgid = {toml_string(message.msgid)}",
            f"source = {toml_string(message.source)}",
            f"function = {toml_string(message.function)}",
            f"subject = {toml_string(''.join(convs[first : last + 1]))}",
            f"english = {inline(parts(message, message.msgid))}",
            "",
            "[message.translations]",
        ]
        for lang, got in translations(message, locale_dir).items():
            lines.append(f"{toml_key(lang)} = {inline(got)}")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--locale-dir", type=Path, default=LOCALE_DIR)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args(argv)
    text = render(package_versions(PACKAGES.values()), args.locale_dir)
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is not what the catalogues give: run tools/translations.py")
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
