"""Policy, applied after the analysis: suppression rules remove findings (counted, with their
reason), and a baseline tells new findings from those already known. Pure functions, Report in,
Report out; the analysis itself never changes with the policy.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from fnmatch import fnmatchcase
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cgowarn.config import SuppressRule, read_text, short_repr
from cgowarn.enums import NEVER, Severity
from cgowarn.errors import BaselineError
from cgowarn.fingerprint import SCHEME
from cgowarn.model import (
    BaselineComparison,
    BaselineEntry,
    FeatureSummary,
    Finding,
    Report,
    Suppressed,
    UnusedSuppression,
)
from cgowarn.words import counted, first_few

BASELINE_VERSION = 1
"""Version of the baseline document; changes only if its shape changes."""


# --- suppressions ---------------------------------------------------------------------------------


def rule_matches(rule: SuppressRule, finding: Finding) -> bool:
    """Whether `rule` suppresses `finding`: the same symbol; with `origin`, every origin of the
    finding is that one (a new origin is a new problem); with `object`, every kept occurrence's
    object or source file matches the glob (a finding with no occurrence to check never matches)."""
    if finding.symbol != rule.symbol:
        return False
    if rule.origin is not None and (
        not finding.origins or any(o != rule.origin for o in finding.origins)
    ):
        return False
    if rule.object is not None:
        pattern = rule.object
        return bool(finding.occurrences) and all(
            any(p is not None and fnmatchcase(p, pattern) for p in (o.object, o.file))
            for o in finding.occurrences
        )
    return True


def suppress(report: Report, rules: Sequence[SuppressRule], file: str) -> Report:
    """`report` without the findings that `rules` (of the configuration `file`) match: each is
    counted in Report.suppressed with the first matching rule's reason; the summary counts and the
    features are those of what remains, and a recommendation that would remove only suppressed
    findings goes; a rule that matched nothing is listed as unused. Link units, verdicts for
    targets and the rest stay as the analysis found them."""
    if not rules:
        return report
    kept: list[Finding] = []
    removed: list[Suppressed] = []
    used: set[int] = set()
    for finding in report.findings:
        index = next((i for i, r in enumerate(rules) if rule_matches(r, finding)), None)
        if index is None:
            kept.append(finding)
            continue
        used.add(index)
        removed.append(
            Suppressed(
                symbol=finding.symbol,
                severity=finding.severity,
                count=finding.count,
                fingerprint=finding.fingerprint,
                reason=rules[index].reason,
                file=file,
                rule=index + 1,
            )
        )
    unused = tuple(
        UnusedSuppression(file=file, rule=i + 1, symbol=r.symbol, origin=r.origin, object=r.object)
        for i, r in enumerate(rules)
        if i not in used
    )
    s = report.summary
    by_severity = Counter(f.severity.value for f in kept)
    summary = s.model_copy(
        update={
            "distinct_functions": s.distinct_functions - len(removed),
            "warning_lines": s.warning_lines - sum(x.count for x in removed),
            "by_severity": {sev.value: by_severity.get(sev.value, 0) for sev in Severity},
            "suppressed": s.suppressed + len(removed),
        }
    )
    left = {f.symbol for f in kept}
    gone = {x.symbol for x in removed}
    return report.model_copy(
        update={
            "findings": tuple(kept),
            "features": _features(report.features, kept),
            # A fix that would remove only suppressed findings is advice nobody asked for.
            "recommendations": tuple(
                r
                for r in report.recommendations
                if not r.removes or left & set(r.removes) or not gone & set(r.removes)
            ),
            "summary": summary,
            "suppressed": tuple(
                sorted((*report.suppressed, *removed), key=lambda x: (x.symbol, x.fingerprint))
            ),
            "unused_suppressions": (*report.unused_suppressions, *unused),
        }
    )


def _features(
    features: Sequence[FeatureSummary], findings: Sequence[Finding]
) -> tuple[FeatureSummary, ...]:
    """The feature rows of `findings`: each row's wording as before, its symbols, count and
    severity from the findings that remain; a row with none left goes."""
    by_category: dict[str, list[Finding]] = {}
    for f in findings:
        by_category.setdefault(f.category, []).append(f)
    rows = []
    for row in features:
        items = by_category.get(row.category)
        if not items:
            continue
        rows.append(
            row.model_copy(
                update={
                    "severity": max((f.severity for f in items), key=lambda s: s.rank),
                    "symbols": tuple(sorted(f.symbol for f in items)),
                    "count": sum(f.count for f in items),
                }
            )
        )
    rows.sort(key=lambda r: (-r.severity.rank, r.feature))
    return tuple(rows)


# --- baselines ------------------------------------------------------------------------------------


class BaselineDocument(BaseModel):
    """A baseline file: the findings of one run, by fingerprint (`cgowarn baseline`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cgowarn_baseline: int = Field(description="Version of this document (1).")
    scheme: str = Field(description="The fingerprint scheme (cgowarn.fingerprint.SCHEME).")
    findings: tuple[BaselineEntry, ...] = Field(
        description="The findings, sorted by symbol, then fingerprint."
    )


def baseline_entries(report: Report) -> tuple[BaselineEntry, ...]:
    """The report's findings as baseline entries, sorted: the same findings, the same bytes."""
    entries = {
        f.fingerprint: BaselineEntry(
            fingerprint=f.fingerprint, symbol=f.symbol, origins=f.origins, severity=f.severity
        )
        for f in report.findings
    }
    return tuple(sorted(entries.values(), key=lambda e: (e.symbol, e.fingerprint)))


def baseline_json(report: Report) -> str:
    """The baseline document of `report`'s findings, as written by `cgowarn baseline`."""
    document = {
        "cgowarn_baseline": BASELINE_VERSION,
        "scheme": SCHEME,
        "findings": [
            {
                "fingerprint": e.fingerprint,
                "symbol": e.symbol,
                "origins": list(e.origins),
                "severity": e.severity.value,
            }
            for e in baseline_entries(report)
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def load_baseline(path: str) -> BaselineDocument:
    """Read and check a baseline file; BaselineError names the file and what is wrong."""
    text = read_text(
        Path(path),
        f"the baseline {path}",
        BaselineError,
        f" (record one with `cgowarn baseline -o {path} build.log`)",
    )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(
            f"the baseline {path} is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise BaselineError(f"the baseline {path} is nested too deeply to be a baseline") from None
    except ValueError as exc:  # an integer of more digits than Python reads
        raise BaselineError(f"the baseline {path} is not a cgowarn baseline: {exc}") from None
    if not isinstance(data, dict) or "cgowarn_baseline" not in data:
        raise BaselineError(
            f"the baseline {path} is not a cgowarn baseline (no cgowarn_baseline key); record "
            "one with `cgowarn baseline`"
        )
    if data["cgowarn_baseline"] != BASELINE_VERSION:
        raise BaselineError(
            f"the baseline {path} is version {short_repr(data['cgowarn_baseline'])}; this cgowarn reads "
            f"version {BASELINE_VERSION}: record it again with `cgowarn baseline`"
        )
    if data.get("scheme") != SCHEME:
        raise BaselineError(
            f"the baseline {path} records fingerprints of scheme {short_repr(data.get('scheme'))}; this "
            f"cgowarn computes {SCHEME!r}, so no finding could match: record it again with "
            "`cgowarn baseline`"
        )
    try:
        return BaselineDocument.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise BaselineError(
            f"the baseline {path} is not a valid cgowarn baseline: {where}: {first['msg']}"
        ) from None


NO_ORIGIN = ""
"""The origin a finding with none recognised is compared under."""


def _pairs(symbol: str, origins: tuple[str, ...]) -> set[tuple[str, str]]:
    return {(symbol, o) for o in origins or (NO_ORIGIN,)}


def compare(report: Report, baseline: BaselineDocument, file: str) -> Report:
    """`report` with each finding marked new or unchanged against `baseline`, per (function,
    origin) and whatever the order of the origins: a function the baseline records with its
    origins is unchanged; one with an origin more is new (with the origins it adds); the
    baseline's (function, origin) pairs seen neither among the findings nor among the suppressed
    are listed as fixed. Older baselines record the same pairs and are read as they are."""
    known = {pair for e in baseline.findings for pair in _pairs(e.symbol, e.origins)}
    findings = []
    for f in report.findings:
        added = sorted(o for s, o in _pairs(f.symbol, f.origins) - known)
        update: dict[str, object] = {"baseline": "new" if added else "unchanged"}
        if added:
            update["baseline_new"] = tuple(added)
        findings.append(f.model_copy(update=update))
    seen = {pair for f in report.findings for pair in _pairs(f.symbol, f.origins)}
    suppressed = {s.symbol for s in report.suppressed}
    fixed = []
    for e in baseline.findings:
        if e.symbol in suppressed:
            continue
        gone = tuple(o for o in e.origins or (NO_ORIGIN,) if (e.symbol, o) not in seen)
        if gone:
            origins = tuple(o for o in gone if o != NO_ORIGIN)
            fixed.append(e.model_copy(update={"origins": origins}) if gone != e.origins else e)
    fixed.sort(key=lambda e: (e.symbol, e.fingerprint))
    unchanged = sum(1 for f in findings if f.baseline == "unchanged")
    return report.model_copy(
        update={
            "findings": tuple(findings),
            "baseline": BaselineComparison(
                file=file,
                new=len(findings) - unchanged,
                unchanged=unchanged,
                fixed=tuple(fixed),
            ),
        }
    )


def gate_reason(report: Report, fail_on: str) -> str:
    """Why the gate fails, in a few words ("7 high findings (dlopen, getpwnam_r, …)", with a
    baseline "1 new high finding (getpwnam_r)"); empty when it passes. `fail_on` is a severity or
    `never`. Findings that the baseline records do not count; run-time failures in the log
    (diagnostics the knowledge base marks as a gate) always do. Suppressed findings are no longer
    in the report."""
    if fail_on == NEVER:
        return ""
    reasons = []
    if report.summary.failures:
        kinds = dict.fromkeys(d.title for d in report.diagnostics if d.failure)
        reasons.append(
            f"{counted(report.summary.failures, 'run-time failure')} in the log"
            + (f" ({first_few(kinds)})" if kinds else "")
        )
    # A --target the judged binary does not start on fails the gate whatever the threshold.
    refused: dict[str, list[str]] = {}
    for t in report.targets:
        if t.starts == "no":
            refused.setdefault(t.target, []).extend([t.subject] if t.subject else [])
    if refused:
        shown = [f"{t} ({first_few(s)})" if s else t for t, s in refused.items()]
        reasons.append(f"does not start on {', '.join(shown)}")
    threshold = Severity(fail_on)
    failing = [f for f in report.findings if f.fails_gate(threshold)]
    if failing:
        level = {"high": "high ", "medium": "medium-or-high ", "low": ""}[fail_on]
        new = "new " if report.baseline is not None else ""
        reasons.append(
            f"{counted(len(failing), f'{new}{level}finding')} "
            f"({first_few(f.symbol for f in failing)})"
        )
    if reasons and report.baseline is not None:
        reasons.append(f"baseline: {report.baseline.file}")
    return "; ".join(reasons)
