"""Command line: one module per command, the options they share (options.py), the error boundary
(boundary.py) and the report flow they run (flow.py).

Only click and the light modules (enums, formats, errors) are imported at start-up; the pipeline,
pydantic and jinja2 are imported when a command runs, so that --help and --version stay fast. The
boundary is imported first: it takes Ctrl-C before anything else is loaded.
"""

# ruff: noqa: I001, F401 - the order is the point: the boundary first, then the commands, each of
# which registers itself with `main`.

from cgowarn.cli import boundary
from cgowarn.cli.group import main
from cgowarn.cli import analyze, baseline, comment, explain, inspect, run, schema

__all__ = ["main"]
