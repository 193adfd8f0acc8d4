"""GitLab: the merge request's notes through the REST API (docs.gitlab.com/api/notes), and where
the project, the merge request and the token come from in GitLab CI.

The token is GITLAB_TOKEN, sent as PRIVATE-TOKEN: a personal, project or group access token with
the `api` scope. CI_JOB_TOKEN is not accepted: GitLab's job token cannot use the merge request
endpoints (gitlab.com/gitlab-org/gitlab/-/issues/545150).
"""

from __future__ import annotations

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

DEFAULT_API = "https://gitlab.com/api/v4"
_PROJECT = regexes.compile("comment.gitlab.PROJECT", r"\d+|[\w.-]+(?:/[\w.-]+)+", anchored=True)
_MAX_NUMBER = 2**31 - 1
TOKEN_HELP = (
    "create a project access token with the `api` scope and the Reporter role or higher, and "
    "store it as a masked CI/CD variable GITLAB_TOKEN (CI_JOB_TOKEN cannot write merge request "
    "notes), or name another variable with --token-env"
)


@dataclass(frozen=True)
class GitLabTarget:
    """The merge request to comment on, and how to reach it."""

    api_url: str
    project: str
    """The numeric id, or the path (group/name)."""
    mr: int
    """The merge request's IID (its number in the project, as in `!7`)."""
    token: str
    token_env: str


def resolve(
    project: str | None,
    mr: int | None,
    api_url: str | None,
    token_env: str | None,
    environ: Mapping[str, str],
) -> GitLabTarget | NotAPullRequest:
    """The merge request from the options, else from GitLab CI's environment: CI_API_V4_URL,
    CI_PROJECT_ID, CI_MERGE_REQUEST_IID (set only in merge request pipelines), and the token in
    GITLAB_TOKEN (or --token-env)."""
    project = project or environ.get("CI_PROJECT_ID") or None
    if project is None:
        raise UsageError("no project: give --project ID, or run in GitLab CI (CI_PROJECT_ID)")
    if not _PROJECT.fullmatch(project) or ".." in project:
        raise UsageError(f"--project {visible(project)!r} is not a project id or path")
    if mr is None:
        iid = environ.get("CI_MERGE_REQUEST_IID")
        if not iid:
            if environ.get("GITLAB_CI"):
                return NotAPullRequest(
                    "this GitLab CI pipeline is not a merge request pipeline "
                    "(CI_MERGE_REQUEST_IID is not set); give --mr IID to comment anyway"
                )
            raise UsageError(
                "no merge request: give --mr IID, or run in a GitLab CI merge request pipeline "
                "(CI_MERGE_REQUEST_IID)"
            )
        if not iid.isdigit() or not 0 < int(iid) <= _MAX_NUMBER:
            raise UsageError(f"CI_MERGE_REQUEST_IID {visible(iid)!r} is not a number")
        mr = int(iid)
    variable = token_env or secrets.GITLAB_TOKEN
    token = read_token(variable, environ, TOKEN_HELP)
    url = check_api_url(
        api_url or environ.get("CI_API_V4_URL") or DEFAULT_API,
        "--api-url" if api_url else "CI_API_V4_URL",
    )
    return GitLabTarget(url, project, mr, token, variable)


def explain(status: int, method: str, message: str) -> str:
    """What to check after GitLab answered `status`."""
    if status == 401:
        return (
            "Check that the token ($GITLAB_TOKEN, or the variable --token-env names) is valid, "
            "has not expired and has the `api` scope; CI_JOB_TOKEN cannot write notes."
        )
    if status == 403:
        return (
            "Check that the token's account may comment on this merge request: an access token "
            "needs the `api` scope and the Reporter role or higher, and the discussion must not "
            "be locked."
        )
    if status == 404:
        return (
            "Check the project (--project, CI_PROJECT_ID), the merge request IID (--mr, "
            "CI_MERGE_REQUEST_IID) and --api-url; GitLab also answers 404 when the token cannot "
            "see the project."
        )
    if status in (400, 413, 422):
        return "GitLab rejected the note: check the merge request IID (--mr)."
    if status >= 500:
        return "GitLab kept failing: run the job again later."
    return "Check --api-url, the project and the merge request IID."


class GitLab(RestForge):
    """The notes of one merge request, through GitLab's REST API."""

    name = "GitLab"
    noun = "note"
    edit_method = "PUT"

    def __init__(self, target: GitLabTarget, api: Api) -> None:
        notes = f"projects/{quote(target.project, safe='')}/merge_requests/{target.mr}/notes"
        super().__init__(api, f"project {target.project} !{target.mr}", notes, notes)
        self.target = target

    @staticmethod
    def api_for(target: GitLabTarget, log: Any = None, transport: Any = None) -> Api:
        return Api(
            "GitLab",
            target.api_url,
            {"PRIVATE-TOKEN": target.token, "User-Agent": f"cgowarn/{__version__}"},
            target.token,
            explain,
            log=log,
            transport=transport,
        )

    def viewer(self) -> Account:
        response = self.api.request("GET", "user", "find who the token is")
        data = self.api.json(response, "find who the token is")
        if not isinstance(data, dict) or as_int(data.get("id")) is None:
            raise ApiError("GitLab API: GET /user answered without an id: check --api-url")
        return Account(login=str(data.get("username", "")), id=as_int(data["id"]))

    def is_author(self, comment: Comment, viewer: Account) -> bool:
        return viewer.id is not None and comment.author.id == viewer.id

    def pages(self) -> Iterator[Any]:
        page = "1"
        while True:
            response = self.api.request(
                "GET",
                self._collection,
                "list the notes",
                params={
                    "per_page": PER_PAGE,
                    "page": page,
                    "sort": "asc",
                    "order_by": "created_at",
                },
            )
            yield response
            page = response.headers.get("x-next-page", "").strip()
            if not page:
                return
            if not page.isdigit():
                raise ApiError(f"GitLab API: X-Next-Page {visible(page)!r} is not a page number")

    def parse(self, item: object) -> Comment | None:
        return _note(item)


def _note(item: object) -> Comment | None:
    """A user's note from the API's JSON; None for a system note ("added 1 commit") or what
    lacks an id or an author (untrusted input)."""
    if not isinstance(item, dict) or item.get("system") is True:
        return None
    note_id = as_int(item.get("id"))
    author = item.get("author")
    if note_id is None or not isinstance(author, dict):
        return None
    body = item.get("body")
    return Comment(
        id=note_id,
        body=body if isinstance(body, str) else "",
        author=Account(login=str(author.get("username", "")), id=as_int(author.get("id"))),
    )
