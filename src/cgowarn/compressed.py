"""Logs as CI systems store them: gzip, xz, bzip2 or zstd, told by their first bytes (never by the
file's name), read as a stream with bounded memory. A damaged stream is an OSError that says so,
which the log reader turns into the usual "cannot read" error."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import IO, Any

MAGIC: dict[str, bytes] = {
    "gzip": b"\x1f\x8b",  # RFC 1952, section 2.3.1
    "bzip2": b"BZh",  # bzip2's stream header
    "xz": b"\xfd7zXZ\x00",  # The .xz File Format, section 2.1.1.1
    "zstd": b"\x28\xb5\x2f\xfd",  # RFC 8878, section 3.1.1
}
"""Each format's magic number at the start of the stream."""
HEAD = max(len(m) for m in MAGIC.values())


def _head(stream: IO[bytes]) -> bytes:
    """The first bytes of `stream`, without consuming them: as many as one read gives (of a
    pipe: what the writer has written so far, which for a compressor is its whole first block)."""
    peek = getattr(stream, "peek", None)
    if peek is None:
        return b""
    return bytes(peek(HEAD)[:HEAD])


def compression(stream: IO[bytes]) -> str | None:
    """The compression `stream` starts with, or None."""
    head = _head(stream)
    return next((name for name, magic in MAGIC.items() if head.startswith(magic)), None)


def _opener(kind: str) -> Callable[[IO[bytes]], Any]:
    if kind == "gzip":
        import gzip

        return lambda s: gzip.GzipFile(fileobj=s, mode="rb")
    if kind == "bzip2":
        import bz2

        return lambda s: bz2.BZ2File(s)
    if kind == "xz":
        import lzma

        return lambda s: lzma.LZMAFile(s)
    import zstandard

    return lambda s: zstandard.ZstdDecompressor().stream_reader(s, read_across_frames=True)


def _damage() -> tuple[type[BaseException], ...]:
    """The exceptions a damaged stream raises besides OSError."""
    import lzma

    errors: list[type[BaseException]] = [EOFError, lzma.LZMAError]
    try:
        import zstandard

        errors.append(zstandard.ZstdError)
    except ImportError:
        pass
    return tuple(errors)


class _Decompressed(io.RawIOBase):
    """The decompressed bytes of a stream, with a damaged stream raised as OSError."""

    def __init__(self, kind: str, inner: IO[bytes]) -> None:
        self.kind = kind
        self.inner = inner
        self.damage = _damage()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self.inner.read(len(buffer))
        except self.damage as exc:
            raise OSError(f"the {self.kind} data is damaged ({exc})") from None
        except OSError as exc:
            raise OSError(f"the {self.kind} data is damaged ({exc.strerror or exc})") from None
        n = len(data)
        buffer[:n] = data
        return n

    def close(self) -> None:
        try:
            self.inner.close()
        finally:
            super().close()


def decompressed(stream: IO[bytes]) -> tuple[IO[bytes], str | None]:
    """`stream` itself when it is not compressed, else a buffered reader of its decompressed
    bytes; and the compression's name."""
    kind = compression(stream)
    if kind is None:
        return stream, None
    try:
        inner = _opener(kind)(stream)
    except ImportError:
        raise OSError(f"it is {kind}-compressed, and the zstandard package is missing") from None
    return io.BufferedReader(_Decompressed(kind, inner), 1 << 16), kind
