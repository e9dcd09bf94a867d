"""Read-only, lazy access to a tweet store for the build: the index files, and tweets
looked up by id with a binary search in the year files."""

from __future__ import annotations

import logging
import os

from .index import build_index, facts_of
from .record import StoreError, X, decode, id_key, network_of_id
from .store import Store

log = logging.getLogger(__name__)

_ID_PREFIX = b'{"id":"'


def first_at_or_after(line_at, size, key, key_of):
    """Where the first line whose key is >= `key` starts, in lines sorted by key that
    fill `size` bytes or characters (`size` if none): a binary search. `line_at(pos)`
    gives (start, line) of the line holding `pos`; `key_of(start, line)` its key."""
    lo, hi = 0, size
    # Invariant: that line starts in [lo, hi]; lo is always a line's start.
    while lo < hi:
        start, line = line_at((lo + hi) // 2)
        if key_of(start, line) < key:
            lo = start + len(line) + 1
        else:
            hi = start
    return lo


class Reader:
    """Read-only, lazy access for the build: index files and lookups by id."""

    def __init__(self, root, network=X):
        self.store = Store(root, network)
        trouble = self.store.finish_interrupted_commit()
        if trouble:
            log.warning(
                "%s: an update of the tweet store is under way or was cut short, and "
                "could not be finished now (%s); reading the store as it is.",
                self.store.root,
                trouble,
            )
        self._shards = None
        self._maps = {}
        self._people = None
        self._fallback = None

    def close(self):
        for shard in self._maps.values():
            shard.close()
        self._maps.clear()
        if self._people is not None:
            self._people.close()
            self._people = None

    def exists(self):
        return bool(self.store.shard_paths())

    def owner(self):
        return self.store.owner()

    def _index_text(self, name):
        return (self.store.index_dir / f"{name}.tsv").read_text(encoding="utf-8")

    def _ensure(self):
        if self._shards is not None:
            return
        rows = self.store.index_rows()
        if rows is None and self.exists():
            log.warning(
                "%s: the tweet index is missing or out of date (a shard was edited by "
                "hand?); reading the whole store. Run `invoke tweets.reindex` to fix.",
                self.store.root,
            )
            self._fallback = _InMemoryIndex(self.store)
            rows = self._fallback.shard_rows
        self._shards = rows or []

    def get(self, tweet_id):
        """The stored record of `tweet_id` (str or int), or None.

        Read from the year file on every call, not kept: a build asks for almost every
        post once (4,222 distinct of 4,362 lookups at the bench's scale), and keeping
        them held memory in proportion to every conversation published."""
        tid = str(tweet_id)
        if network_of_id(tid) != self.store.network:
            return None  # another network's id (or none): never in this store
        self._ensure()
        record = None
        if self._fallback is not None:
            record = self._fallback.records.get(tid)
        else:
            key = id_key(tid)
            for name, _count, lo, hi, _size in self._shards:
                if lo <= key <= hi:
                    record = self._search(name, key)
                    if record is not None:
                        break
        return record

    def _search(self, name, key):
        if name not in self._maps:
            self._maps[name] = _ShardFile(self.store.tweets_dir / name)
        shard = self._maps[name]
        path = self.store.tweets_dir / name

        def id_of(start, line):
            id_end = line.find(b'"', 7)
            if not line.startswith(_ID_PREFIX) or id_end < 0:
                raise StoreError(
                    f"{path}: a line near byte {start} does not start with "
                    '\'{"id":"\'. Run `invoke tweets.reindex`.'
                )
            return id_key(line[7:id_end].decode("utf-8"))

        pos = first_at_or_after(shard.line_at, shard.size, key, id_of)
        if pos >= shard.size:
            return None
        start, line = shard.line_at(pos)
        if id_of(start, line) != key:
            return None
        try:
            return decode(line, path, 0)
        except StoreError:  # count lines only to name a broken one
            return decode(line, path, shard.read(0, start).count(b"\n") + 1)

    def highlight_candidates(self):
        """[(year, kind, score, id)] from the highlights index."""
        self._ensure()
        if self._fallback is not None:
            text = self._fallback.index["highlights"]
        elif self._shards:
            text = self._index_text("highlights")
        else:
            return []
        rows = []
        for raw in text.splitlines():
            year, kind, score, tid = raw.split("\t")
            rows.append((year, kind, int(score), tid))
        return rows

    def people(self):
        """{handle: [(thread key, id, date)]} from the people index (a lazy mapping)."""
        if self._people is not None:
            return self._people
        self._ensure()
        if self._fallback is not None:
            lines = _BytesLines(self._fallback.index["people"].encode("utf-8"))
        elif self._shards:
            lines = _ShardFile(self.store.index_dir / "people.tsv")
        else:
            lines = _BytesLines(b"")
        self._people = _PeopleIndex(lines)
        return self._people

    def iter_records(self):
        return self.store.iter_records()


class _ShardFile:
    """A year file or an index file read a block at a time with pread, for a binary
    search by line.

    Not mmap: every page a search touches would stay in the build's resident memory,
    which then grows with the store rather than with what is published.
    """

    BLOCK = 4096

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDONLY)
        self.size = os.fstat(self.fd).st_size

    def read(self, offset, length):
        return os.pread(self.fd, length, offset)

    def line_at(self, pos):
        """(start, bytes) of the line holding byte `pos`, without its newline."""
        start = pos
        while start > 0:
            begin = max(0, start - self.BLOCK)
            cut = self.read(begin, start - begin).rfind(b"\n")
            if cut >= 0:
                start = begin + cut + 1
                break
            start = begin
        chunks, offset = [], start
        while offset < self.size:
            block = self.read(offset, self.BLOCK)
            cut = block.find(b"\n")
            if cut >= 0:
                chunks.append(block[:cut])
                break
            chunks.append(block)
            offset += len(block)
        return start, b"".join(chunks)

    def close(self):
        os.close(self.fd)


class _BytesLines:
    """An index held in memory, with a _ShardFile's interface."""

    def __init__(self, data):
        self.data = data
        self.size = len(data)

    def read(self, offset, length):
        return self.data[offset : offset + length]

    def line_at(self, pos):
        start = self.data.rfind(b"\n", 0, pos) + 1
        end = self.data.find(b"\n", start)
        return start, self.data[start : self.size if end < 0 else end]

    def close(self):
        pass


class _PeopleIndex:
    """people.tsv (sorted by handle), read one handle at a time.

    The build asks for its listed people only, while the index holds everyone the
    owner ever talked with: reading (or parsing) all of it cost memory in proportion
    to the store, for every network's index, until the build ended. Nothing is kept:
    a lookup is a binary search of the file.
    """

    def __init__(self, lines):
        self._lines = lines

    def close(self):
        self._lines.close()

    def get(self, handle, default=None):
        lines, prefix = self._lines, handle.encode("utf-8") + b"\t"
        pos = first_at_or_after(
            lines.line_at,
            lines.size,
            prefix[:-1],
            lambda _start, line: line.partition(b"\t")[0],
        )
        rows = []
        while pos < lines.size:
            start, line = lines.line_at(pos)
            if not line.startswith(prefix):
                break
            _handle, root, tid, date = line.decode("utf-8").split("\t")
            rows.append((root, tid, date))
            pos = start + len(line) + 1
        return rows or default

    def __getitem__(self, handle):
        rows = self.get(handle)
        if rows is None:
            raise KeyError(handle)
        return rows

    def __contains__(self, handle):
        return self.get(handle) is not None

    def handles(self):
        """Every handle in the index, in order, for whoever asks about everyone (the
        people tasks, never the build): the whole index is read, and from then on held,
        so that their lookups of every handle that follow are not file reads."""
        data = self._lines.read(0, self._lines.size)
        self._lines.close()
        self._lines = _BytesLines(data)
        return sorted(
            {line.split(b"\t", 1)[0].decode("utf-8") for line in data.splitlines()}
        )


class _InMemoryIndex:
    """The index rebuilt in memory, when the one on disk is stale (slow, warned)."""

    def __init__(self, store):
        owner = store.owner()
        self.records, facts, self.shard_rows = {}, [], []
        for path in store.shard_paths():
            ids = []
            for lineno, tid, line in store.iter_lines(path):
                record = decode(line, path, lineno)
                self.records[tid] = record
                facts.append(facts_of(record, owner))
                ids.append(tid)
            if ids:
                size = path.stat().st_size
                self.shard_rows.append(
                    (path.name, len(ids), id_key(ids[0]), id_key(ids[-1]), size)
                )
        self.index, _newest = build_index(facts, self.shard_rows, owner)
