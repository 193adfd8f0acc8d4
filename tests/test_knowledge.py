"""The knowledge base loads, is internally consistent, and rejects invalid files by name."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cgowarn.errors import KnowledgeBaseError
from cgowarn.knowledge import load_knowledge, match_message
from cgowarn.knowledge import loader as loader_module

ROOT = Path(__file__).resolve().parents[1]


def test_every_symbol_has_category_source_and_matching_message() -> None:
    kb = load_knowledge()
    assert len(kb.symbols) >= 120
    for sym in kb.symbols.values():
        assert sym.category in kb.categories
        assert sym.source.startswith("https://")
        for text in sym.messages:
            found = match_message(kb, f"a.c:(.text+0x1): warning: {text}")
            assert found is not None, text
            assert found[1] in {sym.name, sym.name.removeprefix("__").removesuffix("_chk")}


def test_categories_required_by_design_exist() -> None:
    kb = load_knowledge()
    for db in (
        "passwd",
        "group",
        "shadow",
        "gshadow",
        "hosts",
        "networks",
        "protocols",
        "services",
        "rpc",
        "aliases",
        "initgroups",
    ):
        assert f"nss-{db}" in kb.categories
        assert kb.categories[f"nss-{db}"].static_only
    for cid in ("dynamic-loading", "unsafe-tempfile", "unsafe-input", "obsolete", "stub"):
        assert cid in kb.categories
    # Warnings that also fire in dynamic links are not static-only.
    assert not kb.categories[kb.symbols["mktemp"].category].static_only
    assert not kb.categories[kb.symbols["gets"].category].static_only
    assert kb.categories[kb.symbols["dlopen"].category].static_only
    assert kb.symbols["getaddrinfo"].category == "nss-hosts"
    assert kb.symbols["getgrouplist"].category == "nss-initgroups"


def test_every_group_cites_sources() -> None:
    kb = load_knowledge()
    for group in kb.groups.values():
        assert group.sources and all(s.startswith("https://") for s in group.sources)


@pytest.fixture
def broken_patterns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "patterns"
    shutil.copytree(ROOT / "patterns", target)
    monkeypatch.setattr(loader_module, "data_dir", lambda name: tmp_path / name)
    load_knowledge.cache_clear()
    yield target
    load_knowledge.cache_clear()


def test_invalid_entry_is_named(broken_patterns: Path) -> None:
    path = broken_patterns / "categories.toml"
    path.write_text(path.read_text().replace('severity = "high"', 'severity = "extreme"', 1))
    with pytest.raises(
        KnowledgeBaseError,
        match=r"patterns/categories.toml: invalid entry category\.0\.severity \('nss-passwd'\)",
    ):
        load_knowledge()


def test_unknown_reference_is_named(broken_patterns: Path) -> None:
    path = broken_patterns / "symbols.toml"
    path.write_text(
        path.read_text().replace('category = "dynamic-loading"', 'category = "nope"', 1)
    )
    with pytest.raises(
        KnowledgeBaseError, match=r"symbols.toml: entry 'dlmopen': unknown category 'nope'"
    ):
        load_knowledge()


def test_extra_field_is_rejected(broken_patterns: Path) -> None:
    path = broken_patterns / "fixes.toml"
    path.write_text(path.read_text().replace('id = "musl"\n', 'id = "musl"\ncolour = "red"\n', 1))
    with pytest.raises(
        KnowledgeBaseError, match=r"fixes.toml: invalid entry fix\.6\.colour \('musl'\)"
    ):
        load_knowledge()


def test_bad_regex_is_named(broken_patterns: Path) -> None:
    path = broken_patterns / "origins.toml"
    path.write_text(
        path.read_text().replace('object = "(?:^|/)libsqlite3', 'object = "((?:^|/)libsqlite3', 1)
    )
    with pytest.raises(KnowledgeBaseError, match=r"origins.toml: entry 'lib:sqlite3': bad pattern"):
        load_knowledge()


def test_invalid_toml_is_named(broken_patterns: Path) -> None:
    (broken_patterns / "messages.toml").write_text("[[family]\n")
    with pytest.raises(KnowledgeBaseError, match=r"patterns/messages.toml: not valid TOML"):
        load_knowledge()
