"""Pump a regular expression's own repeated parts, to find the inputs that make it slow.

For every repeat in a pattern (`x*`, `x+`, `x{2,}`, possessive or not), the attack strings are a
prefix that leads the match to that repeat, many copies of something the repeat can match, and a
suffix that makes the match fail at the end, which is what makes a backtracking engine try every
way of splitting the copies between the repeats that can take them. Each is timed at two lengths;
a linear pattern takes about 16 times as long at 16 times the length, a quadratic one 256 times,
an exponential one forever (the `regex` module's timeout stops it).

The pattern is read with the standard library's parser (sre), which knows the syntax cgowarn's
patterns use, possessive repeats and atomic groups included; the few `regex`-only class escapes
(`\\p{Cc}`) are read as the characters they stand for.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import regex

ALPHABET = "a0Z_ -./:'`\"=+@#$()[]<>!,;\\\t%*&~|{}‘’：«»“”\u00a0é\u200b\x1b\x00"
"""Characters tried where a repeat takes one from a class: every kind of character cgowarn's
patterns treat specially (quotes of every language ld speaks, separators, controls)."""
SUFFIXES = ("", "\x00", "!", " ", ":", "'", "\n", "a")
# Unicode properties, which sre cannot parse, as ranges of what they hold (for the attack strings).
_P_CLASSES = {
    r"\p{Cc}": r"\x00-\x1f\x7f-\x9f",
    r"\p{Cf}": r"\u200b-\u200f\u2060-\u2064\ufeff",
    r"\p{Cs}": r"\ud800-\udfff",
    r"\p{Default_Ignorable_Code_Point}": r"\u00ad\u034f\u200b-\u200f\u2060-\u206f\ufeff",
    r"\p{Bidi_Control}": r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069",
    r"\p{Zl}": r"\u2028",
    r"\p{Zp}": r"\u2029",
    r"\p{Noncharacter_Code_Point}": r"\ufdd0-\ufdef\ufffe\uffff",
}
REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT)


def _parse(source: str | bytes, flags: int) -> Any:
    if isinstance(source, bytes):
        source = source.decode("latin-1")
        flags &= ~re.UNICODE
    for escape, chars in _P_CLASSES.items():
        source = source.replace(escape, chars)
    # regex allows a group name twice (in different branches); sre does not.
    seen: set[str] = set()

    def rename(m: re.Match[str]) -> str:
        if m.group(1) in seen:
            return "(?:"
        seen.add(m.group(1))
        return m.group(0)

    source = re.sub(r"\(\?P<(\w+)>", rename, source)
    # regex's flags are re's, but for a few that sre does not know
    return sre_parse.parse(source, flags & (re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE))


def _in_category(ch: str, category: Any) -> bool:
    name = str(category)
    if "DIGIT" in name:
        hit = ch.isdigit()
    elif "WORD" in name:
        hit = ch.isalnum() or ch == "_"
    elif "SPACE" in name:
        hit = ch.isspace()
    elif "LINEBREAK" in name:
        hit = ch == "\n"
    else:
        hit = False
    return not hit if "NOT" in name else hit


def _in_set(ch: str, items: list[Any]) -> bool:
    negate = False
    hit = False
    for op, av in items:
        if op is C.NEGATE:
            negate = True
        elif op is C.LITERAL:
            hit = hit or ord(ch) == av
        elif op is C.RANGE:
            hit = hit or av[0] <= ord(ch) <= av[1]
        elif op is C.CATEGORY:
            hit = hit or _in_category(ch, av)
        elif op is C.CHARSET or op is C.BIGCHARSET:
            hit = True  # not produced by the parser for these patterns
    return hit != negate


def _first_chars(seq: Any) -> list[str]:
    """Characters the sequence `seq` can start with (from ALPHABET, plus its own literals)."""
    for i, (op, av) in enumerate(seq):
        if op is C.LITERAL:
            return [chr(av)]
        if op is C.NOT_LITERAL:
            return [c for c in ALPHABET if ord(c) != av]
        if op is C.ANY:
            return [c for c in ALPHABET if c != "\n"]
        if op is C.IN:
            own = [chr(v) for o, v in av if o is C.LITERAL]
            return [c for c in dict.fromkeys([*own, *ALPHABET]) if _in_set(c, av)]
        if op is C.BRANCH:
            out: list[str] = []
            for branch in av[1]:
                out += _first_chars(branch)
            return list(dict.fromkeys(out))
        if op is C.SUBPATTERN:
            return _first_chars(av[3])
        if op is C.ATOMIC_GROUP:
            return _first_chars(av)
        if op in REPEATS:
            first = _first_chars(av[2])
            if av[0] > 0:
                return first
            return list(dict.fromkeys(first + _first_chars(seq[i + 1 :])))
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT, C.GROUPREF):
            continue
    return []


SPECIAL = "\"'`‘’“”«»:：=/.-_ \t(){}[]<>|!,;@#$%&*+~\\a0Z\u00a0é\x1b\x00"
"""Characters a sample of a class starts with: the ones patterns treat specially first."""
SAMPLES = 4
"""Characters taken from each class."""
VARIANTS = 12
"""Strings kept per sub-expression when its witnesses are combined."""


def _samples(op: Any, av: Any) -> list[str]:
    if op is C.LITERAL:
        return [chr(av)]
    if op is C.NOT_LITERAL:
        return [c for c in SPECIAL if ord(c) != av][:SAMPLES]
    if op is C.ANY:
        return [c for c in SPECIAL if c != "\n"][:SAMPLES]
    own = [chr(v) for o, v in av if o is C.LITERAL]
    return [c for c in dict.fromkeys([*own, *SPECIAL, *ALPHABET]) if _in_set(c, av)][:SAMPLES]


def witnesses(seq: Any) -> list[str]:
    """Short strings that `seq` matches (or nearly: lookarounds and backreferences are
    ignored), one for each way of taking its alternatives and classes, up to VARIANTS."""
    out = [""]
    for op, av in seq:
        if op in (C.LITERAL, C.NOT_LITERAL, C.ANY, C.IN):
            options = _samples(op, av) or ["a"]
        elif op is C.BRANCH:
            options = [w for branch in av[1] for w in witnesses(branch)]
        elif op is C.SUBPATTERN:
            options = witnesses(av[3])
        elif op is C.ATOMIC_GROUP:
            options = witnesses(av)
        elif op in REPEATS:
            body = witnesses(av[2])
            options = [w * av[0] for w in body] if av[0] else ["", *body]
        elif op is C.GROUPREF_EXISTS:
            options = witnesses(av[1])
        else:
            continue
        options = list(dict.fromkeys(options)) or [""]
        out = list(dict.fromkeys(a + b for a in out for b in options))[:VARIANTS]
    return out


def witness(seq: Any) -> str:
    """The first of `witnesses`."""
    return witnesses(seq)[0]


@dataclass(frozen=True)
class Attack:
    prefix: str
    pump: str
    suffix: str

    def text(self, length: int) -> str:
        copies = max(1, (length - len(self.prefix) - len(self.suffix)) // max(1, len(self.pump)))
        return self.prefix + self.pump * copies + self.suffix


def _repeats(seq: Any, before: str, after: str) -> Iterator[tuple[str, Any, str]]:
    """(what leads to it, repeat body, what follows it) for every repeat in `seq` that can take
    many copies."""
    for i, (op, av) in enumerate(seq):
        lead = before + witness(seq[:i])
        tail = witness(seq[i + 1 :]) + after
        if op in REPEATS:
            if av[1] is C.MAXREPEAT or av[1] > 8:
                yield lead, av[2], tail
            yield from _repeats(av[2], lead, tail)
        elif op is C.BRANCH:
            for branch in av[1]:
                yield from _repeats(branch, lead, tail)
        elif op is C.SUBPATTERN:
            yield from _repeats(av[3], lead, tail)
        elif op is C.ATOMIC_GROUP:
            yield from _repeats(av, lead, tail)
        elif op in (C.ASSERT, C.ASSERT_NOT):
            yield from _repeats(av[1], lead, tail)
        elif op is C.GROUPREF_EXISTS:
            yield from _repeats(av[1], lead, tail)
            if av[2] is not None:
                yield from _repeats(av[2], lead, tail)


MAX_ATTACKS = 600


def attacks(source: str | bytes, flags: int = 0) -> list[Attack]:
    """The attack strings of a pattern: for each repeat, many copies of what it takes (each
    witness of its body, each character it can start with), led by what leads to it, ended by
    nothing, a character no pattern expects, or what follows it (whole, or short of its last
    character, so that the match fails only at the very end). Also each repeat's lead and body
    together, many times: a search that starts again at each copy."""
    tree = list(_parse(source, flags))
    found: dict[Attack, None] = {}
    for lead, body, tail in _repeats(tree, "", ""):
        pumps = witnesses(body) + _first_chars(body)[:SAMPLES]
        endings = [*SUFFIXES, tail, tail[:-1], tail + "\x00"]
        for pump in dict.fromkeys(p for p in pumps if p):
            for suffix in dict.fromkeys(endings):
                found[Attack(lead, pump, suffix)] = None
            for suffix in ("", "\x00"):
                found[Attack("", lead + pump, suffix)] = None
    for whole in witnesses(tree)[:4]:
        for suffix in SUFFIXES:
            found[Attack("", whole, suffix)] = None
            found[Attack("", whole[:-1] or whole, suffix)] = None
    return list(found)[:MAX_ATTACKS]


def cost(search: Any, text: str | bytes, timeout: float) -> float:
    """Seconds one search of `text` takes (best of two); `timeout` when it does not finish."""
    best = timeout
    for _ in range(2):
        start = time.perf_counter()
        try:
            search(text, timeout=timeout)
        except TimeoutError:
            return timeout
        best = min(best, time.perf_counter() - start)
    return best


GROWTH = 40.0
"""16 times the length: about 16 times the time when linear, 256 times when quadratic."""
FLOOR = 0.005
"""Seconds below which a 8 KB search is fast whatever its growth (a linear one takes
microseconds, a quadratic one a good part of a second)."""


def worst(
    source: str | bytes,
    flags: int = 0,
    *,
    anchored: bool = False,
    small: int = 512,
    large: int = 8192,
    timeout: float = 2.0,
) -> tuple[float, float, Attack | None]:
    """(cost at `small`, cost at `large`, attack) of the first attack whose cost grows faster
    than linearly, else of the one that grows the most. `anchored`: the pattern is only ever
    tried at the start of a text (match)."""
    compiled = regex.compile(source, flags)
    search = compiled.match if anchored else compiled.search
    top: tuple[float, float, Attack | None] = (0.0, 0.0, None)
    for attack in attacks(source, flags):
        a, b = attack.text(small), attack.text(large)
        a_text: str | bytes = a.encode("utf-8") if isinstance(source, bytes) else a
        b_text: str | bytes = b.encode("utf-8") if isinstance(source, bytes) else b
        big = cost(search, b_text, timeout)
        if big < FLOOR / 5:
            continue
        little = cost(search, a_text, timeout)
        growth = big / max(little, 1e-5)
        if growth > top[1] / max(top[0], 1e-5):
            top = (little, big, attack)
        if big > FLOOR and growth > GROWTH:
            break
    return top


def is_linear(little: float, big: float) -> bool:
    return big <= FLOOR or big / max(little, 1e-5) <= GROWTH
