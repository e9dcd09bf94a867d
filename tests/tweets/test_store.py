"""The store: format, determinism, atomic writes, corruption, locking, merging, lookups."""

import json
import logging
import os
import shutil
import subprocess
import sys

import msgspec
import pytest
from tweets_support import snapshot, tweet

from pelican.plugins.rapport_tweets import commit as commit_mod
from pelican.plugins.rapport_tweets.archive import ArchiveError, import_archive
from pelican.plugins.rapport_tweets.reader import Reader
from pelican.plugins.rapport_tweets.record import (
    FIELDS,
    BadRecord,
    StoreError,
    Tweet,
    decode,
    encode,
)
from pelican.plugins.rapport_tweets.store import Store


def test_lines_are_deterministic_with_id_first():
    record = {
        "text": "hé & <b>",
        "id": "5",
        "created_at": "2020-01-01T00:00:00Z",
        "likes": 0,
        "mentions": [{"start": 0, "handle": "x", "end": 2}],
    }
    line = encode(tweet(**record))
    assert line.startswith('{"id":"5",')
    assert line == encode(tweet(**dict(reversed(list(record.items())))))
    assert '"likes"' not in line  # empty values are left out
    assert '"start":0' in line  # but an offset of 0 stays
    assert decode(line, "f", 1).text == "hé & <b>"


def test_shards_by_year_sorted_by_id(sample_store):
    store = Store(sample_store)
    names = [p.name for p in store.shard_paths()]
    assert names == [
        "2012.jsonl",
        "2013.jsonl",
        "2014.jsonl",
        "2015.jsonl",
        "2016.jsonl",
    ]
    for path in store.shard_paths():
        ids = [int(json.loads(line)["id"]) for line in path.read_text().splitlines()]
        assert ids == sorted(ids)
        assert all(
            json.loads(line)["created_at"].startswith(path.stem)
            for line in path.read_text().splitlines()
        )


def test_reader_finds_every_tweet_by_binary_search(sample_store):
    everything = list(Store(sample_store).iter_records())
    reader = Reader(sample_store)
    for record in everything:
        assert reader.get(record.id) == record
    assert reader.get("1000000000000000001") is None
    assert reader.get("1000000000000000100") is None
    reader.close()


def test_failure_mid_write_leaves_the_old_store_byte_identical(
    sample_store, fixtures, tmp_path, monkeypatch
):
    before = snapshot(sample_store)
    real_prepare = commit_mod.write_temp
    calls = []

    def failing_prepare(path, text):
        calls.append(path)
        if len(calls) == 3:
            raise OSError("disk full")
        return real_prepare(path, text)

    monkeypatch.setattr(commit_mod, "write_temp", failing_prepare)
    tweet = fixtures.archive_tweet(fixtures.tid(999), "2016-12-31 10:00:00", "new one")
    archive = fixtures.write_archive(tmp_path / "a", [tweet])
    with pytest.raises(OSError, match="disk full"):
        import_archive(archive, sample_store)
    assert len(calls) == 3
    assert snapshot(sample_store) == before  # no temp files left either


def test_corrupt_line_names_file_and_line(sample_store):
    shard = sample_store / "tweets" / "2013.jsonl"
    lines = shard.read_text().splitlines()
    lines[2] = lines[2][:-5]
    shard.write_text("\n".join(lines) + "\n")
    with pytest.raises(StoreError, match=r"2013\.jsonl, line 3: not valid JSON"):
        list(Store(sample_store).iter_records())
    with pytest.raises(StoreError, match=r"2013\.jsonl, line 3"):
        Store(sample_store).reindex()


def test_unsorted_lines_are_an_error(sample_store):
    shard = sample_store / "tweets" / "2012.jsonl"
    lines = shard.read_text().splitlines()
    shard.write_text("\n".join([lines[1], lines[0], *lines[2:]]) + "\n")
    with pytest.raises(StoreError, match=r"2012\.jsonl, line 2: ids must be sorted"):
        list(Store(sample_store).iter_records())


def test_reindex_sorts_a_shard_out_of_order_as_its_error_says(sample_store):
    shard = sample_store / "tweets" / "2012.jsonl"
    lines = shard.read_text().splitlines()
    shard.write_text("\n".join([lines[1], lines[0], *lines[2:]]) + "\n")
    with pytest.raises(StoreError, match=r"Run `invoke tweets\.reindex` to sort"):
        list(Store(sample_store).iter_records())
    Store(sample_store).reindex()
    assert shard.read_text().splitlines() == lines
    assert list(Store(sample_store).iter_records())  # read without an error


def test_a_post_stored_twice_is_named_and_not_resorted_away(sample_store):
    shard = sample_store / "tweets" / "2012.jsonl"
    lines = shard.read_text().splitlines()
    shard.write_text("\n".join([lines[0], *lines]) + "\n")
    twice = r"2012\.jsonl, line 2: post \d+ is stored twice\. Delete one"
    with pytest.raises(StoreError, match=twice):
        list(Store(sample_store).iter_records())
    later = sample_store / "tweets" / "2099.jsonl"
    shard.write_text("\n".join(lines) + "\n")
    later.write_text(lines[0] + "\n")
    with pytest.raises(
        StoreError, match=r"2012\.jsonl, line 1, and .*2099\.jsonl, line 1"
    ):
        Store(sample_store).reindex()
    assert later.read_text() == lines[0] + "\n"  # nothing was written


def test_second_import_meets_the_lock(sample_store):
    store = Store(sample_store)
    busy = pytest.raises(StoreError, match="another import or fetch is running")
    with store.lock(), busy:
        Store(sample_store).lock().__enter__()
    assert not store.lock_path.exists()


def test_forget_survives_a_later_import(sample_store, fixtures, tmp_path):
    victim = str(fixtures.tid(14))
    with Store(sample_store).update() as update:
        update.forget(victim)
    assert Reader(sample_store).get(victim) is None
    assert victim in (sample_store / "forgotten.txt").read_text()
    summary = import_archive(fixtures.write_sample(tmp_path / "s"), sample_store)
    assert summary.totals().skipped == 1 and summary.totals().new == 0
    assert Reader(sample_store).get(victim) is None


def test_archive_and_api_copies_merge_without_duplicates(sample_store):
    store = Store(sample_store)
    tweet_id = "1000000000000000301"
    before = Reader(sample_store).get(tweet_id)
    api_copy = tweet(
        id=tweet_id,
        created_at=before.created_at,
        user_id=before.user_id,
        handle="samsample",
        text=before.text,
        likes=95,
        media=[{"type": "photo", "remote": "https://pbs.twimg.com/x.jpg"}],
    )
    with store.update() as update:
        assert update.add(api_copy) == "updated"
    after = Reader(sample_store).get(tweet_id)
    assert after.likes == 95 and after.hashtags == before.hashtags
    all_ids = [r.id for r in store.iter_records()]
    assert len(all_ids) == len(set(all_ids))


def test_api_media_does_not_replace_archive_photos(sample_store):
    store = Store(sample_store)
    tweet_id = "1000000000000000102"
    record = Reader(sample_store).get(tweet_id)
    api_media = tweet(
        id=tweet_id,
        created_at=record.created_at,
        media=[{"type": "photo", "remote": "https://pbs.twimg.com/y.jpg"}],
    ).media
    with store.update() as update:
        update.add(msgspec.structs.replace(record, media=api_media))
    assert (
        Reader(sample_store)
        .get(tweet_id)
        .media[0]
        .file.endswith("SampleWhiteboard.png")
    )


def test_hand_edited_store_falls_back_with_a_warning(sample_store, caplog):
    shard = sample_store / "tweets" / "2016.jsonl"
    shard.write_text(shard.read_text().replace("Four years", "Four whole years"))
    reader = Reader(sample_store)
    with caplog.at_level(logging.WARNING):
        record = reader.get("1000000000000000301")
    assert record.text.startswith("Four whole years")
    assert "invoke tweets.reindex" in caplog.text
    Store(sample_store).reindex()
    caplog.clear()
    assert Reader(sample_store).get("1000000000000000301").text.startswith("Four whole")
    assert "out of date" not in caplog.text


def test_temp_files_never_stay_behind(sample_store):
    Store(sample_store).reindex()
    assert not [p for p in sample_store.rglob("*") if p.name.endswith(".tmp")]
    assert not os.path.exists(sample_store / ".lock")


GOOD_LINE = {"id": "5", "created_at": "2023-02-18T12:33:11Z", "text": "hi"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"created_at": None}, "created_at"),
        ({"created_at": 7}, "created_at"),
        ({"created_at": "2023-02-31T00:00:00Z"}, "created_at"),
        ({"created_at": "18 Feb 2023"}, "created_at"),
        ({"id": 5}, "id"),
        ({"text": None}, "text"),
        ({"handle": ["x"]}, "handle"),
        ({"likes": "12"}, "likes"),
        ({"likes": True}, "likes"),
        ({"retweet": 1}, "retweet"),
        ({"display": [0]}, "display"),
        ({"mentions": {"handle": "x"}}, "mentions"),
        ({"mentions": ["x"]}, "mentions entry 1"),
        ({"mentions": [{"start": 0, "end": 2}]}, "mentions entry 1 has no 'handle'"),
        ({"hashtags": [{"tag": "x", "start": "0"}]}, "hashtags entry 1: 'start'"),
        ({"media": [{"file": None}]}, "media entry 1: 'file'"),
        ({"colour": "red"}, "unknown field 'colour'"),
    ],
)
def test_decode_names_the_line_and_the_bad_field(change, field):
    line = json.dumps({**GOOD_LINE, **change})
    with pytest.raises(StoreError, match=rf"^f, line 3: .*{field}"):
        decode(line, "f", 3)
    if "colour" in change:
        with pytest.raises(TypeError, match="colour"):
            Tweet(**{**GOOD_LINE, **change})  # a Tweet cannot even hold it
    elif (
        "id" not in change
        and None not in change.values()
        and field != "media entry 1: 'file'"
    ):
        with pytest.raises(BadRecord, match=field.split()[0]):
            encode(Tweet(**{**GOOD_LINE, **change}))  # never written either


# A value of the wrong type for every field a line may hold.
WRONG = {
    "id": 5,
    "created_at": "yesterday",
    "network": "myspace",
    "user_id": 1,
    "handle": 1,
    "name": 1,
    "text": 1,
    "display": [1, 2, 3],
    "reply_to_id": 1,
    "reply_to_user_id": 1,
    "reply_to_handle": 1,
    "conversation_id": 1,
    "quote_of": 1,
    "retweet": "yes",
    "likes": "1",
    "retweets": "1",
    "replies": "1",
    "quotes": "1",
    "lang": 1,
    "mentions": "x",
    "hashtags": "x",
    "urls": "x",
    "media": "x",
}


def test_every_field_has_a_check():
    assert set(FIELDS) == set(WRONG)
    for name, value in WRONG.items():
        with pytest.raises(StoreError, match=f"field '{name}'"):
            decode(json.dumps({**GOOD_LINE, name: value}), "f", 1)


@pytest.mark.parametrize("line", ['{"id":"2000"}', '{"id":"2000","likes":null}'])
@pytest.mark.parametrize("index", ["stale", "fresh"])
def test_reader_names_a_hand_edited_line(sample_store, line, index):
    shard = sample_store / "tweets" / "2014.jsonl"
    lines = shard.read_text().splitlines()
    tid = lines[1].split('"')[3]
    lines[1] = line.replace("2000", tid)
    shard.write_text("\n".join(lines) + "\n")
    if index == "fresh":  # the binary search reads the line, not a full read
        table = sample_store / "index" / "shards.tsv"
        rows = [r.split("\t") for r in table.read_text().splitlines()]
        for row in rows:
            if row[0] == shard.name:
                row[4] = str(shard.stat().st_size)
        table.write_text("".join("\t".join(r) + "\n" for r in rows))
    reader = Reader(sample_store)
    with pytest.raises(StoreError, match=r"2014\.jsonl, line 2: "):
        reader.get(tid)
    if index == "fresh":
        assert reader._shards and reader._fallback is None  # it was a binary search
    reader.close()


def test_line_that_is_not_utf8_is_named(sample_store):
    shard = sample_store / "tweets" / "2013.jsonl"
    data = shard.read_bytes().split(b"\n")
    data[1] = data[1].replace(b'"text":"', b'"text":"\xff', 1)
    shard.write_bytes(b"\n".join(data))
    with pytest.raises(StoreError, match=r"2013\.jsonl, line 2: not UTF-8"):
        list(Store(sample_store).iter_records())


def test_a_lock_left_by_a_killed_import_does_not_block(sample_store):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    (sample_store / ".lock").write_text(dead.stdout)  # what a killed import leaves
    Store(sample_store).reindex()
    assert not (sample_store / ".lock").exists()


def test_the_lock_message_names_the_holder(sample_store):
    with Store(sample_store).lock():
        with pytest.raises(
            StoreError, match=rf"running on .*\(pid {os.getpid()}\); wait"
        ):
            Store(sample_store).reindex()
        assert (sample_store / ".lock").read_text() == f"{os.getpid()}\n"


def test_the_lock_still_excludes_after_a_holder_deleted_its_file(sample_store):
    """A holder deletes .lock as it lets go; the next holder's new file locks alike."""
    with Store(sample_store).lock():
        pass
    assert not (sample_store / ".lock").exists()
    busy = pytest.raises(StoreError, match=r"\(pid \d+\); wait")
    with Store(sample_store).lock(), busy:
        Store(sample_store).reindex()
    assert not (sample_store / ".lock").exists()


def _interrupted_reindex(store_root, monkeypatch, moves_done):
    """Reindex, stopping as if killed after `moves_done` files of its commit moved."""
    real_replace = os.replace
    moved = []

    def replace(src, dst):
        if (store_root / commit_mod.JOURNAL).exists():
            if len(moved) == moves_done:
                raise KeyboardInterrupt("killed")
            moved.append(dst)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        Store(store_root).reindex()
    monkeypatch.undo()


@pytest.mark.parametrize("moves_done", [0, 2])
def test_an_interrupted_commit_is_finished_by_the_next_reader(
    sample_store, monkeypatch, moves_done
):
    (sample_store / "index" / "people.tsv").unlink()  # something for reindex to do
    reference = sample_store.parent / "reference"
    shutil.copytree(sample_store, reference)
    Store(reference).reindex()
    _interrupted_reindex(sample_store, monkeypatch, moves_done)
    assert (sample_store / ".commit.json").exists()
    Reader(sample_store).close()
    assert snapshot(sample_store) == snapshot(reference)


def test_temp_files_of_a_killed_update_are_deleted_by_the_next(sample_store):
    for folder in ("", "tweets", "index", "media"):
        (sample_store / folder / ".leftover.x1.tmp").write_text("half")
    Store(sample_store).reindex()
    assert not list(sample_store.rglob("*.tmp"))


def test_unreadable_journal_is_a_store_error(sample_store, caplog):
    (sample_store / ".commit.json").write_text('{"replace": [["a"]]}')
    with pytest.raises(StoreError, match=r"\.commit\.json: the journal .* unreadable"):
        Store(sample_store).reindex()
    with caplog.at_level(logging.WARNING):
        record = Reader(sample_store).get("1000000000000000301")
    assert record is not None  # the build goes on, warned
    assert "could not be finished now" in caplog.text
    assert "Restore the store with git" in caplog.text


def test_a_stale_index_is_rewritten_by_the_next_import(
    sample_store, fixtures, tmp_path
):
    before = snapshot(sample_store)
    shard = sample_store / "tweets" / "2016.jsonl"
    shard.write_text(shard.read_text() + "\n")  # a blank line: the index is stale
    assert Store(sample_store).index_rows() is None
    summary = import_archive(fixtures.write_sample(tmp_path / "s"), sample_store)
    assert summary.totals().new == summary.totals().updated == 0
    assert snapshot(sample_store) == before


def test_a_failed_import_leaves_no_photo_behind(fixtures, tmp_path):
    tweets = [
        fixtures.archive_tweet(
            fixtures.tid(n),
            "2020-03-01 00:00:00",
            "A photo https://t.co/pppppppppp",
            media=[{"key": "7", "basename": "P.png", "tco": "https://t.co/pppppppppp"}],
        )
        for n in (1, 2)
    ]
    media = {f"{fixtures.tid(n)}-P.png": fixtures.tiny_png() for n in (1, 2)}
    archive = fixtures.write_archive(tmp_path / "a", tweets, parts=2, media_files=media)
    part = archive / "data" / "tweets-part1.js"
    part.write_text(part.read_text()[:-40])  # the photo of part 0 is copied first
    with pytest.raises(ArchiveError, match="unreadable"):
        import_archive(archive, tmp_path / "store")
    assert snapshot(tmp_path / "store") == {}
