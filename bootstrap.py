#!/usr/bin/env python3
"""Set up Rapport in ./.venv and run one task: the README's two Quick start commands.

    python3 bootstrap.py build    # virtualenv + runtime deps, then `invoke build`
    python3 bootstrap.py test     # virtualenv + test deps, then `invoke test`

Needs only Python 3.11+ and the package index. Re-running is cheap: dependencies are
reinstalled only when a requirements file changed.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
REQUIREMENTS = {"build": "requirements.txt", "test": "requirements-dev.txt"}


def fail(message):
    print(f"bootstrap: {message}", file=sys.stderr)
    raise SystemExit(1)


def requirement_files(name):
    """The file and every file it includes with -r, so a change to any reinstalls."""
    files, queue = [], [ROOT / name]
    while queue:
        path = queue.pop()
        files.append(path)
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("-r "):
                queue.append(path.parent / line[3:].strip())
    # Our plugin packages, installed from plugins/ (-e ./plugins/<name>): a change to
    # their dependencies reinstalls too.
    return sorted(files) + sorted(ROOT.glob("plugins/*/pyproject.toml"))


def ensure_venv():
    python = BIN / "python"
    if python.exists():
        return python
    print(f"Creating a virtualenv in {VENV} ...", flush=True)
    try:
        venv.EnvBuilder(with_pip=True).create(VENV)
    except Exception as exc:  # Debian without python3-venv, for one
        shutil.rmtree(VENV, ignore_errors=True)
        fail(
            f"could not create {VENV} ({exc}). On Debian or Ubuntu install the venv "
            "module first: apt-get install python3-venv"
        )
    return python


def ensure_requirements(python, name):
    files = requirement_files(name)
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()
    stamp = VENV / f".installed-{name}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    print(f"Installing {name} into {VENV} ...", flush=True)
    result = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "-q",
            "-r",
            str(ROOT / name),
        ],
        cwd=ROOT,  # requirements name our plugins by paths relative to the checkout
        check=False,
    )
    if result.returncode:
        fail(
            f"pip could not install {name} (exit {result.returncode}); the messages "
            "above say which package. Check your connection to the package index and "
            "run this command again."
        )
    stamp.write_text(digest)


def main(argv):
    if sys.version_info < (3, 11):  # noqa: UP036 (this script may run on an old Python)
        fail(f"Rapport needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if len(argv) != 1 or argv[0] not in REQUIREMENTS:
        fail("usage: python3 bootstrap.py build | test")
    task = argv[0]
    python = ensure_venv()
    ensure_requirements(python, REQUIREMENTS[task])
    if task == "test" and not (
        shutil.which("chromium") or Path("/usr/bin/chromium").exists()
    ):
        print(
            "Note: Chromium is not installed, so the browser tests will be skipped. "
            "Install it with: apt-get install chromium",
            flush=True,
        )
    os.chdir(ROOT)
    invoke = BIN / "invoke"
    os.execv(str(invoke), [str(invoke), task])


if __name__ == "__main__":
    main(sys.argv[1:])
