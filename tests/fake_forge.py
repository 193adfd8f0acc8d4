"""Fake GitHub and GitLab APIs, served over real HTTP on the loopback interface, for
tests/test_comment.py: the comment endpoints cgowarn uses, with their pagination, their users and
their error answers, and a record of every request (method, path, query, headers, JSON body).

Only what the APIs document is modelled: GitHub's issue comments (`user.login`, `user.type`,
`Link: <...>; rel="next"`, per_page up to 100) and GET /user (403 "Resource not accessible by
integration" for an installation token such as GITHUB_TOKEN); GitLab's merge request notes
(`author.id`, `system`, `X-Next-Page`) and GET /user.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

GITHUB_REPO = "octo/app"
GITHUB_PR = 42
GITLAB_PROJECT = "123"
GITLAB_MR = 7


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any

    @property
    def raw_headers(self) -> str:
        return json.dumps(self.headers)


@dataclass
class Scripted:
    method: str
    path_part: str
    status: int
    headers: dict[str, str]
    body: Any
    times: int
    after: bool = False
    """Do what the request asks (create the comment), then answer with the failure."""


@dataclass
class Fake:
    """The state of one fake API: users by token, comments in creation order, scripted answers
    (used once each, before the normal routes), and the requests seen."""

    kind: str  # "github" or "gitlab"
    prefix: str = ""
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    installation_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    comments: list[dict[str, Any]] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    script: list[Scripted] = field(default_factory=list)
    next_id: int = 1000
    base: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    # --- set-up ----------------------------------------------------------------------------------

    def add_comment(self, body: str, user: dict[str, Any], **extra: Any) -> dict[str, Any]:
        self.next_id += 1
        key = "user" if self.kind == "github" else "author"
        item = {"id": self.next_id, "body": body, key: dict(user), **extra}
        if self.kind == "gitlab":
            item.setdefault("system", False)
        self.comments.append(item)
        return item

    def fail(
        self,
        method: str,
        path_part: str,
        status: int,
        headers: dict[str, str] | None = None,
        body: Any = None,
        times: int = 1,
        after: bool = False,
    ) -> None:
        """Answer the next `times` requests to `method` ... `path_part` with `status`, `headers`
        and `body` (bytes are sent as they are); with `after`, only once the request has done
        what it asks (a comment created, then a 502)."""
        self.script.append(Scripted(method, path_part, status, headers or {}, body, times, after))

    # --- what the tests read ---------------------------------------------------------------------

    def writes(self) -> list[Recorded]:
        return [r for r in self.requests if r.method != "GET"]

    def comment(self, comment_id: int) -> dict[str, Any]:
        return next(c for c in self.comments if c["id"] == comment_id)

    # --- serving ---------------------------------------------------------------------------------

    def handle(
        self, method: str, target: str, headers: dict[str, str], body: Any
    ) -> tuple[int, dict[str, str], Any]:
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query)
        with self.lock:
            self.requests.append(Recorded(method, path, query, headers, body))
            for s in self.script:
                if s.times and s.method == method and s.path_part in path:
                    s.times -= 1
                    if s.after:
                        self._route(method, path, query, headers, body)
                    return s.status, s.headers, s.body
            return self._route(method, path, query, headers, body)

    def _route(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: Any,
    ) -> tuple[int, dict[str, str], Any]:
        if not path.startswith(self.prefix):
            return 404, {}, {"message": "Not Found"}
        path = path[len(self.prefix) :]
        if self.kind == "github":
            return self._github(method, path, query, headers, body)
        return self._gitlab(method, path, query, headers, body)

    def _page(self, items: list[dict[str, Any]], query: dict[str, list[str]]) -> tuple[int, int]:
        per_page = min(int(query.get("per_page", ["30"])[0]), 100)
        page = int(query.get("page", ["1"])[0])
        return per_page, page

    def _github(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: Any,
    ) -> tuple[int, dict[str, str], Any]:
        auth = headers.get("authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else ""
        if token in self.installation_tokens:
            me: dict[str, Any] | None = self.installation_tokens[token]
        else:
            me = self.users.get(token)
        if me is None:
            return 401, {}, {"message": "Bad credentials"}
        issue = f"/repos/{GITHUB_REPO}/issues/{GITHUB_PR}/comments"
        one = f"/repos/{GITHUB_REPO}/issues/comments/"
        if path == "/user" and method == "GET":
            if token in self.installation_tokens:
                return 403, {}, {"message": "Resource not accessible by integration"}
            return 200, {}, me
        if path == issue and method == "GET":
            per_page, page = self._page(self.comments, query)
            chunk = self.comments[(page - 1) * per_page : page * per_page]
            extra = {}
            if page * per_page < len(self.comments):
                nxt = f"{self.base}{self.prefix}{issue}?per_page={per_page}&page={page + 1}"
                extra["Link"] = f'<{nxt}>; rel="next"'
            return 200, extra, chunk
        if path == issue and method == "POST":
            text = body["body"]
            if len(text) > 65536:
                return (
                    422,
                    {},
                    {
                        "message": "Validation Failed",
                        "errors": [{"message": "Body is too long (maximum is 65536 characters)"}],
                    },
                )
            return 201, {}, self.add_comment(text, me)
        if path.startswith(one) and path[len(one) :].isdigit():
            return self._one(int(path[len(one) :]), method, "PATCH", body, "Not Found")
        return 404, {}, {"message": "Not Found"}

    def _gitlab(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: Any,
    ) -> tuple[int, dict[str, str], Any]:
        me = self.users.get(headers.get("private-token", ""))
        if me is None:
            return 401, {}, {"message": "401 Unauthorized"}
        notes = f"/projects/{GITLAB_PROJECT}/merge_requests/{GITLAB_MR}/notes"
        if path == "/user" and method == "GET":
            return 200, {}, me
        if path == notes and method == "GET":
            per_page, page = self._page(self.comments, query)
            chunk = self.comments[(page - 1) * per_page : page * per_page]
            more = page * per_page < len(self.comments)
            return 200, {"X-Next-Page": str(page + 1) if more else ""}, chunk
        if path == notes and method == "POST":
            return 201, {}, self.add_comment(body["body"], me)
        if path.startswith(notes + "/") and path[len(notes) + 1 :].isdigit():
            nid = int(path[len(notes) + 1 :])
            return self._one(nid, method, "PUT", body, "404 Not found")
        return 404, {}, {"message": "404 Not found"}

    def _one(
        self, cid: int, method: str, edit: str, body: Any, not_found: str
    ) -> tuple[int, dict[str, str], Any]:
        """One comment or note by id: edited with `edit` (GitHub PATCH, GitLab PUT), deleted."""
        found = [c for c in self.comments if c["id"] == cid]
        if not found:
            return 404, {}, {"message": not_found}
        if method == edit:
            found[0]["body"] = body["body"]
            return 200, {}, found[0]
        if method == "DELETE":
            self.comments.remove(found[0])
            return 204, {}, None
        return 404, {}, {"message": not_found}


def _handler(fake: Fake) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, extra, answer = fake.handle(self.command, self.path, headers, body)
            if isinstance(answer, bytes):
                data = answer
            else:
                data = b"" if answer is None else json.dumps(answer).encode()
            self.send_response(status)
            if answer is not None:
                self.send_header("Content-Type", "application/json")
            for k, v in extra.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def serve(fake: Fake) -> Iterator[Fake]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
