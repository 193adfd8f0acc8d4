"""`cgowarn schema`: the JSON Schema of the JSON report."""

from __future__ import annotations

from cgowarn.cli.boundary import boundary
from cgowarn.cli.group import main
from cgowarn.cli.options import debug_option
from cgowarn.errors import ExitCode

DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema dialect pydantic writes (its GenerateJsonSchema targets draft 2020-12)."""


@main.command(short_help="Print the JSON Schema of the --format json report.")
@boundary
@debug_option
def schema() -> int:
    """Print the JSON Schema of the --format json report."""
    import json

    from cgowarn.model import Report
    from cgowarn.output import write_output

    document = {"$schema": DIALECT, **Report.model_json_schema()}
    write_output(json.dumps(document, indent=2, sort_keys=True) + "\n", "-")
    return ExitCode.OK
