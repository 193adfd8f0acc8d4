"""Every sample log (real captures and recorded excerpts) gives exactly its recorded findings."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from click.testing import CliRunner

from cgowarn.cli import main
from cgowarn.pipeline import analyze
from conftest import SAMPLE_LIST, Sample, counts

IDS = [s.id for s in SAMPLE_LIST]


def test_there_are_samples_of_every_kind() -> None:
    kinds = Counter(s.meta["kind"] for s in SAMPLE_LIST)
    assert kinds["captured"] >= 20, kinds
    assert kinds["excerpt"] >= 20, kinds


@pytest.mark.parametrize("sample", SAMPLE_LIST, ids=IDS)
def test_exact_counts_per_symbol(sample: Sample) -> None:
    with sample.path.open("rb") as fh:
        report = analyze([(sample.path.name, fh)])
    assert counts(report) == sample.expected
    assert report.summary.warning_lines == sum(sample.expected.values())
    assert report.summary.link_status.value == sample.meta["link_status"]


@pytest.mark.parametrize(
    "sample", [s for s in SAMPLE_LIST if s.expected_diagnostics], ids=lambda s: s.id
)
def test_expected_diagnostics(sample: Sample) -> None:
    with sample.path.open("rb") as fh:
        report = analyze([(sample.path.name, fh)])
    got = Counter(d.kind for d in report.diagnostics)
    assert dict(got) == sample.expected_diagnostics  # no kind missing, none unexpected


@pytest.mark.parametrize("sample", [s for s in SAMPLE_LIST if s.expected], ids=lambda s: s.id)
def test_every_occurrence_is_located(sample: Sample) -> None:
    """Each warning line yields an occurrence with at least one location field, the original
    lines, and an origin."""
    with sample.path.open("rb") as fh:
        report = analyze([(sample.path.name, fh)], max_occurrences=10_000)
    for f in report.findings:
        assert len(f.occurrences) == f.count
        for o in f.occurrences:
            assert any([o.object, o.function, o.file, o.section]) or o.lines[-1].startswith(":"), o
            assert f.symbol in o.lines[-1]
            assert o.origin.id


@pytest.mark.parametrize("sample", SAMPLE_LIST, ids=IDS)
def test_stdin_and_file_agree_and_formats_name_every_symbol(sample: Sample, cli: CliRunner) -> None:
    data = sample.path.read_bytes()
    from_file = cli.invoke(main, ["--format", "json", "--fail-on", "never", str(sample.path)])
    from_stdin = cli.invoke(main, ["--format", "json", "--fail-on", "never"], input=data)
    assert from_file.exit_code == 0, from_file.output
    assert from_stdin.exit_code == 0, from_stdin.output
    a, b = json.loads(from_file.stdout), json.loads(from_stdin.stdout)
    assert [(f["symbol"], f["count"]) for f in a["findings"]] == [
        (f["symbol"], f["count"]) for f in b["findings"]
    ]
    for fmt in ("markdown", "html", "text"):
        out = cli.invoke(main, ["--format", fmt, "--fail-on", "never", str(sample.path)]).stdout
        for symbol in sample.expected:
            assert symbol in out, (fmt, symbol)
