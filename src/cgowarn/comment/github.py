"""GitHub: the pull request's issue comments through the REST API (docs.github.com/rest/issues/
comments), and where the repository, the pull request and the token come from in GitHub Actions.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from cgowarn import __version__, regexes, secrets
from cgowarn.comment.http import Api, check_api_url, read_token
from cgowarn.comment.interface import Account, Comment, NotAPullRequest
from cgowarn.comment.rest import PER_PAGE, RestForge, as_int
from cgowarn.errors import ApiError, UsageError
from cgowarn.render.safety import visible

DEFAULT_API = "https://api.github.com"
API_VERSION = "2022-11-28"
ACTIONS_BOT = Account(login="github-actions[bot]", id=41898282, type="Bot")
"""Who GITHUB_TOKEN posts as: the REST API reports its comments with this `user.login` and
`user.type` (id 41898282). GET /user answers 403 "Resource not accessible by integration" for
that token, so cgowarn cannot ask."""
_REPO = regexes.compile("comment.github.REPO", r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", anchored=True)
_MAX_NUMBER = 2**31 - 1
MAX_EVENT = 25 << 20
"""Characters read of the event file: GitHub caps webhook payloads at 25 MB."""


@dataclass(frozen=True)
class GitHubTarget:
    """The pull request to comment on, and how to reach it."""

    api_url: str
    repo: str
    """owner/name."""
    number: int
    token: str
    token_env: str
    author: str | None = None
    """--author: the login the token posts as, when GET /user cannot say (a GitHub App)."""


def resolve(
    repo: str | None,
    number: int | None,
    api_url: str | None,
    token_env: str | None,
    author: str | None,
    environ: Mapping[str, str],
) -> GitHubTarget | NotAPullRequest:
    """The pull request from the options, else from GitHub Actions' environment: GITHUB_REPOSITORY,
    the event file GITHUB_EVENT_PATH (pull_request, pull_request_target, issue_comment on a pull
    request), GITHUB_API_URL, and the token in GITHUB_TOKEN (or --token-env)."""
    repo = repo or environ.get("GITHUB_REPOSITORY") or None
    if repo is None:
        raise UsageError(
            "no repository: give --repo OWNER/NAME, or run in GitHub Actions (GITHUB_REPOSITORY)"
        )
    if not _REPO.fullmatch(repo) or ".." in repo:
        raise UsageError(f"--repo {visible(repo)!r} is not OWNER/NAME")
    if number is None:
        event = environ.get("GITHUB_EVENT_PATH")
        if not event:
            raise UsageError(
                "no pull request: give --pr NUMBER, or run in a GitHub Actions pull_request job "
                "(GITHUB_EVENT_PATH)"
            )
        found = event_pull_request(event)
        if isinstance(found, NotAPullRequest):
            return found
        number = found
    variable = token_env or secrets.GITHUB_TOKEN
    token = read_token(
        variable,
        environ,
        "in the workflow step, set `env: GITHUB_TOKEN: ${{ github.token }}` (and give the job "
        "`permissions: pull-requests: write`), or name another variable with --token-env",
    )
    url = check_api_url(
        api_url or environ.get("GITHUB_API_URL") or DEFAULT_API,
        "--api-url" if api_url else "GITHUB_API_URL",
    )
    return GitHubTarget(url, repo, number, token, variable, author)


def event_pull_request(path: str) -> int | NotAPullRequest:
    """The pull request's number in a GitHub Actions event file; NotAPullRequest for an event
    of something else (a push, a schedule, a comment on an issue)."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read(MAX_EVENT + 1)
        if len(text) > MAX_EVENT:
            raise ValueError(f"larger than {MAX_EVENT >> 20} MiB, which no GitHub event is")
        data = json.loads(text)
    except RecursionError:
        raise UsageError(
            f"cannot read the event file GITHUB_EVENT_PATH ({path}): nested too deeply"
        ) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"cannot read the event file GITHUB_EVENT_PATH ({path}): {exc}") from None
    if not isinstance(data, dict):
        raise UsageError(f"the event file GITHUB_EVENT_PATH ({path}) is not a JSON object")
    pull = data.get("pull_request")
    issue = data.get("issue")
    if isinstance(pull, dict):  # pull_request, pull_request_target, pull_request_review...
        number = pull.get("number")
    elif isinstance(issue, dict) and issue.get("pull_request"):  # issue_comment on a PR
        number = issue.get("number")
    else:
        return NotAPullRequest(
            "this GitHub Actions run is not for a pull request (its event has no pull_request); "
            "give --pr NUMBER to comment anyway"
        )
    if not isinstance(number, int) or isinstance(number, bool) or not 0 < number <= _MAX_NUMBER:
        raise UsageError(
            f"the event file GITHUB_EVENT_PATH ({path}) holds no valid pull-request number"
        )
    return number


def explain(status: int, method: str, message: str) -> str:
    """What to check after GitHub answered `status`."""
    if status == 401:
        return (
            "Check that the token ($GITHUB_TOKEN, or the variable --token-env names) is valid "
            "and has not expired."
        )
    if status == 403:
        return (
            "Check that the token may write comments: the job needs `permissions: "
            "pull-requests: write` (or `issues: write`); on a pull request from a fork "
            "GITHUB_TOKEN is read-only, so comment from a workflow_run workflow instead."
        )
    if status == 404:
        return (
            "Check the repository (--repo, GITHUB_REPOSITORY), the pull-request number (--pr) "
            "and --api-url; GitHub also answers 404 when the token cannot see the repository."
        )
    if status == 422:
        if "too long" in message.lower():
            return (
                "GitHub's limit is 65,536 characters; cgowarn keeps the comment under 60,000, "
                "so this is a bug: please report it."
            )
        return "Check the pull-request number (--pr) and that the conversation is not locked."
    if status == 410:
        return "Issues (and with them pull-request comments) are disabled on this repository."
    if status >= 500:
        return "GitHub kept failing: run the job again later (githubstatus.com)."
    return "Check --api-url, the repository and the pull-request number."


class GitHub(RestForge):
    """The comments of one pull request, through GitHub's REST API (an issue's comments)."""

    name = "GitHub"

    def __init__(self, target: GitHubTarget, api: Api) -> None:
        owner_repo = "/".join(quote(part, safe="") for part in target.repo.split("/"))
        super().__init__(
            api,
            f"{target.repo}#{target.number}",
            f"repos/{owner_repo}/issues/{target.number}/comments",
            f"repos/{owner_repo}/issues/comments",
        )
        self.target = target

    @staticmethod
    def api_for(target: GitHubTarget, log: Any = None, transport: Any = None) -> Api:
        return Api(
            "GitHub",
            target.api_url,
            {
                "Authorization": f"Bearer {target.token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": f"cgowarn/{__version__}",
            },
            target.token,
            explain,
            log=log,
            transport=transport,
        )

    def viewer(self) -> Account:
        if self.target.author:
            login = self.target.author
            return Account(login=login, type="Bot" if login.endswith("[bot]") else "")
        response = self.api.request("GET", "user", "find who the token is", accept=frozenset({403}))
        if response.status_code == 403:
            # An installation token (GITHUB_TOKEN, a GitHub App's) cannot read /user.
            return ACTIONS_BOT
        data = self.api.json(response, "find who the token is")
        if not isinstance(data, dict) or not isinstance(data.get("login"), str):
            raise ApiError("GitHub API: GET /user answered without a login: check --api-url")
        return Account(
            login=data["login"], id=as_int(data.get("id")), type=str(data.get("type", ""))
        )

    def is_author(self, comment: Comment, viewer: Account) -> bool:
        if comment.author.login.lower() != viewer.login.lower():
            return False
        return not viewer.type or comment.author.type == viewer.type

    def pages(self) -> Iterator[Any]:
        url: str | None = self._collection
        params: dict[str, str | int] | None = {"per_page": PER_PAGE}
        while url is not None:
            response = self.api.request("GET", url, "list the comments", params=params)
            yield response
            url = response.links.get("next", {}).get("url")
            params = None  # the next link carries them

    def parse(self, item: object) -> Comment | None:
        return _comment(item)


def _comment(item: object) -> Comment | None:
    """A comment from the API's JSON; None when it lacks what cgowarn needs (untrusted input)."""
    if not isinstance(item, dict):
        return None
    comment_id = as_int(item.get("id"))
    body = item.get("body")
    user = item.get("user")
    if comment_id is None or not isinstance(user, dict):
        return None
    login = user.get("login")
    if not isinstance(login, str):
        return None
    return Comment(
        id=comment_id,
        body=body if isinstance(body, str) else "",
        author=Account(login=login, id=as_int(user.get("id")), type=str(user.get("type", ""))),
    )
