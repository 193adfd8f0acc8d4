"""`cgowarn run -- CMD`: run a build, pass its output through unchanged, and analyse that output
at the same time.

The main thread is the tee: it reads the build's two pipes as data arrives and writes each chunk,
unchanged, to cgowarn's own standard output or standard error before anything else happens to
it. Then it hands the chunk to the analysis, which runs in a second thread and reads a bounded
queue as if it were a log file. The build never waits for the analysis: the queue holds at most
QUEUE_CHUNKS chunks, and when the analysis falls that far behind, the tee goes on passing the
output through and drops what the queue cannot take (whole lines), counting it: the report says
how much was not analysed. When the analysis stops, by an exception or at its end, the queue is
drained from then on.

The run ends with the build's own process: once it has exited, what its pipes still hold is read
for at most GRACE seconds, so that a background process the build left behind with the pipes open
(`sh -c 'daemon & make'`) cannot keep cgowarn, and the CI job, waiting. The analysis then gets
ANALYSIS_WAIT seconds to finish what it was given.

Signals: the build stays in cgowarn's process group, so a terminal's Ctrl-C (SIGINT), Ctrl-\\
(SIGQUIT) and hang-up (SIGHUP) reach it directly. While it runs, cgowarn blocks these and SIGTERM
and takes them in a thread with sigtimedwait: a signal that the kernel sent (si_code SI_KERNEL:
the terminal, which signals the whole foreground group) is only noted; one that a process sent
(`kill PID`, si_code <= 0) is passed on to the build. Either way cgowarn goes on: it waits for the
build, reads the rest of its output, writes the reports, and exits with 128 + the signal.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import queue
import select
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cgowarn.errors import ExitCode

CHUNK = 1 << 20
"""Bytes read from a pipe at a time (at most)."""
QUEUE_CHUNKS = 16
"""Chunks the tee may be ahead of the analysis: at most QUEUE_CHUNKS * CHUNK bytes held; beyond,
output is passed through but not analysed."""
GRACE = 1.0
"""Seconds the pipes are still read once the build's process has exited."""
ANALYSIS_WAIT = 120.0
"""Seconds the analysis may take, once the build has ended, to finish the output it was given."""
POLL = 0.1
"""Seconds between looks at whether the build's process has exited, while its pipes are quiet."""
PIPE_SIZE = 1 << 20
"""Asked of the kernel for the build's pipes (Linux F_SETPIPE_SZ; the default is 64 KiB): fewer
reads and fewer switches between the build and cgowarn when it prints fast."""
F_SETPIPE_SZ = 1031
SIGNAL_BASE = 128
"""A shell reports a process that signal N ended as 128 + N."""
SI_KERNEL = 0x80
"""Linux's si_code of a signal the kernel sent (the terminal driver's SIGINT, SIGQUIT, SIGHUP)."""
SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT})
"""Signals that end a build: taken by cgowarn while the build runs, passed on when sent to
cgowarn alone."""


class Feed:
    """The build's output as the analysis reads it: a binary stream (`readinto`) over a bounded
    queue of chunks that the tee fills. Each chunk holds whole lines of one of the two streams
    (see `LineSplitter`), so that a line on standard error never lands inside a half-written line
    of standard output."""

    def __init__(self, maxsize: int = QUEUE_CHUNKS) -> None:
        self._queue: queue.Queue[memoryview | None] = queue.Queue(maxsize)
        self._chunk = memoryview(b"")
        self._eof = False
        self._closed = False
        self.unanalysed_bytes = 0
        """Bytes dropped because the analysis was behind (read by the analysis at its end)."""

    # The tee's side.

    def put(self, data: memoryview) -> None:
        """Queue a chunk, or drop it (counted) when the queue is full: never waits."""
        if data:
            try:
                self._queue.put_nowait(data)
            except queue.Full:
                self.unanalysed_bytes += len(data)

    def close(self) -> None:
        """The build's output has ended. Never waits: the analysis sees the end once it has
        taken what is queued."""
        self._closed = True
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(None)

    def _take(self) -> memoryview | None:
        """The next chunk; None at the end."""
        while True:
            try:
                return self._queue.get(timeout=POLL)
            except queue.Empty:
                if self._closed:
                    return None

    # The analysis's side.

    def readinto(self, buffer: memoryview) -> int:
        while not self._chunk:
            if self._eof:
                return 0
            item = self._take()
            if item is None:
                self._eof = True
                return 0
            self._chunk = item
        n = min(len(buffer), len(self._chunk))
        buffer[:n] = self._chunk[:n]
        self._chunk = self._chunk[n:]
        return n

    def discard_rest(self) -> None:
        """Take and drop everything up to the end, so that the tee never waits on an analysis
        that has stopped."""
        self._chunk = memoryview(b"")
        while not self._eof:
            self._eof = self._take() is None


class LineSplitter:
    """Cuts one stream's chunks at its last newline, keeping the unfinished line for the next
    chunk (up to `limit` bytes: a longer line is passed on as it is; the reader cuts it anyway)."""

    def __init__(self, limit: int = 1 << 16) -> None:
        self._tail: list[memoryview] = []
        self._size = 0
        self._limit = limit

    def whole_lines(self, data: bytes) -> list[memoryview]:
        view = memoryview(data)
        end = data.rfind(b"\n") + 1
        if end == 0:
            self._tail.append(view)
            self._size += len(view)
            if self._size <= self._limit:
                return []
            end = len(view)
            self._tail.pop()
        out, self._tail = [*self._tail, view[:end]], ([view[end:]] if end < len(view) else [])
        self._size = len(view) - end
        return out

    def rest(self) -> list[memoryview]:
        """At the end of the stream: the unfinished last line, given a newline."""
        if not self._tail:
            return []
        out, self._tail, self._size = [*self._tail, memoryview(b"\n")], [], 0
        return out


@dataclass
class BuildResult:
    """How a wrapped build ended."""

    status: int
    """Its exit status as a shell reports it: 128 + N when signal N ended it."""
    signals: list[int] = field(default_factory=list)
    """The ending signals cgowarn received while the build ran, in order."""
    at_line_start: bool = True
    """Whether the build's output, as it was passed through, ended with a newline (or was
    empty)."""
    lost: list[str] = field(default_factory=list)
    """cgowarn's own streams that could not be written to (besides a closed pipe), one line
    each."""


def start(argv: Sequence[str]) -> subprocess.Popen[bytes]:
    """Start the build with its standard output and error on pipes; OSError when it cannot run."""
    proc = subprocess.Popen(list(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
    for pipe in (proc.stdout, proc.stderr):
        assert pipe is not None
        with contextlib.suppress(OSError):
            fcntl.fcntl(pipe.fileno(), F_SETPIPE_SZ, PIPE_SIZE)
    return proc


def run(
    argv: Sequence[str], analysis: Callable[[Feed], Any], ignored: frozenset[int] = frozenset()
) -> tuple[BuildResult, Any, BaseException | None]:
    """Run the build, tee its output to cgowarn's standard output and error and to `analysis`
    (called in a thread with the Feed); return how the build ended, what the analysis returned,
    and the exception it raised, if any. OSError when the build cannot be started.

    `ignored`: signals that cgowarn was started with ignored (`nohup`, a background job of a
    non-interactive shell); the build is started with them ignored too, as it would be without
    cgowarn, and cgowarn does not take them."""
    early: list[int] = []
    taken = frozenset(s for s in SIGNALS if s not in ignored)
    previous = {s: signal.getsignal(s) for s in SIGNALS}
    for s in SIGNALS:
        signal.signal(s, signal.SIG_IGN if s in ignored else lambda signum, _: early.append(signum))
    try:
        proc = start(argv)
    except BaseException:
        for s, handler in previous.items():
            signal.signal(s, handler)
        raise
    # Blocked from here: the threads started below inherit the mask, and the signal thread takes
    # them. (Blocked before the start, they would stay blocked in the build.)
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, taken)
    result = BuildResult(status=0)
    for signum in early:  # arrived while the build was being started: it may have missed them
        result.signals.append(signum)
        _forward(proc, signum)
    stop = threading.Event()
    watcher = threading.Thread(
        target=_take_signals,
        args=(proc, taken, result.signals, stop),
        name="cgowarn-signals",
        daemon=True,
    )
    watcher.start()
    feed = Feed()
    outcome: dict[str, Any] = {}

    def analyse() -> None:
        try:
            outcome["report"] = analysis(feed)
        except BaseException as exc:  # reported by the caller once the build has ended
            outcome["error"] = exc
        finally:
            feed.discard_rest()

    worker = threading.Thread(target=analyse, name="cgowarn-analysis", daemon=True)
    worker.start()
    try:
        _tee(proc, feed, result)
        status = proc.wait()
    finally:
        stop.set()
        watcher.join()
        worker.join(ANALYSIS_WAIT)
        if worker.is_alive():
            outcome.setdefault(
                "error",
                TimeoutError(
                    f"the analysis did not finish within {ANALYSIS_WAIT:.0f} s of the build's end"
                ),
            )
            outcome.pop("report", None)
        _take_pending(taken, result.signals)
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
        for s, handler in previous.items():
            signal.signal(s, handler)
    result.status = SIGNAL_BASE - status if status < 0 else status
    return result, outcome.get("report"), outcome.get("error")


def _forward(proc: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(OSError):
        proc.send_signal(signum)


def _take_signals(
    proc: subprocess.Popen[bytes], taken: frozenset[int], received: list[int], stop: threading.Event
) -> None:
    while not stop.is_set():
        info = signal.sigtimedwait(taken, 0.1)
        if info is None:
            continue
        received.append(info.si_signo)
        if info.si_code != SI_KERNEL:  # sent to cgowarn by a process, not by the terminal
            _forward(proc, info.si_signo)


def _take_pending(taken: frozenset[int], received: list[int]) -> None:
    """Signals that arrived after the last look: noted, so that unblocking them cannot end
    cgowarn before the reports are written."""
    while (info := signal.sigtimedwait(taken, 0)) is not None:
        received.append(info.si_signo)


def _tee(proc: subprocess.Popen[bytes], feed: Feed, result: BuildResult) -> None:
    """Copy both pipes to file descriptors 1 and 2 as data arrives, then to the feed; close the
    feed at the end of both. A closed standard output or error (`| head`) closes the build's
    pipe, so that the build meets the closed pipe as it would without cgowarn; the analysis
    still gets what came before."""
    assert proc.stdout is not None and proc.stderr is not None
    targets = {proc.stdout.fileno(): 1, proc.stderr.fileno(): 2}
    pipes = {proc.stdout.fileno(): proc.stdout, proc.stderr.fileno(): proc.stderr}
    splitters = {fd: LineSplitter() for fd in targets}
    poller = select.poll()
    for fd in targets:
        poller.register(fd, select.POLLIN)
    writable = {1: True, 2: True}
    deadline: float | None = None

    def finish(fd: int) -> None:
        """Stop reading pipe `fd`; its unfinished last line goes to the analysis."""
        poller.unregister(fd)
        del targets[fd]
        pipes[fd].close()
        for piece in splitters[fd].rest():
            feed.put(piece)

    try:
        while targets:
            if deadline is None and proc.poll() is not None:
                # The build has exited: what is left in its pipes is read for GRACE seconds; a
                # process it left behind with them open does not hold the run.
                deadline = time.monotonic() + GRACE
            if deadline is not None and time.monotonic() >= deadline:
                for fd in list(targets):
                    finish(fd)
                break
            wait = POLL if deadline is None else max(0.0, deadline - time.monotonic())
            for fd, _ in poller.poll(wait * 1000):
                if fd not in targets:
                    continue
                data = os.read(fd, CHUNK)
                out = targets[fd]
                if not data:
                    finish(fd)
                    continue
                closed = False
                if writable[out]:
                    try:
                        _write_all(out, data)
                        result.at_line_start = data.endswith(b"\n")
                    except BrokenPipeError:
                        writable[out] = False
                        closed = True
                    except OSError as exc:
                        writable[out] = False
                        name = "standard output" if out == 1 else "standard error"
                        result.lost.append(f"cannot write to {name}: {exc.strerror or exc}")
                for piece in splitters[fd].whole_lines(data):
                    feed.put(piece)
                if closed:
                    finish(fd)  # the build now meets a closed pipe, as it would alone
    finally:
        feed.close()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        try:
            n = os.write(fd, view)
        except BlockingIOError:  # a descriptor someone else made non-blocking
            select.select([], [fd], [])
            continue
        except InterruptedError:
            continue
        view = view[n:]


def describe_oserror(command: str, exc: OSError) -> tuple[str, ExitCode]:
    """The one line and the exit status for a build that could not be started, as shells say
    it: NOT_FOUND (127), CANNOT_EXECUTE (126) when found but not executable."""
    if isinstance(exc, FileNotFoundError):
        return f"{command}: command not found", ExitCode.NOT_FOUND
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"{command}: permission denied (not executable)", ExitCode.CANNOT_EXECUTE
    if exc.errno == errno.ENOEXEC:
        return (
            f"{command}: cannot execute (not a program or script with #!)",
            ExitCode.CANNOT_EXECUTE,
        )
    return f"{command}: cannot execute: {exc.strerror or exc}", ExitCode.CANNOT_EXECUTE


def failed_status(result: BuildResult) -> int:
    """The status `cgowarn run` exits with because of the build: the build's own when it failed,
    else 128 + the first ending signal cgowarn received (and passed on), else 0."""
    return result.status or (SIGNAL_BASE + result.signals[0] if result.signals else 0)
