"""Archive import on what real archives hold: long posts with photos, long replies,
display ranges past the text, another account's archive (issue 10)."""

import lxml.html
import pytest
import tweets_support
from invoke import Context
from invoke.exceptions import Exit
from msgspec import UNSET
from tweets_support import snapshot

from pelican.plugins.rapport_tweets import tasks
from pelican.plugins.rapport_tweets.archive import ArchiveError, import_archive
from pelican.plugins.rapport_tweets.reader import Reader
from pelican.plugins.rapport_tweets.render import card_of, render_text
from pelican.plugins.rapport_tweets.store import Store

PHOTO = {
    "key": "3000000000000000901",
    "basename": "Board.jpg",
    "alt": "A whiteboard",
    "tco": "https://t.co/PhOtO90101",
}
WHOLE = (
    "What I learnt from a year of asking people for coffee, in one long post. "
    + "".join(
        f"Lesson {n}: ask early, suggest a time, follow up the same day. "
        for n in range(1, 8)
    )
    + "Thanks @adaexample for the push. #coffeechallenge"
)


def _shown(record, profile_urls=None):
    """The text a card shows, as a reader sees it."""
    return lxml.html.fragment_fromstring(
        str(render_text(record, profile_urls)), create_parent="p"
    ).text_content()


def _import_one(fixtures, tmp_path, tweet, note=None, media=None):
    archive = fixtures.write_archive(
        tmp_path / "a",
        [tweet],
        notes=[note] if note else (),
        media_files=media,
    )
    summary = import_archive(archive, tmp_path / "store")
    return summary, Reader(tmp_path / "store").get(tweet["id_str"])


def test_long_post_with_a_photo_shows_every_character_of_its_note(fixtures, tmp_path):
    """The photo's t.co indices point into the truncated text; in the note's text they
    would cut 23 characters out of the middle."""
    tweet, note = fixtures.long_post(
        fixtures.tid(901), "2023-06-08 00:51:01", WHOLE, media=[PHOTO]
    )
    media = {f"{fixtures.tid(901)}-Board.jpg": fixtures.tiny_png()}
    _summary, record = _import_one(fixtures, tmp_path, tweet, note, media)
    assert record.text == WHOLE
    assert _shown(record) == WHOLE
    for kind in ("mentions", "hashtags", "urls", "media"):
        for entity in getattr(record, kind):
            if entity.start is not UNSET:
                shown = record.text[entity.start : entity.end]
                assert shown.lower() in ("@adaexample", "#coffeechallenge"), kind
    (photo,) = record.media
    assert photo.start is UNSET and photo.file == f"{fixtures.tid(901)}-Board.jpg"
    card = card_of(record, fixtures.OWNER)
    assert [p["alt"] for p in card.photos] == ["A whiteboard"]


def test_long_post_with_an_ampersand_keeps_its_entities_in_place(fixtures, tmp_path):
    whole = "Q&A night: " + WHOLE
    tweet, note = fixtures.long_post(fixtures.tid(902), "2023-06-09 10:00:00", whole)
    assert "&amp;" in note["core"]["text"]  # escaped, as the archive writes it
    _summary, record = _import_one(fixtures, tmp_path, tweet, note)
    assert record.text == whole and _shown(record) == whole
    (mention,) = record.mentions
    assert whole[mention.start : mention.end] == "@adaexample"


def _long_reply(fixtures, n, when):
    """(tweet, note) of a long reply to @adaexample that also names @benplaceholder."""
    return fixtures.long_post(
        fixtures.tid(n),
        when,
        WHOLE,
        reply_to=(fixtures.tid(800), "adaexample"),
        handles=("adaexample", "benplaceholder"),
    )


def _reply_note_with_handles(fixtures, tweet, note):
    """The note's text opens with the @handles, which its mentions list."""
    whole = "@adaexample @benplaceholder " + WHOLE
    return tweet, fixtures.note_tweet("2023-06-10 08:00:00", whole)


def _reply_range_from_zero(fixtures, tweet, note):
    """display_text_range counts the @handles (note tweets carry no real range)."""
    tweet["display_text_range"] = ["0", tweet["display_text_range"][1]]
    return tweet, note


@pytest.mark.parametrize(
    "variant",
    [None, _reply_note_with_handles, _reply_range_from_zero],
    ids=["note-without-handles", "note-with-handles", "range-from-zero"],
)
def test_long_reply_is_joined_with_its_note(fixtures, tmp_path, variant):
    tweet, note = _long_reply(fixtures, 903, "2023-06-10 08:00:00")
    if variant:
        tweet, note = variant(fixtures, tweet, note)
    _summary, record = _import_one(fixtures, tmp_path, tweet, note)
    assert record.text.endswith(WHOLE)
    assert _shown(record) == WHOLE  # the handles are the card's "Replying to"
    assert not _shown(record).endswith("…")
    assert card_of(record, fixtures.OWNER).reply_to_handle == "adaexample"


def test_display_range_past_the_end_of_the_text_is_cut_and_counted(fixtures, tmp_path):
    text = "Coffee ☕ & cake 🍰 with @adaexample"
    tweets = [
        fixtures.archive_tweet(fixtures.tid(904 + n), "2023-07-01 09:00:00", text)
        for n in range(3)
    ]
    for tweet in tweets[:2]:  # counted in the escaped text and in UTF-16
        tweet["display_text_range"] = ["0", str(len(text) + 6)]
    archive = fixtures.write_archive(tmp_path / "a", tweets)
    summary = import_archive(archive, tmp_path / "store")
    assert summary.totals().new == 3
    (warning,) = summary.warnings
    assert warning.startswith("2 tweet(s) had a display_text_range past the end")
    reader = Reader(tmp_path / "store")
    for tweet in tweets:
        record = reader.get(tweet["id_str"])
        assert record.display is UNSET and _shown(record) == text


# --------------------------------------------------------------------------- your own


NEW_OWNER = {"id": "300000009", "handle": "robinreal", "name": "Robin Real"}


def _own_archive(fixtures, dest, **options):
    tweets = [
        fixtures.archive_tweet(
            fixtures.tid(950), "2021-03-04 05:06:07", "My own first tweet #hello"
        ),
        fixtures.archive_tweet(
            fixtures.tid(951),
            "2022-03-04 05:06:07",
            "And a photo https://t.co/OwNpHoTo01",
            media=[
                {"key": "9", "basename": "Own.png", "tco": "https://t.co/OwNpHoTo01"}
            ],
        ),
    ]
    media = {f"{fixtures.tid(951)}-Own.png": fixtures.tiny_png((40, 40))}
    return fixtures.write_archive(
        dest, tweets, owner=NEW_OWNER, media_files=media, **options
    )


def test_archive_of_another_account_is_refused_and_the_store_kept(
    fixtures, tmp_path, sample_store
):
    before = snapshot(sample_store)
    archive = _own_archive(fixtures, tmp_path / "mine.zip", as_zip=True)
    with pytest.raises(ArchiveError) as raised:
        import_archive(archive, sample_store)
    message = str(raised.value)
    assert "archive of @robinreal" in message
    assert "holds 30 tweets of @samsample" in message
    assert "--replace" in message
    assert snapshot(sample_store) == before


def test_replace_gives_the_store_a_fresh_import_would(fixtures, tmp_path, sample_store):
    """The sample's tweets, owner and photo go; forgotten ids stay."""
    with Store(sample_store).update() as update:
        update.forget("1000000000000000014")
    archive = _own_archive(fixtures, tmp_path / "mine")
    summary = import_archive(archive, sample_store, replace=True)
    assert summary.replaced == {
        "owner": {"id": "100000001", "handle": "samsample", "name": "Sam Sample"},
        "tweets": 29,
    }
    assert summary.totals().new == 2 and summary.totals().media == 1
    fresh = tmp_path / "fresh"
    import_archive(archive, fresh)
    with Store(fresh).update() as update:
        update.forget("1000000000000000014")
    assert snapshot(sample_store) == snapshot(fresh)
    assert Reader(sample_store).owner() == NEW_OWNER


def test_replace_that_fails_leaves_the_store_as_it_was(
    fixtures, tmp_path, sample_store
):
    before = snapshot(sample_store)
    archive = _own_archive(fixtures, tmp_path / "mine")
    tweets_js = archive / "data" / "tweets.js"
    tweets_js.write_text(tweets_js.read_text()[:-40], encoding="utf-8")  # cut short
    with pytest.raises(ArchiveError, match="damaged or truncated"):
        import_archive(archive, sample_store, replace=True)
    assert snapshot(sample_store) == before


def test_store_empty_is_one_commit_that_keeps_forgotten_ids(sample_store):
    store = Store(sample_store)
    store.forgotten_path.write_text("1000000000000000014\n")
    assert store.empty() == 30
    assert not store.shard_paths() and not list(store.media_dir.iterdir())
    assert store.owner() == {} and store.forgotten() == {"1000000000000000014"}
    assert store.index_rows() == []  # a whole, empty index


def test_import_task_refuses_then_replaces(fixtures, tmp_path, sample_store, capsys):
    archive = _own_archive(fixtures, tmp_path / "mine")
    with pytest.raises(Exit) as raised:
        tasks.import_(Context(), str(archive), store=str(sample_store))
    assert raised.value.code == 1
    assert raised.value.message.endswith(
        "(it empties the store first). The store was not changed."
    )
    tasks.import_(Context(), str(archive), store=str(sample_store), replace=True)
    out = " ".join(capsys.readouterr().out.split())
    assert "Replaced the 30 tweets of @samsample the store held." in out
    assert "The store holds 2 tweets up to 2022-03-04." in out


def test_importing_again_mends_what_an_older_import_stored(fixtures, tmp_path):
    """Records as the import stored them before these fixes: a long reply left cut off
    (its display range and mentions pointing into the cut text), a long post whose
    photo offsets point into the middle of its note, a display range past the text."""
    reply, reply_note = _long_reply(fixtures, 960, "2023-08-01 08:00:00")
    photo, photo_note = fixtures.long_post(
        fixtures.tid(961), "2023-08-02 08:00:00", WHOLE, media=[PHOTO]
    )
    text = "Coffee ☕ & cake 🍰 with @adaexample"
    past = fixtures.archive_tweet(fixtures.tid(962), "2023-08-03 08:00:00", text)
    past["display_text_range"] = ["0", str(len(text) + 6)]
    archive = fixtures.write_archive(
        tmp_path / "a",
        [reply, photo, past],
        notes=[reply_note, photo_note],
        media_files={f"{fixtures.tid(961)}-Board.jpg": fixtures.tiny_png()},
    )
    store = Store(tmp_path / "store")
    cut = reply["full_text"].replace("&amp;", "&")
    older = [
        {
            "id": str(fixtures.tid(960)),
            "created_at": "2023-08-01T08:00:00Z",
            "user_id": fixtures.OWNER["id"],
            "handle": "samsample",
            "text": cut,
            "display": [28, len(cut)],
            "reply_to_id": str(fixtures.tid(800)),
            "reply_to_handle": "adaexample",
            "mentions": [
                {"start": 0, "end": 11, "handle": "adaexample"},
                {"start": 12, "end": 27, "handle": "benplaceholder"},
            ],
        },
        {
            "id": str(fixtures.tid(961)),
            "created_at": "2023-08-02T08:00:00Z",
            "user_id": fixtures.OWNER["id"],
            "handle": "samsample",
            "text": WHOLE,
            "media": [
                {
                    "type": "photo",
                    "url": PHOTO["tco"],
                    "start": 252,
                    "end": 275,
                    "file": f"{fixtures.tid(961)}-Board.jpg",
                }
            ],
        },
        {
            "id": str(fixtures.tid(962)),
            "created_at": "2023-08-03T08:00:00Z",
            "user_id": fixtures.OWNER["id"],
            "handle": "samsample",
            "text": text,
            "display": [0, len(text) + 6],
        },
    ]
    with store.update() as update:
        update.set_owner(fixtures.OWNER)
        for record in older:
            update.add(tweets_support.tweet(**record))
    summary = import_archive(archive, store.root)
    assert summary.totals().updated == 3
    reader = Reader(store.root)
    for tweet, shown in ((reply, WHOLE), (photo, WHOLE), (past, text)):
        assert _shown(reader.get(tweet["id_str"])) == shown
    joined = reader.get(reply["id_str"])
    assert joined.display is UNSET
    (mention,) = joined.mentions
    assert WHOLE[mention.start : mention.end] == "@adaexample"
