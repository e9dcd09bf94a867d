"""What `invoke --list` (and so every task, before it runs) imports.

Every task run, `invoke --list` and `--help` import the root tasks.py and, through it,
every plugin's tasks module. What only one task or the build needs is imported where
it is used, so that starting a task pays for invoke, Pelican and the task's own module.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a subprocess

ROOT = Path(__file__).resolve().parents[2]

# Each was imported by `invoke --list` before and needed by none of the listed tasks'
# start: the Bluesky CAR reader (atproto), the X archive reader and the import progress
# bar (tweets.import), the build's filters, social cards and search (the site plugin's
# receivers: Pelican calls register()), and the blurbs' Markdown with its extensions.
NOT_AT_START = (
    "atproto_core",
    "pelican.plugins.rapport_tweets.archive",
    "rich.progress",
    "pelican.plugins.rapport_site.plugin",
    "PIL.ImageDraw",
    "babel",
    "markdown.extensions.extra",
)


def imported_by(args):
    """The modules a fresh `python -m invoke ARGS` imports, as -X importtime names them."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "invoke", *args],
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"},
        capture_output=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    modules = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            modules.add(line.rsplit("|", 1)[1].strip())
    # invoke execs tasks.py itself; what it imports is in the list.
    assert "pelican.plugins.rapport_people.tasks" in modules, result.stderr[-2000:]
    return result.stdout, modules


def test_invoke_list_imports_only_what_starting_a_task_needs():
    listed, modules = imported_by(["--list"])
    assert "people.list" in listed and "bluesky.import" in listed
    assert "tweets.import" in listed and "build" in listed
    loaded = sorted(
        name
        for name in modules
        if any(name == m or name.startswith(m + ".") for m in NOT_AT_START)
    )
    assert loaded == []
