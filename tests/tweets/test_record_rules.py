"""The stored tweet record, rule by rule: what a store line must hold, the error that
names what is wrong (file, line, field, the fix), and how two copies of a tweet merge.

Pure tests of record.py (no store, no build), messages compared whole.
"""

import msgspec
import pytest

from pelican.plugins.rapport_tweets.record import (
    BadRecord,
    Hashtag,
    Media,
    Mention,
    StoreError,
    Tweet,
    Url,
    decode,
    encode,
    id_key,
    is_media_name,
    line_id,
    media_name,
    merge,
    network_of_id,
    order_key,
    tweet_of,
    year_of,
)

DATE = "2023-02-18T12:33:11Z"
ADA_POST = "at://did:plc:ada5example6bsky7xyz/app.bsky.feed.post/3kada1"
ADA_STATUS = "https://example.social/users/ada/statuses/109000000000000042"
FIX = "Fix or delete that line (git diff shows what changed), then run `invoke tweets.reindex`."


def row(rest=""):
    """A store line of tweet 1 with `rest` after its required fields."""
    return '{"id":"1","created_at":"' + DATE + '"' + rest + "}"


def line_error(line):
    with pytest.raises(StoreError) as raised:
        decode(line, "tweets/2023.jsonl", 7)
    return str(raised.value)


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ('{"created_at":"' + DATE + '"}', "field 'id' is missing"),
        (
            row(',"colour":"red"'),
            "unknown field 'colour'",
        ),
        ("[1, 2]", "not a tweet record (not an object)"),
        (
            '{"id":"1a","created_at":"' + DATE + '"}',
            "field 'id' is not a string of digits",
        ),
        (
            '{"id":1,"created_at":"' + DATE + '"}',
            "field 'id' is not a string",
        ),
        (
            '{"id":"1","created_at":"18 Feb 2023"}',
            f"field 'created_at' is not a date like {DATE}",
        ),
        (
            row(',"likes":"3"'),
            "field 'likes' is not a whole number",
        ),
        (
            row(',"retweet":1'),
            "field 'retweet' is not true or false",
        ),
        (
            row(',"text":[]'),
            "field 'text' is not a string",
        ),
        (
            row(',"media":{}'),
            "field 'media' is not a list",
        ),
        (
            row(',"display":[0]'),
            "field 'display' is not [start, end]",
        ),
        (
            row(',"mentions":[{"start":0,"end":3}]'),
            "mentions entry 1 has no 'handle'",
        ),
        (
            row(',"urls":[{"start":0,"end":3,"url":"u","x":1}]'),
            "urls entry 1: unknown field 'x'",
        ),
        (
            row(',"hashtags":[{"start":0,"end":"3","tag":"t"}]'),
            "hashtags entry 1: 'end' is not a whole number",
        ),
        (
            row(',"media":[{},3]'),
            "media entry 2 is not an object",
        ),
        (
            row(',"likes":null'),
            "field 'likes' is not a whole number",
        ),
        (
            row(',"likes":1.5'),
            "field 'likes' is not a whole number",
        ),
    ],
)
def test_a_bad_line_is_named_with_its_field(line, why):
    assert line_error(line) == f"tweets/2023.jsonl, line 7: {why}. {FIX}"


def test_a_line_that_is_not_json_is_named():
    assert line_error('{"id":"1",').startswith(
        "tweets/2023.jsonl, line 7: not valid JSON (Input data was truncated)."
    )
    assert line_error(b'{"id":"\xff"}').startswith(
        "tweets/2023.jsonl, line 7: not valid JSON ("
    )


def test_an_impossible_date_is_refused_on_read_and_write():
    assert line_error('{"id":"1","created_at":"2023-02-30T12:33:11Z"}') == (
        f"tweets/2023.jsonl, line 7: field 'created_at' is not a real date. {FIX}"
    )
    with pytest.raises(BadRecord, match="field 'created_at' is not a real date"):
        Tweet(id="1", created_at="2023-13-01T00:00:00Z")


def test_encode_writes_fields_in_order_without_defaults_and_reads_back():
    tweet = Tweet(
        id="5",
        created_at=DATE,
        text="hi @ada",
        likes=2,
        mentions=[Mention(start=3, end=7, handle="ada")],
    )
    line = encode(tweet)
    assert line == (
        '{"id":"5","created_at":"2023-02-18T12:33:11Z","text":"hi @ada","likes":2,'
        '"mentions":[{"end":7,"handle":"ada","start":3}]}'
    )
    assert decode(line, "f", 1) == tweet
    assert decode(line.encode(), "f", 1) == tweet
    assert line_id(line) == "5"


def test_encode_refuses_what_would_not_read_back():
    long_id = "https://example.social/users/ada/statuses/" + "5" * 18
    with pytest.raises(BadRecord) as raised:
        encode(Tweet(id=long_id, network="mastodon", created_at=DATE, likes="3"))
    assert str(raised.value) == (
        f"tweet record {long_id[:30]!r}: field 'likes' is not a whole number"
    )


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ('{"id":"123","x":1}', "123"),
        ('{"id":"","x":1}', None),
        ('{"x":1,"id":"1"}', None),
    ],
)
def test_a_lines_id_is_read_from_its_prefix(line, found):
    assert line_id(line) == found


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("5-a.jpg", True),
        ("1626922779105759235-FpXyZ.jpg", True),
        ("", False),
        (".", False),
        ("..", False),
        ("a/b.jpg", False),
        ("a\\b.jpg", False),
        ("c:b.jpg", False),
        ("a\0.jpg", False),
        (None, False),
    ],
)
def test_a_media_name_is_a_plain_file_name(name, ok):
    assert is_media_name(name) is ok
    if name is not None and not ok:
        with pytest.raises(BadRecord, match="'file' is not a plain file name"):
            Media(type="photo", file=name)


def test_the_year_of_a_tweet():
    assert year_of(Tweet(id="1", created_at=DATE)) == "2023"


# --- two copies of one tweet --------------------------------------------------------


def test_a_copy_fills_what_the_old_one_lacks_and_keeps_the_rest():
    old = Tweet(id="1", created_at=DATE, text="hi", likes=3, handle="sam", lang="en")
    new = Tweet(id="1", created_at=DATE, likes=5, replies=1)
    assert merge(old, new) == Tweet(
        id="1", created_at=DATE, text="hi", likes=5, replies=1, handle="sam", lang="en"
    )


def test_a_copy_with_another_text_brings_its_own_entities_and_display():
    old = Tweet(
        id="1",
        created_at=DATE,
        text="hi @ada https://t.co/x",
        display=[0, 7],
        mentions=[Mention(start=3, end=7, handle="ada")],
        hashtags=[Hashtag(start=0, end=2, tag="hi")],
        urls=[Url(start=8, end=22, url="https://t.co/x")],
    )
    new = Tweet(id="1", created_at=DATE, text="hello @ada")
    assert merge(old, new) == Tweet(id="1", created_at=DATE, text="hello @ada")
    same = Tweet(id="1", created_at=DATE, text="hi @ada https://t.co/x")
    merged = merge(old, same)
    assert merged.display is msgspec.UNSET
    assert merged.mentions == old.mentions and merged.urls == old.urls
    assert merged.hashtags == old.hashtags


def test_a_copy_with_another_text_places_the_old_media_in_it():
    link = "https://t.co/p"
    old = Tweet(
        id="1",
        created_at=DATE,
        text="pic " + link,
        media=[Media(type="photo", file="1-a.jpg", url=link, start=4, end=18)],
    )
    moved = merge(old, Tweet(id="1", created_at=DATE, text="a pic " + link))
    assert moved.media == [
        Media(type="photo", file="1-a.jpg", url=link, start=6, end=20)
    ]
    gone = merge(old, Tweet(id="1", created_at=DATE, text="no link now"))
    assert gone.media == [Media(type="photo", file="1-a.jpg", url=link)]


def test_an_api_copy_without_files_keeps_the_archives_photos():
    photo = Media(type="photo", file="1-a.jpg", url="https://pbs.example/a.jpg")
    old = Tweet(id="1", created_at=DATE, media=[photo])
    api = Tweet(
        id="1",
        created_at=DATE,
        media=[Media(type="photo", url="https://pbs.example/a.jpg")],
    )
    assert merge(old, api).media == [photo]
    other = Media(type="photo", file="1-b.jpg")
    assert merge(old, Tweet(id="1", created_at=DATE, media=[other])).media == [other]
    assert merge(Tweet(id="1", created_at=DATE), api).media == api.media


# --- ids of every network: which network, their order, their media names -----------


@pytest.mark.parametrize(
    ("tweet_id", "network"),
    [
        ("1626922779105759235", "x"),
        (1626922779105759235, "x"),  # an id the API gave as a number
        (ADA_POST, "bluesky"),
        (ADA_STATUS, "mastodon"),
        ("https://example.social:8443/@ada/109000000000000042", "mastodon"),
        ("AT://did:plc:ada5example6bsky7xyz/app.bsky.feed.post/3kada1", None),
        ("HTTPS://example.social/users/ada/statuses/1", None),
        ("http://example.social/users/ada/statuses/1", None),
        ("at://did:plc:ada5example6bsky7xyz/app.bsky.feed.like/3kada1", None),
        ("12a", None),
        ("", None),
        ("1" * 21, None),
    ],
)
def test_an_id_tells_its_network_by_its_shape_alone(tweet_id, network):
    assert network_of_id(tweet_id) == network


def test_a_stores_ids_sort_by_number_for_x_and_by_text_for_uris():
    x_ids = ["1000000000000000011", "99", "100"]
    assert sorted(x_ids, key=id_key) == ["99", "100", "1000000000000000011"]
    assert id_key("99") == 99
    uris = [ADA_STATUS, ADA_STATUS.replace("/ada/", "/Ada/"), ADA_STATUS + "9"]
    assert [id_key(u) for u in uris] == uris
    assert sorted(uris, key=id_key) == sorted(uris)


def test_ids_of_every_network_sort_together_x_first_by_number():
    ids = [ADA_STATUS, "100", ADA_POST, 99, "1000000000000000011"]
    assert sorted(ids, key=order_key) == [
        99,
        "100",
        "1000000000000000011",
        ADA_POST,
        ADA_STATUS,
    ]
    assert max(["9", "10"], key=order_key) == "10"


@pytest.mark.parametrize(
    ("tweet_id", "original", "name"),
    [
        ("1626922779105759235", "FpXyZ.jpg", "1626922779105759235-FpXyZ.jpg"),
        ("5", "https://pbs.twimg.com/media/FpXyZ.jpg", "5-FpXyZ.jpg"),
        ("5", "Xmas photo (1).JPG", "5-Xmas_photo__1_.JPG"),
        ("5", "caf\u00e9.png", "5-caf_.png"),
        ("5", ".htaccess", "5-htaccess"),
        ("5", "../../index/people.tsv", "5-people.tsv"),
        # A URI's media: a digest of the post's URI, stable from one fetch to the next.
        (
            ADA_POST,
            "bafkreigh2akiscaildc.jpeg",
            "170d14ecee5a1b7d-bafkreigh2akiscaildc.jpeg",
        ),
        (
            ADA_STATUS,
            "media_attachments/files/109/000/original/8f3a2b.png",
            "c9ebd32883922c9e-8f3a2b.png",
        ),
        (ADA_STATUS, "", "c9ebd32883922c9e-media"),
        (ADA_STATUS, "...", "c9ebd32883922c9e-media"),
        (ADA_STATUS, "a" * 100 + ".png", "c9ebd32883922c9e-" + "a" * 76 + ".png"),
    ],
)
def test_a_posts_media_file_name(tweet_id, original, name):
    assert media_name(tweet_id, original) == name
    assert is_media_name(name)


def test_a_record_from_a_mapping_leaves_empty_values_to_their_defaults():
    # Mastodon's JSON says null (or "") for what a status lacks.
    fields = {"id": ADA_STATUS, "network": "mastodon", "created_at": DATE}
    tweet = tweet_of({**fields, "reply_to_id": None, "text": "", "likes": 0})
    assert tweet == Tweet(id=ADA_STATUS, network="mastodon", created_at=DATE)
    assert encode(tweet) == (
        '{"id":"' + ADA_STATUS + '","created_at":"' + DATE + '","network":"mastodon"}'
    )


def test_a_record_from_a_bad_mapping_is_refused_naming_the_post_and_field():
    fields = {"id": ADA_STATUS, "network": "mastodon", "created_at": DATE}
    with pytest.raises(BadRecord) as raised:
        tweet_of({**fields, "likes": "3"})
    assert str(raised.value) == (
        "tweet record 'https://example.social/users/a': "
        "field 'likes' is not a whole number"
    )
    with pytest.raises(BadRecord) as raised:
        tweet_of({**fields, "id": ADA_POST})
    assert str(raised.value) == (
        "tweet record 'at://did:plc:ada5example6bsky7': field 'id' is not a status "
        "URI (https://instance/users/name/statuses/…)"
    )


@pytest.mark.parametrize("network", ["myspace", "X", ["bluesky"], None])
def test_a_record_of_an_unknown_network_is_refused_when_it_is_made(network):
    with pytest.raises(BadRecord) as raised:
        Tweet(id="1", created_at=DATE, network=network)
    assert str(raised.value) == (
        "field 'network' is not one of 'x', 'bluesky', 'mastodon'"
    )
