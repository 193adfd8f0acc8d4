"""Read the ELF files of a directory, an archive or an image on every core, in their order.

Each worker is a forked copy of this process (the knowledge base already loaded, nothing to
pickle but the file's path or bytes one way and its reading the other). At most WINDOW files are
in flight, so memory stays flat however many files there are; results come back in the order the
files were found. An archive's member of BATCH_BYTES or more is read here, between the batches
before and after it, so that its bytes are held once. Fewer than MIN_PARALLEL files, one core, or
a platform without fork: read here, one after the other, with the same results."""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import chain
from typing import TYPE_CHECKING, Any

from cgowarn.errors import CgowarnError

if TYPE_CHECKING:
    from cgowarn.inspect.tree import Member
    from cgowarn.knowledge import KnowledgeBase

MIN_PARALLEL = 16
"""Files below which starting workers costs more than it saves."""
WINDOW_PER_WORKER = 3
"""Batches in flight per worker: enough to keep each busy, few enough to keep memory flat."""
BATCH = 32
"""Files sent to a worker at once."""
BATCH_BYTES = 8 << 20
"""Bytes of archive members sent to a worker at once (a directory's files go by path)."""

Reading = tuple[Any, Any, Any]
"""What inspect_binary returns: (BinaryInfo, hits, GoBuildInfo or None)."""

_KB: KnowledgeBase | None = None
"""The knowledge base a forked worker inherited."""


def read_member(kb: KnowledgeBase, member: Member) -> Reading | CgowarnError:
    """One file's reading, or the error that says why it could not be read."""
    from cgowarn.inspect import inspect_binary
    from cgowarn.inspect.elf import inspect_stream

    try:
        if member.path is not None:
            return inspect_binary(kb, member.path)
        return inspect_stream(kb, member.shown, *member.open())
    except CgowarnError as exc:
        return exc


def _work(batch: list[Member]) -> list[Reading | CgowarnError]:
    assert _KB is not None
    return [read_member(_KB, member) for member in batch]


def _workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _batches(members: Iterator[Member]) -> Iterator[list[Member]]:
    """Members in batches of BATCH files or BATCH_BYTES bytes in memory, whichever is reached
    first: a task per file costs more to send than a small file takes to read."""
    batch: list[Member] = []
    size = 0
    for member in members:
        if _large(member):
            if batch:
                yield batch
            yield [member]
            batch, size = [], 0
            continue
        batch.append(member)
        size += len(member.data or b"")
        if len(batch) >= BATCH or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _large(member: Member) -> bool:
    """An archive's member too large to send to a worker: read here, so that its bytes are in
    memory once, not twice."""
    return len(member.data or b"") >= BATCH_BYTES


def read_all(
    kb: KnowledgeBase, members: Iterable[Member]
) -> Iterator[tuple[Member, Reading | CgowarnError]]:
    """(member, its reading or its error) for every member, in order."""
    global _KB
    found = iter(members)
    first: list[Member] = []
    for member in found:
        first.append(member)
        if len(first) >= MIN_PARALLEL:
            break
    workers = _workers()
    forking = "fork" in multiprocessing.get_all_start_methods()
    if len(first) < MIN_PARALLEL or workers < 2 or not forking:
        for member in chain(first, found):
            yield member, read_member(kb, member)
        return
    _KB = kb
    pending: deque[tuple[list[Member], Future[list[Reading | CgowarnError]]]] = deque()
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for batch in _batches(chain(first, found)):
                if _large(batch[0]):
                    while pending:
                        done, future = pending.popleft()
                        yield from zip(done, future.result(), strict=True)
                    yield batch[0], read_member(kb, batch[0])
                    continue
                pending.append((batch, pool.submit(_work, batch)))
                while len(pending) >= workers * WINDOW_PER_WORKER:
                    done, future = pending.popleft()
                    yield from zip(done, future.result(), strict=True)
            while pending:
                done, future = pending.popleft()
                yield from zip(done, future.result(), strict=True)
    finally:
        _KB = None
