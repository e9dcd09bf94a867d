"""Archive import: every layout, entity offsets, notes, media, errors."""

import json
import struct
import zipfile

import pytest
from tweets_support import snapshot

from pelican.plugins.rapport_tweets import archive as archive_mod
from pelican.plugins.rapport_tweets.archive import (
    ArchiveError,
    BadItem,
    import_archive,
    parse_created_at,
)
from pelican.plugins.rapport_tweets.reader import Reader


def _tweets(fx):
    return [
        fx.archive_tweet(
            fx.tid(1),
            "2019-01-02 03:04:05",
            "First 🎉 @adaexample & #tag https://t.co/aaaaaaaaaa",
            links={
                "https://t.co/aaaaaaaaaa": ("https://example.com/a", "example.com/a")
            },
        ),
        fx.archive_tweet(
            fx.tid(2),
            "2019-06-01 10:00:00",
            "@benplaceholder a reply 𝒜𝒷 @chloesample",
            reply_to=(fx.tid(900), "benplaceholder"),
            likes=3,
        ),
        fx.archive_tweet(
            fx.tid(3), "2020-02-29 23:59:59", "RT @chloesample: something worth sharing"
        ),
        fx.archive_tweet(
            fx.tid(4),
            "2020-03-01 00:00:00",
            "A photo https://t.co/pppppppppp",
            media=[
                {
                    "key": "77",
                    "basename": "Pic.png",
                    "alt": "Alt <text> & more",
                    "tco": "https://t.co/pppppppppp",
                }
            ],
        ),
    ]


LAYOUTS = [
    pytest.param(
        dict(layout="data", parts=1, wrapped=True, as_zip=False), id="folder-tweets.js"
    ),
    pytest.param(
        dict(layout="data", parts=3, wrapped=True, as_zip=True), id="zip-part-files"
    ),
    pytest.param(
        dict(layout="data", parts=2, wrapped=False, as_zip=False), id="unwrapped-parts"
    ),
    pytest.param(
        dict(layout="old", parts=1, wrapped=False, as_zip=True), id="old-tweet.js-zip"
    ),
    pytest.param(
        dict(layout="old", parts=2, wrapped=True, as_zip=False, manifest=False),
        id="old-parts-no-manifest",
    ),
]


@pytest.mark.parametrize("options", LAYOUTS)
def test_every_layout_gives_the_same_store(fixtures, tmp_path, options):
    media = {f"{fixtures.tid(4)}-Pic.png": fixtures.tiny_png()}
    reference = fixtures.write_archive(
        tmp_path / "ref", _tweets(fixtures), media_files=media
    )
    import_archive(reference, tmp_path / "store-ref")
    dest = tmp_path / ("a.zip" if options.get("as_zip") else "a")
    archive = fixtures.write_archive(
        dest, _tweets(fixtures), media_files=media, **options
    )
    summary = import_archive(archive, tmp_path / "store")
    assert summary.totals().read == 4 and summary.totals().new == 4
    assert summary.totals().media == 1
    assert len(summary.files) == options["parts"]
    assert snapshot(tmp_path / "store") == snapshot(tmp_path / "store-ref")


def test_records_hold_what_rendering_needs(fixtures, tmp_path):
    archive = fixtures.write_archive(
        tmp_path / "a",
        _tweets(fixtures),
        media_files={f"{fixtures.tid(4)}-Pic.png": b"png"},
    )
    import_archive(archive, tmp_path / "store")
    reader = Reader(tmp_path / "store")
    first = reader.get(fixtures.tid(1))
    text = first.text
    assert text == "First 🎉 @adaexample & #tag https://t.co/aaaaaaaaaa"  # unescaped
    (mention,) = first.mentions
    assert text[mention.start : mention.end] == "@adaexample"
    (tag,) = first.hashtags
    assert text[tag.start : tag.end] == "#tag"  # after the emoji and the &
    (url,) = first.urls
    assert (url.expanded, url.display) == (
        "https://example.com/a",
        "example.com/a",
    )
    assert first.created_at == "2019-01-02T03:04:05Z"
    reply = reader.get(fixtures.tid(2))
    assert reply.reply_to_handle == "benplaceholder" and reply.likes == 3
    assert reply.text[reply.display[0] :].startswith("a reply")
    second = reply.mentions[1]
    assert reply.text[second.start : second.end] == "@chloesample"  # after astral chars
    assert reader.get(fixtures.tid(3)).retweet is True
    (photo,) = reader.get(fixtures.tid(4)).media
    assert (
        photo.file == f"{fixtures.tid(4)}-Pic.png" and photo.alt == "Alt <text> & more"
    )
    assert (tmp_path / "store" / "media" / photo.file).read_bytes() == b"png"
    assert reader.owner() == fixtures.OWNER


def test_media_in_the_older_tweet_media_folder(fixtures, tmp_path):
    archive = fixtures.write_archive(
        tmp_path / "a",
        _tweets(fixtures),
        layout="old",
        media_files={f"{fixtures.tid(4)}-Pic.png": b"old"},
    )
    assert (archive / "tweet_media").is_dir()
    summary = import_archive(archive, tmp_path / "store")
    assert summary.totals().media == 1
    assert (
        tmp_path / "store" / "media" / f"{fixtures.tid(4)}-Pic.png"
    ).read_bytes() == b"old"


def test_long_post_is_whole_from_note_tweet(fixtures, tmp_path):
    whole = (
        "A long post "
        + "with many words " * 30
        + "and @adaexample at the end #longread"
    )
    truncated = whole[:270] + "… https://t.co/nnnnnnnnnn"
    tweet = fixtures.archive_tweet(fixtures.tid(5), "2023-06-08 00:51:01", truncated)
    start = whole.index("@adaexample")
    note = {
        "noteTweetId": "555",
        "createdAt": "2023-06-08T00:51:01.000Z",
        "updatedAt": "2023-06-08T00:51:01.000Z",
        "core": {
            "text": whole,
            "mentions": [
                {
                    "screenName": "adaexample",
                    "fromIndex": str(start),
                    "toIndex": str(start + 11),
                }
            ],
            "hashtags": [
                {
                    "text": "longread",
                    "fromIndex": str(len(whole) - 9),
                    "toIndex": str(len(whole)),
                }
            ],
            "urls": [],
        },
    }
    archive = fixtures.write_archive(tmp_path / "a", [tweet], notes=[note])
    import_archive(archive, tmp_path / "store")
    record = Reader(tmp_path / "store").get(fixtures.tid(5))
    assert record.text == whole
    m = record.mentions[0]
    assert record.text[m.start : m.end] == "@adaexample"


def test_importing_twice_is_byte_identical_and_counts_nothing_new(fixtures, tmp_path):
    archive = fixtures.write_sample(tmp_path / "sample")
    import_archive(archive, tmp_path / "store")
    before = snapshot(tmp_path / "store")
    again = import_archive(
        fixtures.zip_folder(archive, tmp_path / "sample.zip"), tmp_path / "store"
    )
    assert again.totals().new == 0 and again.totals().updated == 0
    assert snapshot(tmp_path / "store") == before


def test_checked_in_sample_archive_is_what_the_builder_writes(fixtures, tmp_path):
    written = fixtures.write_sample(tmp_path / "sample")
    assert snapshot(written) == snapshot(fixtures.SAMPLE)


def test_created_at_formats():
    assert parse_created_at("Sat Feb 18 12:33:11 +0000 2023") == "2023-02-18T12:33:11Z"
    assert parse_created_at("Sat Feb 18 13:33:11 +0100 2023") == "2023-02-18T12:33:11Z"
    assert parse_created_at("2023-02-18T12:33:11.000Z") == "2023-02-18T12:33:11Z"
    # No offset means UTC, whatever the importing machine's time zone.
    assert parse_created_at("2023-02-18T12:33:11") == "2023-02-18T12:33:11Z"
    assert parse_created_at("Mon Jan 01 00:00:00 +0000 999") == "0999-01-01T00:00:00Z"


@pytest.mark.parametrize(
    "value",
    [
        "Sat Feb 31 12:33:11 +0000 2023",
        "Sat Feb 00 12:33:11 +0000 2023",
        "Sat Feb 18 12:33:11 +0000 -1",
        "Sat Feb 18 12:33:11 +0000 0",
        "Sat Feb 18 25:00:00 +0000 2023",
        "Sat Feb 18 12:33 +0000 2023",
        "Sat Feb ١٨ 12:33:11 +0000 2023",
        "0001-01-01T00:00:00+01:00",
        "yesterday",
        "",
        7,
        None,
    ],
)
def test_impossible_created_at_is_a_bad_item(value):
    with pytest.raises(BadItem, match="is not a real date"):
        parse_created_at(value)


def test_item_with_an_impossible_date_is_a_counted_warning(fixtures, tmp_path):
    tweet = {"created_at": "Sat Feb 31 12:33:11 +0000 2023"}
    archive = _one_item_archive(fixtures, tmp_path / "a", tweet)
    summary = import_archive(archive, tmp_path / "store")
    assert summary.totals().skipped == 1 and summary.totals().new == 0
    assert summary.warnings == [
        "data/tweets.js: item 1 skipped: its created_at 'Sat Feb 31 12:33:11 +0000 "
        "2023' is not a real date"
    ]


# --------------------------------------------------------------------------- errors


def test_truncated_zip_is_a_clear_error(fixtures, tmp_path):
    archive = fixtures.write_archive(tmp_path / "a.zip", _tweets(fixtures), as_zip=True)
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    with pytest.raises(ArchiveError, match="truncated"):
        import_archive(archive, tmp_path / "store")
    assert not (tmp_path / "store" / "tweets").exists()


def test_unknown_layout_names_what_it_found(tmp_path):
    folder = tmp_path / "not-an-archive"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "posts.json").write_text("[]")
    with pytest.raises(ArchiveError, match=r"unknown archive layout.*data/posts\.json"):
        import_archive(folder, tmp_path / "store")


def test_file_listed_in_manifest_but_missing(fixtures, tmp_path):
    archive = fixtures.write_archive(tmp_path / "a", _tweets(fixtures), parts=3)
    (archive / "data" / "tweets-part2.js").unlink()
    with pytest.raises(
        ArchiveError, match=r"tweets-part2\.js is listed in manifest\.js but missing"
    ):
        import_archive(archive, tmp_path / "store")


def test_unreadable_part_fails_and_leaves_the_store(fixtures, tmp_path):
    import_archive(fixtures.write_sample(tmp_path / "sample"), tmp_path / "store")
    before = snapshot(tmp_path / "store")
    archive = fixtures.write_archive(tmp_path / "a", _tweets(fixtures), parts=2)
    part = archive / "data" / "tweets-part1.js"
    part.write_text(part.read_text()[:-40])
    with pytest.raises(ArchiveError, match=r"tweets-part1\.js: unreadable at line \d+"):
        import_archive(archive, tmp_path / "store")
    assert snapshot(tmp_path / "store") == before
    assert not (tmp_path / "store" / ".lock").exists()


def test_not_a_ytd_file(fixtures, tmp_path):
    archive = fixtures.write_archive(tmp_path / "a", _tweets(fixtures))
    (archive / "data" / "tweets.js").write_text(json.dumps([{"tweet": {}}]))
    with pytest.raises(ArchiveError, match=r"window\.YTD"):
        import_archive(archive, tmp_path / "store")


def test_no_owner_is_an_error(fixtures, tmp_path):
    archive = fixtures.write_archive(
        tmp_path / "a", _tweets(fixtures), account=False, manifest=False
    )
    with pytest.raises(ArchiveError, match="owner of these tweets is unknown"):
        import_archive(archive, tmp_path / "store")


def test_odd_items_are_counted_warnings(fixtures, tmp_path):
    archive = fixtures.write_archive(
        tmp_path / "a", [*_tweets(fixtures), {"unexpected": True}]
    )
    summary = import_archive(archive, tmp_path / "store")
    assert summary.totals().skipped == 1 and summary.totals().new == 4
    assert any("item 5 skipped" in w for w in summary.warnings)


def test_zip_with_an_enclosing_folder(fixtures, tmp_path):
    folder = fixtures.write_archive(tmp_path / "a", _tweets(fixtures))
    zipped = tmp_path / "nested.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, "twitter-2024/" + path.relative_to(folder).as_posix())
    assert import_archive(zipped, tmp_path / "store").totals().new == 4


def _one_item_archive(fx, root, tweet):
    """An archive whose tweets.js holds the sample's first tweet changed by ``tweet``."""
    item = {**fx.archive_tweet(fx.tid(1), "2019-01-02 03:04:05", "hello"), **tweet}
    archive = fx.write_archive(root, [], manifest=False)
    body = "window.YTD.tweets.part0 = " + json.dumps([{"tweet": item}])
    (archive / "data" / "tweets.js").write_text(body)
    return archive


@pytest.mark.parametrize("bad_id", ["", "abc", "-1", "1e5", "12 34", "١٢٣", "9" * 40])
def test_item_whose_id_is_not_a_number_is_a_counted_warning(fixtures, tmp_path, bad_id):
    archive = _one_item_archive(fixtures, tmp_path / "a", {"id_str": bad_id})
    summary = import_archive(archive, tmp_path / "store")
    assert summary.totals().skipped == 1 and summary.totals().new == 0
    assert summary.warnings == [
        f"data/tweets.js: item 1 skipped: its id {bad_id[:40]!r} is not a tweet id "
        "(digits, at most 20)"
    ]


def test_id_with_leading_zeros_is_stored_canonical(fixtures, tmp_path):
    archive = _one_item_archive(fixtures, tmp_path / "a", {"id_str": "0042"})
    import_archive(archive, tmp_path / "store")
    assert Reader(tmp_path / "store").get("42").id == "42"


@pytest.mark.parametrize("value", [[0], ["3"], "0 5", {"0": 5}])
def test_item_with_a_short_display_text_range_is_a_counted_warning(
    fixtures, tmp_path, value
):
    archive = _one_item_archive(fixtures, tmp_path / "a", {"display_text_range": value})
    summary = import_archive(archive, tmp_path / "store")
    assert summary.totals().skipped == 1 and summary.totals().new == 0
    assert "is not [start, end]" in summary.warnings[0]


def _patch_central_entry(zip_path, member, offset, value):
    """Overwrite a 2-byte field of ``member``'s central directory entry in the zip."""
    data = bytearray(zip_path.read_bytes())
    with zipfile.ZipFile(zip_path) as zf:
        names = [i.filename for i in zf.infolist()]
    at = data.find(b"PK\x01\x02")
    for name in names:  # central entries are in infolist() order
        name_len, extra_len, comment_len = struct.unpack(
            "<HHH", data[at + 28 : at + 34]
        )
        if name == member:
            data[at + offset : at + offset + 2] = struct.pack("<H", value)
            zip_path.write_bytes(bytes(data))
            return
        at += 46 + name_len + extra_len + comment_len
    raise AssertionError(f"{member} not in {zip_path}")


@pytest.mark.parametrize(
    ("field", "value", "advice"),
    [
        (10, 9, "Deflate64.*Extract the zip and pass the folder"),  # method 9
        (8, 1, "encrypted.*Extract it with its password"),  # flag bit 0
    ],
    ids=["deflate64", "encrypted"],
)
def test_zip_python_cannot_read_says_to_extract_it(
    fixtures, tmp_path, field, value, advice
):
    archive = fixtures.write_archive(tmp_path / "a.zip", _tweets(fixtures), as_zip=True)
    _patch_central_entry(archive, "data/tweets.js", field, value)
    with pytest.raises(
        ArchiveError, match=rf"a\.zip: data/tweets\.js cannot be read.*{advice}"
    ):
        import_archive(archive, tmp_path / "store")
    assert snapshot(tmp_path / "store") == {}


def test_damaged_deflate_data_is_an_archive_error(fixtures, tmp_path):
    archive = fixtures.write_archive(tmp_path / "a.zip", _tweets(fixtures), as_zip=True)
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo("data/tweets.js")
    data = bytearray(archive.read_bytes())
    name_len, extra_len = struct.unpack(
        "<HH", data[info.header_offset + 26 : info.header_offset + 30]
    )
    data[info.header_offset + 30 + name_len + extra_len] = 0xFF  # invalid block type
    archive.write_bytes(bytes(data))
    with pytest.raises(ArchiveError, match=r"data/tweets\.js cannot be read.*damaged"):
        import_archive(archive, tmp_path / "store")
    assert snapshot(tmp_path / "store") == {}


@pytest.mark.parametrize("vanishing", ["tweets-part1.js", "photo"])
def test_archive_folder_that_vanishes_mid_import(
    fixtures, tmp_path, monkeypatch, vanishing
):
    """A part file or photo deleted after the folder was listed: an ArchiveError."""
    import_archive(fixtures.write_sample(tmp_path / "sample"), tmp_path / "store")
    before = snapshot(tmp_path / "store")
    media = {f"{fixtures.tid(4)}-Pic.png": fixtures.tiny_png()}
    archive = fixtures.write_archive(
        tmp_path / "a", _tweets(fixtures), parts=2, media_files=media
    )
    real_open_source = archive_mod._open_source

    def open_then_delete(path):
        source = real_open_source(path)
        victim = (
            archive / "data" / vanishing
            if vanishing.endswith(".js")
            else next((archive / "data" / "tweets_media").iterdir())
        )
        victim.unlink()
        return source

    monkeypatch.setattr(archive_mod, "_open_source", open_then_delete)
    with pytest.raises(ArchiveError, match=r"cannot be read.*Keep the archive folder"):
        import_archive(archive, tmp_path / "store")
    assert snapshot(tmp_path / "store") == before


def test_item_that_would_make_a_bad_store_line_is_a_counted_warning(fixtures, tmp_path):
    tweet = {
        "entities": {
            "user_mentions": [
                {"screen_name": "adaexample", "indices": [0, 11], "id_str": 7}
            ]
        },
        "full_text": "@adaexample hi",
    }
    archive = _one_item_archive(fixtures, tmp_path / "a", tweet)
    summary = import_archive(archive, tmp_path / "store")
    assert summary.totals().skipped == 1 and summary.totals().new == 0
    assert "mentions entry 1: 'id' is not a string" in summary.warnings[0]
