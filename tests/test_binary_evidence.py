"""Every rule that reads evidence from a binary (patterns/binary.toml's footprints, glibc's
.gnu.warning sections, the symbol table), on real static glibc programs linked by each linker:
one that calls the function a rule is about, and one that does not. The exact findings are
asserted, stripped and not, so a rule that fires on every binary, or on none, fails here.

Needs gcc, binutils (bfd, gold), lld and mold (sample_logs/debian-packages.txt)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from cgowarn.formats import OutputFormat
from cgowarn.knowledge import load_knowledge
from cgowarn.pipeline import analyze
from cgowarn.render import RenderOptions, render
from conftest import require_tool

LINKERS = ("bfd", "gold", "lld", "mold")

PROGRAMS = {
    "none": '#include <stdio.h>\nint main(void) { puts("hello"); return 0; }\n',
    "nss": "#include <pwd.h>\n#include <stdio.h>\n"
    'int main(int c, char **v) { puts(getpwnam(c > 1 ? v[1] : "root") ? "yes" : "no"); '
    "return 0; }\n",
    "gconv": "#include <iconv.h>\n#include <stdio.h>\n"
    'int main(void) { iconv_t cd = iconv_open("UTF-8", "LATIN1"); '
    'puts(cd == (iconv_t)-1 ? "no" : "yes"); return 0; }\n',
    "locale": "#include <locale.h>\n#include <stdio.h>\n"
    'int main(void) { puts(setlocale(LC_ALL, "") ? "yes" : "no"); return 0; }\n',
}


# What inspect must report of each program: the glibc functions glibc warns about (read from the
# .gnu.warning sections and the symbol table, so only while not stripped; getpwnam brings
# getpwnam_r), the footprints, and what the binary cannot tell. Every static glibc binary, a hello
# world included, carries the gconv loader and the locale-archive reader: gconv shows only
# through iconv_open in the symbol table, and locale use never shows.
EXPECTED_FUNCTIONS = {
    "none": set(),
    "nss": {"getpwnam", "getpwnam_r"},
    "gconv": set(),
    "locale": set(),
}
GCONV, LOCALES = "iconv/gconv modules", "locale archive"


def _expected(program: str, linker: str, stripped: bool) -> tuple[set[str], set[str], set[str]]:
    """(functions, footprint categories, what it cannot tell) for a program. lld and mold keep
    glibc's .gnu.warning sections, which strip leaves, so their binaries show the functions even
    stripped."""
    warnings_kept = not stripped or linker in ("lld", "mold")
    functions = EXPECTED_FUNCTIONS[program] if warnings_kept else set()
    footprints = set()
    if program == "nss" and not warnings_kept:
        footprints.add("nss-modules")  # else the functions say it (redundant_with_group)
    if program == "gconv" and not stripped:
        footprints.add("gconv")
    # dlopen and dlmopen are in every static glibc 2.34+ binary: seen, but not evidence of a call.
    always = {"dlopen", "dlmopen"} if warnings_kept else set()
    cannot_tell = {LOCALES} | ({GCONV} if stripped else set()) | always
    return functions, footprints, cannot_tell


@pytest.fixture(scope="module")
def programs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_tool("gcc")
    work = tmp_path_factory.mktemp("evidence")
    for name, text in PROGRAMS.items():
        (work / f"{name}.c").write_text(text)
    for linker in LINKERS:
        tool = {"bfd": "ld.bfd", "gold": "ld.gold", "lld": "ld.lld", "mold": "mold"}[linker]
        require_tool(tool)
        for name in PROGRAMS:
            out = work / f"{name}-{linker}"
            subprocess.run(
                ["gcc", "-static", f"-fuse-ld={linker}", "-o", str(out), f"{name}.c"],
                cwd=work,
                check=True,
                capture_output=True,
            )
            shutil.copy(out, f"{out}-stripped")
            subprocess.run(["strip", f"{out}-stripped"], check=True)
    return work


def _evidence(path: Path) -> tuple[set[str], set[str], set[str]]:
    report = analyze([], binaries=[str(path)])
    footprints = {f.symbol for f in load_knowledge().binary.footprint}
    categories = {f.category for f in report.findings if f.symbol in footprints}
    functions = {f.symbol for f in report.findings if f.symbol not in footprints}
    return functions, categories, set(report.binaries[0].cannot_tell)


@pytest.mark.parametrize("linker", LINKERS)
@pytest.mark.parametrize("program", list(PROGRAMS))
@pytest.mark.parametrize("stripped", [False, True], ids=["symbols", "stripped"])
def test_each_rule_fires_exactly_on_the_program_that_calls_it(
    programs: Path, linker: str, program: str, stripped: bool
) -> None:
    path = programs / f"{program}-{linker}{'-stripped' if stripped else ''}"
    assert _evidence(path) == _expected(program, linker, stripped)


def test_what_the_binary_cannot_tell_is_said(programs: Path) -> None:
    report = analyze([], binaries=[str(programs / "none-bfd-stripped")])
    text = render(report, OutputFormat.TEXT, RenderOptions(details=True))
    assert "Cannot tell: iconv/gconv modules, locale archive" in " ".join(text.split())
