"""`invoke livereload` in a real browser: a saved post reloads the open page.

The task runs as a user runs it (a subprocess on a copy of the repository, on a free
port); Chromium opens a post with the page's own CSP in force, the test edits the post's
Markdown and waits, without reloading the page itself, for the new text to appear.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from pelican.plugins.rapport_site.headers import META_CSP, livereload_policy
from tests.repo_copy import copy_repository

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
INVOKE = Path(sys.executable).parent / "invoke"
PARTS = ("tasks.py", "pelicanconf.py", "plugins", "bench", "content", "theme", "data")
POST = "content/posts/2013-04-22-asking-for-a-coffee.md"
POST_URL = "/2013/04/asking-for-a-coffee/"
MARKER = "Saved while the page was open"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class TaskLog:
    """The task's output, read as it comes: a test waits for a line, never sleeps."""

    def __init__(self, process, path):
        self.lines, self.done = [], False
        self.changed = threading.Condition()
        self.path = path
        threading.Thread(target=self._read, args=(process.stdout,), daemon=True).start()

    def _read(self, stream):
        with stream, open(self.path, "w", encoding="utf-8") as copy:
            for line in stream:
                copy.write(line)
                copy.flush()
                with self.changed:
                    self.lines.append(line)
                    self.changed.notify_all()
        with self.changed:
            self.done = True
            self.changed.notify_all()

    def __call__(self):
        with self.changed:
            return "".join(self.lines)

    def wait_for(self, text, timeout):
        """Until a line holds `text`; fails, with the log, if the task ends first."""
        with self.changed:
            found = self.changed.wait_for(
                lambda: self.done or any(text in line for line in self.lines), timeout
            )
            if found and any(text in line for line in self.lines):
                return
        pytest.fail(f"invoke livereload never logged {text!r}:\n{self()}")


def wait_until_listening(port, timeout):
    """Return once 127.0.0.1:`port` accepts a connection; fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@pytest.fixture
def livereload_site(tmp_path):
    repo = copy_repository(tmp_path / "repo", PARTS)
    port = free_port()
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    env["PYTHONUNBUFFERED"] = "1"  # each line as it is logged, not at exit
    process = subprocess.Popen(
        [str(INVOKE), "livereload", "--port", str(port)],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        start_new_session=True,
    )
    read_log = TaskLog(process, tmp_path / "livereload.log")
    base = f"http://127.0.0.1:{port}"
    try:
        # The server starts once the first build is written. livereload logs "Serving
        # on" just before it listens, so the line is the cue and the open port the
        # event: connect until the socket is accepted (bounded).
        read_log.wait_for(f"Serving on {base}", timeout=120)
        wait_until_listening(port, timeout=30)
        with urllib.request.urlopen(base + POST_URL, timeout=30):
            pass
        yield repo, base, read_log
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def test_saving_a_post_reloads_the_open_page_under_its_csp(chromium, livereload_site):
    repo, base, read_log = livereload_site
    context = chromium.new_context(service_workers="block")
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(base + POST_URL, wait_until="load")
        assert MARKER not in page.inner_text("body")
        # The reload script has connected once the server logs the browser.
        page.wait_for_function("() => window.LiveReload !== undefined", timeout=60_000)
        read_log.wait_for("Browser Connected", timeout=60)
        post = repo / POST
        post.write_text(
            post.read_text(encoding="utf-8") + f"\n{MARKER}.\n", encoding="utf-8"
        )
        page.wait_for_function(
            f"() => document.body.innerText.includes({MARKER!r})", timeout=120_000
        )
        csp = page.get_attribute(
            'meta[http-equiv="Content-Security-Policy"]', "content"
        )
    finally:
        context.close()
    assert "'unsafe-inline'" not in csp
    assert not errors, errors  # nothing blocked by the CSP, no failed script
    # Each event is logged once (livereload's own handler printed every line twice).
    log = read_log()
    assert log.count(f"Serving on {base}") == 1, log
    assert log.count("Start watching changes") == 1, log
    # Preview mode: the save rendered the post, the sample's draft (which looks its
    # terms up among every post's) and the feeds that carry the post's text, not the
    # site; the terminal says so, before the browser is told to reload.
    summary = "Preview: rendered 2 posts, 6 feeds;"
    assert summary in log, log
    assert log.index(summary) < log.rindex("Reload 1 waiters"), log


def test_the_livereload_policy_adds_only_same_origin_script():
    published = f"{META_CSP}; script-src 'none'"
    local = livereload_policy(published)
    assert "script-src 'self'" in local
    assert "script-src 'none'" not in local
    assert "unsafe" not in local
    kept = [d.strip() for d in published.split(";") if "script-src" not in d]
    assert all(d in local for d in kept)
