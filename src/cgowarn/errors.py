"""The one exception family of cgowarn and the exit codes the CLI maps it to.

Every error a user can cause or meet is a CgowarnError subclass defined here, with the exit code it
maps to; the CLI's error boundary (cli.py) turns it into one line on standard error. Anything else
that escapes is a bug and exits with INTERNAL.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes, documented in the README and in `cgowarn --help`."""

    OK = 0
    """Nothing at or above the --fail-on threshold."""
    FINDINGS = 1
    """At least one finding at or above the --fail-on threshold (with a baseline: a new one; a
    suppressed finding never counts), or a diagnostic that the knowledge base marks as a gate (a
    run-time failure); not with --fail-on never."""
    USAGE = 2
    """Bad usage, unreadable input, an invalid configuration file or baseline, or an invalid
    knowledge base."""
    OUTPUT = 3
    """The report could not be written (disk full, permission denied, missing directory)."""
    INTERNAL = 4
    """A bug in cgowarn: an unexpected exception. The message asks for a bug report."""
    API = 5
    """`cgowarn comment`: the GitHub or GitLab API refused or failed the request (a bad token, a
    missing permission, an unknown pull request, a body it rejects, a server that stays down or
    rate-limits for longer than cgowarn waits). The message says what to check."""
    CANNOT_EXECUTE = 126
    """`cgowarn run`: the build command was found but could not be executed, as shells say."""
    NOT_FOUND = 127
    """`cgowarn run`: the build command was not found, as shells say."""
    INTERRUPTED = 130
    """Interrupted by Ctrl-C (SIGINT); 128 + SIGINT, as the shell reports it."""
    PIPE_CLOSED = 141
    """Standard output was closed before everything was written (`| head`); 128 + SIGPIPE, as
    the shell reports a tool that SIGPIPE stopped."""


class CgowarnError(Exception):
    """Base class: a message for the user, and the exit code it maps to."""

    exit_code: ExitCode = ExitCode.USAGE


class InputError(CgowarnError):
    """A log or binary could not be read."""


class UsageError(CgowarnError):
    """An option value cgowarn cannot use (an unknown --target, an unknown symbol to explain)."""


class UnknownTargetError(UsageError):
    """--target names no distribution in patterns/platforms.toml."""


class UnknownSymbolError(UsageError):
    """`cgowarn explain NAME` for a name the knowledge base does not list."""


class ConfigError(CgowarnError):
    """A configuration file (.cgowarn.toml, [tool.cgowarn] in pyproject.toml, --config PATH) cannot
    be read or is invalid: not TOML, an unknown key, a value of the wrong type, a suppression
    without a reason. The message names the file, the key (and the table, e.g. suppress[2]) and
    what was expected. Exit 2."""


class BaselineError(CgowarnError):
    """A baseline file (--baseline, or `baseline` in the configuration) is missing, unreadable,
    not a cgowarn baseline, or records fingerprints of another scheme. The message names the file
    and what is wrong. Exit 2."""


class KnowledgeBaseError(CgowarnError):
    """A file in patterns/ is missing or invalid; the message names the file and the entry."""


class OutputError(CgowarnError):
    """The report could not be written."""

    exit_code = ExitCode.OUTPUT


class ApiError(CgowarnError):
    """`cgowarn comment`: a request to the GitHub or GitLab API failed. The message names the
    request, the status and what to check; it never holds the token. Exit 5."""

    exit_code = ExitCode.API


class GoInfoError(ValueError):
    """A Go binary's build information is not in a format the reader understands. Not a
    CgowarnError: the binary's report says what could not be read, and the run goes on."""


class DamagedElf(ValueError):
    """Part of an ELF file is not what its headers say (a count its bytes cannot hold, an offset
    past the end, a chain that loops). Not a CgowarnError: the binary's report says what could not
    be read, and the run goes on."""
