"""Read an X (Twitter) archive, zip or extracted folder, into Tweets for the store.

Each format variant has a small named function below, and a fixture in
tests/fixtures/archives/build.py. Every data file (`window.YTD.<name>.partN = [ … ]`,
and manifest.js) is read as bytes and parsed by msgspec (`load_items`); each tweet is
decoded straight into an ArchiveTweet (only the fields the store keeps) when it is
stored, and let go after, so the parsed archive never sits in memory. A file that does
not parse is an ArchiveError naming its line (nothing is written); an item that cannot
be stored is a counted warning.
"""

from __future__ import annotations

import codecs
import html
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import msgspec
from msgspec import UNSET, Struct
from msgspec.structs import replace

from .entities import place, placed, reply_start
from .record import KINDS, BadRecord, Hashtag, Media, Mention, Tweet, Url, is_media_name
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

# `window.YTD.<name>.partN = [ … ]` (data files) or `window.__THAR_CONFIG = { … }`
# (manifest.js), in bytes: JSON's white space only.
_ASSIGNMENT = re.compile(
    rb"[ \t\r\n]*window\.(?:(YTD)\.\w+\.part\d+|__THAR_CONFIG)[ \t\r\n]*=[ \t\r\n]*"
)
_WHERE = re.compile(r"\(byte (\d+)\)")
_RAW_ITEMS = list[msgspec.Raw]
_PROGRESS_EVERY = 1000  # items


def _line(data, pos):
    return data.count(b"\n", 0, pos) + 1


def _value_span(data, label, opener):
    """(first, end) of the JSON value assigned in a data file: data[first] is `opener`
    and data[end - 1] its closing bracket, when the file ends as X writes it (white
    space or a ';' may follow)."""
    begin = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    m = _ASSIGNMENT.match(data, begin)
    if not m or (opener == b"[") != bool(m.group(1)):
        if opener == b"{":
            raise ArchiveError(f"{label}: not an X archive manifest.")
        raise ArchiveError(
            f"{label}: does not start with 'window.YTD.<name>.partN = ['; not an X "
            "archive data file (or an unknown, newer format)."
        )
    first = m.end()
    if data[first : first + 1] != opener:
        raise ArchiveError(
            f"{label}: expected {opener.decode()!r} after the assignment "
            f"(line {_line(data, first)})."
        )
    end = len(data)  # not data.rstrip(): that would copy the whole file
    while end > first + 1 and data[end - 1] in b" \t\r\n;":
        end -= 1
    return first, end


def _parse(data, first, end, label, shape=Any):
    """The JSON value of data[first:end] (msgspec, from the bytes: no decoded copy of
    the text), as `shape`; an ArchiveError naming the line where it is damaged."""
    try:
        return msgspec.json.decode(memoryview(data)[first:end], type=shape)
    except (msgspec.DecodeError, RecursionError) as err:
        found = _WHERE.search(str(err))
        pos = first + int(found.group(1)) if found else end
        why = str(err).removeprefix("JSON is malformed: ")
        why = re.sub(r" \(byte \d+\)", "", why)
        raise ArchiveError(
            f"{label}: unreadable at line {_line(data, pos)} ({why}); the file is "
            "damaged or truncated. Download the archive again."
        ) from None


def _config(source, name):
    """manifest.js is `window.__THAR_CONFIG = { … }` (one object, not a list)."""
    data = source.read_bytes(name)
    value = _parse(data, *_value_span(data, name, b"{"), name)
    if not isinstance(value, dict):
        raise ArchiveError(f"{name}: not an X archive manifest.")
    return value


def load_items(source, name, progress=None):
    """Yield the items of the data file `name` of `source`
    (`window.YTD.<name>.partN = [ … ]`), each as its JSON text (msgspec.Raw), for the
    caller to decode into the shape it reads; `progress(done_bytes)` now and then.

    The whole file is checked as JSON first, in one pass that builds no objects, so a
    damaged file is an ArchiveError naming its line before any item is used; an item
    is decoded only when the caller takes it, and let go after, so the parsed file
    never sits in memory whole."""
    data = source.read_bytes(name)
    first, end = _value_span(data, name, b"[")
    items = _parse(data, first, end, name, _RAW_ITEMS)
    for done, item in enumerate(items, 1):
        yield item
        if progress and done % _PROGRESS_EVERY == 0:
            progress(first + (end - first) * done // len(items))
    if progress:
        progress(end)


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
        year, day = parts[5], parts[2]
        digits = year + day + hour + minute + second
        if not (digits.isascii() and digits.isdigit()):
            raise ValueError(value)
        month = _MONTHS[parts[1]]
        # ValueError for a day that does not exist. Already UTC; isoformat() pads the
        # year to four digits, which shard names and readers expect.
        moment = datetime(
            int(year), month, int(day), int(hour), int(minute), int(second)
        )
        return moment.isoformat() + "Z"
    else:
        try:
            moment = datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y")
        except ValueError:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if moment.tzinfo is None:  # no offset: UTC, never the importing machine's zone
            moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat("T", "seconds") + "Z"


# What the import reads of an archive tweet, and nothing else: msgspec skips every other
# field without building it. Values are Any where archives vary (numbers as strings or
# ints, nulls); what does not fit (an entity that is no object) fails that item alone,
# which the import skips with a counted warning. No cycles in decoded JSON: gc=False
# keeps 100k of these out of the cyclic collector's way.


class ArchiveMention(Struct, gc=False):
    screen_name: Any = ""
    id_str: Any = None
    indices: Any = (0, 0)


class ArchiveHashtag(Struct, gc=False):
    text: Any = ""
    indices: Any = (0, 0)


class ArchiveUrl(Struct, gc=False):
    url: Any = ""
    expanded_url: Any = None
    display_url: Any = None
    indices: Any = (0, 0)


class ArchiveMedia(Struct, gc=False):
    type: Any = "photo"
    media_url_https: Any = None
    media_url: Any = None
    ext_alt_text: Any = None
    url: Any = None
    expanded_url: Any = None
    sizes: Any = None
    indices: Any = (0, 0)


class ArchiveEntities(Struct, frozen=True, gc=False):
    user_mentions: list[ArchiveMention] = []
    hashtags: list[ArchiveHashtag] = []
    urls: list[ArchiveUrl] = []
    media: list[ArchiveMedia] = []


class ArchiveTweet(Struct, gc=False):
    id_str: Any = UNSET
    id: Any = UNSET
    created_at: Any = UNSET
    full_text: Any = None
    text: Any = None
    entities: ArchiveEntities = ArchiveEntities()  # one shared, frozen: none
    extended_entities: ArchiveEntities = ArchiveEntities()
    display_text_range: Any = None
    in_reply_to_status_id_str: Any = None
    in_reply_to_user_id_str: Any = None
    in_reply_to_screen_name: Any = None
    retweeted_status: Any = None
    favorite_count: Any = None
    retweet_count: Any = None
    lang: Any = None


class ArchiveItem(ArchiveTweet, gc=False):
    """An item of a tweet file: a tweet, or (2020 on) {"tweet": {…}}."""

    tweet: ArchiveTweet | None = None


_ITEM = msgspec.json.Decoder(ArchiveItem)
_MISFIT = re.compile(r"Expected `([^`]+)`, got `(\w+)`(?: - at `\$\.?([^`]*)`)?")


def _shape_error(err):
    """Why an item is not a tweet as archives hold them, from msgspec's error."""
    m = _MISFIT.match(str(err))
    if not m:
        return f"not a tweet as archives hold them ({err})"
    expected, got, where = m.groups()
    expected = " or ".join(KINDS.get(k, k) for k in expected.split(" | "))
    got = KINDS.get(got, got)
    return f"{f'its {where}' if where else 'it'} is not {expected} ({got})"


def tweet_of(item):
    """The tweet of an archive item (an ArchiveItem). Newer archives (2020 on) wrap
    each tweet as {"tweet": {…}}; older ones have the tweet's fields in the item."""
    return item.tweet or item


def _int(value):
    """Archives give numbers as strings ("12"); the API as ints."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _at(entity):
    """The start and end an archive entity's indices give (counted by the archive)."""
    start, end = (_int(i) for i in entity.indices)
    return {"start": start, "end": end}


def entities_v1(text, entities, raw=None):
    """Archive/v1.1 entities -> our mentions, hashtags and urls, placed in the
    unescaped `text` (`raw`: the full_text as the archive has it)."""
    mentions = [
        Mention(handle=m.screen_name, id=m.id_str or UNSET, **_at(m))
        for m in entities.user_mentions
    ]
    hashtags = [Hashtag(tag=h.text, **_at(h)) for h in entities.hashtags]
    urls = [
        Url(
            url=u.url,
            expanded=u.expanded_url or u.url,
            display=u.display_url or u.url,
            **_at(u),
        )
        for u in entities.urls
    ]
    return (
        placed(text, "mentions", mentions, raw),
        placed(text, "hashtags", hashtags, raw),
        placed(text, "urls", urls, raw),
    )


def media_v1(tweet_id, items, media_names, copy, text, raw):
    """Archive media entries -> stored media, placed in `text`, copying each photo's
    file into the store."""
    out = []
    for m in items:
        remote = m.media_url_https or m.media_url or ""
        basename = remote.rsplit("/", 1)[-1]
        size = (m.sizes or {}).get("large") or {}
        file_name = f"{tweet_id}-{basename}"
        # Photos, and the poster frame of a video when the archive has it.
        source = media_names.get(file_name)
        if source and basename and not is_media_name(file_name):
            raise BadItem(
                "its photo's file name is not a plain file name (it holds a "
                "backslash, a drive colon or NUL) and would leave the store's media "
                "folder"
            )
        out.append(
            Media(
                type=m.type or UNSET,
                alt=m.ext_alt_text or UNSET,
                url=m.url or UNSET,
                expanded=m.expanded_url or UNSET,
                width=_int(size.get("w")) if size else UNSET,
                height=_int(size.get("h")) if size else UNSET,
                file=copy(source, file_name) if source and basename else UNSET,
                **_at(m),
            )
        )
    return placed(text, "media", out, raw)


def tweet_id_of(tweet):
    """The ArchiveTweet's id as canonical digits; BadItem if it is not a number."""
    tid = tweet.id_str if tweet.id_str is not UNSET else tweet.id
    if tid is UNSET:
        raise BadItem("it has no id")
    tid = str(tid)
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
    """One ArchiveTweet -> a Tweet. `counts` (a Counter), when given, counts what was
    mended on the way: "display" for a display range cut to the text."""
    tid = tweet_id_of(tweet)
    if tweet.created_at is UNSET:
        raise BadItem("it has no created_at")
    raw = tweet.full_text or tweet.text or ""
    text = html.unescape(raw)
    mentions, hashtags, urls = entities_v1(text, tweet.entities, raw)
    media = tweet.extended_entities.media or tweet.entities.media
    display, cut = display_of(tweet.display_text_range, text)
    if cut and counts is not None:
        counts["display"] += 1
    return Tweet(
        id=tid,
        created_at=parse_created_at(tweet.created_at),
        user_id=owner.get("id", ""),
        handle=owner.get("handle", ""),
        text=text,
        display=display or UNSET,
        reply_to_id=tweet.in_reply_to_status_id_str or "",
        reply_to_user_id=tweet.in_reply_to_user_id_str or "",
        reply_to_handle=tweet.in_reply_to_screen_name or "",
        retweet=text.startswith("RT @") or bool(tweet.retweeted_status),
        likes=_int(tweet.favorite_count),
        retweets=_int(tweet.retweet_count),
        lang=tweet.lang or "",
        mentions=mentions,
        hashtags=hashtags,
        urls=urls,
        media=media_v1(tid, media, media_names, copy, text, raw) if media else [],
    )


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
    """The Tweet with a truncated long post's text replaced by its whole note text, if
    one matches, and every entity (the note's, and the tweet's photos) placed in that
    text; else the Tweet as it was."""
    candidates = notes.get(note_key(record.created_at))
    if not candidates:
        return record
    start = (record.display or [0])[0]
    shown = _opening_words(record.text[start:])
    if not shown:
        return record
    for core in candidates:
        raw = core["text"]
        text = html.unescape(raw)
        if not _opening_words(text).startswith(shown):
            continue
        ids = {m.handle.lower(): m.id for m in record.mentions}
        mentions = [
            Mention(
                start=_int(m["fromIndex"]),
                end=_int(m["toIndex"]),
                handle=m["screenName"],
                id=ids.get(m["screenName"].lower(), UNSET),
            )
            for m in core.get("mentions", ())
        ]
        hashtags = [
            Hashtag(start=_int(h["fromIndex"]), end=_int(h["toIndex"]), tag=h["text"])
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
                    Url(
                        start=where[0],
                        end=where[1],
                        url=short,
                        expanded=expanded,
                        display=u.get("displayUrl") or short,
                    )
                )
        mentions = placed(text, "mentions", mentions, raw)
        opening = reply_start(text, mentions) if record.reply_to_id else 0
        return replace(
            record,
            text=text,
            mentions=mentions,
            hashtags=placed(text, "hashtags", hashtags, raw),
            urls=urls,
            # The photos' t.co links were in the truncated text, not in the note's.
            media=placed(text, "media", record.media, raw),
            display=[opening, len(text)] if opening else UNSET,
        )
    return record


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
        config = _config(source, layout.manifest)
        owner = owner_from_manifest(config)
        expected = expected_files(config)
    if layout.account:
        items = map(msgspec.json.decode, load_items(source, layout.account))
        owner = owner_from_account(items) or owner
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
        notes.update(
            notes_from_items(map(msgspec.json.decode, load_items(source, name)))
        )

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
                    tweet = tweet_of(_ITEM.decode(item))
                    record = record_from_tweet(tweet, owner, media_names, copy, counts)
                    if notes:
                        record = apply_note(record, notes)
                    outcome = update.add(record)
                except (KeyError, TypeError, ValueError, AttributeError) as err:
                    why = err
                    if isinstance(err, msgspec.ValidationError):
                        why = _shape_error(err)
                    elif not isinstance(err, BadItem | BadRecord):
                        why = f"unknown tweet shape ({err!r})"
                    stats.skipped += 1
                    summary.warnings.append(f"{name}: item {read} skipped: {why}")
                    continue
                outcomes[outcome] += 1
            stats.read = read
            stats.new, stats.updated = outcomes["new"], outcomes["updated"]
            stats.skipped += outcomes["forgotten"]
            stats.media = len(copied) - media_before
            items = item = None  # let the file go: a Raw item holds its bytes
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
