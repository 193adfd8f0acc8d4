"""The sticky-comment rule: find this job's earlier comment (the token's own account, the marker
with this key on its first line), then create it, edit it when its text changed, leave it alone
when it did not, or delete it when the findings are gone and the user asked for that. Another
account's comment is never touched, whatever it quotes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from cgowarn.comment import http
from cgowarn.comment.body import Marker, read_marker, same_body
from cgowarn.comment.http import MaybeSent
from cgowarn.comment.interface import Comment, Forge

CREATE_ATTEMPTS = 3
"""POSTs of a new comment, at most, when the server fails in a way that does not say whether it
created it; before each retry the comments are listed again."""


class Action(Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DELETED = "deleted"
    NOTHING = "nothing"
    """Nothing to report and no earlier comment: nothing posted."""


@dataclass(frozen=True)
class Outcome:
    action: Action
    comment_id: int | None


def find_own(forge: Forge, key: str) -> tuple[Comment | None, Marker | None]:
    """The oldest comment by the token's account whose first line is the marker with `key`, and
    what that marker says."""
    viewer = forge.viewer()
    for comment in forge.comments():
        if not forge.is_author(comment, viewer):
            continue
        marker = read_marker(comment.body)
        if marker is not None and marker.key == key:
            return comment, marker
    return None, None


def _create(forge: Forge, key: str, body: str) -> Outcome:
    """Post the comment. When the POST may have reached the server (MaybeSent), look for it
    before posting again: it is there (the marker with `key`), or it was not created."""
    for attempt in range(1, CREATE_ATTEMPTS + 1):
        try:
            return Outcome(Action.CREATED, forge.create(body).id)
        except MaybeSent:
            if attempt == CREATE_ATTEMPTS:
                raise
        http.sleep(http.BACKOFF * 2 ** (attempt - 1))
        found, _ = find_own(forge, key)
        if found is not None:
            return Outcome(Action.CREATED, found.id)
    raise AssertionError("unreachable")


def sync(
    forge: Forge,
    key: str,
    compose: Callable[[Marker | None], str],
    clean: bool,
    delete_when_clean: bool,
) -> Outcome:
    """Bring the pull request's comment up to date. `compose` writes the body from what the
    earlier comment's marker says (None without one); `clean`: nothing left to report."""
    own, marker = find_own(forge, key)
    if own is None:
        if clean:
            return Outcome(Action.NOTHING, None)
        return _create(forge, key, compose(None))
    if clean and delete_when_clean:
        forge.delete(own)
        return Outcome(Action.DELETED, own.id)
    body = compose(marker)
    if same_body(own.body, body):
        return Outcome(Action.UNCHANGED, own.id)
    forge.update(own, body)
    return Outcome(Action.UPDATED, own.id)
