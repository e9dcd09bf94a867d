"""A store media `file` never leaves media/: refused on read, on copy and on import."""

import json
from pathlib import Path

import pytest
from pelican import Pelican
from pelican.settings import read_settings

from pelican.plugins.rapport_tweets.archive import import_archive
from pelican.plugins.rapport_tweets.record import (
    BadRecord,
    Media,
    StoreError,
    Tweet,
    decode,
    encode,
    is_media_name,
)

ROOT = Path(__file__).resolve().parents[2]
PHOTO_TWEET = "1000000000000000102"  # the sample store's tweet with a photo
GOOD = {"id": "5", "created_at": "2023-02-18T12:33:11Z", "text": "x"}
ESCAPES = [
    "../index/people.tsv",
    "/etc/passwd",
    "..",
    ".",
    "",
    "media\\..\\..\\index\\people.tsv",
    "C:people.tsv",
    "123-a\0.png",
    "sub/123-a.png",
]


@pytest.mark.parametrize("name", ESCAPES)
def test_a_media_name_that_leaves_the_folder_is_refused_on_read_and_write(name):
    record = {**GOOD, "media": [{"type": "photo", "file": name}]}
    with pytest.raises(StoreError, match=r"^s\.jsonl, line 7: media entry 1: 'file'"):
        decode(json.dumps(record), "s.jsonl", 7)
    assert not is_media_name(name)
    with pytest.raises(BadRecord, match="'file' is not a plain file name"):
        Media(type="photo", file=name)  # no source can make one
    with pytest.raises(BadRecord, match="media entry 1: 'file'"):
        encode(Tweet(**record))  # nor write one


def test_a_plain_media_name_is_kept():
    record = Tweet(**GOOD, media=[Media(type="photo", file="5-Pic..png")])
    assert decode(encode(record), "s.jsonl", 1).media[0].file == "5-Pic..png"


def _build(tmp_path, store):
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    settings = read_settings(
        str(ROOT / "pelicanconf.py"),
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(tmp_path / "output"),
            "CACHE_PATH": str(tmp_path / "cache"),
            "PLUGINS": [
                "pelican.plugins.rapport_site",
                "pelican.plugins.rapport_tweets",
            ],
            "TWEETS_STORE": str(store),
            "TWEETS_PINNED": [PHOTO_TWEET],
        },
    )
    Pelican(settings).run()
    return tmp_path / "output"


@pytest.mark.slow
def test_a_hand_edited_media_path_fails_the_build_and_copies_nothing(
    tmp_path, sample_store
):
    out = _build(tmp_path / "before", sample_store)
    assert (out / "twitter" / "media" / f"{PHOTO_TWEET}-SampleWhiteboard.png").is_file()
    shard = sample_store / "tweets" / "2013.jsonl"
    lines = shard.read_text(encoding="utf-8").splitlines()
    (lineno,) = [n for n, line in enumerate(lines, 1) if PHOTO_TWEET in line[:30]]
    record = json.loads(lines[lineno - 1])
    record["media"][0]["file"] = "../index/people.tsv"
    lines[lineno - 1] = json.dumps(record, separators=(",", ":"))
    shard.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(StoreError) as failed:
        _build(tmp_path / "after", sample_store)
    assert f"2013.jsonl, line {lineno}: media entry 1: 'file'" in str(failed.value)
    assert "people.tsv" not in str(failed.value)
    people_index = (sample_store / "index" / "people.tsv").read_bytes()
    written = [p for p in (tmp_path / "after").rglob("*") if p.is_file()]
    assert not any(p.name == "people.tsv" for p in written)
    assert not any(people_index in p.read_bytes() for p in written)


def test_an_archive_media_name_with_a_backslash_is_a_counted_warning(
    fixtures, tmp_path
):
    tid = fixtures.tid(4)
    sneaky = "..\\..\\index\\people.tsv"
    tweets = [
        fixtures.archive_tweet(1, "2019-01-02 03:04:05", "Plain"),
        fixtures.archive_tweet(
            tid,
            "2020-03-01 00:00:00",
            "A photo https://t.co/pppppppppp",
            media=[{"key": "7", "basename": sneaky, "tco": "https://t.co/pppppppppp"}],
        ),
    ]
    archive = fixtures.write_archive(
        tmp_path / "a", tweets, media_files={f"{tid}-{sneaky}": b"png"}
    )
    summary = import_archive(archive, tmp_path / "store")
    totals = summary.totals()
    assert (totals.read, totals.new, totals.skipped, totals.media) == (2, 1, 1, 0)
    (warning,) = summary.warnings
    assert "item 2 skipped" in warning and "media folder" in warning
    assert not (tmp_path / "store" / "media").exists() or not any(
        (tmp_path / "store" / "media").iterdir()
    )


def test_the_copy_refuses_a_name_that_leaves_the_folder(sample_store, tmp_path):
    from pelican.plugins.rapport_tweets.api import TweetsAPI
    from pelican.plugins.rapport_tweets.networks import NetworkReaders

    readers = NetworkReaders(sample_store)
    api = TweetsAPI(readers, {}, None, tmp_path / "output")
    with pytest.raises(StoreError, match="media file name leaves the media folder"):
        api._publish_media("../index/people.tsv", readers.store)
    assert not (tmp_path / "output").exists()
