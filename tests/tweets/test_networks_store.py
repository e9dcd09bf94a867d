"""One store folder, several networks: X at its root, Bluesky and Mastodon beside it,
each with its own owner, index and media; ids that tell their network."""

import json

import pytest
from tweets_support import snapshot

from pelican.plugins.rapport_tweets.networks import (
    NetworkReaders,
    account_network,
    open_store,
)
from pelican.plugins.rapport_tweets.record import (
    BadRecord,
    StoreError,
    decode,
    encode,
    is_media_name,
    media_name,
    network_of_id,
    tweet_of,
)

DID_OWNER = "did:plc:owner7sam3sample4ex"
DID_ADA = "did:plc:ada5example6bsky7xyz"


def at_uri(did, rkey):
    return f"at://{did}/app.bsky.feed.post/{rkey}"


def status(user, number, instance="example.social"):
    return f"https://{instance}/users/{user}/statuses/{number}"


BSKY_ADA_POST = {
    "id": at_uri(DID_ADA, "3kada1"),
    "network": "bluesky",
    "created_at": "2024-03-02T10:00:00Z",
    "user_id": DID_ADA,
    "handle": "ada.bsky.social",
    "name": "Ada Example",
    "text": "@sam.example.com coffee next week?",
    "mentions": [{"start": 0, "end": 16, "handle": "sam.example.com", "id": DID_OWNER}],
}
BSKY_OWNER_REPLY = {
    "id": at_uri(DID_OWNER, "3ksam2"),
    "network": "bluesky",
    "created_at": "2024-03-02T11:00:00Z",
    "user_id": DID_OWNER,
    "handle": "sam.example.com",
    "text": "Yes! Tuesday?",
    "reply_to_id": at_uri(DID_ADA, "3kada1"),
    "reply_to_user_id": DID_ADA,
    "reply_to_handle": "ada.bsky.social",
    "conversation_id": at_uri(DID_ADA, "3kada1"),
    "likes": 3,
}
MASTODON_OWNER_POST = {
    "id": status("sam", "111000000000000001", "sample.social"),
    "network": "mastodon",
    "created_at": "2023-05-01T09:00:00Z",
    "user_id": "https://sample.social/users/sam",
    "handle": "sam@sample.social",
    "text": "@ada meetup on Friday, who is in?",
    "mentions": [{"start": 0, "end": 4, "handle": "ada@example.social"}],
    "likes": 7,
}
MASTODON_ADA_REPLY = {
    "id": status("ada", "109000000000000042"),
    "network": "mastodon",
    "created_at": "2023-05-01T10:30:00Z",
    "user_id": "https://example.social/users/ada",
    "handle": "ada@example.social",
    "text": "@sam count me in",
    "reply_to_id": status("sam", "111000000000000001", "sample.social"),
    "reply_to_handle": "sam@sample.social",
    "mentions": [{"start": 0, "end": 4, "handle": "sam@sample.social"}],
}


def fill(root):
    bluesky = open_store(root, "bluesky")
    with bluesky.update() as update:
        update.set_owner({"id": DID_OWNER, "handle": "sam.example.com"})
        update.add(tweet_of(BSKY_ADA_POST))
        update.add(tweet_of(BSKY_OWNER_REPLY))
    mastodon = open_store(root, "mastodon")
    with mastodon.update() as update:
        update.set_owner(
            {"id": "https://sample.social/users/sam", "handle": "sam@sample.social"}
        )
        update.add(tweet_of(MASTODON_OWNER_POST))
        update.add(tweet_of(MASTODON_ADA_REPLY))


def test_an_x_line_never_names_its_network():
    x = tweet_of({"id": "12", "network": "x", "created_at": "2020-01-01T00:00:00Z"})
    line = encode(x)
    assert line == '{"id":"12","created_at":"2020-01-01T00:00:00Z"}'
    assert '"network":"bluesky"' in encode(tweet_of(BSKY_ADA_POST))


@pytest.mark.parametrize(
    "record, why",
    [
        ({**BSKY_ADA_POST, "id": "12345"}, "field 'id' is not a post's AT URI"),
        ({**BSKY_ADA_POST, "network": "x"}, "field 'id' is not a string of digits"),
        ({**MASTODON_ADA_REPLY, "id": "at://x"}, "field 'id' is not a status URI"),
        ({**MASTODON_ADA_REPLY, "network": "myspace"}, "field 'network' is not one"),
    ],
)
def test_each_network_checks_its_own_ids(record, why):
    with pytest.raises(BadRecord, match=why):
        encode(tweet_of(record))
    with pytest.raises(StoreError, match=f"f, line 2: {why}"):
        line = {k: record[k] for k in ("id", "network", "created_at")}
        decode(json.dumps(line), "f", 2)


def test_ids_tell_their_network():
    assert network_of_id("1000000000000000011") == "x"
    assert network_of_id(BSKY_ADA_POST["id"]) == "bluesky"
    assert network_of_id(MASTODON_ADA_REPLY["id"]) == "mastodon"
    assert network_of_id('https://a.example/"><script>') is None
    assert [account_network(k) for k in ("ada", "ada.bsky.social", DID_ADA)] == [
        "x",
        "bluesky",
        "bluesky",
    ]
    assert account_network("ada@example.social") == "mastodon"


def test_media_names_are_plain_for_any_id():
    for tweet_id in (BSKY_ADA_POST["id"], MASTODON_ADA_REPLY["id"], "123"):
        for original in ("bafkrei.jpg", "../../index/people.tsv", "a/b/c d.png", ""):
            name = media_name(tweet_id, original)
            assert is_media_name(name), name
    assert media_name("123", "photo.jpg") == "123-photo.jpg"  # X names as before
    assert media_name(BSKY_ADA_POST["id"], "x.jpg") != media_name(
        BSKY_OWNER_REPLY["id"], "x.jpg"
    )


def test_networks_live_beside_the_x_store_which_stays_byte_identical(
    sample_store,
):
    before = snapshot(sample_store)
    fill(sample_store)
    after = snapshot(sample_store)
    assert {k: v for k, v in after.items() if k in before} == before
    added = sorted(set(after) - set(before))
    assert "bluesky/tweets/2024.jsonl" in added
    assert "mastodon/index/people.tsv" in added
    assert all(k.startswith(("bluesky/", "mastodon/")) for k in added)


def test_a_store_takes_only_its_own_network(tmp_path):
    store = open_store(tmp_path, "mastodon")
    refused = pytest.raises(
        BadRecord, match="a bluesky post cannot go into the mastodon"
    )
    with refused, store.update() as update:
        update.add(tweet_of(BSKY_ADA_POST))
    assert not (tmp_path / "mastodon" / "tweets").exists()


def test_readers_find_posts_and_people_of_every_network(sample_store):
    fill(sample_store)
    readers = NetworkReaders(sample_store)
    assert readers.networks() == ["x", "bluesky", "mastodon"]
    assert readers.get(BSKY_OWNER_REPLY["id"]).likes == 3
    assert readers.get(MASTODON_ADA_REPLY["id"]).handle == "ada@example.social"
    assert readers.get("1000000000000000011").id == "1000000000000000011"
    assert readers.get(at_uri(DID_ADA, "missing")) is None
    assert readers.owner("bluesky")["id"] == DID_OWNER
    people = readers.people()
    by_handle = people.get("ada.bsky.social")
    assert by_handle and by_handle == people.get(DID_ADA)  # a handle or a DID
    assert {r[1] for r in by_handle} == {BSKY_ADA_POST["id"], BSKY_OWNER_REPLY["id"]}
    assert {r[1] for r in people.get("ada@example.social")} == {
        MASTODON_OWNER_POST["id"],
        MASTODON_ADA_REPLY["id"],
    }
    # one thread per conversation: the reply's key is its root
    assert {r[0] for r in people.get("ada@example.social")} == {
        MASTODON_OWNER_POST["id"]
    }
    highlights = {row[3] for row in readers.highlight_candidates()}
    assert MASTODON_OWNER_POST["id"] in highlights
    assert "1000000000000000011" in highlights or len(highlights) > 2
    readers.close()


def test_a_forgotten_uri_stays_out(tmp_path):
    fill(tmp_path)
    store = open_store(tmp_path, "mastodon")
    with store.update() as update:
        update.forget(MASTODON_ADA_REPLY["id"])
    assert MASTODON_ADA_REPLY["id"] in store.forgotten()
    with store.update() as update:
        assert update.add(tweet_of(MASTODON_ADA_REPLY)) == "forgotten"
    assert NetworkReaders(tmp_path).get(MASTODON_ADA_REPLY["id"]) is None
