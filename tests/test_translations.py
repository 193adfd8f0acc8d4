"""patterns/translations.toml: its shape, that it is what the installed message catalogues give
(tools/translations.py, regenerated in memory), and that a real localised link prints its words."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "patterns" / "translations.toml"
IDS = {
    "undefined_reference",
    "more_undefined_references",
    "multiple_definition",
    "cannot_find_library",
    "error_adding_symbols",
    "collect2",
}
PARTS = {"before", "open", "close", "after"}
FIELDS = {"id", "domain", "msgid", "source", "function", "subject", "english", "translations"}
SOURCES = (
    "https://github.com/bminor/binutils-gdb/blob/binutils-2_40/",
    "https://github.com/gcc-mirror/gcc/blob/releases/gcc-12.2.0/",
)


def _load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "cgowarn_tools_translations", ROOT / "tools" / "translations.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


tool = _load_tool()
DATA: dict[str, Any] = tomllib.loads(TRANSLATIONS.read_text(encoding="utf-8"))
MESSAGES: list[dict[str, Any]] = DATA["message"]


def entry(domain: str, msgid: str) -> dict[str, Any]:
    (found,) = [m for m in MESSAGES if (m["domain"], m["msgid"]) == (domain, msgid)]
    return found


def test_every_entry_has_the_fields() -> None:
    assert MESSAGES
    for m in MESSAGES:
        assert set(m) == FIELDS, m.get("msgid")
        assert m["id"] in IDS
        assert m["domain"] in tool.DOMAINS
        assert m["source"].startswith(SOURCES)
        assert m["subject"] and m["subject"] in m["msgid"]
        for lang, parts in [("english", m["english"]), *m["translations"].items()]:
            assert set(parts) == PARTS, (m["msgid"], lang)
            assert all(isinstance(v, str) for v in parts.values()), (m["msgid"], lang)
            assert "%" not in parts["before"] + parts["after"], (m["msgid"], lang)
            assert bool(parts["open"]) == bool(parts["close"]), (m["msgid"], lang)
            if lang != "english":
                assert parts != m["english"], (m["msgid"], lang)


def test_every_message_id_is_there_sorted() -> None:
    assert {m["id"] for m in MESSAGES} == IDS
    keys = [(m["id"], m["domain"], m["msgid"]) for m in MESSAGES]
    assert keys == sorted(keys)
    assert sorted(keys) == sorted((m.id, m.domain, m.msgid) for m in tool.MESSAGES)
    for m in MESSAGES:
        assert list(m["translations"]) == sorted(m["translations"]), m["msgid"]


@pytest.mark.parametrize("message", tool.MESSAGES, ids=lambda m: f"{m.domain}:{m.msgid!r}")
def test_entry_is_what_the_catalogues_give(message: Any) -> None:
    catalogues = tool.catalogues(message.domain)
    if not catalogues:
        pytest.skip(f"no {message.domain}.mo is installed under {tool.LOCALE_DIR}")
    got = entry(message.domain, message.msgid)
    assert got["english"] == tool.parts(message, message.msgid).as_dict()
    assert set(got["translations"]) <= set(catalogues), "a language with no catalogue here"
    for lang, mo in catalogues.items():
        parts = tool.translation(message, mo)
        assert got["translations"].get(lang) == (parts and parts.as_dict()), (lang, str(mo))


# A real link, localised: gcc's collect2, then GNU ld or gold, each with its own catalogue.

SYMBOL = "cgowarn_missing_symbol"
LIBRARY = "-lcgowarn_missing_library"
CASES = [("ld", "pt_BR"), ("ld", "fr"), ("ld", "uk"), ("gold", "zh_CN")]
"""Languages whose catalogue translates "undefined reference to": Portuguese quotes it with ",
French with « » and NBSPs, Ukrainian with « »; gold's Chinese puts its words around the symbol."""
UNDEFINED = {
    "ld": "%X%P: %C: undefined reference to `%pT'\n",
    "gold": "%s: %s: undefined reference to '%s'\n",
}
CANNOT_FIND = {"ld": "%P: cannot find %s: %E\n", "gold": "cannot find %s%s"}
COLLECT2 = "ld returned %d exit status"


@pytest.fixture(scope="module")
def utf8_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment less every locale variable, plus a UTF-8 LANG that is not C: gettext
    ignores LANGUAGE under the C locale. C.UTF-8 where glibc has it, else a locale compiled with
    localedef into a temporary LOCPATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG"))}
    listed = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False).stdout
    for name in listed.split():
        if name.lower().replace("-", "") == "c.utf8":
            return {**env, "LANG": name}
    if shutil.which("localedef") is None or not Path("/usr/share/i18n/locales/en_US").exists():
        pytest.skip("no UTF-8 locale, and no localedef with its sources to make one")
    locpath = tmp_path_factory.mktemp("locales")
    made = subprocess.run(
        ["localedef", "-i", "en_US", "-f", "UTF-8", str(locpath / "en_US.UTF-8")],
        capture_output=True,
        check=False,
    )
    if made.returncode not in (0, 1):  # 1: made, with warnings
        pytest.skip(f"localedef failed: {made.stderr.decode(errors='replace')}")
    return {**env, "LANG": "en_US.UTF-8", "LOCPATH": str(locpath)}


@pytest.fixture(scope="module")
def object_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("gcc") is None:
        pytest.skip("no gcc")
    work = tmp_path_factory.mktemp("link")
    (work / "x.c").write_text(f"int {SYMBOL}(void);\nint main(void) {{ return {SYMBOL}(); }}\n")
    subprocess.run(
        ["gcc", "-c", "-o", "x.o", "x.c"], cwd=work, check=True, env={**os.environ, "LC_ALL": "C"}
    )
    return work / "x.o"


def link(obj: Path, linker: str, lang: str, env: dict[str, str], *extra: str) -> str:
    """What a failing static link prints, in `lang`."""
    fuse = f"-fuse-ld={'gold' if linker == 'gold' else 'bfd'}"
    run = subprocess.run(
        ["gcc", "-static", fuse, "-o", "x", obj.name, *extra],
        cwd=obj.parent,
        env={**env, "LANGUAGE": lang},
        capture_output=True,
        check=False,
    )
    assert run.returncode != 0
    return (run.stdout + run.stderr).decode("utf-8")


def expected(domain: str, msgid: str, lang: str) -> dict[str, str]:
    """The file's words for the message in `lang`, English where it has no translation."""
    message = entry(domain, msgid)
    parts: dict[str, str] = message["translations"].get(lang, message["english"])
    return parts


def assert_printed(out: str, parts: dict[str, str], subject: str) -> None:
    assert parts["before"] in out, (parts, out)
    assert parts["open"] + subject + parts["close"] + parts["after"] in out, (parts, out)


@pytest.mark.parametrize(("linker", "lang"), CASES)
def test_a_localised_link_prints_the_words(
    linker: str, lang: str, utf8_env: dict[str, str], object_file: Path
) -> None:
    if shutil.which(f"ld.{'gold' if linker == 'gold' else 'bfd'}") is None:
        pytest.skip(f"no ld.{linker}")
    if lang not in entry(linker, UNDEFINED[linker])["translations"]:
        pytest.skip(f"{lang} has no {linker}.mo translating the undefined reference here")

    out = link(object_file, linker, lang, utf8_env)
    undefined = expected(linker, UNDEFINED[linker], lang)
    assert undefined != entry(linker, UNDEFINED[linker])["english"]
    assert_printed(out, undefined, SYMBOL)
    assert "undefined reference" not in out
    # collect2 says "ld returned" with do_link's msgid, translated or not (pt_BR has no gcc-12.mo,
    # uk's translates only collect-utils.cc's "%s returned %d exit status").
    assert_printed(out, expected("gcc-12", COLLECT2, lang), "1")

    out = link(object_file, linker, lang, utf8_env, LIBRARY)
    assert_printed(out, expected(linker, CANNOT_FIND[linker], lang), LIBRARY)
