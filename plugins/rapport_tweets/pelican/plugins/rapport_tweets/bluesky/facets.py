"""Bluesky facets as store entities: UTF-8 byte offsets turned into code-point offsets.

A post's facets (`app.bsky.richtext.facet`) say where a link, mention or tag sits as
`byteStart`/`byteEnd` into the UTF-8 bytes of its text; the store keeps code-point
offsets into `text`, as X entities are kept. A facet whose offsets are not whole
numbers, fall outside the text or inside a character's bytes is skipped and counted:
other people's clients write facets, and a bad one must not lose the post.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..record import Hashtag, Mention, Url

LINK = "app.bsky.richtext.facet#link"
MENTION = "app.bsky.richtext.facet#mention"
TAG = "app.bsky.richtext.facet#tag"


@dataclass
class Entities:
    """A post's entities (the record type's Mention, Hashtag and Url), and what was
    skipped on the way."""

    mentions: list = field(default_factory=list)
    hashtags: list = field(default_factory=list)
    urls: list = field(default_factory=list)
    skipped: int = 0  # facets off the text or off a character boundary
    unknown: int = 0  # features of a kind the store does not keep


def _offsets(encoded, index):
    """(byteStart, byteEnd) of a facet's index if it is a non-empty slice of whole
    characters of `encoded`, else None."""
    if not isinstance(index, dict):
        return None
    start, end = index.get("byteStart"), index.get("byteEnd")
    if type(start) is not int or type(end) is not int:
        return None
    if not 0 <= start < end <= len(encoded):
        return None
    # A UTF-8 continuation byte is 10xxxxxx: an offset there cuts a character.
    for pos in (start, end):
        if pos < len(encoded) and encoded[pos] & 0xC0 == 0x80:
            return None
    return start, end


def entities(text, facets):
    """The Entities of `text` described by `facets` (the post record's list)."""
    out = Entities()
    if not facets:
        return out
    if not isinstance(facets, list):
        out.skipped += 1
        return out
    encoded = text.encode("utf-8")
    for facet in facets:
        where = _offsets(
            encoded, facet.get("index") if isinstance(facet, dict) else None
        )
        features = facet.get("features") if where else None
        if not where or not isinstance(features, list):
            out.skipped += 1
            continue
        # Code points before a byte offset: decode the bytes before it (whole
        # characters, checked above) and count.
        start = len(encoded[: where[0]].decode("utf-8"))
        end = start + len(encoded[where[0] : where[1]].decode("utf-8"))
        shown = text[start:end]
        for feature in features:
            kind = feature.get("$type") if isinstance(feature, dict) else None
            value = _value(feature, kind)
            if value is None:
                out.unknown += 1
            elif kind == LINK:
                out.urls.append(
                    Url(start=start, end=end, expanded=value, display=shown)
                )
            elif kind == MENTION:
                handle = shown.removeprefix("@")
                out.mentions.append(
                    Mention(start=start, end=end, handle=handle, id=value)
                )
            else:
                out.hashtags.append(Hashtag(start=start, end=end, tag=value))
    return out


_KEYS = {LINK: "uri", MENTION: "did", TAG: "tag"}


def _value(feature, kind):
    """The feature's uri, did or tag (a non-empty string), or None."""
    value = feature.get(_KEYS.get(kind, "")) if kind in _KEYS else None
    return value if isinstance(value, str) and value else None
