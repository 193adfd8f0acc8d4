"""`cgowarn comment` against fake GitHub and GitLab APIs served over real HTTP on loopback
(tests/fake_forge.py): one sticky comment, created, edited in place, left alone when nothing
changed, resolved or deleted when the findings go; another account's comment never touched;
every API failure one line with its exit code; the token in no byte of any output; log text inert
in the posted Markdown; and the action and CI examples valid and audited."""

from __future__ import annotations

import itertools
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import regex
from click.testing import CliRunner, Result

from cgowarn.cli import main
from cgowarn.comment import body as comment_body
from cgowarn.comment import http as comment_http
from cgowarn.comment.body import read_marker
from cgowarn.errors import ExitCode
from cgowarn.render.markdown import MAX_CHARS
from fake_forge import GITHUB_PR, GITHUB_REPO, GITLAB_MR, GITLAB_PROJECT, Fake, serve
from hostile_logs import hostile_log
from test_render_gfm import problems, tokens

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

TOKEN = "ghp_Zq7cgowarnTESTtoken9c1fXv4"
"""Distinctive, so that finding it anywhere in the output means it leaked."""
APP_TOKEN = "ghs_installationTOKENcgowarn0042"
BOT = {"login": "cgowarn-bot", "id": 7, "type": "User"}
OTHER = {"login": "octocat", "id": 1, "type": "User"}
ACTIONS = {"login": "github-actions[bot]", "id": 41898282, "type": "Bot"}
LAB_BOT = {"id": 70, "username": "project_123_bot"}
LAB_OTHER = {"id": 1, "username": "alice"}
MSG = (
    "Using '{}' in statically linked applications requires at runtime the shared libraries from "
    "the glibc version used for linking"
)
CI_VARIABLES = (
    "GITHUB_TOKEN",
    "GITHUB_REPOSITORY",
    "GITHUB_EVENT_PATH",
    "GITHUB_API_URL",
    "GITHUB_ACTIONS",
    "GITHUB_STEP_SUMMARY",
    "GITLAB_TOKEN",
    "GITLAB_CI",
    "CI_API_V4_URL",
    "CI_PROJECT_ID",
    "CI_MERGE_REQUEST_IID",
)


def build_log(*symbols: str) -> str:
    lines = ["/usr/bin/ld: /tmp/go-link-1/000007.o: in function `lookup':"]
    lines += [f"main.c:(.text+0x{i:x}): warning: {MSG.format(s)}" for i, s in enumerate(symbols)]
    return "\n".join(lines) + "\n"


LOG_A = build_log("getpwnam")
LOG_B = build_log("getpwnam", "getaddrinfo")
CLEAN = "go build ./...\nok\n"


@pytest.fixture(autouse=True)
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every wait the client asks for, recorded instead of spent."""
    asked: list[float] = []
    monkeypatch.setattr(comment_http, "sleep", asked.append)
    monkeypatch.setattr(comment_http, "now", lambda: 1_700_000_000.0)
    return asked


@pytest.fixture
def github() -> Iterator[Fake]:
    with serve(Fake("github", users={TOKEN: BOT})) as fake:
        yield fake


@pytest.fixture
def gitlab() -> Iterator[Fake]:
    with serve(Fake("gitlab", prefix="/api/v4", users={TOKEN: LAB_BOT})) as fake:
        yield fake


def environment(**values: str) -> dict[str, str | None]:
    env: dict[str, str | None] = dict.fromkeys(CI_VARIABLES)
    env.update(values)
    return env


def comment(
    fake: Fake | None,
    tmp_path: Path,
    log: str,
    *args: str,
    env: dict[str, str | None] | None = None,
    where: bool = True,
) -> Result:
    """`cgowarn comment` on `log`, against `fake` (GitHub: octo/app#42; GitLab: project 123 !7)."""
    path = tmp_path / "build.log"
    path.write_text(log, encoding="utf-8")
    argv = ["comment"]
    if fake is not None and fake.kind == "gitlab":
        argv += ["--gitlab"]
        if where:
            argv += ["--project", GITLAB_PROJECT, "--mr", str(GITLAB_MR)]
        argv += ["--api-url", fake.base + fake.prefix]
        token = {"GITLAB_TOKEN": TOKEN}
    else:
        if where:
            argv += ["--repo", GITHUB_REPO, "--pr", str(GITHUB_PR)]
        if fake is not None:
            argv += ["--api-url", fake.base + fake.prefix]
        token = {"GITHUB_TOKEN": TOKEN}
    argv += [*args, str(path)]
    return CliRunner().invoke(main, argv, env=env if env is not None else environment(**token))


def ours(fake: Fake) -> list[dict[str, Any]]:
    key = "user" if fake.kind == "github" else "author"
    me = BOT if fake.kind == "github" else LAB_BOT
    return [c for c in fake.comments if c[key] == me]


def assert_no_token(*texts: str) -> None:
    for text in texts:
        assert TOKEN not in text
        assert APP_TOKEN not in text


# --- the sticky comment ---------------------------------------------------------------------------


def test_first_run_creates_one_comment_that_leads_with_the_verdict(
    github: Fake, tmp_path: Path
) -> None:
    result = comment(github, tmp_path, LOG_A)
    assert result.exit_code == ExitCode.FINDINGS, result.output  # the gate still applies
    assert "comment created on octo/app#42" in result.stderr
    assert "--fail-on high: 1 high finding (getpwnam)" in result.stderr
    (posted,) = github.comments
    body = posted["body"]
    first, rest = body.split("\n", 1)
    assert first.startswith("<!-- cgowarn:default fingerprints=") and first.endswith(" -->")
    marker = read_marker(body)
    assert marker is not None and marker.key == "default" and marker.fingerprints
    assert len(marker.fingerprints) == 1
    # The verdict before the table: the gate, then the report's answer (the link, what breaks,
    # the fix), said once.
    gate = rest.index("**Gate:** fails")
    link = rest.index("**Link:** OK")
    assert gate < link < rest.index("**Run time:**") < rest.index("**Next:**")
    assert rest.index("**Next:**") < rest.index("| Severity | Function |")
    assert rest.count("**Link:**") == 1
    assert "`getpwnam`" in rest and "<details>" in rest
    assert [r.method for r in github.writes()] == ["POST"]
    assert [r.path for r in github.requests] == [
        "/user",
        f"/repos/{GITHUB_REPO}/issues/{GITHUB_PR}/comments",
        f"/repos/{GITHUB_REPO}/issues/{GITHUB_PR}/comments",
    ]
    assert github.requests[1].query["per_page"] == ["100"]
    assert github.requests[2].headers["authorization"] == f"Bearer {TOKEN}"
    assert_no_token(result.stdout, result.stderr)


def test_changed_findings_edit_the_comment_in_place_and_say_what_changed(
    github: Fake, tmp_path: Path
) -> None:
    comment(github, tmp_path, LOG_A)
    (first,) = github.comments
    result = comment(github, tmp_path, LOG_B, "--fail-on", "never")
    assert result.exit_code == 0, result.output
    assert f"comment updated on octo/app#42 ({first['id']})" in result.stderr
    assert len(github.comments) == 1
    body = github.comment(first["id"])["body"]
    assert "**Since the previous findings:** 1 new (`getaddrinfo`), 0 fixed." in body
    assert [r.method for r in github.writes()] == ["POST", "PATCH"]
    assert github.writes()[1].path == f"/repos/{GITHUB_REPO}/issues/comments/{first['id']}"
    # Back to one function: one fixed.
    comment(github, tmp_path, LOG_A)
    assert "**Since the previous findings:** 0 new, 1 fixed." in github.comment(first["id"])["body"]


def test_nothing_changed_sends_no_write_at_all(github: Fake, tmp_path: Path) -> None:
    comment(github, tmp_path, LOG_B)
    github.requests.clear()
    result = comment(github, tmp_path, LOG_B)
    assert result.exit_code == 1
    assert "is up to date" in result.stderr and "nothing sent" in result.stderr
    assert github.writes() == []
    assert {r.method for r in github.requests} == {"GET"}


def test_three_runs_leave_exactly_one_comment_edited_in_place(github: Fake, tmp_path: Path) -> None:
    for log in (LOG_A, LOG_B, LOG_B):
        comment(github, tmp_path, log)
    assert len(github.comments) == 1
    assert [r.method for r in github.writes()] == ["POST", "PATCH"]
    assert "getaddrinfo" in github.comments[0]["body"]


def test_resolved_when_the_findings_go_away(github: Fake, tmp_path: Path) -> None:
    comment(github, tmp_path, LOG_B)
    (posted,) = github.comments
    result = comment(github, tmp_path, CLEAN)
    assert result.exit_code == 0, result.output
    body = github.comment(posted["id"])["body"]
    assert body.startswith("<!-- cgowarn:default fingerprints= before=")
    assert "resolved" in body and "(2 fixed since the previous findings)" in body
    assert "| Severity |" not in body
    # Resolved stays resolved without another write.
    writes = len(github.writes())
    comment(github, tmp_path, CLEAN)
    assert len(github.writes()) == writes


def test_delete_when_clean_deletes_only_its_own_comment(github: Fake, tmp_path: Path) -> None:
    foreign = github.add_comment("<!-- cgowarn:default -->\nmine too", OTHER)
    comment(github, tmp_path, LOG_A)
    own = ours(github)[0]
    result = comment(github, tmp_path, CLEAN, "--delete-when-clean")
    assert result.exit_code == 0, result.output
    assert "deleted" in result.stderr
    assert github.comments == [foreign]
    assert github.writes()[-1].method == "DELETE"
    assert github.writes()[-1].path.endswith(f"/{own['id']}")


def test_a_clean_build_without_an_earlier_comment_posts_nothing(
    github: Fake, tmp_path: Path
) -> None:
    result = comment(github, tmp_path, CLEAN)
    assert result.exit_code == 0
    assert "nothing posted" in result.stderr
    assert github.writes() == [] and github.comments == []


def test_the_comment_on_page_three_is_found(github: Fake, tmp_path: Path) -> None:
    for i in range(230):
        github.add_comment(f"review {i}", OTHER)
    comment(github, tmp_path, LOG_A)
    assert len(github.comments) == 231
    github.requests.clear()
    for i in range(5):
        github.add_comment(f"late {i}", OTHER)
    result = comment(github, tmp_path, LOG_B)
    assert "comment updated" in result.stderr, result.output
    lists = [r for r in github.requests if r.method == "GET" and r.path.endswith("/comments")]
    assert [r.query.get("page") for r in lists] == [None, ["2"], ["3"]]
    assert [r.method for r in github.writes()] == ["PATCH"]
    assert len(github.comments) == 236


def test_another_accounts_comment_that_quotes_the_marker_is_never_touched(
    github: Fake, tmp_path: Path
) -> None:
    comment(github, tmp_path, LOG_A)
    # Copied from ours, word for word, by someone else; and another bot's, and our own account's
    # comment that only quotes the marker below its first line.
    theirs = github.add_comment(github.comments[0]["body"], OTHER)
    app = github.add_comment("<!-- cgowarn:default -->\nfrom another app", ACTIONS)
    quoted = github.add_comment("see\n<!-- cgowarn:default -->", BOT)
    github.comments.remove(github.comments[0])  # ours is gone (deleted by hand)
    snapshot = json.dumps(github.comments)
    result = comment(github, tmp_path, LOG_B)
    assert "comment created" in result.stderr, result.output
    assert json.dumps(github.comments[:3]) == snapshot
    touched = {r.path.rsplit("/", 1)[-1] for r in github.writes()}
    assert not touched & {str(theirs["id"]), str(app["id"]), str(quoted["id"])}
    assert [r.method for r in github.writes()] == ["POST", "POST"]


def test_each_key_keeps_its_own_comment(github: Fake, tmp_path: Path) -> None:
    comment(github, tmp_path, LOG_A, "--key", "linux-amd64")
    comment(github, tmp_path, LOG_B, "--key", "linux-arm64")
    comment(github, tmp_path, LOG_B, "--key", "linux-amd64")
    keys = sorted(read_marker(c["body"]).key for c in github.comments)  # type: ignore[union-attr]
    assert keys == ["linux-amd64", "linux-arm64"]
    assert "**cgowarn `linux-arm64`:**" in github.comments[1]["body"]
    assert "**cgowarn `linux-amd64`:**" in github.comments[0]["body"]


def test_github_actions_token_posts_as_the_actions_bot(tmp_path: Path) -> None:
    """GITHUB_TOKEN cannot read GET /user (403 "Resource not accessible by integration"); its
    comments come back as github-actions[bot], type Bot, which is then the author to match."""
    with serve(Fake("github", installation_tokens={APP_TOKEN: ACTIONS})) as fake:
        env = environment(GITHUB_TOKEN=APP_TOKEN)
        human = fake.add_comment("<!-- cgowarn:default -->\nhand-made", OTHER)
        for log in (LOG_A, LOG_B, LOG_B):
            result = comment(fake, tmp_path, log, env=env)
            assert result.exit_code == 1, result.output
        assert [c["user"] for c in fake.comments] == [OTHER, ACTIONS]
        assert fake.comments[0] == human
        assert [r.method for r in fake.writes()] == ["POST", "PATCH"]
        assert_no_token(result.stdout, result.stderr)


def test_github_enterprise_base_path(tmp_path: Path) -> None:
    with serve(Fake("github", prefix="/api/v3", users={TOKEN: BOT})) as fake:
        result = comment(fake, tmp_path, LOG_A)
        assert result.exit_code == 1, result.output
        assert all(r.path.startswith("/api/v3/") for r in fake.requests)
        assert len(fake.comments) == 1


# --- GitLab ---------------------------------------------------------------------------------------


def test_gitlab_create_update_unchanged_across_pages(gitlab: Fake, tmp_path: Path) -> None:
    for i in range(120):
        gitlab.add_comment(f"note {i}", LAB_OTHER)
    gitlab.add_comment("added 1 commit", LAB_BOT, system=True)
    gitlab.add_comment("<!-- cgowarn:default -->\nforged", LAB_OTHER)
    result = comment(gitlab, tmp_path, LOG_A)
    assert result.exit_code == 1, result.output
    assert "note created on project 123 !7" in result.stderr
    own = ours(gitlab)
    assert len(own) == 2 and own[0]["system"] and own[1]["body"].startswith("<!-- cgowarn:")
    gitlab.requests.clear()
    comment(gitlab, tmp_path, LOG_B)
    comment(gitlab, tmp_path, LOG_B)
    writes = gitlab.writes()
    assert [r.method for r in writes] == ["PUT"]
    assert writes[0].path.endswith(f"/notes/{own[1]['id']}")
    assert writes[0].headers["private-token"] == TOKEN
    pages = [r.query.get("page") for r in gitlab.requests if r.path.endswith("/notes")]
    assert pages[:2] == [["1"], ["2"]]
    assert gitlab.comment(own[1]["id"])["body"].count("getaddrinfo") > 1
    assert "forged" in gitlab.comments[121]["body"]


def test_gitlab_from_the_ci_environment(gitlab: Fake, tmp_path: Path) -> None:
    env = environment(
        GITLAB_TOKEN=TOKEN,
        GITLAB_CI="true",
        CI_API_V4_URL=gitlab.base + "/api/v4",
        CI_PROJECT_ID=GITLAB_PROJECT,
        CI_MERGE_REQUEST_IID=str(GITLAB_MR),
    )
    path = tmp_path / "build.log"
    path.write_text(LOG_A)
    result = CliRunner().invoke(main, ["comment", "--gitlab", str(path)], env=env)
    assert result.exit_code == 1, result.output
    assert len(gitlab.comments) == 1


def test_gitlab_branch_pipeline_posts_nothing(tmp_path: Path) -> None:
    env = environment(GITLAB_TOKEN=TOKEN, GITLAB_CI="true", CI_PROJECT_ID="123")
    path = tmp_path / "build.log"
    path.write_text(LOG_A)
    result = CliRunner().invoke(main, ["comment", "--gitlab", str(path)], env=env)
    assert result.exit_code == 0
    assert "not a merge request pipeline" in result.stderr and "nothing posted" in result.stderr


def test_gitlab_without_a_token_says_what_to_create(tmp_path: Path) -> None:
    (tmp_path / "build.log").write_text(LOG_A)
    result = CliRunner().invoke(
        main,
        ["comment", "--gitlab", "--project", "1", "--mr", "2", str(tmp_path / "build.log")],
        env=environment(CI_JOB_TOKEN="job-token"),
    )
    assert result.exit_code == ExitCode.USAGE
    assert "$GITLAB_TOKEN is not set" in result.stderr
    assert "CI_JOB_TOKEN cannot write merge request notes" in result.stderr


# --- where the pull request comes from ------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "number"),
    [
        ({"number": 42, "pull_request": {"number": 42}}, 42),  # pull_request(_target)
        ({"issue": {"number": 42, "pull_request": {"url": "x"}}, "comment": {}}, 42),
        ({"ref": "refs/heads/main", "commits": []}, None),  # push
        ({"issue": {"number": 42}, "comment": {}}, None),  # a comment on an issue
    ],
    ids=["pull_request", "issue_comment-on-pr", "push", "issue_comment-on-issue"],
)
def test_pull_request_from_the_event_file(
    github: Fake, tmp_path: Path, event: dict[str, Any], number: int | None
) -> None:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))
    env = environment(
        GITHUB_TOKEN=TOKEN,
        GITHUB_REPOSITORY=GITHUB_REPO,
        GITHUB_EVENT_PATH=str(path),
        GITHUB_API_URL=github.base,
        GITHUB_ACTIONS="true",
    )
    result = comment(None, tmp_path, LOG_A, env=env, where=False)
    if number is None:
        assert result.exit_code == 0
        assert "not for a pull request" in result.stderr and "nothing posted" in result.stderr
        assert github.requests == []
    else:
        assert result.exit_code == 1, result.output
        assert len(github.comments) == 1


def test_push_build_needs_no_token_and_sends_nothing(github: Fake, tmp_path: Path) -> None:
    path = tmp_path / "event.json"
    path.write_text(json.dumps({"ref": "refs/heads/main"}))
    env = environment(GITHUB_REPOSITORY=GITHUB_REPO, GITHUB_EVENT_PATH=str(path))
    result = comment(None, tmp_path, LOG_A, env=env, where=False)
    assert result.exit_code == 0 and github.requests == []
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        ([], {}, "$GITHUB_TOKEN is not set or empty"),
        ([], {"GITHUB_TOKEN": "bad token\n"}, "characters a token cannot have"),
        (["--token-env", "MY-TOKEN"], {}, "not an environment variable name"),
        (["--key", "a b"], {"GITHUB_TOKEN": TOKEN}, "--key 'a b'"),
        (["--key", "x-->"], {"GITHUB_TOKEN": TOKEN}, "--key 'x-->'"),
        (["--report-url", "javascript:alert(1)"], {"GITHUB_TOKEN": TOKEN}, "not an http(s) URL"),
        (["--report-url", "https://x/a>b"], {"GITHUB_TOKEN": TOKEN}, "not an http(s) URL"),
        (["--api-url", "http://github.example"], {"GITHUB_TOKEN": TOKEN}, "plain http"),
        (["--mr", "3"], {"GITHUB_TOKEN": TOKEN}, "--mr is for GitLab: add --gitlab"),
        (["--gitlab"], {"GITLAB_TOKEN": TOKEN}, "--repo is for GitHub"),
        (["--dry-run", "-o", "-"], {}, "--dry-run prints the comment on standard output"),
    ],
)
def test_usage_errors_exit_2_before_any_request(
    tmp_path: Path, args: list[str], env: dict[str, str], message: str
) -> None:
    result = comment(None, tmp_path, LOG_A, *args, env=environment(**env))
    assert result.exit_code == ExitCode.USAGE, result.output
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert_no_token(result.stderr, result.stdout)


# --- API failures ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "method", "answer", "check"),
    [
        (401, "GET", {"message": "Bad credentials"}, "valid and has not expired"),
        (
            403,
            "POST",
            {"message": "Resource not accessible by integration"},
            "pull-requests: write",
        ),
        (404, "GET", {"message": "Not Found"}, "the pull-request number (--pr)"),
        (
            422,
            "POST",
            {
                "message": "Validation Failed",
                "errors": [{"message": "Body is too long (maximum is 65536 characters)"}],
            },
            "65,536 characters",
        ),
    ],
)
def test_api_errors_are_one_line_with_exit_5_and_say_what_to_check(
    github: Fake, tmp_path: Path, status: int, method: str, answer: dict[str, Any], check: str
) -> None:
    github.fail(method, "/comments", status, body=answer)
    result = comment(github, tmp_path, LOG_A, "--verbose")
    assert result.exit_code == ExitCode.API, result.output
    assert int(ExitCode.API) == 5
    (line,) = [x for x in result.stderr.splitlines() if "error:" in x]
    assert line.startswith(f"cgowarn: error: GitHub API: {method} ")
    assert f": {status} " in line and check in line
    assert str(answer["message"]) in line
    assert "Traceback" not in result.stderr
    if status == 403:
        assert "fork" in line
    if status == 422:
        assert "Body is too long" in line
    assert_no_token(result.stdout, result.stderr)


def test_gitlab_401_names_the_token_and_its_scope(gitlab: Fake, tmp_path: Path) -> None:
    env = environment(GITLAB_TOKEN="glpat-wrong-token-123456")
    result = comment(gitlab, tmp_path, LOG_A, env=env)
    assert result.exit_code == 5
    assert "401" in result.stderr and "`api` scope" in result.stderr
    assert "glpat-wrong-token-123456" not in result.stderr


def test_server_errors_are_retried_with_backoff(
    github: Fake, tmp_path: Path, waits: list[float]
) -> None:
    github.fail("GET", "/comments", 500, times=1)
    github.fail("POST", "/comments", 502, times=2)
    result = comment(github, tmp_path, LOG_A, "--verbose")
    assert result.exit_code == 1, result.output
    assert waits == [1.0, 1.0, 2.0]
    assert len(github.comments) == 1
    assert "-> 500" in result.stderr and "-> 502" in result.stderr


def test_server_that_stays_down_fails_after_bounded_attempts(
    github: Fake, tmp_path: Path, waits: list[float]
) -> None:
    github.fail("GET", "/user", 503, times=100)
    result = comment(github, tmp_path, LOG_A)
    assert result.exit_code == 5
    assert "after 5 attempts: 503" in result.stderr
    assert waits == [1.0, 2.0, 4.0, 8.0]


@pytest.mark.parametrize(
    ("status", "headers", "answer", "wait"),
    [
        (403, {"Retry-After": "7"}, {"message": "You have exceeded a secondary rate limit."}, 7.0),
        (429, {"Retry-After": "3"}, {"message": "Too Many Requests"}, 3.0),
        (
            403,
            {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1700000030"},
            {"message": "API rate limit exceeded"},
            31.0,
        ),
        (403, {}, {"message": "You have exceeded a secondary rate limit"}, 60.0),
    ],
    ids=["403-retry-after", "429-retry-after", "ratelimit-reset", "secondary-no-header"],
)
def test_rate_limits_are_waited_out(
    github: Fake,
    tmp_path: Path,
    waits: list[float],
    status: int,
    headers: dict[str, str],
    answer: dict[str, Any],
    wait: float,
) -> None:
    github.fail("POST", "/comments", status, headers=headers, body=answer)
    result = comment(github, tmp_path, LOG_A)
    assert result.exit_code == 1, result.output
    assert waits == [wait]
    assert len(github.comments) == 1


def test_a_rate_limit_longer_than_the_budget_is_not_waited(
    github: Fake, tmp_path: Path, waits: list[float]
) -> None:
    github.fail("GET", "/comments", 429, headers={"Retry-After": "3600"})
    result = comment(github, tmp_path, LOG_A)
    assert result.exit_code == 5
    assert "asks to wait 3600 s" in result.stderr and waits == []


def test_a_next_link_to_another_host_is_not_followed(github: Fake, tmp_path: Path) -> None:
    github.fail(
        "GET",
        "/comments",
        200,
        headers={"Link": '<http://127.0.0.2:9/steal?page=2>; rel="next"'},
        body=[],
    )
    result = comment(github, tmp_path, LOG_A)
    assert result.exit_code == 5
    assert "link to another host" in result.stderr
    assert github.writes() == []


# --- size -----------------------------------------------------------------------------------------


def test_a_large_report_is_trimmed_under_the_limit_with_a_note(
    github: Fake, tmp_path: Path
) -> None:
    symbols = [f"lookup_{i:02d}" for i in range(40)]
    log = "".join(
        f"/usr/bin/ld: /build/{'deep/' * 12}lib{i}.a(object_{j}.o): in function `caller_{j}':\n"
        f"/build/{'src/' * 12}file_{j}.c:{j + 1}: warning: {MSG.format(s)}\n"
        for i, s in enumerate(symbols)
        for j in range(40)
    )
    result = comment(github, tmp_path, log, "--report-url", "https://ci.example/run/1/report")
    assert result.exit_code == 0, result.output  # made-up names: unrecognised, low
    body = github.comments[0]["body"]
    assert len(body) <= MAX_CHARS < 65536
    assert "This report was shortened to fit a GitHub comment" in body
    assert "occurrence rows" in body
    assert "[HTML report](<https://ci.example/run/1/report>)" in body
    assert "| Severity | Function |" in body and "`lookup_39`" in body
    assert read_marker(body).fingerprints  # type: ignore[union-attr]


def test_a_report_too_large_for_any_shortening_still_fits(github: Fake, tmp_path: Path) -> None:
    symbols = [f"lookup_{i:04d}_{'x' * 60}" for i in range(1200)]
    log = "".join(
        f"o{i}.c:(.text+0x{i:x}): warning: {MSG.format(s)}\n" for i, s in enumerate(symbols)
    )
    result = comment(github, tmp_path, log)
    assert result.exit_code == 0, result.output  # made-up names: unrecognised, low
    body = github.comments[0]["body"]
    assert len(body) <= MAX_CHARS
    assert "The report does not fit in a comment" in body
    assert body.startswith("<!-- cgowarn:default -->\n")  # too many to record


def test_the_body_always_fits_even_with_the_largest_marker() -> None:
    from conftest import analyze_text

    symbols = [f"sym_{i}_{'y' * 200}" for i in range(comment_body.MAX_FINGERPRINTS)]
    report = analyze_text("".join(f"a.c:(.text+0x1): warning: {MSG.format(s)}\n" for s in symbols))
    text = comment_body.compose(report)
    assert len(text) <= MAX_CHARS
    assert read_marker(text).fingerprints  # type: ignore[union-attr]


# --- safety ---------------------------------------------------------------------------------------

PAYLOADS = ("@org/team", "@octocat", "#1", "</details>", "```", "<script>alert(1)</script>")
PHRASES = (
    "<!-- cgowarn:default -->",
    "<!-- cgowarn:default fingerprints=00000000000000000000000000000000 -->",
    "@org/team #1 </details> ``` <script>",
)


def test_a_hostile_log_renders_inert_in_the_posted_body(github: Fake, tmp_path: Path) -> None:
    log = "<!-- cgowarn:default -->\n" + hostile_log(PAYLOADS, PHRASES)
    result = comment(github, tmp_path, log, "--fail-on", "never")
    assert result.exit_code == 0, result.output
    (posted,) = github.comments
    body = posted["body"]
    first, rest = body.split("\n", 1)
    # The marker: first, once, and the only HTML comment a tool searching the body can find.
    parsed = list(tokens(body))
    assert parsed[0].type == "html_block" and parsed[0].content.strip() == first
    assert body.count("<!-- cgowarn:") == 1 and body.count("<!--") == 1
    assert read_marker(body) == read_marker(first + "\n")
    # Below it, nothing from the log is markup: no mention, team, issue link, raw HTML, open
    # <details>, and the log's text is there, in code.
    assert problems(rest) == []
    code = "\n".join(t.content for t in tokens(rest) if t.type in ("code_inline", "fence"))
    for payload in PAYLOADS:
        assert payload in code, payload
    assert "cgowarn:default" in code  # shown, with `<!-` + zero-width space + `-`


def test_a_forged_marker_in_a_log_cannot_make_another_comment_ours(
    github: Fake, tmp_path: Path
) -> None:
    """The posted body holds the log's fake marker only in code, below the first line: a second
    run still finds exactly one comment and edits it."""
    log = "<!-- cgowarn:other -->\n" + hostile_log(PAYLOADS, PHRASES)
    comment(github, tmp_path, log)
    comment(github, tmp_path, log + LOG_A)
    assert len(github.comments) == 1
    assert [r.method for r in github.writes()] == ["POST", "PATCH"]


def test_an_edited_marker_is_read_as_untrusted_input() -> None:
    good = "a" * 32
    assert read_marker(f"<!-- cgowarn:k fingerprints={good} -->\nx").fingerprints == {good}  # type: ignore[union-attr]
    for first in (
        f"<!-- cgowarn:k fingerprints={good},../../etc -->",
        f"<!-- cgowarn:k fingerprints={good.upper()} -->",
        "<!-- cgowarn:k fingerprints=" + ",".join([good] * 1000) + " -->",
        "<!-- cgowarn:k junk -->",
    ):
        marker = read_marker(first + "\nbody")
        assert marker is not None and marker.key == "k" and marker.fingerprints is None
    for not_a_marker in (
        "x <!-- cgowarn:k -->",
        "<!-- cgowarn:k -->x",
        "<!-- cgowarn:k\n-->",
        "`<!-- cgowarn:k -->`",
        "\n<!-- cgowarn:k -->",
        "<!-- cgowarn:-->",
    ):
        assert read_marker(not_a_marker) is None, not_a_marker


def test_the_token_is_in_no_byte_of_any_output(
    github: Fake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs: list[str] = []

    def run(*args: str, log: str = LOG_A, fake: Fake | None = github) -> Result:
        result = comment(fake, tmp_path, log, "--verbose", "--debug", *args)
        outputs.extend([result.stdout, result.stderr])
        return result

    # A log that holds the token (a build that printed its environment).
    leaky = LOG_B + f"GITHUB_TOKEN={TOKEN}\n/usr/bin/ld: warning: {TOKEN}\n"
    assert run(log=leaky).exit_code == 1
    assert TOKEN not in github.comments[0]["body"] and "***" in github.comments[0]["body"]
    assert run("--dry-run", log=leaky).exit_code == 1
    assert "<!-- cgowarn:default" in outputs[-2]
    for status in (401, 403, 404, 422, 500):
        github.fail("PATCH", "/comments/", status, body={"message": f"echo {TOKEN}"}, times=5)
        assert run(log=LOG_A).exit_code == 5
    # A network failure, with --debug.
    with serve(Fake("github")) as gone:
        pass
    assert run(fake=gone).exit_code == 5
    assert "ConnectError" in outputs[-1]
    # An unexpected exception whose message holds the token: --debug prints the traceback.
    from cgowarn.comment import sticky

    def broken(old: str, new: str) -> bool:
        raise RuntimeError(f"cannot compare with Bearer {TOKEN}")

    monkeypatch.setattr(sticky, "same_body", broken)
    result = run(log=LOG_B + LOG_A)
    assert result.exit_code == ExitCode.INTERNAL
    assert "Traceback" in result.stderr and "RuntimeError" in result.stderr
    assert any("GET http://127.0.0.1" in o and "-> 200" in o for o in outputs)
    assert_no_token(*outputs)
    # Nothing sent anywhere but in the Authorization header.
    for r in github.requests:
        assert TOKEN not in json.dumps(r.body) and TOKEN not in r.path


def test_the_client_scrubs_the_token_from_what_the_server_echoes(github: Fake) -> None:
    """The client's own layer, without the command's: an error line quoting the server."""
    from cgowarn.comment.github import GitHub, GitHubTarget
    from cgowarn.errors import ApiError

    target = GitHubTarget(github.base, GITHUB_REPO, GITHUB_PR, TOKEN, "GITHUB_TOKEN")
    github.fail("GET", "/user", 404, body={"message": f"no user for {TOKEN}"})
    lines: list[str] = []
    with GitHub.api_for(target, log=lines.append) as api, pytest.raises(ApiError) as caught:
        api.request("GET", "user", "find who the token is")
    assert "no user for ***" in str(caught.value)
    assert lines and TOKEN not in str(caught.value) + "".join(lines)


def test_verbose_logs_method_url_status_and_never_headers(github: Fake, tmp_path: Path) -> None:
    result = comment(github, tmp_path, LOG_A, "--verbose")
    lines = [x for x in result.stderr.splitlines() if " -> " in x]
    assert lines == [
        f"cgowarn: GET {github.base}/user -> 200",
        f"cgowarn: GET {github.base}/repos/octo/app/issues/42/comments -> 200",
        f"cgowarn: POST {github.base}/repos/octo/app/issues/42/comments -> 201",
    ]
    assert "authorization" not in result.stderr.lower() and "Bearer" not in result.stderr


def test_dry_run_makes_no_request_and_needs_no_token(tmp_path: Path) -> None:
    result = comment(None, tmp_path, LOG_B, "--dry-run", env=environment(), where=False)
    assert result.exit_code == 1
    assert result.stdout.startswith("<!-- cgowarn:default fingerprints=")
    assert "`getaddrinfo`" in result.stdout
    assert "dry run: nothing posted" in result.stderr


def test_reports_besides_the_comment_are_written_when_asked(github: Fake, tmp_path: Path) -> None:
    html = tmp_path / "report.html"
    result = comment(github, tmp_path, LOG_A, "-o", str(html), "--fail-on", "never")
    assert result.exit_code == 0 and result.stdout == ""
    assert html.read_text().startswith("<!DOCTYPE html>")


def test_httpx_is_loaded_only_by_the_comment_command(tmp_path: Path) -> None:
    log = tmp_path / "build.log"
    log.write_text(LOG_A)
    code = (
        "import sys\n"
        "from cgowarn.cli import main\n"
        f"for args in (['--help'], ['comment', '--help'], ['--format', 'json', {str(log)!r}]):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('HTTPX', 'httpx' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "HTTPX False" in result.stderr


# --- the action and the CI examples ---------------------------------------------------------------

ACTION = ROOT / "action.yml"
WORKFLOW = ROOT / "examples" / "github-actions" / "pr-comment.yml"
GITLAB_JOB = ROOT / "examples" / "gitlab-ci" / "merge-request-comment.yml"


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        (ACTION, "vendor.github-actions"),
        (WORKFLOW, "vendor.github-workflows"),
        (GITLAB_JOB, "vendor.gitlab-ci"),
    ],
    ids=["action", "workflow", "gitlab"],
)
def test_ci_files_are_valid_for_their_ci_system(path: Path, schema: str) -> None:
    proc = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("path", [ACTION, WORKFLOW], ids=["action", "workflow"])
def test_github_files_pass_zizmor(path: Path) -> None:
    proc = subprocess.run(
        [str(BIN / "zizmor"), "--offline", str(path)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_workflow_pins_actions_and_asks_for_only_what_it_needs() -> None:
    import yaml

    workflow = yaml.safe_load(WORKFLOW.read_text())
    (job,) = workflow["jobs"].values()
    assert workflow["permissions"] == {"contents": "read"}
    assert job["permissions"] == {
        "contents": "read",
        "pull-requests": "write",
        "security-events": "write",
    }
    uses = [s["uses"] for s in job["steps"] if "uses" in s]
    for use in uses:
        if not use.startswith("./"):
            assert regex.fullmatch(r"[\w./-]+@[0-9a-f]{40}", use), use
    text = WORKFLOW.read_text()
    assert "# v7.0.1" in text and "# v4.36.2" in text
    action = yaml.safe_load(ACTION.read_text())
    assert action["runs"]["using"] == "composite"
    assert {"log", "command", "fail-on", "comment", "key", "report-name"} <= set(action["inputs"])


def test_readme_documents_the_command_and_exit_code_5() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Pull-request comments" in readme
    assert "| 5 |" in readme
    assert "marocchino/sticky-pull-request-comment@v2" not in readme
    assert "cgowarn comment" in readme


def test_a_new_build_with_new_temporary_paths_edits_nothing(github: Fake, tmp_path: Path) -> None:
    """Every Go build links in /tmp/go-link-NNN and gcc in /tmp/ccXXXXXX.o: the same findings
    from the next push must not edit the comment."""
    first = LOG_B.replace("/tmp/go-link-1/", "/tmp/go-link-3141592653/")
    second = LOG_B.replace("/tmp/go-link-1/", "/tmp/go-link-2718281828/")
    assert first != second
    comment(github, tmp_path, first)
    comment(github, tmp_path, second)
    assert [r.method for r in github.writes()] == ["POST"]
    comment(github, tmp_path, LOG_A)  # a real change still edits it
    assert [r.method for r in github.writes()] == ["POST", "PATCH"]


# --- a client that cannot be held, flooded or fooled ------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_post_that_fails_after_creating_the_comment_leaves_one_comment(
    github: Fake, tmp_path: Path, status: int
) -> None:
    """The server creates the comment, then answers 5xx: cgowarn looks for it before posting
    again, and finds it."""
    github.fail("POST", "/comments", status, after=True, times=5)
    result = comment(github, tmp_path, LOG_A)
    assert result.exit_code == 1, result.output
    assert len(ours(github)) == 1
    assert [r.method for r in github.writes()] == ["POST"]
    assert "comment created" in result.stderr


def test_a_post_that_keeps_failing_creates_at_most_one_comment(
    gitlab: Fake, tmp_path: Path
) -> None:
    gitlab.fail("POST", "/notes", 502, times=10)
    result = comment(gitlab, tmp_path, LOG_A)
    assert result.exit_code == 5
    assert len(ours(gitlab)) == 0
    assert len([r for r in gitlab.writes() if r.method == "POST"]) == 3  # sticky.CREATE_ATTEMPTS


@contextmanager
def dripping_server() -> Iterator[str]:
    """An HTTP server that answers every request one byte every half second, forever."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    stop = threading.Event()

    def drip(conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            answer = (
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 99999\r\n"
            )
            for byte in itertools.cycle(answer):
                if stop.wait(0.5):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=drip, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        listener.close()


def test_a_server_that_drips_bytes_cannot_hold_a_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(comment_http, "REQUEST_DEADLINE", 2.0)
    path = tmp_path / "build.log"
    path.write_text(LOG_A, encoding="utf-8")
    results: list[Result] = []
    with dripping_server() as url:
        argv = ["comment", "--repo", GITHUB_REPO, "--pr", "42", "--api-url", url, str(path)]
        env = environment(GITHUB_TOKEN=TOKEN)
        worker = threading.Thread(
            target=lambda: results.append(CliRunner().invoke(main, argv, env=env)), daemon=True
        )
        start = time.monotonic()
        worker.start()
        worker.join(20)
        took = time.monotonic() - start
    assert not worker.is_alive(), "the request is still held after 20 s"
    (result,) = results
    assert result.exit_code == 5, result.output
    assert "no complete answer within 2 s" in result.stderr
    assert took < 10, took


def test_all_requests_of_a_run_share_one_deadline(
    github: Fake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(comment_http, "RUN_DEADLINE", 0.0)
    result = comment(github, tmp_path, LOG_A)
    assert result.exit_code == 5
    assert "took longer than 0 s" in result.stderr


def test_an_answer_larger_than_the_cap_is_refused(
    github: Fake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(comment_http, "MAX_RESPONSE", 4096)
    github.add_comment("x" * 10_000, {"login": "someone", "id": 7, "type": "User"})
    result = comment(github, tmp_path, LOG_A)
    assert result.exit_code == 5
    assert "larger than" in result.stderr and len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    "answer",
    [
        b"[" * 200_000 + b"]" * 200_000,
        b'{"id": ' + b"9" * 100_000 + b"}",
        b"<html>not json",
        b"\xff\xfe",
    ],
    ids=["deeply nested", "huge integer", "html", "not utf-8"],
)
def test_a_malformed_answer_is_one_line_and_exit_5(
    github: Fake, tmp_path: Path, answer: bytes
) -> None:
    github.fail("GET", "/comments", 200, body=answer)
    result = comment(github, tmp_path, LOG_A)
    assert result.exit_code == 5, result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert "is not JSON" in result.stderr


@pytest.mark.parametrize(("max_pages", "complete"), [(3, True), (2, False)])
def test_paging_stops_only_past_its_bound(
    github: Fake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, max_pages: int, complete: bool
) -> None:
    """230 comments are three pages: a bound of three pages reads them all and finds ours on the
    last; a bound of two says the pull request has more than cgowarn reads."""
    from cgowarn.comment import rest

    for i in range(230):
        github.add_comment(f"review {i}", OTHER)
    comment(github, tmp_path, LOG_A)  # ours is the 231st: on page three
    monkeypatch.setattr(rest, "MAX_PAGES", max_pages)
    result = comment(github, tmp_path, LOG_B)
    if complete:
        assert "comment updated" in result.stderr, result.output
    else:
        assert result.exit_code == 5
        assert f"more than {max_pages * rest.PER_PAGE} comments" in result.stderr
        assert github.writes()[-1].method == "POST"  # the first run's; nothing written since


def test_the_dry_run_says_what_a_real_run_would_do_and_the_gate_is_under_the_title() -> None:
    import subprocess
    import sys

    from conftest import SAMPLES

    seed = str(SAMPLES / "seed-article-go-sqlite3-centos.log")
    run = subprocess.run(
        [sys.executable, "-m", "cgowarn", "comment", "--dry-run", seed],
        capture_output=True,
        text=True,
    )
    assert "a real run would create this comment, or edit this job's earlier one" in run.stderr
    lines = run.stdout.splitlines()
    assert lines[1].startswith("## cgowarn: ")
    assert lines[3].startswith("- **Gate:** fails") and lines[4].startswith("- **Link:**")
    empty = subprocess.run(
        [sys.executable, "-m", "cgowarn", "comment", "--dry-run", "--delete-when-clean", "-"],
        input="",
        capture_output=True,
        text=True,
    )
    assert "would delete this job's earlier comment" in empty.stderr
