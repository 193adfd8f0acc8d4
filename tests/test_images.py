"""cgowarn inspect on container images made by the real tools: an OCI layout built layer by layer
with umoci (files deleted in a later layer, an opaque directory, a file over a directory, a hard
link), copied by skopeo to a `docker save` archive and an OCI archive. The oracle is umoci's own
unpack of the image: the ELF files of its root filesystem are exactly the binaries reported.

Needs umoci, skopeo, gcc, musl-tools and golang-go (sample_logs/debian-packages.txt)."""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cgowarn.cli import main
from cgowarn.inspect.image import OPAQUE
from conftest import offline_go, require_tool

pytestmark = pytest.mark.toolchain

HELLO = '#include <stdio.h>\n#include <pwd.h>\nint main(void){puts(getpwnam("root")?"y":"n");}\n'
GO = 'package main\nimport "fmt"\nfunc main() { fmt.Println("hi") }\n'


def sh(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        cmd, cwd=cwd, capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=600
    )
    assert proc.returncode == 0, (cmd, proc.stdout, proc.stderr)
    return proc.stdout


def _layer(members: list[tuple[str, bytes | None, str | None]]) -> bytes:
    """A layer tar: (path, bytes or None for an empty marker, hard link target or None)."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tar:
        for name, data, link in members:
            info = tarfile.TarInfo(name)
            if link is not None:
                info.type, info.linkname = tarfile.LNKTYPE, link
                tar.addfile(info)
                continue
            info.size, info.mode = len(data or b""), 0o755
            tar.addfile(info, io.BytesIO(data or b""))
    return out.getvalue()


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    for tool in ("umoci", "skopeo", "gcc", "musl-gcc", "go"):
        require_tool(tool)
    work = tmp_path_factory.mktemp("image")
    (work / "hello.c").write_text(HELLO)
    (work / "main.go").write_text(GO)
    sh(["gcc", "-static", "-o", "static", "hello.c"], work)
    sh(["gcc", "-o", "dynamic", "hello.c"], work)
    sh(["gcc", "-shared", "-fPIC", "-o", "libhi.so", "hello.c"], work)
    sh(["musl-gcc", "-static", "-o", "musl", "hello.c"], work)
    sh(["go", "mod", "init", "example.com/hi"], work, offline_go(work))
    sh(["go", "build", "-o", "gobin", "."], work, {**offline_go(work), "CGO_ENABLED": "0"})
    oci = work / "oci"
    sh(["umoci", "init", "--layout", str(oci)], work)
    sh(["umoci", "new", "--image", f"{oci}:app"], work)

    def change(edit: Any) -> None:
        bundle = work / "bundle"
        sh(["umoci", "unpack", "--image", f"{oci}:app", str(bundle)], work)
        edit(bundle / "rootfs")
        sh(["umoci", "repack", "--image", f"{oci}:app", str(bundle)], work)
        shutil.rmtree(bundle)

    def first(root: Path) -> None:
        for d in ("usr/bin", "usr/lib", "opt/old", "srv/data", "lib/tools"):
            (root / d).mkdir(parents=True)
        for name in ("static", "dynamic", "musl", "gobin"):
            shutil.copy(work / name, root / "usr/bin" / name)
        shutil.copy(work / "libhi.so", root / "usr/lib/libhi.so")
        (root / "usr/bin/run.sh").write_text("#!/bin/sh\nexec /usr/bin/static\n")
        (root / "usr/bin/run.sh").chmod(0o755)
        shutil.copy(work / "static", root / "opt/old/gone")
        shutil.copy(work / "dynamic", root / "opt/old/kept")
        shutil.copy(work / "static", root / "srv/data/old")
        shutil.copy(work / "musl", root / "lib/tools/hidden")
        (root / "usr/bin/sh-link").symlink_to("/bin/sh")

    def second(root: Path) -> None:
        (root / "usr/bin/dynamic").unlink()  # umoci writes .wh.dynamic
        (root / "opt/old/gone").unlink()

    change(first)
    change(second)
    # A layer of the kinds umoci does not write from a diff: an opaque directory, a file over a
    # directory, and a hard link to a binary of the same layer.
    third = _layer(
        [
            (f"srv/data/{OPAQUE}", None, None),
            ("srv/data/new", (work / "dynamic").read_bytes(), None),
            ("lib/tools", b"now a file\n", None),
            ("usr/bin/static2", (work / "static").read_bytes(), None),
            ("usr/bin/static2-link", None, "usr/bin/static2"),
        ]
    )
    (work / "third.tar").write_bytes(third)
    sh(["umoci", "raw", "add-layer", "--image", f"{oci}:app", str(work / "third.tar")], work)
    sh(["skopeo", "copy", "-q", f"oci:{oci}:app", f"docker-archive:{work}/docker.tar:app:1"], work)
    sh(["skopeo", "copy", "-q", f"oci:{oci}:app", f"oci-archive:{work}/oci.tar:app"], work)
    (work / "docker.tar.gz").write_bytes(gzip.compress((work / "docker.tar").read_bytes(), 1))
    # The oracle: umoci's own unpack of the image, every ELF file in it.
    sh(["umoci", "unpack", "--image", f"{oci}:app", str(work / "unpacked")], work)
    rootfs = work / "unpacked" / "rootfs"
    elves = set()
    for top, _, files in os.walk(rootfs):
        for name in files:
            path = Path(top) / name
            if not path.is_symlink() and path.read_bytes()[:4] == b"\x7fELF":
                elves.add("/" + str(path.relative_to(rootfs)))
    return {"work": work, "elves": elves, "rootfs": rootfs}


def _inspect(*args: str) -> tuple[int, dict[str, Any], str]:
    result = CliRunner().invoke(main, ["inspect", "--format", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout), result.stderr


@pytest.mark.parametrize("form", ["oci", "docker.tar", "oci.tar", "docker.tar.gz", "rootfs"])
def test_exactly_the_elf_files_of_the_final_filesystem(image: dict[str, Any], form: str) -> None:
    path = image["rootfs"] if form == "rootfs" else image["work"] / form
    _, report, _ = _inspect("--fail-on", "never", str(path))
    by_path = {b["path"]: b for b in report["binaries"]}
    assert set(by_path) == image["elves"]
    assert image["elves"] == {
        "/usr/bin/static",
        "/usr/bin/musl",
        "/usr/bin/gobin",
        "/usr/lib/libhi.so",
        "/opt/old/kept",
        "/srv/data/new",
        "/usr/bin/static2",
        "/usr/bin/static2-link",
    }  # the oracle itself: deleted, opaque-hidden and covered files are gone
    kinds = {p: (b["linkage"], b["libc"], b["shared_library"]) for p, b in by_path.items()}
    assert kinds["/usr/bin/static"] == ("static", "glibc", False)
    assert kinds["/usr/bin/static2-link"] == ("static", "glibc", False)
    assert kinds["/usr/bin/musl"] == ("static", "musl", False)
    assert kinds["/usr/bin/gobin"][1] == "none"
    assert kinds["/usr/lib/libhi.so"] == ("dynamic", "glibc", True)
    assert kinds["/opt/old/kept"][:2] == ("dynamic", "glibc")
    assert "alpine" in by_path["/usr/bin/musl"]["starts_on"]
    assert "alpine" not in by_path["/opt/old/kept"]["starts_on"]


def test_a_target_one_binary_does_not_start_on_fails_the_gate(image: dict[str, Any]) -> None:
    """Whatever --fail-on says about findings: `never` alone turns the gate off."""
    oci = str(image["work"] / "oci")
    code, report, stderr = _inspect("--target", "alpine", "--target", "debian12", oci)
    assert code == 1
    assert "does not start on alpine (/srv/data/new, /opt/old/kept, " in stderr
    starts = {(t["subject"], t["target"]): t["starts"] for t in report["targets"]}
    assert starts[("/usr/bin/musl", "alpine")] == "yes"
    assert starts[("/opt/old/kept", "alpine")] == "no"
    assert starts[("/opt/old/kept", "debian12")] == "yes"
    _, _, stderr = _inspect("--target", "debian12", oci)
    assert "does not start" not in stderr  # every binary starts there
    assert _inspect("--fail-on", "never", "--target", "alpine", oci)[0] == 0


def test_a_missing_layer_is_said_and_the_rest_read(image: dict[str, Any], tmp_path: Path) -> None:
    oci = tmp_path / "oci"
    shutil.copytree(image["work"] / "oci", oci)
    index = json.loads((oci / "index.json").read_text())
    manifest = json.loads(
        (oci / "blobs" / "sha256" / index["manifests"][0]["digest"][7:]).read_text()
    )
    top = manifest["layers"][-1]["digest"][7:]
    (oci / "blobs" / "sha256" / top).unlink()
    _, report, _ = _inspect("--fail-on", "never", str(oci))
    assert any("layer 3 of 3" in n and "missing" in n for n in report["notes"])
    assert "/usr/bin/static2" not in {b["path"] for b in report["binaries"]}
    assert "/usr/bin/dynamic" not in {b["path"] for b in report["binaries"]}


@pytest.mark.parametrize(
    "manifest",
    [
        [{"Layers": ["../../etc/passwd"]}],
        [{"Layers": ["/etc/passwd"]}],
        {"not": "a list"},
        "garbage",
    ],
)
def test_a_hostile_manifest_is_one_line_and_exit_2(tmp_path: Path, manifest: Any) -> None:
    archive = tmp_path / "image.tar"
    with tarfile.open(archive, "w") as tar:
        data = json.dumps(manifest).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    result = CliRunner().invoke(main, ["inspect", str(archive)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1


def test_ci_formats_carry_every_binary_on_every_target(image: dict[str, Any]) -> None:
    import xml.etree.ElementTree as ET

    oci = str(image["work"] / "oci")
    args = ["inspect", "--target", "alpine", "--target", "debian12", oci]
    junit = CliRunner().invoke(main, [*args, "--format", "junit"])
    cases = {
        c.get("name"): c
        for c in ET.fromstring(junit.stdout).iter("testcase")
        if c.get("classname") == "cgowarn.target"
    }
    assert set(cases) == {f"{p} on {t}" for p in image["elves"] for t in ("alpine", "debian12")}
    assert cases["/opt/old/kept on alpine"].find("failure") is not None
    assert cases["/usr/bin/musl on alpine"].find("failure") is None
    assert cases["/opt/old/kept on debian12"].find("failure") is None  # dynamic: nothing breaks
    static = cases["/usr/bin/static on debian12"].find("failure")
    assert static is not None and "getpwnam" in (static.get("message") or "")
    sarif = json.loads(CliRunner().invoke(main, [*args, "--format", "sarif"]).stdout)
    refused = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "target/alpine"]
    assert {(r["properties"]["binary"], r["level"]) for r in refused} >= {
        ("/opt/old/kept", "error"),
        ("/usr/bin/static", "warning"),
    }
    assert not any(r["properties"]["binary"] == "/usr/bin/musl" for r in refused)  # it starts
    github = CliRunner().invoke(main, [*args, "--format", "github"]).stdout
    assert "::error title=cgowarn%3A /opt/old/kept does not start on Alpine Linux::" in github
    gitlab = json.loads(CliRunner().invoke(main, [*args, "--format", "gitlab"]).stdout)
    assert any(i["check_name"] == "target/alpine" and i["severity"] == "blocker" for i in gitlab)


def test_a_binary_in_the_repository_is_the_location(
    image: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "dist").mkdir()
    shutil.copy(image["work"] / "dynamic", tmp_path / "dist" / "app")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        main, ["inspect", "--format", "sarif", "--target", "centos7", "dist/app"]
    )
    assert result.exit_code == 1
    row = next(
        r
        for r in json.loads(result.stdout)["runs"][0]["results"]
        if r["ruleId"] == "target/centos7"
    )
    assert row["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "dist/app"
    assert row["properties"]["location"] == "binary"


def test_many_files_read_on_every_core_in_their_order(
    image: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enough files for the workers: each binary in the walk's order, with its own reading (the
    same as one by one), and one unreadable file among them said, not fatal."""
    from cgowarn.inspect import parallel
    from cgowarn.pipeline import analyze

    dist = tmp_path / "dist"
    dist.mkdir()
    kinds = ["static", "dynamic", "musl", "gobin"]
    for n in range(70):
        shutil.copy(image["work"] / kinds[n % 4], dist / f"b{n:02d}")
    (dist / "b70-broken").write_bytes(b"\x7fELF\x09" + b"\0" * 60)
    assert len(list(dist.iterdir())) > parallel.MIN_PARALLEL + parallel.BATCH
    together = analyze([], binaries=[str(dist)])
    paths = [b.path for b in together.binaries]
    assert paths == [f"/b{n:02d}" for n in range(70)]
    libc = {"static": "glibc", "dynamic": "glibc", "musl": "musl", "gobin": "none"}
    assert [b.libc for b in together.binaries] == [libc[kinds[n % 4]] for n in range(70)]
    assert any(n.startswith("/b70-broken: not read: ") for n in together.notes)
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 10**6)
    alone = analyze([], binaries=[str(dist)])
    assert alone.binaries == together.binaries and alone.findings == together.findings


def test_a_layer_outside_the_layout_is_never_read(image: dict[str, Any], tmp_path: Path) -> None:
    """A manifest naming `../layer.tar`: refused, though that file exists and holds a binary."""
    layer = _layer([("usr/bin/app", (image["work"] / "static").read_bytes(), None)])
    (tmp_path / "layer.tar").write_bytes(layer)
    layout = tmp_path / "image"
    layout.mkdir()
    (layout / "manifest.json").write_text(json.dumps([{"Layers": ["../layer.tar"]}]))
    result = CliRunner().invoke(main, ["inspect", str(layout)])
    assert result.exit_code == 2, result.output
    assert "'../layer.tar' is not a path inside the image" in result.stderr
    (layout / "manifest.json").write_text(json.dumps([{"Layers": ["layer.tar"]}]))
    (layout / "layer.tar").write_bytes(layer)
    _, report, _ = _inspect("--fail-on", "never", str(layout))
    assert [b["path"] for b in report["binaries"]] == ["/usr/bin/app"]


def test_a_large_member_among_many_is_read_in_its_place(
    image: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cgowarn.inspect import parallel
    from cgowarn.pipeline import analyze

    archive = tmp_path / "release.tar"
    kinds = ["static", "dynamic", "musl", "gobin"]
    with tarfile.open(archive, "w") as tar:
        for n in range(60):
            data = (image["work"] / kinds[n % 4]).read_bytes()
            if n == 28:
                data += b"\0" * parallel.BATCH_BYTES  # trailing bytes: still the same ELF file
            info = tarfile.TarInfo(f"bin/b{n:02d}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    together = analyze([], binaries=[str(archive)])
    assert [b.path for b in together.binaries] == [f"/bin/b{n:02d}" for n in range(60)]
    assert together.binaries[28].libc == "glibc" and together.binaries[28].linkage == "static"
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 10**6)
    assert analyze([], binaries=[str(archive)]).binaries == together.binaries


def test_the_binary_by_target_matrix_in_text_markdown_and_html(image: dict[str, Any]) -> None:
    oci = str(image["work"] / "oci")
    args = ["inspect", "--fail-on", "never", "--target", "alpine", "--target", "debian12", oci]
    text = CliRunner().invoke(main, [*args, "--format", "text"]).stdout
    rows = text.split("Where each binary starts (yes, NO, maybe):\n", 1)[1].split("\n\n", 1)[0]
    table = [line.split() for line in rows.splitlines()]
    assert table[0] == ["binary", "alpine", "debian12"]
    cells = {r[0]: r[1:] for r in table[1:]}
    assert cells["/opt/old/kept"] == ["NO", "yes"]
    assert cells["/usr/bin/musl"] == ["yes", "yes"]
    assert cells["/usr/bin/static"] == ["maybe", "yes"]
    assert set(cells) == image["elves"]
    assert "On Alpine Linux: 3 do NOT start (" in text
    assert "On Debian 12 (bookworm): 8 start." in text
    markdown = CliRunner().invoke(main, [*args, "--format", "markdown"]).stdout
    assert "| Binary | alpine | debian12 |" in markdown
    assert "| `/opt/old/kept` | **NO** | yes |" in markdown
    html = CliRunner().invoke(main, [*args, "--format", "html"]).stdout
    assert "<caption>Where each binary starts</caption>" in html
    assert (
        '<tr><th><code>/<wbr>opt/<wbr>old/<wbr>kept</code></th><td class="sev sev-high">NO</td>'
        in html
    )


def test_a_hostile_member_name_is_escaped_in_every_format(
    image: dict[str, Any], tmp_path: Path
) -> None:
    archive = tmp_path / "evil.tar"
    data = (image["work"] / "dynamic").read_bytes()
    with tarfile.open(archive, "w") as tar:
        for name in ("bin/<img src=x onerror=alert(1)>", "bin/a|b`c\x1b[31m", "bin/ok"):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    for fmt in ("html", "markdown", "text", "github", "sarif", "junit"):
        result = CliRunner().invoke(
            main,
            ["inspect", "--format", fmt, "--target", "alpine", "--target", "rhel9", str(archive)],
        )
        assert result.exit_code == 1, (fmt, result.output)
        out = result.stdout
        if fmt == "markdown":  # inside a code span it is text: GitHub renders no HTML there
            assert out.count("<img src=x") == out.count("`/bin/<img src=x"), out
        elif fmt in ("html", "junit"):  # markup: escaped; the other formats are plain text
            assert "<img src=x" not in out, fmt
        assert "\x1b[31m" not in out, fmt


def test_the_configuration_sets_the_targets(
    image: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".cgowarn.toml").write_text('target = ["alpine"]\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["inspect", "--format", "json", str(image["work"] / "oci")])
    assert result.exit_code == 1
    assert "does not start on alpine (/srv/data/new, /opt/old/kept, " in result.stderr
    assert {t["target"] for t in json.loads(result.stdout)["targets"]} == {"alpine"}


@pytest.mark.parametrize(
    ("layer", "said"),
    [
        (b"\x7fELF" + b"garbage " * 100, "no ELF file in it could be read: /l.tar: not read"),
        (b"not a tar at all " * 100, "a layer is not a readable tar archive"),
    ],
)
def test_nothing_readable_is_exit_2_never_an_empty_report(
    tmp_path: Path, layer: bytes, said: str
) -> None:
    archive = tmp_path / "image.tar"
    with tarfile.open(archive, "w") as tar:
        for name, data in (("manifest.json", b'[{"Layers": ["l.tar"]}]'), ("l.tar", layer)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    result = CliRunner().invoke(main, ["inspect", str(archive)])
    assert result.exit_code == 2, result.output
    assert said in result.stderr and len(result.stderr.strip().splitlines()) == 1
