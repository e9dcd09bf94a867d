"""A built site served on 127.0.0.1 and opened in Debian's Chromium, for the tools that
drive a browser outside the test suite (bench/search.py, docs/screenshots.py)."""

import contextlib
import functools
import http.server
import threading

CHROMIUM = "/usr/bin/chromium"  # Debian's package; never a downloaded browser


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def site_in_chromium(output):
    """(browser, origin): `output` served on a free local port, a headless Chromium."""
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox"]
            )
            try:
                yield browser, f"http://127.0.0.1:{server.server_address[1]}"
            finally:
                browser.close()
    finally:
        server.shutdown()
