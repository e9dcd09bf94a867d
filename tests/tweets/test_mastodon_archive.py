"""invoke mastodon.import: the account archive (zip or folder) into the Mastodon store."""

import json

import mastodon_archive as ma
import pytest
from tweets_support import network_lines, snapshot

from pelican.plugins.rapport_tweets.archive import ArchiveError
from pelican.plugins.rapport_tweets.mastodon import import_mastodon, is_public
from pelican.plugins.rapport_tweets.mastodon_html import parse_status_html
from pelican.plugins.rapport_tweets.networks import NetworkReaders


def test_only_public_and_unlisted_posts_enter_the_store(tmp_path):
    summary = import_mastodon(ma.write_folder(tmp_path / "a"), tmp_path / "store")
    assert (summary.read, summary.new, summary.private) == (7, 5, 2)
    records = network_lines(tmp_path / "store", "mastodon")
    assert ma.status_uri("110000000000000002") in records  # unlisted: public by URL
    assert ma.status_uri("110000000000000006") not in records  # followers only
    assert ma.status_uri("110000000000000007") not in records  # direct
    everything = b"".join(snapshot(tmp_path / "store").values())
    for secret in (ma.SECRET_DM, ma.SECRET_FOLLOWERS, "door code", "Leeds"):
        assert secret.encode() not in everything


@pytest.mark.parametrize(
    "to, cc, public",
    [
        ([ma.PUBLIC], [ma.FOLLOWERS], True),
        ([ma.FOLLOWERS], [ma.PUBLIC], True),  # unlisted
        (["as:Public"], [], True),  # the compacted form
        ([ma.FOLLOWERS], [], False),
        ([ma.ADA], [], False),
        (ma.PUBLIC, None, True),  # a single value, not a list
        (None, None, False),
    ],
)
def test_visibility_is_read_from_to_and_cc(to, cc, public):
    assert is_public(to, cc) is public


def test_the_zip_and_its_folder_give_the_same_store(tmp_path):
    import_mastodon(ma.write_zip(tmp_path / "a.zip"), tmp_path / "from-zip")
    import_mastodon(ma.write_folder(tmp_path / "a"), tmp_path / "from-folder")
    assert snapshot(tmp_path / "from-zip") == snapshot(tmp_path / "from-folder")


def test_importing_again_changes_nothing(tmp_path):
    archive = ma.write_zip(tmp_path / "a.zip")
    import_mastodon(archive, tmp_path / "store")
    before = snapshot(tmp_path / "store")
    summary = import_mastodon(archive, tmp_path / "store")
    assert (summary.new, summary.unchanged) == (0, 5)
    assert snapshot(tmp_path / "store") == before


def test_object_storage_paths_find_the_archive_media(tmp_path):
    import_mastodon(ma.write_zip(tmp_path / "a.zip"), tmp_path / "store")
    record = network_lines(tmp_path / "store", "mastodon")[
        ma.status_uri("110000000000000004")
    ]
    [photo] = record["media"]
    assert photo["type"] == "photo" and photo["alt"] == "An empty room"
    assert (photo["width"], photo["height"]) == (1200, 800)
    media = tmp_path / "store" / "mastodon" / "media" / photo["file"]
    assert media.read_bytes() == ma.PHOTO_BYTES
    assert "/" not in photo["file"]


def test_a_missing_attachment_is_a_counted_warning(tmp_path):
    contents = ma.files()
    del contents[ma.PHOTO_PATH]
    summary = import_mastodon(ma.write_folder(tmp_path / "a", contents), tmp_path / "s")
    assert summary.warnings == [
        "1 x an attachment missing from the archive (not shown)"
    ]
    assert summary.new == 5


def test_status_html_becomes_text_and_entities(tmp_path):
    import_mastodon(ma.write_folder(tmp_path / "a"), tmp_path / "store")
    record = network_lines(tmp_path / "store", "mastodon")[
        ma.status_uri("110000000000000001")
    ]
    text = record["text"]
    assert text == (
        "@ada meetup on Friday, who is in? #coffee :blobcoffee: 🎉\n\n"
        "Notes: https://example.com/meetups/2023/may/notes"
    )
    [mention], [tag], [url] = record["mentions"], record["hashtags"], record["urls"]
    assert text[mention["start"] : mention["end"]] == "@ada"
    assert mention["handle"] == "ada@example.social"
    assert text[tag["start"] : tag["end"]] == "#coffee" and tag["tag"] == "coffee"
    assert text[url["start"] : url["end"]] == url["expanded"]
    assert url["display"] == "example.com/meetups/2023/may/n…"
    line = (tmp_path / "store" / "mastodon" / "tweets" / "2023.jsonl").read_text()
    for gone in ("script", "alert", "evil.example", "blobcoffee.png", "<"):
        assert gone not in line


def test_offsets_count_code_points_after_emoji():
    text, mentions, hashtags, _urls = parse_status_html(
        '<p>🎉🎉 <a href="https://example.social/@ada" class="u-url mention">@'
        '<span>ada</span></a> &amp; <a href="https://x.social/tags/t" class="mention '
        'hashtag" rel="tag">#<span>t</span></a></p>'
    )
    assert text == "🎉🎉 @ada & #t"
    assert text[mentions[0]["start"] : mentions[0]["end"]] == "@ada"
    assert text[hashtags[0]["start"] : hashtags[0]["end"]] == "#t"


def test_a_reply_names_whom_it_answers_and_joins_their_conversations(tmp_path):
    import_mastodon(ma.write_folder(tmp_path / "a"), tmp_path / "store")
    reply = network_lines(tmp_path / "store", "mastodon")[
        ma.status_uri("110000000000000003")
    ]
    assert reply["created_at"] == "2023-05-03T09:30:00Z"  # +01:00 in the archive
    assert reply["reply_to_handle"] == "ada@example.social"
    people = NetworkReaders(tmp_path / "store").people()
    ids = {row[1] for row in people.get("ada@example.social")}
    assert ids == {ma.status_uri("110000000000000001"), reply["id"]}


def test_boosts_are_kept_out_of_highlights(tmp_path):
    summary = import_mastodon(ma.write_folder(tmp_path / "a"), tmp_path / "store")
    assert summary.boosts == 1
    record = network_lines(tmp_path / "store", "mastodon")[
        ma.status_uri("110000000000000005")
    ]
    assert record["retweet"] is True
    kinds = {
        row[3]: row[1]
        for row in NetworkReaders(tmp_path / "store").highlight_candidates()
    }
    assert kinds[record["id"]] == "retweet"
    people = (tmp_path / "store" / "mastodon" / "index" / "people.tsv").read_text()
    assert record["id"] not in people  # nor in anyone's conversations


def test_another_accounts_archive_is_refused(tmp_path):
    import_mastodon(ma.write_folder(tmp_path / "a"), tmp_path / "store")
    before = snapshot(tmp_path / "store")
    other = {
        **ma.ACTOR,
        "id": "https://other.social/users/zed",
        "preferredUsername": "zed",
    }
    archive = ma.write_folder(tmp_path / "b", ma.files(actor=other))
    with pytest.raises(ArchiveError, match=r"would mix two accounts.*--replace"):
        import_mastodon(archive, tmp_path / "store")
    assert snapshot(tmp_path / "store") == before
    summary = import_mastodon(archive, tmp_path / "store", replace=True)
    assert summary.replaced["posts"] == 5
    assert summary.replaced["owner"]["handle"] == "sam@sample.social"
    assert (
        NetworkReaders(tmp_path / "store").owner("mastodon")["handle"]
        == "zed@other.social"
    )


@pytest.mark.parametrize(
    "contents, words",
    [
        ({"notes.txt": b"hello"}, "not a Mastodon archive"),
        (
            {"outbox.json": b"{not json", "actor.json": json.dumps(ma.ACTOR).encode()},
            "outbox.json is not valid JSON",
        ),
        (
            {"outbox.json": b"{}", "actor.json": json.dumps(ma.ACTOR).encode()},
            "no orderedItems",
        ),
        ({"outbox.json": b"{}", "actor.json": b"{}"}, "actor.json names no account"),
    ],
)
def test_a_broken_archive_is_one_clear_error(tmp_path, contents, words):
    with pytest.raises(ArchiveError, match=words):
        import_mastodon(ma.write_folder(tmp_path / "a", contents), tmp_path / "store")
    assert not (tmp_path / "store" / "mastodon" / "tweets").exists()


def test_odd_items_are_counted_and_the_rest_kept(tmp_path):
    entries = [
        *ma.items(),
        "not an object",
        {"type": "Like"},
        ma.note("x", "<p>no id</p>", "soon"),
    ]
    entries[-1]["object"]["id"] = "urn:uuid:1"
    summary = import_mastodon(
        ma.write_folder(tmp_path / "a", {**ma.files(entries)}), tmp_path / "store"
    )
    assert summary.new == 5
    assert summary.warnings == [
        "1 x a post without a valid id or date (skipped)",
        "2 x an activity that is not a post or a boost (skipped)",
    ]
