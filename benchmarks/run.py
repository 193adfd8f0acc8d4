"""Benchmark cgowarn against cat and grep on large, deterministic build logs.

    python benchmarks/run.py                       # 50, 200 and 1000 MB, 3 runs each
    python benchmarks/run.py --sizes 50 --runs 5   # quicker

Needs GNU time (/usr/bin/time, Debian package `time`) for the peak memory of each command.

Each log is mostly build noise (compile commands, compiler warnings that contain the word
"warning" with gcc's `In function` lines, `go build -x` output naming Debian's GOROOT, test
output, CI timestamps, BuildKit prefixes) with real linker output from
sample_logs/ (GNU ld, gold, Go, rustc, localised ld, failed links) inserted at fixed intervals, so
it holds link warnings of every form in many link units. The same seed gives the same bytes.

In one session, alternating the order, it runs `cat LOG > /dev/null`, `grep -cE PATTERN LOG` with a
pattern equivalent to what cgowarn looks for (in the environment's locale and in the C locale),
`cgowarn --format json LOG`, and the same with `--pass-through` (the log echoed to /dev/null, the
report to a file), and prints the median wall time and peak resident memory of each, and the
ratios to grep. It also checks that cgowarn's per-symbol counts equal the counts inserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_logs"

# What cgowarn's scanner looks for: glibc's message shapes, link errors, context lines, Go headers,
# cargo crates, static link commands, go commands and versions, silent linkers.
GREP_PATTERN = (
    "statically linked applications|is dangerous| function is dangerous| function may be dangerous|"
    "is deprecated|is obsolete|will always return 1|is not implemented|undefined reference|"
    "undefined symbol|cannot find -l|unable to find library|library not found|collect2|"
    "linker command failed|failed: exit status|error: linking with|executable stack|RWX|"
    "multiple definition of|error adding symbols|--enable-kernel|-extldflags|\\.lld: error|mold: |"
    "gold: |ld: warning: |bfd: warning: |:[[:space:]]*$|# |Compiling |-static|go[[:space:]]+(build|install)|"
    "go-?1\\.|lld|mold"
)


def _noise_lines(rng: random.Random) -> list[str]:
    """A pool of ordinary build-log lines, several forms of each."""
    pool = []
    for i in range(4000):
        pkg = f"pkg{i % 97}/mod{i % 13}"
        ts = f"2026-11-26T10:{i % 60:02d}:{(i * 7) % 60:02d}.{i:07d}Z "
        pool += [
            f"{ts}gcc -O2 -g -Wall -Wextra -fPIC -I include -c -o build/{pkg}/file{i}.o src/{pkg}/file{i}.c",
            f"src/{pkg}/file{i}.c:{i % 900 + 1}:{i % 40 + 1}: warning: unused variable 'tmp{i}' [-Wunused-variable]",
            f"src/{pkg}/file{i}.c:{i % 700 + 1}:5: warning: comparison of integer expressions of different signedness [-Wsign-compare]",
            f"#{i % 40 + 3} {i % 300}.{i % 1000:03d} RUN go test ./{pkg}/...",
            f"=== RUN   TestSomething{i}/case_{i % 17}",
            f"--- PASS: TestSomething{i} (0.{i % 100:02d}s)",
            f"ok  \texample.com/project/{pkg}\t{i % 9}.{i % 1000:03d}s",
            f"{ts}[INFO] Downloading dependency {pkg}@v1.{i % 30}.{i % 7} (sha256:{rng.getrandbits(128):032x})",
            f"  CC       src/{pkg}/file{i}.lo",
            f"make[{i % 3 + 1}]: Entering directory '/build/src/{pkg}'",
            # gcc's own context line before a compiler warning: it ends with a colon, as ld's do.
            f"src/{pkg}/file{i}.c: In function \u2018handle_{i}\u2019:",
            # `go build -x` with Debian's Go: GOROOT (/usr/lib/go-1.19) on nearly every line.
            f"mkdir -p $WORK/b{i:04d}/",
            f"cat >$WORK/b{i:04d}/importcfg << 'EOF' # internal",
            f"packagefile example.com/project/{pkg}=$WORK/b{i:04d}/_pkg_.a",
            f"/usr/lib/go-1.19/pkg/tool/linux_amd64/compile -o $WORK/b{i:04d}/_pkg_.a -trimpath "
            f'"$WORK/b{i:04d}=>" -p example.com/project/{pkg} -lang=go1.19 -complete '
            f"-buildid {rng.getrandbits(64):016x}/{rng.getrandbits(64):016x} -goversion go1.19.8 "
            f"-c=2 -nolocalimports -importcfg $WORK/b{i:04d}/importcfg -pack ./file{i}.go",
        ]
    return pool


def _link_blocks() -> list[tuple[bytes, Counter[str]]]:
    blocks = []
    for log in sorted(SAMPLES.glob("*.log")):
        meta = tomllib.loads(log.with_suffix(".toml").read_text(encoding="utf-8"))
        if meta.get("expected") and meta["kind"] == "captured":
            blocks.append((log.read_bytes(), Counter(meta["expected"])))
    return blocks


def generate(path: Path, size_mb: int, seed: int = 1) -> Counter[str]:
    """Write a log of about size_mb MB; return the per-symbol warning counts inserted."""
    rng = random.Random(seed)
    noise = [line.encode() + b"\n" for line in _noise_lines(rng)]
    blocks = _link_blocks()
    expected: Counter[str] = Counter()
    target = size_mb * 1_000_000
    written = 0
    with path.open("wb") as fh:
        while written < target:
            chunk = b"".join(noise[rng.randrange(len(noise))] for _ in range(2000))
            fh.write(chunk)
            written += len(chunk)
            data, counts = blocks[rng.randrange(len(blocks))]
            if not data.endswith(b"\n"):
                data += b"\n"
            fh.write(data)
            written += len(data)
            expected.update(counts)
    return expected


def run_once(
    argv: list[str], stdout: int, env: dict[str, str] | None = None
) -> tuple[float, int, bytes]:
    """Wall seconds, peak RSS in KiB, and captured stdout (when stdout is a pipe); `env` adds to
    the environment.

    Peak memory comes from GNU time (`%M`): a child forked from this Python process would report
    this process's memory as its own, so the tool is started from /usr/bin/time instead."""
    report = Path(os.environ.get("TMPDIR", "/tmp")) / f"cgowarn-bench-time-{os.getpid()}"
    start = time.perf_counter()
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "%M", "-o", str(report), *argv],
        stdout=stdout,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{argv[0]} failed with exit code {proc.returncode}")
    rss = int(report.read_text().split()[-1])
    report.unlink()
    return wall, rss, proc.stdout or b""


MSG = "Using 'getpwnam' in statically linked applications requires at runtime the shared libraries from the glibc version used for linking"


def _worst_shape(directory: Path, cgowarn: str) -> tuple[str, str]:
    """The hostile line shape (tests/hostile_lines.py) that costs cgowarn the most per MB, tried
    once each on 1 MB of 63 KB lines."""
    sys.path.insert(0, str(ROOT / "tests"))
    from hostile_lines import SHAPES

    worst: tuple[float, str, str] = (0.0, "", "")
    for name, make in SHAPES.items():
        line = make(63 * 1024)
        log = directory / "shape.log"
        log.write_bytes((line + "\n").encode() * 16)
        wall = run_once(
            [cgowarn, "--format", "json", "--fail-on", "never", str(log)], subprocess.DEVNULL
        )[0]
        worst = max(worst, (wall, name, line))
        log.unlink()
    return worst[1], worst[2]


def _long_occurrences(fh: Any) -> None:
    """1,000 functions warned about 50 times each, every occurrence distinct and its lines about
    1.6 KB: what a report must keep in bounded memory in every format."""
    for i in range(1000):
        fh.write(
            "".join(
                f"/usr/bin/ld: /build/{'o' * 1500}/{i}/{j}/obj.o: in function "
                f"`fn_{'f' * 1500}_{i}_{j}':\n/src/{'s' * 1500}/{i}/{j}.c:12: warning: "
                + MSG.replace("getpwnam", f"sym{i}")
                + "\n"
                for j in range(50)
            ).encode()
        )


def memory_by_format(directory: Path, cgowarn: str) -> list[tuple[str, float, float]]:
    """Peak RSS of every output format on the long-occurrences log (one run each)."""
    sys.path.insert(0, str(ROOT / "src"))
    from cgowarn.formats import OutputFormat

    log = directory / "long-occurrences.log"
    with log.open("wb") as fh:
        _long_occurrences(fh)
    rows = []
    for fmt in OutputFormat:
        wall, rss, _ = run_once(
            [cgowarn, "--format", fmt.value, "--fail-on", "never", str(log)], subprocess.DEVNULL
        )
        rows.append((fmt.value, wall, rss / 1024))
    size = log.stat().st_size / 1e6
    log.unlink()
    return [(f"{name} ({size:.0f} MB log)", wall, rss) for name, wall, rss in rows]


def pathological(
    directory: Path, cgowarn: str, runs: int
) -> list[tuple[str, str, float, float, float]]:
    """Inputs that would make a careless parser quadratic or unbounded; each against cat."""
    cases = {
        "one 100 MB line, no newline": lambda fh: [fh.write(b"x" * 1_000_000) for _ in range(100)],
        "1,000,000 warning lines": lambda fh: [
            fh.write((f"a.c:(.text+0x{i:x}): warning: {MSG}\n" * 1000).encode())
            for i in range(1000)
        ],
        "1,000,000 distinct unknown functions": lambda fh: [
            fh.write(
                "".join(
                    f"a.c:(.text+0x1): warning: Using 'fn{i}_{j}' in statically linked "
                    "applications requires at runtime the shared libraries from the glibc "
                    "version used for linking\n"
                    for j in range(1000)
                ).encode()
            )
            for i in range(1000)
        ],
        "1,000,000 link units": lambda fh: [
            fh.write(
                "".join(
                    f"# example.com/cmd/p{i}_{j}\na.c:(.text+0x1): warning: {MSG}\n"
                    for j in range(1000)
                ).encode()
            )
            for i in range(1000)
        ],
        "1,000,000 'in function' lines": lambda fh: [
            fh.write(
                (
                    "/usr/bin/ld: /tmp/go-link-1/000007.o: in function `mygetpwnam_r':\n" * 1000
                ).encode()
            )
            for _ in range(1000)
        ],
    }
    cases["1,000 functions x 50 long occurrences"] = _long_occurrences
    shape, line = _worst_shape(directory, cgowarn)
    cases[f"worst line shape: {shape}, 63 KB lines"] = lambda fh: [
        fh.write((line + "\n").encode()) for _ in range(64)
    ]
    rows = []
    for name, write in cases.items():
        log = directory / "pathological.log"
        with log.open("wb") as fh:
            write(fh)
        size = log.stat().st_size / 1e6
        walls: dict[str, list[tuple[float, int]]] = {"cat": [], "cgowarn": []}
        for _ in range(runs):
            walls["cat"].append(run_once(["cat", str(log)], subprocess.DEVNULL)[:2])
            walls["cgowarn"].append(
                run_once(
                    [cgowarn, "--format", "json", "--fail-on", "never", str(log)],
                    subprocess.DEVNULL,
                )[:2]
            )
        for tool, results in walls.items():
            rows.append(
                (
                    f"{name} ({size:.0f} MB)",
                    tool,
                    statistics.median(w for w, _ in results),
                    statistics.median(r for _, r in results) / 1024,
                    size,
                )
            )
        log.unlink()
    return rows


def startup(cgowarn: str, runs: int) -> list[tuple[str, float, float]]:
    """The seed article's log rendered as Markdown, against importing the four libraries.

    cgowarn keeps nothing between runs (no cache): every run starts from the shipped data. A last
    row shows the floor that pydantic sets: the
    baseline imports the package `pydantic`, which loads lazily, while any pydantic model needs
    `pydantic.BaseModel` and the machinery behind it."""
    seed = str(SAMPLES / "seed-article-go-sqlite3-centos.log")
    markdown = [cgowarn, "--format", "markdown", "--fail-on", "never", seed]
    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        'python -c "import click, jinja2, pydantic, regex"': (
            [sys.executable, "-c", "import click, jinja2, pydantic, regex"],
            {},
        ),
        "cgowarn --format markdown seed-article-go-sqlite3-centos.log": (markdown, {}),
        "cgowarn --version": ([cgowarn, "--version"], {}),
        'python -c "import click, jinja2, regex; from pydantic import BaseModel"': (
            [sys.executable, "-c", "import click, jinja2, regex; from pydantic import BaseModel"],
            {},
        ),
    }
    walls: dict[str, list[float]] = {name: [] for name in commands}
    for run in range(runs):
        for name in commands if run % 2 == 0 else reversed(list(commands)):
            argv, env = commands[name]
            walls[name].append(run_once(argv, subprocess.PIPE, env)[0])
    base = statistics.median(walls[next(iter(commands))])
    return [(name, statistics.median(w), statistics.median(w) / base) for name, w in walls.items()]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[50, 200, 1000], help="log sizes in MB"
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="runs per tool and size (median reported)"
    )
    parser.add_argument(
        "--dir", type=Path, default=Path("/tmp/cgowarn-bench"), help="where the logs go"
    )
    parser.add_argument("--cgowarn", default="cgowarn", help="the cgowarn command")
    parser.add_argument(
        "--pathological", action="store_true", help="time the pathological inputs instead"
    )
    parser.add_argument(
        "--startup", action="store_true", help="time start-up against the import baseline"
    )
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    if args.startup:
        print(f"| command | wall (median of {args.runs}) | ratio |")
        print("|---|---:|---:|")
        for name, wall, ratio in startup(args.cgowarn, args.runs):
            print(f"| `{name}` | {wall:.3f} s | {ratio:.2f}x |")
        return 0
    if args.pathological:
        print(f"| input | tool | wall (median of {args.runs}) | peak RSS | MB/s |")
        print("|---|---|---:|---:|---:|")
        for name, tool, wall, rss, size in pathological(args.dir, args.cgowarn, args.runs):
            print(f"| {name} | `{tool}` | {wall:.2f} s | {rss:.1f} MiB | {size / wall:.0f} |")
        print()
        print("| --format (1,000 functions x 50 long occurrences) | wall | peak RSS |")
        print("|---|---:|---:|")
        for name, wall, rss in memory_by_format(args.dir, args.cgowarn):
            print(f"| {name} | {wall:.2f} s | {rss:.1f} MiB |")
        return 0
    rows = []
    for size in args.sizes:
        log = args.dir / f"build-{size}MB.log"
        report = args.dir / "report.json"
        expected = generate(log, size)
        # grep's output goes to a pipe: with stdout on /dev/null GNU grep stops at the first match.
        tools = {
            "cat": (["cat", str(log)], subprocess.DEVNULL),
            "grep -cE": (["grep", "-cE", GREP_PATTERN, str(log)], subprocess.PIPE),
            "LC_ALL=C grep -cE": (
                ["env", "LC_ALL=C", "grep", "-cE", GREP_PATTERN, str(log)],
                subprocess.PIPE,
            ),
            "cgowarn --format json": (
                [args.cgowarn, "--format", "json", "--fail-on", "never", str(log)],
                subprocess.PIPE,
            ),
            # The log echoed to standard output as it is read, the report to a file.
            "cgowarn --format json --pass-through": (
                [
                    args.cgowarn,
                    "--format",
                    "json",
                    "--fail-on",
                    "never",
                    "--pass-through",
                    "-o",
                    str(report),
                    str(log),
                ],
                subprocess.DEVNULL,
            ),
        }
        results: dict[str, list[tuple[float, int]]] = {name: [] for name in tools}
        for run in range(args.runs):
            order = list(tools) if run % 2 == 0 else list(reversed(tools))
            for name in order:
                argv, out = tools[name]
                wall, rss, stdout = run_once(argv, out)
                results[name].append((wall, rss))
                if name.startswith("cgowarn"):
                    out = report.read_bytes() if "--pass-through" in name else stdout
                    got = {f["symbol"]: f["count"] for f in json.loads(out)["findings"]}
                    if got != dict(expected):
                        print(f"MISMATCH at {size} MB: {got} != {dict(expected)}", file=sys.stderr)
                        return 1
        grep_wall = statistics.median(w for w, _ in results["grep -cE"])
        c_grep_wall = statistics.median(w for w, _ in results["LC_ALL=C grep -cE"])
        for name in tools:
            wall = statistics.median(w for w, _ in results[name])
            rss = statistics.median(r for _, r in results[name])
            rows.append((size, name, wall, rss / 1024, wall / grep_wall, wall / c_grep_wall))
        log.unlink()
    locale = os.environ.get("LC_ALL") or os.environ.get("LC_CTYPE") or os.environ.get("LANG") or "C"
    print(f"`grep -cE` runs in this environment's locale ({locale}).\n")
    print(
        f"| log | tool | wall (median of {args.runs}) | peak RSS | time / grep -cE"
        " | time / LC_ALL=C grep -cE |"
    )
    print("|---:|---|---:|---:|---:|---:|")
    for size, name, wall, rss, ratio, c_ratio in rows:
        print(
            f"| {size} MB | `{name}` | {wall:.2f} s | {rss:.1f} MiB | {ratio:.2f}x | {c_ratio:.2f}x |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
