"""The one error boundary of every command, and what cgowarn says on standard error.

Every command runs inside `boundary`, which turns every way a run can end into a documented exit
code and one line on standard error (`cgowarn: error: ...`): its own return value, a CgowarnError
(its code), a closed pipe (141), Ctrl-C (130), or anything else, a bug (4, one line asking for a
report; --debug shows the traceback). Nothing it prints holds a secret or a control character.

Ctrl-C is handled before click and the rest are imported: importing them takes long enough (tens
of milliseconds) for a Ctrl-C to land in it, so this module is imported first and stays light.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from cgowarn import __version__
from cgowarn.errors import CgowarnError, ExitCode
from cgowarn.formats import PROJECT_URL

F = TypeVar("F", bound=Callable[..., Any])

BUG_REPORTS = f"{PROJECT_URL}/issues"
MAX_MESSAGE = 1000
"""Characters of one message line on standard error: a 50 MB value quoted in an error is cut."""


def interrupted(signum: int, frame: Any) -> None:
    """SIGINT outside a command's own work: while Python imports cgowarn and click, while click
    reads the options, or after the report. One line and 130, never an import traceback or
    click's "Aborted!" and 1. (Inside a command, `boundary` lets Ctrl-C raise KeyboardInterrupt,
    so that files being written are cleaned up, and maps it to the same line and code.)"""
    with contextlib.suppress(OSError):
        os.write(2, b"cgowarn: interrupted\n")
    raise SystemExit(ExitCode.INTERRUPTED)


def _started_as_cgowarn() -> bool:
    """Whether this process is cgowarn itself: the `cgowarn` console script, or `python -m
    cgowarn`; not a program (a test run) that imports the module."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    if spec is not None:
        return bool(spec.name == "cgowarn.__main__")
    return os.path.basename(sys.argv[0] if sys.argv else "") == "cgowarn"


def set_sigint(handler: Any) -> Any:
    """Install `handler` for SIGINT and return the previous one; None where that is not possible
    (not the main thread)."""
    try:
        return signal.signal(signal.SIGINT, handler)
    except ValueError:
        return None


SIGINT_IGNORED_AT_START = signal.getsignal(signal.SIGINT) is signal.SIG_IGN
"""Whether cgowarn was started with Ctrl-C ignored (a background job of a non-interactive shell):
`cgowarn run` starts the build the same way. Taken before the line below replaces the handler."""

if _started_as_cgowarn():
    set_sigint(interrupted)


def reserve_standard_descriptors() -> None:
    """Open /dev/null on standard input, output or error if the process started with it closed
    (`cgowarn <&-`): otherwise the next file cgowarn opens would get its number, and a write
    meant for the terminal could land in it. sys.stdin/stdout/stderr stay None, which is how the
    commands know that it was closed."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                null = os.open(os.devnull, os.O_RDWR)
            except OSError:
                return
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


def silence_stdout() -> None:
    """Point standard output at /dev/null, so that Python's flush at exit cannot fail again."""
    if sys.stdout is None:
        return
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@contextlib.contextmanager
def _interruptible() -> Iterator[None]:
    """Within: Ctrl-C raises KeyboardInterrupt (so that `with` and `finally` clean up, e.g. a
    report's temporary file); outside, `interrupted` ends the run."""
    previous = set_sigint(signal.default_int_handler)
    try:
        yield
    finally:
        if previous is not None:
            set_sigint(previous)


def boundary(fn: F) -> F:
    """Run a command (its keyword `debug`: --debug) and map how it ends to an exit code."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> None:
        import click

        from cgowarn import secrets

        debug = bool(kwargs.pop("debug", False))
        secrets.install_from_environ()
        try:
            with _interruptible():
                code = fn(*args, **kwargs)
        except CgowarnError as exc:
            secrets.current().exception(exc)
            _fail(f"error: {exc}", exc.exit_code, debug)
        except BrokenPipeError:
            # The reader of standard output has gone (`cgowarn -p build.log | head`): stop
            # quietly, as a tool killed by SIGPIPE would.
            silence_stdout()
            sys.exit(ExitCode.PIPE_CLOSED)
        except KeyboardInterrupt:
            _fail("interrupted", ExitCode.INTERRUPTED, debug)
        except (click.exceptions.Exit, click.ClickException):
            raise
        except Exception as exc:  # the one place where anything unexpected ends up
            secrets.current().exception(exc)
            _fail(*describe_error(exc), debug)
        sys.exit(code or ExitCode.OK)

    return run  # type: ignore[return-value]


def describe_error(exc: BaseException) -> tuple[str, ExitCode]:
    """The one line (after "cgowarn: ") and the exit code for an exception that ended a command."""
    if isinstance(exc, CgowarnError):
        return f"error: {exc}", exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted", ExitCode.INTERRUPTED
    return (
        f"internal error: {type(exc).__name__}: {exc}. This is a bug in cgowarn "
        f"{__version__}; please report it at {BUG_REPORTS} (run again with --debug "
        "for the traceback).",
        ExitCode.INTERNAL,
    )


def _fail(message: str, code: ExitCode, debug: bool) -> None:
    from cgowarn import secrets
    from cgowarn.render.safety import visible

    if debug:
        exc = sys.exc_info()[1]
        if exc is not None:
            lines = secrets.current().traceback(exc).splitlines()
            with contextlib.suppress(OSError, ValueError):
                sys.stderr.write("".join(visible(line) + "\n" for line in lines))
    _say(message)
    if code is ExitCode.OUTPUT:
        silence_stdout()
    sys.exit(code)


def shown_line(message: str) -> str:
    """A message as it may reach a terminal or a CI log: no secret, no control or bidi character
    (written as <U+XXXX>, so no escape sequence acts), one line, at most MAX_MESSAGE characters."""
    from cgowarn import secrets
    from cgowarn.render.safety import visible
    from cgowarn.words import cut

    return cut(visible(secrets.scrub(message)), MAX_MESSAGE)


def _say(message: str) -> None:
    import click

    with contextlib.suppress(OSError, ValueError):
        click.echo(f"cgowarn: {shown_line(message)}", err=True)


def note(message: str) -> None:
    """One line for the user on standard error (never in a report)."""
    _say(message)


def note_wrapped(message: str) -> None:
    """`message` for the user on standard error: on a terminal wrapped to its width (as the text
    report wraps, each continuation under the first line's text), else `note`'s one line, as a
    CI log or a grep wants it."""
    import shutil
    import sys

    import click

    from cgowarn.cli.options import FILE_WIDTH
    from cgowarn.render.text import wrap_words

    try:
        terminal = sys.stderr.isatty()
    except (AttributeError, ValueError):
        terminal = False
    if not terminal:
        note(message)
        return
    width = max(shutil.get_terminal_size((FILE_WIDTH, 24)).columns, 40)
    prefix = "cgowarn: "
    lines = wrap_words(shown_line(message), width, prefix, " " * (len(prefix) + 2))
    with contextlib.suppress(OSError, ValueError):
        click.echo("\n".join(lines), err=True)
