"""What `cgowarn comment` does once its options are read: find the pull request or merge request,
write the body, bring the sticky comment up to date, and say what happened. cli.py only reads
the options, runs the analysis and maps the outcome to an exit code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cgowarn import regexes, secrets
from cgowarn.comment import body as comment_body
from cgowarn.comment import github, gitlab
from cgowarn.comment.github import GitHub, GitHubTarget
from cgowarn.comment.gitlab import GitLab, GitLabTarget
from cgowarn.comment.interface import Forge, NotAPullRequest
from cgowarn.comment.sticky import Action, sync
from cgowarn.errors import UsageError
from cgowarn.model import Report

Target = GitHubTarget | GitLabTarget


@dataclass(frozen=True)
class CommentRequest:
    """The options of `cgowarn comment`, checked."""

    gitlab: bool = False
    repo: str | None = None
    pr: int | None = None
    project: str | None = None
    mr: int | None = None
    key: str = comment_body.DEFAULT_KEY
    token_env: str | None = None
    api_url: str | None = None
    author: str | None = None
    delete_when_clean: bool = False
    report_url: str | None = None

    def __post_init__(self) -> None:
        comment_body.check_key(self.key)
        if self.report_url is not None:
            comment_body.check_report_url(self.report_url)
        if self.gitlab:
            given = [n for n, v in (("--repo", self.repo), ("--pr", self.pr)) if v is not None]
            given += ["--author"] if self.author is not None else []
            if given:
                raise UsageError(f"{given[0]} is for GitHub; with --gitlab give --project and --mr")
        else:
            given = [
                n for n, v in (("--project", self.project), ("--mr", self.mr)) if v is not None
            ]
            if given:
                raise UsageError(f"{given[0]} is for GitLab: add --gitlab")
        if self.token_env is not None and not _is_variable(self.token_env):
            raise UsageError(f"--token-env {self.token_env!r} is not an environment variable name")


_VARIABLE = regexes.compile("comment.command.VARIABLE", r"[A-Za-z_][A-Za-z0-9_]*", anchored=True)


def _is_variable(name: str) -> bool:
    return _VARIABLE.fullmatch(name) is not None


def resolve(request: CommentRequest, environ: Mapping[str, str]) -> Target | NotAPullRequest:
    """Where to comment, from the options and the CI environment; NotAPullRequest for a push
    build. Checked before the log is read, so that a missing token fails at once."""
    if request.gitlab:
        return gitlab.resolve(
            request.project, request.mr, request.api_url, request.token_env, environ
        )
    return github.resolve(
        request.repo, request.pr, request.api_url, request.token_env, request.author, environ
    )


def token_variable(request: CommentRequest) -> str:
    """The environment variable the token is read from."""
    return request.token_env or (secrets.GITLAB_TOKEN if request.gitlab else secrets.GITHUB_TOKEN)


def token_for_scrubbing(request: CommentRequest, environ: Mapping[str, str]) -> str:
    """The token the run would use, if set: the dry run never sends it, but masks it all the same
    (a build log can hold it)."""
    return environ.get(token_variable(request), "").strip()


def compose(
    report: Report,
    request: CommentRequest,
    previous: comment_body.Marker | None,
    gate: str,
    fail_on: str,
    token: str,
) -> str:
    """The body, with the token (if a log held it) masked: the analysis masked it already
    (secrets.py); this is the last guard, with the marker line, which no log line reaches, kept
    as it is."""
    text = comment_body.compose(
        report,
        key=request.key,
        previous=previous,
        gate=gate,
        fail_on=fail_on,
        report_url=request.report_url,
    )
    marker, newline, rest = text.partition("\n")
    return marker + newline + secrets.current().with_secret(token).text(rest) if token else text


def post(
    report: Report,
    target: Target,
    request: CommentRequest,
    gate: str,
    fail_on: str,
    log: Callable[[str], None] | None = None,
    transport: Any = None,
) -> str:
    """Bring the comment up to date; one line that says what was done. ApiError on failure; any
    other exception leaves with the token scrubbed from its message."""
    try:
        forge: Forge
        if isinstance(target, GitHubTarget):
            api = GitHub.api_for(target, log=log, transport=transport)
            forge = GitHub(target, api)
        else:
            api = GitLab.api_for(target, log=log, transport=transport)
            forge = GitLab(target, api)
        with api:
            outcome = sync(
                forge,
                request.key,
                lambda previous: compose(report, request, previous, gate, fail_on, target.token),
                clean=comment_body.is_clean(report),
                delete_when_clean=request.delete_when_clean,
            )
    except BaseException as exc:
        secrets.current().with_secret(target.token).exception(exc)
        raise
    noun = "note" if request.gitlab else "comment"
    where = forge.where
    ident = f" ({outcome.comment_id})" if outcome.comment_id is not None else ""
    return {
        Action.CREATED: f"{noun} created on {where}{ident}",
        Action.UPDATED: f"{noun} updated on {where}{ident}",
        Action.UNCHANGED: f"{noun} on {where} is up to date{ident}; nothing sent",
        Action.DELETED: f"no findings any more: {noun} deleted from {where}{ident}",
        Action.NOTHING: f"no findings and no earlier {noun} on {where}: nothing posted",
    }[outcome.action]
