"""The configuration file: found, read, validated into a frozen model, or rejected with a message
that names the file, the key and what was expected.

Where it comes from, first match wins: `--config PATH`; else, from the current directory up to the
repository root (the first directory holding `.git`), the first directory with `.cgowarn.toml`
(top-level keys) or a `pyproject.toml` with a `[tool.cgowarn]` table, `.cgowarn.toml` winning in
the same directory. Outside a repository only the current directory is searched, so that a stray
file in /tmp or the home directory never changes a run. `--no-config` reads none.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from cgowarn.errors import CgowarnError, ConfigError
from cgowarn.formats import OutputFormat

CONFIG_NAME = ".cgowarn.toml"
PYPROJECT = "pyproject.toml"

FailOn = Literal["low", "medium", "high", "never"]


class _Strict(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=False, str_strip_whitespace=False
    )


class SuppressRule(_Strict):
    """One [[suppress]] table: a finding it matches leaves the report, counted, with the reason."""

    symbol: str = Field(min_length=1, description="The libc function, exactly, e.g. getpwnam_r.")
    origin: str | None = Field(
        None,
        min_length=1,
        description="An origin id (patterns/origins.toml), e.g. go:os/user: every origin of the "
        "finding must be this one.",
    )
    object: str | None = Field(
        None,
        min_length=1,
        description="A glob (fnmatch) matched against each occurrence's object and source file, "
        "e.g. *libsqlite3.a*: every kept occurrence must match.",
    )
    reason: str = Field(description="Why the finding does not matter here; shown in every report.")

    @field_validator("reason")
    @classmethod
    def _reason_not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a suppression needs a reason: say why this finding does not matter")
        return value


class ConfigFile(_Strict):
    """The keys of .cgowarn.toml (top level) or of [tool.cgowarn] in pyproject.toml."""

    fail_on: FailOn | None = Field(
        None, alias="fail-on", description="Like --fail-on: low, medium, high or never."
    )
    output: tuple[str, ...] | None = Field(
        None,
        description="Like -o, each [FORMAT:]PATH: the reports written by default; paths are "
        "relative to the current directory, as on the command line.",
    )
    format: OutputFormat | None = Field(None, description="Like --format.")
    target: tuple[str, ...] | None = Field(
        None, description="Like --target: distribution ids (patterns/platforms.toml)."
    )
    baseline: str | None = Field(
        None,
        min_length=1,
        description="Like --baseline: a baseline file, relative to the configuration file.",
    )
    suppress: tuple[SuppressRule, ...] = Field(
        (), description="Suppression rules, tried in order; the first that matches a finding wins."
    )


@dataclass(frozen=True)
class Config:
    """A configuration as read: the validated keys, and the file they came from."""

    values: ConfigFile
    file: str
    """The file, as shown in messages and reports (relative to the current directory when it is
    below it)."""
    directory: Path
    """The directory holding the file: `baseline` is relative to it."""

    @property
    def baseline(self) -> str | None:
        """The baseline file of the configuration, resolved against its directory."""
        if self.values.baseline is None:
            return None
        return str(_shown(self.directory / self.values.baseline))


EMPTY = Config(ConfigFile(), "", Path("."))


def _shown(path: Path) -> str:
    """`path` relative to the current directory when it is inside it, else absolute."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def discover(start: Path | None = None) -> Path | None:
    """The configuration file that applies in `start` (default: the current directory)."""
    here = (start or Path.cwd()).resolve()
    in_repo = any((d / ".git").exists() for d in (here, *here.parents))
    for directory in (here, *here.parents) if in_repo else (here,):
        dotfile = directory / CONFIG_NAME
        if dotfile.is_file():
            return dotfile
        pyproject = directory / PYPROJECT
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
        if (directory / ".git").exists():
            break
    return None


def _has_tool_table(pyproject: Path) -> bool:
    """Whether a pyproject.toml holds [tool.cgowarn]; a file that is not TOML is read, and
    rejected with its line, by `load`."""
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return False
    except (tomllib.TOMLDecodeError, RecursionError):
        try:
            return b"[tool.cgowarn]" in pyproject.read_bytes()
        except OSError:
            return False
    tool = data.get("tool")
    return isinstance(tool, dict) and "cgowarn" in tool


def load(explicit: str | None = None, *, enabled: bool = True) -> Config:
    """The configuration: of `explicit` (--config), else the discovered one; EMPTY when there is
    none or `enabled` is False (--no-config)."""
    if not enabled:
        return EMPTY
    if explicit is not None:
        path = Path(explicit)
        shown = explicit
    else:
        found = discover()
        if found is None:
            return EMPTY
        path, shown = found, _shown(found)
    return parse(path, shown)


def read_text(path: Path, what: str, error: type[CgowarnError], missing: str = "") -> str:
    """The UTF-8 text of a file the user names (a configuration, a baseline); a file that cannot
    be read is `error`, one line naming `what` and why, with `missing` added when it does not
    exist (what to do about it)."""
    from cgowarn.inputs import why_unreadable

    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise error(f"cannot read {what}: {why_unreadable(exc)}{missing}") from None
    except (OSError, ValueError) as exc:
        raise error(f"cannot read {what}: {why_unreadable(exc)}") from None


def parse(path: Path, shown: str) -> Config:
    """Read and validate one configuration file; `shown` is its name in messages."""
    text = read_text(path, f"the configuration {shown}", ConfigError)
    try:
        data: Mapping[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11's tomllib says "(at line L, column C)", or "(at end of document)" with no
        # line: name the last line then.
        where = f"(at the end of the file, line {len(text.splitlines()) or 1})"
        message = str(exc).replace("(at end of document)", where)
        raise ConfigError(f"{shown}: not valid TOML: {message}") from None
    except RecursionError:
        raise ConfigError(f"{shown}: not valid TOML: nested too deeply to read") from None
    table = "[tool.cgowarn]" if path.name == PYPROJECT else ""
    if path.name == PYPROJECT:
        tool = data.get("tool")
        section = tool.get("cgowarn") if isinstance(tool, dict) else None
        if section is None:
            raise ConfigError(f"{shown}: no [tool.cgowarn] table")
        if not isinstance(section, dict):
            raise ConfigError(f"{shown}: tool.cgowarn must be a table")
        data = section
    try:
        values = ConfigFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{shown}: " + "; ".join(_problems(exc, table))) from None
    return Config(values, shown, path.resolve().parent)


_EXPECTED = {
    "fail-on": "one of low, medium, high, never",
    "format": f"one of {', '.join(f.value for f in OutputFormat)}",
    "output": "a list of [FORMAT:]PATH strings",
    "target": "a list of distribution ids",
    "baseline": "a path (a non-empty string)",
    "suppress": "an array of tables ([[suppress]])",
    "symbol": "a libc function name (a non-empty string)",
    "origin": "an origin id such as go:os/user (a non-empty string)",
    "object": "a glob such as *libsqlite3.a* (a non-empty string)",
    "reason": "a non-empty string",
}


def _problems(exc: ValidationError, table: str) -> list[str]:
    """One phrase per problem: the key, where it is (suppress[2]), what is wrong."""
    out: list[str] = []
    for error in exc.errors():
        loc = list(error["loc"])
        where = [table] if table else []
        in_rule = len(loc) >= 2 and loc[0] == "suppress" and isinstance(loc[1], int)
        if in_rule:
            # A location counts list items from 0; a user counts [[suppress]] tables from 1.
            where.append(f"suppress[{int(loc[1]) + 1}]")
            loc = loc[2:]
        in_where = f" in {' '.join(where)}" if where else ""
        key = str(loc[0]) if loc else ""
        if error["type"] == "extra_forbidden":
            names = SuppressRule.model_fields if in_rule else _config_keys()
            out.append(f"unknown key {key!r}{in_where} (known keys: {', '.join(names)})")
        elif error["type"] == "missing":
            what = f": {_EXPECTED[key]}" if key in _EXPECTED else ""
            out.append(f"missing required key {key!r}{in_where}{what}")
        elif key == "reason":
            out.append(
                f"key 'reason'{in_where} is empty: a suppression needs a reason that says why "
                "the finding does not matter"
            )
        else:
            expected = _EXPECTED.get(key, error["msg"])
            value = error.get("input")
            got = "" if isinstance(value, dict | list) else f", got {short_repr(value)}"
            out.append(f"key {key!r}{in_where}: expected {expected}{got}")
    return out


def short_repr(value: object, limit: int = 60) -> str:
    """`value` for a message: its repr, cut to `limit` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _config_keys() -> list[str]:
    return [field.alias or name for name, field in ConfigFile.model_fields.items()]
