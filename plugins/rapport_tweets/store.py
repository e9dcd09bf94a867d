"""The tweet store: its on-disk format, atomic writes, merging, and fast lookups.

Layout of a store folder (see README.md there for the why)::

    meta.json              owner and the newest ids, for incremental fetches
    forgotten.txt          ids hidden for good (`invoke tweets.forget`), one a line
    tweets/<year>.jsonl    one tweet a line, sorted by id, fixed key order, id first
    media/<id>-<file>      photos of stored tweets
    index/shards.tsv       per shard: line count, smallest and largest id, byte size
    index/highlights.tsv   per year and kind, the owner's most engaging tweets
    index/people.tsv       per handle, the tweets between the owner and that person

The index files are derived: import, fetch and forget rewrite them, so that a build
reads only the tweets it publishes (binary search in the memory-mapped shards).
"""

from __future__ import annotations

import contextlib
import heapq
import json
import logging
import os
import re
import tempfile
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from .entities import placed

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt

log = logging.getLogger(__name__)

FORMAT = 1
# Top-level fields in the order they are written; `id` first so that a line's id can
# be read without parsing the line (binary search in shards).
FIELDS = (
    "id",
    "created_at",
    "user_id",
    "handle",
    "name",
    "text",
    "display",
    "reply_to_id",
    "reply_to_user_id",
    "reply_to_handle",
    "conversation_id",
    "quote_of",
    "retweet",
    "likes",
    "retweets",
    "replies",
    "quotes",
    "lang",
    "mentions",
    "hashtags",
    "urls",
    "media",
)
_FIELD_SET = frozenset(FIELDS)
_ID_PREFIX = b'{"id":"'
# The highlights index keeps this many candidates per year and kind; more than any
# sensible TWEETS_TOP_PER_YEAR, and a larger setting falls back to a full scan.
HIGHLIGHT_CANDIDATES = 50
# Kinds of owner tweets in the highlights index.
ORIGINAL, REPLY, RETWEET = "original", "reply", "retweet"


class StoreError(Exception):
    """The store is unreadable, inconsistent or busy; the message says how to fix it."""


class BadRecord(ValueError):
    """A tweet record that would not make a valid store line (encode refuses it)."""


# --------------------------------------------------------------------------- lines


def _empty(value):
    return not value  # None, False, 0, "", [] and {} are left out of a line


def _entry(entity):
    # Entities and media are flat dicts; inside them a 0 is meaningful (an offset).
    return {k: v for k, v in sorted(entity.items()) if v is not None and v != ""}


def encode(record):
    """One store line (no newline) for a tweet record: deterministic, fixed key order."""
    try:
        names = sorted(record, key=_ORDER.__getitem__)
    except KeyError:
        unknown = record.keys() - _FIELD_SET
        raise BadRecord(f"unknown tweet fields: {sorted(unknown)}") from None
    ordered = {}
    plain = True  # so far, the quick check vouches for the line (see _plainly_valid)
    for name in names:
        value = record[name]
        if value:
            kind = _PLAIN_TYPES.get(name)
            if kind is not None:
                plain = plain and type(value) is kind
            elif name in _ENTITY_CHECKS and type(value) is list:
                value = [_entry(e) if type(e) is dict else e for e in value]
                plain = plain and _plain_entities(name, value)
            else:
                plain = plain and name == "display" and _plain_display(value)
            ordered[name] = value
    # Never write a line that decode() would refuse: problem() says why, when the
    # quick check of exact types cannot vouch for the record.
    if not (plain and _plain_id_and_date(ordered)):
        why = problem(ordered)
        if why:
            raise BadRecord(f"tweet record {str(record.get('id'))[:30]!r}: {why}")
    return encode_line(ordered)


_ORDER = {name: n for n, name in enumerate(FIELDS)}


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
# What _ENCODER.encode(obj) does for a dict, without its Python layers (one call per
# stored tweet): the C encoder with the same settings; pure Python where there is none.
_MARKERS = {}  # the C encoder's circular-reference check, as encode() makes it
_C_ENCODER = json.encoder.c_make_encoder and json.encoder.c_make_encoder(
    _MARKERS, _ENCODER.default, json.encoder.encode_basestring, None, ":", ",",
    False, False, True,
)  # fmt: skip


def encode_line(obj):
    """_ENCODER.encode(obj) for a dict: the same text, or the same error."""
    if _C_ENCODER is None:
        return _ENCODER.encode(obj)
    try:
        return "".join(_C_ENCODER(obj, 0))
    except BaseException:
        _MARKERS.clear()  # a failed encode may leave its objects in the check
        raise


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


_STR = (lambda v: isinstance(v, str), "a string")
_INT = (_is_int, "a whole number")


def is_media_name(value):
    """True for a plain file name inside media/ ("123-abc.jpg"): not empty, not "." or
    "..", no slash, backslash, drive colon or NUL, so it can never reach another file
    of the store (index/people.tsv) or of the disk when the build copies it."""
    return (
        isinstance(value, str)
        and value not in ("", ".", "..")
        and not any(c in value for c in "/\\:\0")
    )


# A media `file` is checked by problem(), never by the quick check of exact types.
_MEDIA_FILE = (is_media_name, "a plain file name inside media/ (no folder or '..')")
# The type of each field a line may hold besides id and created_at.
_FIELD_CHECKS = {
    **dict.fromkeys(
        (
            "user_id",
            "handle",
            "name",
            "text",
            "reply_to_id",
            "reply_to_user_id",
            "reply_to_handle",
            "conversation_id",
            "quote_of",
            "lang",
        ),
        _STR,
    ),
    **dict.fromkeys(("likes", "retweets", "replies", "quotes"), _INT),
    "retweet": (lambda v: isinstance(v, bool), "true or false"),
    "display": (
        lambda v: isinstance(v, list) and len(v) == 2 and all(map(_is_int, v)),
        "[start, end]",
    ),
}
# Per entity list: the types of its entries' fields, and the fields each must have.
_ENTITY_CHECKS = {
    "mentions": ({"start": _INT, "end": _INT, "handle": _STR, "id": _STR}, ("handle",)),
    "hashtags": ({"start": _INT, "end": _INT, "tag": _STR}, ("tag",)),
    "urls": (
        {"start": _INT, "end": _INT, "url": _STR, "expanded": _STR, "display": _STR},
        (),
    ),
    "media": (
        {
            "start": _INT,
            "end": _INT,
            "width": _INT,
            "height": _INT,
            **dict.fromkeys(("type", "alt", "url", "expanded", "remote"), _STR),
            "file": _MEDIA_FILE,
        },
        (),
    ),
}


# For _plainly_valid: the exact type of each field whose problem() check is a type test,
# and per entity list, the exact types of its entries' checked fields.
_PLAIN_TYPES = {
    **dict.fromkeys(("id", "created_at"), str),
    **{name: str for name, check in _FIELD_CHECKS.items() if check is _STR},
    **{name: int for name, check in _FIELD_CHECKS.items() if check is _INT},
    "retweet": bool,
}
_PLAIN_ENTITIES = {
    name: (
        {key: {_STR: str, _INT: int}.get(check) for key, check in fields.items()},
        needed,
    )
    for name, (fields, needed) in _ENTITY_CHECKS.items()
}


def _plainly_valid(record):
    """True only if problem(record) is None, judged quickly by exact types (a str, an
    int that is no bool); False means "ask problem()", not "invalid". encode() makes
    the same checks as it builds the line."""
    for name, value in record.items():
        kind = _PLAIN_TYPES.get(name)
        if kind is not None:
            if type(value) is not kind:
                return False
        elif name in _PLAIN_ENTITIES:
            if not _plain_entities(name, value):
                return False
        elif name != "display" or not _plain_display(value):
            return False
    return _plain_id_and_date(record)


def _plain_entities(name, value):
    if type(value) is not list:
        return False
    types, needed = _PLAIN_ENTITIES[name]
    for entity in value:
        if type(entity) is not dict:
            return False
        for key, item in entity.items():
            # A key whose check is no type test (None here) is left to problem().
            if key in types and type(item) is not types[key]:
                return False
        for key in needed:
            if key not in entity:
                return False
    return True


def _plain_display(value):
    return (
        type(value) is list
        and len(value) == 2
        and type(value[0]) is int
        and type(value[1]) is int
    )


def _plain_id_and_date(record):
    tid, created = record.get("id"), record.get("created_at")
    if not (tid and tid.isascii() and tid.isdigit() and created and created.isascii()):
        return False
    if not _DATE.fullmatch(created):
        return False
    try:
        datetime.fromisoformat(created[:19])
    except ValueError:
        return False
    return True


def problem(record):
    """What is wrong with a decoded store line ("field 'x' is not ..."), or None.

    Checked so that a hand-edited line fails here, naming its line and field, rather
    than deep inside the index or the card renderer."""
    if not isinstance(record, dict) or not str(record.get("id", "")).isdigit():
        return "not a tweet record (no numeric 'id')"
    if not isinstance(record["id"], str) or not record["id"].isascii():
        return "field 'id' is not a string of digits"
    created = record.get("created_at")
    if not isinstance(created, str) or not _DATE.fullmatch(created):
        return "field 'created_at' is not a date like 2023-02-18T12:33:11Z"
    try:
        datetime.fromisoformat(created[:19])
    except ValueError:
        return f"field 'created_at' {created!r} is not a real date"
    for name, value in record.items():
        if name in ("id", "created_at"):
            continue
        if name in _ENTITY_CHECKS:
            why = _entities_problem(name, value)
            if why:
                return why
            continue
        check = _FIELD_CHECKS.get(name)
        if check is None:
            return f"unknown field {name!r}"
        if not check[0](value):
            return f"field {name!r} is not {check[1]}"
    return None


def _entities_problem(name, value):
    if not isinstance(value, list):
        return f"field {name!r} is not a list"
    fields, required = _ENTITY_CHECKS[name]
    for n, entity in enumerate(value, 1):
        if not isinstance(entity, dict):
            return f"{name} entry {n} is not an object"
        for key in required:
            if key not in entity:
                return f"{name} entry {n} has no {key!r}"
        for key, item in entity.items():
            check = fields.get(key)
            if check is not None and not check[0](item):
                return f"{name} entry {n}: {key!r} is not {check[1]}"
    return None


def decode(line, path, lineno):
    """The record of a store line (str, or UTF-8 bytes); a clear StoreError naming the
    file and line if it is not a valid tweet record."""
    try:
        record = json.loads(line)
    except ValueError as err:
        raise StoreError(
            f"{path}, line {lineno}: not valid JSON ({err}). Fix or delete that line "
            "(git diff shows what changed), then run `invoke tweets.reindex`."
        ) from None
    why = problem(record)
    if why:
        raise StoreError(
            f"{path}, line {lineno}: {why}. Fix or delete that line (git diff shows "
            "what changed), then run `invoke tweets.reindex`."
        )
    return record


def line_id(line):
    """The id of a store line, read from its fixed prefix (no JSON parsing)."""
    if line.startswith('{"id":"'):
        end = line.find('"', 7)
        if end > 7:
            return line[7:end]
    return None


def merge(old, new):
    """`old` updated with the non-empty fields of `new` (an archive and an API copy)."""
    merged = dict(old)
    if new.get("text"):
        # Offsets point into their own text: a copy with a text brings its own display
        # range (none: the whole text), and with another text its own entities too.
        merged.pop("display", None)
        if new["text"] != old.get("text"):
            for name in ("mentions", "hashtags", "urls"):
                merged.pop(name, None)
            if old.get("media"):
                merged["media"] = placed(new["text"], "media", old["media"])
    for name, value in new.items():
        if _empty(value):
            continue
        if name == "media" and _has_files(old.get("media")) and not _has_files(value):
            continue  # the API knows no local file; keep the archive's photos
        merged[name] = value
    return merged


def _has_files(media):
    return bool(media) and any(m.get("file") for m in media)


def year_of(record):
    return record["created_at"][:4]


# --------------------------------------------------------------------------- writes
#
# An update writes each new file to a temp file beside it and fsyncs it, then commits
# them all at once: it writes a journal (.commit.json) listing every temp file with its
# final name and every file to remove, moves the files into place, and deletes the
# journal. Killed before the journal is in place, the store is the old one (the next
# update deletes the temp files); killed after, the next update or reader finishes the
# moves first (rolls forward). Either way the store is the old or the new one.

JOURNAL = ".commit.json"


def write_atomic(path, text):
    """Write `text` to `path` via a temp file, fsync and os.replace."""
    for tmp, final in _prepare(Path(path), text):
        os.replace(tmp, final)


def _prepare(path, text):
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


def _fsync_file(path):
    """Make a written file's data durable (it is closed: open it again to fsync)."""
    fd = os.open(path, os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _discard(pairs):
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
        journal = _prepare(root / JOURNAL, json.dumps(plan, indent=1) + "\n")
        os.replace(journal[0][0], root / JOURNAL)
    except BaseException:
        _discard([*pairs, *journal])
        raise
    _fsync_dir(root)  # from here on the commit happens, now or in the next run
    _roll_forward(root, plan)


def _relative(root, path):
    return Path(path).relative_to(root).as_posix()


def _read_plan(journal):
    plan = json.loads(journal.read_text(encoding="utf-8"))
    return {
        "replace": [(str(tmp), str(final)) for tmp, final in plan["replace"]],
        "remove": [str(name) for name in plan["remove"]],
    }


def _roll_forward(root, plan):
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


def _try_lock(fd):
    """Lock an open file without waiting; BlockingIOError if another process holds it.
    The OS drops the lock when the process ends."""
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    try:  # Windows: lock the first byte
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError as err:
        raise BlockingIOError(*err.args) from None


def _read_pid(fd):
    """The pid the lock holder wrote, for the message ('unknown' if unreadable)."""
    try:
        return os.pread(fd, 32, 0).decode("ascii").strip() or "unknown"
    except (OSError, UnicodeDecodeError, AttributeError):
        return "unknown"


# --------------------------------------------------------------------------- facts


class Facts(NamedTuple):
    """What the derived index needs to know about one tweet (small: kept for 100k; a
    named tuple, quicker to make and read than a frozen dataclass)."""

    id: int
    date: str
    by_owner: bool
    kind: str
    score: int
    reply_to: int | None
    handles: tuple  # lower-case handles this tweet links the owner with


def facts_of(record, owner):
    """The index facts of a record, given the owner ({"id", "handle"} or {})."""
    get = record.get
    return facts_from(
        record["id"],
        record["created_at"],
        owner,
        get("user_id"),
        get("handle") or "",
        get("reply_to_id"),
        get("reply_to_handle") or "",
        get("retweet"),
        get("mentions", ()),
        int(get("likes", 0)) + int(get("retweets", 0)),
    )


def facts_from(
    tid,
    created,
    owner,
    user_id,
    handle,
    reply_to,
    reply_handle,
    retweet,
    mentions,
    score,
):
    """facts_of() from a record's values (an import's fast path has them at hand)."""
    owner_handle = (owner.get("handle") or "").lower()
    handle = handle.lower()
    by_owner = bool(owner) and (
        user_id == owner.get("id") or (handle and handle == owner_handle)
    )
    reply_handle = reply_handle.lower()
    if retweet:
        kind = RETWEET
    elif reply_to and reply_handle != owner_handle:
        kind = REPLY
    else:
        kind = ORIGINAL
    if retweet or not owner_handle:
        handles = ()
    else:
        mentioned = {m["handle"].lower() for m in mentions}
        if reply_handle:
            mentioned.add(reply_handle)
        if by_owner:
            mentioned.discard(owner_handle)
            handles = tuple(sorted(mentioned))
        elif owner_handle in mentioned and handle:
            handles = (handle,)
        else:
            handles = ()
    return Facts(
        int(tid),
        created[:10],
        by_owner,
        kind,
        score,
        int(reply_to) if reply_to else None,
        handles,
    )


def _thread_roots(facts):
    """id -> thread key: the oldest stored ancestor, or the missing tweet it answers."""
    parent = {f.id: f.reply_to for f in facts}
    roots = {}
    for start, up in parent.items():
        # Most tweets answer none, or one that is not stored: their key at once.
        if up is None or up not in parent:
            if start not in roots:
                roots[start] = start if up is None else up
            continue
        chain, node = [], start
        while node in parent and node not in roots and len(chain) < 10_000:
            chain.append(node)
            up = parent[node]
            if up is None:
                break
            node = up
        root = roots.get(node, node)
        for n in chain:
            roots[n] = root
    return roots


def build_index(facts, shard_rows, owner):
    """The text of the three index files, from the facts of every stored tweet."""
    shards = "".join(
        f"{name}\t{count}\t{lo}\t{hi}\t{size}\n"
        for name, count, lo, hi, size in sorted(shard_rows)
    )
    by_group = defaultdict(list)
    newest_owner = newest_other = None
    for f in facts:
        if f.by_owner:
            by_group[(f.date[:4], f.kind)].append((f.score, f.id))
            if newest_owner is None or f.id > newest_owner:
                newest_owner = f.id
        elif newest_other is None or f.id > newest_other:
            newest_other = f.id
    rows = []
    for (year, kind), scored in sorted(by_group.items()):
        best = heapq.nlargest(HIGHLIGHT_CANDIDATES, scored, key=lambda s: (s[0], -s[1]))
        rows.extend(f"{year}\t{kind}\t{score}\t{tid}\n" for score, tid in best)
    people_facts = [f for f in facts if f.handles]
    roots = _thread_roots(facts) if people_facts else {}
    people = sorted(
        (handle, roots.get(f.id, f.id), f.id, f.date)
        for f in people_facts
        for handle in f.handles
    )
    people_text = "".join(f"{h}\t{r}\t{i}\t{d}\n" for h, r, i, d in people)
    newest = {
        "owner": None if newest_owner is None else str(newest_owner),
        "others": None if newest_other is None else str(newest_other),
    }
    return {
        "shards": shards,
        "highlights": "".join(rows),
        "people": people_text,
    }, newest


# --------------------------------------------------------------------------- store


@dataclass
class UpdateSummary:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    forgotten: int = 0
    removed: int = 0
    new_ids: list = field(default_factory=list)


class Store:
    """A tweet store folder: reading, locking, merging and atomic updates."""

    def __init__(self, root):
        self.root = Path(root)
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
            if not value.isdigit():
                raise StoreError(
                    f"{self.forgotten_path}, line {lineno}: {value!r} is not a tweet "
                    "id; each line holds one numeric id."
                )
            ids.add(value)
        return ids

    def shard_paths(self):
        if not self.tweets_dir.is_dir():
            return []
        return sorted(self.tweets_dir.glob("*.jsonl"))

    # -- reading everything (stats, reindex, updates)

    def iter_lines(self, path):
        """(lineno, id, line) for each line of one shard, checking the sort order."""
        previous = -1
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
                if tid is None or not tid.isdigit():
                    decode(line, path, lineno)  # raises with the JSON error if any
                    raise StoreError(
                        f"{path}, line {lineno}: the line must start with "
                        '\'{"id":"<digits>"\'. Fix it, then run `invoke tweets.reindex`.'
                    )
                if int(tid) <= previous:
                    raise StoreError(
                        f"{path}, line {lineno}: ids must be sorted and unique; "
                        f"{tid} comes after a larger or equal id. Run "
                        "`invoke tweets.reindex` to sort the store."
                    )
                previous = int(tid)
                yield lineno, tid, line

    def iter_records(self):
        """Every stored record, shard by shard, oldest first."""
        for path in self.shard_paths():
            for lineno, _tid, line in self.iter_lines(path):
                yield decode(line, path, lineno)

    # -- locking and updates

    @contextlib.contextmanager
    def lock(self):
        """Hold the store's lock for the duration of an update.

        The lock is an OS lock on the .lock file (flock), not the file's existence: the
        OS releases it when the process ends, killed or not, so a .lock left behind by a
        killed import never blocks the next run."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd = self._acquire()
        try:
            self._recover()
            yield
        finally:
            # Unlink while still holding it: a process that opened this file meanwhile
            # sees it is gone once it gets the lock, and locks a new one (_acquire).
            with contextlib.suppress(OSError):
                os.unlink(self.lock_path)
            os.close(fd)

    def _acquire(self):
        while True:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                _try_lock(fd)
            except BlockingIOError:
                holder = _read_pid(fd)
                os.close(fd)
                raise StoreError(
                    f"another import or fetch is running on {self.root} (pid "
                    f"{holder}); wait for it to finish, then run this again."
                ) from None
            except BaseException:
                os.close(fd)
                raise
            try:
                if os.path.samestat(os.fstat(fd), os.stat(self.lock_path)):
                    break
            except FileNotFoundError:
                pass
            os.close(fd)  # the holder removed the file we locked: lock the new one
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _recover(self):
        """With the lock held: finish a commit a killed process left half done, and
        delete the temp files of updates killed before their commit."""
        journal = self.root / JOURNAL
        if journal.exists():
            try:
                plan = _read_plan(journal)
            except (ValueError, KeyError, TypeError) as err:
                raise StoreError(
                    f"{journal}: the journal of an interrupted update is unreadable "
                    f"({err}). Restore the store with git (git checkout -- "
                    f"{self.root}), then delete {journal}."
                ) from None
            _roll_forward(self.root, plan)
        for folder in (self.root, self.tweets_dir, self.index_dir, self.media_dir):
            if folder.is_dir():
                for tmp in folder.glob(".*.tmp"):
                    tmp.unlink(missing_ok=True)

    def finish_interrupted_commit(self):
        """For readers: roll a commit left half done by a killed update forward, unless
        an update is running (it does that itself). None when the store is whole, else
        why it may not be."""
        if not (self.root / JOURNAL).exists():
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
                rows.append((name, int(count), int(lo), int(hi), int(size)))
        except ValueError:
            return None
        on_disk = {p.name: p.stat().st_size for p in self.shard_paths()}
        if on_disk != {r[0]: r[4] for r in rows}:
            return None
        return rows

    @contextlib.contextmanager
    def update(self):
        """Lock the store and yield an Update; its changes are written on success, and
        nothing of it (not even a staged photo) on failure."""
        with self.lock():
            update = Update(self)
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
        with self.update() as update:
            update.touch_all()


class Update:
    """Pending changes to a store: add records, forget ids, set the owner."""

    def __init__(self, store):
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
            for lineno, tid, line in store.iter_lines(path):
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

    def __contains__(self, tweet_id):
        return tweet_id in self._lines

    def __len__(self):
        return len(self._lines)

    def get(self, tweet_id):
        return self._record(tweet_id) if tweet_id in self._lines else None

    def _record(self, tweet_id):
        path, lineno = self._where.get(tweet_id, ("(this update)", "?"))
        return decode(self._lines[tweet_id], path, lineno)

    def add(self, record):
        """Merge one record; returns "new", "updated", "unchanged" or "forgotten"."""
        tid = record["id"]
        if tid in self.forgotten:
            self.summary.forgotten += 1
            return "forgotten"
        old_line = self._lines.get(tid)
        if old_line is not None:
            record = merge(self._record(tid), record)
        line = encode(record)
        if line == old_line:
            self.summary.unchanged += 1
            return "unchanged"
        shard = year_of(record)
        old_shard = self._year.get(tid)
        if old_shard and old_shard != shard:
            self._dirty.add(old_shard)
        self._lines[tid] = line
        self._year[tid] = shard
        self._dirty.add(shard)
        self._facts[tid] = facts_of(record, self.owner)
        if old_line is None:
            self.summary.new += 1
            self.summary.new_ids.append(tid)
            return "new"
        self.summary.updated += 1
        return "updated"

    def add_new(self, tid, shard, line, facts):
        """Add a tweet known to be neither stored nor forgotten, given as its line
        (exactly what encode() makes of its record), its year_of() and
        facts_of(record, self.owner): an import's fast path. Returns "new", as add()."""
        self._lines[tid] = line
        self._year[tid] = shard
        self._dirty.add(shard)
        self._facts[tid] = facts
        self.summary.new += 1
        self.summary.new_ids.append(tid)
        return "new"

    def add_file(self, path, write):
        """Stage a file of the store (a photo): `write(fh)` fills it (binary); it is
        put at `path` by the commit, and not at all if the update fails."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
        try:
            with os.fdopen(fd, "wb") as fh:
                write(fh)
        except BaseException:
            _discard([(tmp, path)])
            raise
        self._staged.append((tmp, path))
        self._removals.discard(path)
        # The fsync, which waits for the disk, runs in a thread while the import goes
        # on; the commit waits for every one (and fails with its error) before the
        # journal makes the staged files part of the store.
        if self._syncer is None:
            self._syncer = ThreadPoolExecutor(1, thread_name_prefix="store-fsync")
        self._syncs.append(self._syncer.submit(_fsync_file, tmp))

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
        _discard(self._staged)
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
                ids.sort(key=int)
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
                    pending += _prepare(path, data)
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
                pending += _prepare(self.store.index_dir / f"{name}.tsv", text)
            meta = {"format": FORMAT, "owner": owner, "newest": newest}
            meta_text = json.dumps(meta, indent=2, sort_keys=True, ensure_ascii=False)
            pending += _prepare(self.store.meta_path, meta_text + "\n")
            if self._forgotten_changed or self.forgotten:
                body = "".join(f"{i}\n" for i in sorted(self.forgotten, key=int))
                header = (
                    "# Tweets hidden for good (invoke tweets.forget). One id a line.\n"
                )
                pending += _prepare(self.store.forgotten_path, header + body)
        except BaseException:
            _discard(pending)
            raise
        emptied = [
            self.store.tweets_dir / f"{shard}.jsonl"
            for shard in sorted(self._dirty - set(by_shard))
        ] + sorted(self._removals)
        pending, self._staged = [*self._staged, *pending], []  # the journal's now
        commit_files(self.store.root, pending, emptied)
        self.meta = meta


# --------------------------------------------------------------------------- reader


class Reader:
    """Read-only, lazy access for the build: index files and lookups by id."""

    def __init__(self, root):
        self.store = Store(root)
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
        self._records = {}
        self._people = None
        self._fallback = None

    def close(self):
        for shard in self._maps.values():
            shard.close()
        self._maps.clear()

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
        """The stored record of `tweet_id` (str or int), or None."""
        tid = str(tweet_id)
        if tid in self._records:
            return self._records[tid]
        self._ensure()
        record = None
        if self._fallback is not None:
            record = self._fallback.records.get(tid)
        else:
            key = int(tid)
            for name, _count, lo, hi, _size in self._shards:
                if lo <= key <= hi:
                    record = self._search(name, key)
                    if record is not None:
                        break
        self._records[tid] = record
        return record

    def _search(self, name, key):
        if name not in self._maps:
            self._maps[name] = _ShardFile(self.store.tweets_dir / name)
        shard = self._maps[name]
        lo, hi = 0, shard.size
        # Invariant: the line holding `key`, if any, starts in [lo, hi).
        while lo < hi:
            mid = (lo + hi) // 2
            start, line = shard.line_at(mid)
            end = start + len(line)
            id_end = line.find(b'"', 7)
            if not line.startswith(_ID_PREFIX) or id_end < 0:
                raise StoreError(
                    f"{self.store.tweets_dir / name}: a line near byte {start} does not "
                    'start with \'{"id":"\'. Run `invoke tweets.reindex`.'
                )
            found = int(line[7:id_end])
            if found == key:
                try:
                    record = json.loads(line)
                except ValueError:  # not JSON, or not UTF-8
                    record = None
                if record is None or problem(record):
                    # count lines only to name the broken one
                    lineno = shard.read(0, start).count(b"\n") + 1
                    return decode(line, self.store.tweets_dir / name, lineno)
                return record
            if found < key:
                lo = end + 1
            else:
                hi = start
        return None

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
            text = self._fallback.index["people"]
        elif self._shards:
            text = self._index_text("people")
        else:
            text = ""
        self._people = _PeopleIndex(text)
        return self._people

    def iter_records(self):
        return self.store.iter_records()


class _ShardFile:
    """A year file read a block at a time with pread, for the binary search by id.

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


class _PeopleIndex:
    """people.tsv (sorted by handle), parsed one handle at a time.

    The build asks for its listed people only, while the index holds everyone the
    owner ever talked with: parsing all of it cost memory in proportion to the store.
    """

    def __init__(self, text):
        self._text = text
        self._cache = {}

    def _line_start(self, pos):
        return self._text.rfind("\n", 0, pos) + 1

    def _first_at_or_after(self, handle):
        """Offset of the first line whose handle is >= `handle`."""
        text, lo, hi = self._text, 0, len(self._text)
        # Invariant: that line starts in [lo, hi].
        while lo < hi:
            start = self._line_start((lo + hi) // 2)
            if start < lo:  # the middle is on the line that starts before lo
                start = lo
            tab = text.find("\t", start)
            if text[start:tab] < handle:
                end = text.find("\n", start)
                lo = len(text) if end < 0 else end + 1
            else:
                hi = start
        return lo

    def get(self, handle, default=None):
        if handle not in self._cache:
            text, rows = self._text, []
            pos, prefix = self._first_at_or_after(handle), handle + "\t"
            while text.startswith(prefix, pos):
                end = text.find("\n", pos)
                end = len(text) if end < 0 else end
                _handle, root, tid, date = text[pos:end].split("\t")
                rows.append((root, tid, date))
                pos = end + 1
            self._cache[handle] = rows
        return self._cache[handle] or default

    def __getitem__(self, handle):
        rows = self.get(handle)
        if rows is None:
            raise KeyError(handle)
        return rows

    def __contains__(self, handle):
        return self.get(handle) is not None

    def handles(self):
        """Every handle in the index, in order (for whoever asks about everyone)."""
        return sorted({line.split("\t", 1)[0] for line in self._text.splitlines()})


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
                    (path.name, len(ids), int(ids[0]), int(ids[-1]), size)
                )
        self.index, _newest = build_index(facts, self.shard_rows, owner)
