"""Fuzzing the tweets plugin: archive parser, store reader and entity renderer.

Each either returns a valid result or raises the plugin's own error (ArchiveError,
StoreError) with a message; never a traceback from deep inside, never HTML that could
run script, never input that reaches a page unescaped.
"""

import io
import json
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path

import msgspec
import pytest
from fuzz_support import (
    FUZZ,
    IMPOSSIBLE_DATES,
    ITEM,
    JSON,
    TEXT,
    archive_builder,
    snapshot,
)
from html_safety import dangerous, read_html, xss_corpus
from hypothesis import example, given
from hypothesis import strategies as st

from pelican.plugins.rapport_tweets.archive import (
    ArchiveError,
    _Folder,
    import_archive,
    load_items,
)
from pelican.plugins.rapport_tweets.reader import Reader
from pelican.plugins.rapport_tweets.record import StoreError, Tweet
from pelican.plugins.rapport_tweets.render import card_of, render_text
from pelican.plugins.rapport_tweets.store import Store

build = archive_builder()
OWNER = build.OWNER


def _folder_archive(root, tweets_js):
    """An extracted archive whose data/tweets.js holds ``tweets_js`` (bytes)."""
    folder = build.write_archive(root / "archive", [], manifest=False)
    (folder / "data" / "tweets.js").write_bytes(tweets_js)
    return folder


def _import_one(tmp_path, tweet):
    """Import an archive holding one wrapped tweet into a new store."""
    body = "window.YTD.tweets.part0 = " + json.dumps([{"tweet": tweet}])
    archive = _folder_archive(tmp_path, body.encode())
    return _import_or_clean_error(archive, tmp_path / "store")


def _assert_store_renders(store_root):
    """Every stored record renders to a card with safe, escaped text."""
    store = Store(store_root)
    owner = store.owner()
    for record in store.iter_records():
        card = card_of(record, owner)
        assert not dangerous(card.text, allowed_tags={"a", "br"}), record


def _import_or_clean_error(archive, store_root):
    """Import; on the plugin's own error, check that the store was left as it was."""
    before = snapshot(store_root)
    try:
        summary = import_archive(archive, store_root)
    except (ArchiveError, StoreError) as err:
        assert str(err).strip()
        assert snapshot(store_root) == before, "a failed import changed the store"
        return None
    _assert_store_renders(store_root)
    return summary


# --- the archive parser ---------------------------------------------------------------


@FUZZ
@given(st.text(max_size=200))
@example("window.YTD.tweets.part0 = ")
@example("window.YTD.tweets.part0 = [")
@example("window.YTD.tweets.part0 = [{}")
@example("window.YTD.tweets.part0 = [1,]")
@example("window.YTD.tweets.part0 = {}")
@example("window.__THAR_CONFIG = []")
def test_data_file_reader_on_any_text(text):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "data").mkdir()
        data = text.encode("utf-8", errors="surrogatepass")
        (folder / "data" / "tweets.js").write_bytes(data)
        try:
            items = load_items(_Folder(folder), "data/tweets.js")
            items = [msgspec.json.decode(item) for item in items]
        except ArchiveError as err:
            assert "data/tweets.js" in str(err)
        else:
            assert isinstance(items, list)


@FUZZ
@given(st.binary(max_size=300))
@example(b"")
@example(b"\xff\xfe\x00w\x00i")
@example(b"window.YTD.tweets.part0 = [\xff]")
def test_any_bytes_in_a_tweet_file(data):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        _import_or_clean_error(_folder_archive(tmp, data), tmp / "store")


@FUZZ
@given(st.lists(ITEM, max_size=4))
def test_any_tweet_shaped_items(items):
    """Items with every field valid, hostile or of the wrong type."""
    body = "window.YTD.tweets.part0 = " + json.dumps(items)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        _import_or_clean_error(_folder_archive(tmp, body.encode()), tmp / "store")


def _assert_skipped_for(summary, store_root, field):
    """The archive's one tweet was left out, with a warning that names ``field``."""
    assert summary is not None, "the whole import failed instead of one tweet"
    totals = summary.totals()
    assert (totals.read, totals.new, totals.updated, totals.skipped) == (1, 0, 0, 1)
    assert len(summary.warnings) == 1 and field in summary.warnings[0]
    assert list(Store(store_root).iter_records()) == []


@pytest.mark.parametrize("bad_id", ["", "abc", "-1"])
def test_item_with_a_non_numeric_id_is_skipped(tmp_path, bad_id):
    tweet = {
        "id_str": bad_id,
        "created_at": "Sat Feb 18 12:33:11 +0000 2023",
        "full_text": "x",
    }
    summary = _import_one(tmp_path, tweet)
    _assert_skipped_for(summary, tmp_path / "store", "its id")


@pytest.mark.parametrize("created_at", IMPOSSIBLE_DATES)
def test_impossible_created_at_is_refused_at_import(tmp_path, created_at):
    tweet = {"id_str": "5", "created_at": created_at, "full_text": "x"}
    summary = _import_one(tmp_path, tweet)
    _assert_skipped_for(summary, tmp_path / "store", "created_at")


@pytest.mark.parametrize("value", [[0], ["3"]])
def test_short_display_text_range_is_skipped(tmp_path, value):
    tweet = {
        "id_str": "5",
        "created_at": "Sat Feb 18 12:33:11 +0000 2023",
        "full_text": "x",
        "display_text_range": value,
    }
    summary = _import_one(tmp_path, tweet)
    _assert_skipped_for(summary, tmp_path / "store", "display_text_range")


WRAPPERS = [
    "[]",
    "var tweets = []",
    "window.YTD.tweets.part0 = {}",
    'window.YTD.tweets.part0 = "[]"',
    "window.YTD.tweets.part0 = [] ;",
    "window.YTD.tweets.part0 = [{}] trailing",
    "window.YTD.tweets = []",
    "window.__THAR_CONFIG = []",
    "window.YTD.tweets.part0 = [\n",
    "window.YTD.tweets.part0 = [{'tweet': {}}]",
    'window.YTD.tweets.part0 = [{"tweet": []}]',
    'window.YTD.tweets.part0 = [{"tweet": null}]',
    'window.YTD.tweets.part0 = [null, 1, "x", []]',
    "\ufeffwindow.YTD.tweets.part0 = []",
    "<!doctype html><title>Your archive</title>",
]


@pytest.mark.parametrize("body", WRAPPERS)
def test_wrong_wrappers(tmp_path, body):
    _import_or_clean_error(_folder_archive(tmp_path, body.encode()), tmp_path / "store")


_SAMPLE_ZIP = {}


def sample_zip():
    """The sample archive as a zip (bytes), built once."""
    if "data" not in _SAMPLE_ZIP:
        with tempfile.TemporaryDirectory() as tmp:
            path = build.zip_folder(build.SAMPLE, Path(tmp) / "archive.zip")
            _SAMPLE_ZIP["data"] = path.read_bytes()
    return _SAMPLE_ZIP["data"]


@FUZZ
@given(st.floats(0.0, 0.999))
@example(0.0)
@example(0.5)
def test_truncated_zip(fraction):
    data = sample_zip()
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "truncated.zip"
        archive.write_bytes(data[: int(len(data) * fraction)])
        assert _import_or_clean_error(archive, Path(tmp) / "store") is None


@FUZZ
@given(st.integers(0, 10**9), st.binary(min_size=1, max_size=8))
def test_corrupted_zip_bytes(position, garbage):
    """Bytes overwritten somewhere in the zip: a clean error or a correct import."""
    data = bytearray(sample_zip())
    at = position % len(data)
    data[at : at + len(garbage)] = garbage
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "damaged.zip"
        archive.write_bytes(bytes(data))
        _import_or_clean_error(archive, Path(tmp) / "store")


def _stored_zip_with_bad_photo(dest):
    """The sample archive as an uncompressed zip whose photo fails its CRC check."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_STORED) as zf:
        for path in sorted(p for p in build.SAMPLE.rglob("*") if p.is_file()):
            zf.write(path, path.relative_to(build.SAMPLE).as_posix())
    data = bytearray(dest.read_bytes())
    with zipfile.ZipFile(dest) as zf:
        info = next(i for i in zf.infolist() if i.filename.endswith(".png"))
    header = data[info.header_offset : info.header_offset + 30]
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    middle = info.header_offset + 30 + name_len + extra_len + info.compress_size // 2
    data[middle] ^= 0xFF
    dest.write_bytes(bytes(data))
    return dest


def test_failed_media_copy_leaves_the_store_as_it_was(tmp_path):
    archive = _stored_zip_with_bad_photo(tmp_path / "bad-photo.zip")
    assert _import_or_clean_error(archive, tmp_path / "store") is None


def _damage_member(data, name):
    """Zero the first byte of a member's deflate stream (a bad stored block)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(name)
    header = data[info.header_offset : info.header_offset + 30]
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    start = info.header_offset + 30 + name_len + extra_len
    return data[:start] + b"\x00" + data[start + 1 :]


def _patch_central_entry(data, name, offset, value):
    """Overwrite a 2-byte field of ``name``'s central directory entry."""
    data = bytearray(data)
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_len = struct.unpack("<H", data[at + 28 : at + 30])[0]
        if data[at + 46 : at + 46 + name_len].decode() == name:
            data[at + offset : at + offset + 2] = struct.pack("<H", value)
            return bytes(data)
        at = data.find(b"PK\x01\x02", at + 4)
    raise AssertionError(f"{name} not in the zip")


# What zipfile raises beyond BadZipFile/OSError for damaged or unusual zips.
ZIP_ESCAPES = (zlib.error, NotImplementedError, RuntimeError)
DAMAGED_ZIPS = {
    # a damaged deflate stream -> zlib.error
    "damaged-deflate": lambda data: _damage_member(data, "data/tweets.js"),
    # Deflate64 (method 9), what Windows' "Send to > Compressed folder" uses for large
    # files -> NotImplementedError
    "deflate64": lambda data: _patch_central_entry(data, "data/tweets.js", 10, 9),
    # an encrypted member -> RuntimeError ("password required")
    "encrypted": lambda data: _patch_central_entry(data, "data/tweets.js", 8, 1),
}


@pytest.mark.parametrize("damage", sorted(DAMAGED_ZIPS))
def test_unreadable_zip_member_is_an_archive_error(tmp_path, damage):
    archive = tmp_path / "damaged.zip"
    archive.write_bytes(DAMAGED_ZIPS[damage](sample_zip()))
    assert _import_or_clean_error(archive, tmp_path / "store") is None


# --- the store reader -----------------------------------------------------------------

GOOD = {
    "id": "1000",
    "created_at": "2023-02-18T12:33:11Z",
    "handle": "samsample",
    "text": "hello",
}


def _store_with_line(root, line):
    """A store whose 2023 shard holds a good tweet, ``line``, and another good tweet."""
    with Store(root).update() as update:
        update.set_owner(OWNER)
        update.add(Tweet(**GOOD))
        update.add(Tweet(**{**GOOD, "id": "3000"}))
    shard = root / "tweets" / "2023.jsonl"
    first, last = shard.read_text(encoding="utf-8").splitlines()
    shard.write_bytes(
        first.encode()
        + b"\n"
        + line.encode("utf-8", "surrogatepass")
        + b"\n"
        + last.encode()
        + b"\n"
    )


LINE = st.one_of(
    st.text(max_size=120),
    JSON.map(lambda v: json.dumps(v)),
    st.builds(
        lambda tid, rest: '{"id":"' + tid + '"' + rest,
        st.text('0123456789abc"', max_size=6),
        st.text(max_size=60),
    ),
)


@FUZZ
@given(LINE)
@example('{"id":"abc","text":"x"}')
@example('{"id":"","text":"x"}')
@example('{"id":"2000"')
@example('{"id":"2000","text":')
def test_store_reader_on_any_line(line):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "store"
        _store_with_line(root, line)
        for tweet_id in ("1000", "2000", "3000"):
            reader = Reader(root)
            try:
                record = reader.get(tweet_id)
            except StoreError as err:
                assert "2023.jsonl" in str(err) or "index" in str(err)
            else:
                assert record is None or record.id == tweet_id
            finally:
                reader.close()
        try:
            list(Store(root).iter_records())
        except StoreError as err:
            assert "2023.jsonl, line 2" in str(err)


@pytest.mark.parametrize(
    "line",
    [
        '{"id":"2000"}',
        '{"id":"2000","created_at":null}',
        '{"id":"2000","created_at":7}',
    ],
)
def test_line_without_a_date_is_a_store_error(tmp_path, line):
    root = tmp_path / "store"
    _store_with_line(root, line)
    reader = Reader(root)
    try:
        with pytest.raises(StoreError, match=r"2023\.jsonl, line 2"):
            reader.get("2000")
    finally:
        reader.close()


# --- the entity renderer ----------------------------------------------------------------


def _entities(text_len):
    index = st.integers(-3, text_len + 3)
    span = {"start": index, "end": index}
    return st.fixed_dictionaries(
        {},
        optional={
            "mentions": st.lists(
                st.fixed_dictionaries({**span, "handle": TEXT}), max_size=4
            ),
            "hashtags": st.lists(
                st.fixed_dictionaries({**span, "tag": TEXT}), max_size=4
            ),
            "urls": st.lists(
                st.fixed_dictionaries(
                    {**span, "url": TEXT, "expanded": TEXT, "display": TEXT}
                ),
                max_size=4,
            ),
            "media": st.lists(st.fixed_dictionaries(span), max_size=2),
            "display": st.lists(index, min_size=2, max_size=2),
        },
    )


RECORD = TEXT.flatmap(
    lambda text: _entities(len(text)).map(
        lambda ents: msgspec.convert({**GOOD, "text": text, **ents}, Tweet)
    )
)
PROFILE_URLS = st.dictionaries(TEXT.map(str.lower), TEXT, max_size=3)


@FUZZ
@given(RECORD, PROFILE_URLS)
def test_entity_renderer_on_any_text_and_indices(record, profile_urls):
    html = render_text(record, profile_urls, "https://sam.example")
    assert not dangerous(html, allowed_tags={"a", "br"})
    elements, _text = read_html(html)
    for tag, attrs in elements:
        if tag == "a":
            assert set(attrs) <= {"class", "href", "rel"}


@FUZZ
@given(st.text(max_size=120).filter(lambda t: "\r" not in t and "\x00" not in t))
def test_text_without_entities_is_shown_exactly_as_written(text):
    html = render_text(Tweet(**{**GOOD, "text": text}))
    elements, shown = read_html(html)
    assert {tag for tag, _ in elements} <= {"br"}
    # What the reader sees is what was written: escaped, not interpreted.
    assert shown.split() == text.split()


@pytest.mark.parametrize("payload", xss_corpus())
def test_hostile_text_names_and_alt_text_in_a_card(payload):
    record = {
        "id": "1234",
        "created_at": "2023-02-18T12:33:11Z",
        "handle": "someone",
        "name": payload,
        "text": f"{payload} @{payload} #tag https://t.co/x",
        "reply_to_handle": payload,
        "mentions": [
            {"start": len(payload) + 1, "end": 2 * len(payload) + 2, "handle": payload}
        ],
        "urls": [
            {
                "start": len(text_before := f"{payload} @{payload} #tag "),
                "end": len(text_before) + len("https://t.co/x"),
                "url": "https://t.co/x",
                "expanded": payload,
                "display": payload,
            }
        ],
        "media": [{"type": "photo", "alt": payload, "expanded": payload}],
    }
    card = card_of(msgspec.convert(record, Tweet), OWNER)
    assert not dangerous(card.text, allowed_tags={"a", "br"})
    for link in card.links:
        assert not str(link["href"]).lower().lstrip().startswith(("javascript", "data"))


@pytest.mark.parametrize(
    ("tweet_fields", "field"),
    [
        ({"entities": []}, "entities"),
        ({"entities": {"user_mentions": {"screen_name": "ada"}}}, "user_mentions"),
        ({"extended_entities": {"media": ["x"]}}, "media"),
    ],
)
def test_item_of_another_shape_is_skipped_naming_where(tmp_path, tweet_fields, field):
    tweet = {
        "id_str": "5",
        "created_at": "Sat Feb 18 12:33:11 +0000 2023",
        "full_text": "x",
        **tweet_fields,
    }
    summary = _import_one(tmp_path, tweet)
    _assert_skipped_for(summary, tmp_path / "store", field)
