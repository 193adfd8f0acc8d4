"""The one exception family of cgowarn and the exit codes the CLI maps it to."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes, documented in the README."""

    OK = 0
    """Nothing at or above the --fail-on threshold."""
    FINDINGS = 1
    """At least one finding at or above the --fail-on threshold."""
    USAGE = 2
    """Bad usage, unreadable input, or an invalid knowledge base."""
    PIPE_CLOSED = 141
    """Standard output was closed before everything was written (`| head`); 128 + SIGPIPE, as
    the shell reports a tool that SIGPIPE stopped."""


class CgowarnError(Exception):
    """Base class: a message for the user, and the exit code it maps to."""

    exit_code: ExitCode = ExitCode.USAGE


class InputError(CgowarnError):
    """A log or binary could not be read."""


class KnowledgeBaseError(CgowarnError):
    """A file in patterns/ is missing or invalid; the message names the file and the entry."""


class OutputError(CgowarnError):
    """The report could not be written."""
