"""Bluesky facets: UTF-8 byte offsets placed on the right characters of the text."""

from hypothesis import given
from hypothesis import strategies as st

from pelican.plugins.rapport_tweets.bluesky.facets import LINK, MENTION, TAG, entities


def facet(text, part, feature, occurrence=0):
    """A facet over the `occurrence`-th `part` of `text`, by UTF-8 byte offsets, as
    the Bluesky app writes it."""
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(part, at + 1)
    start = len(text[:at].encode("utf-8"))
    return {
        "$type": "app.bsky.richtext.facet",
        "index": {"byteStart": start, "byteEnd": start + len(part.encode("utf-8"))},
        "features": [feature],
    }


def shown(text, entity):
    return text[entity.start : entity.end]


def test_link_after_emoji_lands_on_the_link_not_bytes_later():
    text = "Coffee ☕️🇬🇧 notes: example.com/notes and more"
    found = entities(
        text,
        [
            facet(
                text,
                "example.com/notes",
                {"$type": LINK, "uri": "https://example.com/notes"},
            )
        ],
    )
    (url,) = found.urls
    assert shown(text, url) == "example.com/notes"
    assert url.expanded == "https://example.com/notes"
    assert url.display == "example.com/notes"
    assert found.skipped == 0


def test_mention_in_non_latin_text_keeps_the_did_and_handle():
    text = "Встреча с @ada.bsky.social в кафе 東京"
    did = "did:plc:ada0000000000000000000"
    (m,) = entities(
        text, [facet(text, "@ada.bsky.social", {"$type": MENTION, "did": did})]
    ).mentions
    assert shown(text, m) == "@ada.bsky.social"
    assert m.handle == "ada.bsky.social"
    assert m.id == did


def test_tag_with_combining_mark_covers_the_mark():
    # "café" spelt with e + U+0301 COMBINING ACUTE ACCENT: five code points.
    tag = "#cafe\u0301"
    text = f"Ein Tag im 👩‍👩‍👧 {tag} 😀 und {tag}"
    found = entities(
        text,
        [
            facet(text, tag, {"$type": TAG, "tag": "cafe\u0301"}),
            facet(text, tag, {"$type": TAG, "tag": "cafe\u0301"}, occurrence=1),
        ],
    )
    first, second = found.hashtags
    assert shown(text, first) == tag and shown(text, second) == tag
    assert first.start == text.index(tag)
    assert second.end == len(text)
    assert first.tag == "cafe\u0301"


def test_facet_inside_a_character_or_off_the_text_is_skipped_and_counted():
    text = "€ and 😀 ok #tag"
    good = facet(text, "#tag", {"$type": TAG, "tag": "tag"})
    bad = [
        {
            "index": {"byteStart": 1, "byteEnd": 3},
            "features": [{"$type": TAG, "tag": "x"}],
        },
        {
            "index": {"byteStart": 0, "byteEnd": 9},
            "features": [{"$type": TAG, "tag": "x"}],
        },
        {
            "index": {"byteStart": 10, "byteEnd": 99},
            "features": [{"$type": TAG, "tag": "x"}],
        },
        {
            "index": {"byteStart": 5, "byteEnd": 5},
            "features": [{"$type": TAG, "tag": "x"}],
        },
        {
            "index": {"byteStart": -1, "byteEnd": 2},
            "features": [{"$type": TAG, "tag": "x"}],
        },
        {
            "index": {"byteStart": "0", "byteEnd": 2},
            "features": [{"$type": TAG, "tag": "x"}],
        },
        {"index": {"byteStart": 0, "byteEnd": 3}},
        "not a facet",
    ]
    found = entities(text, [*bad, good])
    assert [shown(text, h) for h in found.hashtags] == ["#tag"]
    assert found.skipped == len(bad)


def test_unknown_feature_is_counted_and_the_others_kept():
    text = "see example.com"
    f = facet(text, "example.com", {"$type": LINK, "uri": "https://example.com"})
    f["features"].append({"$type": "app.bsky.richtext.facet#future"})
    found = entities(text, [f])
    assert len(found.urls) == 1 and found.unknown == 1


# Text pieces that each take 1, 2, 3 and 4 bytes in UTF-8, plus combining marks and
# zero-width joiners: the places where byte and code-point offsets part.
PIECES = st.text(
    alphabet=st.sampled_from("aZ é\u0301ßжЖ東京€☕\u200d👩🇬😀\U0001f9d1"),
    min_size=1,
    max_size=6,
)


@given(st.lists(st.tuples(PIECES, st.booleans()), min_size=1, max_size=8))
def test_every_facet_lands_on_exactly_its_characters(parts):
    text, facets, expected = "", [], []
    for part, is_tag in parts:
        if is_tag:
            start = len(text.encode("utf-8"))
            facets.append(
                {
                    "index": {
                        "byteStart": start,
                        "byteEnd": start + len(part.encode("utf-8")),
                    },
                    "features": [{"$type": TAG, "tag": part}],
                }
            )
            expected.append((len(text), part))
        text += part
    found = entities(text, facets)
    assert found.skipped == 0
    assert [(h.start, shown(text, h)) for h in found.hashtags] == expected
    assert all(h.tag == shown(text, h) for h in found.hashtags)
