"""Atomic commits of a store's files, and the store's lock.

An update writes each new file to a temp file beside it and fsyncs it, then commits
them all at once: it writes a journal (.commit.json) listing every temp file with its
final name and every file to remove, moves the files into place, and deletes the
journal. Killed before the journal is in place, the store is the old one (the next
update deletes the temp files); killed after, the next update or reader finishes the
moves first (rolls forward). Either way the store is the old or the new one.

This module is also the project's one atomic-write helper (`write_atomically`, and
`staged` for a temp file filled piece by piece). It lives in the tweets plugin because
that plugin imports no other: the people plugin already asks it for conversations, and
the site plugin imports both, so every plugin (and bench/) can import it from here
without a new dependency between plugins. The tweets plugin must never import people.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

import filelock

JOURNAL = ".commit.json"


def staged(path, write, *, sync=True):
    """A temp file beside `path`, filled by `write(fh)` (binary) and fsynced (unless
    `sync` is False: the caller fsyncs it later); deleted if `write` fails."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def _data(text):
    return text.encode("utf-8") if isinstance(text, str) else text


def write_temp(path, text):
    """Write `text` (str, or its UTF-8 bytes) to a fsynced temp file beside `path`,
    for commit_files: [(temp file, path)]."""
    data = _data(text)
    return [(staged(path, lambda fh: fh.write(data)), Path(path))]


def write_atomically(path, text, *, exclusive=False):
    """Write `text` (str, or UTF-8 bytes) to `path` through a fsynced temp file, so the
    file is the old one or the new one, never a half; an existing file keeps its
    permissions. With `exclusive`, FileExistsError rather than replace a file that
    exists (or appears meanwhile)."""
    path = Path(path)
    data = _data(text)
    tmp = staged(path, lambda fh: fh.write(data))
    try:
        if exclusive:
            os.link(tmp, path)  # fails if the file exists, atomically
            os.unlink(tmp)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.chmod(tmp, path.stat().st_mode & 0o7777)
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


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


class Busy(Exception):
    """Another process holds the lock; `holder` is its pid ("unknown" if unreadable)."""

    def __init__(self, holder):
        super().__init__(holder)
        self.holder = holder


def _write_pid(fd):
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())


def _holder(path):
    try:
        return Path(path).read_text(encoding="ascii").strip() or "unknown"
    except (OSError, UnicodeDecodeError):
        return "unknown"


@contextlib.contextmanager
def locked(path):
    """Hold an OS lock on the file `path` (filelock: flock, or Windows' own), without
    waiting: Busy, with the holder's pid, if another process holds it.

    The lock is the OS's, not the file's existence: the OS drops it when the process
    ends, so a file left behind by a killed run never blocks the next. The holder writes
    its pid into the file (for Busy's message) and deletes the file before it lets go:
    a process waiting on the deleted file sees that once it gets the lock and locks a
    new one (filelock checks), so the lock still excludes."""
    lock = filelock.FileLock(path, blocking=False, on_acquired=_write_pid)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise Busy(_holder(path)) from None
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
        lock.release()
