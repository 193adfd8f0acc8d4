"""A build command of another language's driver (`nim c --passL:-static main.nim`, `zig build-exe
main.zig -lc -target x86_64-linux-gnu -static`), read as the shell splits it and kept only when
every word is a plain one: the fixes edit it (languages.toml) and print it to paste, so a word
that the shell would expand or act on (`$`, a quote, `;`) makes no command at all."""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from cgowarn import regexes
from cgowarn.parse.ccommand import is_prompt

MAX_COMMAND = 8192
_PLAIN = regexes.compile("parse.langcommand.PLAIN", r"^[\w./+:=,@%-]++$", anchored=True)
_SHELL_END = frozenset({";", "&&", "||", "|", "&", "2>&1"})
_VERSION = regexes.compile("parse.langcommand.VERSION", r"-\d++(?:\.\d++)*+$")


@dataclass(frozen=True)
class LanguageCommand:
    words: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> LanguageCommand | None:
        if len(text) > MAX_COMMAND:
            return None
        try:
            words = shlex.split(text, comments=False)
        except ValueError:
            return None
        if words and is_prompt(words[0]) and words[0] != "#":
            words = words[1:]
        kept: list[str] = []
        for word in words:
            if word in _SHELL_END or word.startswith((">", "2>", "<", "|")):
                break
            if not _PLAIN.match(word):
                return None
            kept.append(word)
        return cls(tuple(kept)) if len(kept) > 1 else None

    def runs_one_of(self, drivers: tuple[str, ...]) -> bool:
        """Whether its driver, without directory, target prefix and version suffix, is one of
        `drivers` (`/usr/bin/x86_64-linux-gnu-gnatmake-12` runs gnatmake)."""
        base = self.words[0].rsplit("/", 1)[-1]
        parts = _VERSION.sub("", base).split("-")
        return any("-".join(parts[i:]) in drivers for i in range(len(parts)))

    def without(self, flags: tuple[str, ...]) -> LanguageCommand:
        """Without each of `flags` (a flag of two words, `-ccopt -static`, as a pair)."""
        words = list(self.words)
        for flag in flags:
            parts = flag.split()
            i = 0
            while i <= len(words) - len(parts):
                if words[i : i + len(parts)] == parts:
                    del words[i : i + len(parts)]
                else:
                    i += 1
        return LanguageCommand(tuple(words))

    def with_flags(self, flags: tuple[str, ...]) -> LanguageCommand:
        """With `flags` before the first option (after the driver and its subcommand)."""
        words = list(self.words)
        at = next((i for i, w in enumerate(words) if i and w.startswith("-")), len(words))
        new = [f for f in flags if f not in words]
        return LanguageCommand(tuple(words[:at] + new + words[at:]))

    def with_value(self, option: str, value: str) -> LanguageCommand:
        """With `option value` set: the value replaced where the option is given, else added."""
        words = list(self.words)
        if option in words[:-1]:
            words[words.index(option) + 1] = value
            return LanguageCommand(tuple(words))
        return self.with_flags((option, value))

    def render(self) -> str:
        return shlex.join(self.words)
