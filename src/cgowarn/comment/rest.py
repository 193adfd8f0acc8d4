"""What the GitHub and GitLab forges share: a collection of comments on one pull request or merge
request, read page by page (each forge says how it links the next page), and the same create,
edit and delete requests on it. Each forge module says only what is its own: its URLs, its
answer's fields and its paging."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cgowarn.comment.http import Api
from cgowarn.comment.interface import Comment
from cgowarn.errors import ApiError

PER_PAGE = 100
MAX_PAGES = 300
"""30,000 comments: a pull request with more is not one cgowarn will page through."""


def as_int(value: object) -> int | None:
    """`value` when the API's JSON holds an integer there (never a bool); else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class RestForge:
    """The comments of one pull request or merge request, through a forge's REST API."""

    name = ""
    """`GitHub` or `GitLab`, for messages."""
    noun = "comment"
    """What the forge calls a comment (GitLab: a note)."""
    edit_method = "PATCH"
    """The method that replaces a comment's body."""

    def __init__(self, api: Api, where: str, collection: str, item: str) -> None:
        self.api = api
        self.where = where
        self._collection = collection
        """The URL of the comments: listed with GET, created with POST."""
        self._item = item
        """The URL a comment's id is appended to, to edit or delete it."""

    # What each forge says for itself.

    def parse(self, item: object) -> Comment | None:
        """A comment from the API's JSON; None for what is not a user's comment or lacks what
        cgowarn needs (untrusted input)."""
        raise NotImplementedError

    def pages(self) -> Iterator[Any]:
        """The answer of each page of the collection, in order, MAX_PAGES at most."""
        raise NotImplementedError

    # The requests both make alike.

    def comments(self) -> Iterator[Comment]:
        what = f"list the {self.noun}s"
        for pages, response in enumerate(self.pages(), start=1):
            if pages > MAX_PAGES:
                raise ApiError(
                    f"{self.name} API: {self.where} has more than {MAX_PAGES * PER_PAGE} "
                    f"{self.noun}s; cgowarn stops paging there"
                )
            data = self.api.json(response, what)
            if not isinstance(data, list):
                raise ApiError(
                    f"{self.name} API: the {self.noun}s of {self.where} are not a list: check "
                    "--api-url"
                )
            for item in data:
                comment = self.parse(item)
                if comment is not None:
                    yield comment

    def create(self, body: str) -> Comment:
        what = f"create the {self.noun}"
        response = self.api.request("POST", self._collection, what, json={"body": body})
        comment = self.parse(self.api.json(response, what))
        if comment is None:
            raise ApiError(
                f"{self.name} API: the new {self.noun} came back without an id or author"
            )
        return comment

    def update(self, comment: Comment, body: str) -> None:
        self.api.request(
            self.edit_method,
            f"{self._item}/{comment.id}",
            f"edit the {self.noun}",
            json={"body": body},
        )

    def delete(self, comment: Comment) -> None:
        self.api.request("DELETE", f"{self._item}/{comment.id}", f"delete the {self.noun}")
