"""Requests to the GitHub and GitLab APIs: httpx with timeouts, retries with exponential backoff on
5xx and network failures, rate limits honoured (Retry-After, x-ratelimit-reset), a bounded total
wait, and one-line errors that say what to check and never hold the token.

Every request is bounded as a whole, not only per read: it must be answered within
REQUEST_DEADLINE (a server that sends one byte every few seconds never resets it), all requests
of a run within RUN_DEADLINE, and an answer may hold at most MAX_RESPONSE bytes once decoded. A
POST that may have reached the server (an error status of 5xx, or a failure after it was sent) is
never sent again blindly: it raises MaybeSent, and the caller looks for what it would have
created first (sticky.py), so that a 502 cannot leave two comments. An answer that is not JSON,
or JSON nested too deeply to read, is an ApiError like any other bad answer.

The token is sent only to the API's own origin: a next-page link that points elsewhere is not
followed, redirects are not followed (a `PRIVATE-TOKEN` header would survive one), and plain http
is refused except on the loopback interface. Every message that leaves this module (errors,
--verbose lines) has the token replaced by `***`.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any

import httpx

from cgowarn import secrets
from cgowarn.errors import ApiError, UsageError
from cgowarn.render.safety import visible

TIMEOUT = httpx.Timeout(30.0, connect=10.0)
"""Per request: 10 s to connect, 30 s for each read and write."""
ATTEMPTS = 5
"""Tries per request, the first included."""
BACKOFF = 1.0
"""Seconds before the first retry of a failed request; doubled for each further one."""
MAX_WAIT = 180.0
"""Seconds of waiting (backoff and rate limits) in one run, at most: a CI job must not hang."""
SECONDARY_WAIT = 60.0
"""GitHub's secondary rate limit without Retry-After: "wait for at least one minute"
(docs.github.com, rate limits for the REST API)."""
REQUEST_DEADLINE = 60.0
"""Seconds one request may take from sending to the last byte of its answer."""
RUN_DEADLINE = 300.0
"""Seconds all the requests of one run may take together."""
MAX_RESPONSE = 16 << 20
"""Bytes an answer may hold once decoded: a page of 100 comments of GitHub's largest size (65,536
characters, up to 4 bytes each) is about 26 MB in the worst case; real pages are far smaller."""
MESSAGE_CHARS = 300
"""Of the API's own error message, at most this much is quoted."""
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def sleep(seconds: float) -> None:
    """Wait; the tests replace this to assert the wait without spending it."""
    time.sleep(seconds)


def now() -> float:
    """The time, for x-ratelimit-reset; the tests replace it."""
    return time.time()


def check_api_url(url: str, option: str) -> str:
    """`url` without a trailing slash, if it is an API base cgowarn may send a token to: https, or
    http on the loopback interface; no user name or password in it, no query."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise UsageError(f"{option}: {visible(url)!r} is not a URL") from None
    if parsed.scheme not in ("https", "http") or not parsed.host:
        raise UsageError(f"{option}: {visible(url)!r} is not an http(s) URL")
    if parsed.scheme == "http" and parsed.host not in LOOPBACK:
        raise UsageError(
            f"{option}: {visible(url)!r} is plain http: the token would cross the network in the "
            "clear; use https"
        )
    if parsed.userinfo or parsed.query or parsed.fragment:
        raise UsageError(
            f"{option}: give the API's base URL without a user, password, query or fragment"
        )
    return url.rstrip("/")


Explain = Callable[[int, str, str], str]
"""(status, method, the API's message) -> what to check, one sentence."""


class MaybeSent(ApiError):
    """A POST failed in a way that does not tell whether the server acted on it."""


class _TooLarge(Exception):
    pass


class Api:
    """One code host's API, with its token. Use as a context manager (it closes the connection)."""

    def __init__(
        self,
        name: str,
        base_url: str,
        headers: Mapping[str, str],
        token: str,
        explain: Explain,
        log: Callable[[str], None] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.name = name
        self.base = httpx.URL(base_url + "/")
        self.token = token
        self.redactor = secrets.current().with_secret(token)
        self.explain = explain
        self.log = log
        self.waited = 0.0
        self.started = time.monotonic()
        self.client = httpx.Client(
            base_url=self.base,
            headers=dict(headers),
            timeout=TIMEOUT,
            follow_redirects=False,
            transport=transport,
        )

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    def scrub(self, text: str) -> str:
        """`text` with the token, in every form it could take (secrets.py), masked."""
        return self.redactor.text(text)

    def json(self, response: httpx.Response, what: str) -> Any:
        """The response's JSON; ApiError when it is not JSON (or nested too deeply to read)."""
        try:
            return response.json()
        except (ValueError, RecursionError):
            raise ApiError(
                f"{self.name} API: {what}: the answer from {self._shown(response.request.url)} "
                "is not JSON: check --api-url"
            ) from None

    def request(
        self,
        method: str,
        url: str,
        what: str,
        *,
        json: Any = None,
        params: Mapping[str, str | int] | None = None,
        accept: frozenset[int] = frozenset(),
    ) -> httpx.Response:
        """Send one request, retrying what is worth retrying; the successful response (or one
        whose status is in `accept`), else ApiError with one line that says what to check. `url`
        is a path under the API's base, or an absolute URL on the same origin (a next-page
        link)."""
        target = self._same_origin(url, what)
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._send(method, target, what, json, params)
            except httpx.TransportError as exc:
                # POST is retried only when it was never sent: a timeout after sending could have
                # created the comment, and a second POST would create another.
                unsent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
                delay = BACKOFF * 2 ** (attempt - 1)
                shown = self._shown(exc.request.url if _has_request(exc) else target)
                self._say(f"{method} {shown} -> {type(exc).__name__}")
                if (method != "POST" or unsent) and attempt < ATTEMPTS and self._may_wait(delay):
                    self._wait(delay, f"{type(exc).__name__}")
                    continue
                error = MaybeSent if method == "POST" and not unsent else ApiError
                raise error(
                    self.scrub(
                        f"{self.name} API: {method} {shown} ({what}) failed: "
                        f"{type(exc).__name__}: {visible(str(exc)) or 'no answer'}: check the "
                        "network and --api-url"
                    )
                ) from None
            self._say(f"{method} {self._shown(response.request.url)} -> {response.status_code}")
            if response.is_success:
                return response
            if method == "POST" and response.status_code >= 500:
                # The server may have created it before failing: never POST again blindly.
                raise MaybeSent(self._error(response, method, what, attempt))
            delay = retry_delay(response, attempt)
            if delay is not None and attempt < ATTEMPTS:
                if not self._may_wait(delay):
                    raise ApiError(
                        self.scrub(
                            f"{self.name} API: {method} {self._shown(response.request.url)} "
                            f"({what}): {response.status_code}, and the server asks to wait "
                            f"{delay:.0f} s; cgowarn waits at most {MAX_WAIT:.0f} s in a run: "
                            "run the job again later"
                        )
                    )
                self._wait(delay, str(response.status_code))
                continue
            if response.status_code in accept:
                return response
            raise ApiError(self._error(response, method, what, attempt))

    def _send(
        self,
        method: str,
        target: str,
        what: str,
        json: Any,
        params: Mapping[str, str | int] | None,
    ) -> httpx.Response:
        """Send one request and read its whole answer, within the deadlines and MAX_RESPONSE; the
        answer as a complete response. The request runs in a thread, so that the deadline holds
        even while a read is blocked: past it, the connection is closed under the request."""
        remaining = RUN_DEADLINE - (time.monotonic() - self.started)
        deadline = min(REQUEST_DEADLINE, remaining)
        request = self.client.build_request(method, target, json=json, params=params)
        shown = self._shown(request.url)
        if deadline <= 0:
            raise ApiError(
                f"{self.name} API: {method} {shown} ({what}): the requests of this run took "
                f"longer than {RUN_DEADLINE:.0f} s: run the job again later"
            )
        box = _in_thread(lambda: _read_whole(self.client, request), deadline)
        if box is None:
            self.client.close()  # the blocked read fails, and the thread ends
            error = MaybeSent if method == "POST" else ApiError
            raise error(
                f"{self.name} API: {method} {shown} ({what}): no complete answer within "
                f"{deadline:.0f} s: check the network and --api-url"
            )
        if "error" in box:
            if isinstance(box["error"], _TooLarge):
                raise ApiError(
                    f"{self.name} API: {method} {shown} ({what}): the answer is larger than "
                    f"{MAX_RESPONSE >> 20} MiB: check --api-url"
                )
            raise box["error"]
        response: httpx.Response = box["response"]
        return response

    # --- helpers ----------------------------------------------------------------------------------

    def _same_origin(self, url: str, what: str) -> str:
        parsed = httpx.URL(url)
        if not parsed.is_absolute_url:
            return url.lstrip("/")
        if (parsed.scheme, parsed.host, parsed.port) != (
            self.base.scheme,
            self.base.host,
            self.base.port,
        ):
            raise ApiError(
                self.scrub(
                    f"{self.name} API: {what}: the server sent a link to another host "
                    f"({visible(str(parsed.copy_with(query=None)))}); not followed, so that the "
                    "token goes nowhere else: check --api-url"
                )
            )
        return url

    def _may_wait(self, delay: float) -> bool:
        return self.waited + delay <= MAX_WAIT

    def _wait(self, delay: float, why: str) -> None:
        self.waited += delay
        self._say(f"{why}: waiting {delay:.0f} s before trying again")
        sleep(delay)

    def _error(self, response: httpx.Response, method: str, what: str, attempt: int) -> str:
        status = response.status_code
        message = _api_message(response)
        reason = response.reason_phrase or "error"
        tries = f" after {attempt} attempts" if attempt > 1 else ""
        line = (
            f"{self.name} API: {method} {self._shown(response.request.url)} ({what}) failed"
            f"{tries}: {status} {reason}"
            + (f" ({visible(message)})" if message else "")
            + f". {self.explain(status, method, message)}"
        )
        return self.scrub(line)

    def _shown(self, url: httpx.URL | str) -> str:
        """A URL for messages: without its query (page numbers and sizes say nothing)."""
        parsed = httpx.URL(str(url))
        if not parsed.is_absolute_url:
            parsed = self.base.join(str(url))
        return self.scrub(visible(str(parsed.copy_with(query=None))))

    def _say(self, line: str) -> None:
        if self.log is not None:
            self.log(self.scrub(line))


def retry_delay(response: httpx.Response, attempt: int) -> float | None:
    """Seconds to wait before trying again, or None when trying again cannot help."""
    status = response.status_code
    headers = response.headers
    after = _retry_after(headers.get("retry-after"))
    if status in (HTTPStatus.FORBIDDEN, HTTPStatus.TOO_MANY_REQUESTS):
        if after is not None:
            return after
        if headers.get("x-ratelimit-remaining") == "0":
            reset = _number(headers.get("x-ratelimit-reset"))
            if reset is not None:
                return max(0.0, reset - now()) + 1.0
        if "rate limit" in _api_message(response).lower():
            return SECONDARY_WAIT
        too_many = status == HTTPStatus.TOO_MANY_REQUESTS
        return BACKOFF * 2 ** (attempt - 1) if too_many else None
    if status >= 500:
        return after if after is not None else BACKOFF * 2 ** (attempt - 1)
    return None


def _in_thread(work: Callable[[], httpx.Response], deadline: float) -> dict[str, Any] | None:
    """Run `work` in a thread, for at most `deadline` seconds: {"response": ...} or
    {"error": exception}; None when it is still running then (the caller ends it)."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["response"] = work()
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=run, name="cgowarn-request", daemon=True)
    worker.start()
    worker.join(deadline)
    return None if worker.is_alive() else box


_UNDECODED = frozenset({"content-encoding", "content-length", "transfer-encoding"})


def _read_whole(client: httpx.Client, request: httpx.Request) -> httpx.Response:
    """The answer to `request`, read to its end (at most MAX_RESPONSE bytes once decoded)."""
    streamed = client.send(request, stream=True)
    try:
        chunks: list[bytes] = []
        size = 0
        for chunk in streamed.iter_bytes():
            size += len(chunk)
            if size > MAX_RESPONSE:
                raise _TooLarge
            chunks.append(chunk)
    finally:
        streamed.close()
    headers = [(k, v) for k, v in streamed.headers.multi_items() if k.lower() not in _UNDECODED]
    return httpx.Response(
        streamed.status_code,
        headers=headers,
        content=b"".join(chunks),
        request=request,
        extensions=streamed.extensions,
    )


def _has_request(exc: httpx.TransportError) -> bool:
    try:
        exc.request  # noqa: B018 - the property raises when the exception has no request
    except RuntimeError:
        return False
    return True


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: a number of seconds, or an HTTP date."""
    if value is None:
        return None
    seconds = _number(value.strip())
    if seconds is not None:
        return max(0.0, seconds)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - now())


def _api_message(response: httpx.Response) -> str:
    """What the API says went wrong, cut short: GitHub's `message` and `errors[].message`,
    GitLab's `message` or `error`. Server text: shown with `visible` by the caller."""
    try:
        data = response.json()
    except (ValueError, RecursionError):
        return ""
    if not isinstance(data, dict):
        return ""
    parts: list[str] = []
    for key in ("message", "error"):
        value = data.get(key)
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, dict | list):
            parts.append(str(value))
    errors = data.get("errors")
    if isinstance(errors, list):
        for item in errors[:3]:
            if isinstance(item, dict) and isinstance(item.get("message"), str):
                parts.append(item["message"])
            elif isinstance(item, str):
                parts.append(item)
    text = "; ".join(dict.fromkeys(p.strip() for p in parts if p.strip()))
    return text[:MESSAGE_CHARS] + ("…" if len(text) > MESSAGE_CHARS else "")


def read_token(variable: str, environ: Mapping[str, str], what_to_do: str) -> str:
    """The token in the environment variable `variable`, checked for what a token can hold
    (printable ASCII, no spaces): a newline in a secret would otherwise end up in an HTTP header,
    whose error message would quote it. The messages never show the value."""
    token = environ.get(variable, "").strip()
    if not token:
        raise UsageError(f"${variable} is not set or empty: {what_to_do}")
    if not all("!" <= c <= "~" for c in token):
        raise UsageError(
            f"${variable} holds characters a token cannot have (spaces, control characters or "
            "non-ASCII): check the secret it comes from"
        )
    return token
