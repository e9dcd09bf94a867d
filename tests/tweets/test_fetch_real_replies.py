"""tweets.fetch on X API v2 replies as X sends them (issue 10): billing and access
errors as problem details, a 200 with only "errors", escaped text with offsets counted
in it, authors missing from includes.users. Served through tweepy's own session."""

import re

import lxml.html
import msgspec
import pytest
import responses
from invoke import Context
from invoke.exceptions import Exit
from tweets_support import snapshot

from pelican.plugins.rapport_tweets import tasks
from pelican.plugins.rapport_tweets.fetch import (
    AccessDenied,
    BadReply,
    FetchError,
    OutOfCredits,
    client_from_env,
    fetch,
)
from pelican.plugins.rapport_tweets.reader import Reader
from pelican.plugins.rapport_tweets.render import card_of, render_text
from pelican.plugins.rapport_tweets.store import Store

TOKEN = "SECRET-BEARER-real-replies"
TIMELINE = re.compile(r"https://api\.twitter\.com/2/users/\d+/tweets")
MENTIONS = re.compile(r"https://api\.twitter\.com/2/users/\d+/mentions")
BY_USERNAME = re.compile(r"https://api\.twitter\.com/2/users/by/username/\w+")
EMPTY = {"meta": {"result_count": 0}}
OWNER = {"id": "100000001", "handle": "samsample", "name": "Sam Sample"}
USERS = [
    {"id": "100000001", "username": "samsample", "name": "Sam Sample"},
    {"id": "200000001", "username": "adaexample", "name": "Ada Example"},
]

# Problem-details bodies as X sends them (the account id is made up).
CREDITS_DEPLETED = {
    "account_id": 1790000000000000001,
    "title": "CreditsDepleted",
    "detail": "Your enrolled account [1790000000000000001] does not have any credits "
    "to fulfill this request.",
    "type": "https://api.twitter.com/2/problems/credits",
}
SPEND_CAP = {
    "title": "SpendCapReached",
    "detail": "Your enrolled account [1790000000000000001] has reached its spend cap "
    "for the current billing cycle.",
    "type": "https://api.twitter.com/2/problems/spend-cap-reached",
    "status": 403,
}
NOT_ENROLLED = {
    "client_id": "31000001",
    "detail": "When authenticating requests to the Twitter API v2 endpoints, you must "
    "use keys and tokens from a Twitter developer App that is attached to a Project. "
    "You can create a project via the developer portal.",
    "registration_url": "https://developer.twitter.com/en/docs/projects/overview",
    "title": "Client Forbidden",
    "required_enrollment": "Appropriate Level of API Access",
    "reason": "client-not-enrolled",
    "type": "https://api.twitter.com/2/problems/client-forbidden",
}
USER_NOT_FOUND = {
    "errors": [
        {
            "value": "nosuchowner",
            "detail": "Could not find user with username: [nosuchowner].",
            "title": "Not Found Error",
            "resource_type": "user",
            "parameter": "username",
            "resource_id": "nosuchowner",
            "type": "https://api.twitter.com/2/problems/resource-not-found",
        }
    ]
}


def post(n, text="Hello from the API", author="100000001", **fields):
    tid = str(2100000000000000000 + n)
    return {
        "edit_history_tweet_ids": [tid],
        "id": tid,
        "text": text,
        "author_id": author,
        "created_at": "2024-05-06T07:08:09.000Z",
        "lang": "en",
        "public_metrics": {
            "retweet_count": 0,
            "reply_count": 0,
            "like_count": n,
            "quote_count": 0,
            "bookmark_count": 0,
            "impression_count": 10 * n,
        },
        **fields,
    }


def page(posts, users=USERS, next_token=None):
    body = {
        "data": posts,
        "includes": {"users": users},
        "meta": {
            "result_count": len(posts),
            "newest_id": posts[0]["id"],
            "oldest_id": posts[-1]["id"],
        },
    }
    if next_token:
        body["meta"]["next_token"] = next_token
    return body


def run(store, **options):
    client, user_auth = client_from_env({"TWITTER_BEARER_TOKEN": TOKEN})
    options.setdefault("sleep", lambda s: None)
    return fetch(store, client, user_auth, **options)


def run_task(store, monkeypatch):
    monkeypatch.setenv("TWITTER_BEARER_TOKEN", TOKEN)
    tasks.fetch(Context(), store=str(store))


# --------------------------------------------------------------------------- item 5


@responses.activate
def test_credits_running_out_mid_fetch_keeps_every_post_read(
    sample_store, monkeypatch, capsys
):
    responses.get(TIMELINE, json=page([post(2), post(1)], next_token="p2"))
    responses.get(TIMELINE, status=402, json=CREDITS_DEPLETED)
    run_task(sample_store, monkeypatch)  # no Exit: posts were read
    out = " ".join(capsys.readouterr().out.split())
    assert "2 post(s) read, 2 new" in out
    assert "Stopped early: the X API stopped reading posts (402 CreditsDepleted)" in out
    assert "The posts read before that were kept" in out
    assert "The store holds 32 tweets" in out
    assert Reader(sample_store).get("2100000000000000002").likes == 2
    assert "1790000000000000001" not in out  # nothing of the reply's detail


@pytest.mark.parametrize(
    ("status", "body", "kind", "sentence"),
    [
        (402, CREDITS_DEPLETED, OutOfCredits, "(402 CreditsDepleted): the developer "),
        (403, SPEND_CAP, OutOfCredits, "(403 SpendCapReached): this app reached the "),
        (403, NOT_ENROLLED, AccessDenied, "(403 client-not-enrolled): its keys are "),
    ],
    ids=["credits", "spend-cap", "not-enrolled"],
)
@responses.activate
def test_billing_and_access_errors_are_told_apart_and_change_nothing(
    sample_store, monkeypatch, status, body, kind, sentence
):
    before = snapshot(sample_store)
    responses.get(TIMELINE, status=status, json=body)
    with pytest.raises(kind, match=re.escape(sentence)):
        run(sample_store)
    assert snapshot(sample_store) == before
    with pytest.raises(Exit) as raised:
        run_task(sample_store, monkeypatch)
    message = raised.value.message
    assert raised.value.code == 1 and sentence in message
    assert "Nothing was changed; the store holds 30 tweets" in message
    assert "1790000000000000001" not in message and TOKEN not in message
    assert snapshot(sample_store) == before


@responses.activate
def test_nothing_was_changed_is_said_only_when_true(tmp_path, monkeypatch):
    """The owner's account, looked up before the 402, is recorded: the task says so."""
    store = tmp_path / "tweets"
    Store(store).empty()
    responses.get(BY_USERNAME, json={"data": {**USERS[0]}})
    responses.get(TIMELINE, status=402, json=CREDITS_DEPLETED)
    monkeypatch.setattr(
        tasks,
        "load_settings",
        lambda c=None: {"TWEETS_MAX_READS": 50, "OWNER_TWITTER": "samsample"},
    )
    with pytest.raises(Exit) as raised:
        run_task(store, monkeypatch)
    message = raised.value.message
    assert "Nothing was changed" not in message
    assert "No post was read, but the owner's account was recorded" in message
    assert Reader(store).owner() == OWNER


# --------------------------------------------------------------------------- item 7


@responses.activate
def test_a_post_without_created_at_is_one_sentence_and_stores_nothing(
    sample_store, monkeypatch
):
    before = snapshot(sample_store)
    dateless = post(3)
    del dateless["created_at"]
    responses.get(TIMELINE, json=page([post(4), dateless]))
    with pytest.raises(BadReply, match="sent post 2100000000000000003 without its "):
        run(sample_store)
    assert snapshot(sample_store) == before
    with pytest.raises(Exit) as raised:
        run_task(sample_store, monkeypatch)
    assert "without its created_at, so none of that reply was stored." in (
        raised.value.message
    )
    assert "Nothing was changed" in raised.value.message


@responses.activate
def test_an_owner_x_does_not_find_is_one_sentence_and_changes_nothing(
    tmp_path, monkeypatch
):
    store = tmp_path / "tweets"
    Store(store).empty()
    before = snapshot(store)
    responses.get(BY_USERNAME, json=USER_NOT_FOUND)  # a 200 with only "errors"
    with pytest.raises(FetchError) as raised:
        run(store, owner_handle="nosuchowner")
    assert str(raised.value) == (
        "X finds no account @nosuchowner (OWNER_TWITTER in pelicanconf.py; X says: "
        "Not Found Error); correct the handle, or import your archive first."
    )
    assert raised.value.changed == ""
    assert snapshot(store) == before


# --------------------------------------------------------------------------- item 6


@responses.activate
def test_escaped_text_gets_its_links_at_the_right_characters(sample_store):
    """v2 counts offsets in the escaped text it sends: `&amp;` is five characters."""
    raw = "Q&amp;A &amp; coffee with @adaexample &lt;3 #coffeechallenge https://t.co/QnA2024abc"
    entities = {
        "mentions": [
            {"start": 26, "end": 37, "username": "adaexample", "id": "200000001"}
        ],
        "hashtags": [{"start": 44, "end": 60, "tag": "coffeechallenge"}],
        "urls": [
            {
                "start": 61,
                "end": 84,
                "url": "https://t.co/QnA2024abc",
                "expanded_url": "https://example.org/qna",
                "display_url": "example.org/qna",
            }
        ],
    }
    for kind, (entity, *_rest) in entities.items():
        shown = raw[entity["start"] : entity["end"]]
        assert shown[0] in "@#h" and shown[-1] != " ", kind  # the fixture's own check
    responses.get(TIMELINE, json=page([post(5, raw, entities=entities)]))
    responses.get(MENTIONS, json=EMPTY)
    run(sample_store)
    record = Reader(sample_store).get("2100000000000000005")
    text = record.text
    assert (
        text
        == "Q&A & coffee with @adaexample <3 #coffeechallenge https://t.co/QnA2024abc"
    )
    (mention,), (tag,), (url,) = record.mentions, record.hashtags, record.urls
    assert text[mention.start : mention.end] == "@adaexample"
    assert text[tag.start : tag.end] == "#coffeechallenge"
    assert text[url.start : url.end] == "https://t.co/QnA2024abc"
    links = lxml.html.fragment_fromstring(str(render_text(record)), create_parent="p")
    assert [a.text_content() for a in links.iter("a")] == [
        "@adaexample",
        "#coffeechallenge",
        "example.org/qna",
    ]
    assert links.text_content() == (
        "Q&A & coffee with @adaexample <3 #coffeechallenge example.org/qna"
    )


# --------------------------------------------------------------------------- item 8


@responses.activate
def test_an_author_missing_from_includes_is_unknown_never_the_owner(
    sample_store, card_template
):
    responses.get(
        MENTIONS,
        json=page(
            [post(6, "@samsample who are you?", author="555000555")], users=USERS
        ),
    )
    responses.get(TIMELINE, json=EMPTY)
    run(sample_store)
    record = Reader(sample_store).get("2100000000000000006")
    card = card_of(record, OWNER)
    assert card.author_handle != "samsample" and card.author_name == "Unknown account"
    assert card.author_url == "https://x.com/i/user/555000555"
    html = lxml.html.fragment_fromstring(card_template.render(tweet=card))
    author = html.find_class("tweet-card__author")[0]
    assert "samsample" not in author.text_content()
    assert "Sam Sample" not in author.text_content()
    # an owner's record that lost its handle is still the owner's
    own = card_of(msgspec.structs.replace(record, user_id=OWNER["id"]), OWNER)
    assert (own.author_handle, own.author_name) == ("samsample", "Sam Sample")


@responses.activate
def test_a_long_post_is_stored_whole_from_its_note_tweet(sample_store):
    """v2 cuts a long post's `text`; `note_tweet` holds it whole, with its entities."""
    whole = (
        "Notes from a year of coffees & follow-ups. "
        + "Ask early, suggest a time, write it down the same day. " * 6
        + "Thanks @adaexample! #coffeechallenge"
    )
    raw = whole.replace("&", "&amp;")
    at, tag = raw.index("@adaexample"), raw.index("#coffeechallenge")
    note = {
        "text": raw,
        "entities": {
            "mentions": [
                {
                    "start": at,
                    "end": at + 11,
                    "username": "adaexample",
                    "id": "200000001",
                }
            ],
            "hashtags": [{"start": tag, "end": tag + 16, "tag": "coffeechallenge"}],
        },
    }
    cut = post(7, raw[:270] + "…", note_tweet=note)
    responses.get(TIMELINE, json=page([cut]))
    responses.get(MENTIONS, json=EMPTY)
    run(sample_store)
    assert "note_tweet" in responses.calls[0].request.url  # asked for
    record = Reader(sample_store).get("2100000000000000007")
    assert record.text == whole
    (mention,), (hashtag,) = record.mentions, record.hashtags
    assert whole[mention.start : mention.end] == "@adaexample"
    assert whole[hashtag.start : hashtag.end] == "#coffeechallenge"


@pytest.mark.slow
@responses.activate
def test_real_build_shows_a_whole_long_post_and_an_unknown_author(
    fixtures, tmp_path, sample_store
):
    """A real Pelican build with this checkout's theme and plugins: the highlights
    page shows the long post whole with its photo, and the unknown author as such."""
    from pathlib import Path

    from test_tweets_build import build

    from pelican.plugins.rapport_tweets.archive import import_archive

    whole = "A long post about coffee and people. " * 10 + "The end."
    photo = {"key": "31", "basename": "Cup.png", "tco": "https://t.co/CuPpHoTo01"}
    tweet, note = fixtures.long_post(
        fixtures.tid(970), "2024-02-03 04:05:06", whole, media=[photo]
    )
    archive = fixtures.write_archive(
        tmp_path / "a",
        [tweet],
        notes=[note],
        media_files={f"{fixtures.tid(970)}-Cup.png": fixtures.tiny_png()},
    )
    import_archive(archive, sample_store)
    responses.get(MENTIONS, json=page([post(8, "@samsample hello", author="555")]))
    responses.get(TIMELINE, json=EMPTY)
    run(sample_store)
    root = Path(__file__).resolve().parents[2]
    out = build(
        tmp_path / "site",
        sample_store,
        THEME=str(root / "theme"),
        TWEETS_PINNED=[str(fixtures.tid(970)), "2100000000000000008"],
    )
    html = (out / "twitter" / "index.html").read_text()
    tree = lxml.html.fromstring(html)
    long_card = tree.get_element_by_id(f"tweet-{fixtures.tid(970)}")
    text = long_card.find_class("tweet-card__text")[0].text_content()
    assert " ".join(text.split()) == " ".join(whole.split())
    (img,) = long_card.iter("img")
    assert img.get("src") == f"/twitter/media/{fixtures.tid(970)}-Cup.png"
    unknown = tree.get_element_by_id("tweet-2100000000000000008")
    author = unknown.find_class("tweet-card__author")[0]
    assert " ".join(author.text_content().split()) == "Unknown account"
    assert author.get("href") == "https://x.com/i/user/555"
