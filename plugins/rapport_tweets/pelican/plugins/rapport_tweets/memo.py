"""What the tweets API rendered, kept between the builds of one process in preview mode.

A preview process (`invoke livereload`, `invoke regenerate`: PREVIEW_MODE) builds the
same site again on every save, and most saves touch neither the store nor the card
template. Everything the API renders (cards, a person's conversations, the day they
first talked) is a function of the store's files, the templates, the settings and the
call's arguments. So a build notes a *base*: the stat of every store file the reader
may read, and digests of the templates and the settings. While the base is the same as
the last build's, an answer given then is given again; any change to it starts afresh.

Media files are the one side effect: a card copies its photos into the output and the
build removes the ones it did not publish. Each kept answer notes the media files it
published, and handing it out again publishes them again (a copy only when missing),
so a build's output never depends on what an earlier one kept.

A published build is one build per process: it never finds a kept answer.
"""

from __future__ import annotations

import hashlib
import os

# One memo per output folder; lives as long as the process.
_MEMOS = {}


def _digest(*parts):
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).digest()


def files_stat(folders, recursive=False):
    """(path, size, mtime, ctime, inode) of every file in `folders` (and, with
    `recursive`, in their subfolders), sorted; a folder or file that cannot be read is
    (path, None). Any write to a file changes its row, as does a file coming or going."""
    rows, pending = [], [str(folder) for folder in folders if folder]
    while pending:
        folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            rows.append((folder, None))
            continue
        for entry in entries:
            try:
                st = entry.stat(follow_symlinks=True)
            except OSError:
                rows.append((entry.path, None))
                continue
            if entry.is_file():
                rows.append(
                    (entry.path, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
                )
            elif recursive and entry.is_dir():
                pending.append(entry.path)
    return tuple(sorted(rows, key=lambda row: row[0]))


def templates_digest(env):
    """A digest of every template `env` can load (a card template may include any)."""
    sources = []
    for name in sorted(env.list_templates()):
        source, filename, _uptodate = env.loader.get_source(env, name)
        sources.append((name, filename, source))
    return _digest(*sources)


def _stable(value):
    """`repr` of a setting, but a function (a Jinja global or filter, even a method of
    an object made anew by every build) stands for its code."""
    if isinstance(value, dict):
        return [(_stable(k), _stable(v)) for k, v in value.items()]
    if isinstance(value, list | tuple | set | frozenset):
        items = [_stable(v) for v in value]
        return (
            type(value).__name__,
            sorted(items, key=repr) if isinstance(value, set | frozenset) else items,
        )
    code = getattr(value, "__code__", None)
    if callable(value) and code is not None:
        return (
            "function",
            value.__module__,
            value.__qualname__,
            code.co_code,
            repr(code.co_consts),
        )
    return repr(value)


def settings_digest(settings):
    """A digest of the settings as `repr` shows them (functions by their code). A
    value whose repr changes from build to build only means nothing is reused."""
    return _digest(*sorted(((k, _stable(v)) for k, v in settings.items()), key=str))


class Memo:
    """The answers of the builds since the base last changed."""

    def __init__(self):
        self.base = None
        self.answers = {}

    def start(self, base):
        if base != self.base:
            self.base, self.answers = base, {}
        return self


def memo_for(output_path, base):
    """The memo of the builds into `output_path`, emptied unless `base` is the last
    build's."""
    memo = _MEMOS.setdefault(os.path.realpath(output_path), Memo())
    return memo.start(base)
