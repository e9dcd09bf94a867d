"""Refresh the screenshots in docs/ from a real build of the sample site.

    .venv/bin/python docs/screenshots.py

Builds content/ with pelicanconf.py into a temporary folder, serves it on 127.0.0.1 and
takes each page in Debian's Chromium (/usr/bin/chromium), light and dark, desktop and
phone: docs/<page>-<scheme>-<viewport>.png, plus docs/home.png for the README.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = {
    "home": "/",
    "person": "/people/ada-example/",
    "directory": "/people/",
    "search": "/search/?q=coffee",
}
VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}

sys.path.insert(0, str(ROOT / "bench"))
from served import site_in_chromium  # noqa: E402


def build(output):
    subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py",
         "-o", str(output), "-e", f'CACHE_PATH="{output}-cache"', "--fatal", "errors",
         "-q"],
        cwd=ROOT, check=True,
    )  # fmt: skip


def shoot(output):
    written = []
    with site_in_chromium(output) as (browser, origin):
        for scheme in ("light", "dark"):
            for viewport, (width, height) in VIEWPORTS.items():
                page = browser.new_page(
                    viewport={"width": width, "height": height},
                    color_scheme=scheme,
                )
                for name, path in PAGES.items():
                    page.goto(origin + path, wait_until="load")
                    if name == "search":
                        page.wait_for_selector(".search-result")
                    shot = DOCS / f"{name}-{scheme}-{viewport}.png"
                    page.screenshot(path=str(shot))
                    written.append(shot)
                page.close()
    shutil.copyfile(DOCS / "home-light-desktop.png", DOCS / "home.png")
    return written


def main():
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "output"
        build(output)
        for shot in shoot(output):
            print(shot.relative_to(ROOT))


if __name__ == "__main__":
    main()
