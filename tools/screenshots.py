"""Screenshots of an HTML report as a desktop, a phone and a dark-scheme phone show it, taken with
headless Chromium, so that a person can look at a report without a browser of their own:

    python tools/screenshots.py REPORT.html OUTDIR

writes OUTDIR/desktop.png (1280 px wide), OUTDIR/phone.png (390 px), OUTDIR/phone-dark.png (390 px,
`prefers-color-scheme: dark`) and OUTDIR/print.pdf (print media), each of the whole page. It needs
Playwright and Debian's `chromium` (`playwright install`, which downloads browsers, is not needed),
as the browser tests do. A development tool: cgowarn itself never imports it.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path
from typing import Literal

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

Scheme = Literal["light", "dark"]
SHOTS: list[tuple[str, int, Scheme]] = [
    ("desktop", 1280, "light"),
    ("phone", 390, "light"),
    ("phone-dark", 390, "dark"),
]


def take(report: Path, outdir: Path, chromium: str) -> list[Path]:
    """Every screenshot of `report`, and the printed page, in `outdir`; the paths written."""
    from playwright.sync_api import sync_playwright

    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for name, width, scheme in SHOTS:
                context = browser.new_context(
                    viewport={"width": width, "height": 800},
                    color_scheme=scheme,
                    device_scale_factor=2 if width < 600 else 1,
                    java_script_enabled=False,
                )
                page = context.new_page()
                page.goto(report.resolve().as_uri(), wait_until="load")
                path = outdir / f"{name}.png"
                page.screenshot(path=str(path), full_page=True)
                written.append(path)
                if name == "desktop":
                    page.emulate_media(media="print")
                    pdf = outdir / "print.pdf"
                    page.pdf(path=str(pdf), format="A4", print_background=False)
                    written.append(pdf)
                context.close()
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("report", type=Path, help="an HTML report made by cgowarn")
    parser.add_argument("outdir", type=Path, help="where to write the PNG and PDF files")
    parser.add_argument(
        "--chromium", default=shutil.which("chromium"), help="the browser (default: chromium)"
    )
    args = parser.parse_args(argv)
    if not args.report.is_file():
        parser.error(f"{args.report}: no such file")
    if not args.chromium:
        parser.error("chromium is not installed (Debian: apt-get install chromium)")
    for path in take(args.report, args.outdir, args.chromium):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
