"""The per-user cache only saves time: a warm cache gives the same report as no cache, changed
data is never served stale, and a damaged or unusable cache is rebuilt or ignored, never an error."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cgowarn import usercache
from cgowarn.knowledge import loader
from conftest import SAMPLES

SEED = SAMPLES / "seed-article-go-sqlite3-centos.log"


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

    def fail(sources: dict[str, bytes]) -> loader.KnowledgeBase:
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

    def counting(sources: dict[str, bytes]) -> loader.KnowledgeBase:
        calls.append(1)
        return validate(sources)

    monkeypatch.setattr(loader, "validate_knowledge", counting)
    loader.load_knowledge()
    assert calls == [1]
    (new,) = entries(cache_dir, "knowledge")  # the stale entry was replaced, not kept
    assert new != old


@pytest.mark.parametrize("damage", [b"", b"garbage", b"\x80\x05K\x01."])
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
