"""Atomic commits of a store's files, and the store's lock.

An update writes each new file to a temp file beside it and fsyncs it, then commits
them all at once: it writes a journal (.commit.json) listing every temp file with its
final name and every file to remove, moves the files into place, and deletes the
journal. Killed before the journal is in place, the store is the old one (the next
update deletes the temp files); killed after, the next update or reader finishes the
moves first (rolls forward). Either way the store is the old or the new one.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt

JOURNAL = ".commit.json"


def write_temp(path, text):
    """Write `text` (str, or its UTF-8 bytes) to a fsynced temp file beside `path`."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return [(tmp, path)]


def fsync_file(path):
    """Make a written file's data durable (it is closed: open it again to fsync)."""
    fd = os.open(path, os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def discard(pairs):
    for tmp, _path in pairs:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _fsync_dir(path):
    """Make the renames in a folder durable (a power cut); POSIX only."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def commit_files(root, pairs, removals=()):
    """Move every (temp file, final path) of `pairs` into place and delete `removals`,
    as one commit through the journal (see above). All paths are under `root`."""
    root = Path(root)
    plan = {
        "replace": [[_relative(root, t), _relative(root, f)] for t, f in pairs],
        "remove": [_relative(root, path) for path in removals],
    }
    journal = []
    try:
        journal = write_temp(root / JOURNAL, json.dumps(plan, indent=1) + "\n")
        os.replace(journal[0][0], root / JOURNAL)
    except BaseException:
        discard([*pairs, *journal])
        raise
    _fsync_dir(root)  # from here on the commit happens, now or in the next run
    roll_forward(root, plan)


def _relative(root, path):
    return Path(path).relative_to(root).as_posix()


def read_plan(journal):
    plan = json.loads(journal.read_text(encoding="utf-8"))
    return {
        "replace": [(str(tmp), str(final)) for tmp, final in plan["replace"]],
        "remove": [str(name) for name in plan["remove"]],
    }


def roll_forward(root, plan):
    """Carry out a journal's plan; done twice (a kill in between) it does no harm."""
    folders = set()
    for tmp, final in plan["replace"]:
        with contextlib.suppress(FileNotFoundError):  # moved before a kill
            os.replace(root / tmp, root / final)
        folders.add((root / final).parent)
    for name in plan["remove"]:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(root / name)
        folders.add((root / name).parent)
    for folder in sorted(folders):
        _fsync_dir(folder)
    os.unlink(root / JOURNAL)


def try_lock(fd):
    """Lock an open file without waiting; BlockingIOError if another process holds it.
    The OS drops the lock when the process ends."""
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    try:  # Windows: lock the first byte
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError as err:
        raise BlockingIOError(*err.args) from None


def read_pid(fd):
    """The pid the lock holder wrote, for the message ('unknown' if unreadable)."""
    try:
        return os.pread(fd, 32, 0).decode("ascii").strip() or "unknown"
    except (OSError, UnicodeDecodeError, AttributeError):
        return "unknown"
