"""Read an X (Twitter) archive, zip or extracted folder, into store records.

Each format variant has a small named function below, and a fixture in
tests/fixtures/archives/build.py. A tweet file is read as bytes and parsed with
msgspec a megabyte piece at a time (`load_items`), each item let go once stored, so
the parsed archive never sits in memory. Where msgspec refuses a piece, the file's
text is read item by item from there (json.JSONDecoder.raw_decode, `iter_items`), which
accepts a little more and names the line at fault. Anything unexpected is an
ArchiveError (nothing is written) or a counted warning.
"""

from __future__ import annotations

import codecs
import html
import json
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import msgspec

from .entities import place, placed, reply_start
from .record import BadRecord, is_media_name
from .store import Store


class ArchiveError(Exception):
    """The archive cannot be imported; the message names the file and the fix."""


class BadItem(ValueError):
    """One archive item cannot be stored; the import skips it with a counted warning."""


# --------------------------------------------------------------------------- sources


# What reading an archive member can raise: OSError (a folder's file gone), and for
# damaged or unusual zips BadZipFile (bad headers, CRC), zlib.error (damaged deflate
# data), EOFError (cut short), NotImplementedError (a compression method zipfile lacks:
# Deflate64, which Windows' built-in zip writes for large files), RuntimeError (an
# encrypted member).
_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    OSError,
)
_CHUNK = 1 << 20


def _zip_advice(err):
    """What to do about a zip that zipfile cannot read."""
    if isinstance(err, NotImplementedError):
        return (
            "it uses a compression method Python cannot read (such as Deflate64, "
            "which Windows uses for large zips). Extract the zip and pass the folder."
        )
    if isinstance(err, RuntimeError):
        return "it is encrypted. Extract it with its password and pass the folder."
    return (
        "the zip may be truncated or damaged. Download the archive again, or pass "
        "its extracted folder."
    )


def _copy_stream(src, out, unreadable):
    """Copy file object `src` to `out`; a read error becomes `unreadable(err)`, a write
    error (the store's disk) stays an OSError."""
    while True:
        try:
            chunk = src.read(_CHUNK)
        except _READ_ERRORS as err:
            raise unreadable(err) from None
        if not chunk:
            return
        out.write(chunk)


class _Folder:
    """An extracted archive folder."""

    def __init__(self, path):
        self.path = Path(path)
        self.label = str(path)
        self.names = {
            p.relative_to(self.path).as_posix()
            for p in self.path.rglob("*")
            if p.is_file()
        }

    def _unreadable(self, name, err):
        # The usual cause: the folder was moved or deleted while the import ran.
        return ArchiveError(
            f"{self.path / name}: cannot be read ({err}). Keep the archive folder in "
            "place until the import ends, then run it again."
        )

    def read_text(self, name):
        try:
            return (self.path / name).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as err:
            raise self._unreadable(name, err) from None

    def read_bytes(self, name):
        try:
            return (self.path / name).read_bytes()
        except OSError as err:
            raise self._unreadable(name, err) from None

    def size(self, name):
        try:
            return (self.path / name).stat().st_size
        except OSError as err:
            raise self._unreadable(name, err) from None

    def copy(self, name, out):
        try:
            src = open(self.path / name, "rb")  # noqa: SIM115 (closed below)
        except OSError as err:
            raise self._unreadable(name, err) from None
        with src:
            _copy_stream(src, out, lambda err: self._unreadable(name, err))


class _Zip:
    """An archive zip as downloaded from X."""

    def __init__(self, path):
        self.label = str(path)
        try:
            self.zip = zipfile.ZipFile(path)
            self.infos = {i.filename: i for i in self.zip.infolist() if not i.is_dir()}
        except (*_READ_ERRORS, ValueError) as err:
            raise ArchiveError(
                f"{path}: not a readable zip ({err}); {_zip_advice(err)}"
            ) from None
        self.names = set(self.infos)

    def _unreadable(self, name, err):
        return ArchiveError(
            f"{self.label}: {name} cannot be read ({err}); {_zip_advice(err)}"
        )

    def read_text(self, name):
        try:
            return self.zip.read(name).decode("utf-8-sig")
        except _READ_ERRORS as err:
            raise self._unreadable(name, err) from None
        except UnicodeDecodeError as err:
            raise ArchiveError(
                f"{self.label}: {name} cannot be read ({err}); it is not UTF-8 text. "
                "Download the archive again."
            ) from None

    def read_bytes(self, name):
        try:
            return self.zip.read(name)
        except _READ_ERRORS as err:
            raise self._unreadable(name, err) from None

    def size(self, name):
        return self.infos[name].file_size

    def copy(self, name, out):
        try:
            src = self.zip.open(name)
        except _READ_ERRORS as err:
            raise self._unreadable(name, err) from None
        with src:
            _copy_stream(src, out, lambda err: self._unreadable(name, err))


def _open_source(path):
    path = Path(path).expanduser()
    if not path.exists():
        raise ArchiveError(
            f"{path}: no such file or folder; pass the archive zip or folder."
        )
    return _Folder(path) if path.is_dir() else _Zip(path)


# --------------------------------------------------------------------------- layout


_TWEET_FILE = re.compile(r"^(?:tweets?)(?:-part(\d+))?\.js$")


@dataclass
class Layout:
    """Where things are inside one archive."""

    base: str  # "" or "…/data/", the prefix of every data file
    tweet_files: list
    note_files: list
    account: str | None
    manifest: str | None
    media_dirs: list


def find_layout(source):
    """The archive's layout. Newer archives keep everything under data/ (tweets.js,
    tweets-part1.js, …, tweets_media/); older ones have tweet.js (and tweet_media/) at
    the top. Zips may add one enclosing folder. Anything else is an unknown layout."""
    candidates = {}
    for name in source.names:
        pure = PurePosixPath(name)
        if _TWEET_FILE.match(pure.name):
            prefix = str(pure.parent) + "/" if str(pure.parent) != "." else ""
            candidates.setdefault(prefix, []).append(name)
    if not candidates:
        sample = ", ".join(sorted(source.names)[:5]) or "nothing"
        raise ArchiveError(
            f"{source.label}: unknown archive layout: no data/tweets.js, "
            f"data/tweets-partN.js or tweet.js found (it holds {sample}). Pass the "
            "zip downloaded from x.com (Settings > Your account > Download an archive) "
            "or its extracted folder."
        )
    if len(candidates) > 1:
        raise ArchiveError(
            f"{source.label}: tweet files in several folders ({', '.join(sorted(candidates))}); "
            "pass one archive at a time."
        )
    base, files = next(iter(candidates.items()))

    def part(name):
        m = _TWEET_FILE.match(PurePosixPath(name).name)
        return (PurePosixPath(name).name.startswith("tweet."), int(m.group(1) or 0))

    def present(name):
        return base + name if base + name in source.names else None

    media_dirs = [
        base + d
        for d in ("tweets_media/", "tweet_media/")
        if any(n.startswith(base + d) for n in source.names)
    ]
    notes = sorted(
        n
        for n in source.names
        if re.fullmatch(re.escape(base) + r"note-tweet(-part\d+)?\.js", n)
    )
    return Layout(
        base=base,
        tweet_files=sorted(files, key=part),
        note_files=notes,
        account=present("account.js"),
        manifest=present("manifest.js"),
        media_dirs=media_dirs,
    )


# --------------------------------------------------------------------------- JS files

_ASSIGNMENT = re.compile(r"\s*window\.(?:YTD\.([\w]+)\.part(\d+)|__THAR_CONFIG)\s*=\s*")
_SEPARATOR = re.compile(r"\s*(,|\])\s*")
_DECODER = json.JSONDecoder()


def _where(text, pos):
    line = text.count("\n", 0, pos) + 1
    return f"line {line}"


def iter_items(text, label, on_progress=None):
    """Yield the items of `window.YTD.<name>.partN = [ … ]`, one decoded item at a time."""
    m = _ASSIGNMENT.match(text)
    if not m or m.group(1) is None:
        raise ArchiveError(
            f"{label}: does not start with 'window.YTD.<name>.partN = ['; not an X "
            "archive data file (or an unknown, newer format)."
        )
    pos = m.end()
    if text[pos : pos + 1] != "[":
        raise ArchiveError(
            f"{label}: expected '[' after the assignment ({_where(text, pos)})."
        )
    pos += 1
    m = _SEPARATOR.match(text, pos)
    if m and m.group(1) == "]":
        return
    yield from _items_from(text, pos, label, on_progress)


def _items_from(text, pos, label, on_progress=None):
    """iter_items from `pos`, the start of an item (or the space before it)."""
    count = 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        try:
            item, pos = _DECODER.raw_decode(text, pos)
        except ValueError as err:
            raise ArchiveError(
                f"{label}: unreadable at {_where(text, pos)} ({err.msg}); the file is "
                "damaged or truncated. Download the archive again."
            ) from None
        yield item
        count += 1
        if on_progress is not None and count % 500 == 0:
            on_progress(pos)
        m = _SEPARATOR.match(text, pos)
        if not m:
            raise ArchiveError(
                f"{label}: unreadable at {_where(text, pos)} (expected ',' or ']' after "
                "an item); the file is damaged or truncated. Download the archive again."
            )
        pos = m.end()
        if m.group(1) == "]":
            if on_progress is not None:
                on_progress(pos)
            return


# The common case of a data file's start, in bytes: a subset of what _ASSIGNMENT takes.
_ASSIGNMENT_BYTES = re.compile(
    rb"[ \t\r\n]*window\.YTD\.\w+\.part\d+[ \t\r\n]*=[ \t\r\n]*\["
)
# Between two items as X writes them; a file is parsed in pieces cut at its comma.
_ITEM_BREAK = b"\n  },\n  {"
_PIECE_BYTES = 1 << 20
_SPACE = re.compile(r"\s*")


def _list_span(data):
    """(first, end): the bytes between '[' and ']' of `window.YTD.<name>.partN = [ … ]`
    followed by nothing but white space; None for any other file."""
    begin = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    m = _ASSIGNMENT_BYTES.match(data, begin)
    if not m:
        return None
    end = len(data)
    while end > m.end() and data[end - 1] in b" \t\r\n":
        end -= 1
    if end <= m.end() or data[end - 1] != ord("]"):
        return None
    return m.end(), end - 1


def _load_piece(data, first, end):
    """The items of data[first:end], a run of comma-separated JSON values, or None.

    The piece is bracketed by the bytes around it (a '[' or ',' before, a ',' or ']'
    after), turned into '[' and ']' in one copy, which msgspec parses as bytes: no
    decoded copy of the text, and invalid UTF-8 is refused like any other damage."""
    piece = bytearray(memoryview(data)[first - 1 : end + 1])
    piece[0], piece[-1] = 0x5B, 0x5D  # "[", "]"
    try:
        return msgspec.json.decode(piece)
    except (msgspec.DecodeError, RecursionError):
        return None


def load_items(source, name, progress=None):
    """Yield the items of the data file `name` of `source`; `progress(done_bytes)` after
    each piece.

    The file is read as bytes and parsed with msgspec a piece of about a megabyte at
    a time, cut at the commas between items; each item is let go once yielded. Pieces
    that parse, joined by those commas, parse as the whole list (a JSON text has one
    parse), so this yields what `iter_items` yields from the file's text. Where a piece
    does not parse (other formatting, damage), `iter_items` takes over from the start
    of that piece: it accepts a little more and names the line at fault."""
    data = source.read_bytes(name)
    span = _list_span(data)
    if span is None:
        yield from _items_by_text(source, name, None, len(data), progress)
        return
    first, end = span
    while True:
        stop = end
        if first + _PIECE_BYTES < end:
            cut = data.find(_ITEM_BREAK, first + _PIECE_BYTES, end)
            if cut >= 0:
                stop = cut + len(b"\n  }")
        items = _load_piece(data, first, stop)  # data[first - 1] is "[" or ","
        if items is None:
            at = None
            if first != span[0]:
                bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
                at = len(str(memoryview(data)[bom:first], "utf-8"))
            size = len(data)
            del data
            yield from _items_by_text(source, name, at, size, progress)
            return
        for index in range(len(items)):
            item = items[index]
            items[index] = None
            yield item
            del item
        if progress:
            progress(stop + 1)
        if stop == end:
            return
        first = stop + 1  # past the comma


def _items_by_text(source, name, at, size, progress):
    """iter_items on the file's text, from its start or from character `at`."""
    text = source.read_text(name)
    on_progress = None
    if progress:
        chars = max(len(text), 1)

        def on_progress(pos):
            progress(size * pos // chars)

    if at is None:
        yield from iter_items(text, name, on_progress)
    else:
        yield from _items_from(text, _SPACE.match(text, at).end(), name, on_progress)


def _config(text, label):
    """manifest.js is `window.__THAR_CONFIG = { … }` (one object, not a list)."""
    m = _ASSIGNMENT.match(text)
    if not m:
        raise ArchiveError(f"{label}: not an X archive manifest.")
    try:
        value, _end = _DECODER.raw_decode(text, m.end())
    except ValueError as err:
        raise ArchiveError(f"{label}: unreadable ({err.msg}).") from None
    return value


# --------------------------------------------------------------------------- owner


def owner_from_account(items):
    """account.js: [{"account": {"accountId", "username", "accountDisplayName"}}]."""
    for item in items:
        account = item.get("account", item)
        if account.get("accountId"):
            return {
                "id": str(account["accountId"]),
                "handle": account.get("username", ""),
                "name": account.get("accountDisplayName", ""),
            }
    return {}


def owner_from_manifest(config):
    """manifest.js: {"userInfo": {"accountId", "userName", "displayName"}, …}."""
    info = config.get("userInfo", {})
    if not info.get("accountId"):
        return {}
    return {
        "id": str(info["accountId"]),
        "handle": info.get("userName", ""),
        "name": info.get("displayName", ""),
    }


def expected_files(config):
    """manifest.js lists every tweet file with its item count: {name: count}."""
    types = config.get("dataTypes", {})
    expected = {}
    for key in ("tweets", "tweet"):
        for entry in types.get(key, {}).get("files", []):
            expected[entry["fileName"]] = int(entry.get("count", 0))
    return expected


# --------------------------------------------------------------------------- tweets

_MONTHS = {
    m: i
    for i, m in enumerate(
        (
            "Jan",
            "Feb",
            "Mar",
            "Apr",
            "May",
            "Jun",
            "Jul",
            "Aug",
            "Sep",
            "Oct",
            "Nov",
            "Dec",
        ),
        1,
    )
}


def parse_created_at(value):
    """'Sat Feb 18 12:33:11 +0000 2023' -> '2023-02-18T12:33:11Z' (UTC).

    A date that does not exist (Feb 31, year -1) is a BadItem: stored, it would break
    the build far from its cause."""
    try:
        return _utc_iso(value)
    except (ValueError, OverflowError, AttributeError, TypeError):
        raise BadItem(
            f"its created_at {str(value)[:40]!r} is not a real date"
        ) from None


def _utc_iso(value):
    """The one parser of a tweet's date: the archive's form (split by hand, ~20x
    faster than strptime on 100k), any other offset, or ISO 8601 (the API)."""
    parts = value.split()
    if len(parts) == 6 and parts[4] == "+0000" and parts[1] in _MONTHS:
        hour, minute, second = parts[3].split(":")
        numbers = (parts[5], parts[2], hour, minute, second)
        if not all(n.isascii() and n.isdigit() for n in numbers):
            raise ValueError(value)
        year, day, hour, minute, second = map(int, numbers)
        moment = datetime(
            year, _MONTHS[parts[1]], day, hour, minute, second, tzinfo=UTC
        )
    else:
        try:
            moment = datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y")
        except ValueError:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if moment.tzinfo is None:  # no offset: UTC, never the importing machine's zone
            moment = moment.replace(tzinfo=UTC)
    # isoformat pads the year to four digits, which shard names and readers expect.
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat("T", "seconds") + "Z"


def tweet_from_wrapped(item):
    """Newer archives (2020 on): each item is {"tweet": {…}}."""
    return item["tweet"]


def tweet_from_bare(item):
    """Older archives: the tweet's fields are the item itself."""
    return item


def _tweet_of(item):
    if "tweet" in item and isinstance(item["tweet"], dict):
        return tweet_from_wrapped(item)
    return tweet_from_bare(item)


def _int(value):
    """Archives give numbers as strings ("12"); the API as ints."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def entities_v1(text, entities, extended, raw=None):
    """Archive/v1.1 entities -> our mentions, hashtags, urls, media (t.co) lists, placed
    in the unescaped `text` (`raw`: the full_text as the archive has it)."""
    mentions, hashtags, urls = [], [], []
    for m in entities.get("user_mentions", ()):
        handle = m.get("screen_name", "")
        s, e = (_int(i) for i in m.get("indices", (0, 0)))
        where = place(text, "@" + handle, s, e, raw)
        if where:
            mentions.append(
                {
                    "start": where[0],
                    "end": where[1],
                    "handle": handle,
                    "id": m.get("id_str", ""),
                }
            )
    for h in entities.get("hashtags", ()):
        s, e = (_int(i) for i in h.get("indices", (0, 0)))
        where = place(text, "#" + h.get("text", ""), s, e, raw)
        if where:
            hashtags.append(
                {"start": where[0], "end": where[1], "tag": h.get("text", "")}
            )
    for u in entities.get("urls", ()):
        s, e = (_int(i) for i in u.get("indices", (0, 0)))
        where = place(text, u.get("url", ""), s, e, raw)
        if where and u.get("url"):
            urls.append(
                {
                    "start": where[0],
                    "end": where[1],
                    "url": u["url"],
                    "expanded": u.get("expanded_url") or u["url"],
                    "display": u.get("display_url") or u["url"],
                }
            )
    media = extended.get("media") or entities.get("media") or ()
    return mentions, hashtags, urls, list(media)


def media_v1(tweet_id, items, media_names, copy):
    """Archive media entries -> stored media, copying each photo's file into the store."""
    out = []
    for m in items:
        kind = m.get("type", "photo")
        remote = m.get("media_url_https") or m.get("media_url") or ""
        basename = remote.rsplit("/", 1)[-1]
        entry = {
            "type": kind,
            "alt": m.get("ext_alt_text") or "",
            "url": m.get("url", ""),
            "expanded": m.get("expanded_url", ""),
        }
        size = m.get("sizes", {}).get("large") or {}
        if size:
            entry["width"], entry["height"] = _int(size.get("w")), _int(size.get("h"))
        file_name = f"{tweet_id}-{basename}"
        # Photos, and the poster frame of a video when the archive has it.
        source = media_names.get(file_name)
        if source and basename:
            if not is_media_name(file_name):
                raise BadItem(
                    "its photo's file name is not a plain file name (it holds a "
                    "backslash, a drive colon or NUL) and would leave the store's media "
                    "folder"
                )
            entry["file"] = copy(source, file_name)
        out.append(entry)
    return out


def tweet_id_of(tweet):
    """The tweet's id as canonical digits; BadItem if it is not a number."""
    tid = str(tweet["id_str"] if "id_str" in tweet else tweet["id"])
    # isdigit() alone accepts other scripts' digits ("١٢٣"), which no id holds.
    if not (tid.isascii() and tid.isdigit() and len(tid) <= 20):
        raise BadItem(f"its id {tid[:40]!r} is not a tweet id (digits, at most 20)")
    return str(int(tid))  # "007" and "7" are one tweet


def display_of(rng, text):
    """(display, cut) of a display_text_range: [start, end] to store, or None when it
    is the whole text; cut is True when the range ran past the text's end. Real
    archives hold such ranges (counted in the escaped text, or in UTF-16): the text is
    shown as far as it goes. BadItem when the range is not [start, end]."""
    if not rng:
        return None, False
    if not isinstance(rng, list) or len(rng) < 2:
        raise BadItem(f"its display_text_range {rng!r:.40} is not [start, end]")
    s, e = _int(rng[0]), _int(rng[1])
    cut = max(s, e) > len(text)
    if cut:
        s, e = min(s, len(text)), min(e, len(text))
        if s == e:
            s = 0
    return ([s, e] if (s, e) != (0, len(text)) else None), cut


def record_from_tweet(tweet, owner, media_names, copy, counts=None):
    """One archive tweet (unwrapped) -> a store record. `counts` (a Counter), when given,
    counts what was mended on the way: "display" for a display range cut to the text."""
    tid = tweet_id_of(tweet)
    get = tweet.get
    raw = get("full_text") or get("text") or ""
    text = html.unescape(raw)
    mentions, hashtags, urls, media = entities_v1(
        text, get("entities", {}), get("extended_entities", {}), raw
    )
    record = {
        "id": tid,
        "created_at": parse_created_at(tweet["created_at"]),
        "user_id": owner.get("id", ""),
        "handle": owner.get("handle", ""),
        "text": text,
        "reply_to_id": get("in_reply_to_status_id_str") or "",
        "reply_to_user_id": get("in_reply_to_user_id_str") or "",
        "reply_to_handle": get("in_reply_to_screen_name") or "",
        "retweet": text.startswith("RT @") or bool(get("retweeted_status")),
        "likes": _int(get("favorite_count")),
        "retweets": _int(get("retweet_count")),
        "lang": get("lang", ""),
        "mentions": mentions,
        "hashtags": hashtags,
        "urls": urls,
    }
    display, cut = display_of(get("display_text_range"), text)
    if display:
        record["display"] = display
    if cut and counts is not None:
        counts["display"] += 1
    if media:
        record["media"] = media_v1(tid, media, media_names, copy)
        for m, item in zip(record["media"], media, strict=True):
            s, e = (_int(i) for i in item.get("indices", (0, 0)))
            where = place(text, m["url"], s, e, raw)
            if where:
                m["start"], m["end"] = where
    return record


def note_key(created_at):
    return created_at[:19]


def notes_from_items(items):
    """note-tweet.js: [{"noteTweet": {"createdAt", "core": {"text", "urls", "mentions",
    "hashtags"}}}]. Items carry no tweet id: they are matched by time and text."""
    notes = {}
    for item in items:
        note = item.get("noteTweet", item)
        core = note.get("core", {})
        created = note.get("createdAt", "")
        if core.get("text") and created:
            notes.setdefault(note_key(created), []).append(core)
    return notes


_OPENING_HANDLES = re.compile(r"(?:@\w+\s+)+")
_CLOSING_LINKS = re.compile(r"(?:\s*https://t\.co/\S+)+$")


def _opening_words(text):
    """The first words a post shows, for matching a truncated post with its note: not
    the @handles a reply opens with (the truncated text has them, the note may not),
    nor the "…" and t.co links a truncated text ends with; white space as one space."""
    text = text.lstrip()
    opening = _OPENING_HANDLES.match(text)
    if opening:
        text = text[opening.end() :]
    text = _CLOSING_LINKS.sub("", text).rstrip().rstrip("…")
    return " ".join(text.split())[:40]


def apply_note(record, notes):
    """Replace a truncated long post's text with its whole note text, if one matches,
    and place every entity (the note's, and the tweet's photos) in that text."""
    candidates = notes.get(note_key(record["created_at"]))
    if not candidates:
        return False
    start = (record.get("display") or [0])[0]
    shown = _opening_words(record["text"][start:])
    if not shown:
        return False
    for core in candidates:
        raw = core["text"]
        text = html.unescape(raw)
        if not _opening_words(text).startswith(shown):
            continue
        ids = {m["handle"].lower(): m.get("id", "") for m in record["mentions"]}
        mentions = [
            {
                "start": _int(m["fromIndex"]),
                "end": _int(m["toIndex"]),
                "handle": m["screenName"],
                "id": ids.get(m["screenName"].lower(), ""),
            }
            for m in core.get("mentions", ())
        ]
        hashtags = [
            {"start": _int(h["fromIndex"]), "end": _int(h["toIndex"]), "tag": h["text"]}
            for h in core.get("hashtags", ())
        ]
        urls = []
        for u in core.get("urls", ()):
            short = u["shortUrl"]
            expanded = u.get("expandedUrl") or short
            s, e = _int(u["fromIndex"]), _int(u["toIndex"])
            # A note's text may show the link itself rather than its t.co form.
            where = place(text, short, s, e, raw) or place(text, expanded, s, e, raw)
            if where:
                urls.append(
                    {
                        "start": where[0],
                        "end": where[1],
                        "url": short,
                        "expanded": expanded,
                        "display": u.get("displayUrl") or short,
                    }
                )
        record["text"] = text
        record["mentions"] = placed(text, "mentions", mentions, raw)
        record["hashtags"] = placed(text, "hashtags", hashtags, raw)
        record["urls"] = urls
        # The photos' t.co links were in the truncated text, not in the note's.
        record["media"] = placed(text, "media", record.get("media", ()), raw)
        record.pop("display", None)
        if record.get("reply_to_id"):
            opening = reply_start(text, record["mentions"])
            if opening:
                record["display"] = [opening, len(text)]
        return True
    return False


# --------------------------------------------------------------------------- import


@dataclass
class FileSummary:
    name: str
    read: int = 0
    new: int = 0
    updated: int = 0
    skipped: int = 0
    media: int = 0


@dataclass
class ImportSummary:
    owner: dict
    files: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    total: int = 0  # tweets in the store afterwards
    replaced: dict | None = None  # with replace: {"owner", "tweets"} the store held

    def totals(self):
        t = FileSummary("total")
        for f in self.files:
            for name in ("read", "new", "updated", "skipped", "media"):
                setattr(t, name, getattr(t, name) + getattr(f, name))
        return t


def _scaled(progress, base, nbytes, total):
    """A progress callback taking a byte position in one file of `nbytes` bytes."""

    def on_progress(pos):
        progress(base + min(pos, nbytes), total)

    return on_progress


def _same_account(a, b):
    """Whether two owners ({"id", "handle"}) are one account, as far as they say."""
    if a.get("id") and b.get("id"):
        return str(a["id"]) == str(b["id"])
    return (a.get("handle") or "").lower() == (b.get("handle") or "").lower()


def import_archive(path, store_root, progress=None, replace=False):
    """Import an archive (zip or folder) into the store; returns an ImportSummary.

    An archive of another account than the store's owner is refused (ArchiveError),
    unless `replace`: then the store is emptied first, in the same commit.
    `progress(done_bytes, total_bytes)` is called now and then. Raises ArchiveError or
    StoreError, in which case the store is left as it was."""
    source = _open_source(path)
    layout = find_layout(source)
    owner, expected = {}, {}
    if layout.manifest:
        config = _config(source.read_text(layout.manifest), layout.manifest)
        owner = owner_from_manifest(config)
        expected = expected_files(config)
    if layout.account:
        owner = (
            owner_from_account(
                iter_items(source.read_text(layout.account), layout.account)
            )
            or owner
        )
    if not owner:
        raise ArchiveError(
            f"{source.label}: no account.js or manifest.js with the account id, so the "
            "owner of these tweets is unknown. Pass the whole archive, not a part of it."
        )
    summary = ImportSummary(owner=owner)
    root_prefix = (
        layout.base[: -len("data/")] if layout.base.endswith("data/") else layout.base
    )
    for listed in sorted(expected):
        if root_prefix + listed not in source.names:
            raise ArchiveError(
                f"{source.label}: {listed} is listed in manifest.js but missing from the "
                "archive; the download is incomplete. Download the archive again."
            )
    notes = {}
    for name in layout.note_files:
        notes.update(notes_from_items(iter_items(source.read_text(name), name)))

    media_names = {}
    for media_dir in layout.media_dirs:
        for name in source.names:
            if name.startswith(media_dir):
                media_names.setdefault(name[len(media_dir) :], name)

    store = Store(store_root)
    total_bytes = sum(source.size(n) for n in layout.tweet_files) or 1
    done_before = 0
    counts = Counter()  # what record_from_tweet mended, for one warning each
    with store.update() as update:
        copied = set()  # photos staged by this import

        def copy(src_name, file_name):
            """Stage a photo; it reaches media/ only with the update's commit."""
            dest = store.media_dir / file_name
            if file_name not in copied and not update.has_file(
                dest, source.size(src_name)
            ):
                update.add_file(dest, lambda out: source.copy(src_name, out))
                copied.add(file_name)
            return file_name

        held = len(update)
        if replace:
            summary.replaced = {"owner": update.owner, "tweets": held}
            update.clear()
        elif held and update.owner and not _same_account(update.owner, owner):
            raise ArchiveError(
                f"{source.label} is the archive of @{owner.get('handle') or owner['id']}, "
                f"but the tweet store {store.root} holds {held:,} tweets of "
                f"@{update.owner.get('handle') or update.owner.get('id')}; importing "
                "would mix two accounts. To replace those tweets with this archive's, "
                "run the import again with --replace (it empties the store first)."
            )
        update.set_owner(owner)
        for name in layout.tweet_files:
            stats = FileSummary(name)
            summary.files.append(stats)
            media_before = len(copied)
            on_progress = None
            if progress:
                on_progress = _scaled(
                    progress, done_before, source.size(name), total_bytes
                )
            items = load_items(source, name, on_progress)
            read, outcomes = 0, dict.fromkeys(("new", "updated", "forgotten"), 0)
            outcomes["unchanged"] = 0
            for item in items:
                read += 1
                try:
                    tweet = _tweet_of(item)
                    record = record_from_tweet(tweet, owner, media_names, copy, counts)
                    if notes:
                        apply_note(record, notes)
                    outcome = update.add(record)
                except (KeyError, TypeError, ValueError, AttributeError) as err:
                    why = err
                    if not isinstance(err, BadItem | BadRecord):
                        why = f"unknown tweet shape ({err!r})"
                    stats.skipped += 1
                    summary.warnings.append(f"{name}: item {read} skipped: {why}")
                    continue
                outcomes[outcome] += 1
            stats.read = read
            stats.new, stats.updated = outcomes["new"], outcomes["updated"]
            stats.skipped += outcomes["forgotten"]
            stats.media = len(copied) - media_before
            del items
            done_before += source.size(name)
            listed = expected.get(name[len(root_prefix) :])
            if listed is not None and listed != stats.read:
                summary.warnings.append(
                    f"{name}: manifest.js says {listed} tweets, the file holds {stats.read}"
                )
        summary.total = len(update)
    if counts["display"]:
        summary.warnings.append(
            f"{counts['display']:,} tweet(s) had a display_text_range past the end of "
            "their text; each is shown up to the end of its text."
        )
    if progress:
        progress(total_bytes, total_bytes)
    return summary
