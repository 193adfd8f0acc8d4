"""gold: `obj.o:file.c:function f: warning: MSG` and `archive.a(member.o):function f: warning: MSG`.

gold names the object and function on the warning line itself instead of a context line. Its plain
`file:line: warning: MSG` form (with debug info) is GNU ld's form and handled there. Seen with
gold 1.16 (binutils 2.40).
"""

from __future__ import annotations

from cgowarn import regexes
from cgowarn.parse.events import Location

_FORM = regexes.compile(
    "parse.gold.FORM",
    r"^(?P<obj>[^:：]+?)(?:[:：](?P<file>[^:：]+?))?[:：]function (?P<func>.+)$",
    anchored=True,
)


class Gold:
    """gold's warning locations."""

    name = "gold"

    def parse_location(self, text: str) -> Location | None:
        m = _FORM.match(text)
        if m is None:
            return None
        return Location(object=m.group("obj"), file=m.group("file"), function=m.group("func"))
