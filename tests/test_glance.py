"""Reports read at a glance: every format opens with the answer (did it link, what breaks, what to
run), a failed link shows its errors first with advice that fits them, text fits the terminal, and
the wording counts what it says it counts."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import regex
from click.testing import CliRunner

from cgowarn.cli import main
from cgowarn.formats import OutputFormat
from cgowarn.render import RenderOptions, render
from conftest import SAMPLES, analyze_bytes, require_tool

SEED = SAMPLES / "seed-article-go-sqlite3-centos.log"
MISSING_LM = SAMPLES / "go-static-bfd-missing-lm.log"
C_LIBM = SAMPLES / "c-libm-static-bfd.log"
NOSUCHLIB = SAMPLES / "c-nosuchlib-static-bfd.log"
RUST_FAILED = SAMPLES / "rust-static-bfd-link-failed.log"
ESC = re.compile(r"\x1b\[[0-9;]*m")


def run(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, args, env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout


def head(text: str, n: int) -> str:
    return "\n".join(text.splitlines()[:n])


def report_of(path: Path, fmt: OutputFormat, **options: object) -> str:
    return render(analyze_bytes(path.read_bytes()), fmt, RenderOptions(**options))  # type: ignore[arg-type]


# --- the answer first ----------------------------------------------------------------------------


def test_the_seed_log_fits_one_screen_of_100_columns() -> None:
    _code, out = run(["--no-color", str(SEED)], env={"COLUMNS": "100"})
    lines = out.splitlines()
    assert len(lines) <= 40, f"{len(lines)} lines"
    assert max(len(line) for line in lines) <= 100


def _opening(out: str, fmt: OutputFormat, lines: int) -> str:
    """The first lines a reader sees: of the page's body for HTML (after its style sheet)."""
    if fmt is OutputFormat.HTML:
        import html

        body = head(out.split("<h1>", 1)[-1], 30)
        return html.unescape(regex.sub(r"<[^>]+>", "", body))  # the text, as the page shows it
    return head(out, lines)


@pytest.mark.parametrize("fmt", [OutputFormat.TEXT, OutputFormat.MARKDOWN, OutputFormat.HTML])
def test_every_format_opens_with_link_status_hazards_and_the_command(fmt: OutputFormat) -> None:
    out = report_of(SEED, fmt)
    first = _opening(out, fmt, 14)
    assert "Link:" in first and "OK" in first
    assert "7 of 8 functions need the host" in first
    assert "go build -tags netgo,osusergo,sqlite_omit_load_extension" in first.replace("\\\n", "")


def test_a_target_verdict_is_in_the_answer() -> None:
    _code, out = run(["--no-color", "--target", "centos6", str(SEED)], env={"COLUMNS": "100"})
    answer = out.split("\n\n")[0]
    assert "On CentOS 6 / RHEL 6: may or may not start:" in answer


@pytest.mark.parametrize("fmt", [OutputFormat.TEXT, OutputFormat.MARKDOWN, OutputFormat.HTML])
def test_a_failed_link_names_its_error_and_fix_first(fmt: OutputFormat) -> None:
    out = report_of(MISSING_LM, fmt)
    first = _opening(out, fmt, 8)
    assert "FAILED: 23 undefined references to libm functions (log, trunc, exp" in first
    assert "add -lm to the link" in first
    assert "-extldflags &#34;-static -lm&#34;" in first or '-extldflags "-static -lm"' in first
    # The errors come before the glibc findings, grouped: not 23 generic items.
    errors, findings = {
        OutputFormat.TEXT: ("Link errors, by cause:", "Functions ("),
        OutputFormat.MARKDOWN: ("### Link errors", "| Severity |"),
        OutputFormat.HTML: ("<h2>Link errors", "<h2>Functions"),
    }[fmt]
    assert out.index(errors) < out.index(findings)
    assert out.count("Undefined reference") <= 1


def test_a_c_link_without_lm_gets_the_c_command() -> None:
    out = report_of(C_LIBM, OutputFormat.TEXT)
    assert "5 undefined references to libm functions (floor, sqrt, pow, cos, sin)" in head(out, 3)
    # The log shows no link command: no command is made up (never `*.c`), the fix is said.
    assert "$ " not in out and "*.c" not in out
    assert "Next: Add -lm to the link." in head(out, 8)
    assert (
        "collect2: error: ld returned 1 exit status: the linker failed; the messages above" in out
    )


def test_cannot_find_a_known_library_names_the_packages() -> None:
    log = b"/usr/bin/ld: cannot find -lsqlite3: No such file or directory\ncollect2: error: ld returned 1 exit status\n"
    report = analyze_bytes(log)
    (problem, summary) = report.link_problems
    assert problem.kind == "missing_library" and summary.kind == "link_failed"
    assert problem.packages == {
        "Debian/Ubuntu": "libsqlite3-dev",
        "Alpine": "sqlite-static",
        "RHEL (CRB repository)": "unknown",
    }
    text = render(report, OutputFormat.TEXT)
    assert "cannot find -lsqlite3 (the static archive libsqlite3.a is missing): install" in text
    assert "$ apt-get install libsqlite3-dev" in text


def test_cannot_find_an_unknown_library_says_so() -> None:
    out = report_of(NOSUCHLIB, OutputFormat.TEXT)
    assert "no package that ships it is known" in head(out, 4)


def test_json_carries_the_grouped_link_errors() -> None:
    doc = json.loads(report_of(MISSING_LM, OutputFormat.JSON))
    kinds = [p["kind"] for p in doc["link_problems"]]
    assert kinds == ["libm", "link_failed", "link_failed"]
    assert doc["link_problems"][0]["count"] == 23 and doc["link_problems"][0]["fix"] == "-lm"


# --- text on a terminal --------------------------------------------------------------------------


@pytest.mark.parametrize("width", [60, 80, 132])
def test_text_wraps_to_the_width_with_a_hanging_indent(width: int) -> None:
    out = report_of(SEED, OutputFormat.TEXT, width=width, details=True)
    lines = out.splitlines()
    too_long = [line for line in lines if len(line) > width and " " in line.strip()]
    assert too_long == []
    cost = next(i for i, line in enumerate(lines) if line.lstrip().startswith("cost:"))
    assert lines[cost + 1].startswith(" " * 7)  # continued under its list item


def test_wrapped_commands_still_run_when_pasted() -> None:
    out = report_of(SEED, OutputFormat.TEXT, width=60)
    start = next(i for i, line in enumerate(out.splitlines()) if "$ go build -tags" in line)
    lines = out.splitlines()[start : start + 4]
    joined = ""
    for line in lines:
        joined += line.strip().removeprefix("$ ")
        if not line.endswith(" \\"):
            break
        joined = joined[:-1]
    assert joined == (
        "go build -tags netgo,osusergo,sqlite_omit_load_extension -ldflags "
        "'-linkmode external -extldflags \"-static\"' ./..."
    )


def test_short_by_default_long_with_details() -> None:
    short = report_of(SEED, OutputFormat.TEXT)
    long = report_of(SEED, OutputFormat.TEXT, details=True)
    assert "cost:" not in short and "cost:" in long
    assert "cgowarn --details" in short and "cgowarn --details" not in long


def test_colour_marks_only_status_and_severity_and_never_a_file(tmp_path: Path) -> None:
    _code, out = run(["--color", str(MISSING_LM)])
    painted = set(re.findall(r"\x1b\[[0-9;]+m([^\x1b]*)\x1b\[0m", out))
    assert painted and painted <= {"Link:", "Run time:", "high", "medium", "low"}
    target = tmp_path / "report.txt"
    run(["--color", "-o", str(target), str(MISSING_LM)])
    assert "\x1b" not in target.read_text()


# --- wording -------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [OutputFormat.TEXT, OutputFormat.MARKDOWN, OutputFormat.HTML])
def test_no_doubled_parentheses(fmt: OutputFormat) -> None:
    out = ESC.sub("", report_of(SEED, fmt, details=True))
    out = re.sub(r"</?code>|</?strong>|`|\*", "", out)
    doubled = re.findall(r"\((\w+)\)\s*\(\1\)", out)
    assert doubled == []


def test_one_origin_note_is_said_once() -> None:
    out = report_of(RUST_FAILED, OutputFormat.TEXT, details=True)
    assert out.count("std::net's ToSocketAddrs calls getaddrinfo") == 1
    assert "getaddrinfo, getpwuid_r: std::net's" in out


def test_explain_says_each_origin_and_source_once_and_knows_no_link() -> None:
    _code, out = run(["explain", "getaddrinfo"])
    origins = [line for line in out.splitlines() if line.startswith("  - [")]
    ids = [line.split("]")[0] for line in origins]
    assert len(ids) == len(set(ids)), origins
    sources = out.split("Sources:")[1].split()
    assert len(sources) == len(set(sources))
    assert "in this link" not in out


@pytest.fixture(scope="module")
def static_binary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_tool("gcc")
    work = tmp_path_factory.mktemp("glance")
    (work / "a.c").write_text('#include <pwd.h>\nint main(void) { return getpwnam("x") != 0; }\n')
    subprocess.run(["gcc", "-static", "-o", "a", "a.c"], cwd=work, check=True, capture_output=True)
    return work / "a"


def test_inspect_reports_have_no_lines_column_and_no_empty_input(static_binary: Path) -> None:
    _code, md = run(["inspect", "-f", "markdown", str(static_binary)])
    assert "| Lines |" not in md
    _code, html = run(["inspect", "-f", "html", str(static_binary)])
    assert "Input:" not in html and ">Lines<" not in html
    _code, text = run(["inspect", "--no-color", str(static_binary)])
    assert " binary  " not in text  # no count column of "binary" in the table
    assert "linked into the binary" in head(text, 1)


def test_a_binary_beside_a_log_is_not_warned_about_nor_a_link(static_binary: Path) -> None:
    log = SAMPLES / "c-undef-static-bfd.log"
    _code, md = run(["-f", "markdown", str(log), "--binary", str(static_binary)])
    title = head(md, 1)
    assert "1 glibc function warned about in the log" in title
    assert "more seen only in the binary" in title
    assert "1 link," in md and "link unit" not in md and "0 lines" not in md
