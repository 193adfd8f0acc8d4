"""Policy as a user drives it: the configuration file (where it is found, what wins, what it
rejects), suppressions with reasons, baselines, and the exit code of every way a run can end."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from cgowarn.cli import main
from conftest import SAMPLES

SQLITE = SAMPLES / "go-static-bfd-libsqlite3.log"
"""7 findings: six NSS functions from Go's os/user and net, and SQLite's dlopen (medium)."""
TWO_PACKAGES = SAMPLES / "go-static-bfd-two-packages.log"
"""The same 7 findings from two Go packages, each linked in its own /tmp/go-link-NNN."""
MOBY = SAMPLES / "excerpts" / "jenkins_ts_moby_34671.log"
"""getgrgid_r, getgrnam_r, getgrouplist from os/user."""
CAS = SAMPLES / "excerpts" / "new_ld_go_cas_58.log"
"""The same three and getpwnam_r."""
CRASH = SAMPLES / "go-lookup-static-bfd-nss-crash.log"
"""The six NSS findings and a crash of the built program."""

OS_USER = ["getaddrinfo", "getgrgid_r", "getgrnam_r", "getgrouplist", "getpwnam_r", "getpwuid_r"]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository root with a subdirectory, the current directory set to the root."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(cli: CliRunner, *args: Any) -> Result:
    """cgowarn, its text report wide enough that no line this module looks for is wrapped."""
    return cli.invoke(main, [str(a) for a in args], env={"COLUMNS": "400"})


def as_json(result: Result) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def plain(text: str) -> str:
    """Markdown without its backslash escapes, to find a sentence in it."""
    return re.sub(r"\\(.)", r"\1", text)


# --- configuration: where it is found, what wins ----------------------------------------------


def test_config_in_current_directory_wins_over_parent(
    cli: CliRunner, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / ".cgowarn.toml").write_text('fail-on = "never"\n')
    (repo / "sub" / ".cgowarn.toml").write_text('fail-on = "high"\n')
    assert run(cli, CAS).exit_code == 0  # the root's file: never
    monkeypatch.chdir(repo / "sub")
    assert run(cli, CAS).exit_code == 1  # the subdirectory's own file: high


def test_parent_config_found_up_to_the_repository_root_only(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outer, root = tmp_path, tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "a" / "b").mkdir(parents=True)
    (outer / ".cgowarn.toml").write_text('fail-on = "never"\n')  # above the repository
    monkeypatch.chdir(root / "a" / "b")
    assert run(cli, CAS).exit_code == 1, "a file above the repository root must not apply"
    (root / ".cgowarn.toml").write_text('fail-on = "never"\n')
    assert run(cli, CAS).exit_code == 0, "the repository root's file applies two levels down"


def test_dotfile_wins_over_pyproject_in_the_same_directory(cli: CliRunner, repo: Path) -> None:
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.cgowarn]\nfail-on = "high"\n'
    )
    assert run(cli, CAS).exit_code == 1
    (repo / ".cgowarn.toml").write_text('fail-on = "never"\n')
    assert run(cli, CAS).exit_code == 0


def test_pyproject_without_a_cgowarn_table_is_passed_over(
    cli: CliRunner, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / ".cgowarn.toml").write_text('fail-on = "never"\n')
    (repo / "sub" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    monkeypatch.chdir(repo / "sub")
    assert run(cli, CAS).exit_code == 0
    (repo / "sub" / "pyproject.toml").write_text('[tool.cgowarn]\nfail-on = "low"\n')
    assert run(cli, CAS).exit_code == 1


def test_explicit_config_wins_over_discovery_and_no_config_reads_none(
    cli: CliRunner, repo: Path
) -> None:
    (repo / ".cgowarn.toml").write_text('fail-on = "never"\n')
    other = repo / "sub" / "strict.toml"
    other.write_text('fail-on = "high"\n')
    assert run(cli, CAS).exit_code == 0
    assert run(cli, "--config", other, CAS).exit_code == 1
    assert run(cli, "--no-config", CAS).exit_code == 1  # the default, high
    result = run(cli, "--config", other, "--no-config", CAS)
    assert result.exit_code == 2 and "exclude each other" in result.stderr


def test_command_line_option_wins_over_config(cli: CliRunner, repo: Path) -> None:
    (repo / ".cgowarn.toml").write_text(
        'fail-on = "never"\noutput = ["markdown:report.md"]\ntarget = ["centos7"]\n'
    )
    result = run(cli, CAS)
    assert result.exit_code == 0 and result.stdout == ""
    assert (repo / "report.md").read_text().startswith("## cgowarn:")
    assert "CentOS 7" in (repo / "report.md").read_text()
    (repo / "report.md").unlink()
    result = run(cli, "--fail-on", "high", "--format", "json", "--target", "debian12", CAS)
    assert result.exit_code == 1
    report = as_json(result)  # on standard output: --format replaces the file's output
    assert [t["target"] for t in report["targets"]] == ["debian12"]
    assert not (repo / "report.md").exists()


# --- configuration: what it rejects ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('fail-on = "high"\nfial-on = "low"\n', "unknown key 'fial-on'"),
        (
            '[[suppress]]\nsymbol = "a"\nreason = "r"\n[[suppress]]\nsymbol = "b"\nreson = "r"\n',
            "unknown key 'reson' in suppress[2]",
        ),
        ('[[suppress]]\nsymbol = "dlopen"\n', "missing required key 'reason' in suppress[1]"),
        ('[[suppress]]\nsymbol = "dlopen"\nreason = "  "\n', "'reason' in suppress[1] is empty"),
        ("fail-on = 3\n", "key 'fail-on': expected one of low, medium, high, never, got 3"),
        ('output = "report.md"\n', "key 'output': expected a list of [FORMAT:]PATH strings"),
        ('target = ["atari"]\n', "key 'target': unknown distribution 'atari'"),
        ('fail-on = "high\n', "not valid TOML"),
    ],
)
def test_invalid_config_exits_2_naming_file_and_key(
    cli: CliRunner, repo: Path, text: str, expected: str
) -> None:
    (repo / ".cgowarn.toml").write_text(text)
    result = run(cli, CAS)
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("cgowarn: error: .cgowarn.toml: ")
    assert expected in line
    assert "Traceback" not in result.output


def test_invalid_toml_names_the_line(cli: CliRunner, repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.cgowarn]\nfail-on = "high"\nx = 1 2\n')
    result = run(cli, CAS)
    assert result.exit_code == 2
    assert "pyproject.toml: not valid TOML" in result.stderr and "line 3" in result.stderr
    (repo / "pyproject.toml").write_text('[tool.cgowarn]\nfail-on = "high"\n\nbroken = [\n')
    result = run(cli, CAS)
    assert result.exit_code == 2
    assert "pyproject.toml: not valid TOML" in result.stderr and "line 4" in result.stderr


def test_unknown_key_in_pyproject_names_the_table(cli: CliRunner, repo: Path) -> None:
    (repo / "pyproject.toml").write_text(
        '[tool.cgowarn]\n[[tool.cgowarn.suppress]]\nsymbol = "x"\nreason = "r"\nwhy = 1\n'
    )
    result = run(cli, CAS)
    assert result.exit_code == 2
    assert "pyproject.toml: unknown key 'why' in [tool.cgowarn] suppress[1]" in result.stderr


def test_missing_explicit_config_exits_2(cli: CliRunner, repo: Path) -> None:
    result = run(cli, "--config", "nope.toml", CAS)
    assert result.exit_code == 2
    assert "cannot read the configuration nope.toml: no such file" in result.stderr


# --- suppressions ---------------------------------------------------------------------------------

SQLITE_RULE = '[[suppress]]\nsymbol = "dlopen"\nobject = "*libsqlite3.a*"\nreason = "{}"\n'


def test_suppression_removes_exactly_the_matched_finding(cli: CliRunner, repo: Path) -> None:
    (repo / ".cgowarn.toml").write_text(SQLITE_RULE.format("extension loading is off"))
    report = as_json(run(cli, "-f", "json", "--fail-on", "never", SQLITE))
    assert sorted(f["symbol"] for f in report["findings"]) == OS_USER
    (gone,) = report["suppressed"]
    assert gone["symbol"] == "dlopen" and gone["reason"] == "extension loading is off"
    assert gone["count"] == 1 and gone["file"] == ".cgowarn.toml" and gone["rule"] == 1
    assert gone["fingerprint"] == "f7a4f965c6faa707a8deeb535c524a43"
    assert report["summary"]["suppressed"] == 1
    assert report["summary"]["by_severity"] == {"high": 6, "medium": 0, "low": 0}
    assert report["summary"]["distinct_functions"] == 6
    assert all("dlopen" not in x["symbols"] for x in report["features"])
    assert report["unused_suppressions"] == []


def test_origin_and_object_must_hold_for_the_whole_finding(cli: CliRunner, repo: Path) -> None:
    (repo / ".cgowarn.toml").write_text(
        '[[suppress]]\nsymbol = "getpwnam_r"\norigin = "go:os/user"\nreason = "files only"\n'
        '[[suppress]]\nsymbol = "getaddrinfo"\norigin = "go:os/user"\nreason = "wrong origin"\n'
        # both /tmp/go-link-NNN/000007.o occurrences match; only one is in this go-link dir
        '[[suppress]]\nsymbol = "getgrgid_r"\nobject = "*/000007.o"\nreason = "both"\n'
        '[[suppress]]\nsymbol = "getgrnam_r"\nobject = "*go-link-2514207205*"\nreason = "one"\n'
    )
    report = as_json(run(cli, "-f", "json", "--fail-on", "never", TWO_PACKAGES))
    assert sorted(x["symbol"] for x in report["suppressed"]) == ["getgrgid_r", "getpwnam_r"]
    assert {x["rule"] for x in report["unused_suppressions"]} == {2, 4}
    assert "getaddrinfo" in symbols_of(report) and "getgrnam_r" in symbols_of(report)


def symbols_of(report: dict[str, Any]) -> list[str]:
    return sorted(f["symbol"] for f in report["findings"])


def test_suppressed_findings_do_not_fail_the_gate(cli: CliRunner, repo: Path) -> None:
    rules = "".join(
        f'[[suppress]]\nsymbol = "{s}"\norigin = "go:os/user"\nreason = "files only"\n'
        for s in OS_USER[1:]
    )
    (repo / ".cgowarn.toml").write_text(rules)
    result = run(cli, MOBY)
    assert result.exit_code == 0, result.stderr
    assert "No glibc link warnings besides 3 suppressed functions" in result.stdout
    assert "lld, mold" not in result.stdout  # not the "silence proves nothing" note
    assert run(cli, CAS).exit_code == 0
    assert run(cli, SQLITE).exit_code == 1  # getaddrinfo, from go:net, is still there


REASON = "<script>alert(1)</script> | *not* @team #12"


@pytest.mark.parametrize(
    ("fmt", "shown"),
    [
        ("text", REASON),
        ("markdown", r"\<script\>alert(1)\</script\> \| \*not\* `@team` `#12`"),
        ("html", "&lt;script&gt;alert(1)&lt;/script&gt; | *not* @team #12"),
    ],
)
def test_suppressions_shown_with_count_and_escaped_reason_in_every_format(
    cli: CliRunner, repo: Path, fmt: str, shown: str
) -> None:
    (repo / ".cgowarn.toml").write_text(
        SQLITE_RULE.format(REASON) + '[[suppress]]\nsymbol = "getpwnam"\nreason = "stale"\n'
    )
    result = run(cli, "-f", fmt, "--fail-on", "never", SQLITE)
    out = result.stdout
    assert "1 suppressed" in out
    assert "1 function suppressed by .cgowarn.toml" in out
    assert shown in out
    assert ".cgowarn.toml suppress[1]" in out
    assert "suppress[2] (getpwnam) matched no finding" in plain(out)
    if fmt != "text":
        assert "<script>" not in out


def test_suppressions_in_json(cli: CliRunner, repo: Path) -> None:
    (repo / ".cgowarn.toml").write_text(
        SQLITE_RULE.format(REASON) + '[[suppress]]\nsymbol = "getpwnam"\nreason = "stale"\n'
    )
    report = as_json(run(cli, "-f", "json", "--fail-on", "never", SQLITE))
    assert report["suppressed"][0]["reason"] == REASON
    assert report["summary"]["suppressed"] == 1
    assert report["unused_suppressions"] == [
        {"file": ".cgowarn.toml", "rule": 2, "symbol": "getpwnam", "origin": None, "object": None}
    ]


def test_recommendation_that_removes_only_suppressed_findings_goes(
    cli: CliRunner, repo: Path
) -> None:
    before = as_json(run(cli, "-f", "json", "--no-config", "--fail-on", "never", SQLITE))
    assert any(r["removes"] == ["dlopen"] for r in before["recommendations"])
    (repo / ".cgowarn.toml").write_text(SQLITE_RULE.format("off"))
    after = as_json(run(cli, "-f", "json", "--fail-on", "never", SQLITE))
    assert not any(r["removes"] == ["dlopen"] for r in after["recommendations"])
    assert len(after["recommendations"]) == len(before["recommendations"]) - 1


# --- baselines ------------------------------------------------------------------------------------


def make_baseline(cli: CliRunner, log: Path, out: Path) -> Result:
    result = run(cli, "baseline", "-o", out, log)
    assert result.exit_code == 0, result.output
    return result


def test_baseline_document_is_small_sorted_and_deterministic(
    cli: CliRunner, tmp_path: Path
) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    result = make_baseline(cli, SQLITE, a)
    assert "baseline of 7 findings written to" in result.stderr
    make_baseline(cli, TWO_PACKAGES, b)  # the same findings, other temporary paths
    assert a.read_bytes() == b.read_bytes()
    doc = json.loads(a.read_text())
    assert list(doc) == ["cgowarn_baseline", "scheme", "findings"]
    assert doc["cgowarn_baseline"] == 1 and doc["scheme"] == "cgowarn/v1"
    assert [e["symbol"] for e in doc["findings"]] == sorted(["dlopen", *OS_USER])
    assert doc["findings"][0] == {
        "fingerprint": "f7a4f965c6faa707a8deeb535c524a43",
        "symbol": "dlopen",
        "origins": ["lib:sqlite3"],
        "severity": "medium",
    }


def test_baseline_round_trip_nothing_new_exit_0(cli: CliRunner, tmp_path: Path) -> None:
    base = tmp_path / "base.json"
    make_baseline(cli, SQLITE, base)
    result = run(cli, "--baseline", base, "--fail-on", "high", SQLITE)
    assert result.exit_code == 0, result.stderr
    assert f"Against the baseline {base}: 0 new, 7 unchanged, 0 fixed." in result.stdout
    report = as_json(run(cli, "--baseline", base, "-f", "json", SQLITE))
    assert report["baseline"] == {"file": str(base), "new": 0, "unchanged": 7, "fixed": []}
    assert {f["baseline"] for f in report["findings"]} == {"unchanged"}


def test_one_extra_function_is_new_and_fails_the_gate(cli: CliRunner, tmp_path: Path) -> None:
    base = tmp_path / "base.json"
    make_baseline(cli, MOBY, base)
    result = run(cli, "--baseline", base, "--fail-on", "high", CAS)
    assert result.exit_code == 1
    (gate,) = result.stderr.strip().splitlines()
    assert gate.startswith("cgowarn: --fail-on high: 1 new high finding (getpwnam_r);")
    assert f"baseline: {base}" in gate
    report = as_json(run(cli, "--baseline", base, "-f", "json", CAS))
    assert report["baseline"]["new"] == 1 and report["baseline"]["unchanged"] == 3
    marks = {f["symbol"]: f["baseline"] for f in report["findings"]}
    assert marks == {
        "getgrgid_r": "unchanged",
        "getgrnam_r": "unchanged",
        "getgrouplist": "unchanged",
        "getpwnam_r": "new",
    }


@pytest.mark.parametrize(
    ("fmt", "new_mark"),
    [
        ("text", "  high   new       getpwnam_r"),
        ("markdown", "| high | **new** | `getpwnam_r` |"),
        (
            "html",
            '<strong>new</strong></td><td data-label="Function" class="fn"><a href="#fn-4"><code>getpwnam_r',
        ),
    ],
)
def test_new_unchanged_marked_in_every_format(
    cli: CliRunner, tmp_path: Path, fmt: str, new_mark: str
) -> None:
    base = tmp_path / "base.json"
    make_baseline(cli, MOBY, base)
    out = run(cli, "--baseline", base, "-f", fmt, CAS).stdout
    assert "1 new, 3 unchanged, 0 fixed" in out
    assert new_mark in out
    assert out.count("unchanged") >= 4  # the count line and three markers


def test_function_gone_is_listed_as_fixed(cli: CliRunner, tmp_path: Path) -> None:
    base = tmp_path / "base.json"
    make_baseline(cli, CAS, base)
    for fmt in ("text", "markdown", "html"):
        result = run(cli, "--baseline", base, "-f", fmt, MOBY)
        assert result.exit_code == 0
        shown = plain(result.stdout)
        assert "0 new, 3 unchanged, 1 fixed (getpwnam_r (go:os/user))" in shown, fmt
    report = as_json(run(cli, "--baseline", base, "-f", "json", MOBY))
    assert [e["symbol"] for e in report["baseline"]["fixed"]] == ["getpwnam_r"]


def test_fingerprints_survive_new_temporary_paths(cli: CliRunner, tmp_path: Path) -> None:
    base = tmp_path / "base.json"
    make_baseline(cli, SQLITE, base)
    text = SQLITE.read_text()
    assert "/tmp/go-link-2994616589/" in text
    moved = tmp_path / "rebuilt.log"
    moved.write_text(text.replace("/tmp/go-link-2994616589/", "/tmp/go-link-1234/"))
    result = run(cli, "--baseline", base, "-f", "json", moved)
    assert result.exit_code == 0
    report = as_json(result)
    assert "/tmp/go-link-1234/000007.o" in {
        o["object"] for f in report["findings"] for o in f["occurrences"]
    }
    assert report["baseline"]["new"] == 0 and report["baseline"]["unchanged"] == 7


def test_run_time_failures_still_fail_with_a_baseline(cli: CliRunner, tmp_path: Path) -> None:
    base = tmp_path / "base.json"
    make_baseline(cli, CRASH, base)
    result = run(cli, "--baseline", base, CRASH)
    assert result.exit_code == 1
    assert "1 run-time failure in the log" in result.stderr and "new" not in result.stderr


def test_baseline_from_config_is_relative_to_the_config_file(
    cli: CliRunner, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "ci").mkdir()
    make_baseline(cli, MOBY, repo / "ci" / "base.json")
    (repo / ".cgowarn.toml").write_text('baseline = "ci/base.json"\n')
    monkeypatch.chdir(repo / "sub")
    result = run(cli, "-f", "json", CAS)
    assert result.exit_code == 1
    comparison = as_json(result)["baseline"]
    assert comparison["file"] == str(repo.resolve() / "ci" / "base.json")
    assert comparison["new"] == 1 and comparison["unchanged"] == 3


def test_baseline_records_what_remains_after_suppressions(cli: CliRunner, repo: Path) -> None:
    (repo / ".cgowarn.toml").write_text(SQLITE_RULE.format("off"))
    make_baseline(cli, SQLITE, repo / "base.json")
    doc = json.loads((repo / "base.json").read_text())
    assert [e["symbol"] for e in doc["findings"]] == OS_USER
    # A baseline made before the rule holds dlopen: suppressed now, it is not "fixed".
    result = run(cli, "baseline", "--no-config", "-o", repo / "all.json", SQLITE)
    assert "baseline of 7 findings" in result.stderr
    report = as_json(run(cli, "--baseline", "all.json", "-f", "json", SQLITE))
    assert report["baseline"] == {"file": "all.json", "new": 0, "unchanged": 6, "fixed": []}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "cannot read the baseline {}: no such file"),
        ("{not json", "the baseline {} is not JSON: Expecting property name"),
        ('{"findings": []}', "the baseline {} is not a cgowarn baseline"),
        ('{"cgowarn_baseline": 2, "scheme": "cgowarn/v1", "findings": []}', "is version 2"),
        (
            '{"cgowarn_baseline": 1, "scheme": "cgowarn/v0", "findings": []}',
            "records fingerprints of scheme 'cgowarn/v0'; this cgowarn computes 'cgowarn/v1'",
        ),
        (
            '{"cgowarn_baseline": 1, "scheme": "cgowarn/v1", "findings": [{"symbol": "x"}]}',
            "is not a valid cgowarn baseline: findings.0.fingerprint",
        ),
    ],
)
def test_bad_baseline_exits_2_naming_the_file(
    cli: CliRunner, tmp_path: Path, content: str | None, expected: str
) -> None:
    base = tmp_path / "base.json"
    if content is not None:
        base.write_text(content)
    result = run(cli, "--baseline", base, CAS)
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("cgowarn: error: ")
    assert expected.format(base) in line
    assert result.stdout == ""  # checked before the log is read: no report


# --- every exit path of the policy commands -------------------------------------------------------


def test_baseline_command_exit_codes(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cgowarn.pipeline
    import cgowarn.policy

    # 0: written
    assert run(cli, "baseline", "-o", tmp_path / "b.json", CAS).exit_code == 0
    # 2: bad input, bad usage
    assert run(cli, "baseline", "-o", tmp_path / "b.json", tmp_path / "nope.log").exit_code == 2
    result = run(cli, "baseline", "-p", CAS)
    assert result.exit_code == 2 and "write the baseline to a file" in result.stderr
    # 3: cannot be written; no file left behind
    result = run(cli, "baseline", "-o", tmp_path / "missing" / "b.json", CAS)
    assert result.exit_code == 3 and "cannot write" in result.stderr
    assert not (tmp_path / "missing").exists()

    # 4: a bug
    def boom(*args: Any, **kwargs: Any) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(cgowarn.policy, "baseline_json", boom)
    result = run(cli, "baseline", "-o", tmp_path / "c.json", CAS)
    assert result.exit_code == 4 and "internal error: RuntimeError: boom" in result.stderr
    assert not (tmp_path / "c.json").exists()

    # 130: Ctrl-C
    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cgowarn.pipeline, "analyze", interrupted)
    result = run(cli, "baseline", "-o", tmp_path / "d.json", CAS)
    assert result.exit_code == 130 and result.stderr.strip() == "cgowarn: interrupted"


def test_internal_error_in_the_policy_exits_4(
    cli: CliRunner, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cgowarn.policy

    def boom(*args: Any, **kwargs: Any) -> None:
        raise ValueError("policy bug")

    (repo / ".cgowarn.toml").write_text(SQLITE_RULE.format("off"))
    monkeypatch.setattr(cgowarn.policy, "rule_matches", boom)
    result = run(cli, SQLITE)
    assert result.exit_code == 4
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("cgowarn: internal error: ValueError: policy bug.")


def test_config_applies_to_inspect(cli: CliRunner, repo: Path) -> None:
    (repo / ".cgowarn.toml").write_text("bogus = 1\n")
    result = run(cli, "inspect", "/bin/sh")
    assert result.exit_code == 2 and "unknown key 'bogus'" in result.stderr
    assert run(cli, "inspect", "--no-config", "/bin/sh").exit_code in (0, 1)
