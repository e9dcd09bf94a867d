"""invoke mastodon.fetch: new statuses and mentions through Mastodon.py, against a
recorded instance on 127.0.0.1."""

import json

import mastodon_api as api
import pytest
from tweets_support import network_lines, snapshot

from pelican.plugins.rapport_tweets.fetch import AccessDenied, FetchError, NoToken
from pelican.plugins.rapport_tweets.mastodon_fetch import (
    PAGE,
    client_from_env,
    fetch_mastodon,
)
from pelican.plugins.rapport_tweets.networks import NetworkReaders

STATUSES = "/api/v1/accounts/1/statuses"
NOTIFICATIONS = "/api/v1/notifications"
ME = "/api/v1/accounts/verify_credentials"

ADA_ASKS = api.status(
    "109000000000000042",
    '<p><span class="h-card"><a href="https://sample.social/@sam" class="u-url '
    'mention">@<span>sam</span></a></span> coffee next week?</p>',
    "2023-07-01T10:00:00.000Z",
    who=api.ADA,
    mentions=[
        {
            "id": "1",
            "username": "sam",
            "url": "https://sample.social/@sam",
            "acct": "sam",
        }
    ],
)
OWNER_ANSWERS = api.status(
    "110000000000000100",
    '<p><span class="h-card"><a href="https://example.social/@ada" class="u-url '
    'mention">@<span>ada</span></a></span> Tuesday?</p>',
    "2023-07-01T11:00:00.000Z",
    in_reply_to_id="109000000000000042",
    in_reply_to_account_id="2001",
    mentions=[
        {
            "id": "2001",
            "username": "ada",
            "url": "https://example.social/@ada",
            "acct": "ada@example.social",
        }
    ],
)
FOLLOWERS_ONLY = api.status(
    "110000000000000101",
    "<p>Only my followers: moving to Leeds</p>",
    "2023-07-02T09:00:00.000Z",
    visibility="private",
)
DIRECT = api.status(
    "110000000000000102", "<p>Door code 4321</p>", "2023-07-02T10:00:00.000Z",
    visibility="direct",
)  # fmt: skip


def newer(items, query):
    """The page Mastodon gives: with min_id, the items just newer than it; without,
    the newest; newest first either way."""
    limit = int(query.get("limit", [str(PAGE)])[0])
    ordered = sorted(items, key=lambda i: int(i["id"]))
    if "min_id" in query:
        floor = int(query["min_id"][0])
        chosen = [i for i in ordered if int(i["id"]) > floor][:limit]
    else:
        chosen = ordered[-limit:]
    return 200, list(reversed(chosen)), {}


def routes(statuses=(OWNER_ANSWERS, FOLLOWERS_ONLY, DIRECT), mentions=None):
    mentions = (
        [api.mention("500", ADA_ASKS, "2023-07-01T10:00:00.000Z")]
        if mentions is None
        else mentions
    )
    return {
        ME: api.OWNER,
        STATUSES: lambda q: newer(statuses, q),
        NOTIFICATIONS: lambda q: newer(mentions, q),
    }  # fmt: skip


def run(instance, store, **options):
    client = client_from_env(
        {"MASTODON_API_BASE_URL": instance.url, "MASTODON_ACCESS_TOKEN": "t0ken"}
    )
    return fetch_mastodon(store, client, sleep=lambda s: None, **options)


def test_a_first_fetch_stores_public_posts_and_mentions_as_one_thread(tmp_path):
    with api.Instance(routes()) as instance:
        summary = run(instance, tmp_path)
    assert instance.paths() == [ME, NOTIFICATIONS, STATUSES]
    assert (summary.new, summary.skipped) == (2, 2)
    records = network_lines(tmp_path, "mastodon")
    ada = records["https://example.social/users/ada/statuses/109000000000000042"]
    mine = records["https://sample.social/users/sam/statuses/110000000000000100"]
    assert ada["handle"] == "ada@example.social" and ada["likes"] == 4
    assert mine["reply_to_id"] == ada["id"]
    assert mine["reply_to_handle"] == "ada@example.social"
    assert (
        mine["text"][mine["mentions"][0]["start"] : mine["mentions"][0]["end"]]
        == "@ada"
    )
    everything = b"".join(snapshot(tmp_path).values())
    assert b"Leeds" not in everything and b"4321" not in everything
    threads = NetworkReaders(tmp_path).people().get("ada@example.social")
    assert {root for root, _id, _day in threads} == {ada["id"]}
    meta = json.loads((tmp_path / "mastodon" / "meta.json").read_text())
    assert meta["owner"]["handle"] == "sam@sample.social"
    assert meta["fetch"] == {
        "account_id": "1",
        "mentions": "500",
        "statuses": "110000000000000102",
    }


def test_an_idle_fetch_makes_one_request_per_timeline_and_changes_nothing(tmp_path):
    with api.Instance(routes()) as instance:
        run(instance, tmp_path)
        before = snapshot(tmp_path)
        instance.requests.clear()
        summary = run(instance, tmp_path)
    assert instance.paths() == [NOTIFICATIONS, STATUSES]
    assert instance.requests[1][1]["min_id"] == ["110000000000000102"]
    assert (summary.reads, summary.new) == (0, 0)
    assert snapshot(tmp_path) == before


def test_new_posts_are_read_page_by_page_from_the_cursor(tmp_path):
    many = [
        api.status(
            str(110000000000001000 + n), f"<p>Post {n}</p>", "2023-08-01T10:00:00.000Z"
        )
        for n in range(PAGE + 3)
    ]
    with api.Instance(routes(statuses=many, mentions=[])) as instance:
        summary = run(instance, tmp_path)  # no cursor: the newest page only
        assert summary.new == PAGE
        instance.requests.clear()
        many += [
            api.status("110000000000002000", "<p>Later</p>", "2023-08-02T10:00:00.000Z")
        ]
        summary = run(instance, tmp_path)
    assert summary.new == 1
    assert len(network_lines(tmp_path, "mastodon")) == PAGE + 1


def test_a_rate_limit_that_resets_soon_is_waited_for(tmp_path):
    calls, waits = [], []

    def limited(query):
        calls.append(query)
        if len(calls) == 1:
            return (
                429,
                {"error": "Too many requests"},
                {
                    "X-RateLimit-Limit": "300",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": "2030-01-01T00:00:30.000Z",
                },
            )
        return newer([OWNER_ANSWERS], query)

    with api.Instance({**routes(), STATUSES: limited}) as instance:
        client = client_from_env(
            {"MASTODON_API_BASE_URL": instance.url, "MASTODON_ACCESS_TOKEN": "t"}
        )
        summary = fetch_mastodon(
            tmp_path, client, sleep=waits.append, now=lambda: 1893456000.0
        )
    assert summary.new == 2 and not summary.stopped
    assert 25 < waits[0] < 35  # until the reset the instance named


def test_a_rate_limit_far_off_stops_and_keeps_what_was_read(tmp_path):
    def limited(query):
        return (
            429,
            {"error": "Too many requests"},
            {"X-RateLimit-Reset": "2030-01-01T05:00:00.000Z"},
        )

    with api.Instance({**routes(), STATUSES: limited}) as instance:
        client = client_from_env(
            {"MASTODON_API_BASE_URL": instance.url, "MASTODON_ACCESS_TOKEN": "t"}
        )
        summary = fetch_mastodon(
            tmp_path, client, sleep=lambda s: None, now=lambda: 1893456000.0
        )
    assert summary.stopped.startswith(
        "the Mastodon rate limit was hit (429); it resets in 300 minutes"
    )
    assert list(network_lines(tmp_path, "mastodon")) == [
        "https://example.social/users/ada/statuses/109000000000000042"
    ]


def test_server_errors_are_retried_then_stop(tmp_path):
    failures = []

    def flaky(query):
        failures.append(1)
        if len(failures) <= 2:
            return 502, {"error": "Bad gateway"}, {}
        return newer([OWNER_ANSWERS], query)

    with api.Instance({**routes(), STATUSES: flaky}) as instance:
        summary = run(instance, tmp_path)
    assert summary.new == 2 and len(failures) == 3

    with (
        api.Instance(
            {**routes(mentions=[]), STATUSES: lambda q: (503, {}, {})}
        ) as instance,
        pytest.raises(FetchError, match=r"kept failing \(503 errors, 4 tries\)"),
    ):
        run(instance, tmp_path / "other")
    assert not (tmp_path / "other" / "mastodon" / "tweets").exists()


def test_a_refused_token_is_one_sentence_and_changes_nothing(tmp_path):
    refused = {ME: lambda q: (401, {"error": "The access token is invalid"}, {})}
    with (
        api.Instance(refused) as instance,
        pytest.raises(AccessDenied, match="refused the token \\(401\\)") as err,
    ):
        run(instance, tmp_path)
    assert "t0ken" not in str(err.value)
    assert not (tmp_path / "mastodon" / "meta.json").exists()


def test_no_instance_or_token_says_which_variables_to_set():
    with pytest.raises(NoToken, match=r"MASTODON_API_BASE_URL.*MASTODON_ACCESS_TOKEN"):
        client_from_env({"MASTODON_API_BASE_URL": "https://sample.social"})
