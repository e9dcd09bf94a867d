"""Odd inputs, at random: dates of any shape, damaged data files, records of wrong
types, archive tweets with odd fields. Each is either read as the ordinary case is, or
refused with the error a user sees; never stored half-checked, never a crash."""

import errno
import json
import os
import random
import re
import sys

import msgspec
import pytest

from pelican.plugins.rapport_tweets import archive as archive_mod
from pelican.plugins.rapport_tweets.archive import (
    ArchiveError,
    _Folder,
    load_items,
)
from pelican.plugins.rapport_tweets.index import Facts, _thread_roots
from pelican.plugins.rapport_tweets.record import (
    FIELDS,
    BadRecord,
    StoreError,
    Tweet,
    decode,
    encode,
)
from pelican.plugins.rapport_tweets.store import Store

# --------------------------------------------------------------------------- created_at


def _outcome(function, value):
    try:
        return function(value)
    except (ValueError, OverflowError, AttributeError, TypeError) as err:
        return type(err).__name__


def _dates(rnd, count):
    weekdays = ["Sat", "Mon", "S a", "123", "Xyz", "S\tt"]
    months = ["Jan", "Feb", "Mar", "Jun", "Sep", "Dec", "Foo", "feb", "JAN", "Fe "]
    years = ["2023", "2024", "1900", "2000", "2100", "0000", "0001", "9999", "٢٠٢٣"]
    for _ in range(count):
        value = (
            f"{rnd.choice(weekdays)} {rnd.choice(months)} {rnd.randint(0, 32):02d} "
            f"{rnd.randint(0, 25):02d}:{rnd.randint(0, 61):02d}:{rnd.randint(0, 61):02d} "
            f"{rnd.choice(['+0000', '+0100', '-0000', '+000'])} {rnd.choice(years)}"
        )
        if rnd.random() < 0.4:  # one character changed anywhere
            chars = list(value)
            chars[rnd.randrange(len(chars))] = rnd.choice("0123456789 :+-٣a\t\u00a0")
            value = "".join(chars)
        yield value


def test_created_at_of_any_shape_is_a_real_utc_date_or_a_bad_item():
    """One parser for the archive's dates and the API's; what it gives is a date the
    store keeps, anything else a BadItem (an "item skipped" warning), never a crash."""
    rnd = random.Random(5)
    values = [*_dates(rnd, 30_000), "Sat Feb 29 12:00:00 +0000 2024"]
    values += ["Sat Feb 29 12:00:00 +0000 2023", "Sat Feb 18 24:00:00 +0000 2023"]
    values += ["Sat Feb 18 12:60:00 +0000 2023", "Sat Feb 18 12:00:60 +0000 2023"]
    values += [None, 7, b"Sat Feb 18 12:33:11 +0000 2023", ["x"]]
    given = 0
    for value in values:
        try:
            created = archive_mod.parse_created_at(value)
        except archive_mod.BadItem:
            continue
        given += 1
        assert decode(encode(Tweet(id="1", created_at=created)), "f", 1)
    assert given > 1000
    assert archive_mod.parse_created_at("2024-02-29T23:59:59.000Z") == (
        "2024-02-29T23:59:59Z"  # the API's form
    )


# --------------------------------------------------------------------------- data files


def _tweet(n):
    return {
        "tweet": {
            "id_str": str(n),
            "full_text": f'tweet {n} 🎉 \\ " {{ }}, [ ] \u2028',
            "entities": {"user_mentions": [{"screen_name": "x", "indices": [0, 2]}]},
            "nested": [{"a": [1, 2.5, None, True]}, {}],
        }
    }


def _archive_text(items, prefix="window.YTD.tweets.part0 = "):
    return prefix + json.dumps(items, indent=2, ensure_ascii=False)


_PREFIX = "window.YTD.tweets.part0 = "


def _read(tmp_path, data):
    """(items or the error's message) of load_items on a data file of these bytes."""
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "tweets.js").write_bytes(data)
    done = []
    try:
        items = load_items(_Folder(tmp_path), "data/tweets.js", done.append)
        items = [msgspec.json.decode(item) for item in items]
    except ArchiveError as err:
        return str(err)
    assert done == sorted(done)
    return items


def _expected(text):
    """What the file holds, by the standard library: the list after the assignment,
    or None when that is not one JSON list."""
    text = text.removeprefix("\ufeff")
    if not text.startswith(_PREFIX):
        return None
    try:
        value = json.loads(text.removeprefix(_PREFIX).rstrip(" \t\r\n;"))
    except ValueError:
        return None
    return value if isinstance(value, list) else None


ITEMS = [_tweet(n) for n in range(40)]
# Layouts a data file may have: each gives every item.
LAYOUTS = {
    "plain": lambda text: text,
    "bom": lambda text: "\ufeff" + text,
    "crlf": lambda text: text.replace("\n", "\r\n"),
    "trailing space": lambda text: text + " \n\n",
    "trailing semicolon": lambda text: text + ";",
    "no break between items": lambda text: text.replace("\n  },\n  {", "},{"),
    "a break inside an item": lambda text: text.replace(
        '"nested": [', '"nested": [\n  {"a": 1\n  },\n  {"b": 2},', 1
    ),
}
# Damage: each is an error that names the line.
DAMAGE = {
    "damaged late": lambda text: text[: len(text) * 3 // 4] + "@" + text[-20:],
    "cut short": lambda text: text[:-40],
    "trailing comma": lambda text: text[:-2] + ",\n]",
    "odd space before a comma": lambda text: text.replace(
        "\n  },\n  {", "}\u00a0,{", 3
    ),
}
NOT_DATA = {
    "not ytd": lambda text: "var x = " + text,
    "config": lambda text: "window.__THAR_CONFIG = []",
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_data_file_layouts_give_every_item(tmp_path, layout):
    text = LAYOUTS[layout](_archive_text(ITEMS))
    assert _read(tmp_path, text.encode()) == _expected(text)
    if layout != "a break inside an item":
        assert _read(tmp_path, text.encode()) == ITEMS


def test_an_empty_data_file_has_no_items(tmp_path):
    assert _read(tmp_path, b"window.YTD.tweets.part0 = [ ]\n") == []


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_data_file_is_an_error_naming_the_line(tmp_path, damage):
    text = DAMAGE[damage](_archive_text(ITEMS))
    error = _read(tmp_path, text.encode())
    assert re.match(r"data/tweets\.js: unreadable at line \d+ \(", error), error
    assert "Download the archive again" in error


def test_bad_utf8_names_its_line(tmp_path):
    data = _archive_text(ITEMS).encode()
    data = data[:-300] + b"\xff" + data[-300:]
    line = data[: data.index(b"\xff")].count(b"\n") + 1
    assert _read(tmp_path, data).startswith(
        f"data/tweets.js: unreadable at line {line} "
    )


@pytest.mark.parametrize("kind", sorted(NOT_DATA))
def test_a_file_that_is_no_data_file_says_so(tmp_path, kind):
    error = _read(tmp_path, NOT_DATA[kind](_archive_text(ITEMS)).encode())
    assert "does not start with 'window.YTD.<name>.partN = ['" in error


def test_a_data_file_holding_no_list_says_so(tmp_path):
    error = _read(tmp_path, (_PREFIX + "\n{}").encode())
    assert error == "data/tweets.js: expected '[' after the assignment (line 2)."


def test_random_damage_gives_what_the_file_holds_or_an_error(tmp_path):
    rnd = random.Random(9)
    base = _archive_text([_tweet(n) for n in range(12)])
    errors = 0
    for _ in range(150):
        chars = list(base)
        for _ in range(rnd.randint(1, 3)):
            chars[rnd.randrange(len(chars))] = rnd.choice(' ,]}{"\n\u00a0x0')
        text = "".join(chars)
        got, expected = _read(tmp_path, text.encode()), _expected(text)
        if expected is None:
            errors += 1
            assert isinstance(got, str) and got.startswith("data/tweets.js: "), got
        else:
            assert got == expected
    assert 0 < errors < 150


# --------------------------------------------------------------------------- records

GOOD = {
    "id": "5",
    "created_at": "2020-01-01T00:00:00Z",
    "user_id": "1",
    "text": "hé",
    "display": [0, 2],
    "retweet": True,
    "likes": 3,
    "mentions": [{"start": 0, "end": 2, "handle": "x", "id": "9"}],
    "urls": [{"start": 0, "end": 2, "url": "u"}],
    "media": [{"type": "photo", "width": 3}],
}
ODD_VALUES = [
    None,
    True,
    False,
    0,
    7,
    -1,
    2.5,
    "",
    "x",
    "٣",
    "2020-02-30T00:00:00Z",
    "2020-01-01T24:00:00Z",
    "2020-01-01T00:00:00",
    [],
    [1, 2],
    [1, True],
    [{}],
    [{"handle": 5}],
    [{"start": True, "handle": "x", "tag": "t"}],
    ["x"],
    {"a": 1},
]


def test_encode_writes_only_what_decode_reads_back():
    """One record type judges both ways: a Tweet encode() accepts reads back as the
    line of its fields does (default values left out); one it refuses, or that cannot
    be made (an unknown field, a date that is none), is refused by decode() too, with
    the field named the same way."""
    rnd = random.Random(3)
    written = 0
    for _ in range(20_000):
        record = json.loads(json.dumps(GOOD))
        for _ in range(rnd.randint(0, 2)):
            record[rnd.choice([*GOOD, "lang", "quotes", "nope"])] = rnd.choice(
                ODD_VALUES
            )
        # The same fields in a line, in the order encode writes them (a line with
        # two bad fields is refused for the first).
        order = [*FIELDS, "nope"]
        same = json.dumps(dict(sorted(record.items(), key=lambda i: order.index(i[0]))))
        try:
            line = encode(Tweet(**record))
        except (BadRecord, TypeError) as err:
            with pytest.raises(StoreError) as refused:
                decode(same, "f", 1)
            why = str(refused.value).removeprefix("f, line 1: ").split(". Fix or")[0]
            if "tweet record" in str(err):  # refused by encode, not on construction
                assert str(err).endswith(f": {why}"), record
            continue
        written += 1
        assert decode(line, "f", 1) == decode(same, "f", 1), record
    assert written > 1000  # ordinary records are written


# --------------------------------------------------------------------------- photos


@pytest.mark.skipif(sys.platform != "linux", reason="names fds through /proc")
def test_photo_whose_fsync_fails_fails_the_commit_and_leaves_nothing(
    tmp_path, monkeypatch
):
    """Staged photos are fsynced in a thread; its error still stops the commit."""
    store = Store(tmp_path / "store")
    real_fsync = os.fsync

    def fsync(fd):
        if ".photo.jpg." in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OSError, match="No space"), store.update() as update:
        update.set_owner({"id": "1", "handle": "sam"})
        update.add(Tweet(id="5", created_at="2020-01-01T00:00:00Z", text="hi"))
        update.add_file(store.media_dir / "photo.jpg", lambda out: out.write(b"x"))
    assert not [p for p in (tmp_path / "store").rglob("*") if p.is_file()]


def test_staged_photo_reaches_the_store_with_the_commit(tmp_path):
    store = Store(tmp_path / "store")
    with store.update() as update:
        update.add(Tweet(id="5", created_at="2020-01-01T00:00:00Z", text="hi"))
        update.add_file(store.media_dir / "photo.jpg", lambda out: out.write(b"x"))
    assert (store.media_dir / "photo.jpg").read_bytes() == b"x"
    assert not list((tmp_path / "store").rglob("*.tmp"))


# --------------------------------------------------------------------------- tweet lines

TWEET = {
    "id_str": "1440699823442372599",
    "id": "1440699823442372599",
    "created_at": "Wed Sep 22 15:29:39 +0000 2021",
    "full_text": "@ana What &amp; #tag 😅 https://t.co/Elc2wXHGNJ",
    "entities": {
        "hashtags": [{"text": "tag", "indices": ["16", "20"]}],
        "user_mentions": [
            {"screen_name": "ana", "indices": ["0", "4"], "id_str": "2006"}
        ],
        "urls": [
            {
                "url": "https://t.co/Elc2wXHGNJ",
                "expanded_url": "https://example.org/x",
                "display_url": "example.org/x",
                "indices": ["23", "46"],
            }
        ],
    },
    "display_text_range": ["5", "46"],
    "favorite_count": "1",
    "retweet_count": "2",
    "lang": "en",
    "in_reply_to_status_id_str": "1440699823439372599",
    "in_reply_to_user_id_str": "2006",
    "in_reply_to_screen_name": "ana",
}
ODD_TWEET_VALUES = [
    *ODD_VALUES,
    "",
    "0",
    "RT @ana hi",
    "Sat Feb 29 12:00:00 +0000 2023",
    "Sat Feb 18 12:00:00 +0100 2023",
    ["0", "3"],
    ["1"],
    {"media": [{"url": "https://t.co/x", "type": "photo"}]},
    {"user_mentions": [{"screen_name": "", "indices": [0, 1]}]},
    {"user_mentions": [{"screen_name": "ana", "indices": [0, 4], "id_str": 7}]},
    {"user_mentions": [{"screen_name": "ana", "indices": [0, 4]}]},
    {"hashtags": [{"text": "", "indices": [0, 1]}]},
    {"urls": [{"url": "https://t.co/E", "expanded_url": 5, "indices": [0, 1]}]},
]
OWNERS = [
    {"id": "2006", "handle": "ana"},
    {"id": "9", "handle": "sam"},
    {"handle": "sam"},
    {"id": 9, "handle": "sam"},
    {"handle": "other"},
    {},
]


def test_any_archive_tweet_is_stored_whole_or_skipped_with_a_reason():
    """Odd archive tweets either make a line the store reads back, or raise one of the
    errors the import turns into a counted "item N skipped" warning."""
    rnd = random.Random(11)
    notes = archive_mod.notes_from_items(
        [{"noteTweet": {"createdAt": "2021-09-22T15:29:39", "core": {"text": "@x"}}}]
    )
    stored = 0
    for n in range(20_000):
        tweet = json.loads(json.dumps(TWEET))
        for _ in range(rnd.randint(0, 3)):
            key = rnd.choice([*TWEET, "text", "retweeted_status", "extended_entities"])
            tweet[key] = rnd.choice(ODD_TWEET_VALUES)
        owner = rnd.choice(OWNERS)
        try:
            tweet = msgspec.convert(tweet, archive_mod.ArchiveTweet)
            record = archive_mod.record_from_tweet(tweet, owner, {}, lambda s, f: f)
            if n % 7 == 0:
                record = archive_mod.apply_note(record, notes)
            line = encode(record)
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
        stored += 1
        assert decode(line, "f", 1) == record
    assert stored > 2000  # ordinary tweets are stored


# --------------------------------------------------------------------------- index


def _reply(tid, reply_to):
    return Facts(tid, "2020-01-01", True, "reply", 0, reply_to, ())


def test_thread_roots_are_the_oldest_stored_ancestor_or_the_missing_tweet():
    """Chains in any order, missing parents, and cycles (a hostile archive)."""
    facts = [
        _reply(3, 2), _reply(1, None), _reply(2, 1),  # a chain, stored out of order
        _reply(11, 10), _reply(12, 11),  # answers 10, which is not stored
        _reply(20, None),  # a tweet on its own
        _reply(31, 32), _reply(32, 31),  # a cycle
    ]  # fmt: skip
    roots = _thread_roots(facts)
    assert {t: roots[t] for t in (1, 2, 3, 11, 12, 20)} == {
        1: 1, 2: 1, 3: 1, 11: 10, 12: 10, 20: 20,
    }  # fmt: skip
    assert roots[31] == roots[32] in (31, 32)


def test_ids_and_dates_the_archive_reader_gives_are_what_the_store_accepts():
    """tweet_id_of and parse_created_at give nothing a store line would refuse."""
    rnd = random.Random(8)
    given = 0
    dates = [*_dates(rnd, 30_000), "2023-02-18T12:33:11Z", "2023-02-18 12:33:11+01:00"]
    ids = ["7", "007", "٣", " 7", "7.0", "-7", "1" * 20, "1" * 21, "", 7, True]
    for n, value in enumerate(dates):
        try:
            created = archive_mod.parse_created_at(value)
            tweet = archive_mod.ArchiveTweet(id_str=ids[n % len(ids)])
            tid = archive_mod.tweet_id_of(tweet)
        except ValueError:
            continue
        given += 1
        record = Tweet(id=tid, created_at=created)
        assert decode(encode(record), "f", 1) == record
    assert given > 1000
