"""Entity offsets into the text the store keeps: one placement for every source.

The store keeps each mention, hashtag, link and media link as code-point offsets into
the stored, HTML-unescaped text. Sources count otherwise: archive indices count the
unescaped text, X API v2 offsets count the escaped text it sends (`&amp;` is five), and
a long post's note replaces the text its tweet's indices point into. So no offset is
trusted: each entity is placed where the stored text holds it (`place`).
"""

from __future__ import annotations

import html

from msgspec import UNSET
from msgspec.structs import replace


def unescaped_offset(raw, index):
    """Where position `index` of the HTML-escaped `raw` falls in its unescaped text."""
    return len(html.unescape(raw[:index]))


def place(text, expected, start, end, raw=None):
    """Code-point (start, end) of `expected` in `text`, or None where it is absent.

    The given offsets when `text` holds `expected` there; else, when `raw` (the text as
    the source sent it, HTML-escaped) is given, the same offsets counted in `raw`; else
    the first occurrence from a little before those offsets on (or anywhere)."""
    if not expected:
        return None
    if text[start:end].lower() == expected.lower():
        return start, end
    hint = start
    if raw is not None and raw != text:
        mapped = unescaped_offset(raw, start)
        if text[mapped : mapped + len(expected)].lower() == expected.lower():
            return mapped, mapped + len(expected)
        hint = min(start, mapped)
    low, needle = text.lower(), expected.lower()
    found = low.find(needle, max(0, hint - 8))
    if found < 0:
        found = low.find(needle)
    if found < 0:
        return None
    return found, found + len(expected)


def expected_text(kind, entity):
    """What the stored text shows for an entity of `kind`: '@handle', '#tag', its t.co."""
    if kind == "mentions":
        return "@" + entity.handle
    if kind == "hashtags":
        return "#" + entity.tag
    return entity.url or ""


def placed(text, kind, entities, raw=None):
    """`entities` (record.py entries of `kind`, offsets from their source) placed in
    `text`: a mention, hashtag or link that `text` does not show is left out; a media
    entry, which also stands for the photo, keeps its other fields without offsets."""
    out = []
    for entity in entities:
        where = place(
            text, expected_text(kind, entity), entity.start or 0, entity.end or 0, raw
        )
        if where:
            out.append(replace(entity, start=where[0], end=where[1]))
        elif kind == "media":
            out.append(replace(entity, start=UNSET, end=UNSET))
    return out


def reply_start(text, mentions):
    """Where a reply's own words start: after the @handles it opens with (placed
    `mentions`), which X shows as "Replying to" rather than as text."""
    pos = 0
    for m in sorted(mentions, key=lambda m: -1 if m.start is UNSET else m.start):
        if m.start != pos:
            break
        pos = m.end
        while pos < len(text) and text[pos] == " ":
            pos += 1
    return pos
