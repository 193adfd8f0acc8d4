"""Names as their language writes them, from the names their compilers give the linker: GHC's
z-encoding, D's mangled qualified names, Free Pascal's unit$$function names, and the object
files Nim and Crystal name after a module's path or a type. Each decoder reads only what its
scheme documents and gives up (None) on anything else; the raw name always stays in the report.

Schemes: GHC compiler/GHC/Utils/Encoding.hs (https://gitlab.haskell.org/ghc/ghc/-/blob/master/
compiler/GHC/Utils/Encoding.hs); D https://dlang.org/spec/abi.html#name_mangling; Free Pascal
https://wiki.freepascal.org/FPC_internal_symbol_names (UNIT_$$_NAME$ARGS$$RESULT); Nim's nimcache
file names (`/` written `@s`, a leading `@m`); Crystal's object names (an upper-case letter
written as itself and `-`, `:` as its code 58)."""

from __future__ import annotations

from cgowarn import regexes

_Z_CODES = {
    "zz": "z", "ZZ": "Z", "zi": ".", "zm": "-", "zu": "_", "zd": "$", "zc": ":", "ZC": ":",
    "zp": "+", "zt": "*", "zl": "<", "zg": ">", "zh": "#", "zs": "/", "zv": "|", "zq": "'",
    "za": "&", "zb": "!", "zr": "\\", "ze": "=", "zn": "^", "ZL": "(", "ZR": ")",
    "ZM": "[", "ZN": "]",
}  # fmt: skip
_GHC = regexes.compile(
    "demangle.GHC",
    # Only names that show the encoding: a `zi` (a dot), `zm` (a dash) or `ZC` (a colon).
    r"^(?=[\w]*?(?:zi|zm|ZC))[A-Za-z0-9_]++$",
    anchored=True,
)
_GHC_KIND = ("_info", "_closure", "_con_info", "_entry", "_fast")
_D = regexes.compile("demangle.D", r"^_D(?=\d)", anchored=True)
_FPC = regexes.compile(
    "demangle.FPC",
    r"^(?P<unit>[A-Z][A-Z0-9_]*?)_\$\$_(?P<name>[A-Z_][A-Z0-9_]*+)(?:\$.*+)?$",
    anchored=True,
)
_NIM = regexes.compile("demangle.NIM", r"(?:^|/)(?P<path>@m[^/]*?)\.c\.o$")
_CRYSTAL = regexes.compile(
    "demangle.CRYSTAL",
    r"(?:^|/)(?P<name>(?:[A-Z]-[a-z0-9]*+)++(?:5858(?:[A-Z]-[a-z0-9]*+)++)*+)\.o$",
)


def _ghc(name: str) -> str | None:
    if not _GHC.match(name):
        return None
    kind = next((k for k in _GHC_KIND if name.endswith(k)), "")
    body = name[: len(name) - len(kind)] if kind else name
    out: list[str] = []
    i = 0
    while i < len(body):
        pair = body[i : i + 2]
        if pair in _Z_CODES:
            out.append(_Z_CODES[pair])
            i += 2
        elif body[i] in "zZ":
            return None  # a code this decoder does not know: give up rather than guess
        elif body[i] == "_":
            # package_Module_name: GHC joins the parts with `_` (a `_` of a name is `zu`).
            out.append(":" if "_" not in body[:i] else ".")
            i += 1
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


def _d(name: str) -> str | None:
    if name == "_Dmain":
        return "main"
    if not _D.match(name):
        return None
    parts: list[str] = []
    i = 2
    while i < len(name) and name[i].isdigit():
        j = i
        while j < len(name) and name[j].isdigit():
            j += 1
        size = int(name[i:j])
        if size == 0 or j + size > len(name):
            return None
        parts.append(name[j : j + size])
        i = j + size
    return ".".join(parts) if parts else None


def _fpc(name: str) -> str | None:
    m = _FPC.match(name)
    return f"{m.group('unit').lower()}.{m.group('name')}" if m else None


def function(name: str | None) -> str | None:
    """`name` as its language writes it, when a known scheme decodes it and it differs."""
    if not name:
        return None
    for decode in (_ghc, _d, _fpc):
        readable = decode(name)
        if readable and readable != name:
            return readable
    return None


def object_name(name: str | None) -> str | None:
    """The module or type an object file of Nim or Crystal is named after."""
    if not name:
        return None
    m = _NIM.search(name)
    if m is not None:
        return str(m.group("path")).replace("@m", "", 1).replace("@s", "/").replace("@m", "")
    m = _CRYSTAL.search(name)
    if m is not None:
        return str(m.group("name")).replace("5858", "::").replace("-", "")
    return None
