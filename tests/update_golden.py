"""Regenerate the golden files after a reviewed change: `python tests/update_golden.py`, then read
`git diff tests/golden` before committing. The test suite never writes golden files, so a failing
golden test cannot make itself pass."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from golden_cases import CASES, EXT, golden_path, rendered


def main() -> int:
    changed = 0
    for case in CASES:
        for fmt in EXT:
            path = golden_path(case, fmt)
            text = rendered(case, fmt)
            old = path.read_text(encoding="utf-8") if path.exists() else None
            if old != text:
                path.parent.mkdir(exist_ok=True)
                path.write_text(text, encoding="utf-8")
                changed += 1
                print(
                    f"updated {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}"
                )
            path.with_name(path.name + ".actual").unlink(missing_ok=True)
    print(f"{changed} golden file(s) changed; review them with: git diff tests/golden")
    return 0


if __name__ == "__main__":
    sys.exit(main())
