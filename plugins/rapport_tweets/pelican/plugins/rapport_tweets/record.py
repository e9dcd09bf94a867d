"""The stored tweet record: its one definition, and its line in the store.

`Tweet` says what a valid record is, once: msgspec checks the types (strictly: no "12"
for 12, no true for 1) and writes the line in C, fields in the order declared here (`id`
first, so that a line's id can be read without parsing it), empty values left out.
Archive import and API fetch build `Tweet`s, the store writes them (`encode`) and reads
them back (`decode`); render and index read their attributes. Nothing else judges a
record: `encode` reads each line back with the store's decoder before it is written.

Networks. A record carries its `network`: "x" (the default, left out of the line, so
an X store is what it always was), "bluesky" or "mastodon". Each network's records
live in their own store folder (`networks.py`: X at the store's root, the others in
`<store>/bluesky/` and `<store>/mastodon/`), each with one owner, its own index and
media. Ids never collide across networks: an X id is digits, the others are the post's
own URI, and `network_of_id` tells the network from the id alone.

A Bluesky record (what the Bluesky source builds, a `Tweet(...)` with `Mention`,
`Hashtag`, `Url` and `Media` structs for its entities; fields not named are left out):

    id               "at://<author DID>/app.bsky.feed.post/<rkey>" (the post's AT URI)
    network          "bluesky"
    created_at       the post's createdAt in UTC, "2024-03-02T10:00:00Z"
    user_id          the author's DID, "did:plc:abc123"
    handle           the author's handle, "ada.bsky.social" (no "@"), when known
    name             the author's display name, when known
    text             the post's text, as stored in the record
    reply_to_id      AT URI of the post answered (reply.parent.uri)
    reply_to_user_id DID of that post's author; reply_to_handle its handle, when known
    conversation_id  AT URI of the thread's root (reply.root.uri)
    quote_of         AT URI of a quoted post (embed record)
    likes, retweets (reposts), replies, quotes: counts, when the source has them
    lang             the first of the record's langs
    mentions         [{start, end, handle, id}]: id is the mentioned DID, handle its
                     handle if known (else leave handle = the DID)
    hashtags         [{start, end, tag}] (tag without "#")
    urls             [{start, end, expanded, display}] (expanded: the facet's uri)
    media            [{file, type: "photo", alt, width, height}]: `file` a name made
                     by `media_name(id, "<cid>.<ext>")`, its bytes added with the
                     store's Update.add_file into `<store>/bluesky/media/`
    Every start/end is an offset in code points (Python str indices) into `text`:
    facets count UTF-8 bytes, so convert them before storing.

A Mastodon record is the same with id = the status URI
("https://<instance>/users/<name>/statuses/<id>"), user_id = the actor URI, handle =
"name@instance", reply_to_id = the inReplyTo URI, `retweet: true` for a boost.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from .entities import placed


class StoreError(Exception):
    """The store is unreadable, inconsistent or busy; the message says how to fix it."""


class BadRecord(ValueError):
    """A tweet record that would not make a valid store line: refused when it is made
    (a date or media file name) or written (`encode`). On reading a line, msgspec
    reports it as a ValidationError (it is a ValueError), and decode as a StoreError."""


def is_media_name(value):
    """True for a plain file name inside media/ ("123-abc.jpg"): not empty, not "." or
    "..", no slash, backslash, drive colon or NUL, so it can never reach another file
    of the store (index/people.tsv) or of the disk when the build copies it."""
    return (
        isinstance(value, str)
        and value not in ("", ".", "..")
        and not any(c in value for c in "/\\:\0")
    )


# Inside an entity a 0 is meaningful (an offset), so its fields are UNSET when absent,
# never a default that would be left out. Fields are declared in sorted order: the order
# the store has always written them in.
_Str = str | UnsetType
_Int = int | UnsetType


class Mention(Struct, forbid_unknown_fields=True, kw_only=True):
    end: _Int = UNSET
    handle: str
    id: _Str = UNSET
    start: _Int = UNSET


class Hashtag(Struct, forbid_unknown_fields=True, kw_only=True):
    end: _Int = UNSET
    start: _Int = UNSET
    tag: str


class Url(Struct, forbid_unknown_fields=True):
    display: _Str = UNSET
    end: _Int = UNSET
    expanded: _Str = UNSET
    start: _Int = UNSET
    url: _Str = UNSET


class Media(Struct, forbid_unknown_fields=True):
    alt: _Str = UNSET
    end: _Int = UNSET
    expanded: _Str = UNSET
    file: _Str = UNSET
    height: _Int = UNSET
    remote: _Str = UNSET
    start: _Int = UNSET
    type: _Str = UNSET
    url: _Str = UNSET
    width: _Int = UNSET

    def __post_init__(self):
        if self.file is not UNSET and not is_media_name(self.file):
            raise BadRecord(
                "'file' is not a plain file name inside media/ (no folder or '..')"
            )


_DATE = "2023-02-18T12:33:11Z"

X, BLUESKY, MASTODON = "x", "bluesky", "mastodon"
NETWORKS = (X, BLUESKY, MASTODON)
# Each network's id, as a pattern and in words. No quote, backslash or space in any:
# a line's id is read from its prefix without JSON parsing.
_ID_SHAPES = {
    X: (re.compile(r"[0-9]+"), "a string of digits"),
    BLUESKY: (
        re.compile(
            r"at://did:[a-z]+:[A-Za-z0-9._:%-]+/app\.bsky\.feed\.post/[A-Za-z0-9._~:-]+"
        ),
        "a post's AT URI (at://did:…/app.bsky.feed.post/…)",
    ),
    MASTODON: (
        re.compile(r"https://[A-Za-z0-9.-]+(?::[0-9]+)?/[!#-\[\]-~]+"),
        "a status URI (https://instance/users/name/statuses/…)",
    ),
}


def network_of_id(tweet_id):
    """The network whose id `tweet_id` is ("x", "bluesky", "mastodon"), or None."""
    tweet_id = str(tweet_id)
    # The scheme says which pattern can match: one regular expression, not three.
    if tweet_id.startswith("at://"):
        candidates = (BLUESKY,)
    elif tweet_id.startswith("https://"):
        candidates = (MASTODON,)
    else:
        candidates = (X,)
    for network in candidates:
        pattern = _ID_SHAPES[network][0]
        if pattern.fullmatch(tweet_id):
            return network
    return None


def id_key(tweet_id):
    """The order of ids in a store's lines: numeric for X ids, else the URI's text
    (code point order, which is UTF-8 byte order, the order the reader searches)."""
    return int(tweet_id) if tweet_id.isdigit() else tweet_id


def order_key(tweet_id):
    """A sort key for ids of every network together: X ids by number, then URIs."""
    tweet_id = str(tweet_id)
    return (0, int(tweet_id), "") if tweet_id.isdigit() else (1, 0, tweet_id)


def media_name(tweet_id, original):
    """The file name in media/ of one media file of a post: `<id>-<name>` for an X id;
    for a URI id a digest of it (so any id gives a plain, short name) and the original
    name's safe characters."""
    base = re.sub(r"[^A-Za-z0-9._-]", "_", original.rsplit("/", 1)[-1]).lstrip(".")
    if tweet_id.isdigit():
        return f"{tweet_id}-{base}"
    digest = hashlib.sha256(tweet_id.encode("utf-8")).hexdigest()[:16]
    return f"{digest}-{base[-80:] or 'media'}"


class Tweet(Struct, forbid_unknown_fields=True, omit_defaults=True):
    """One stored tweet. Adding a field is adding it here (and where a source fills it)."""

    id: str
    created_at: Annotated[
        str, Meta(pattern=r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\Z")
    ]
    network: str = X
    user_id: str = ""
    handle: str = ""
    name: str = ""
    text: str = ""
    display: Annotated[list[int], Meta(min_length=2, max_length=2)] | UnsetType = UNSET
    reply_to_id: str = ""
    reply_to_user_id: str = ""
    reply_to_handle: str = ""
    conversation_id: str = ""
    quote_of: str = ""
    retweet: bool = False
    likes: int = 0
    retweets: int = 0
    replies: int = 0
    quotes: int = 0
    lang: str = ""
    mentions: list[Mention] = []
    hashtags: list[Hashtag] = []
    urls: list[Url] = []
    media: list[Media] = []

    def __post_init__(self):
        if type(self.created_at) is not str or type(self.id) is not str:
            return  # a wrong type: encode and decode name it
        shape = _ID_SHAPES.get(self.network) if type(self.network) is str else None
        if shape is None:
            raise BadRecord(
                f"field 'network' is not one of {', '.join(map(repr, NETWORKS))}"
            )
        if not shape[0].fullmatch(self.id):
            raise BadRecord(f"field 'id' is not {shape[1]}")
        try:
            datetime.fromisoformat(self.created_at[:19])
        except ValueError:
            raise BadRecord("field 'created_at' is not a real date") from None


FIELDS = Tweet.__struct_fields__

# What msgspec's "Expected `int`" means, in the words of a person editing a file.
KINDS = {
    "str": "a string",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "null": "null",
    "array": "a list",
    "object": "an object",
}
_SHAPES = {"created_at": f"a date like {_DATE}"}
_WHERE = re.compile(r"\$(?:\.(\w+)(?:\[(\d+)\](?:\.(\w+))?)?)?")


def _why(err):
    """msgspec's ValidationError as "field 'x' is not …", naming entries from 1."""
    what, _, where = str(err).partition(" - at `")
    m = _WHERE.fullmatch(where.rstrip("`") or "$")
    name, index, key = m.groups() if m else (None, None, None)
    missing = re.match(r"Object missing required field `(\w+)`", what)
    unknown = re.match(r"Object contains unknown field `(\w+)`", what)
    expected = re.match(r"Expected `(\w+)`", what)
    if name == "display":
        return "field 'display' is not [start, end]"
    if index is not None:
        entry = f"{name} entry {int(index) + 1}"
        if missing:
            return f"{entry} has no {missing.group(1)!r}"
        if unknown:
            return f"{entry}: unknown field {unknown.group(1)!r}"
        if key and expected:
            return f"{entry}: {key!r} is not {KINDS.get(expected[1], expected[1])}"
        if expected:
            return f"{entry} is not {KINDS.get(expected[1], expected[1])}"
        return f"{entry}: {what}"
    if name is None:
        if missing:
            return f"field {missing.group(1)!r} is missing"
        if unknown:
            return f"unknown field {unknown.group(1)!r}"
        if expected:
            return "not a tweet record (not an object)"
        return what
    if name in _SHAPES:
        return f"field {name!r} is not {_SHAPES[name]}"
    if expected:
        return f"field {name!r} is not {KINDS.get(expected[1], expected[1])}"
    return f"field {name!r}: {what}"


_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder(Tweet)


def encode(tweet):
    """The store line (no newline) of a Tweet: deterministic, fields in Tweet's order,
    default values left out. BadRecord, naming the field, when the line would not read
    back as a valid Tweet (msgspec does not check types on construction: the store's
    decoder does, here, so that nothing unreadable is ever written)."""
    line = _ENCODER.encode(tweet)
    try:
        _DECODER.decode(line)
    except msgspec.ValidationError as err:
        raise BadRecord(f"tweet record {str(tweet.id)[:30]!r}: {_why(err)}") from None
    return line.decode("utf-8")


def tweet_of(fields):
    """A Tweet from a mapping of its fields (entities as mappings too), for a source
    that reads them as such (Mastodon's JSON); BadRecord naming the field when they
    would not make a valid Tweet. Empty values are left to their defaults."""
    values = {k: v for k, v in fields.items() if v}
    try:
        return msgspec.convert(values, Tweet)
    except msgspec.ValidationError as err:
        raise BadRecord(
            f"tweet record {str(fields.get('id'))[:30]!r}: {_why(err)}"
        ) from None


def decode(line, path, lineno):
    """The Tweet of a store line (str, or UTF-8 bytes); a clear StoreError naming the
    file and line if it is not a valid tweet record."""
    try:
        return _DECODER.decode(line)
    except msgspec.ValidationError as err:
        why = _why(err)
    except (msgspec.DecodeError, UnicodeError) as err:
        why = f"not valid JSON ({err})"
    raise StoreError(
        f"{path}, line {lineno}: {why}. Fix or delete that line (git diff shows what "
        "changed), then run `invoke tweets.reindex`."
    )


def line_id(line):
    """The id of a store line, read from its fixed prefix (no JSON parsing)."""
    if line.startswith('{"id":"'):
        end = line.find('"', 7)
        if end > 7:
            return line[7:end]
    return None


def merge(old, new):
    """`old` updated with the non-empty fields of `new` (an archive and an API copy)."""
    changes = {}
    if new.text:
        # Offsets point into their own text: a copy with a text brings its own display
        # range (none: the whole text), and with another text its own entities too.
        changes["display"] = UNSET
        if new.text != old.text:
            changes.update(mentions=[], hashtags=[], urls=[])
            if old.media:
                changes["media"] = placed(new.text, "media", old.media)
    keep_files = _has_files(old.media) and not _has_files(new.media)
    for name in FIELDS:
        value = getattr(new, name)
        # The API knows no local file: a copy without one keeps the archive's photos.
        if value and not (name == "media" and keep_files):
            changes[name] = value
    return msgspec.structs.replace(old, **changes)


def _has_files(media):
    return any(m.file for m in media)


def year_of(tweet):
    return tweet.created_at[:4]
