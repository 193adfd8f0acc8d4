"""The wheel ships the knowledge base and the templates, and the installed copy finds them
through importlib.resources (not through this source tree)."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (whl,) = out.glob("cgowarn-*.whl")
    return whl


@pytest.mark.slow
def test_wheel_contains_patterns_and_templates(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for rel in (
        "patterns/symbols.toml",
        "patterns/categories.toml",
        "patterns/messages.toml",
        "patterns/origins.toml",
        "patterns/fixes.toml",
        "patterns/diagnostics.toml",
        "templates/report.md.j2",
        "templates/report.html.j2",
        "py.typed",
    ):
        assert f"cgowarn/{rel}" in names, rel
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), names


@pytest.mark.slow
def test_installed_copy_loads_its_own_data(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    # The dependencies come from the environment running the tests (a fresh venv of a Python
    # with no packages of its own has them nowhere else), after the new venv's own packages, so
    # that the wheel installed there is the copy that runs.
    own = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(own, "outer-site.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
        check=True,
        capture_output=True,
    )
    code = (
        "import importlib.resources as r, cgowarn, cgowarn.resources as res\n"
        "p = r.files('cgowarn').joinpath('patterns')\n"
        "assert p.is_dir() and p.joinpath('symbols.toml').is_file(), p\n"
        "assert r.files('cgowarn').joinpath('templates', 'report.html.j2').is_file()\n"
        "assert str(res.data_dir('patterns')) == str(p), res.data_dir('patterns')\n"
        "print(cgowarn.__file__)\n"
    )
    # Run from a directory outside the source tree so nothing can fall back to it.
    result = subprocess.run([str(py), "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert str(env_dir) in result.stdout
    log = ROOT / "sample_logs" / "excerpts" / "old_ld_go_sqlite3_457.log"
    run = subprocess.run(
        [str(env_dir / "bin" / "cgowarn"), "--format", "html", str(log)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1, run.stderr
    assert "getaddrinfo" in run.stdout and "<!DOCTYPE html>" in run.stdout
