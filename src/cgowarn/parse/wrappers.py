"""Remove what CI systems and build drivers wrap around linker lines.

Handled: ANSI colour and cursor codes, carriage returns (CRLF line ends and progress rewrites),
other control bytes, GitHub Actions' ISO timestamps, GitLab's timestamp+stream prefix, Docker
BuildKit's `#12 3.456 ` step prefixes, Jenkins timestamper prefixes, docker compose's `svc_1  | `,
nix's `pkg> ` build-log tags, Go log-package timestamps, rustc's `= note:` blocks and
indented continuation lines, and rustc's `warning: linker stderr:` lines (rustc >= 1.86 with
`-W linker-messages`), glog/klog's `I1207 12:34:56.789012 42 file.go:12] `, e-mail and Markdown
quoting (`> `, `>> `), and a log viewer's line numbers (`123\t`, `123: `, `123 | `). Prefixes can nest (a BuildKit log inside a GitHub Actions log), so they are
removed repeatedly.
"""

from __future__ import annotations

import regex

from cgowarn import regexes

_ANSI = regexes.compile(
    "parse.wrappers.ANSI", r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])"
)
_CONTROL = regexes.compile("parse.wrappers.CONTROL", r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""C0 and C1 control characters (and DEL): never part of what a linker prints."""
# Tried with match() at the current position (which anchors it there; `^` would not).
_PREFIX = regexes.compile(
    "parse.wrappers.PREFIX",
    r"""(?:
        \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)\s(?:\d\d[OEP]\+?\s)?  # GitHub Actions / GitLab
      | \#\d+\s\d+\.\d+\s                                                           # Docker BuildKit
      | \d{4}/\d\d/\d\d\s\d\d:\d\d:\d\d(?:\.\d+)?\s(?:(?:INFO|WARN|ERROR|DEBUG)\s)?  # Go log package (melange)
      | [A-Za-z0-9][\w.-]*\s*\|\s                                                    # docker compose service
      | [A-Za-z0-9][\w.+-]*>\s                                                       # nix build-log tag
      | \[\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d)?\]\s                             # Jenkins (ISO)
      | \[?\d\d:\d\d:\d\d(?:\.\d+)?\]?\s                                              # Jenkins (time of day)
      | \s*=\s(?:note|help):\s                                                      # rustc note block
      | warning:\slinker\sstd(?:err|out):\s                                        # rustc -W linker-messages
      | [IWEF]\d{4}\s\d\d:\d\d:\d\d\.\d+\s+\d+\s[\w.-]+:\d+\]\s               # glog / klog severity+time
      | >(?:\s|(?=>))                                                              # e-mail / Markdown quote
      | \d{1,7}(?:\t|\s?[:|│]\s)                                                    # a log viewer's line number
    )""",
    regex.VERBOSE,
    anchored=True,
)


_PREFIX_STARTS = frozenset("0123456789#[ \t=w>IWEF")


def clean_line(line: str) -> str:
    """The line as the linker printed it, without wrappers; leading and trailing space removed."""
    if "\x1b" in line:
        line = _ANSI.sub("", line)
    if "\r" in line:
        line = line.rstrip("\r")
        if "\r" in line:
            line = line.rsplit("\r", 1)[1] or line.replace("\r", "")
    if not line.isprintable():
        line = _CONTROL.sub("", line)
    line = line.strip()
    # Prefixes nest (BuildKit inside Actions); matched in place, so that a line of a thousand
    # prefixes is not copied a thousand times. Every form starts with a digit, `#`, `[`, a space,
    # `=` or `w`, or holds `|` (compose) or `>` (nix): most lines hold none and are not tried.
    if not line or not (line[0] in _PREFIX_STARTS or "|" in line or ">" in line):
        return line
    pos = 0
    while (m := _PREFIX.match(line, pos)) is not None and m.end() > pos:
        pos = m.end()
        while pos < len(line) and line[pos].isspace():
            pos += 1
    return line[pos:] if pos else line
