"""Benchmark `cgowarn inspect DIR` beside `find DIR -type f -exec file -b {} +`, in one run.

    python benchmarks/inspect_tree.py                 # /usr/bin, 5 runs each
    python benchmarks/inspect_tree.py /usr/lib --runs 3

Needs GNU time (/usr/bin/time, Debian package `time`) for the peak memory, and `file`.

The two commands alternate (file first, then cgowarn, then file, ...) so the page cache and
the machine's load treat them alike; one warm-up run of each is not counted. It prints the
median wall time and peak resident memory of each, the ratio, the number of files `file` called
ELF and the number of binaries cgowarn reported (they must be equal: both look at regular
files only, neither follows a symbolic link), and cgowarn's start-up alone (`inspect` of one
small binary), which is the part of its time that does not grow with the tree.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _timed(cmd: list[str], out: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of `cmd`, its standard output to `out`."""
    stats = out.with_suffix(".time")
    start = time.perf_counter()
    with out.open("wb") as fh:
        subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", str(stats), *cmd],
            stdout=fh,
            stderr=subprocess.DEVNULL,
            check=False,
        )
    wall = time.perf_counter() - start
    return wall, int(stats.read_text().split()[-1]) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", nargs="?", default="/usr/bin")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    for tool in ("/usr/bin/time", "file", "find"):
        if shutil.which(tool) is None:
            print(f"needs {tool}", file=sys.stderr)
            return 2
    cgowarn = [sys.executable, "-m", "cgowarn"]
    file_cmd = ["find", args.tree, "-type", "f", "-exec", "file", "-b", "{}", "+"]
    inspect_cmd = [*cgowarn, "inspect", "--format", "json", "--fail-on", "never", args.tree]
    one = next(p for p in ("/usr/bin/true", "/bin/true") if Path(p).exists())
    startup_cmd = [*cgowarn, "inspect", "--format", "json", "--fail-on", "never", one]
    times: dict[str, list[tuple[float, float]]] = {"file": [], "cgowarn": [], "start-up": []}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for n in range(args.runs + 1):
            for name, cmd in (
                ("file", file_cmd),
                ("cgowarn", inspect_cmd),
                ("start-up", startup_cmd),
            ):
                measured = _timed(cmd, out / f"{name}.out")
                if n:  # the first round warms the page cache
                    times[name].append(measured)
        elves = sum(
            1 for line in (out / "file.out").read_text().splitlines() if " ELF " in f" {line}"
        )
        binaries = len(json.loads((out / "cgowarn.out").read_text())["binaries"])
    median = {k: statistics.median(w for w, _ in v) for k, v in times.items()}
    peak = {k: max(m for _, m in v) for k, v in times.items()}
    print(f"{args.tree}: {elves} ELF files by `file`, {binaries} binaries by cgowarn")
    print(f"{'command':<34} {'median s':>9} {'peak MiB':>9}")
    print(f"{'find -type f -exec file -b {} +':<34} {median['file']:>9.3f} {peak['file']:>9.1f}")
    print(
        f"{'cgowarn inspect --format json':<34} {median['cgowarn']:>9.3f} {peak['cgowarn']:>9.1f}"
    )
    print(
        f"{'cgowarn start-up (one binary)':<34} {median['start-up']:>9.3f} {peak['start-up']:>9.1f}"
    )
    print(f"ratio cgowarn / file: {median['cgowarn'] / median['file']:.2f}x")
    print(
        f"ratio without start-up: {(median['cgowarn'] - median['start-up']) / median['file']:.2f}x"
    )
    return 0 if elves == binaries else 1


if __name__ == "__main__":
    sys.exit(main())
