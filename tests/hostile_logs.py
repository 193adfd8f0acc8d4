"""Hand-made hostile logs: markup, script, links, mentions, issue references and invisible
characters in every position where a report shows text from a log or a binary. Shared by
tests/test_render_browser.py (HTML in a real browser) and tests/test_render_gfm.py (Markdown as
GitHub reads it)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

MSG = (
    "Using '{}' in statically linked applications requires at runtime the shared libraries from "
    "the glibc version used for linking"
)

# Each payload holds no whitespace, no quote and no colon, so that it stays one symbol, one
# object or one library name wherever a linker message puts it. Scripts set `window.pwned` or the
# title; anything fetched goes to 127.0.0.1:9 (the discard port), where nothing answers.
TOKENS: tuple[str, ...] = (
    "<script>window.pwned=1</script>",
    "<img/src=x/onerror=window.pwned=2>",
    "<svg/onload=window.pwned=3>",
    "</code></pre></td></tr></table></details><script>document.title=4</script>",
    "</details><details/open><summary>fake</summary>",
    "<style>body{display:none}</style>",
    "x{}</style><style>*{background:url(//127.0.0.1.9/css)}",
    "<link/rel=stylesheet/href=//127.0.0.1.9/l.css>",
    "<iframe/src=//127.0.0.1.9/f></iframe>",
    "<base/href=//127.0.0.1.9/>",
    "&lt;script&gt;window.pwned=5&lt;/script&gt;",
    "&amp;lt;b&amp;gt;&#60;i&#62;&#x3c;u&#x3e;",
    "javascript&#58;window.pwned=6",
    "@octocat",
    "@github/security",
    "#123",
    "GH-45",
    "octo/repo#67",
    "https//evil.example/x",
    "www.evil.example",
    "a@evil.example",
    "![i](//evil.example/i.png)",
    "[l](javascript&#58;window.pwned=7)",
    "<//evil.example/autolink>",
    "**bold**_em_~~strike~~`code`",
    "```",
    "|cell|",
    "[x]",
    "$x^2$",
    "aaa_\u202egnp.exe",
    "b\u2066c\u2069d\u200be\u200df\ufeffg",
    "\\<script>\\",
    "a\\|b\\\\|c",
)

# With spaces and colons, for the positions that allow them (objects, functions, file names,
# linker messages).
PHRASES: tuple[str, ...] = (
    "javascript:window.pwned=8",
    "https://evil.example/x?a=1&b=2",
    "mailto:a@evil.example",
    "<a href=javascript:window.pwned=9>click</a>",
    "<img src=http://127.0.0.1:9/i.png onerror=window.pwned=10>",
    "- [ ] task @octocat #89 GH-90",
    "<https://evil.example/auto> [x](https://evil.example/y)",
    "</details> <details open><summary>fake</summary>",
    "<!-- comment --> <? pi ?> <![CDATA[x]]>",
    '"><script>window.pwned=11</script>',
    "' onmouseover='window.pwned=12",
    "*{color:red} </style> @import url(http://127.0.0.1:9/i.css);",
)


def hostile_log(tokens: tuple[str, ...] = TOKENS, phrases: tuple[str, ...] = PHRASES) -> str:
    """A log that puts every token and phrase in every position it can take: symbols, objects,
    functions, source files, library and linker names, link outputs, crate and package names, Go
    build commands and linker messages."""
    out = [
        "# @octocat/GH-12",
        "   Compiling gh-123 v0.1.0 (/src/@octocat)",
        # A library name that names the origin: "C library libx+GH-45+y".
        "/usr/bin/ld: /usr/lib/libx+GH-45+y.a(z.o): in function `f':",
        f"z.c:(.text+0x1): warning: {MSG.format('getpwuid')}",
        "$ CGO_ENABLED=1 go build -tags 'netgo,@octocat,#1,```' "
        "-ldflags '-linkmode external -extldflags \"-static\"' ./@octocat/GH-12",
    ]
    for i, p in enumerate(tokens):
        out += [
            f"gcc -static -o {p} main.o",
            f"/usr/bin/ld: {p}.o: in function `{p}':",
            f"{p}.c:{i + 1}: warning: {MSG.format(p)}",
            f"/usr/bin/ld: /usr/lib/lib{p}.a({p}.o): in function `{p}':",
            f"(.text+0x{i:x}): warning: the use of `{p}' is dangerous, better use `mkstemp'",
            f"{p}.o:{p}.c:function {p}: warning: {MSG.format('getpwnam')}",
            f"/usr/bin/ld: cannot find -l{p}: No such file or directory",
            f"/usr/bin/ld: {p}.o: undefined reference to `{p}'",
            f"/usr/bin/ld: {p}: error adding symbols: DSO missing from command line",
            f"./{p}: version `GLIBC_2.34' not found (required by ./{p})",
        ]
    for i, p in enumerate(phrases):
        out += [
            f"/usr/bin/ld: {p}.o: in function `{p}':",
            f"{p}.c:{i + 1}: warning: {MSG.format('getaddrinfo')}",
            f"  = note: /usr/bin/ld: {p}: in function `{p}':",
            f"          {p}.c:(.text+0x1): warning: {MSG.format('getgrnam')}",
            f"/usr/bin/ld: warning: {p}",
            f"error: linking with `{p}` failed: exit status: 1",
            f"ld.lld: error: {p}",
        ]
    return "\n".join(out) + "\n"


def hostile_binary(directory: Path, token: str) -> Path:
    """A real ELF file (this Python interpreter) under a path made of `token` (whose slashes make
    directories)."""
    path = directory / token
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(sys.executable, path)
    return path
