"""The formats CI systems read: SARIF valid against the OASIS 2.1.0 schema, GitHub workflow
commands that no log text can break, GitLab Code Quality, reviewdog rdjsonl and JUnit; stable
fingerprints, repository-relative locations, the --summary job summary and --repo-root."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from cgowarn.cli import main
from cgowarn.enums import Severity
from cgowarn.formats import OutputFormat
from cgowarn.model import Report
from cgowarn.render import RenderOptions, render
from cgowarn.render.github import MAX_PER_LEVEL, command, escape_data, escape_property
from cgowarn.render.markdown import MAX_CHARS
from cgowarn.render.results import BUILD_FILES, Kind, repository_root, results
from cgowarn.render.safety import visible
from conftest import SAMPLE_LIST, SAMPLES, Sample, analyze_bytes, analyze_text

ROOT = Path(__file__).resolve().parents[1]
MSG = "Using '{}' in statically linked applications requires at runtime the shared libraries from the glibc version used for linking"
SARIF_SCHEMA = json.loads((ROOT / "schemas" / "sarif-schema-2.1.0.json").read_text("utf-8"))
GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}
NEVER = None


def report_of(sample: Sample) -> Report:
    return analyze_bytes(sample.path.read_bytes(), name=sample.path.name)


def sarif(report: Report, repo_root: str | None = None) -> Any:
    return json.loads(render(report, OutputFormat.SARIF, RenderOptions(repo_root=repo_root)))


def hand_made(symbol: str = "getpwnam", file: str = "src/lookup.c", line: int = 12) -> str:
    """A GNU ld warning from a C build, with gcc's temporary object (hand-made)."""
    return (
        "# example.com/app\n"
        "/usr/bin/ld: /tmp/ccAbCdEf.o: in function `lookup':\n"
        f"{file}:{line}: warning: {MSG.format(symbol)}\n"
    )


# --- SARIF ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", SAMPLE_LIST, ids=lambda s: s.id)
def test_sarif_of_every_sample_is_valid_and_located_in_the_repository(sample: Sample) -> None:
    report = report_of(sample)
    doc = sarif(report, repo_root=str(ROOT))
    jsonschema.Draft7Validator(SARIF_SCHEMA).validate(doc)
    (run,) = doc["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "cgowarn" and driver["informationUri"].startswith("https://")
    rule_ids = [r["id"] for r in driver["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    for rule in driver["rules"]:
        assert len(rule["shortDescription"]["text"]) <= 1024
        assert len(rule["fullDescription"]["text"]) <= 1024
        assert rule["help"]["text"] and rule["help"]["markdown"]
    symbols = [f.symbol for f in report.findings]
    assert [r["properties"]["symbol"] for r in run["results"][: len(symbols)]] == symbols
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        (location,) = result["locations"]
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        assert not uri.startswith("/") and "://" not in uri and not uri.startswith("..")
        assert "tmp/" not in uri and "go-build" not in uri and "go-link" not in uri
        assert result["partialFingerprints"]["cgowarn/v1"]
        assert result["partialFingerprints"]["primaryLocationLineHash"]


def test_sarif_rule_per_function_with_knowledge_fix_and_level() -> None:
    log = (ROOT / "sample_logs" / "excerpts" / "old_ld_go_sqlite3_457.log").read_text()
    report = analyze_text(log, name="build.log")
    doc = sarif(report)
    rules = {r["id"]: r for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    assert set(rules) == {"glibc-static/getaddrinfo", "glibc-static/dlopen", "glibc/mktemp"}
    getaddrinfo = rules["glibc-static/getaddrinfo"]
    assert "Host name resolution" in getaddrinfo["shortDescription"]["text"]
    assert "nsswitch" in getaddrinfo["help"]["text"]
    assert "-tags netgo" in getaddrinfo["help"]["text"]
    assert "```sh\ngo build -tags netgo" in getaddrinfo["help"]["markdown"]
    levels = {r["ruleId"]: r["level"] for r in doc["runs"][0]["results"]}
    assert levels == {
        "glibc-static/getaddrinfo": "error",
        "glibc-static/dlopen": "warning",
        "glibc/mktemp": "note",
    }
    first = doc["runs"][0]["results"][0]
    assert first["properties"]["count"] == 1
    assert first["properties"]["origins"] == ["go:net"]
    assert first["properties"]["feature"] == "Host name resolution (hosts)"
    # No repository given: the log, named relatively, at the warning's line.
    physical = first["locations"][0]["physicalLocation"]
    assert physical == {"artifactLocation": {"uri": "build.log"}, "region": {"startLine": 4}}


def test_a_function_seen_only_in_a_binary_says_so() -> None:
    report = analyze_text(hand_made())
    finding = report.findings[0].model_copy(
        update={"message": "", "count": 0, "occurrences": (), "evidence": ("binary",)}
    )
    report = report.model_copy(update={"findings": (finding,)})
    (row,) = [r for r in results(report, RenderOptions()) if r.kind is Kind.FINDING]
    first = row.message.partition("\n")[0]
    assert first == "getpwnam is linked into the binary (User lookups (passwd))."
    assert "Seen in a binary" in row.message and row.location.path == "."


def test_link_errors_get_rules_of_their_own() -> None:
    log = (ROOT / "sample_logs" / "rust-static-bfd-link-failed.log").read_text()
    doc = sarif(analyze_text(log))
    ids = {r["ruleId"]: r["level"] for r in doc["runs"][0]["results"]}
    assert ids["link-error/collect2"] == "error"
    assert ids["link-error/cannot_find_library"] == "error"


TEMP_REWRITES = [
    (re.compile(r"go-link-\d+"), lambda m: "go-link-" + "9" * (len(m.group()) - 8)),
    (re.compile(r"go-build\d+"), lambda m: "go-build" + "7" * (len(m.group()) - 8)),
    (re.compile(r"(?<=/tmp/)cc[0-9A-Za-z]{6}(?=\.)"), lambda m: "ccZyXwVu"),
]


def rewrite_temporary_paths(text: str) -> str:
    for pattern, replacement in TEMP_REWRITES:
        text = pattern.sub(replacement, text)
    return text


TEMP_SAMPLES = [
    s
    for s in SAMPLE_LIST
    if rewrite_temporary_paths(t := s.path.read_text("utf-8", "replace")) != t
]


def identities(report: Report) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    doc = sarif(report)
    gitlab = json.loads(render(report, OutputFormat.GITLAB))
    rdjsonl = render(report, OutputFormat.RDJSONL).splitlines()
    return (
        [(r["ruleId"], r["partialFingerprints"]["cgowarn/v1"]) for r in doc["runs"][0]["results"]]
        + [
            (r["ruleId"], r["partialFingerprints"]["primaryLocationLineHash"])
            for r in doc["runs"][0]["results"]
        ],
        [f"{i['check_name']} {i['fingerprint']}" for i in gitlab],
        [json.loads(line)["code"]["value"] for line in rdjsonl],
    )


def test_temporary_paths_appear_in_samples() -> None:
    names = {s.path.name for s in TEMP_SAMPLES}
    assert len(TEMP_SAMPLES) >= 10
    assert {"c-misc-static-bfd.log", "go-static-bfd-x.log"} <= names


@pytest.mark.parametrize("sample", TEMP_SAMPLES, ids=lambda s: s.id)
def test_fingerprints_and_rule_ids_survive_new_temporary_paths(sample: Sample) -> None:
    text = sample.path.read_text("utf-8", "replace")
    changed = rewrite_temporary_paths(text)
    assert changed != text
    before, after = analyze_text(text), analyze_text(changed)
    assert identities(before) == identities(after)
    assert before.findings or before.diagnostics


def test_a_diagnostic_naming_a_temporary_object_keeps_its_fingerprint() -> None:
    def log(name: str) -> str:
        return f"/usr/bin/ld: /tmp/{name}.o: error adding symbols: file format not recognized\n"

    a, b = analyze_text(log("ccAbCdEf")), analyze_text(log("ccQwErTy"))
    assert a.diagnostics and a.diagnostics[0].subject != b.diagnostics[0].subject
    assert identities(a) == identities(b)


# --- locations ------------------------------------------------------------------------------------


def located(tmp_path: Path, log: str, *files: str, log_name: str = "build.log") -> Any:
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x\n")
    return sarif(analyze_text(log, name=log_name), repo_root=str(tmp_path))["runs"][0]["results"][0]


def uri_line(result: Any) -> tuple[str, int | None]:
    physical = result["locations"][0]["physicalLocation"]
    return physical["artifactLocation"]["uri"], physical.get("region", {}).get("startLine")


def test_a_source_file_in_the_repository_is_the_location(tmp_path: Path) -> None:
    result = located(tmp_path, hand_made(), "src/lookup.c", "go.mod")
    assert uri_line(result) == ("src/lookup.c", 12)
    assert result["properties"]["location"] == "source"


def test_an_absolute_path_inside_the_repository_is_made_relative(tmp_path: Path) -> None:
    log = hand_made(file=f"{tmp_path}/src/lookup.c", line=3)
    assert uri_line(located(tmp_path, log, "src/lookup.c")) == ("src/lookup.c", 3)


def test_outside_the_repository_the_build_file_is_the_location(tmp_path: Path) -> None:
    result = located(tmp_path, hand_made(), "Makefile", "CMakeLists.txt")
    assert uri_line(result) == ("CMakeLists.txt", 1)
    # The message names the link unit and the original object and file.
    text = result["message"]["text"]
    assert "example.com/app" in text and "/tmp/ccAbCdEf.o" in text and "src/lookup.c:12" in text
    assert BUILD_FILES.index("CMakeLists.txt") < BUILD_FILES.index("Makefile")


def test_a_log_inside_the_repository_is_the_location(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    log = tmp_path / "logs" / "build.log"
    log.write_text(hand_made())
    result = located(tmp_path, hand_made(), "go.mod", log_name=str(log))
    assert uri_line(result) == ("logs/build.log", 3)


def test_nothing_in_the_repository_points_at_the_repository(tmp_path: Path) -> None:
    result = located(tmp_path, hand_made())
    assert uri_line(result) == (".", None)


def test_paths_that_climb_out_or_are_temporary_are_never_locations(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (tmp_path / "outside.c").write_text("x\n")
    (repo / "go.mod").write_text("module x\n")
    for file in ("../outside.c", f"{tmp_path}/outside.c", "/tmp/go-build123/x.c"):
        assert uri_line(located(repo, hand_made(file=file))) == ("go.mod", 1), file


def test_a_build_directory_inside_the_root_is_no_location(tmp_path: Path) -> None:
    """A repository root of /tmp (or /) holds the build's temporary files while they exist."""
    prolog = tmp_path / "go-build4242" / "net" / "cgo-gcc-prolog"
    prolog.parent.mkdir(parents=True)
    prolog.write_text("x\n")
    (tmp_path / "go.mod").write_text("module x\n")
    assert uri_line(located(tmp_path, hand_made(file=str(prolog)))) == ("go.mod", 1)


def test_repo_root_option_makes_every_ci_format_relative(tmp_path: Path, cli: CliRunner) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "lookup.c").write_text("x\n")
    log = tmp_path / "in.log"
    log.write_text(hand_made())
    out = tmp_path / "out"
    result = cli.invoke(
        main,
        [
            "--fail-on=never",
            "--repo-root",
            str(tmp_path),
            "-o",
            f"{out}.sarif",
            "-o",
            f"gitlab:{out}.gl.json",
            "-o",
            f"{out}.rdjsonl",
            "-o",
            f"github:{out}.gh",
            str(log),
        ],
    )
    assert result.exit_code == 0, result.output
    assert uri_line(json.loads(Path(f"{out}.sarif").read_text())["runs"][0]["results"][0]) == (
        "src/lookup.c",
        12,
    )
    (issue,) = json.loads(Path(f"{out}.gl.json").read_text())
    assert issue["location"] == {"path": "src/lookup.c", "lines": {"begin": 12}}
    (line,) = Path(f"{out}.rdjsonl").read_text().splitlines()
    assert json.loads(line)["location"] == {
        "path": "src/lookup.c",
        "range": {"start": {"line": 12}},
    }
    assert Path(f"{out}.gh").read_text().startswith("::error file=src/lookup.c,line=12,title=")


def test_repository_root_is_the_git_top_level_else_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
        assert repository_root() == str(tmp_path.resolve())
    monkeypatch.setenv("PATH", "")  # no git at all: the current directory, silently
    assert repository_root() == os.getcwd()


# --- GitHub workflow commands ---------------------------------------------------------------------

COMMAND = re.compile(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$")
PROPERTY = re.compile(r"^(file|line|title)=([^,:]*)$")


def unescape_data(text: str) -> str:
    """As the runner does (ActionCommand.Unescape): %0D, %0A, then %25."""
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(text: str) -> str:
    return (
        text.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
    )


def parse_commands(output: str) -> list[tuple[str, dict[str, str], str]]:
    """Every line of `output`, parsed as the runner parses a workflow command: each must be one,
    well-formed: known properties, no raw `%` but in an escape."""
    parsed = []
    assert output.endswith("\n") or not output
    # The runner reads lines as .NET's StreamReader.ReadLine does: they end at LF, CR or CRLF.
    for line in output.split("\n")[:-1]:
        assert "\r" not in line, line
        m = COMMAND.match(line)
        assert m, line
        name, props, data = m.groups()
        assert not re.search(r"%(?!25|0D|0A)", data), line
        values = {}
        for prop in (props or "").split(",") if props else []:
            pm = PROPERTY.match(prop)
            assert pm, prop
            assert not re.search(r"%(?!25|0D|0A|3A|2C)", pm.group(2)), prop
            values[pm.group(1)] = unescape_property(pm.group(2))
        parsed.append((name, values, unescape_data(data)))
    return parsed


@given(st.text(), st.text(), st.sampled_from(["error", "warning", "notice"]))
def test_escaping_round_trips_any_text(message: str, title: str, name: str) -> None:
    """What the runner reads back is the text as cgowarn shows any text: every line with its
    control and bidi characters written as <U+XXXX> (line breaks in the message kept)."""
    line = command(name, [("file", "a.c"), ("title", title)], message)
    ((got_name, props, data),) = parse_commands(line + "\n")
    assert (got_name, data) == (name, "\n".join(visible(part) for part in message.split("\n")))
    assert props.get("title", "") == visible(title)
    assert not any(c in line for c in "\x1b\x07\u202e\u2066")


def test_escapes_are_the_toolkits() -> None:
    assert escape_data("100% a\r\nb::c,d") == "100%25 a%0D%0Ab::c,d"
    assert escape_property("100% a\r\nb::c,d") == "100%25 a%0D%0Ab%3A%3Ac%2Cd"


HOSTILE = st.lists(
    st.sampled_from([*"ab:,%= é", "::", "\r", "\n", "\r\n", "%0A", "%25", "::error::x", "\u2028"]),
    min_size=1,
    max_size=12,
).map("".join)


@given(st.lists(st.tuples(HOSTILE, HOSTILE), min_size=1, max_size=14))
def test_no_log_text_makes_or_breaks_a_workflow_command(parts: list[tuple[str, str]]) -> None:
    log = "".join(
        f"/usr/bin/ld: obj{i}{f}.o: in function `fn{f}':\n"
        f"src/{i}{f}.c:{i + 1}: warning: {MSG.format(f'sym{i}{s}')}\n"
        for i, (f, s) in enumerate(parts)
    )
    report = analyze_text(log, name="build%,::.log")
    rows = results(report, RenderOptions())
    output = render(report, OutputFormat.GITHUB)
    commands = parse_commands(output)
    levels = Counter(r.level for r in rows)
    notes = len(report.notes)  # each a notice of its own, after the results
    clean = 0 if rows or notes else 1  # nothing else to say: one notice that the link was seen
    assert len(commands) == sum(min(n, MAX_PER_LEVEL) for n in levels.values()) + notes + clean
    shown = [r for level in ("error", "warning", "note") for r in rows if r.level == level]
    for (_name, props, data), row in zip(commands, shown, strict=False):
        if props.get("title", "").startswith("cgowarn: ") and "more" in props["title"]:
            continue
        assert data == row.message
        assert props["title"] == f"cgowarn: {row.title}"
        assert props.get("file", ".") == row.location.path


def test_a_hostile_log_stays_inside_its_one_command() -> None:
    hostile = "a,b%0A::error::x\r\n::warning file=x::y"
    log = (
        f"/usr/bin/ld: obj{hostile}.o: in function `fn{hostile}':\n"
        f"src/{hostile}.c:3: warning: {MSG.format('sym%,::')}\n"
    )
    report = analyze_text(log, name="b%,::.log")
    ((name, props, data),) = parse_commands(render(report, OutputFormat.GITHUB))
    # A made-up function is unrecognised (low): a notice.
    assert name == "notice" and props["file"] == "b%,::.log" and props["line"] == "5"
    assert data.startswith("Using 'sym%,::' in statically linked")
    assert "first at ::warning file=x::y.c:3" in data
    assert props["title"].startswith("cgowarn: sym%,::: ")


def test_at_most_ten_annotations_per_level_and_a_summary_for_the_rest() -> None:
    log = "".join(
        f"/usr/bin/ld: a.o: in function `main':\na.c:(.text+0x{i:x}): undefined reference to `f{i}'\n"
        for i in range(15)
    ) + "".join(
        f"b.c:(.text+0x1): warning: the use of `zz{i}' is dangerous, better use `mkstemp'\n"
        for i in range(12)
    )
    report = analyze_text(log)
    commands = parse_commands(render(report, OutputFormat.GITHUB))
    by_level = Counter(name for name, _, _ in commands)
    # The made-up zz functions are unrecognised (low): notices.
    assert by_level == {"error": MAX_PER_LEVEL, "notice": MAX_PER_LEVEL}
    errors = [c for c in commands if c[0] == "error"]
    assert errors[-1][1]["title"] == "cgowarn: 6 more errors"
    assert "6 more errors are not annotated" in errors[-1][2]
    notices = [c for c in commands if c[0] == "notice"]
    assert notices[-1][1]["title"] == "cgowarn: 3 more notices"
    # Exactly ten fit: no summary.
    ten = analyze_text(
        "".join(f"a.c:(.text+0x1): undefined reference to `g{i}'\n" for i in range(10))
    )
    assert all(
        "more" not in c[1]["title"] for c in parse_commands(render(ten, OutputFormat.GITHUB))
    )


# --- --summary ------------------------------------------------------------------------------------


def test_summary_is_appended_to_the_step_summary(
    tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("before\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    log = ROOT / "sample_logs" / "excerpts" / "old_ld_go_sqlite3_457.log"
    result = cli.invoke(main, ["--summary", "--format", "github", str(log)])
    assert result.exit_code == 1  # getaddrinfo is high
    text = summary.read_text("utf-8")
    assert text.startswith("before\n") and "getaddrinfo" in text and "| " in text
    assert result.stdout.startswith("::error ")


def test_summary_without_github_says_so_and_keeps_the_exit_code(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    log = str(ROOT / "sample_logs" / "excerpts" / "old_ld_go_sqlite3_457.log")
    plain = cli.invoke(main, ["--fail-on", "medium", log])
    asked = cli.invoke(main, ["--fail-on", "medium", "--summary", log])
    assert asked.exit_code == plain.exit_code == 1
    assert asked.stdout == plain.stdout
    notes = [line for line in asked.stderr.splitlines() if "GITHUB_STEP_SUMMARY" in line]
    assert len(notes) == 1 and "not set" in notes[0]
    ok = cli.invoke(main, ["--fail-on", "never", "--summary", log])
    assert ok.exit_code == 0 and "GITHUB_STEP_SUMMARY" in ok.stderr


def test_the_summary_stays_far_below_githubs_one_mib() -> None:
    # Thousands of functions with long, multi-byte log lines (hand-made).
    long = "é" * 300
    log = "".join(
        f"/usr/bin/ld: /tmp/{long}{i}.o: in function `f{long}{i}':\n"
        f"/src/{long}{i}.c:{i}: warning: {MSG.format(f'sym{i}')}\n"
        for i in range(1500)
    )
    markdown = render(analyze_text(log), OutputFormat.MARKDOWN)
    assert len(markdown) <= MAX_CHARS
    assert len(markdown.encode("utf-8")) <= 4 * MAX_CHARS < 1024 * 1024


# --- GitLab Code Quality, rdjsonl -----------------------------------------------------------------


@pytest.mark.parametrize("sample", SAMPLE_LIST, ids=lambda s: s.id)
def test_gitlab_and_rdjsonl_of_every_sample(sample: Sample) -> None:
    report = report_of(sample)
    options = RenderOptions(repo_root=str(ROOT))
    issues = json.loads(render(report, OutputFormat.GITLAB, options))
    assert isinstance(issues, list)
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(fingerprints) == len(set(fingerprints))
    for issue in issues:
        assert issue["severity"] in GITLAB_SEVERITIES
        assert issue["description"] and issue["check_name"]
        path = issue["location"]["path"]
        assert not path.startswith("/") and not path.startswith("..")
        assert isinstance(issue["location"]["lines"]["begin"], int)
    lines = render(report, OutputFormat.RDJSONL, options).splitlines()
    assert len(lines) == len(issues)
    for line in lines:
        d = json.loads(line)
        assert d["message"] and d["severity"] in {"ERROR", "WARNING", "INFO"}
        assert d["source"]["name"] == "cgowarn" and d["code"]["value"]
        assert d["location"]["range"]["start"]["line"] >= 1
        assert not d["location"]["path"].startswith("/")
        assert isinstance(d["original_output"], str)


def test_gitlab_severity_map() -> None:
    log = (ROOT / "sample_logs" / "excerpts" / "old_ld_go_sqlite3_457.log").read_text()
    log += "/usr/bin/ld: cannot find -lnosuchlib: No such file or directory\n"
    issues = json.loads(render(analyze_text(log), OutputFormat.GITLAB))
    assert {i["check_name"]: i["severity"] for i in issues} == {
        "glibc-static/getaddrinfo": "critical",
        "glibc-static/dlopen": "major",
        "glibc/mktemp": "minor",
        "link-error/cannot_find_library": "blocker",
    }


def test_rdjsonl_keeps_the_original_lines_and_the_severity() -> None:
    log = (ROOT / "sample_logs" / "excerpts" / "old_ld_go_sqlite3_457.log").read_text()
    first = json.loads(render(analyze_text(log), OutputFormat.RDJSONL).splitlines()[0])
    assert first["severity"] == "ERROR" and first["code"]["value"] == "glibc-static/getaddrinfo"
    assert first["original_output"] == "\n".join(log.splitlines()[2:4])


# --- JUnit ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("gate", [Severity.HIGH, Severity.MEDIUM, Severity.LOW, NEVER])
def test_junit_fails_exactly_the_functions_at_or_above_the_gate(gate: Severity | None) -> None:
    log = (ROOT / "sample_logs" / "excerpts" / "old_ld_go_sqlite3_457.log").read_text()
    log += "/usr/bin/ld: cannot find -lnosuchlib: No such file or directory\n"
    report = analyze_text(log)
    root = ET.fromstring(render(report, OutputFormat.JUNIT, RenderOptions(fail_on=gate)))
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == len(report.findings) + 1  # and the link error
    failed = {c.get("name", "").split(":")[0] for c in cases if c.find("failure") is not None}
    expected = {
        f.symbol for f in report.findings if gate is not None and f.severity.rank >= gate.rank
    }
    assert failed == expected
    errored = [c for c in cases if c.find("error") is not None]
    assert [c.get("name") for c in errored] == ["Library not found: nosuchlib"]
    assert suite.get("tests") == str(len(cases))
    assert suite.get("failures") == str(len(expected))
    assert suite.get("errors") == "1"
    assert root.get("failures") == suite.get("failures")


@pytest.mark.parametrize("sample", SAMPLE_LIST, ids=lambda s: s.id)
def test_junit_of_every_sample_parses_with_one_case_per_function(sample: Sample) -> None:
    report = report_of(sample)
    suite = ET.fromstring(render(report, OutputFormat.JUNIT)).find("testsuite")
    assert suite is not None
    kinds = Counter(r.kind for r in results(report, RenderOptions()))
    cases = suite.findall("testcase")
    # A log that shows no link gets one more case, the link, skipped: it was not seen.
    unseen = int(sample.meta["link_status"] == "unseen")
    assert len(cases) == (
        len(report.findings) + kinds[Kind.LINK_ERROR] + kinds[Kind.RUNTIME_FAILURE] + unseen
    )
    assert int(suite.get("failures", "-1")) == sum(c.find("failure") is not None for c in cases)
    assert int(suite.get("skipped", "-1")) == unseen


# --- several reports in one run -------------------------------------------------------------------


def test_one_run_writes_sarif_gitlab_and_junit(
    tmp_path: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    log = ROOT / "sample_logs" / "excerpts" / "old_ld_go_sqlite3_457.log"
    result = cli.invoke(
        main, ["-o", "report.sarif", "-o", "gitlab:gl.json", "-o", "junit.xml", str(log)]
    )
    assert result.exit_code == 1, result.output
    jsonschema.Draft7Validator(SARIF_SCHEMA).validate(json.loads(Path("report.sarif").read_text()))
    raw = Path("gl.json").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    issues = json.loads(raw.decode("utf-8"))
    assert issues[0]["check_name"] == "glibc-static/getaddrinfo"
    suite = ET.parse("junit.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "1"  # the default gate: high


def test_an_input_that_cannot_show_warnings_is_a_notice_not_silence() -> None:
    """A clean run and a run that saw nothing must not look the same in the Actions log."""
    [(name, props, data)] = parse_commands(render(analyze_text(""), OutputFormat.GITHUB))
    assert (name, props["title"]) == ("notice", "cgowarn")
    assert data.startswith("The input was empty: did the pipe miss `2>&1`?")
    silent = analyze_text("gcc -static -fuse-ld=lld -o app app.o\n")
    [(name, _, data)] = parse_commands(render(silent, OutputFormat.GITHUB))
    assert name == "notice" and "cgowarn inspect" in data


def test_rdjson_is_one_document_of_the_rdjsonl_diagnostics(tmp_path: Path) -> None:
    """reviewdog's two names: rdjsonl (a Diagnostic per line) and rdjson (one DiagnosticResult
    holding the same diagnostics), by --format, a FORMAT: prefix or the extension."""
    from click.testing import CliRunner

    from cgowarn.cli import main

    seed = str(SAMPLES / "seed-article-go-sqlite3-centos.log")
    lines = CliRunner().invoke(main, ["--format", "rdjsonl", seed]).stdout.splitlines()
    for args in (["--format", "RDJSON"], ["-o", "rdjson:-"]):
        document = json.loads(CliRunner().invoke(main, [*args, seed]).stdout)
        assert document["source"]["name"] == "cgowarn"
        assert document["diagnostics"] == [json.loads(line) for line in lines]
    out = tmp_path / "cgowarn.rdjson"
    CliRunner().invoke(main, ["-o", str(out), seed])
    assert len(json.loads(out.read_text())["diagnostics"]) == len(lines) == 8
