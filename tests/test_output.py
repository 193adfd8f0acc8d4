"""`-o PATH` writes where it is told and only there: a regular file is replaced whole or not at
all, a symbolic link's target is replaced and the link kept, a device, a FIFO or one of the
process's own descriptors is written to and never replaced, and an input is never overwritten.

Every file, link, FIFO and device here is the test's own, in a private directory; the real
/dev/stdout is never touched (a link to /proc/self/fd/1 stands in for it)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cgowarn import output
from cgowarn.cli import main
from cgowarn.errors import OutputError
from conftest import SAMPLES

SEED = SAMPLES / "excerpts" / "old_ld_go_sqlite3_457.log"


def cgowarn(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    kwargs.setdefault("timeout", 60)
    result: subprocess.CompletedProcess[bytes] = subprocess.run(
        [sys.executable, "-m", "cgowarn", "--fail-on", "never", *args], check=False, **kwargs
    )
    return result


def report_text(fmt: str = "markdown") -> bytes:
    """The report as standard output gets it, to compare with what lands elsewhere."""
    result = cgowarn("--format", fmt, str(SEED))
    assert result.returncode == 0, result.stderr
    return result.stdout


def one_line(stderr: bytes) -> str:
    lines = stderr.decode().strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in lines[0]
    return lines[0]


# --- regular files --------------------------------------------------------------------------------


def test_regular_file_is_replaced_keeping_its_permissions(tmp_path: Path) -> None:
    dest = tmp_path / "report.md"
    dest.write_text("old")
    dest.chmod(0o640)
    output.write_output("new report\n", str(dest))
    assert dest.read_text() == "new report\n"
    assert stat.S_IMODE(dest.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_new_file_follows_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        output.write_output("report\n", str(tmp_path / "new.md"))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.md").stat().st_mode) == 0o640


@pytest.mark.parametrize("exc", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_failed_or_interrupted_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exc: BaseException
) -> None:
    dest = tmp_path / "report.md"
    dest.write_text("old report")

    def fail(src: str, dst: str) -> None:
        assert Path(src).exists()  # the whole new report was written first
        raise exc

    monkeypatch.setattr("cgowarn.output.os.replace", fail)
    with pytest.raises((OutputError, KeyboardInterrupt)):
        output.write_output("new report", str(dest))
    assert dest.read_text() == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_ctrl_c_while_writing_is_130_and_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "report.md"
    dest.write_text("old report")

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("cgowarn.output.os.replace", interrupted)
    result = CliRunner().invoke(main, ["-o", str(dest), str(SEED)])
    assert result.exit_code == 130
    assert result.stderr.strip() == "cgowarn: interrupted"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]
    assert dest.read_text() == "old report"


# --- symbolic links -------------------------------------------------------------------------------


def test_link_is_followed_and_its_target_replaced_in_its_own_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_dir = tmp_path / "reports"
    real_dir.mkdir()
    target = real_dir / "real.md"
    target.write_text("old")
    link_dir = tmp_path / "links"
    link_dir.mkdir()
    link = link_dir / "report.md"
    link.symlink_to("../reports/real.md")  # relative to the link's directory
    renames: list[tuple[str, str]] = []
    replace = os.replace

    def spy(src: str, dst: str) -> None:
        renames.append((src, dst))
        replace(src, dst)

    monkeypatch.setattr("cgowarn.output.os.replace", spy)
    output.write_output("new report\n", str(link))
    assert link.is_symlink() and os.readlink(link) == "../reports/real.md"
    assert target.read_text() == "new report\n"
    ((src, dst),) = renames
    # The temporary file sits beside the target, so the rename stays on one file system.
    assert Path(src).parent == Path(dst).parent == real_dir
    assert Path(dst) == target
    assert sorted(p.name for p in link_dir.iterdir()) == ["report.md"]


def test_chain_of_links_and_a_dangling_link(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    first = tmp_path / "first.md"
    second = tmp_path / "sub" / "second.md"
    first.symlink_to(second)
    second.symlink_to("new.md")  # does not exist yet: the report is created where it points
    output.write_output("report\n", str(first))
    assert first.is_symlink() and second.is_symlink()
    assert (tmp_path / "sub" / "new.md").read_text() == "report\n"


def test_link_loop_is_one_error(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    with pytest.raises(OutputError, match="too many levels of symbolic links"):
        output.write_output("report\n", str(tmp_path / "a"))


def test_link_through_the_command_line(tmp_path: Path) -> None:
    target = tmp_path / "real.md"
    link = tmp_path / "report.md"
    link.symlink_to(target.name)
    result = cgowarn("-o", str(link), str(SEED))
    assert result.returncode == 0 and result.stdout == b"" and result.stderr == b""
    assert link.is_symlink()
    assert target.read_bytes() == report_text()


# --- devices, FIFOs, descriptors ------------------------------------------------------------------


def test_dev_null_is_written_to_and_stays_a_character_device() -> None:
    # Checked in this process first: a cgowarn that would replace the node must not be run
    # against the system's own /dev/null (as root, the old code did replace it).
    if output.destination(os.devnull) != output.Destination(os.devnull, through=True):
        pytest.fail(f"{os.devnull} would be replaced, not written to")
    result = cgowarn("-o", os.devnull, str(SEED))
    assert result.returncode == 0 and result.stdout == b"" and result.stderr == b""
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_private_character_device_is_written_through(tmp_path: Path) -> None:
    """A character device of the test's own (the null device's numbers) in a private directory:
    the old code replaced the node with a regular file."""
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot create a device node here: {exc}")
    result = cgowarn("-o", str(node), str(SEED))
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(node.lstat().st_mode)
    assert node.stat().st_rdev == os.makedev(1, 3)
    assert [p.name for p in tmp_path.iterdir()] == ["null"]


def test_fifo_is_written_to_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as fh:
            received.append(fh.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    result = cgowarn("--format", "markdown", "-o", str(fifo), str(SEED))
    reader.join(timeout=30)
    assert result.returncode == 0, result.stderr
    assert received == [report_text()]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["report.fifo"]


@pytest.mark.parametrize("via", ["/proc/self/fd/1", "/dev/fd/1"])
def test_link_to_own_stdout_writes_through_the_descriptor(tmp_path: Path, via: str) -> None:
    """A link to this process's standard output (as /dev/stdout is): the report goes through the
    descriptor the shell opened, in append mode after what is already there, and neither the link
    nor the file it shows is replaced."""
    link = tmp_path / "stdout"
    link.symlink_to(via)
    captured = tmp_path / "captured.txt"
    captured.write_bytes(b"earlier output\n")
    inode = captured.stat().st_ino
    with open(captured, "ab") as out:
        result = cgowarn("--format", "markdown", "-o", str(link), str(SEED), stdout=out)
    assert result.returncode == 0, result.stderr
    assert captured.read_bytes() == b"earlier output\n" + report_text()
    assert captured.stat().st_ino == inode
    assert link.is_symlink() and os.readlink(link) == via


def test_link_to_own_stdout_as_a_pipe(tmp_path: Path) -> None:
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    result = cgowarn("--format", "markdown", "-o", str(link), str(SEED))
    assert result.returncode == 0, result.stderr
    assert result.stdout == report_text()
    assert link.is_symlink()


def test_destination_of_descriptor_paths() -> None:
    assert output.destination("/dev/stdout").fd == 1
    assert output.destination("/dev/stderr").fd == 2
    assert output.destination(f"/proc/{os.getpid()}/fd/1").fd == 1
    other = output.destination("/proc/1/fd/1")
    assert other.fd is None and other.through and other.magic


def test_directory_and_block_device_are_refused(tmp_path: Path) -> None:
    result = cgowarn("-o", str(tmp_path), str(SEED))
    assert result.returncode == 3
    assert one_line(result.stderr) == f"cgowarn: error: cannot write {tmp_path}: it is a directory"
    node = tmp_path / "disk"
    try:
        os.mknod(node, stat.S_IFBLK | 0o600, os.makedev(7, 200))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot create a device node here: {exc}")
    result = cgowarn("-o", str(node), str(SEED))
    assert result.returncode == 3
    assert "it is a block device" in one_line(result.stderr)
    assert stat.S_ISBLK(node.lstat().st_mode)


# --- never over an input --------------------------------------------------------------------------


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "build.log"
    path.write_bytes(SEED.read_bytes())
    return path


def test_output_over_the_input_log_is_refused(tmp_path: Path, log: Path) -> None:
    link = tmp_path / "link.md"
    link.symlink_to(log.name)
    hard = tmp_path / "hard.md"
    os.link(log, hard)
    for out in (log, link, hard):
        result = cgowarn("-o", str(out), str(log))
        assert result.returncode == 2
        assert one_line(result.stderr) == (
            f"cgowarn: error: --output {out} is the input {log}: write the report to another file"
        )
        assert log.read_bytes() == SEED.read_bytes()
    assert link.is_symlink()


def test_output_over_standard_input_or_stdout_over_an_input_is_refused(log: Path) -> None:
    with open(log, "rb") as stdin:
        result = cgowarn("-o", str(log), stdin=stdin)
    assert result.returncode == 2
    assert "is standard input, an input" in one_line(result.stderr)
    with open(log, "ab") as stdout:  # `cgowarn -p build.log >> build.log` would never end
        result = cgowarn("-p", str(log), stdout=stdout)
    assert result.returncode == 2
    assert one_line(result.stderr) == (
        f"cgowarn: error: standard output is the input {log}: write the report to another file"
    )
    with open(log, "ab") as stdout:  # the log echoed into itself, the report elsewhere
        result = cgowarn("-p", "-o", str(log.with_suffix(".md")), str(log), stdout=stdout)
    assert result.returncode == 2
    assert "standard output is the input" in one_line(result.stderr)
    assert log.read_bytes() == SEED.read_bytes()
    assert not log.with_suffix(".md").exists()


def test_input_fifo_as_output_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    """Opening a FIFO to read it waits for a writer: an answer at all shows that the check comes
    before any input is opened."""
    fifo = tmp_path / "build.fifo"
    os.mkfifo(fifo)
    result = cgowarn("-o", str(fifo), str(fifo), timeout=30)
    assert result.returncode == 2
    assert "is the input" in one_line(result.stderr)


def test_binary_to_inspect_is_never_the_output(tmp_path: Path) -> None:
    binary = tmp_path / "app"
    binary.write_bytes(Path(sys.executable).resolve().read_bytes())
    result = cgowarn("inspect", "-o", str(binary), str(binary))
    assert result.returncode == 2
    assert "is the input" in one_line(result.stderr)
    assert binary.read_bytes()[:4] == b"\x7fELF"
    result = cgowarn("-o", str(binary), "--binary", str(binary), str(SEED))
    assert result.returncode == 2
