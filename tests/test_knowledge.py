"""The knowledge base loads, is internally consistent, and rejects invalid files by name."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cgowarn.errors import KnowledgeBaseError
from cgowarn.knowledge import load_knowledge
from cgowarn.knowledge import loader as loader_module
from conftest import analyze_text

ROOT = Path(__file__).resolve().parents[1]


def test_every_symbol_has_category_source_and_matching_message() -> None:
    kb = load_knowledge()
    assert len(kb.symbols) >= 120
    for sym in kb.symbols.values():
        assert sym.category in kb.categories
        assert sym.source.startswith("https://")
        for text in sym.messages:
            found = kb.parse.match_message(f"a.c:(.text+0x1): warning: {text}")
            assert found is not None, text
            assert found.symbol in {sym.name, sym.name.removeprefix("__").removesuffix("_chk")}


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
def broken_patterns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
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
        KnowledgeBaseError, match=r"fixes.toml: invalid entry fix\.7\.colour \('musl'\)"
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


def test_duplicate_symbol_is_named(broken_patterns: Path) -> None:
    path = broken_patterns / "symbols.toml"
    text = path.read_text()
    first = text.index("[[symbol]]")
    second = text.index("[[symbol]]", first + 1)
    path.write_text(text + "\n" + text[first:second])
    with pytest.raises(KnowledgeBaseError, match=r"symbols.toml: entry 'dlmopen': listed twice"):
        load_knowledge()


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("fixes.toml", 'id = "dynamic"', 'id = "musl"', r"fixes.toml: entry 'musl': listed twice"),
        (
            "platforms.toml",
            'id = "centos7"',
            'id = "centos6"',
            r"platforms.toml: entry 'centos6': listed twice",
        ),
        (
            "diagnostics.toml",
            'id = "collect2"',
            'id = "undefined_reference"',
            r"diagnostics.toml: entry 'undefined_reference': listed twice",
        ),
        # A role the code asks for is held by the data exactly once.
        (
            "categories.toml",
            "other_library = true\n",
            "",
            r"exactly one \[\[category\]\] must set other_library = true \(found 0\)",
        ),
        (
            "categories.toml",
            'id = "unknown-static"\n',
            'id = "unknown-static"\nother_library = true\n',
            r"exactly one \[\[category\]\] must set other_library = true \(found 2\)",
        ),
        (
            "fixes.toml",
            'id = "zig-musl"\n',
            'id = "zig-musl"\nglibc = "2.17"\n',
            r"at most one \[\[fix\]\] may set glibc",
        ),
    ],
)
def test_duplicate_ids_and_roles_are_named(
    broken_patterns: Path, file: str, old: str, new: str, message: str
) -> None:
    path = broken_patterns / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(KnowledgeBaseError, match=message):
        load_knowledge()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('glibc = "2.20"\nkernel = "2.6.32"', 'glibc = "2.16"\nkernel = "2.6.32"'),  # out of order
        ('go = "1.24"', 'go = "1.18"'),  # repeated release
    ],
)
def test_unsorted_floor_rows_are_rejected(broken_patterns: Path, old: str, new: str) -> None:
    path = broken_patterns / "platforms.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(
        KnowledgeBaseError, match=r"_floor rows must be in strictly ascending order"
    ):
        load_knowledge()


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        ("platforms.toml", 'kernel = "4.18.0"', 'kernel = "4.18.O"'),
        ("platforms.toml", 'removed_in = "2.36"', 'removed_in = "2.36-rc1"'),
        ("symbols.toml", 'since = "2.3.4"', 'since = "2,3,4"'),
    ],
)
def test_versions_are_checked_when_the_data_loads(
    broken_patterns: Path, file: str, old: str, new: str
) -> None:
    path = broken_patterns / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(
        KnowledgeBaseError, match=rf"patterns/{file}: invalid entry .*is not a version"
    ):
        load_knowledge()


def test_binary_origin_must_name_a_known_origin(broken_patterns: Path) -> None:
    path = broken_patterns / "origins.toml"
    path.write_text(path.read_text().replace('origin = "go:net"', 'origin = "go:nett"', 1))
    with pytest.raises(KnowledgeBaseError, match=r"binary_origin 'go:nett': no \[\[origin\]\]"):
        load_knowledge()


def test_no_fact_is_written_twice_in_the_code() -> None:
    """Versions, distribution names and category ids live in patterns/; the code asks the data."""
    import re

    src = ROOT / "src" / "cgowarn"
    facts = re.compile(
        r"""["'](?:\d+\.\d+(?:\.\d+)?|centos\d|rhel\d|debian\d+|ubuntu[\d.]+|alpine|nss-\w+|dynamic-loading|gconv|locales)["']"""
        r"|\(\d+, \d+\)"
    )
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in src.rglob("*.py")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if facts.search(line)
        and not line.lstrip().startswith("#")
        # cgowarn's own versions, and the version of the SARIF format it writes
        and not line.startswith(("__version__ =", "FORMAT_VERSION =", "SARIF_VERSION ="))
    ]
    assert found == [], "\n".join(found)


def test_every_diagnostic_cites_a_source_and_gates_are_errors() -> None:
    kb = load_knowledge()
    for entry in kb.diagnostics.values():
        assert entry.source.startswith("https://"), entry.id
        assert entry.advice and entry.title, entry.id
        if entry.gate:  # a run-time failure that fails the run is an error, never a warning
            assert entry.severity.value == "error", entry.id


def test_gate_must_be_a_boolean(broken_patterns: Path) -> None:
    path = broken_patterns / "diagnostics.toml"
    text = path.read_text()
    entry = 'id = "kernel_too_old"\nneedles = ["FATAL: kernel too old"]\nseverity = "error"\n'
    assert entry + "gate = true\n" in text
    path.write_text(text.replace(entry + "gate = true\n", entry + 'gate = "often"\n', 1))
    with pytest.raises(
        KnowledgeBaseError,
        match=r"diagnostics.toml: invalid entry diagnostic\.\d+\.gate \('kernel_too_old'\)",
    ):
        load_knowledge()


def test_diagnostic_patterns_take_linear_time_on_hostile_lines() -> None:
    """Each pattern searches a 200,000-character line built from its own needles and the
    separators its pattern repeats (colons, spaces, digits, quotes, dots) in well under a second: no
    backtracking blow-up on what a log can hold."""
    import time

    kb = load_knowledge()
    fillers = (" 1", "x:", "a: line 1:", "1.", "`", "(", " ")
    worst = 0.0
    for rule in kb.parse.diagnostics:
        for needle in rule.needles:
            for filler in fillers:
                for line in (
                    filler * (200_000 // len(filler)) + needle,
                    needle + filler * (200_000 // len(filler)),
                    (needle + filler) * (200_000 // (len(needle) + len(filler))),
                ):
                    start = time.perf_counter()
                    rule.pattern.search(line)
                    worst = max(worst, time.perf_counter() - start)
                    assert worst < 1.0, (rule.id, needle, filler)


def test_each_floor_holds_from_exactly_its_release() -> None:
    """A glibc, Go or Rust floor row applies from its own release on, and the release just before
    it still has the previous row's floor (the real binaries in test_verdicts.py fall between
    rows, not on them)."""
    from cgowarn.knowledge import platforms

    kb = load_knowledge()
    rows: list[tuple[list[tuple[str, str]], Callable[[str], str]]] = [
        (
            [(r.glibc, r.kernel) for r in kb.platforms.glibc_floor],
            lambda v: platforms.glibc_floor(kb, v),
        ),
        ([(r.go, r.kernel) for r in kb.platforms.go_floor], lambda v: platforms.go_floor(kb, v)),
        (
            [(r.rust, r.kernel) for r in kb.platforms.rust_floor],
            lambda v: platforms.rust_floor(kb, v).kernel,
        ),
    ]
    for table, floor in rows:
        for i, (release, kernel) in enumerate(table):
            assert floor(release) == kernel, release
            if i:
                major, minor = release.split(".")
                before = f"{major}.{int(minor) - 1}"
                assert floor(before) == table[i - 1][1], before


def test_link_errors_are_grouped_by_the_role_the_data_gives_them(broken_patterns: Path) -> None:
    """A diagnostic's role decides how a failed link's errors are grouped: without the role,
    `cannot find -lz` is no longer a missing library with its package."""
    log = "/usr/bin/ld: cannot find -lz: No such file or directory\ncollect2: error: ld returned 1 exit status\n"
    kinds = [p.kind for p in analyze_text(log).link_problems]
    assert kinds == ["missing_library", "link_failed"]
    path = broken_patterns / "diagnostics.toml"
    path.write_text(path.read_text().replace('role = "missing-library"\n', "", 1))
    load_knowledge.cache_clear()
    assert [p.kind for p in analyze_text(log).link_problems] == [
        "other",
        "link_failed",
    ]


def test_a_familys_releases_are_listed_oldest_first() -> None:
    """by_family's "Debian 11+" means every release listed after 11: so the file lists each
    family's releases by their glibc, oldest first."""
    from cgowarn.versions import version_tuple

    families: dict[str, list[str]] = {}
    for d in load_knowledge().distributions.values():
        if d.glibc:
            families.setdefault(d.family, []).append(d.glibc)
    for family, glibcs in families.items():
        assert glibcs == sorted(glibcs, key=version_tuple), family


@pytest.mark.parametrize(
    ("ids", "debian"),
    [
        (["debian11", "debian12", "debian13"], "Debian 11+"),
        (["debian9", "debian10", "debian11", "debian12", "debian13"], "Debian 9+"),
        (["debian13"], "Debian 13+"),
        (["debian9", "debian11"], "Debian 9, 11"),
        (["debian11", "debian12"], "Debian 11, 12"),
        ([], "Debian: no"),
    ],
)
def test_starts_on_by_family(ids: list[str], debian: str) -> None:
    from cgowarn.knowledge.platforms import by_family

    said = by_family(load_knowledge(), [*ids, "alpine"])
    assert debian in said
    assert "Alpine" in said and "CentOS/RHEL: no" in said
    assert "Alpine: no" in by_family(load_knowledge(), ids)
