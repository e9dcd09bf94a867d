"""Helpers shared by the hardening tests (a module of its own: every conftest.py of the
suite is importable as `conftest`, so tests import from here instead)."""

import locale
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PUBLISH_SETTINGS = ROOT / "publishconf.py"
SITEURL = "https://sam.example/blog"


def java_major():
    from pelican.plugins.rapport_site.check_html5 import java_version

    return java_version()


needs_java = pytest.mark.skipif(
    (java_major() or 0) < 17,
    reason="the Nu HTML validator needs Java 17+ (apt-get install default-jre-headless)",
)


@contextmanager
def kept_locale():
    """Pelican sets the process locale from LOCALE ("C": ASCII file I/O); put it back."""
    saved = locale.setlocale(locale.LC_ALL)
    try:
        yield
    finally:
        locale.setlocale(locale.LC_ALL, saved)


def build_site(settings_file, overrides, siteurl=SITEURL):
    """Build in this process with SITEURL set, leaving the locale as it was."""
    from pelican.plugins.rapport_site.build import build

    with environ(SITEURL=siteurl), kept_locale():
        return build(settings_file, overrides)


@contextmanager
def environ(**values):
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def published_settings(output):
    """Pelican settings of publishconf.py with SITEURL set, writing to ``output``."""
    from pelican.settings import read_settings

    with environ(SITEURL=SITEURL):
        return read_settings(
            str(PUBLISH_SETTINGS),
            override={"OUTPUT_PATH": str(output), "CACHE_PATH": str(output) + "-cache"},
        )


class Site:
    """A built site in ``output`` with its settings, and helpers to break it."""

    def __init__(self, output, settings):
        self.output = Path(output)
        self.settings = settings

    def text(self, rel):
        return (self.output / rel).read_text(encoding="utf-8")

    def write(self, rel, text):
        path = self.output / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def replace(self, rel, old, new, count=1):
        """Replace ``old`` in file ``rel``; fails loudly if ``old`` is not there."""
        text = self.text(rel)
        assert old in text, f"{old!r} is not in {rel}: the seed no longer applies"
        self.write(rel, text.replace(old, new, count))

    def line_of(self, rel, needle):
        for number, line in enumerate(self.text(rel).splitlines(), 1):
            if needle in line:
                return number
        raise AssertionError(f"{needle!r} not in {rel}")

    def run(self, skip=("html5",)):
        from pelican.plugins.rapport_site.check import run_checks

        return run_checks(self.output, self.settings, skip=skip)


def run_invoke(*args, env=None):
    """Run `invoke ARGS` from the repository root in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=ROOT,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})},
        capture_output=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
