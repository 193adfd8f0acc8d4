"""The token never leaves, in any form: not raw, not Markdown-, HTML- or JSON-escaped, not
percent-encoded, not in base64 (HTTP basic authentication), in no output of any command: the
posted comment, the dry-run body, standard output and error, --verbose, --debug tracebacks with
their chained exceptions, and every -o report of every format.

The encodings are written here independently of cgowarn's own list (secrets.variants), so that a
form cgowarn forgot is a failure, not a tautology."""

from __future__ import annotations

import base64
import html
import io
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from click.testing import CliRunner

from cgowarn import secrets
from cgowarn.cli import main
from cgowarn.formats import OutputFormat
from cgowarn.pipeline import analyze
from fake_forge import GITHUB_PR, GITHUB_REPO, GITLAB_MR, GITLAB_PROJECT, Fake, serve

TOKENS = {
    "github installation": "ghs_16C7e42F292c6912E7710c838347Ae178B4a",
    "github fine-grained": "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ",
    "gitlab": "glpat-x9Y_8z7W-6v5U4t3S2r1",
}
MSG = (
    "Using 'getaddrinfo' in statically linked applications requires at runtime the shared "
    "libraries from the glibc version used for linking"
)


def forms(token: str) -> dict[str, str]:
    """Every way a report or a log could show `token`."""
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    return {
        "raw": token,
        "markdown": re.sub(r"([\\`*_\[\]<>&|~!$-])", r"\\\1", token),
        "markdown (underscores)": token.replace("_", "\\_"),
        "html": html.escape(token),
        "json": json.dumps(token)[1:-1],
        "percent": quote(token, safe=""),
        "percent (plus)": quote_plus(token),
        "basic auth": basic[8:-4],  # the token's part of it, whatever its alignment
        "start of a cut": token[: len(token) // 2 + 4],
    }


def leaky_log(token: str) -> str:
    """A build log that holds the token wherever a log line can put it: an environment dump, a
    failed curl (percent-encoded), git's basic-auth header, a warning's function and object,
    a link error's subject and a command line."""
    basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    return "\n".join(
        [
            f"GITHUB_TOKEN={token}",
            f"curl: (22) https://api.example.com/x?access_token={quote(token, safe='')} 401",
            f"git config: http.extraheader=AUTHORIZATION: basic {basic}",
            f"/usr/bin/ld: /tmp/{token}/main.o: in function `lookup_{token}':",
            f"main.c:(.text+0x1a): warning: {MSG}",
            f"/usr/bin/ld: cannot find -l{token}",
            f"gcc -static -o app main.c -L/tmp/{token}",
            "collect2: error: ld returned 1 exit status",
            f"go build -ldflags '-X main.token={token}' ./...",
            "",
        ]
    )


def assert_nowhere(token: str, outputs: dict[str, str]) -> None:
    for where, text in outputs.items():
        for name, form in forms(token).items():
            assert form not in text, f"{name} form of the token in {where}"


REPORT_FORMATS = [f for f in OutputFormat]


def _report_args(tmp_path: Path) -> tuple[list[str], dict[str, Path]]:
    paths = {f.value: tmp_path / f"report-{f.value}.out" for f in REPORT_FORMATS}
    args = [arg for f, p in paths.items() for arg in ("-o", f"{f}:{p}")]
    return args, paths


@pytest.mark.parametrize("kind", sorted(TOKENS))
def test_analyze_masks_the_ci_token_in_every_format(tmp_path: Path, kind: str) -> None:
    """Any command: the CI tokens of the environment are masked, whatever the log holds."""
    token = TOKENS[kind]
    log = tmp_path / "build.log"
    log.write_text(leaky_log(token), encoding="utf-8")
    args, paths = _report_args(tmp_path)
    variable = "GITLAB_TOKEN" if kind == "gitlab" else "GITHUB_TOKEN"
    result = CliRunner().invoke(
        main, [*args, "-p", "--details", str(log)], env={variable: token, "NO_COLOR": "1"}
    )
    assert result.exit_code == 1, result.output
    outputs = {f"-o {f}": p.read_text(encoding="utf-8") for f, p in paths.items()}
    outputs["stdout (--pass-through)"] = result.stdout
    outputs["stderr"] = result.stderr
    assert "***" in outputs["-o json"]
    assert "getaddrinfo" in outputs["-o json"]  # the report is still there
    assert_nowhere(token, outputs)


@pytest.mark.parametrize("forge", ["github", "gitlab"])
def test_comment_never_publishes_its_token(tmp_path: Path, forge: str) -> None:
    token = TOKENS["gitlab" if forge == "gitlab" else "github installation"]
    bot = {"login": "cgowarn-bot", "id": 7, "type": "User"}
    if forge == "gitlab":
        bot = {"username": "cgowarn-bot", "id": 7}
    fake = Fake(forge, prefix="/api/v4" if forge == "gitlab" else "", users={token: bot})
    log = tmp_path / "build.log"
    log.write_text(leaky_log(token), encoding="utf-8")
    args, paths = _report_args(tmp_path)
    variable = "GITLAB_TOKEN" if forge == "gitlab" else "GITHUB_TOKEN"
    env = {variable: token, "NO_COLOR": "1", "GITHUB_STEP_SUMMARY": str(tmp_path / "summary")}
    with serve(fake):
        where = (
            ["--gitlab", "--project", GITLAB_PROJECT, "--mr", str(GITLAB_MR)]
            if forge == "gitlab"
            else ["--repo", GITHUB_REPO, "--pr", str(GITHUB_PR)]
        )
        argv = ["comment", *where, "--api-url", fake.base + fake.prefix, "--verbose", "--summary"]
        posted = CliRunner().invoke(main, [*argv, *args, "--debug", str(log)], env=env)
        dry = CliRunner().invoke(main, ["comment", "--dry-run", "--debug", str(log)], env=env)
    assert posted.exit_code == 1, posted.output
    assert dry.exit_code == 1, dry.output
    (body,) = [r.body["body"] for r in fake.requests if r.method == "POST"]
    outputs = {f"-o {f}": p.read_text(encoding="utf-8") for f, p in paths.items()}
    outputs |= {
        "posted body": body,
        "stderr (--verbose)": posted.stderr,
        "dry-run body": dry.stdout,
        "dry-run stderr": dry.stderr,
        "job summary": (tmp_path / "summary").read_text(encoding="utf-8"),
    }
    assert "***" in body and "getaddrinfo" in body
    assert_nowhere(token, outputs)
    # The token went to the API only in its own header.
    for request in fake.requests:
        assert token not in request.path and token not in json.dumps(request.body)


def test_a_debug_traceback_and_its_chained_exceptions_hold_no_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = TOKENS["github fine-grained"]
    log = tmp_path / "build.log"
    log.write_text(f"main.c:(.text+0x1a): warning: {MSG}\n", encoding="utf-8")
    from cgowarn.render import json as json_renderer

    def broken(report: object, options: object) -> str:
        try:
            raise ValueError(f"inner: Bearer {token}")
        except ValueError as inner:
            try:
                raise KeyError(quote(token, safe=""))
            except KeyError:
                raise RuntimeError(f"outer with {html.escape(token)}") from inner

    monkeypatch.setattr(json_renderer, "render", broken)
    result = CliRunner().invoke(
        main, ["--format", "json", "--debug", str(log)], env={"GITHUB_TOKEN": token}
    )
    assert result.exit_code == 4
    assert "Traceback" in result.stderr and "RuntimeError" in result.stderr
    assert "ValueError" in result.stderr  # the chain is shown, masked
    assert_nowhere(token, {"stderr": result.stderr, "stdout": result.stdout})


def test_a_token_split_across_reads_is_masked() -> None:
    """The log is read in chunks: a token that straddles two of them is still found."""
    token = TOKENS["github installation"]
    redactor = secrets.Redactor([token])

    class Trickle(io.RawIOBase):
        def __init__(self, data: bytes, step: int) -> None:
            self.data, self.pos, self.step = data, 0, step

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            n = min(self.step, len(buffer), len(self.data) - self.pos)
            buffer[:n] = self.data[self.pos : self.pos + n]
            self.pos += n
            return n

    data = (f"x{token}y {token}\n" * 50).encode()
    for step in (1, 3, 7, 40, 4096):
        source: Any = Trickle(data, step)
        out = secrets.RedactingReader(source, redactor, chunk=step).read()
        assert token.encode() not in out and out.count(b"***") == 100, step


def test_a_token_cut_short_in_a_clipped_text_is_masked() -> None:
    token = TOKENS["gitlab"]
    redactor = secrets.Redactor([token])
    assert redactor.text(f"path/{token[:12]}…") == "path/***"


def test_the_report_of_a_leaky_log_is_masked_before_it_is_rendered() -> None:
    token = TOKENS["github installation"]
    report = analyze(
        [("build.log", io.BytesIO(leaky_log(token).encode()))],
        redactor=secrets.Redactor([token]),
    )
    assert_nowhere(token, {"report model": report.model_dump_json()})
    assert report.findings[0].symbol == "getaddrinfo"


def test_short_environment_values_are_not_taken_for_tokens() -> None:
    assert not secrets.from_environ({"GITHUB_TOKEN": "x"})
    assert secrets.from_environ({"GITHUB_TOKEN": "ghp_" + "a" * 36})
