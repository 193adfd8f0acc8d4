"""What `cgowarn run` adds to a build's wall time, on a build that prints a 200 MB log.

    python benchmarks/wrap.py                          # 200 MB, 3 runs each, full speed and paced
    python benchmarks/wrap.py --size 50 --pace 10      # quicker
    python benchmarks/wrap.py --cgowarn "python -m cgowarn"

The "build" is this script in --emit mode: it writes the deterministic log of benchmarks/run.py
(realistic build noise with real linker output inserted) line-block by line-block, alternating
standard output and standard error, at full speed, or paced to last --pace seconds the way a real
build spends most of its time compiling. Alternating, in one session, it times

    BUILD >/dev/null 2>&1                                  (bare)
    cgowarn run -o report.json -- BUILD >/dev/null 2>&1    (wrapped)

and prints the median wall time of each, the overhead, and cgowarn's peak memory. It checks the
report's per-symbol counts against what the generator inserted.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import generate, run_once

BLOCK = 64 * 1024


def emit(log: Path, pace: float) -> int:
    """Write `log` to standard output and standard error, a block of whole lines to each in turn;
    with `pace`, spread over that many seconds."""
    size = log.stat().st_size
    start = time.monotonic()
    done = 0
    fds = (1, 2)
    turn = 0
    rest = b""
    with log.open("rb") as fh:
        while block := fh.read(BLOCK):
            data = rest + block
            end = data.rfind(b"\n") + 1
            rest = data[end:]
            view = memoryview(data)[:end]
            while view:
                view = view[os.write(fds[turn], view) :]
            turn ^= 1
            done += len(block)
            if pace:
                ahead = start + pace * done / size - time.monotonic()
                if ahead > 0:
                    time.sleep(ahead)
        if rest:
            os.write(fds[turn], rest)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--emit", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--pace", type=float, default=20.0, help="seconds the paced build lasts")
    parser.add_argument("--size", type=int, default=200, help="log size in MB")
    parser.add_argument("--runs", type=int, default=3, help="runs of each (median reported)")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/cgowarn-bench"))
    parser.add_argument("--cgowarn", default="cgowarn", help="the cgowarn command")
    args = parser.parse_args()
    if args.emit:
        return emit(args.emit, args.pace)
    args.dir.mkdir(parents=True, exist_ok=True)
    log = args.dir / f"wrap-{args.size}MB.log"
    report = args.dir / "wrap-report.json"
    expected = generate(log, args.size)
    cgowarn = shlex.split(args.cgowarn)
    print(
        f"| build ({args.size} MB log) | bare (median of {args.runs}) | `cgowarn run` | overhead"
        " | cgowarn peak RSS |"
    )
    print("|---|---:|---:|---:|---:|")
    for label, pace in (("full speed", 0.0), (f"paced over {args.pace:g} s", args.pace)):
        build = [sys.executable, __file__, "--emit", str(log), "--pace", str(pace)]
        wrapped = [*cgowarn, "run", "--fail-on", "never", "-o", str(report), "--", *build]
        bare: list[float] = []
        wrap: list[tuple[float, int]] = []
        for run in range(args.runs):
            for which in ("bare", "wrap") if run % 2 == 0 else ("wrap", "bare"):
                if which == "bare":
                    bare.append(run_once(build, subprocess.DEVNULL)[0])
                    continue
                report.unlink(missing_ok=True)
                wall, rss, _ = run_once(wrapped, subprocess.DEVNULL)
                wrap.append((wall, rss))
                got = {f["symbol"]: f["count"] for f in json.loads(report.read_text())["findings"]}
                if got != dict(expected):
                    print(f"MISMATCH: {got} != {dict(expected)}", file=sys.stderr)
                    return 1
        b = statistics.median(bare)
        w = statistics.median(x for x, _ in wrap)
        rss = statistics.median(r for _, r in wrap) / 1024
        print(f"| {label} | {b:.2f} s | {w:.2f} s | {100 * (w - b) / b:+.0f}% | {rss:.1f} MiB |")
    log.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
