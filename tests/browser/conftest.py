"""Headless Chromium (Debian's, never a downloaded one) on the sample site, served locally.

`visit(path, name)` loads one page and returns what a reviewer wants to know about it:
console errors, every request and whether it left the local server, failed loads,
axe-core's violations in the light and the dark colour scheme, and the page's weight and
layout shifts on load (test_browser_budgets.py). Screenshots at phone and desktop widths
go to tests/artifacts/screenshots/ (git-ignored).
"""

import contextlib
import functools
import http.server
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1280, "height": 900},
}
SCREENSHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"


def load_axe():
    """axe-playwright-python's Axe, whatever the process locale.

    The package reads its axe.min.js (UTF-8) at import time in the locale's encoding,
    which fails once a Pelican build has set LOCALE "C" in this process.
    """
    original = Path.read_text

    def read_utf8(self, encoding=None, errors=None):
        return original(self, encoding=encoding or "utf-8", errors=errors)

    with mock.patch.object(Path, "read_text", read_utf8):
        from axe_playwright_python.sync_playwright import Axe
    return Axe()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(
            f"Chromium is not installed at {CHROMIUM}: install Debian's `chromium` "
            "package (apt-get install chromium) to run the browser tests"
        )
    if not shutil.which(str(CHROMIUM)):
        pytest.skip(f"{CHROMIUM} is not executable")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright for Python is not installed (requirements-dev.txt)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True
        )
        yield browser
        browser.close()


@contextlib.contextmanager
def serving(folder):
    """A built site's folder on http://127.0.0.1:<free port>, for as long as it runs."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    # shutdown() waits for serve_forever's next look at its flag: 20 ms, not 0.5 s.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def serve():
    """serve(folder): a context manager serving another build's folder locally."""
    return serving


@pytest.fixture(scope="session")
def served_site(sample_site):
    """The sample site (SITEURL "") on http://127.0.0.1:<free port>."""
    with serving(sample_site.output) as origin:
        yield origin


@dataclass
class Visit:
    """What one page did in the browser."""

    url: str
    requests: list = field(default_factory=list)
    console_errors: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    violations: dict = field(default_factory=dict)  # mode -> [axe violation]
    backgrounds: dict = field(default_factory=dict)  # mode -> body background colour
    screenshots: list = field(default_factory=list)
    budget: dict = field(default_factory=dict)  # bytes, shift, unsized: on load

    def foreign_requests(self, origin):
        return [
            url
            for url in self.requests
            if not url.startswith(origin + "/")
            and url != origin
            and urlsplit(url).scheme not in ("data", "blob", "about")
        ]

    def axe_report(self):
        lines = []
        for mode, violations in self.violations.items():
            for v in violations:
                lines.append(
                    f"[{mode}] {v['id']} ({v.get('impact')}): {v['help']} <{v['helpUrl']}>"
                )
                for node in v["nodes"]:
                    lines.append(f"    at {', '.join(map(str, node['target']))}")
                    summary = (node.get("failureSummary") or "").replace("\n", " ")
                    lines.append(f"       {summary}")
                    lines.append(f"       {node.get('html', '')[:160]}")
        return "\n".join(lines)


# (colour scheme, viewport) pairs each page is checked in; screenshots in the light ones.
MODES = (("light", "desktop"), ("light", "phone"), ("dark", "desktop"))
AXE_RUN = "axe.run(document, {resultTypes: ['violations']})"

# Measured on load at the desktop width, for the budgets. Bytes of the page and its style
# sheets as served (this server does not compress, so the figure is what an uncompressed
# host sends: the budget's worst case).
WEIGHT = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const sheets = performance.getEntriesByType('resource')
    .filter(r => r.initiatorType === 'link' || r.initiatorType === 'css');
  return nav.encodedBodySize + sheets.reduce((n, r) => n + r.encodedBodySize, 0);
}"""
# Layout shifts so far, read once two more frames have been drawn after the load event
# (a shift is reported with the frame that drew it): an event to wait on, not a timer.
# The buffered entries reach the observer's records at once (takeRecords), without
# waiting for its callback.
SHIFT = """() => new Promise(resolve => {
  requestAnimationFrame(() => requestAnimationFrame(() => {
    const observer = new PerformanceObserver(() => {});
    observer.observe({type: 'layout-shift', buffered: true});
    const shifts = observer.takeRecords();
    observer.disconnect();
    resolve(shifts.reduce((total, entry) => total + entry.value, 0));
  }));
})"""
UNSIZED = """() => [...document.images]
  .filter(i => !i.getAttribute('width') || !i.getAttribute('height'))
  .map(i => i.getAttribute('src'))"""


@pytest.fixture(scope="session")
def axe():
    return load_axe()


@pytest.fixture(scope="session")
def visit(chromium, served_site, axe):
    """visit(path, name=None, modes=MODES) -> Visit; a name writes screenshots.

    The site is static: a page visited again in every mode (another test, or a named
    visit for its screenshots) is loaded again, but axe-core's verdict of the first
    visit stands, and a visit without a name is the first visit itself.
    """
    # One context for the session: a static site keeps no state worth isolating, and
    # injecting axe-core as an init script (CDP, so the page's CSP does not apply) once
    # is far cheaper than evaluating its 500 kB on every check.
    context = chromium.new_context(service_workers="block")
    context.add_init_script(script=axe.axe_script)
    page = context.new_page()
    current = {}
    seen = {}  # path -> its first Visit in every mode

    def record(kind, text):
        if current:
            getattr(current["visit"], kind).append(text)

    page.on("request", lambda r: record("requests", r.url))
    page.on("console", lambda m: m.type == "error" and record("console_errors", m.text))
    page.on("pageerror", lambda e: record("console_errors", str(e)))
    page.on("requestfailed", lambda r: record("failed", f"{r.url}: {r.failure}"))
    page.on(
        "response",
        lambda r: r.status >= 400 and record("failed", f"{r.url}: HTTP {r.status}"),
    )

    def run(path, name=None, modes=MODES):
        checked = seen.get(path) if modes == MODES else None
        if checked and not name:
            return checked
        result = Visit(served_site + path)
        current["visit"] = result
        page.emulate_media(color_scheme="light")
        page.set_viewport_size(VIEWPORTS["desktop"])
        response = page.goto(result.url, wait_until="load")
        if response is None or response.status != 200:
            result.failed.append(f"{result.url}: {response and response.status}")
        result.budget = {
            "bytes": page.evaluate(WEIGHT),
            "shift": page.evaluate(SHIFT),
            "unsized": page.evaluate(UNSIZED),
        }
        for scheme, viewport in modes:
            mode = f"{scheme} {viewport}"
            page.emulate_media(color_scheme=scheme)
            page.set_viewport_size(VIEWPORTS[viewport])
            result.backgrounds[mode] = page.evaluate(
                "getComputedStyle(document.body).backgroundColor"
            )
            if name and scheme == "light":
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                shot = SCREENSHOTS / f"{name}-{viewport}.png"
                page.screenshot(path=str(shot), full_page=True)
                result.screenshots.append(shot)
            if checked:
                result.violations[mode] = checked.violations[mode]
            else:
                result.violations[mode] = page.evaluate(AXE_RUN)["violations"]
        current.clear()
        if modes == MODES:
            seen.setdefault(path, result)
        return result

    yield run
    context.close()
