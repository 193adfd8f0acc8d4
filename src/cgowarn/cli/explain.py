"""`cgowarn explain [SYMBOL | MESSAGE]`: the knowledge base, for one function or a pasted message."""

from __future__ import annotations

import click

from cgowarn.cli.boundary import boundary
from cgowarn.cli.group import main
from cgowarn.cli.options import debug_option
from cgowarn.errors import ExitCode


@main.command(short_help="Explain a glibc function's link warning, or a pasted message.")
@boundary
@click.argument("words", nargs=-1, metavar="[SYMBOL | MESSAGE]")
@debug_option
def explain(words: tuple[str, ...]) -> int:
    """Explain one glibc function's link warning (what breaks, why, where it comes from, how to fix
    it), or a pasted message: a glibc link warning, a linker error, or a run-time failure from the
    target host ("FATAL: kernel too old", "version `GLIBC_2.34' not found", a crash). Without an
    argument, list every function cgowarn knows. Names match in any case, with or without quotes.

    \\b
    Examples:
      cgowarn explain getaddrinfo
      cgowarn explain "FATAL: kernel too old"
      cgowarn explain "loadinternal: cannot find runtime/cgo"
      cgowarn explain "warning: Using 'getpwnam_r' in statically linked applications requires ..."
      cgowarn explain
    """
    from cgowarn.cli.options import text_width
    from cgowarn.knowledge import load_knowledge
    from cgowarn.output import write_output
    from cgowarn.pasted import identify, known_items
    from cgowarn.render.explain import explain_text, list_symbols

    kb = load_knowledge()
    text = " ".join(words)
    if not text.strip():
        write_output(list_symbols(kb, text_width()), "-", for_terminal=True)
        return ExitCode.OK
    items = known_items(kb, text, identify(kb, text))
    write_output(explain_text(kb, items, text_width()), "-", for_terminal=True)
    return ExitCode.OK
