"""The stored tweet record: its one definition, and its line in the store.

`Tweet` says what a valid record is, once: msgspec checks the types (strictly: no "12"
for 12, no true for 1) and writes the line in C, fields in the order declared here (`id`
first, so that a line's id can be read without parsing it), empty values left out.
Archive import and API fetch build `Tweet`s, the store writes them (`encode`) and reads
them back (`decode`); render and index read their attributes. Nothing else judges a
record: `encode` reads each line back with the store's decoder before it is written.
"""

from __future__ import annotations

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


class Tweet(Struct, forbid_unknown_fields=True, omit_defaults=True):
    """One stored tweet. Adding a field is adding it here (and where a source fills it)."""

    id: Annotated[str, Meta(pattern=r"\A[0-9]+\Z")]
    created_at: Annotated[
        str, Meta(pattern=r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\Z")
    ]
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
        if type(self.created_at) is not str:
            return  # a wrong type: encode and decode name it
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
_SHAPES = {"id": "a string of digits", "created_at": f"a date like {_DATE}"}
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
