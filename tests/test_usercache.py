"""The per-user cache only saves time: a warm cache gives the same report as no cache, changed
data is never served stale, and a damaged or unusable cache is rebuilt or ignored, never an error."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cgowarn import usercache
from cgowarn.enums import Severity, Toolchain
from cgowarn.knowledge import loader
from cgowarn.model import Report
from conftest import SAMPLES, analyze_text

SEED = SAMPLES / "seed-article-go-sqlite3-centos.log"
HIGH_LINE = (
    "a.c:(.text+0x1): warning: Using 'getpwnam' in statically linked applications requires at "
    "runtime the shared libraries from the glibc version used for linking\n"
)


def render_markdown(report: Report) -> str:
    from cgowarn.formats import OutputFormat
    from cgowarn.render import RenderOptions, render

    return render(report, OutputFormat.MARKDOWN, RenderOptions(color=False))


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh cache directory for this test, and a knowledge base loaded anew."""
    path = tmp_path / "cache"
    monkeypatch.setenv("CGOWARN_CACHE_DIR", str(path))
    usercache.directory.cache_clear()
    loader.load_knowledge.cache_clear()
    yield path
    usercache.directory.cache_clear()
    loader.load_knowledge.cache_clear()


def entries(path: Path, name: str) -> list[Path]:
    return sorted(path.glob(f"{name}-*.bin"))


def test_second_load_comes_from_the_cache(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cold = loader.load_knowledge()
    (entry,) = entries(cache_dir, "knowledge")
    assert cache_dir.stat().st_mode & 0o777 == 0o700
    loader.load_knowledge.cache_clear()

    def fail(sources: dict[str, bytes]) -> loader.KnowledgeFiles:
        raise AssertionError("validated again although the cache holds the knowledge base")

    monkeypatch.setattr(loader, "validate_knowledge", fail)
    warm = loader.load_knowledge()
    assert warm is not cold
    assert warm.symbols == cold.symbols
    assert warm.fixes == cold.fixes
    assert [o.rule for o in warm.origins] == [o.rule for o in cold.origins]
    # Patterns come back uncompiled and compile to the same thing on first use.
    fam = warm.parse.families[0].pattern
    assert fam._compiled is None
    assert fam.compiled.pattern == cold.parse.families[0].pattern.compiled.pattern
    assert entries(cache_dir, "knowledge") == [entry]


def test_changed_patterns_are_a_miss(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loader.load_knowledge()
    (old,) = entries(cache_dir, "knowledge")
    loader.load_knowledge.cache_clear()
    original = loader._source

    def edited(name: str) -> bytes:
        data = original(name)
        return data + b"\n# edited\n" if name == "symbols.toml" else data

    monkeypatch.setattr(loader, "_source", edited)
    calls: list[int] = []
    validate = loader.validate_knowledge

    def counting(sources: dict[str, bytes]) -> loader.KnowledgeFiles:
        calls.append(1)
        return validate(sources)

    monkeypatch.setattr(loader, "validate_knowledge", counting)
    loader.load_knowledge()
    assert calls == [1]
    (new,) = entries(cache_dir, "knowledge")  # the stale entry was replaced, not kept
    assert new != old


@pytest.mark.parametrize(
    "damage", [b"", b"garbage", b"\x80\x05K\x01.", usercache.MAGIC + b"\x00" * 32 + b"{}"]
)
def test_damaged_entry_is_rebuilt(cache_dir: Path, damage: bytes) -> None:
    loader.load_knowledge()
    (entry,) = entries(cache_dir, "knowledge")
    entry.write_bytes(damage)
    loader.load_knowledge.cache_clear()
    kb = loader.load_knowledge()
    assert "getpwnam" in kb.symbols
    assert entry.read_bytes() != damage


def test_unusable_directory_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("CGOWARN_CACHE_DIR", str(blocker / "cache"))
    usercache.directory.cache_clear()
    try:
        assert usercache.directory() is None
        usercache.store("knowledge", "k", b"data")  # does nothing, raises nothing
        assert usercache.load("knowledge", "k") is None
    finally:
        usercache.directory.cache_clear()


def test_directory_others_can_write_to_is_not_used(cache_dir: Path) -> None:
    cache_dir.mkdir()
    cache_dir.chmod(0o777)
    assert usercache.directory() is None
    usercache.directory.cache_clear()
    cache_dir.chmod(0o700)
    assert usercache.directory() == cache_dir


def test_directory_of_another_user_is_not_used(cache_dir: Path) -> None:
    if os.getuid() != 0:
        pytest.skip("changing a directory's owner needs root")
    cache_dir.mkdir(mode=0o700)
    os.chown(cache_dir, 65534, 65534)
    assert usercache.directory() is None


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cgowarn", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )


def test_cold_warm_and_no_cache_runs_print_the_same(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {"CGOWARN_CACHE_DIR": str(cache)}
    args = ("--format", "markdown", "--fail-on", "never", str(SEED))
    cold = run(env, *args)
    assert cold.returncode == 0, cold.stderr
    names = sorted(p.name.split("-")[0] for p in cache.iterdir())
    assert names[0] == "knowledge"
    assert "template" in names
    warm = run(env, *args)
    off = run(
        {**env, "CGOWARN_NO_CACHE": "1", "CGOWARN_CACHE_DIR": str(tmp_path / "unused")}, *args
    )
    assert cold.stdout == warm.stdout == off.stdout
    assert "getpwnam_r" in warm.stdout
    assert not (tmp_path / "unused").exists()
    for entry in cache.iterdir():  # damage every entry: still the same report, no error
        entry.write_bytes(b"\x00" * 16)
    damaged = run(env, *args)
    assert damaged.returncode == 0, damaged.stderr
    assert damaged.stdout == cold.stdout
    assert damaged.stderr == ""


def test_one_clear_empties_every_memo(cache_dir: Path) -> None:
    """The knowledge base owns every memo (the parser's, the scanner's, the origins'), before and
    after a round trip through the cache."""
    import io

    from cgowarn.pipeline import analyze

    loader.load_knowledge.cache_clear()
    for _ in range(2):  # a cold load, then one from the cache
        kb = loader.load_knowledge()
        assert kb.parse.memos is kb.memos
        analyze(
            [
                (
                    "a.log",
                    io.BytesIO(
                        b"/usr/bin/ld: a.o: in function `f':\na.c:(.text+0x1): warning: Using 'getpwnam' in statically linked applications requires at runtime the shared libraries from the glibc version used for linking\n"
                    ),
                )
            ]
        )
        assert kb.memos.bounded("origins") and kb.memos.bounded("parsed-lines")
        kb.memos.clear()
        assert not kb.memos.bounded("origins") and not kb.memos.bounded("parsed-lines")
        loader.load_knowledge.cache_clear()


# --- what an entry holds, and that nothing but exactly it is used --------------------------------


def _payload(entry: Path) -> bytes:
    return entry.read_bytes()[len(usercache.MAGIC) + 32 :]


def test_knowledge_entry_is_json_and_reads_back_equal(cache_dir: Path) -> None:
    cold = loader.load_knowledge()
    (entry,) = entries(cache_dir, "knowledge")
    data = json.loads(_payload(entry))
    assert sorted(data) == sorted(f.name for f in dataclasses.fields(loader.KnowledgeFiles))
    loader.load_knowledge.cache_clear()
    warm = loader.load_knowledge()
    for f in dataclasses.fields(loader.KnowledgeBase):
        if f.name in ("parse", "origins", "glibc_hints", "memos"):
            continue  # hold patterns, compared below
        assert getattr(warm, f.name) == getattr(cold, f.name), f.name
    assert [(o.rule, [(n, p.source) for n, p in o.fields]) for o in warm.origins] == [
        (o.rule, [(n, p.source) for n, p in o.fields]) for o in cold.origins
    ]
    assert warm.parse.message_needles == cold.parse.message_needles
    assert [(d.id, d.pattern.source) for d in warm.parse.diagnostics] == [
        (d.id, d.pattern.source) for d in cold.parse.diagnostics
    ]
    # Enums come back as enums, tuples as tuples: the same types validation gives.
    fix = warm.fixes[0]
    assert type(fix.toolchains) is tuple
    assert all(type(t) is Toolchain for f in warm.fixes for t in f.toolchains)
    assert all(type(s.severity) is Severity for s in warm.categories.values())


def test_no_pickle_is_read_on_a_warm_run(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading the cache can never run code: no entry goes through pickle (jinja2's own bytecode
    format reads its header with pickle, and the knowledge base used to be one)."""
    import pickle

    from cgowarn.render import templating

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("pickle used to read the cache")

    text = analyze_text(HIGH_LINE)
    templating.environment.cache_clear()
    cold = render_markdown(text)  # fills the cache
    loader.load_knowledge.cache_clear()
    templating.environment.cache_clear()
    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(pickle, "load", refuse)
    monkeypatch.setattr(pickle, "Unpickler", refuse)
    try:
        assert render_markdown(analyze_text(HIGH_LINE)) == cold
        assert entries(cache_dir, "template")
    finally:
        templating.environment.cache_clear()


def test_every_flipped_bit_or_byte_is_a_miss(cache_dir: Path) -> None:
    """In this process, every byte of a small entry: any change at all reads as no entry."""
    usercache.store("probe", "k1", b"the stored bytes \x00\xff")
    (entry,) = entries(cache_dir, "probe")
    good = entry.read_bytes()
    assert usercache.load("probe", "k1") == b"the stored bytes \x00\xff"
    for i in range(len(good)):
        for mask in (0x01, 0x80, 0xFF):
            damaged = bytearray(good)
            damaged[i] ^= mask
            entry.write_bytes(bytes(damaged))
            assert usercache.load("probe", "k1") is None, (i, mask)
    for damaged_bytes in (good[:-1], good + b"\x00", good[: len(usercache.MAGIC)], b""):
        entry.write_bytes(damaged_bytes)
        assert usercache.load("probe", "k1") is None
    entry.write_bytes(good)
    entry.rename(cache_dir / "probe-k2.bin")  # an entry is bound to its name and key
    assert usercache.load("probe", "k2") is None


def test_entry_that_is_a_fifo_or_a_link_is_a_miss(cache_dir: Path, tmp_path: Path) -> None:
    usercache.store("probe", "k", b"data")
    (entry,) = entries(cache_dir, "probe")
    elsewhere = tmp_path / "elsewhere.bin"
    entry.rename(elsewhere)
    entry.symlink_to(elsewhere)
    assert usercache.load("probe", "k") is None
    entry.unlink()
    os.mkfifo(entry)
    assert usercache.load("probe", "k") is None  # and does not wait for a writer
    entry.unlink()
    usercache.store("probe", "k", b"data")
    assert usercache.load("probe", "k") == b"data"


# --- where the cache goes -------------------------------------------------------------------------


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """No cache variables set, the working directory an empty private one."""
    for name in ("CGOWARN_CACHE_DIR", "CGOWARN_NO_CACHE", "XDG_CACHE_HOME", "HOME"):
        monkeypatch.delenv(name, raising=False)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    usercache.directory.cache_clear()
    yield cwd
    usercache.directory.cache_clear()


@pytest.mark.parametrize(
    "env",
    [
        {"HOME": ""},
        {"HOME": "relative-home"},
        {"HOME": "{tmp}/missing-home"},
        {"HOME": "", "XDG_CACHE_HOME": "relative-cache"},
        {"CGOWARN_CACHE_DIR": "relative-cache"},
    ],
)
def test_no_cache_in_odd_places(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str]
) -> None:
    """A home that is unset, empty, relative or missing, or a relative cache variable: no cache,
    and nothing created (the missing home is inside this test's directory, so that a regression
    creates nothing elsewhere)."""
    for name, value in env.items():
        monkeypatch.setenv(name, value.format(tmp=tmp_path))
    assert usercache.directory() is None
    assert list(clean_env.iterdir()) == []
    assert not (tmp_path / "missing-home").exists()


def test_unset_home_uses_the_password_database(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setattr(os.path, "expanduser", lambda p: str(home) + p[1:])
    assert usercache.directory() == home / ".cache" / "cgowarn"
    assert list(clean_env.iterdir()) == []


def test_relative_xdg_cache_home_is_ignored_for_home(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", "relative-cache")
    assert usercache.directory() == home / ".cache" / "cgowarn"
    assert list(clean_env.iterdir()) == []
    assert (home / ".cache").stat().st_mode & 0o777 == 0o700


def test_absolute_xdg_cache_home_and_at_most_two_new_levels(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert usercache.directory() == tmp_path / "xdg" / "cgowarn"
    usercache.directory.cache_clear()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "missing" / "xdg"))
    assert usercache.directory() is None
    assert not (tmp_path / "missing").exists()


# --- a damaged cache never changes the answer -----------------------------------------------------


def _go_version_log(path: Path) -> Path:
    """Hand-made: more Go version lines than the parser counts, then more than a read's worth of
    noise, so that the scanner also builds (and caches) its database without version needles."""
    lines = [
        f"/usr/lib/go-1.19/pkg/tool/linux_amd64/compile -o $WORK/b{i:04d}/_pkg_.a\n"
        for i in range(1200)
    ]
    path.write_text("".join(lines) + "ordinary build output\n" * 60_000)
    return path


@pytest.mark.slow
def test_damaged_entries_never_change_the_output(tmp_path: Path) -> None:
    """Every entry of a filled cache, damaged one byte at a time (the header, the digest, the
    first and last byte, a random sample of the rest; set CGOWARN_CACHE_TRIALS for more), and
    truncated or extended: each run, in its own process, prints exactly what a run without any
    cache prints, with the same exit code and nothing on standard error, and the damaged entry
    is rebuilt."""
    import random
    import shutil
    from concurrent.futures import ThreadPoolExecutor

    logs = [str(SEED), str(_go_version_log(tmp_path / "handmade-go-versions.log"))]

    def cgowarn(fmt: str, cache: Path | None) -> tuple[object, bytes, bytes]:
        env = {**os.environ, "CGOWARN_CACHE_DIR": str(cache or tmp_path / "unused")}
        env.pop("CGOWARN_NO_CACHE", None)
        if cache is None:
            env["CGOWARN_NO_CACHE"] = "1"
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "cgowarn", "--format", fmt, *logs],
                capture_output=True,
                env=env,
                timeout=120,
            )
        except subprocess.TimeoutExpired:
            return ("timeout", b"", b"")
        return (proc.returncode, proc.stdout, proc.stderr)

    formats = ("markdown", "html")  # between them, every kind of entry is read
    cold = {fmt: cgowarn(fmt, None) for fmt in formats}
    # Exit 1 (findings) and on standard error only the gate's one line.
    gate = b"cgowarn: --fail-on high: "
    assert all(
        c[0] == 1 and c[2].startswith(gate) and c[2].count(b"\n") == 1 for c in cold.values()
    ), cold
    filled = tmp_path / "filled"
    reader: dict[str, str] = {}
    for fmt in formats:
        assert cgowarn(fmt, filled) == cold[fmt]
        for entry in filled.iterdir():
            reader.setdefault(entry.name, fmt)
    kinds = {name.split("-")[0] for name in reader}
    assert {"knowledge", "template"} <= kinds
    assert len([n for n in reader if n.startswith("template-")]) == 2

    rng = random.Random(20261201)
    samples = int(os.environ.get("CGOWARN_CACHE_TRIALS", "8"))
    header = len(usercache.MAGIC) + 32
    trials: list[tuple[str, str, int | None, int]] = []  # (entry, format, position, mask)
    for name, fmt in sorted(reader.items()):
        size = (filled / name).stat().st_size
        fixed = [0, len(usercache.MAGIC) - 1, len(usercache.MAGIC), header - 1, header, size - 1]
        rest = rng.sample(range(header + 1, size - 1), min(samples, size - header - 2))
        trials += [(name, fmt, pos, rng.randrange(1, 256)) for pos in (*fixed, *rest)]
        trials += [(name, fmt, None, cut) for cut in (0, header, size // 2, size - 1, size + 1)]

    def trial(t: tuple[str, str, int | None, int]) -> tuple[bool, bool]:
        name, fmt, pos, n = t
        cache = tmp_path / f"trial-{name}-{pos}-{n}"
        shutil.copytree(filled, cache)
        entry = cache / name
        data = bytearray(entry.read_bytes())
        if pos is not None:
            data[pos] ^= n
        else:  # cut to n bytes, or extended by a byte
            data = data[:n] if n <= len(data) else data + b"\x00"
        entry.write_bytes(bytes(data))
        same = cgowarn(fmt, cache) == cold[fmt]
        rebuilt = entry.read_bytes() != bytes(data)
        shutil.rmtree(cache)
        return same, rebuilt

    with ThreadPoolExecutor(max(2, os.cpu_count() or 1)) as pool:
        results = list(pool.map(trial, trials))
    differing = [t for t, (same, _) in zip(trials, results, strict=True) if not same]
    not_rebuilt = [t for t, (_, rebuilt) in zip(trials, results, strict=True) if not rebuilt]
    assert differing == [], f"{len(differing)} of {len(trials)} damaged runs differ"
    assert not_rebuilt == []
