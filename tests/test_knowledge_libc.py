"""Every link warning that this machine's static glibc carries is in patterns/, word for word.

The warnings live in `.gnu.warning.SYMBOL` sections of the members of libc.a (and, before glibc
2.34, libpthread.a and libdl.a); GNU ld prints a section's text when SYMBOL is referenced.
"""

from __future__ import annotations

import platform
import subprocess
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

from cgowarn.knowledge import load_knowledge
from conftest import require_tool

LIBDIR = Path("/usr/lib/x86_64-linux-gnu")
ARCHIVES = (
    "libc.a",
    "libpthread.a",
    "libdl.a",
    "libresolv.a",
    "libnsl.a",
    "libutil.a",
    "librt.a",
    "libanl.a",
)


def extract_warnings(libdir: Path, workdir: Path) -> dict[str, set[str]]:
    """symbol -> set of messages, from every archive member's .gnu.warning.* sections."""
    ar = require_tool("ar")
    found: dict[str, set[str]] = {}
    for name in ARCHIVES:
        archive = libdir / name
        if not archive.is_file() or archive.stat().st_size < 1024:
            continue  # absent, or a linker script / empty stub since glibc 2.34
        out = workdir / name
        out.mkdir()
        subprocess.run([ar, "x", str(archive)], cwd=out, check=True)
        for obj in out.iterdir():
            with obj.open("rb") as fh:
                elf = ELFFile(fh)
                for section in elf.iter_sections():
                    if section.name.startswith(".gnu.warning."):
                        text = section.data().rstrip(b"\0").decode()
                        found.setdefault(section.name.removeprefix(".gnu.warning."), set()).add(
                            text
                        )
    return found


def test_libc_a_warnings_are_all_in_patterns(tmp_path: Path) -> None:
    if not (LIBDIR / "libc.a").exists():
        pytest.fail("libc.a is missing: install libc6-dev (.ci/run does)")
    warnings = extract_warnings(LIBDIR, tmp_path)
    assert len(warnings) >= 100, "too few warnings found: extraction is broken"
    kb = load_knowledge()
    missing = []
    for symbol, messages in sorted(warnings.items()):
        entry = kb.symbols.get(symbol)
        if entry is None:
            missing.append(f"{symbol}: not in patterns/symbols.toml")
            continue
        for msg in messages - set(entry.messages):
            missing.append(f"{symbol}: message {msg!r} not listed")
    assert not missing, "\n".join(missing)
    # And the knowledge base's own claim of what glibc 2.36's libc.a carries holds on such a machine.
    if platform.libc_ver()[1] == "2.36":
        assert {s.name for s in kb.symbols.values() if s.in_reference_libc} == set(warnings)
