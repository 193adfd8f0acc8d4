"""Secrets that never leave cgowarn, in any form: the API token of `cgowarn comment`, and the CI
tokens a job's environment holds.

A build log can hold a token (an `env` dump, a failed `curl`, `git config --list` with an
`http.extraheader`), and so can a binary (`-ldflags -X main.token=...`). Scrubbing the rendered
text is not enough: a renderer escapes it (Markdown turns `ghs_` into `ghs\\_`), wraps it or clips
it, and then the text no longer holds the raw value. So the value is removed where it enters: each
log is read through `RedactingReader`, before the parser, the clipping and the pass-through copy
see a byte of it, and the report is scrubbed once more (`Redactor.model`) for what the binaries
brought in. As a last guard, every line cgowarn writes (reports, the comment body, messages on
standard error, --debug tracebacks) passes through `scrub` of the process's redactor.

What is removed is the value itself and every encoding in which a log or a renderer could show it:
Markdown-escaped, HTML-escaped, JSON-escaped, percent-encoded and base64 (HTTP basic
authentication, git's `AUTHORIZATION: basic` header), each replaced by MASK.
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
import traceback
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import IO, Any, TypeVar
from urllib.parse import quote, quote_plus

from cgowarn import regexes
from cgowarn.render.safety import md_escape

MASK = "***"
GITHUB_TOKEN = "GITHUB_TOKEN"
"""The variable `cgowarn comment` reads its token from by default (GitHub)."""
GITLAB_TOKEN = "GITLAB_TOKEN"
"""The variable `cgowarn comment --gitlab` reads its token from by default."""
TOKEN_VARIABLES = (
    GITHUB_TOKEN,
    "GH_TOKEN",
    GITLAB_TOKEN,
    "CI_JOB_TOKEN",
    "ACTIONS_RUNTIME_TOKEN",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
)
"""Environment variables that hold a CI system's tokens: their values are scrubbed from every
command's input and output, not only from `cgowarn comment`'s."""
MIN_AMBIENT = 8
"""An environment token shorter than this is not a real token (a test's `x`): scrubbing it would
only mangle the report."""
MIN_FRAGMENT = 6
"""The shortest part of an encoding worth removing (base64 of a token starts and ends with a few
characters shared with its neighbours)."""
ELLIPSIS = "…"
"""What `facts.clip` ends a cut text with: a token cut there leaves its start, which goes too."""

_PERCENT = regexes.compile("secrets.PERCENT", r"%[0-9A-F]{2}")

T = TypeVar("T")


def _base64_inner(data: bytes) -> set[str]:
    """The base64 characters that encode `data` alone, at each of the three alignments it can
    have inside a longer encoded string, in both alphabets."""
    out: set[str] = set()
    n = len(data)
    for pad in range(3):
        first = -(-pad // 3) * 3  # the first group boundary at or after the token's start
        last = (pad + n) // 3 * 3
        if last - first < 3:
            continue
        encoded = base64.b64encode(b"\0" * pad + data)
        inner = encoded[first // 3 * 4 : last // 3 * 4].decode("ascii")
        out.add(inner)
        out.add(inner.translate(str.maketrans("+/", "-_")))
    return out


def variants(secret: str) -> set[str]:
    """Every form in which `secret` could be shown: raw and in each encoding cgowarn or a log
    could use."""
    forms = {secret, md_escape(secret), html.escape(secret, quote=True), html.escape(secret)}
    forms.add(html.escape(secret, quote=True).replace("&#x27;", "&#39;").replace("&quot;", "&#34;"))
    forms.add(json.dumps(secret)[1:-1])
    forms.add(json.dumps(secret, ensure_ascii=False)[1:-1])
    forms.add(json.dumps(secret)[1:-1].replace("/", "\\/"))
    for encoded in (quote(secret, safe=""), quote(secret), quote_plus(secret)):
        forms.add(encoded)
        forms.add(_PERCENT.sub(lambda m: m.group().lower(), encoded))
    forms |= _base64_inner(secret.encode("utf-8"))
    return {f for f in forms if len(f) >= MIN_FRAGMENT or f == secret}


class Redactor:
    """Replaces a set of secrets, in all their forms, by MASK."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets: frozenset[str] = frozenset(s for s in secrets if s)
        forms: set[str] = set()
        for secret in self.secrets:
            forms |= variants(secret)
            # A text cut short (facts.clip) ends with the start of the value and an ellipsis.
            forms |= {secret[:k] + ELLIPSIS for k in range(MIN_FRAGMENT, len(secret))}
        self.longest = max((len(f.encode("utf-8")) for f in forms), default=0)
        self._text = (
            regexes.literals("secrets", forms, longest_first=True, register=False).compiled
            if forms
            else None
        )
        self._bytes = (
            regexes.literals(
                "secrets", (f.encode("utf-8") for f in forms), longest_first=True, register=False
            ).compiled
            if forms
            else None
        )

    def __bool__(self) -> bool:
        return bool(self.secrets)

    def with_secret(self, secret: str) -> Redactor:
        """This redactor and one more secret."""
        return Redactor({*self.secrets, secret})

    def text(self, text: str) -> str:
        return text if self._text is None else str(self._text.sub(MASK, text))

    def data(self, data: bytes) -> bytes:
        return data if self._bytes is None else bytes(self._bytes.sub(MASK.encode(), data))

    def safe_length(self, data: bytes | bytearray | memoryview) -> int:
        """How much of `data`, a stream's next bytes, can be redacted and passed on now: all of
        it up to its last newline (no secret holds one), and beyond that all but what could be
        the start of a secret that the next bytes complete."""
        if self._bytes is None:
            return len(data)
        size = len(data)
        cut = max(bytes(data).rfind(b"\n") + 1, size - (self.longest - 1))
        for m in self._bytes.finditer(data, max(0, cut - self.longest)):
            if m.start() < cut < m.end():
                return int(m.start())
        return max(cut, 0)

    def model(self, value: T) -> T:
        """`value` (a pydantic model, or a container of them) with every string scrubbed; enum
        members and numbers are kept as they are."""
        if not self:
            return value
        return _scrub(value, self.text)  # type: ignore[no-any-return]

    def exception(self, exc: BaseException | None) -> None:
        """Scrub the messages and notes of `exc` and of every exception it chains to
        (`__cause__`, `__context__`), so that neither the error line nor a traceback can show a
        secret."""
        if not self:
            return
        seen: set[int] = set()
        stack: list[BaseException | None] = [exc]
        while stack:
            current = stack.pop()
            if current is None or id(current) in seen:
                continue
            seen.add(id(current))
            try:
                text = str(current)
                shown = repr(current.args)
            except Exception:  # a broken __str__: its message is replaced as a whole
                text, shown = "(message not shown)", MASK
            if self.text(text) != text or self.text(shown) != shown:
                current.args = (self.text(text),)
            notes = getattr(current, "__notes__", None)
            if isinstance(notes, list):
                current.__notes__ = [self.text(str(n)) for n in notes]
            stack += [current.__cause__, current.__context__]

    def traceback(self, exc: BaseException) -> str:
        """The traceback of `exc` (with its chain), scrubbed."""
        self.exception(exc)
        return self.text("".join(traceback.format_exception(exc)))


def _scrub(value: Any, scrub: Any) -> Any:
    from pydantic import BaseModel

    if isinstance(value, Enum):
        return value
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, BaseModel):
        changes = {}
        for name in type(value).model_fields:
            old = getattr(value, name)
            new = _scrub(old, scrub)
            if new is not old and new != old:
                changes[name] = new
        return value.model_copy(update=changes) if changes else value
    if isinstance(value, tuple):
        items = tuple(_scrub(v, scrub) for v in value)
        return items if items != value else value
    if isinstance(value, list):
        return [_scrub(v, scrub) for v in value]
    if isinstance(value, dict):
        return {_scrub(k, scrub): _scrub(v, scrub) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return type(value)(_scrub(v, scrub) for v in value)
    return value


def from_environ(environ: Mapping[str, str]) -> Redactor:
    """The redactor of the CI tokens in `environ` (TOKEN_VARIABLES)."""
    found = []
    for name in TOKEN_VARIABLES:
        value = environ.get(name, "").strip()
        if len(value) >= MIN_AMBIENT:
            found.append(value)
    return Redactor(found)


class RedactingReader(io.RawIOBase):
    """A binary stream that reads `raw` with every secret already replaced by MASK. What cannot
    be told yet (the last bytes, which may be the start of a secret) is held back until the next
    read completes it; a newline ends every secret, so whole lines pass at once."""

    def __init__(self, raw: IO[bytes], redactor: Redactor, chunk: int = 1 << 20) -> None:
        super().__init__()
        self._raw = raw
        self._redactor = redactor
        self._pending = bytearray()  # read from raw, not yet redacted
        self._ready = bytearray()  # redacted, not yet returned
        self._eof = False
        self._buffer = bytearray(chunk)
        self._readinto = getattr(raw, "readinto1", None) or raw.readinto  # type: ignore[attr-defined]

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        while not self._ready:
            if self._eof:
                if not self._pending:
                    return 0
                self._ready += self._redactor.data(bytes(self._pending))
                self._pending.clear()
                break
            got = self._readinto(memoryview(self._buffer))
            if not got:
                self._eof = True
                continue
            self._pending += memoryview(self._buffer)[:got]
            safe = self._redactor.safe_length(self._pending)
            if safe:
                self._ready += self._redactor.data(bytes(self._pending[:safe]))
                del self._pending[:safe]
        n = min(len(view), len(self._ready))
        view[:n] = self._ready[:n]
        del self._ready[:n]
        return n

    readinto1 = readinto

    @property
    def unanalysed_bytes(self) -> int:
        """What the stream it reads could not deliver (wrap.Feed), passed on."""
        return int(getattr(self._raw, "unanalysed_bytes", 0))


_current = Redactor()


def install(redactor: Redactor) -> None:
    """Make `redactor` the one every output of this process passes through (`scrub`)."""
    global _current
    _current = redactor


def current() -> Redactor:
    return _current


def protect(secret: str) -> Redactor:
    """Add `secret` to the process's redactor (the token `cgowarn comment` is about to use)."""
    if secret and secret not in _current.secrets:
        install(_current.with_secret(secret))
    return _current


def scrub(text: str) -> str:
    """`text` without any secret of the process's redactor."""
    return _current.text(text)


def install_from_environ() -> Redactor:
    """The redactor of this process's CI tokens, installed."""
    install(from_environ(os.environ))
    return _current
