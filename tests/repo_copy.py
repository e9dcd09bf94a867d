"""A throwaway copy of the repository for tests that run its tasks as a user does."""

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# What a copy of the repository needs for the tasks to run.
REPO_PARTS = (
    "tasks.py",
    "pelicanconf.py",
    "publishconf.py",
    "plugins",
    "bench",
    "content",
    "theme",
    "data",
)
# Never copied: caches, and the benchmark's generated sites (hundreds of MB in a
# working copy that has run `invoke bench`; absent from a fresh clone).
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "sites", "work")


def copy_repository(dest, parts=REPO_PARTS):
    """Copy `parts` of the repository into the folder `dest` (made if missing)."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    for part in parts:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, dest / part, ignore=IGNORED)
        else:
            shutil.copy2(source, dest / part)
    return dest
