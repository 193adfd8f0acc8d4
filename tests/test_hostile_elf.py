"""`cgowarn inspect` on hostile ELF files: real binaries built here with gcc, then patched the way
an attacker (or a broken tool) would. Each class of lie (a count its bytes cannot hold, an entry
size smaller than its structure, a chain that loops, an offset past the end, a link to the wrong
section, text that drives a terminal) must end, in a subprocess under a time limit, in a partial
report that says what could not be read or one line and exit 2: never a hang, a traceback or an
internal error."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import signal
import struct
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pytest
from click.testing import CliRunner

from cgowarn.cli import main
from cgowarn.errors import InputError
from cgowarn.formats import OutputFormat
from cgowarn.inspect import inspect_binary, walk
from cgowarn.inspect.text import MAX_TEXT, clean_text
from cgowarn.knowledge import load_knowledge
from cgowarn.pipeline import analyze
from cgowarn.render import RenderOptions, render
from conftest import require_tool
from elfpatch import (
    E_PHNUM,
    E_SHENTSIZE,
    E_SHNUM,
    VERNAUX,
    VERNEED,
    Patch,
    build_seeds,
    c_bytes,
    go_buildinfo,
    run,
)

pytestmark = pytest.mark.toolchain

TIME_LIMIT = 10.0
"""Seconds one `cgowarn inspect` of a hostile file may take, start-up included (a healthy one of
these small files takes about one)."""
HUGE = 1 << 40


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    require_tool("gcc")
    require_tool("ld.lld")
    return build_seeds(tmp_path_factory.mktemp("seeds"))


def inspect_subprocess(path: Path, *args: str) -> tuple[int, str, str, float]:
    """Run `cgowarn inspect` on `path` in its own process, killed after TIME_LIMIT seconds."""
    command = [sys.executable, "-m", "cgowarn", "inspect", "-f", "json", "--fail-on", "never"]
    start = time.monotonic()
    try:
        proc = subprocess.run(
            [*command, *args, str(path)],
            capture_output=True,
            text=True,
            timeout=TIME_LIMIT,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"cgowarn inspect {path.name} ran longer than {TIME_LIMIT} s")
    return proc.returncode, proc.stdout, proc.stderr, time.monotonic() - start


def assert_partial_or_one_line(path: Path) -> dict[str, Any] | None:
    """The binary's report (a partial one is fine), or None after one line and exit 2."""
    code, out, err, _ = inspect_subprocess(path)
    assert "Traceback" not in out + err, err
    if code == 2:
        assert err.startswith(f"cgowarn: error: cannot inspect {path}: "), err
        assert len(err.strip().splitlines()) == 1, err
        return None
    assert code == 0, (code, err)
    (binary,) = json.loads(out)["binaries"]
    assert isinstance(binary, dict)
    return binary


# --- 1. lying counts, entry sizes, offsets and chains ------------------------------------------

Case = Callable[[dict[str, Path]], Patch]


def _verneed_count_next_zero(s: dict[str, Path]) -> Patch:
    """sh_info 0xFFFFFFFF and the first library's vn_next 0: pyelftools re-reads that entry 4
    billion times."""
    p = Patch(s["dynamic-libm"])
    p.put(p.verneed(0) + VERNEED["next"][0], 4, 0)
    return p.section(".gnu.version_r", "info", 0xFFFFFFFF)


def _verneed_aux_count_next_zero(s: dict[str, Path]) -> Patch:
    p = Patch(s["dynamic-libm"])
    p.put(p.verneed(0) + VERNEED["cnt"][0], 2, 0xFFFF)
    return p.put(p.vernaux(0, 0) + VERNAUX["next"][0], 4, 0)


def _verneed_library_cycle(s: dict[str, Path]) -> Patch:
    """The second library's vn_next leads back to the first (32-bit wrap-around)."""
    p = Patch(s["dynamic-libm"])
    first, second = p.verneed(0), p.verneed(1)
    p.put(second + VERNEED["next"][0], 4, first - second)
    return p.section(".gnu.version_r", "info", 0xFFFFFFFF)


def _verneed_version_cycle(s: dict[str, Path]) -> Patch:
    """A version's vna_next leads back to itself's predecessor; vn_cnt says 65535."""
    p = Patch(s["dynamic-libm"])
    libc = 1 if p.get(p.verneed(1) + VERNEED["cnt"][0], 2) > 1 else 0
    p.put(p.verneed(libc) + VERNEED["cnt"][0], 2, 0xFFFF)
    first, second = p.vernaux(libc, 0), p.vernaux(libc, 1)
    return p.put(second + VERNAUX["next"][0], 4, first - second)


def _verneed_points_outside(s: dict[str, Path]) -> Patch:
    p = Patch(s["dynamic-libm"])
    return p.put(p.verneed(0) + VERNEED["aux"][0], 4, 0x7FFFFFF0)


CASES: dict[str, Case] = {
    "verneed count huge, vn_next 0": _verneed_count_next_zero,
    "vernaux count huge, vna_next 0": _verneed_aux_count_next_zero,
    "vn_next loops back": _verneed_library_cycle,
    "vna_next loops back": _verneed_version_cycle,
    "vn_aux points outside": _verneed_points_outside,
    "symtab entry size 1": lambda s: Patch(s["static"]).section(".symtab", "entsize", 1),
    "symtab entry size 0": lambda s: Patch(s["static"]).section(".symtab", "entsize", 0),
    "symtab entry size huge": lambda s: Patch(s["static"]).section(".symtab", "entsize", HUGE),
    "symtab size huge": lambda s: Patch(s["static"]).section(".symtab", "size", HUGE),
    "symtab offset past the end": lambda s: Patch(s["static"]).section(".symtab", "offset", HUGE),
    "symtab linked to itself": lambda s: (p := Patch(s["static"])).section(
        ".symtab", "link", p.sections[".symtab"]
    ),
    "symtab names in .text": lambda s: (p := Patch(s["static"])).section(
        ".symtab", "link", p.sections[".text"]
    ),
    "dynsym entry size 1": lambda s: Patch(s["dynamic-libm"]).section(".dynsym", "entsize", 1),
    "versym size huge": lambda s: Patch(s["dynamic-libm"]).section(".gnu.version", "size", HUGE),
    "section count huge (extended numbering)": lambda s: (
        Patch(s["static"]).header(E_SHNUM, 2, 0).put(Patch(s["static"]).shoff + 32, 8, HUGE)
    ),
    "section header entry size 1": lambda s: Patch(s["static"]).header(E_SHENTSIZE, 2, 1),
    "segment count PN_XNUM": lambda s: (
        Patch(s["static"]).header(E_PHNUM, 2, 0xFFFF).put(Patch(s["static"]).shoff + 44, 4, -1)
    ),
    "dynamic size huge": lambda s: Patch(s["dynamic-libm"]).section(".dynamic", "size", HUGE),
    "note name size huge": lambda s: Patch(s["static"]).put(
        Patch(s["static"]).section_at[".note.ABI-tag"][0], 4, 0xFFFFFFFF
    ),
    "interpreter size huge": lambda s: Patch(s["dynamic-libm"]).segment(
        "PT_INTERP", "filesz", HUGE
    ),
    "interpreter offset past the end": lambda s: Patch(s["dynamic-libm"]).segment(
        "PT_INTERP", "offset", HUGE
    ),
    "warning section size huge": lambda s: Patch(s["lld-warning"]).section(
        ".gnu.warning.myfunc", "size", HUGE
    ),
    "warning section compressed": lambda s: Patch(s["lld-warning"]).section(
        ".gnu.warning.myfunc", "flags", 0x800
    ),
    "comment size huge": lambda s: Patch(s["static"]).section(".comment", "size", HUGE),
    # pyelftools 0.33: a .dynamic whose sh_link is a SHT_NULL section fails an assert.
    "dynamic linked to section 0": lambda s: Patch(s["dynamic-libm"]).section(
        ".dynamic", "link", 0
    ),
    "dynamic linked out of range": lambda s: Patch(s["dynamic-libm"]).section(
        ".dynamic", "link", 60000
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_file_ends_in_time_with_a_partial_report_or_one_line(
    seeds: dict[str, Path], tmp_path: Path, case: str
) -> None:
    path = tmp_path / "hostile"
    path.write_bytes(CASES[case](seeds).bytes())
    binary = assert_partial_or_one_line(path)
    assert binary is not None, "past a readable ELF header, damage gives a partial report"
    assert binary["machine"] == "X86-64"


def test_the_four_byte_verneed_hang_is_read_to_the_end_of_its_chain(
    seeds: dict[str, Path], tmp_path: Path
) -> None:
    """What the chain holds is still read: the first library's versions, and the damage said."""
    path = tmp_path / "hang"
    path.write_bytes(_verneed_count_next_zero(seeds).bytes())
    binary = assert_partial_or_one_line(path)
    assert binary is not None
    assert "sh_info says 4294967295 libraries, the chain holds 1" in binary["error"]
    assert binary["needed"] == ["libm.so.6", "libc.so.6"]


@pytest.mark.parametrize("case", ["vn_next loops back", "vna_next loops back"])
def test_a_looping_version_chain_is_named_a_loop(
    seeds: dict[str, Path], tmp_path: Path, case: str
) -> None:
    path = tmp_path / "loop"
    path.write_bytes(CASES[case](seeds).bytes())
    binary = assert_partial_or_one_line(path)
    assert binary is not None and "chain loops back to offset" in binary["error"], binary
    assert binary["glibc_required"]  # what was read before the loop still counts


def test_a_symbol_table_with_entries_smaller_than_a_symbol_is_not_read(
    seeds: dict[str, Path], tmp_path: Path
) -> None:
    pristine = inspect_binary(load_knowledge(), str(seeds["static"]))[0]
    assert pristine.stripped is False and pristine.error is None
    path = tmp_path / "entsize1"
    path.write_bytes(CASES["symtab entry size 1"](seeds).bytes())
    info = inspect_binary(load_knowledge(), str(path))[0]
    assert info.error is not None
    assert "entries of 1 bytes, smaller than the 24 bytes each one holds" in info.error
    assert info.stripped is False and info.libc == "glibc" and info.abi_kernel == "3.2.0"


def test_a_bad_dynamic_link_still_finds_needed_through_dt_strtab(
    seeds: dict[str, Path], tmp_path: Path
) -> None:
    path = tmp_path / "link0"
    path.write_bytes(CASES["dynamic linked to section 0"](seeds).bytes())
    info = inspect_binary(load_knowledge(), str(path))[0]
    assert info.needed == ("libm.so.6", "libc.so.6")
    assert info.error and "string table link (section 0) is no string table" in info.error


def test_the_section_table_cut_short_leaves_stripped_unknown(
    seeds: dict[str, Path], tmp_path: Path
) -> None:
    path = tmp_path / "many"
    path.write_bytes(CASES["section count huge (extended numbering)"](seeds).bytes())
    info = inspect_binary(load_knowledge(), str(path))[0]
    assert info.error and f"claims {HUGE} entries" in info.error
    assert info.linkage == "static" and info.abi_kernel == "3.2.0"


# --- 2. link warnings that are not glibc's ------------------------------------------------------


def test_lld_keeps_another_librarys_link_warning_and_it_is_an_unknown_finding(
    seeds: dict[str, Path], cli: CliRunner
) -> None:
    path = seeds["lld-warning"]
    assert b"myfunc is deprecated" in path.read_bytes()
    code, out, err, _ = inspect_subprocess(path)
    assert code == 0 and err == "", err
    (finding,) = [f for f in json.loads(out)["findings"] if f["symbol"] == "myfunc"]
    assert (
        finding["category"] == load_knowledge().other_library == "library-warning"
        and finding["known"] is False
    )
    assert finding["glibc"] is False
    assert not [r for r in json.loads(out)["recommendations"] if "myfunc" in r.get("removes", [])]
    assert finding["message"] == "myfunc is deprecated"
    assert finding["occurrences"][0]["section"] == "section .gnu.warning.myfunc"
    for fmt in ("text", "markdown", "html"):
        result = cli.invoke(main, ["inspect", "-f", fmt, "--fail-on", "never", str(path)])
        assert result.exit_code == 0 and "myfunc" in result.stdout, (fmt, result.output[-300:])
        assert "1 glibc function" not in result.stdout
        assert "1 link warning of other libraries" in result.stdout, fmt
    log = path.with_name("empty.log")
    log.write_text("")
    report = analyze([(log.name, log.open("rb"))], binaries=[str(path)])
    assert [f.symbol for f in report.findings] == ["myfunc"]


def test_the_unknown_category_is_in_the_knowledge_base() -> None:
    kb = load_knowledge()
    assert kb.groups[kb.categories[kb.other_library].group].id == "library"


def test_glibcs_own_warnings_in_the_same_lld_binary_stay_known(seeds: dict[str, Path]) -> None:
    """A static lld link keeps glibc's .gnu.warning sections (dlopen's, in every static glibc
    binary): they are glibc's and known, and say so."""
    p = Patch(seeds["static-lld"])
    assert any(name.startswith(".gnu.warning.") for name in p.sections)
    info, hits, _ = inspect_binary(load_knowledge(), str(seeds["static-lld"]))
    assert info.error is None
    assert all(h.symbol in load_knowledge().symbols for h in hits if h.how.startswith("section"))


def test_a_mold_link_of_another_librarys_warning_is_no_crash(
    seeds: dict[str, Path], tmp_path: Path
) -> None:
    """mold merges every .gnu.warning.SYMBOL into one .gnu.warning, which names no function: a
    text that is not glibc's is not reported (and not a crash)."""
    require_tool("mold")
    out = tmp_path / "mold-warning"
    run(["gcc", "-fuse-ld=mold", "-o", str(out), "main.c", "-L.", "-lmy"], seeds["static"].parent)
    assert ".gnu.warning" in Patch(out).sections
    info, hits, _ = inspect_binary(load_knowledge(), str(out))
    assert info.error is None and hits == []


# --- 3. files that cannot be read -----------------------------------------------------------------


def one_line_exit_2(cli: CliRunner, path: str, *more: str) -> str:
    result = cli.invoke(main, ["inspect", *more, path])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.output.startswith(f"cgowarn: error: cannot inspect {path}: "), result.output
    assert len(result.output.strip().splitlines()) == 1
    return result.output


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    code, _, err, _ = inspect_subprocess(fifo)  # opening a FIFO for reading would block
    assert (
        code == 2 and "cannot inspect" in err and "not a" in err and len(err.splitlines()) == 1
    ), err


def test_proc_self_mem_is_one_line(cli: CliRunner) -> None:
    """Reading /proc/self/mem at offset 0 fails with EIO; /proc files say they hold 0 bytes."""
    out = one_line_exit_2(cli, "/proc/self/mem")
    assert "Input/output error" in out
    one_line_exit_2(cli, "/proc/self/status")  # readable, not ELF


class FailingFile:
    """A file object whose reads fail with EIO after `good` of them: a disk error, or a file on
    a network file system removed while being read."""

    def __init__(self, fh: IO[bytes], good: int) -> None:
        self.fh, self.good = fh, good

    def read(self, n: int = -1) -> bytes:
        if self.good <= 0:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        self.good -= 1
        return self.fh.read(n)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.fh, name)

    def __enter__(self) -> FailingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.fh.close()


@pytest.mark.parametrize("share", [0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.99])
def test_a_read_error_at_any_step_is_one_line_exit_2(
    seeds: dict[str, Path], cli: CliRunner, monkeypatch: pytest.MonkeyPatch, share: float
) -> None:
    """The reads a whole reading makes are counted first; then the read at `share` of them,
    and every one after it, fails."""
    real = os.fdopen
    path = str(seeds["dynamic-libm"])
    opened: list[FailingFile] = []

    def counting(fd: int, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        opened.append(FailingFile(real(fd, mode, *args, **kwargs), 1 << 30))
        return opened[-1]

    monkeypatch.setattr(os, "fdopen", counting)
    inspect_binary(load_knowledge(), path)
    reads = (1 << 30) - opened[0].good
    assert reads > 10
    good = int(reads * share)

    def failing(fd: int, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        return FailingFile(real(fd, mode, *args, **kwargs), good)

    monkeypatch.setattr(os, "fdopen", failing)
    out = one_line_exit_2(cli, path)
    assert "Input/output error" in out
    with pytest.raises(InputError):
        inspect_binary(load_knowledge(), path)


def test_a_file_cut_short_and_removed_while_read_gives_a_partial_report(
    seeds: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Truncated (a build rewriting it) and removed between the header and the tables: what
    could not be read is said, nothing escapes."""
    path = tmp_path / "going"
    path.write_bytes(seeds["static"].read_bytes())
    real = walk.ElfTables.read_sections

    def vanish(self: walk.ElfTables, note: walk.Note) -> None:
        os.truncate(path, 4096)
        path.unlink()
        real(self, note)

    monkeypatch.setattr(walk.ElfTables, "read_sections", vanish)
    info, _, _ = inspect_binary(load_knowledge(), str(path))
    assert info.error and "the file ended early" in info.error
    assert info.machine == "X86-64"


# --- 4. text from inside the binary -------------------------------------------------------------

BIDI = "\u202e"
ZERO_WIDTH = "\u200b"
# Terminal escapes, 8-bit CSI, bidi override and zero-width space, as C string escapes.
EVIL_TEXT = (
    r"deprecated\033[2J\033]0;pwned\007\302\233" r"31m x\342\200\256y\342\200\213z" + "L" * 600
)
EVIL_SECTION = r".gnu.warning.e\033[31mvil\342\200\256"
LONG_SECTION = ".gnu.warning." + "a" * 600


@pytest.fixture(scope="module")
def evil(seeds: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An lld-linked program whose warning sections, NEEDED name, interpreter and Go build info
    carry escapes, bidi overrides, zero-width characters and over-long text."""
    work = tmp_path_factory.mktemp("evil")
    (work / "warn.c").write_text(
        f'__asm__(".section \\"{EVIL_SECTION}\\"\\n.string \\"{EVIL_TEXT}\\"\\n.previous");\n'
        f'__asm__(".section {LONG_SECTION}\\n.string \\"long\\"\\n.previous");\n'
        "int evil(void) { return 1; }\n"
    )
    (work / "soname.c").write_text("int named(void) { return 2; }\n")
    info = go_buildinfo(
        "go1.21.0\x1b[31m",
        "path\texample.com/\u202eevil\nbuild\t-ldflags=" + "x" * 1000 + "\x9b2J\n"
        "dep\texample.com/\u200bdep\tv1.0.0\n",
    )
    (work / "main.c").write_text(
        "int evil(void);\nint named(void);\n"
        f'__attribute__((used, section(".go.buildinfo"))) static const char info[] = "{c_bytes(info)}";\n'
        "int main(void) { return evil() + named(); }\n"
    )
    interp = "-Wl,--dynamic-linker=/lib64/ld\u202e\x1b]0;x\x07.so"
    soname = "-Wl,-soname,libe\x1b[31mvil\u2067.so"
    run(["gcc", "-fPIC", "-shared", "-o", "libsoname.so", "soname.c", soname], work)
    run(
        ["gcc", "-fuse-ld=lld", "-o", "evil", "main.c", "warn.c", "-L.", "-lsoname", interp],
        work,
    )
    return work / "evil"


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


FORBIDDEN = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def test_text_from_a_binary_is_cleaned_and_capped_before_any_format(
    evil: Path, cli: CliRunner
) -> None:
    data = evil.read_bytes()
    assert b"\x1b[2J" in data and BIDI.encode() in data and b"\x1b]0;x\x07" in data
    code, out, err, _ = inspect_subprocess(evil)
    assert code == 0, err
    report = json.loads(out)
    (binary,) = report["binaries"]
    texts = _strings(binary) + _strings(report["findings"])
    assert not [t for t in texts if FORBIDDEN.search(t)]
    assert binary["interpreter"] == "/lib64/ld<U+202E>.so"
    assert binary["needed"] == ["libevil<U+2067>.so", "libc.so.6"]
    go = binary["go"]
    assert go["go_version"] == "go1.21.0" and go["path"] == "example.com/<U+202E>evil"
    assert go["deps"] == ["example.com/<U+200B>dep@v1.0.0"]
    assert len(go["settings"]["-ldflags"]) == MAX_TEXT and go["settings"]["-ldflags"].endswith("…")
    by = {f["symbol"]: f for f in report["findings"]}
    assert "evil<U+202E>" in by, list(by)
    message = by["evil<U+202E>"]["message"]
    assert message.startswith("deprecated x<U+202E>y<U+200B>z") and len(message) == MAX_TEXT
    long = next(s for s in by if s.startswith("aaaa"))
    assert len(long) == MAX_TEXT and long.endswith("…")
    for fmt in ("text", "markdown", "html", "json"):
        result = cli.invoke(main, ["inspect", "-f", fmt, "--fail-on", "never", str(evil)])
        assert result.exit_code == 0
        assert not re.search(r"[\x1b\x9b\x9d\u202e\u2067\u200b]", result.stdout), fmt


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("plain", "plain"),
        ("\x1b[31mred\x1b[0m", "red"),
        ("title\x1b]0;pwned\x07!", "title!"),
        ("osc8 \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "osc8 link"),
        ("c1 \x9b31mcsi \x85nel", "c1 csi nel"),
        ("tab\tnew\nline\r", "tab new line"),
        ("nul\x00del\x7f", "nuldel"),
        ("a\u202eb\u2066c\u2069d", "a<U+202E>b<U+2066>c<U+2069>d"),
        ("zw\u200bj\u200dbom\ufeff", "zw<U+200B>j<U+200D>bom<U+FEFF>"),
        ("x" * 300, "x" * (MAX_TEXT - 1) + "…"),
        ("\x1b" * 5000, ""),
    ],
)
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


# --- 5. what the fuzzer found -----------------------------------------------------------------------

REGRESSIONS = Path(__file__).parent / "fuzz" / "regressions" / "elf"
REPLAY_LIMIT = 2.0
"""Seconds one saved input may take in-process (what tests/fuzz/fuzz_elf.py calls slow)."""


class TooSlow(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise TooSlow


@pytest.mark.parametrize(
    "path",
    sorted(p for p in REGRESSIONS.iterdir() if p.suffix != ".md"),
    ids=lambda p: p.name,
)
def test_fuzz_regression_replays_without_escaping_or_stalling(path: Path) -> None:
    """Every input tests/fuzz/fuzz_elf.py saved (and every hostile file found by hand) ends, in
    time, in a report or the documented InputError, through inspect_binary and through what
    `cgowarn inspect` does with its result."""
    kb = load_knowledge()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, 5 * REPLAY_LIMIT)  # a hang fails instead of stalling
    try:
        start = time.monotonic()
        with contextlib.suppress(InputError):
            inspect_binary(kb, str(path))
        elapsed = time.monotonic() - start
        try:
            report = analyze([], binaries=[str(path)])
        except InputError:
            return
        for fmt in OutputFormat:
            render(report, fmt, RenderOptions(color=False))
    except TooSlow:
        pytest.fail(f"{path.name} took more than {5 * REPLAY_LIMIT} s")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert elapsed < REPLAY_LIMIT, f"{path.name}: {elapsed:.1f} s"


@pytest.mark.parametrize("version", ["go1.21rc2", "devel go1.23-4bc1a21 +abcdef", "go1"])
def test_a_go_release_in_another_form_is_no_crash(tmp_path: Path, version: str) -> None:
    """Go's release candidates and development builds name their release so (and the fuzzer
    made "go1"): the binary's Go version then says nothing the version rules can use."""
    info = go_buildinfo(version, "path\texample.com/app\nbuild\tCGO_ENABLED=1\n")
    (tmp_path / "main.c").write_text(
        f'__attribute__((used, section(".go.buildinfo"))) static const char info[] = "{c_bytes(info)}";\n'
        "int main(void) { return 0; }\n"
    )
    run(["gcc", "-o", "app", "main.c"], tmp_path)
    report = analyze([], binaries=[str(tmp_path / "app")])
    (binary,) = report.binaries
    assert binary.go is not None and binary.go.go_version == version
    assert report.build.go_version is None


# --- work budgets: files whose tables are huge but legal -----------------------------------------

SHDR = struct.Struct("<IIQQQQIIQQ")
PHDR = struct.Struct("<IIQQQQQQ")
SYM = struct.Struct("<IBBHQQ")


def _with_sections(seed: Path, sections: list[bytes], extra: bytes = b"") -> tuple[bytes, int]:
    """`seed` with its section header table replaced by `sections` (after a null section and a
    string table), appended at the end with `extra` data before it."""
    data = bytearray(seed.read_bytes())
    strtab = b"\0.strtab\0x\0getpwnam\0"
    base = len(data)
    data += strtab
    extra_at = len(data)
    data += extra
    table = [bytes(SHDR.size), SHDR.pack(1, 3, 0, 0, base, len(strtab), 0, 0, 1, 0)]
    table += [s.replace(b"@EXTRA@", b"") for s in sections]
    shoff = len(data) + (-len(data) % 8)
    data += bytes(shoff - len(data))
    for s in table:
        data += s
    struct.pack_into("<Q", data, 0x28, shoff)  # e_shoff
    struct.pack_into("<HHH", data, 0x3A, SHDR.size, 0 if len(table) >= 0xFF00 else len(table), 1)
    if len(table) >= 0xFF00:  # extended numbering: the count in section 0's sh_size
        struct.pack_into("<Q", data, shoff + 0x20, len(table))
    return bytes(data), extra_at


def _many_note_sections(seed: Path) -> bytes:
    notes = [SHDR.pack(0, walk.SHT_NOTE, 0, 0, 0, 65536, 0, 0, 4, 0)] * 131_070
    return _with_sections(seed, notes)[0]


def _many_note_segments(seed: Path) -> bytes:
    data = bytearray(seed.read_bytes())
    phoff = len(data) + (-len(data) % 8)
    data += bytes(phoff - len(data))
    data += PHDR.pack(walk.PT_NOTE, 4, 0, 0, 0, 65536, 65536, 4) * 65_534
    struct.pack_into("<Q", data, 0x20, phoff)  # e_phoff
    struct.pack_into("<HH", data, 0x36, PHDR.size, 65_534)  # e_phentsize, e_phnum
    return bytes(data)


def _many_symbols(seed: Path) -> bytes:
    count = 1_400_000
    # Every symbol named "x" (offset 9 of the string table), one named getpwnam, defined.
    symbols = SYM.pack(9, 0x12, 0, 1, 0, 0) * (count - 1) + SYM.pack(11, 0x12, 0, 1, 0, 0)
    _, at = _with_sections(seed, [], symbols)
    return _with_sections(
        seed, [SHDR.pack(0, walk.SHT_SYMTAB, 0, 0, at, len(symbols), 1, 0, 8, SYM.size)], symbols
    )[0]


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (_many_note_sections, "abi"),  # the real ABI tag, in the PT_NOTE segment, comes first
        (_many_note_segments, "note holders, the first 64 read"),
        (_many_symbols, "getpwnam"),
    ],
    ids=["131070 note sections", "65534 PT_NOTE segments", "1.4 million symbols"],
)
def test_a_huge_table_is_read_within_the_budget(
    seeds: dict[str, Path], tmp_path: Path, make: Callable[[Path], bytes], said: str | None
) -> None:
    path = tmp_path / "huge"
    path.write_bytes(make(seeds["tiny-static"]))
    code, out, err, took = inspect_subprocess(path)
    assert code == 0, err
    assert took < 6, took  # start-up included; before the budgets: 40 s to 390 s
    (binary,) = json.loads(out)["binaries"]
    if said == "abi":
        assert binary["abi_kernel"] == "3.2.0"
    elif said == "getpwnam":  # the one interesting symbol among 1.4 million is found
        assert "symbol table" in json.dumps(json.loads(out)["findings"])
    else:
        assert said in (binary["error"] or ""), binary["error"]


def test_a_64_gb_sparse_file_is_scanned_only_in_part(
    seeds: dict[str, Path], tmp_path: Path
) -> None:
    path = tmp_path / "sparse"
    path.write_bytes(seeds["tiny-static"].read_bytes())
    with path.open("r+b") as fh:
        fh.truncate(64 << 30)
    code, out, err, took = inspect_subprocess(path)
    assert code == 0, err
    assert took < 6, took
    (binary,) = json.loads(out)["binaries"]
    assert "the first 256 MiB of 65536 MiB scanned" in binary["error"], binary["error"]
