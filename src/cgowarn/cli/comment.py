"""`cgowarn comment`: keep one up-to-date comment on the pull request or merge request. What it
does once its options are read is comment/command.py's."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cgowarn.cli import flow
from cgowarn.cli.boundary import boundary, note
from cgowarn.cli.group import EXIT_CODES, main
from cgowarn.cli.options import (
    AnalysisArgs,
    OutputSpec,
    ReportArgs,
    ReportOptions,
    analysis_options_with_pass_through,
    report_options,
)
from cgowarn.errors import ExitCode, UsageError
from cgowarn.formats import OutputFormat

if TYPE_CHECKING:
    from cgowarn.comment.command import CommentRequest
    from cgowarn.model import Report

F = TypeVar("F", bound=Callable[..., Any])


def comment_options(fn: Callable[..., Any]) -> Any:
    """Where to comment and how: the command gets them as one CommentRequest, `request`, and
    --dry-run and --verbose."""
    from cgowarn.cli.options import decorate

    @functools.wraps(fn)
    def wrapper(
        *args: Any,
        gitlab: bool,
        repo: str | None,
        pr: int | None,
        project: str | None,
        mr: int | None,
        key: str,
        token_env: str | None,
        api_url: str | None,
        author: str | None,
        delete_when_clean: bool,
        report_url: str | None,
        **kwargs: Any,
    ) -> Any:
        from cgowarn.comment.command import CommentRequest

        request = CommentRequest(
            gitlab=gitlab,
            repo=repo,
            pr=pr,
            project=project,
            mr=mr,
            key=key,
            token_env=token_env,
            api_url=api_url,
            author=author,
            delete_when_clean=delete_when_clean,
            report_url=report_url,
        )
        return fn(*args, request=request, **kwargs)

    return decorate(
        wrapper,
        [
            click.option(
                "--gitlab",
                is_flag=True,
                help="Comment on a GitLab merge request (default: GitHub).",
            ),
            click.option(
                "--repo",
                metavar="OWNER/NAME",
                help="The GitHub repository. Default: $GITHUB_REPOSITORY.",
            ),
            click.option(
                "--pr",
                type=click.IntRange(1, 2**31 - 1),
                metavar="NUMBER",
                help="The pull request. Default: the pull request of the GitHub Actions event "
                "($GITHUB_EVENT_PATH); an event of something else (a push) posts nothing and exits 0.",
            ),
            click.option(
                "--project",
                metavar="ID",
                help="With --gitlab: the project, by id or path. Default: $CI_PROJECT_ID.",
            ),
            click.option(
                "--mr",
                type=click.IntRange(1, 2**31 - 1),
                metavar="IID",
                help="With --gitlab: the merge request's IID. Default: $CI_MERGE_REQUEST_IID; in a pipeline "
                "that is not for a merge request, nothing is posted and the exit code is 0.",
            ),
            click.option(
                "--key",
                default="default",
                show_default=True,
                metavar="KEY",
                help="Which comment is this job's: the hidden marker <!-- cgowarn:KEY --> on its first "
                "line. Give each matrix job its own (letters, digits, '.', '_', '-').",
            ),
            click.option(
                "--token-env",
                metavar="NAME",
                help="Read the token from this environment variable (default: GITHUB_TOKEN, with --gitlab "
                "GITLAB_TOKEN). Never from the command line, where other processes could read it.",
            ),
            click.option(
                "--api-url",
                metavar="URL",
                help="The API's base URL, for GitHub Enterprise Server or a self-managed GitLab. Default: "
                "$GITHUB_API_URL, else https://api.github.com; with --gitlab $CI_API_V4_URL, else "
                "https://gitlab.com/api/v4. https only (http on the loopback interface).",
            ),
            click.option(
                "--author",
                metavar="LOGIN",
                help="GitHub: the login the token posts as, when GET /user cannot tell (a GitHub App's "
                "token: APP-SLUG[bot]). Default: GET /user, else github-actions[bot] (GITHUB_TOKEN).",
            ),
            click.option(
                "--delete-when-clean",
                is_flag=True,
                help="When nothing is left to report, delete the comment instead of saying it is resolved.",
            ),
            click.option(
                "--report-url",
                metavar="URL",
                help="Link the full report (e.g. the HTML artifact) from the comment; http(s) only.",
            ),
            click.option(
                "--dry-run",
                is_flag=True,
                help="Print the comment on standard output and post nothing (no request is made; no token "
                "or pull request is needed).",
            ),
            click.option(
                "-v",
                "--verbose",
                is_flag=True,
                help="Log each request (method, URL, status) to standard error; never headers or the token.",
            ),
        ],
    )


def _would(report: Report, request: CommentRequest) -> str:
    """What a run with a token would do, as far as it can be told without reading the pull
    request's comments (a dry run reads none)."""
    from cgowarn.comment.body import is_clean

    clean = is_clean(report)
    if clean and request.delete_when_clean:
        return "a real run would delete this job's earlier comment, if there is one"
    if clean:
        return (
            "a real run would edit this job's earlier comment, if there is one, to say resolved, "
            "and post none otherwise"
        )
    return (
        "a real run would create this comment, or edit this job's earlier one (the same key) "
        "when its text differs, or leave it as it is"
    )


@main.command(
    short_help="Keep one up-to-date comment on the pull request or merge request.",
    epilog="""\b
Examples:
  cgowarn comment build.log                  # in GitHub Actions, on a pull request
  cgowarn comment --repo OWNER/NAME --pr 42 build.log
  cgowarn comment --key linux-arm64 --report-url "$ARTIFACT_URL" build.log
  cgowarn comment --gitlab build.log         # in a GitLab merge request pipeline
  cgowarn comment --gitlab --project 123 --mr 7 build.log
  cgowarn comment --dry-run build.log        # print the comment, post nothing

\b
Environment:
  GITHUB_TOKEN        the token (or the variable --token-env names); the job needs
                      permissions: pull-requests: write
  GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_API_URL   set by GitHub Actions
  GITLAB_TOKEN        with --gitlab: an access token with the api scope (CI_JOB_TOKEN
                      cannot write merge request notes)
  CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID     set by GitLab CI

"""
    + EXIT_CODES,
)
@boundary
@click.argument("logs", nargs=-1, metavar="[LOG]...")
@comment_options
@report_options
@analysis_options_with_pass_through
def comment(
    logs: tuple[str, ...],
    request: Any,
    dry_run: bool,
    verbose: bool,
    report_args: ReportArgs,
    analysis_args: AnalysisArgs,
) -> int:
    """Keep one comment on the pull request (GitHub) or merge request (GitLab) up to date with
    the report: created on the first run, edited in place when the findings change, left alone
    when they do not, marked resolved (or deleted) when they are gone. It leads with the verdict
    (does the link work, what breaks at run time, the one fix), says what changed since the last
    run, and holds the Markdown report, shortened to fit. Reads the same logs and options as
    analyze; -o writes reports as well, and --fail-on still sets the exit code."""
    from cgowarn import secrets
    from cgowarn.comment.command import compose, post, resolve, token_for_scrubbing
    from cgowarn.comment.interface import NotAPullRequest
    from cgowarn.output import write_output
    from cgowarn.policy import gate_reason

    options = ReportOptions.resolve(report_args)
    # Reports besides the comment only when asked for: not the default text on standard output.
    asked = bool({"fmt", "outputs"} & report_args.given)
    if not asked and options.outputs == (OutputSpec(OutputFormat.TEXT, "-"),):
        options = replace(options, outputs=())
    if dry_run and (analysis_args.pass_through or "-" in options.paths):
        raise UsageError(
            "--dry-run prints the comment on standard output: write reports and --pass-through "
            "elsewhere (-o PATH)"
        )
    where = None
    if not dry_run:
        found = resolve(request, os.environ)
        if isinstance(found, NotAPullRequest):
            note(f"{found.reason}: nothing posted")
            return ExitCode.OK
        where = found
    # From here on no output holds the token, in any form: not the analysis (the logs are read
    # with it masked), not a report, a message or a traceback.
    token = where.token if where is not None else token_for_scrubbing(request, os.environ)
    secrets.protect(token)
    analysis = analysis_args.options(options.targets)
    document = options.read_baseline()
    paths = (*options.paths, *(("-",) if dry_run else ()))
    report = flow.analyse(logs, analysis, paths, options.read_files(analysis))
    report = options.apply_policy(report, document)
    if options.outputs or options.summary:
        flow.write_reports(report, options)
    reason = gate_reason(report, options.fail_on)
    if where is None:
        write_output(compose(report, request, None, reason, options.fail_on, token), "-")
        note(f"dry run: nothing posted; {_would(report, request)}")
    else:
        note(post(report, where, request, reason, options.fail_on, note if verbose else None))
    return flow.gate(report, options)
