"""API fetch with recorded v2 responses served through tweepy's own requests session."""

import re

import pytest
import requests
import responses
from invoke import Context
from invoke.exceptions import Exit

from pelican.plugins.rapport_tweets import tasks
from pelican.plugins.rapport_tweets.fetch import (
    AccessDenied,
    NoToken,
    client_from_env,
    fetch,
)
from pelican.plugins.rapport_tweets.reader import Reader

TOKEN = "SECRET-BEARER-abc123"
TIMELINE = re.compile(r"https://api\.twitter\.com/2/users/100000001/tweets")
MENTIONS = re.compile(r"https://api\.twitter\.com/2/users/100000001/mentions")
LOOKUP = re.compile(r"https://api\.twitter\.com/2/tweets\?")
EMPTY = {"meta": {"result_count": 0}}


def v2_tweet(n, text="Hello from the API", author="100000001"):
    return {
        "id": str(2000000000000000000 + n),
        "text": text,
        "author_id": author,
        "created_at": "2017-01-01T10:00:00.000Z",
        "edit_history_tweet_ids": [str(2000000000000000000 + n)],
        "public_metrics": {
            "like_count": n,
            "retweet_count": 0,
            "reply_count": 0,
            "quote_count": 0,
        },
    }


def page(numbers, next_token=None, author="100000001"):
    users = [
        {"id": "100000001", "username": "samsample", "name": "Sam Sample"},
        {"id": "200000001", "username": "adaexample", "name": "Ada Example"},
    ]
    body = {
        "data": [v2_tweet(n, author=author) for n in numbers],
        "includes": {"users": users},
        "meta": {"result_count": len(numbers)},
    }
    if next_token:
        body["meta"]["next_token"] = next_token
    return body


def client():
    return client_from_env({"TWITTER_BEARER_TOKEN": TOKEN})


def run(store, **options):
    c, user_auth = client()
    sleeps = []
    options.setdefault("sleep", sleeps.append)
    options.setdefault("now", lambda: 1_000_000)
    summary = fetch(store, c, user_auth, **options)
    return summary, sleeps


@responses.activate
def test_nothing_new_is_one_request_per_timeline_and_zero_reads(sample_store):
    responses.get(TIMELINE, json=EMPTY)
    responses.get(MENTIONS, json=EMPTY)
    summary, _ = run(sample_store)
    assert (summary.requests, summary.reads, summary.new) == (2, 0, 0)
    timeline, mentions = (call.request for call in responses.calls)
    assert "since_id=1000000000000000302" in timeline.url  # newest owner tweet
    assert "since_id=1000000000000000299" in mentions.url  # newest mention
    assert timeline.headers["Authorization"] == f"Bearer {TOKEN}"


@responses.activate
def test_pagination_reads_every_page_and_stores_new_posts(sample_store):
    responses.get(TIMELINE, json=page([1, 2, 3], next_token="p2"))
    responses.get(TIMELINE, json=page([4, 5]))
    responses.get(MENTIONS, json=page([6], author="200000001"))
    summary, _ = run(sample_store)
    assert (summary.requests, summary.reads, summary.new) == (3, 6, 6)
    assert "pagination_token=p2" in responses.calls[1].request.url
    reader = Reader(sample_store)
    assert reader.get(2000000000000000004).likes == 4
    assert reader.get(2000000000000000006).handle == "adaexample"
    # a second run starts after what the first one stored
    responses.reset()
    responses.get(TIMELINE, json=EMPTY)
    responses.get(MENTIONS, json=EMPTY)
    again, _ = run(sample_store)
    assert again.reads == 0
    assert "since_id=2000000000000000005" in responses.calls[0].request.url
    assert "since_id=2000000000000000006" in responses.calls[1].request.url


@responses.activate
def test_read_cap_stops_cleanly(sample_store):
    responses.get(TIMELINE, json=page(range(1, 6), next_token="more"))
    summary, _ = run(sample_store, max_reads=7)
    assert summary.reads == 5 and summary.requests == 1  # 2 left < the 5 a page needs
    assert "read cap (7)" in summary.stopped
    assert "max_results=7" in responses.calls[0].request.url  # never more than the cap
    assert Reader(sample_store).get(2000000000000000005) is not None


@responses.activate
def test_429_with_a_near_reset_waits_then_goes_on(sample_store):
    responses.get(
        TIMELINE, status=429, headers={"x-rate-limit-reset": "1000030"}, json={}
    )
    responses.get(TIMELINE, json=page([1]))
    responses.get(MENTIONS, json=EMPTY)
    waited = []
    summary, _ = run(sample_store, countdown=waited.append)
    assert waited == [31]
    assert (summary.requests, summary.reads, summary.stopped) == (3, 1, "")


@responses.activate
def test_429_with_a_far_reset_stops_and_keeps_what_was_read(sample_store):
    responses.get(TIMELINE, json=page([1, 2], next_token="p2"))
    responses.get(
        TIMELINE,
        status=429,
        headers={"x-rate-limit-reset": str(1_000_000 + 3600)},
        json={},
    )
    summary, sleeps = run(sample_store)
    assert summary.reads == 2 and "resets in 60 minutes" in summary.stopped
    assert sleeps == []
    assert Reader(sample_store).get(2000000000000000002) is not None


@responses.activate
def test_429_without_reset_header_stops(sample_store):
    responses.get(TIMELINE, status=429, json={})
    summary, _ = run(sample_store)
    assert "no reset time" in summary.stopped and summary.reads == 0


@pytest.mark.parametrize(
    ("status", "body", "sentence"),
    [
        (401, {"title": "Unauthorized", "status": 401}, "refused the token (401)"),
        (
            403,
            {
                "errors": [
                    {"code": 453, "message": "You currently have access to a subset"}
                ]
            },
            "code 453",
        ),
        (403, {"title": "Forbidden"}, "refused the request (403)"),
    ],
)
@responses.activate
def test_auth_errors_are_one_sentence_and_change_nothing(
    sample_store, status, body, sentence
):
    from tweets_support import snapshot

    before = snapshot(sample_store)
    responses.get(TIMELINE, status=status, json=body)
    with pytest.raises(AccessDenied, match=re.escape(sentence)):
        run(sample_store)
    assert snapshot(sample_store) == before


@responses.activate
def test_server_errors_are_retried_with_backoff(sample_store):
    responses.get(TIMELINE, status=503, json={})
    responses.get(TIMELINE, body=requests.Timeout("slow"))
    responses.get(TIMELINE, json=page([1]))
    responses.get(MENTIONS, json=EMPTY)
    summary, sleeps = run(sample_store)
    assert sleeps == [2.0, 4.0]
    assert summary.reads == 1 and summary.requests == 4


@responses.activate
def test_server_errors_give_up_after_bounded_retries(sample_store):
    for _ in range(4):
        responses.get(TIMELINE, status=500, json={})
    summary, sleeps = run(sample_store, retries=3)
    assert len(sleeps) == 3 and summary.requests == 4
    assert "kept failing (500 errors, 4 tries)" in summary.stopped


@responses.activate
def test_ids_fetch_named_tweets_within_the_cap(sample_store):
    responses.get(LOOKUP, json=page([7, 8]))
    summary, _ = run(
        sample_store,
        ids=["2000000000000000007", "2000000000000000008", "2000000000000000009"],
        max_reads=2,
    )
    assert summary.requests == 1 and summary.reads == 2
    assert (
        "ids=2000000000000000007%2C2000000000000000008"
        in responses.calls[0].request.url
    )
    assert Reader(sample_store).get("2000000000000000008") is not None


def test_no_token_is_a_clear_error():
    with pytest.raises(NoToken, match="TWITTER_BEARER_TOKEN"):
        client_from_env({})


def test_oauth1_keys_are_used_when_all_four_are_set():
    env = {
        k: "x"
        for k in (
            "TWITTER_CONSUMER_KEY",
            "TWITTER_CONSUMER_SECRET",
            "TWITTER_ACCESS_TOKEN",
            "TWITTER_ACCESS_TOKEN_SECRET",
        )
    }
    c, user_auth = client_from_env(env)
    assert user_auth is True and c.consumer_key == "x"


@responses.activate
def test_task_error_names_state_and_way_out_never_the_token(
    sample_store, monkeypatch, capsys, caplog
):
    monkeypatch.setenv("TWITTER_BEARER_TOKEN", TOKEN)
    responses.get(
        TIMELINE, status=403, json={"errors": [{"code": 453, "message": "no"}]}
    )
    with pytest.raises(Exit) as raised:
        tasks.fetch(Context(), store=str(sample_store))
    message = str(raised.value.message)
    assert message.startswith("Error: the X API refused to read posts (403, code 453)")
    assert "Nothing was changed; the store holds 30 tweets up to 2016-05-04." in message
    assert "invoke tweets.import" in message
    out = capsys.readouterr()
    assert TOKEN not in message + out.out + out.err + caplog.text


@responses.activate
def test_fetch_before_build_warns_and_goes_on(sample_store, capsys):
    responses.get(TIMELINE, body=requests.ConnectionError("offline"))
    settings = {"TWEETS_FETCH_ON_BUILD": True, "TWEETS_STORE": str(sample_store)}
    env = {"TWITTER_BEARER_TOKEN": TOKEN}
    sleeps = []
    assert tasks.fetch_before_build(settings, env, sleep=sleeps.append) is True
    assert (
        len(sleeps) == 3
    )  # bounded retries, then the fetch stops and the build goes on
    err = capsys.readouterr()
    assert "Stopped early: the X API kept failing (timeouts" in err.out
    assert TOKEN not in err.out + err.err


def test_fetch_before_build_without_token_only_warns(sample_store, capsys):
    settings = {"TWEETS_FETCH_ON_BUILD": True, "TWEETS_STORE": str(sample_store)}
    assert tasks.fetch_before_build(settings, {}) is False
    assert "no X API token" in capsys.readouterr().err
    assert tasks.fetch_before_build({"TWEETS_STORE": str(sample_store)}, {}) is False


def test_fetch_before_build_turns_any_failure_into_a_warning(
    sample_store, capsys, monkeypatch
):
    from pelican.plugins.rapport_tweets import fetch as fetch_mod

    def boom(*args, **kwargs):
        raise RuntimeError(f"exploded with {TOKEN}")

    monkeypatch.setattr(fetch_mod, "fetch", boom)
    settings = {"TWEETS_FETCH_ON_BUILD": True, "TWEETS_STORE": str(sample_store)}
    assert tasks.fetch_before_build(settings, {"TWITTER_BEARER_TOKEN": TOKEN}) is False
    err = capsys.readouterr().err
    assert "building from the store" in err and TOKEN not in err and "***" in err
