"""Coverage-guided fuzzing of `cgowarn inspect` with atheris (libFuzzer for Python).

    pip install atheris
    python tests/fuzz/fuzz_elf.py -max_total_time=600

Seeds are small real binaries built here with gcc (ld.bfd, lld and mold; tests/elfpatch.py), in
a fresh corpus directory unless one is given as the last argument. Half of the mutations are
structure-aware (custom_mutator): one header field or table word set to a boundary value. Each input is written to a
file and inspected as `cgowarn inspect FILE` would (analyze: inspect_binary, fold, explain, and
the text and JSON renderers). InputError is the documented outcome for a file that cannot be
inspected; any other exception is a crash and an input that takes more than SLOW seconds is slow:
both are saved to tests/fuzz/regressions/elf/ (named crash-SHA1 and slow-SHA1) and the run goes on,
so that one run lists them all. A hang is left to libFuzzer's -timeout (10 s here), which saves
it there as timeout-SHA1. tests/test_fuzz_regressions.py replays every file there.
"""

from __future__ import annotations

import hashlib
import os
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

import atheris  # type: ignore[import-untyped, import-not-found, unused-ignore]

HERE = Path(__file__).resolve().parent
REGRESSIONS = HERE / "regressions" / "elf"
SLOW = 2.0
MAX_SEED = 64 << 10
"""Seeds larger than this (static glibc binaries) are left out: libFuzzer's -max_len here."""
sys.path.insert(0, str(HERE.parent))  # tests/, for elfpatch

# Only what is imported inside this block is instrumented: cgowarn imports the inspect code and
# the renderers lazily, so they are imported here first.
with atheris.instrument_imports(include=["cgowarn", "elftools"]):
    import cgowarn.fold
    import cgowarn.inspect.elf
    import cgowarn.knowledge.report
    import cgowarn.render.json
    import cgowarn.render.text  # noqa: F401
    from cgowarn.errors import InputError
    from cgowarn.formats import OutputFormat
    from cgowarn.knowledge import load_knowledge
    from cgowarn.pipeline import AnalysisOptions, analyze
    from cgowarn.render import RenderOptions, render

from elfpatch import build_seeds, have, run  # noqa: E402

WORK = Path(tempfile.mkdtemp(prefix="cgowarn-fuzz-elf-"))
TARGET = WORK / "input"
stats = {"crashes": 0, "slow": 0}


def save(kind: str, data: bytes, detail: str) -> None:
    name = f"{kind}-{hashlib.sha1(data).hexdigest()}"
    REGRESSIONS.mkdir(parents=True, exist_ok=True)
    (REGRESSIONS / name).write_bytes(data)
    stats[{"crash": "crashes", "slow": "slow"}[kind]] += 1
    print(f"\n== {kind}: {REGRESSIONS / name}\n{detail}", file=sys.stderr, flush=True)


def test_one_input(data: bytes) -> None:
    TARGET.write_bytes(data)
    start = time.monotonic()
    try:
        report = analyze([], AnalysisOptions(binaries=(str(TARGET),)))
        for fmt in (OutputFormat.TEXT, OutputFormat.JSON):
            render(report, fmt, RenderOptions(color=False))
    except InputError:
        pass
    except Exception:  # the crash this fuzzer looks for: save it, and go on
        save("crash", data, traceback.format_exc())
        return
    elapsed = time.monotonic() - start
    if elapsed > SLOW:
        save("slow", data, f"{elapsed:.1f} s")


# Values that break counts, sizes and offsets: boundaries of 8-, 16-, 32- and 64-bit fields.
INTERESTING: tuple[int, ...] = (
    0,
    1,
    2,
    3,
    7,
    8,
    16,
    0x7F,
    0x80,
    0xFF,
    0xFFFF,
    0x7FFFFFFF,
    0xFFFFFFFF,
)
INTERESTING += (1 << 32, 1 << 40, (1 << 63) - 1, 1 << 63, (1 << 64) - 1)
ELF64_HEADER_FIELDS = ((0x20, 8), (0x28, 8), (0x36, 2), (0x38, 2), (0x3A, 2), (0x3C, 2), (0x3E, 2))
SHDR_FIELDS = ((0, 4), (4, 4), (8, 8), (24, 8), (32, 8), (40, 4), (44, 4), (48, 8), (56, 8))
PHDR_FIELDS = ((0, 4), (8, 8), (16, 8), (32, 8), (48, 8))


def _u(buf: bytes | bytearray, at: int, width: int) -> int:
    return int.from_bytes(buf[at : at + width], "little")


def custom_mutator(data: bytes, max_size: int, seed: int) -> bytes:
    """Half of the mutations are libFuzzer's; the other half set one field of the ELF header, of
    a section or program header, or one 32-bit word inside a section (a count, an offset, a link
    of .gnu.version_r, .dynamic or a note) to a boundary value or a nearby one: the lies a
    hostile file tells, which random bit flips seldom reach. ELF64 little-endian only."""
    rng = random.Random(seed)
    if len(data) < 64 or data[:6] != b"\x7fELF\x02\x01" or rng.random() < 0.5:
        return bytes(atheris.Mutate(data, max_size))
    buf = bytearray(data)
    shoff, shentsize, shnum = _u(buf, 0x28, 8), _u(buf, 0x3A, 2), _u(buf, 0x3C, 2)
    phoff, phentsize, phnum = _u(buf, 0x20, 8), _u(buf, 0x36, 2), _u(buf, 0x38, 2)
    choice = rng.randrange(4)
    if choice == 1 and shnum and shentsize >= 64 and shoff + shnum * shentsize <= len(buf):
        at, width = rng.choice(SHDR_FIELDS)
        at += shoff + rng.randrange(shnum) * shentsize
    elif choice == 2 and phnum and phentsize >= 56 and phoff + phnum * phentsize <= len(buf):
        at, width = rng.choice(PHDR_FIELDS)
        at += phoff + rng.randrange(phnum) * phentsize
    elif choice == 3 and shnum and shentsize >= 64 and shoff + shnum * shentsize <= len(buf):
        header = shoff + rng.randrange(shnum) * shentsize
        offset, size = _u(buf, header + 24, 8), _u(buf, header + 32, 8)
        if not 4 <= size <= len(buf) - offset:
            return bytes(atheris.Mutate(data, max_size))
        at, width = offset + rng.randrange(size // 4) * 4, rng.choice((2, 4))
    else:
        at, width = rng.choice(ELF64_HEADER_FIELDS)
    old = _u(buf, at, width)
    value = rng.choice(INTERESTING) if rng.random() < 0.7 else old + rng.choice((-16, -1, 1, 16))
    buf[at : at + width] = (value % (1 << (8 * width))).to_bytes(width, "little")
    return bytes(buf[:max_size])


def seed_corpus(corpus: Path) -> None:
    """Small binaries (a few KiB each): libFuzzer mutates them fast."""
    built = build_seeds(WORK / "seeds", static=False)
    if have("mold"):
        run(["gcc", "-fuse-ld=mold", "-o", "mold-warning", "main.c", "-L.", "-lmy"], WORK / "seeds")
        built["mold-warning"] = WORK / "seeds" / "mold-warning"
    corpus.mkdir(parents=True, exist_ok=True)
    for name, path in built.items():
        if path.stat().st_size <= MAX_SEED:
            (corpus / name).write_bytes(path.read_bytes())


def main() -> None:
    load_knowledge()  # once, before the clock of the first input starts
    argv = list(sys.argv)
    if not argv[1:] or argv[-1].startswith("-"):
        corpus = WORK / "corpus"
        seed_corpus(corpus)
        argv.append(str(corpus))
    REGRESSIONS.mkdir(parents=True, exist_ok=True)  # libFuzzer needs the artifact directory
    if not any(a.startswith("-artifact_prefix=") for a in argv):
        argv.insert(1, f"-artifact_prefix={REGRESSIONS}{os.sep}")
    if not any(a.startswith("-timeout=") for a in argv):
        argv.insert(1, "-timeout=10")
    if not any(a.startswith("-max_len=") for a in argv):
        argv.insert(1, f"-max_len={MAX_SEED}")
    atheris.Setup(argv, test_one_input, custom_mutator=custom_mutator)
    try:
        atheris.Fuzz()
    finally:
        print(f"cgowarn fuzz_elf: {stats['crashes']} crashes, {stats['slow']} slow inputs saved")


if __name__ == "__main__":
    main()
