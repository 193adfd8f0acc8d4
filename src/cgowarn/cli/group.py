"""The command group: `cgowarn [OPTIONS] [LOG]...` runs `analyze`, other first words name a
subcommand; the help texts every command shares (exit codes, environment)."""

from __future__ import annotations

from typing import Any

import click

from cgowarn import __version__
from cgowarn.cli.boundary import interrupted, reserve_standard_descriptors, set_sigint
from cgowarn.errors import ExitCode

EXIT_CODES = f"""\b
Exit codes:
  {ExitCode.OK:<4} nothing at or above --fail-on (with --baseline: nothing new)
  {ExitCode.FINDINGS:<4} at least one finding at or above --fail-on (with --baseline: a new
       one; suppressed findings never count), or a run-time failure ("FATAL: kernel
       too old", "GLIBC_x.y not found", a crash) or Go's "loadinternal: cannot find
       runtime/cgo" in the log (not with --fail-on never)
  {ExitCode.USAGE:<4} usage error, unreadable input (closed standard input, an empty path),
       --output naming an input, an invalid configuration file (.cgowarn.toml,
       [tool.cgowarn], --config) or baseline file, or invalid knowledge base
  {ExitCode.OUTPUT:<4} the report could not be written (standard output closed from the start,
       a directory or a block device given to --output)
  {ExitCode.INTERNAL:<4} internal error (a bug: please report it)
  {ExitCode.API:<4} cgowarn comment: the GitHub or GitLab API refused or failed a request (bad
       token, missing permission, unknown pull request, rate limited too long)
  {ExitCode.INTERRUPTED:<4} interrupted (Ctrl-C)
  {ExitCode.PIPE_CLOSED:<4} standard output closed early (e.g. by `| head`)
"""

EPILOG = (
    """\b
Examples:
  go build -ldflags '-linkmode external -extldflags "-static"' 2>&1 | cgowarn
  cgowarn build.log
  cgowarn --format html -o report.html build.log
  cgowarn --format markdown build.log > comment.md
  cgowarn --format json build.log | jq '.findings[].symbol'
  cgowarn -o cgowarn.sarif -o gitlab:gl-code-quality-report.json -o junit.xml build.log
  cgowarn --format github --summary build.log     # GitHub annotations and job summary
  cgowarn --fail-on medium build.log || echo "static-link problems"
  make 2>&1 | cgowarn --pass-through -o report.md    # build output on screen, report in a file
  cgowarn baseline -o cgowarn-baseline.json build.log   # record today's findings
  cgowarn --baseline cgowarn-baseline.json build.log   # then fail only on new ones

"""
    + EXIT_CODES
    + """
\b
Environment:
  NO_COLOR            no colour in text output when set and not empty; TERM=dumb too
  FORCE_COLOR, CLICOLOR_FORCE
                      colour even when not on a terminal, when set and not 0
                      (NO_COLOR and --no-color win)
  GITHUB_TOKEN, GH_TOKEN, GITLAB_TOKEN, CI_JOB_TOKEN, ACTIONS_RUNTIME_TOKEN,
  ACTIONS_ID_TOKEN_REQUEST_TOKEN
                      their values (8 characters or more) are masked as *** in every
                      report, message and --pass-through copy, in every encoding
"""
)


class DefaultGroup(click.Group):
    """`cgowarn [OPTIONS] [LOG]...` runs `analyze`; other words name a subcommand."""

    default_command = "analyze"

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """The console script's entry point (and CliRunner's): from here on, Ctrl-C anywhere
        outside a command's own work is one line and 130 (`boundary.interrupted`), never click's
        "Aborted!"."""
        reserve_standard_descriptors()
        previous = set_sigint(interrupted)
        try:
            return super().main(*args, **kwargs)
        finally:
            if previous is not None:
                set_sigint(previous)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        implied = not args or (
            args[0] not in self.commands and args[0] not in ("--help", "-h", "--version", "-V")
        )
        if not args and ctx.resilient_parsing:
            implied = False  # completing the first word: the subcommands, and files
        ctx.meta["cgowarn.implied"] = implied
        if implied and args:
            self._mistyped(ctx, args[0])
        if implied:
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[Any]:
        """The first word completes as a subcommand, or as a file (a log for `analyze`)."""
        from click.shell_completion import CompletionItem

        items = list(super().shell_complete(ctx, incomplete))
        if not incomplete.startswith("-"):
            items.append(CompletionItem(incomplete, type="file"))
        return items

    def _mistyped(self, ctx: click.Context, word: str) -> None:
        """A first word that is no file but close to a subcommand's name (`cgowarn inpsect`) is a
        typo, not a log: say so, as click does for a group."""
        import difflib
        import os

        if word.startswith("-") or os.path.lexists(word) or not word.isidentifier():
            return
        close = difflib.get_close_matches(word, list(self.commands), n=1, cutoff=0.7)
        if close:
            ctx.fail(f"No such command {word!r} (and no such file). Did you mean {close[0]!r}?")

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            # `cgowarn --bogus` is a mistake in `cgowarn`, not in a subcommand the user never
            # typed: show cgowarn's usage and point at `cgowarn --help`.
            if ctx.meta.get("cgowarn.implied") and exc.ctx is not None and exc.ctx.parent is ctx:
                command = self.commands[self.default_command]
                exc.ctx = click.Context(
                    command, info_name=ctx.info_name, help_option_names=["-h", "--help"]
                )
            raise

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        command = self.commands[self.default_command]
        with click.Context(command, info_name=ctx.info_name, parent=None) as sub:
            command.format_help(sub, formatter)
        others = [
            (name, cmd.get_short_help_str())
            for name, cmd in self.commands.items()
            if name != self.default_command
        ]
        if others:
            with formatter.section("Other commands"):
                formatter.write_dl(others)


@click.group(
    name="cgowarn", cls=DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(
    __version__, "-V", "--version", prog_name="cgowarn", message="%(prog)s %(version)s"
)
def main() -> None:
    """Explain glibc static-link warnings in build logs."""
