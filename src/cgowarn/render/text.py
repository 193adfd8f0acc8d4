"""Terminal text: the answer first, then the findings table and one line per fix; wrapped to the
width asked for, each continuation under the item it belongs to; coloured only where the colour
says something (severity, link status, a verdict). `--details` gives every section in full."""

from __future__ import annotations

import textwrap

from cgowarn import regexes
from cgowarn.model import Report
from cgowarn.render.interface import RenderOptions
from cgowarn.render.rows import AnswerLine, StartsMatrix, View
from cgowarn.render.safety import visible
from cgowarn.render.view import build_view
from cgowarn.words import ELLIPSIS

_COLORS = {"high": "31", "medium": "33", "low": "36", "error": "31", "warning": "33"}
_TONES = {"bad": "1;31", "warn": "33", "ok": "32"}
MIN_WIDTH = 40
"""Narrower terminals are wrapped as if this wide: below it, nothing reads well anyway."""


def _paint(text: str, code: str, on: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if on else text


class _Page:
    """The lines of the report, each wrapped to the width with a hanging indent."""

    def __init__(self, width: int, color: bool) -> None:
        self.width = max(width, MIN_WIDTH)
        self.color = color
        self.lines: list[str] = []

    def add(self, text: str, indent: str = "", hang: str | None = None) -> list[str]:
        """`text` wrapped: the first line at `indent`, the others at `hang` (indent + 2 spaces
        by default). Returns the new lines' indexes' text, for painting."""
        hang = indent + "  " if hang is None else hang
        wrapped = wrap_words(visible(text), self.width, indent, hang) or [indent.rstrip()]
        self.lines += wrapped
        return wrapped

    def paint_last(self, count: int, word: str, code: str) -> None:
        """Colour the first `word` in the first of the last `count` lines."""
        if not self.color or not code:
            return
        i = len(self.lines) - count
        self.lines[i] = self.lines[i].replace(word, _paint(word, code, True), 1)

    def command(self, cmd: str, indent: str) -> None:
        """A shell command to copy: continued with ` \\` at unquoted spaces, so that it still runs
        when pasted; a trailing comment goes on its own lines."""
        tokens = _shell_tokens(visible(cmd))
        comment_at = next((i for i, t in enumerate(tokens) if t.startswith("#")), len(tokens))
        code, comment = tokens[:comment_at], tokens[comment_at:]
        line = f"{indent}$"
        for token in code:
            if len(indent) + 4 + len(token) + 2 > self.width:
                # Longer than a line of its own: cut inside, continued at the first column.
                pieces = split_word(token, self.width - len(indent) - 4, self.width)
                self.lines.append(line + " \\")
                self.lines.append(f"{indent}    {pieces[0]}")
                self.lines += pieces[1:-1]
                line = pieces[-1]
            elif len(line) + 1 + len(token) + 2 > self.width and not line.endswith("$"):
                self.lines.append(line + " \\")
                line = f"{indent}    {token}"
            else:
                line += f" {token}"
        self.lines.append(line)
        if comment:
            text = " ".join(comment).lstrip("#").strip()
            self.lines += textwrap.wrap(
                text,
                width=self.width,
                initial_indent=f"{indent}  # ",
                subsequent_indent=f"{indent}  # ",
                break_on_hyphens=False,
            )

    def blank(self) -> None:
        if self.lines and self.lines[-1]:
            self.lines.append("")


_CUT = "\x00"
"""Marks where wrap_words may break a word longer than a line (never in the output)."""
_AFTER = frozenset("/:,()=")


class _Wrapper(textwrap.TextWrapper):
    """textwrap's simple wrapper, which may also break at a _CUT mark (a chunk of its own,
    removed from the lines afterwards)."""

    wordsep_simple_re = regexes.compile("render.text.word separators", r"(\s+|\x00)").compiled


def wrap_words(text: str, width: int, indent: str, hang: str) -> list[str]:
    """`text` wrapped to `width` between words; a word (a path, a symbol) stays whole unless it
    is longer than a line, which is then cut after a `/`, `:`, `,`, `(`, `)` or `=` (anywhere
    only when it has none), so that no line is wider than the terminal."""
    room = max(width - len(hang), 20)
    words = []
    for word in text.split(" "):
        if len(word) <= room:
            words.append(word)
            continue
        out, piece = "", ""
        for ch in word:
            piece += ch
            if (ch in _AFTER and len(piece) > room // 3) or len(piece) >= room:
                out += piece + _CUT
                piece = ""
        words.append(out + piece)
    wrapper = _Wrapper(
        width=width,
        initial_indent=indent,
        subsequent_indent=hang,
        break_on_hyphens=False,
        break_long_words=False,
    )
    return [line.replace(_CUT, "") for line in wrapper.wrap(" ".join(words))]


def split_word(word: str, first: int, rest: int) -> list[str]:
    """One shell word cut into lines that the shell joins back into the same word: each line but
    the last ends with a backslash (a line continuation, outside quotes and inside double
    quotes); inside single quotes the quote is closed before it and opened again on the next
    line. The first line holds at most `first` characters, the others `rest`; the lines after
    the first start at the first column (an indent would split the word). A cut is made after a
    space when one is near, never after a backslash."""
    pieces: list[str] = []
    current = ""
    quote = ""
    room = max(first, 12)
    i = 0
    while i < len(word):
        ch = word[i]
        current += ch
        if quote == "'":
            if ch == "'":
                quote = ""
        elif quote == '"':
            if ch == "\\" and i + 1 < len(word):
                i += 1
                current += word[i]
            elif ch == '"':
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "\\" and i + 1 < len(word):
            i += 1
            current += word[i]
        i += 1
        close = "'\\" if quote == "'" else "\\"
        if len(current) + len(close) >= room - 1 and i < len(word):  # an escape adds 2
            cut = current.rfind(" ", len(current) - 16) if quote else -1
            tail = current[cut + 1 :]
            # At the space only when the quoting after it is the same (no quote, no escape).
            plain = cut > 0 and not any(c in tail for c in "'\"\\")
            keep = current[: cut + 1] if plain else current
            carried = current[len(keep) :]
            pieces.append(keep + close)
            current = ("'" if quote == "'" else "") + carried
            room = max(rest, 12)
    pieces.append(current)
    return pieces


def _shell_tokens(cmd: str) -> list[str]:
    """`cmd` split at the spaces outside quotes, the quotes kept."""
    tokens: list[str] = []
    current = ""
    quote = ""
    for ch in cmd:
        if quote:
            current += ch
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
            current += ch
        elif ch.isspace():
            if current:
                tokens.append(current)
            current = ""
        else:
            current += ch
    if current:
        tokens.append(current)
    return tokens


def _answer(page: _Page, line: AnswerLine) -> None:
    label = f"{line.label}:"
    lines = page.add(f"{label} {line.text}", hang="    ")
    page.paint_last(len(lines), label, _TONES.get(line.tone, ""))
    for cmd in line.commands:
        page.command(cmd, "    ")
    for step in line.steps:
        page.add(step.label, indent="    ", hang="      ")
        for cmd in step.commands:
            page.command(cmd, "    ")


def _table(page: _Page, v: View) -> None:
    width = max(len(f.symbol) for f in v.findings)
    counts = max(len(f.count_label) for f in v.findings) if v.lines_column else 0
    for f in v.findings:
        mark = f"{f.baseline:<9} " if v.has_baseline else ""
        count = f" {f.count_label:>{counts}}" if v.lines_column else ""
        head = f"  {f.severity:<6} {mark}{visible(f.symbol):<{width}}{count}  "
        origin = f"  [{f.origins}]" if f.origins else ""
        lines = page.add(head + f.feature + origin, hang=" " * min(len(head), page.width // 2))
        page.paint_last(len(lines), f.severity, _COLORS[f.severity])


def _starts_matrix(page: _Page, m: StartsMatrix) -> None:
    """The binary x target matrix, its target columns split into blocks that fit the width;
    a path longer than half the width is cut at its start (the file name stays)."""
    longest = max(len(r.path) for r in m.rows)
    first = min(max(longest, len("binary")), page.width // 2)
    wide = max(max(len(t) for t in m.targets), len("maybe")) + 2
    per_block = max(1, (page.width - 2 - first) // wide)
    page.add("Where each binary starts (yes, NO, maybe):")
    for at in range(0, len(m.targets), per_block):
        ids = m.targets[at : at + per_block]
        page.lines.append(
            ("  " + "binary".ljust(first) + "".join(f"  {t:<{wide - 2}}" for t in ids)).rstrip()
        )
        for r in m.rows:
            path = r.path if len(r.path) <= first else ELLIPSIS + r.path[-(first - 1) :]
            cells = r.cells[at : at + per_block]
            line = "  " + path.ljust(first) + "".join(f"  {c:<{wide - 2}}" for c in cells)
            if page.color:
                line = line.replace("  NO", "  " + _paint("NO", _TONES["bad"], True))
            page.lines.append(line.rstrip())
    page.blank()


def render(report: Report, options: RenderOptions) -> str:
    v = build_view(report)
    page = _Page(options.width, options.color)
    page.add(f"cgowarn: {v.title}.")
    for answer in v.answer:
        _answer(page, answer)
    if v.baseline_line:
        page.add(v.baseline_line)
    page.blank()
    if v.starts_matrix is not None:
        _starts_matrix(page, v.starts_matrix)
    if v.link_problems:
        page.add("Link errors, by cause:")
        for i, p in enumerate(v.link_problems, 1):
            page.add(f"{i}. {p.title}: {p.fix}.", indent="  ", hang="     ")
            if options.details:
                first = f"first at {p.log}: {p.message}" if p.message else f"at {p.log}"
                page.add(first, indent="     ", hang="       ")
                if p.advice:
                    page.add(p.advice, indent="     ", hang="     ")
            for cmd in p.commands:
                page.command(cmd, "     ")
        page.blank()
    if v.failures:
        lines = page.add("What failed:")
        page.paint_last(len(lines), "What failed:", _TONES["bad"])
        for d in v.failures:
            page.add(f"{d.log}: {d.message}", indent="  ", hang="    ")
            page.add(f"{d.title}. {d.advice}" if options.details else d.title, indent="    ")
        page.blank()
    if options.details:
        for target in v.targets:
            of = f" ({target.subject})" if target.subject else ""
            head = f"On {target.name} ({target.platform}){of}: {target.verdict}."
            lines = page.add(head)
            if target.starts == "no":
                page.paint_last(len(lines), target.verdict, _TONES["bad"])
            page.add(target.reason, indent="  ", hang="  ")
            for broken in target.breaks:
                page.add(f"breaks: {broken}", indent="  ", hang="    ")
            page.add(f"fix: {target.fix}", indent="  ", hang="    ")
            page.blank()
    for b in v.binaries:
        page.add(f"Binary {b.path}:")
        for label, value in b.facts:
            page.add(f"{label}: {value}", indent="  ", hang="    ")
        if b.error:
            page.add(f"could not read: {b.error}", indent="  ", hang="    ")
        page.blank()
    if v.findings:
        page.add(f"Functions ({v.counts_line}):")
        _table(page, v)
        page.blank()
        if options.details:
            if v.origin_notes:
                page.add("Where they come from:")
                for n in v.origin_notes:
                    page.add(f"- {n.symbols}: {n.note}", indent="  ", hang="    ")
                page.blank()
            page.add("What breaks at run time:")
            for feat in v.features:
                via = f" ({', '.join(feat.symbols)})" if feat.symbols else ""
                page.add(f"- {feat.feature}{via}: {feat.breaks}", indent="  ", hang="    ")
            page.blank()
    if v.suppressed:
        page.add(f"{v.suppressed_line}:")
        for x in v.suppressed:
            page.add(
                f"{x.symbol} ({x.severity}, {x.lines_label}): {x.reason} [{x.rule}]",
                indent="  ",
                hang="    ",
            )
        page.blank()
    if v.recommendations:
        page.add("What to do:")
        for i, r in enumerate(v.recommendations, 1):
            page.add(f"{i}. {r.title}", indent="  ", hang="     ")
            if r.check:
                page.add("first:", indent="     ")
                page.command(r.check, "     ")
                page.add(r.check_when, indent="     ", hang="     ")
                page.add("if it prints nothing:", indent="     ")
            for cmd in r.commands:
                page.command(cmd, "     ")
            if r.otherwise:
                page.add("if it prints packages:", indent="     ")
                for cmd in r.otherwise:
                    page.command(cmd, "     ")
            if options.details:
                page.add(f"removes: {', '.join(r.removes) or 'nothing'}", indent="     ")
                if r.remaining:
                    page.add(f"remaining: {', '.join(r.remaining)}", indent="     ")
                page.add(f"cost: {r.cost}", indent="     ", hang="       ")
                page.add(f"minimum kernel: {r.kernel}", indent="     ", hang="       ")
                page.add(r.known, indent="     ", hang="     ")
        page.blank()
    if options.details and v.build:
        page.add("The build:")
        for line in v.build:
            page.add(line, indent="  ", hang="    ")
        page.blank()
    if v.diagnostics and options.details:
        page.add("Other linker messages:")
        for d in v.diagnostics:
            lines = page.add(f"{d.severity} {d.log}: {d.message}", indent="  ", hang="    ")
            page.paint_last(len(lines), d.severity, _COLORS[d.severity])
        if v.diagnostics_omitted:
            page.add(f"... and {v.diagnostics_omitted} more", indent="  ")
        page.blank()
    elif v.diagnostics and not v.link_problems:
        page.add(f"Other linker messages: {len(v.diagnostics) + v.diagnostics_omitted}.")
    for note in v.notes:
        page.add(f"Note: {note}", hang="  ")
    if not options.details and v.details_hint:
        if page.lines and not page.lines[-1] and not v.notes:
            page.lines.pop()  # the pointer belongs to the list of fixes above it
        page.add(v.details_hint)
    return "\n".join(page.lines).rstrip("\n") + "\n"
