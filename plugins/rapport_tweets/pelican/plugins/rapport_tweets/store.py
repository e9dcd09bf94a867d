"""The tweet store: its folder, and updates to it (merging records, one commit).

Layout of a store folder (see README.md there for the why)::

    meta.json              owner and the newest ids, for incremental fetches
    forgotten.txt          ids hidden for good (`invoke tweets.forget`), one a line
    tweets/<year>.jsonl    one tweet a line, sorted by id, fixed key order, id first
    media/<id>-<file>      photos of stored tweets
    index/shards.tsv       per shard: line count, smallest and largest id, byte size
    index/highlights.tsv   per year and kind, the owner's most engaging tweets
    index/people.tsv       per handle, the tweets between the owner and that person

The index files are derived: import, fetch and forget rewrite them, so that a build
reads only the tweets it publishes (reader.py: a binary search in the year files).
What a line holds is record.py's; the index, index.py's; the commit, commit.py's.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import commit
from .index import build_index, facts_of
from .record import (
    BadRecord,
    StoreError,
    X,
    decode,
    encode,
    id_key,
    line_id,
    merge,
    network_of_id,
    year_of,
)

log = logging.getLogger(__name__)

FORMAT = 1


# --------------------------------------------------------------------------- store


@dataclass
class UpdateSummary:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    forgotten: int = 0
    removed: int = 0
    new_ids: list = field(default_factory=list)


def _twice(tid, where):
    return StoreError(
        f"{where}: post {tid} is stored twice. Delete one of the two lines (keep the "
        "newer), then run `invoke tweets.reindex`."
    )


class Store:
    """A tweet store folder: reading, locking, merging and atomic updates. It holds
    the posts of one `network` (networks.py says where each network's folder is)."""

    def __init__(self, root, network=X):
        self.root = Path(root)
        self.network = network
        self.tweets_dir = self.root / "tweets"
        self.media_dir = self.root / "media"
        self.index_dir = self.root / "index"
        self.meta_path = self.root / "meta.json"
        self.forgotten_path = self.root / "forgotten.txt"
        self.lock_path = self.root / ".lock"

    # -- small files

    def meta(self):
        """meta.json as a dict ({} for a new store)."""
        if not self.meta_path.exists():
            return {}
        try:
            return json.loads(self.meta_path.read_text(encoding="utf-8"))
        except ValueError as err:
            raise StoreError(
                f"{self.meta_path}: not valid JSON ({err}); restore it with git."
            ) from None

    def owner(self):
        return self.meta().get("owner") or {}

    def forgotten(self):
        """The set of forgotten ids (forgotten.txt; '#' starts a comment)."""
        if not self.forgotten_path.exists():
            return set()
        ids = set()
        text = self.forgotten_path.read_text(encoding="utf-8")
        for lineno, raw in enumerate(text.splitlines(), 1):
            value = raw.split("#", 1)[0].strip()
            if not value:
                continue
            if network_of_id(value) != self.network:
                raise StoreError(
                    f"{self.forgotten_path}, line {lineno}: {value[:80]!r} is not a "
                    f"post id of this store ({self.network}); each line holds one id."
                )
            ids.add(value)
        return ids

    def shard_paths(self):
        if not self.tweets_dir.is_dir():
            return []
        return sorted(self.tweets_dir.glob("*.jsonl"))

    # -- reading everything (stats, reindex, updates)

    def iter_lines(self, path, in_order=True):
        """(lineno, id, line) for each line of one shard, checking the sort order
        (unless `in_order` is False: reindex, which sorts them)."""
        previous = None
        with open(path, "rb") as fh:
            for lineno, raw in enumerate(fh, 1):
                try:
                    line = raw.decode("utf-8").rstrip("\n")
                except UnicodeDecodeError as err:
                    raise StoreError(
                        f"{path}, line {lineno}: not UTF-8 text ({err}). Fix or "
                        "delete that line, then run `invoke tweets.reindex`."
                    ) from None
                if not line:
                    continue
                tid = line_id(line)
                if tid is None or network_of_id(tid) != self.network:
                    decode(line, path, lineno)  # raises with the JSON error if any
                    raise StoreError(
                        f"{path}, line {lineno}: the line must start with "
                        f'\'{{"id":"<a {self.network} post id>"\'. Fix it, then run '
                        "`invoke tweets.reindex`."
                    )
                if in_order and previous is not None and id_key(tid) <= previous:
                    if id_key(tid) == previous:
                        raise _twice(tid, f"{path}, line {lineno}")
                    raise StoreError(
                        f"{path}, line {lineno}: ids must be sorted; {tid} comes "
                        "after a larger id. Run `invoke tweets.reindex` to sort the "
                        "store."
                    )
                previous = id_key(tid)
                yield lineno, tid, line

    def iter_records(self):
        """Every stored Tweet, shard by shard, oldest first."""
        for path in self.shard_paths():
            for lineno, _tid, line in self.iter_lines(path):
                yield decode(line, path, lineno)

    # -- locking and updates

    @contextlib.contextmanager
    def lock(self):
        """Hold the store's lock for the duration of an update (commit.locked: an OS
        lock, released when the process ends, killed or not)."""
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            with commit.locked(self.lock_path):
                self._recover()
                yield
        except commit.Busy as busy:
            raise StoreError(
                f"another import or fetch is running on {self.root} (pid "
                f"{busy.holder}); wait for it to finish, then run this again."
            ) from None

    def _recover(self):
        """With the lock held: finish a commit a killed process left half done, and
        delete the temp files of updates killed before their commit."""
        journal = self.root / commit.JOURNAL
        if journal.exists():
            try:
                plan = commit.read_plan(journal)
            except (ValueError, KeyError, TypeError) as err:
                raise StoreError(
                    f"{journal}: the journal of an interrupted update is unreadable "
                    f"({err}). Restore the store with git (git checkout -- "
                    f"{self.root}), then delete {journal}."
                ) from None
            commit.roll_forward(self.root, plan)
        for folder in (self.root, self.tweets_dir, self.index_dir, self.media_dir):
            if folder.is_dir():
                for tmp in folder.glob(".*.tmp"):
                    tmp.unlink(missing_ok=True)

    def finish_interrupted_commit(self):
        """For readers: roll a commit left half done by a killed update forward, unless
        an update is running (it does that itself). None when the store is whole, else
        why it may not be."""
        if not (self.root / commit.JOURNAL).exists():
            return None
        try:
            with self.lock():
                return None
        except (StoreError, OSError) as err:
            return str(err)

    def index_rows(self):
        """The shard table of the index, or None when it is missing or out of date
        (a shard's size differs: edited by hand, or written without its index)."""
        names = ("shards", "highlights", "people")
        if not all((self.index_dir / f"{n}.tsv").exists() for n in names):
            return None
        rows = []
        try:
            text = (self.index_dir / "shards.tsv").read_text(encoding="utf-8")
            for raw in text.splitlines():
                name, count, lo, hi, size = raw.split("\t")
                rows.append((name, int(count), id_key(lo), id_key(hi), int(size)))
        except ValueError:
            return None
        on_disk = {p.name: p.stat().st_size for p in self.shard_paths()}
        if on_disk != {r[0]: r[4] for r in rows}:
            return None
        return rows

    @contextlib.contextmanager
    def update(self, resort=False):
        """Lock the store and yield an Update; its changes are written on success, and
        nothing of it (not even a staged photo) on failure. With `resort`, shards out
        of order are read (and written sorted)."""
        with self.lock():
            update = Update(self, resort)
            try:
                yield update
                update.commit()
            finally:
                update.discard()

    def empty(self):
        """Empty the store (tweets, owner, photos) as one commit; forgotten ids stay.
        Returns how many tweets it held. For a new site, before its owner's import."""
        with self.update() as update:
            update.clear()
        return update.summary.removed

    def reindex(self):
        """Rewrite the derived index (and resort shards) from the stored lines."""
        with self.update(resort=True) as update:
            update.touch_all()


class Update:
    """Pending changes to a store: add records, forget ids, set the owner."""

    def __init__(self, store, resort=False):
        self.store = store
        self.meta = store.meta()
        self.forgotten = store.forgotten()
        self.summary = UpdateSummary()
        self._lines = {}  # id -> line, for every stored tweet
        self._facts = {}  # id -> Facts, for records parsed or added in this update
        self._dirty = set()  # shard names to rewrite
        self._year = {}  # id -> shard name
        self._forgotten_changed = False
        self._all_dirty = False
        self._where = {}  # id -> (file, line number) of lines read from disk
        self._staged = []  # (temp file, final path) of files added with add_file
        self._removals = set()  # store files (photos) the commit deletes
        self._syncer = None  # a thread that fsyncs staged files meanwhile
        self._syncs = []  # its pending fsyncs (futures)
        for path in store.shard_paths():
            for lineno, tid, line in store.iter_lines(path, in_order=not resort):
                if tid in self._lines:
                    first, at = self._where[tid]
                    raise _twice(tid, f"{first}, line {at}, and {path}, line {lineno}")
                self._lines[tid] = line
                self._year[tid] = path.stem
                self._where[tid] = (path, lineno)

    @property
    def owner(self):
        return self.meta.get("owner") or {}

    def set_owner(self, owner):
        """Record the archive's owner ({"id", "handle", "name"})."""
        clean = {k: v for k, v in owner.items() if v}
        if clean and clean != self.owner:
            self.meta["owner"] = {**self.owner, **clean}
            self._all_dirty = True
            self._facts.clear()  # facts depend on who the owner is: recompute them

    def clear(self):
        """Empty the store in this update: every tweet, the owner and every photo go
        (on commit, as one). Forgotten ids stay: forgetting is for good."""
        self.summary.removed += len(self._lines)
        self._dirty.update(self._year.values())
        for mapping in (self._lines, self._year, self._facts, self._where):
            mapping.clear()
        self.meta = {k: v for k, v in self.meta.items() if k not in ("owner", "newest")}
        self._all_dirty = True
        if self.store.media_dir.is_dir():
            self._removals.update(
                p for p in self.store.media_dir.iterdir() if p.is_file()
            )

    def has_file(self, path, size):
        """Whether the store keeps a file of `size` bytes at `path` after this update."""
        path = Path(path)
        return (
            path not in self._removals
            and path.is_file()
            and path.stat().st_size == size
        )

    def touch_all(self):
        self._all_dirty = True
        self._dirty.update(self._year.values())

    def __len__(self):
        return len(self._lines)

    def ids(self):
        """The ids the store holds in this update (no record is parsed)."""
        return self._lines.keys()

    def get(self, tweet_id):
        """The stored Tweet of `tweet_id` in this update, or None (bluesky.fetch adds
        its downloaded images to posts stored or just added)."""
        return self._record(tweet_id) if tweet_id in self._lines else None

    def _record(self, tweet_id):
        path, lineno = self._where.get(tweet_id, ("(this update)", "?"))
        return decode(self._lines[tweet_id], path, lineno)

    def add(self, tweet):
        """Merge one Tweet; returns "new", "updated", "unchanged" or "forgotten"."""
        tid = tweet.id
        if tweet.network != self.store.network:
            raise BadRecord(
                f"tweet record {tid[:80]!r}: a {tweet.network} post cannot go into "
                f"the {self.store.network} store"
            )
        if tid in self.forgotten:
            self.summary.forgotten += 1
            return "forgotten"
        old_line = self._lines.get(tid)
        if old_line is not None:
            tweet = merge(self._record(tid), tweet)
        line = encode(tweet)
        if line == old_line:
            self.summary.unchanged += 1
            return "unchanged"
        shard = year_of(tweet)
        old_shard = self._year.get(tid)
        if old_shard and old_shard != shard:
            self._dirty.add(old_shard)
        self._lines[tid] = line
        self._year[tid] = shard
        self._dirty.add(shard)
        self._facts[tid] = facts_of(tweet, self.owner)
        if old_line is None:
            self.summary.new += 1
            self.summary.new_ids.append(tid)
            return "new"
        self.summary.updated += 1
        return "updated"

    def add_file(self, path, write):
        """Stage a file of the store (a photo): `write(fh)` fills it (binary); it is
        put at `path` by the commit, and not at all if the update fails."""
        path = Path(path)
        tmp = commit.staged(path, write, sync=False)
        self._staged.append((tmp, path))
        self._removals.discard(path)
        # The fsync, which waits for the disk, runs in a thread while the import goes
        # on; the commit waits for every one (and fails with its error) before the
        # journal makes the staged files part of the store.
        if self._syncer is None:
            self._syncer = ThreadPoolExecutor(1, thread_name_prefix="store-fsync")
        self._syncs.append(self._syncer.submit(commit.fsync_file, tmp))

    def _wait_for_syncs(self):
        """Wait for the staged files' fsyncs; the first error, if any, is raised."""
        syncs, self._syncs = self._syncs, []
        for sync in syncs:
            sync.result()

    def discard(self):
        """Delete the staged files of an update that will not be committed."""
        if self._syncer is not None:
            self._syncer.shutdown(wait=True)
            self._syncer = None
        self._syncs = []
        commit.discard(self._staged)
        self._staged = []

    def forget(self, tweet_id):
        """Hide a tweet for good: drop it and remember its id."""
        if tweet_id not in self.forgotten:
            self.forgotten.add(tweet_id)
            self._forgotten_changed = True
        if tweet_id in self._lines:
            self._dirty.add(self._year.pop(tweet_id))
            del self._lines[tweet_id]
            self._facts.pop(tweet_id, None)
            self.summary.removed += 1

    def commit(self):
        """Write changed shards, the index, meta and staged files as one commit."""
        self._wait_for_syncs()
        changed = self._dirty or self._all_dirty or self._forgotten_changed
        if (
            not changed
            and not self._staged
            and not self._removals
            and self.meta == self.store.meta()
            and self.store.index_rows() is not None  # else rewrite a stale index
        ):
            return
        by_shard = defaultdict(list)
        for tid, shard in self._year.items():
            by_shard[shard].append(tid)
        pending = []
        try:
            shard_rows, facts = [], []
            owner = self.owner
            for shard, ids in sorted(by_shard.items()):
                ids.sort(key=id_key)
                lines = self._lines
                data = ("\n".join([lines[i] for i in ids]) + "\n").encode("utf-8")
                path = self.store.tweets_dir / f"{shard}.jsonl"
                size = len(data)
                # A shard edited by hand (a blank line, say) is rewritten, so that the
                # index written now matches it.
                if (
                    shard in self._dirty
                    or not path.exists()
                    or path.stat().st_size != size
                ):
                    pending += commit.write_temp(path, data)
                shard_rows.append((f"{shard}.jsonl", len(ids), ids[0], ids[-1], size))
                known = list(map(self._facts.get, ids))
                if None in known:  # lines read from disk, or the owner changed
                    known = [
                        facts_of(self._record(tid), owner) if fact is None else fact
                        for tid, fact in zip(ids, known, strict=True)
                    ]
                facts += known
            index, newest = build_index(facts, shard_rows, owner)
            for name, text in index.items():
                pending += commit.write_temp(self.store.index_dir / f"{name}.tsv", text)
            # Other keys (a source's own cursors, such as Mastodon's) are kept.
            meta = {**self.meta, "format": FORMAT, "owner": owner, "newest": newest}
            meta_text = json.dumps(meta, indent=2, sort_keys=True, ensure_ascii=False)
            pending += commit.write_temp(self.store.meta_path, meta_text + "\n")
            if self._forgotten_changed or self.forgotten:
                body = "".join(f"{i}\n" for i in sorted(self.forgotten, key=id_key))
                header = (
                    "# Tweets hidden for good (invoke tweets.forget). One id a line.\n"
                )
                pending += commit.write_temp(self.store.forgotten_path, header + body)
        except BaseException:
            commit.discard(pending)
            raise
        emptied = [
            self.store.tweets_dir / f"{shard}.jsonl"
            for shard in sorted(self._dirty - set(by_shard))
        ] + sorted(self._removals)
        pending, self._staged = [*self._staged, *pending], []  # the journal's now
        commit.commit_files(self.store.root, pending, emptied)
        self.meta = meta
