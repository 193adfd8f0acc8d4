"""Compute once, present many, for the formats CI systems read: the report as result rows (a rule,
a level, a title, a message, a location in the repository, a stable fingerprint, the original log
lines) that SARIF, GitHub workflow commands, GitLab Code Quality, rdjsonl and JUnit only lay out.

One row per libc function (finding) and one per distinct linker diagnostic (diagnostics of the
same kind about the same subject are one row, counted). Every string taken from a log passes
through `visible` here, so no format receives a control character or a line break from a log:
the line breaks in a message are cgowarn's own.

Locations are relative to the repository root, never a build's temporary or GOROOT path, which a
CI system cannot show: the source file the linker named, when it exists inside the repository;
else the log, when it is inside the repository, at the warning's line; else the first build file
at the root (go.mod, Cargo.toml, CMakeLists.txt, meson.build, Makefile); else the repository
itself ("."). The original object and file are in the message and the properties.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from cgowarn.enums import DiagnosticSeverity, Severity
from cgowarn.fingerprint import fingerprint, without_temporary_names
from cgowarn.model import Diagnostic, Finding, Occurrence, Recommendation, Report, TargetVerdict
from cgowarn.render.interface import RenderOptions
from cgowarn.render.safety import md_code, visible
from cgowarn.words import counted, cut, first_few

Level = Literal["error", "warning", "note"]

LEVELS: dict[Severity, Level] = {
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
}
"""A finding's severity as a CI level (SARIF's level; GitHub's error, warning, notice)."""

BUILD_FILES = ("go.mod", "Cargo.toml", "CMakeLists.txt", "meson.build", "Makefile")
"""The files at the repository root that stand for the build when no source file or log is in
the repository, the first that exists."""

MAX_DESCRIPTION = 1024
"""GitHub code scanning's limit on a rule's short and full description."""

MAX_OCCURRENCES_LISTED = 10
"""Occurrences listed per result in the properties (the count stays exact)."""


class Kind(StrEnum):
    """What a result row stands for."""

    FINDING = "finding"
    """A libc function glibc (or another library) warns about."""
    LINK_ERROR = "link-error"
    """The link failed."""
    LINKER_WARNING = "linker-warning"
    """Another linker warning (an executable stack, an RWX segment, ...)."""
    RUNTIME_FAILURE = "runtime-failure"
    """The built program failed, or will fail, at run time."""
    TARGET = "target"
    """A binary (or the build's program) judged on a --target: one row per binary x target."""


@dataclass(frozen=True)
class Rule:
    """What a kind of result means: one per libc function, one per diagnostic kind."""

    id: str
    """Stable: `glibc-static/getpwnam_r`, `glibc/mktemp`, `link-error/undefined_reference`."""
    title: str
    description: str
    """At most MAX_DESCRIPTION characters."""
    help_text: str
    help_markdown: str
    level: Level
    url: str | None
    """Where the knowledge comes from (the first source), when there is one."""
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Location:
    path: str
    """Relative to the repository root, with `/`; "." for the repository itself."""
    line: int | None
    """1-based; None only for the repository itself."""
    kind: Literal["source", "log", "binary", "build-file", "repository"]


@dataclass(frozen=True)
class Result:
    rule: Rule
    kind: Kind
    severity: str
    """high, medium, low (findings); error or warning (diagnostics)."""
    level: Level
    title: str
    message: str
    """Several lines: what happened, what breaks, where, the fix."""
    location: Location
    fingerprint: str
    """Stable across runs (cgowarn.fingerprint); unique among the rows of a report."""
    original: tuple[str, ...]
    """The original log lines (of the first occurrences), made visible."""
    count: int
    gate: bool
    """True when the row fails the --fail-on gate."""
    baseline: str | None = None
    """Against a baseline: "new" or "unchanged" (SARIF's baselineState); None without one."""
    properties: dict[str, object] = field(default_factory=dict)
    """More facts, for SARIF's properties: temporary paths may appear here, never in `location`."""


class _Locator:
    """Finds where a result can point in the repository; looks at the file system only when a
    repository root is given."""

    def __init__(self, root: str | None) -> None:
        self.root = os.path.normpath(root) if root else None
        self._build_file: Location | None = None
        self._looked = False

    def _inside(self, path: str, base: str) -> str | None:
        """`path` relative to the root, when it names an existing file inside it."""
        if self.root is None or not path or "\0" in path:
            return None
        if without_temporary_names(path) != path:
            return None  # a build's temporary file: it is gone, and never in the repository
        full = os.path.normpath(os.path.join(base, path))
        rel = os.path.relpath(full, self.root)
        if rel == "." or rel == ".." or rel.startswith(".." + os.sep) or os.path.isabs(rel):
            return None
        try:
            exists = os.path.isfile(full)
        except (OSError, ValueError):
            return None
        return rel.replace(os.sep, "/") if exists else None

    def source(self, o: Occurrence) -> Location | None:
        if self.root is None or not o.file:
            return None
        rel = self._inside(o.file, self.root)
        return Location(rel, o.line if o.line and o.line > 0 else 1, "source") if rel else None

    def log(self, source: str, line: int) -> Location | None:
        if source == "<stdin>" or not source or line < 1:
            return None
        if self.root is None:
            # No repository known: a log named by a relative path is the location, unchecked.
            rel = os.path.normpath(source)
            if os.path.isabs(rel) or rel == ".." or rel.startswith(".." + os.sep):
                return None
            return Location(rel.replace(os.sep, "/"), line, "log")
        inside = self._inside(os.path.abspath(source), self.root)
        return Location(inside, line, "log") if inside else None

    def binary(self, path: str) -> Location | None:
        """The inspected file, when it is a file inside the repository (a path inside an
        archive or an image is not)."""
        if not path or self.root is None or not os.path.isfile(path):
            return None
        inside = self._inside(os.path.abspath(path), self.root)
        return Location(inside, None, "binary") if inside else None

    def fallback(self) -> Location:
        if not self._looked:
            self._looked = True
            for name in BUILD_FILES if self.root else ():
                if self._inside(name, self.root or ""):
                    self._build_file = Location(name, 1, "build-file")
                    break
        return self._build_file or Location(".", None, "repository")


def repository_root() -> str | None:
    """The repository around the current directory (`git rev-parse --show-toplevel`), else the
    current directory; None when there is no current directory. A missing or failing git is no
    error: the current directory is the root then. (The formats whose results point at files ask
    for it; the renderers themselves are given it, in RenderOptions.)"""
    import subprocess

    try:
        proc = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        top = proc.stdout.strip()
        if proc.returncode == 0 and top and os.path.isdir(top):
            return os.path.abspath(top)
    except (OSError, ValueError, subprocess.SubprocessError):
        pass
    try:
        return os.getcwd()
    except OSError:
        return None


def _recommendation(report: Report, symbol: str) -> Recommendation | None:
    """The best fix that removes `symbol` (report.recommendations is best first)."""
    return next((r for r in report.recommendations if symbol in r.removes), None)


def _fix_lines(rec: Recommendation | None) -> list[str]:
    if rec is None:
        return []
    lines = [f"Fix: {rec.title}"]
    if rec.check is not None:
        lines.append(f"First run: {rec.check.command} ({rec.check.explanation})")
        if rec.check.otherwise:
            lines.append("If it prints anything: " + "; ".join(rec.check.otherwise))
    lines += [f"  {c}" for c in rec.commands]
    return lines


def _fix_markdown(rec: Recommendation | None) -> str:
    if rec is None:
        return ""
    parts = [f"**Fix: {rec.title}**"]
    if rec.check is not None:
        parts.append(f"First run `{rec.check.command}`: {rec.check.explanation}")
        if rec.check.otherwise:
            parts.append(
                "If it prints anything:\n\n```sh\n" + "\n".join(rec.check.otherwise) + "\n```"
            )
    if rec.commands:
        parts.append("```sh\n" + "\n".join(rec.commands) + "\n```")
    parts.append(f"Cost: {rec.cost}")
    return "\n\n".join(parts)


def _where(o: Occurrence, links: dict[int, str]) -> str:
    """Where the linker saw the reference, from the log: file, function, object, link unit, log
    line. Temporary paths stay here, as the log shows them."""
    parts = []
    if o.file:
        parts.append(f"{o.file}:{o.line}" if o.line is not None else o.file)
    elif o.section:
        parts.append(f"({o.section})")
    if o.function:
        parts.append(f"function {o.function_readable or o.function}")
    if o.object:
        parts.append(f"object {o.object}")
    unit = links.get(o.link, f"#{o.link}")
    # A binary read beside the logs has a unit of its own: it is named as a binary, not a link.
    parts.append(unit if unit.startswith("binary ") else f"link {unit}")
    parts.append(f"log {o.source}:{o.source_line}")
    return visible(", ".join(parts))


def _finding_rule(f: Finding, symbol: str, rec: Recommendation | None) -> Rule:
    prefix = "link-warning" if not f.glibc else "glibc-static" if f.static_only else "glibc"
    feature = f.feature + ("" if f.known else " (not in the knowledge base)")
    title = cut(f"{symbol}: {feature}", MAX_DESCRIPTION)
    notes = list(f.notes)
    help_text = "\n\n".join(
        [
            f"What breaks: {f.breaks}",
            f"Why: {f.why}",
            *notes,
            *(["\n".join(_fix_lines(rec))] if rec else []),
            "Sources:\n" + "\n".join(f"- {s}" for s in f.sources) if f.sources else "",
        ]
    ).strip()
    help_markdown = "\n\n".join(
        p
        for p in [
            f"**{md_code(symbol)}: {feature}**",
            f"**What breaks.** {f.breaks}",
            f"**Why.** {f.why}",
            *notes,
            _fix_markdown(rec),
            ("Sources:\n\n" + "\n".join(f"- <{s}>" for s in f.sources)) if f.sources else "",
        ]
        if p
    )
    return Rule(
        id=f"{prefix}/{symbol}",
        title=title,
        description=cut(f"{feature}. {f.breaks}", MAX_DESCRIPTION),
        help_text=help_text,
        help_markdown=help_markdown,
        level=LEVELS[f.severity],
        url=f.sources[0] if f.sources else None,
        tags=tuple(dict.fromkeys(("glibc" if f.glibc else "link-warning", f.category))),
    )


def _finding(
    report: Report, f: Finding, locator: _Locator, links: dict[int, str], gate: Severity | None
) -> Result:
    symbol = visible(f.symbol)
    rec = _recommendation(report, f.symbol)
    rule = _finding_rule(f, symbol, rec)
    primary = next((o for o in f.occurrences if locator.source(o)), None)
    first = primary or (f.occurrences[0] if f.occurrences else None)
    location = (
        (locator.source(primary) if primary else None)
        or (locator.log(first.source, first.source_line) if first else None)
        or locator.fallback()
    )
    if f.count:
        seen = f"Seen in {counted(f.count, 'warning line')}"
        if len(f.links) > 1:
            seen += f", {counted(len(f.links), 'link')}"
    else:
        names = ", ".join(b.path for b in report.binaries) or "a binary"
        seen = visible(f"Seen in {names} (its symbols or link-warning sections), not in a log")
    headline = (
        visible(f.message).rstrip(".")
        if f.message
        else f"{symbol} is linked into the binary ({visible(f.feature)})"
    )
    lines = [
        headline + ".",
        f"What breaks: {f.breaks}",
        seen + (f"; first at {_where(first, links)}." if first else "."),
        *_fix_lines(rec),
    ]
    origins = [visible(o) for o in f.origins]
    return Result(
        rule=rule,
        kind=Kind.FINDING,
        severity=f.severity.value,
        level=rule.level,
        title=rule.title,
        message="\n".join(lines),
        location=location,
        fingerprint=f.fingerprint or fingerprint("finding", f.symbol, f.origins),
        original=tuple(visible(line) for o in f.occurrences[:3] for line in o.lines),
        count=f.count,
        gate=f.fails_gate(gate),
        baseline=f.baseline,
        properties={
            "symbol": symbol,
            "count": f.count,
            "severity": f.severity.value,
            "category": f.category,
            "feature": f.feature,
            "origins": origins,
            "links": [visible(links.get(i, f"#{i}")) for i in f.links],
            "occurrences": [
                {
                    k: v
                    for k, v in {
                        "file": visible(o.file) if o.file else None,
                        "line": o.line,
                        "section": visible(o.section) if o.section else None,
                        "function": visible(o.function) if o.function else None,
                        "object": visible(o.object) if o.object else None,
                        "link": visible(links.get(o.link, f"#{o.link}")),
                        "log": visible(f"{o.source}:{o.source_line}"),
                    }.items()
                    if v is not None
                }
                for o in f.occurrences[:MAX_OCCURRENCES_LISTED]
            ],
        },
    )


def _diagnostic_kind(d: Diagnostic) -> Kind:
    if d.failure:
        return Kind.RUNTIME_FAILURE
    if d.severity is DiagnosticSeverity.ERROR:
        return Kind.LINK_ERROR
    return Kind.LINKER_WARNING


def _diagnostics(
    report: Report, locator: _Locator, links: dict[int, str], gate: Severity | None
) -> list[Result]:
    groups: dict[str, list[Diagnostic]] = {}
    for d in report.diagnostics:
        key = fingerprint(d.kind, without_temporary_names(d.subject or ""))
        groups.setdefault(key, []).append(d)
    results = []
    for key, items in groups.items():
        d = items[0]
        kind = _diagnostic_kind(d)
        level: Level = "warning" if kind is Kind.LINKER_WARNING else "error"
        title = visible(d.title + (f": {d.subject}" if d.subject else ""))
        rule = Rule(
            id=f"{kind.value}/{d.kind}",
            title=cut(visible(d.title), MAX_DESCRIPTION),
            description=cut(visible(d.advice), MAX_DESCRIPTION),
            help_text=visible(d.advice),
            help_markdown=visible(d.advice),
            level=level,
            url=None,
            tags=(kind.value,),
        )
        seen = f"Seen {counted(len(items), 'time')}; first at log {d.source}:{d.source_line}"
        seen += f", link {links.get(d.link, f'#{d.link}')}."
        results.append(
            Result(
                rule=rule,
                kind=kind,
                severity=d.severity.value,
                level=level,
                title=title,
                message="\n".join([visible(d.message), visible(d.advice), visible(seen)]),
                location=locator.log(d.source, d.source_line) or locator.fallback(),
                fingerprint=key,
                original=tuple(visible(i.message) for i in items[:3]),
                count=len(items),
                gate=kind is Kind.RUNTIME_FAILURE and gate is not None,
                properties={
                    "kind": d.kind,
                    "subject": visible(d.subject) if d.subject else None,
                    "count": len(items),
                    "links": sorted({visible(links.get(i.link, f"#{i.link}")) for i in items}),
                    "logs": [visible(f"{i.source}:{i.source_line}") for i in items[:10]],
                },
            )
        )
    return results


TARGET_LEVELS: dict[str, Level] = {"no": "error", "unknown": "warning", "yes": "note"}
"""A verdict as a CI level: does not start, may or may not start, starts."""


def _target(report: Report, t: TargetVerdict, locator: _Locator, gate: Severity | None) -> Result:
    """A verdict's row; it fails the gate when the binary does not start there, or when a
    feature that breaks there is at the gate's severity."""
    subject = visible(t.subject) if t.subject else "the build's program"
    verdict = {"no": "does not start", "unknown": "may or may not start", "yes": "starts"}
    title = f"{subject} {verdict[t.starts]} on {t.name}"
    breaking = [f for f in report.findings if f.category in t.broken]
    gating = [f.symbol for f in breaking if gate is not None and f.fails_gate(gate)]
    fails = gate is not None and (t.starts == "no" or bool(gating))
    if t.starts != "no" and gating:
        title += f", but {first_few(visible(s) for s in gating)} break there"
    how = f" To know: {t.how_to_know}." if t.how_to_know else ""
    lines = [f"{title}: {visible(t.reason)}{how}", *(f"Breaks there: {b}" for b in t.breaks)]
    if (t.starts != "yes" or gating) and t.fix:
        lines.append(f"Fix that fits: {t.fix}")
    level = TARGET_LEVELS[t.starts]
    about = (
        f"Whether a binary starts on {t.name} and which features break there, from its C "
        "library, the glibc version it needs or carries, and its minimum kernel."
    )
    return Result(
        rule=Rule(
            id=f"target/{t.target}",
            title=f"Starts on {t.name}",
            description=about,
            help_text=about,
            help_markdown=about,
            level=level,
            url=None,
            tags=("target", t.target),
        ),
        kind=Kind.TARGET,
        severity=level,
        level=level,
        title=title,
        message="\n".join(lines),
        location=locator.binary(t.subject) or locator.fallback(),
        fingerprint=fingerprint("target", t.target, without_temporary_names(t.subject)),
        original=(),
        count=1,
        gate=fails,
        properties={
            "binary": visible(t.subject) if t.subject else None,
            "target": t.target,
            "starts": t.starts,
            "breaks": [visible(b) for b in t.breaks],
        },
    )


def results(report: Report, options: RenderOptions, passes: bool = False) -> tuple[Result, ...]:
    """The report's result rows: the verdicts a binary does not start by, then findings in
    report order (most severe first), then the diagnostics, run-time failures and link errors
    before other linker warnings; then the verdicts it may or may not start by. `passes`: the
    verdicts a binary starts by too (a test report's passing cases)."""
    locator = _Locator(options.repo_root)
    links = {u.id: f"binary {u.name}" if u.kind == "binary" else u.name for u in report.links}
    targets = [_target(report, t, locator, options.fail_on) for t in report.targets]
    rows = [r for r in targets if r.level == "error"]
    rows += [_finding(report, f, locator, links, options.fail_on) for f in report.findings]
    order = {Kind.RUNTIME_FAILURE: 0, Kind.LINK_ERROR: 1, Kind.LINKER_WARNING: 2}
    rows += sorted(
        _diagnostics(report, locator, links, options.fail_on), key=lambda r: order[r.kind]
    )
    rows += [r for r in targets if r.level == "warning" or (passes and r.level == "note")]
    return tuple(rows)


def rules(rows: tuple[Result, ...]) -> tuple[Rule, ...]:
    """The distinct rules of `rows`, in order of first use."""
    found: dict[str, Rule] = {}
    for r in rows:
        found.setdefault(r.rule.id, r.rule)
    return tuple(found.values())
