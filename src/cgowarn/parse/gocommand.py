"""A `go build` / `go install` command from a log, as validated parts, and the commands derived from
it for a recommendation.

A log is untrusted: a recommended command is never copied from it. The command is split into
environment assignments, the go verb, its flags and its package arguments; only flags that change
what is built are kept (not -toolexec or -exec, which run programs), only package patterns and Go
file names are kept as arguments, and anything after them (`; curl ... | sh`) is dropped. The
command is then written again from those parts, each quoted for the shell.

Flag forms follow `go help build`: `-flag value`, `-flag=value`, one or two dashes. -ldflags holds
the linker's own flags, split like cmd/go splits them (quoted fields, str.SplitQuotedFields).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, replace

import regex

from cgowarn import regexes

# go help build: flags that take a value, and boolean flags, that are safe to carry over.
_VALUE_FLAGS = frozenset(
    {"o", "p", "tags", "ldflags", "gcflags", "asmflags", "mod", "buildmode", "buildvcs", "pgo"}
)
_BOOL_FLAGS = frozenset({"a", "v", "x", "trimpath", "race", "msan", "asan", "work", "linkshared"})
# Flags that take a value but are not carried over: they run programs or redirect the build.
_DROPPED_VALUE_FLAGS = frozenset(
    {
        "toolexec",
        "exec",
        "overlay",
        "modfile",
        "C",
        "pkgdir",
        "installsuffix",
        "compiler",
        "gccgoflags",
        "covermode",
        "coverpkg",
        "json",
    }
)
_ENV = regexes.compile(
    "parse.gocommand.ENV",
    r"^(?P<name>[A-Z_][A-Z0-9_]*+)=(?P<value>.*+)$",
    regex.DOTALL,
    anchored=True,
)
_LIST_SEPARATOR = regexes.compile("parse.gocommand.LIST_SEPARATOR", r"[,\s]++")
_PLAIN = regexes.compile("parse.gocommand.PLAIN", r"^[\w./+~@-]++$", anchored=True)
_PACKAGE = regexes.compile(
    "parse.gocommand.PACKAGE",
    # Possessive: `/...` is one more path element, never a choice between two readings.
    r"^(?:\.{1,2}+(?:/[\w.+~@-]++)*+|[\w.+~@-]++(?:/[\w.+~@-]++)*+|all|std|cmd)$",
    anchored=True,
)
_SHELL_END = frozenset({";", "&&", "||", "|", "&", ">", ">>", "<", "2>&1", "2>", "1>"})
# cmd/link flags kept inside -ldflags (go tool link -help); the value-taking ones with their value.
_LINK_VALUE_FLAGS = frozenset({"X", "linkmode", "extldflags", "buildid", "buildmode", "B", "r"})
_LINK_BOOL_FLAGS = frozenset({"s", "w", "v", "d", "race", "msan", "asan", "linkshared"})
# What -extldflags may carry over: static/PIE switches, libraries and library paths, a linker.
_EXTLD_TOKEN = regexes.compile(
    "parse.gocommand.EXTLD_TOKEN",
    r"^-(?:static|static-pie|pie|no-pie|pthread|l[\w+.-]+|L[\w/.+-]+|fuse-ld=(?:bfd|gold|lld|mold))$",
    anchored=True,
)
DEFAULT_PACKAGES = ("./...",)
MAX_COMMAND = 8192
"""Longer lines are not read as a go command: shlex's cost grows faster than the line, and no
real go build command line is that long."""


def _read_flag(
    tokens: list[str], i: int, bools: frozenset[str], values: frozenset[str]
) -> tuple[str | None, str | None, int]:
    """The Go flag at tokens[i] (`-name`, `-name=value` or `-name value`): its name (None when it
    is none of `bools` and `values`), its value (None for a boolean flag) and the index after it."""
    name, eq, value = tokens[i].lstrip("-").partition("=")
    i += 1
    if name in bools and not eq:
        return name, None, i
    if name in values:
        if not eq:
            if i >= len(tokens):
                return None, None, i
            value = tokens[i]
            i += 1
        return name, value, i
    return None, None, i


def split_quoted(text: str) -> list[str]:
    """cmd/go's splitting of a flag list: whitespace-separated fields, each optionally in single or
    double quotes (no escapes)."""
    fields: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        if text[i] in "'\"":
            quote = text[i]
            end = text.find(quote, i + 1)
            if end < 0:
                end = n
            fields.append(text[i + 1 : end])
            i = end + 1
            continue
        start = i
        while i < n and not text[i].isspace():
            i += 1
        fields.append(text[start:i])
    return fields


def _join_quoted(fields: list[str]) -> str:
    """The inverse of split_quoted: fields with spaces or quotes in quotes."""
    out = []
    for f in fields:
        if f and not any(c.isspace() or c in "'\"" for c in f):
            out.append(f)
        elif '"' not in f:
            out.append(f'"{f}"')
        else:
            out.append(f"'{f}'")
    return " ".join(out)


@dataclass(frozen=True)
class LinkFlags:
    """The -ldflags of a go command, as cmd/link flags."""

    flags: tuple[tuple[str, str | None], ...] = ()

    @classmethod
    def parse(cls, text: str) -> LinkFlags:
        fields = split_quoted(text)
        # `pattern=flags` applies the flags to matching packages; the link uses them all the same.
        if fields and "=" in fields[0] and not fields[0].startswith("-"):
            fields[0] = fields[0].split("=", 1)[1]
            fields = [f for f in fields if f]
        out: list[tuple[str, str | None]] = []
        i = 0
        while i < len(fields):
            if not fields[i].startswith("-"):
                i += 1
                continue
            name, value, i = _read_flag(fields, i, _LINK_BOOL_FLAGS, _LINK_VALUE_FLAGS)
            if name == "extldflags" and value is not None:
                value = " ".join(t for t in split_quoted(value) if _EXTLD_TOKEN.match(t))
            if name is not None:
                out.append((name, value))
        return cls(tuple(out))

    def get(self, name: str) -> str | None:
        return next((v for n, v in self.flags if n == name), None)

    def without(self, *names: str) -> LinkFlags:
        return LinkFlags(tuple((n, v) for n, v in self.flags if n not in names))

    def with_static_external(self) -> LinkFlags:
        """-linkmode external and -static in -extldflags, keeping the other flags."""
        ext = split_quoted(self.get("extldflags") or "")
        if "-static" not in ext:
            ext.insert(0, "-static")
        rest = self.without("linkmode", "extldflags").flags
        return LinkFlags((("linkmode", "external"), ("extldflags", " ".join(ext)), *rest))

    def render(self) -> str:
        parts: list[str] = []
        for name, value in self.flags:
            parts.append(f"-{name}")
            if value is None:
                continue
            # -extldflags is a list of its own: always quoted, as people write it.
            parts.append(
                f'"{value}"' if name == "extldflags" and '"' not in value else _join_quoted([value])
            )
        return " ".join(parts)

    @property
    def static_external(self) -> bool:
        return self.get("linkmode") == "external" and "-static" in split_quoted(
            self.get("extldflags") or ""
        )


@dataclass(frozen=True)
class GoCommand:
    """A go build or go install command, as validated parts."""

    verb: str = "build"
    env: tuple[tuple[str, str], ...] = ()
    flags: tuple[tuple[str, str | None], ...] = ()
    """(name without dashes, value) in order; -ldflags is kept as text and read with LinkFlags."""
    packages: tuple[str, ...] = DEFAULT_PACKAGES

    @classmethod
    def parse(cls, text: str) -> GoCommand | None:
        """The command in `text` (one log line, prompt removed), or None if it is not a go build or
        go install command cgowarn can read (or longer than MAX_COMMAND)."""
        if len(text) > MAX_COMMAND:
            return None
        try:
            tokens = shlex.split(text, comments=False)
        except ValueError:
            return None
        env: list[tuple[str, str]] = []
        i = 0
        while i < len(tokens) and (m := _ENV.match(tokens[i])):
            env.append((m.group("name"), m.group("value")))
            i += 1
        if i + 1 >= len(tokens) or tokens[i].rsplit("/", 1)[-1] != "go":
            return None
        verb = tokens[i + 1]
        if verb not in ("build", "install"):
            return None
        flags: list[tuple[str, str | None]] = []
        packages: list[str] = []
        i += 2
        while i < len(tokens):
            token = tokens[i]
            if token in _SHELL_END or token.startswith(("2>", ">", "|", ";", "&")):
                break
            if token.startswith("-") and not packages:
                name, value, i = _read_flag(
                    tokens, i, _BOOL_FLAGS, _VALUE_FLAGS | _DROPPED_VALUE_FLAGS
                )
                if name == "ldflags" and value is not None:
                    value = LinkFlags.parse(value).render()
                elif name == "tags" and value is not None:
                    value = ",".join(t for t in _LIST_SEPARATOR.split(value) if t)
                if name in _BOOL_FLAGS or (name in _VALUE_FLAGS and value):
                    flags.append((name, value))
                continue
            i += 1
            if _PACKAGE.match(token) or token.endswith(".go"):
                packages.append(token)
            else:
                break
        if any(not _PLAIN.match(p) for p in packages):
            return None
        return cls(verb, tuple(env), tuple(flags), tuple(packages) or DEFAULT_PACKAGES)

    # --- reading -------------------------------------------------------------------------------

    def flag(self, name: str) -> str | None:
        return next((v for n, v in self.flags if n == name), None)

    @property
    def link_flags(self) -> LinkFlags:
        return LinkFlags.parse(self.flag("ldflags") or "")

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(t for t in _LIST_SEPARATOR.split(self.flag("tags") or "") if t)

    # --- deriving ------------------------------------------------------------------------------

    def _with_flag(self, name: str, value: str | None) -> GoCommand:
        """The command with flag `name` set to `value` (removed when None): in its old place, or
        first (-ldflags after -tags)."""
        rest = [(n, v) for n, v in self.flags if n != name]
        if value is None:
            return replace(self, flags=tuple(rest))
        position = next((i for i, (n, _) in enumerate(self.flags) if n == name), None)
        if position is None:
            position = 1 if name == "ldflags" and rest and rest[0][0] == "tags" else 0
        rest.insert(position, (name, value))
        return replace(self, flags=tuple(rest))

    def with_tags(self, tags: tuple[str, ...] | list[str]) -> GoCommand:
        """The command with `tags` added to its -tags (comma-separated, as Go reads them since
        1.13)."""
        merged = list(self.tags) + [t for t in tags if t not in self.tags]
        return self._with_flag("tags", ",".join(merged) if merged else None)

    def without_tags(self, tags: tuple[str, ...] | list[str]) -> GoCommand:
        kept = [t for t in self.tags if t not in tags]
        return self._with_flag("tags", ",".join(kept) if kept else None)

    def with_link(self, link: LinkFlags) -> GoCommand:
        return self._with_flag("ldflags", link.render() or None)

    def with_extldflags(self, flags: tuple[str, ...] | list[str]) -> GoCommand:
        """The command with `flags` added to -extldflags (when it links externally)."""
        link = self.link_flags
        ext = split_quoted(link.get("extldflags") or "")
        if not flags or link.get("extldflags") is None:
            return self
        ext += [f for f in flags if f not in ext]
        rest = tuple((n, " ".join(ext) if n == "extldflags" else v) for n, v in link.flags)
        return self.with_link(LinkFlags(rest))

    def static_external(self) -> GoCommand:
        """Linked externally with -static: a static binary with the C library linked in."""
        return self.with_link(self.link_flags.with_static_external())

    def internal(self) -> GoCommand:
        """Without -linkmode and -extldflags: Go decides how to link; with no cgo left the binary
        is static by itself, with cgo it is linked dynamically."""
        return self.with_link(self.link_flags.without("linkmode", "extldflags"))

    def with_env(self, **values: str | None) -> GoCommand:
        env = dict(self.env)
        for name, value in values.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        return replace(self, env=tuple(env.items()))

    def render(self) -> str:
        """The command as one shell line, every part quoted."""
        parts = [f"{name}={shlex.quote(value)}" for name, value in self.env]
        parts += ["go", self.verb]
        for name, value in self.flags:
            parts.append(f"-{name}")
            if value is not None:
                parts.append(shlex.quote(value))
        parts += [shlex.quote(p) for p in self.packages]
        return " ".join(parts)

    def list_cgo(self, tags: tuple[str, ...] | list[str] = ()) -> str:
        """The `go list` command that prints the packages still using cgo with these tags."""
        command = self.with_tags(tags) if tags else self
        tag_flag = f" -tags {shlex.quote(','.join(command.tags))}" if command.tags else ""
        packages = " ".join(shlex.quote(p) for p in self.packages)
        # The build's mode and cgo switch decide what go list sees, as they decide the build.
        env = "".join(
            f"{name}={shlex.quote(value)} "
            for name, value in self.env
            if name in ("GO111MODULE", "CGO_ENABLED")
        )
        return f"{env}go list -deps{tag_flag} -f '{{{{if .CgoFiles}}}}{{{{.ImportPath}}}}{{{{end}}}}' {packages}"
