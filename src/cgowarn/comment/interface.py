"""The one interface a code host implements for `cgowarn comment`: a Forge."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Account:
    """Who wrote a comment, or who the token is, as the API reports it."""

    login: str
    """GitHub `user.login` (`github-actions[bot]` for GITHUB_TOKEN); GitLab `username`."""
    id: int | None = None
    """The account's numeric id; GitLab compares this, GitHub the login."""
    type: str = ""
    """GitHub `user.type`: `User`, `Bot` or `Organization`; empty on GitLab."""


@dataclass(frozen=True)
class Comment:
    """One comment of the pull request or merge request."""

    id: int
    body: str
    author: Account


@dataclass(frozen=True)
class NotAPullRequest:
    """The run is not for a pull request or merge request (a push build): nothing to comment on."""

    reason: str


class Forge(Protocol):
    """A pull request (GitHub) or merge request (GitLab) whose comments cgowarn reads and writes.
    Every method is one or more API requests; a failure raises ApiError."""

    name: str
    """`GitHub` or `GitLab`, for messages."""
    where: str
    """The pull request or merge request, for messages: `owner/name#42`, `project 123 !7`."""

    def viewer(self) -> Account:
        """The account the token acts as: only its comments are ever edited or deleted."""
        ...

    def is_author(self, comment: Comment, viewer: Account) -> bool:
        """Whether `viewer` wrote `comment`."""
        ...

    def comments(self) -> Iterator[Comment]:
        """Every comment, oldest first, across every page."""
        ...

    def create(self, body: str) -> Comment:
        """Post a new comment."""
        ...

    def update(self, comment: Comment, body: str) -> None:
        """Replace the body of `comment`."""
        ...

    def delete(self, comment: Comment) -> None:
        """Delete `comment`."""
        ...
