"""Bluesky repository exports (CAR files written in the real format) read into store
records: posts, replies, quotes, images with alt text, facets on emoji text; other
collections counted, deleted records left out, damaged files a clear error."""

from collections import Counter

import bluesky_car as bc
import libipld
import msgspec
import pytest
from bluesky_car import cid_of, rewrite_car
from hypothesis import given, settings
from hypothesis import strategies as st

from pelican.plugins.rapport_tweets.bluesky.car import CarError, read_car
from pelican.plugins.rapport_tweets.bluesky.post import records_from_repo

OWNER, OTHER, POST, PHOTO = bc.OWNER, bc.OTHER, bc.POST, bc.PHOTO
post = bc.post


@pytest.fixture
def export(tmp_path):
    return bc.write_sample_export(tmp_path / "repo.car")


def test_export_gives_one_record_per_post_with_others_counted(export):
    repo = read_car(export)
    counts = Counter()
    records = {
        r.id.rsplit("/", 1)[1]: msgspec.to_builtins(r)
        for r in records_from_repo(repo, "sam.example", counts)
    }
    assert repo.did == OWNER
    assert sorted(records) == [
        "3kaaaaaaaaa22",
        "3kbbbbbbbbb22",
        "3kccccccccc22",
        "3kddddddddd22",
        "3keeeeeeeee22",
    ]
    assert counts["posts skipped"] == 1  # its text is a number
    assert repo.others == Counter(
        {
            "app.bsky.actor.profile": 1,
            "app.bsky.feed.like": 1,
            "app.bsky.feed.repost": 1,
            "app.bsky.graph.follow": 1,
        }
    )
    assert not any("deleted" in r["text"] for r in records.values())
    first = records["3kaaaaaaaaa22"]
    assert first["id"] == f"at://{OWNER}/{POST}/3kaaaaaaaaa22"
    assert (first["network"], first["user_id"], first["handle"], first["name"]) == (
        "bluesky",
        OWNER,
        "sam.example",
        "Sam Sample",
    )
    assert first["created_at"] == "2024-03-05T10:11:12Z"
    assert first["lang"] == "de"
    (url,) = first["urls"]
    assert first["text"][url["start"] : url["end"]] == "example.com/x"
    (tag,) = first["hashtags"]
    assert first["text"][tag["start"] : tag["end"]] == "#café" and tag["tag"] == "café"


def test_replies_and_quotes_point_at_uris(export):
    records = {
        r.id.rsplit("/", 1)[1]: msgspec.to_builtins(r)
        for r in records_from_repo(read_car(export), "sam.example")
    }
    first = f"at://{OWNER}/{POST}/3kaaaaaaaaa22"
    theirs = f"at://{OTHER}/{POST}/3kotherroot22"
    own = records["3kbbbbbbbbb22"]
    assert (
        own["reply_to_id"],
        own["conversation_id"],
        own["reply_to_user_id"],
        own["reply_to_handle"],
    ) == (first, first, OWNER, "sam.example")
    reply = records["3kccccccccc22"]
    assert (
        reply["reply_to_id"],
        reply["conversation_id"],
        reply["reply_to_user_id"],
        reply["reply_to_handle"],
    ) == (theirs, theirs, OTHER, "other.example")  # from its @mention
    assert reply["created_at"] == "2024-03-06T07:00:00Z"  # +01:00 in UTC
    (m,) = reply["mentions"]
    assert (m["handle"], m["id"], m["start"], m["end"]) == (
        "other.example",
        OTHER,
        0,
        14,
    )
    assert records["3kddddddddd22"]["quote_of"] == theirs
    assert not records["3kddddddddd22"].get("media")
    assert "reply_to_handle" not in records["3kddddddddd22"]


def test_images_keep_alt_text_aspect_ratio_and_blob_cid(export):
    records = {
        r.id.rsplit("/", 1)[1]: msgspec.to_builtins(r)
        for r in records_from_repo(read_car(export))
    }
    rec = records["3keeeeeeeee22"]
    assert rec["quote_of"] == f"at://{OTHER}/{POST}/3kotherroot22"
    first, second = rec["media"]
    cid = libipld.encode_cid(cid_of(PHOTO, 0x55))
    assert first == {
        "type": "photo",
        "alt": "A flat white on a zinc counter",
        "width": 4032,
        "height": 3024,
        "remote": f"https://cdn.bsky.app/img/feed_fullsize/plain/{OWNER}/{cid}@jpeg",
    }
    assert second["alt"] == "" and "width" not in second
    assert second["remote"].endswith(
        libipld.encode_cid(cid_of(PHOTO + b"2", 0x55)) + "@jpeg"
    )


@pytest.mark.parametrize(
    "damage",
    ["garbage", "truncated", "empty", "not a repo", "tree block missing"],
)
def test_damaged_export_is_one_clear_error_naming_the_file(export, tmp_path, damage):
    data = export.read_bytes()
    bad = tmp_path / "bad.car"
    if damage == "garbage":
        bad.write_bytes(b"PK\x03\x04 this is a zip, not a car" * 10)
    elif damage == "truncated":
        bad.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        bad.write_bytes(b"")
    elif damage == "not a repo":  # a CAR rooted at a post, not at a commit
        blocks = libipld.decode_car(data)[1]
        root = next(c for c, v in blocks.items() if v.get("$type") == POST)
        bad.write_bytes(rewrite_car(data, root=root))
    else:
        header, blocks = libipld.decode_car(data)
        tree = blocks[header["roots"][0]]["data"]
        bad.write_bytes(rewrite_car(data, drop={tree}))
    with pytest.raises(CarError) as err:
        read_car(bad)
    message = str(err.value)
    assert message.startswith(f"{bad}: ")
    assert "Export my data" in message
    assert "Traceback" not in message


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CarError, match=r"repo\.car: cannot read it"):
        read_car(tmp_path / "repo.car")


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_damage_is_a_car_error_or_records_never_a_traceback(tmp_path_factory, data):
    car = tmp_path_factory.getbasetemp() / "damaged" / "repo.car"
    if not car.exists():
        car.parent.mkdir(exist_ok=True)
        bc.write_sample_export(car.with_name("good.car"))
    good = car.with_name("good.car").read_bytes()
    damaged = bytearray(good)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(good) - 1))
        damaged[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(1, len(good)))
    car.write_bytes(bytes(damaged[:cut]))
    try:
        repo = read_car(car)
    except CarError as err:
        assert str(err).startswith(f"{car}: ")
    else:
        for record in records_from_repo(repo, "sam.example.com"):
            assert record.id.startswith(f"at://{repo.did}/")
