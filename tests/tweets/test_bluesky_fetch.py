"""bluesky.appview.fetch against recorded XRPC replies served on 127.0.0.1."""

import msgspec
import pytest
from xrpc_support import (
    IMAGE_CID,
    OTHER,
    OTHER_HANDLE,
    OWNER,
    OWNER_HANDLE,
    PASSWORD,
    feed,
    notification,
    notifications,
    post_view,
    ref,
    serve,
    session,
)

from pelican.plugins.rapport_tweets.bluesky.appview import Account, fetch
from pelican.plugins.rapport_tweets.fetch import AccessDenied, BadReply, FetchError

FEED = "app.bsky.feed.getAuthorFeed"
NOTIFICATIONS = "app.bsky.notification.listNotifications"
LOGIN = "com.atproto.server.createSession"


@pytest.fixture
def xrpc():
    server = serve()
    yield server
    server.server.shutdown()


def run(xrpc, login=True, since=None, **options):
    got = []
    options.setdefault("sleep", lambda s: None)
    summary = fetch(
        Account(xrpc.env(login)),
        got.extend,
        actor=OWNER_HANDLE,
        since=since,
        **options,
    )
    return summary, {r.id.rsplit("/", 1)[1]: msgspec.to_builtins(r) for r in got}


def stored(newest, *rkeys):
    uris = {f"at://{OWNER}/app.bsky.feed.post/{k}" for k in rkeys}
    return lambda timeline: (newest, uris.__contains__)


THEIRS = post_view(
    "3lotherroot22",
    "Who's up for coffee in Leeds? ☕",
    "2024-04-30T08:00:00.000Z",
    OTHER,
    OTHER_HANDLE,
)
REPLY = post_view(
    "3lreply00002a",
    "Me! Thursday? 🇬🇧 #leeds",
    "2024-04-30T09:00:00.000Z",
    reply={"root": ref(THEIRS), "parent": ref(THEIRS)},
    facets=[
        {
            "$type": "app.bsky.richtext.facet",
            "index": {"byteStart": 23, "byteEnd": 29},
            "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "leeds"}],
        }
    ],
)
PHOTO = post_view(
    "3lphoto0002a",
    "The café",
    "2024-04-29T18:00:00.000Z",
    embed={
        "$type": "app.bsky.embed.images",
        "images": [
            {
                "alt": "A flat white",
                "aspectRatio": {"height": 3, "width": 4},
                "image": {
                    "$type": "blob",
                    "ref": {"$link": IMAGE_CID},
                    "mimeType": "image/jpeg",
                    "size": 91234,
                },
            }
        ],
    },
)
OLD = post_view("3lold00000a2", "an older post", "2024-04-01T00:00:00.000Z")
REPOSTED = {
    "post": post_view(
        "3lrepostedx2",
        "someone else's words",
        "2024-04-30T07:00:00.000Z",
        OTHER,
        OTHER_HANDLE,
    ),
    "reason": {
        "$type": "app.bsky.feed.defs#reasonRepost",
        "by": {"did": OWNER, "handle": OWNER_HANDLE},
        "indexedAt": "2024-04-30T10:00:00.000Z",
    },
}
MENTION = post_view(
    "3lmention0002",
    f"@{OWNER_HANDLE} see you there",
    "2024-04-30T11:00:00.000Z",
    OTHER,
    OTHER_HANDLE,
)
LIKE = {
    **notification(REPLY, "like"),
    "record": {
        "$type": "app.bsky.feed.like",
        "subject": ref(REPLY),
        "createdAt": "2024-04-30T12:00:00.000Z",
    },
}


def test_first_fetch_reads_posts_replies_and_mentions(xrpc):
    xrpc.reply(
        FEED,
        feed(
            REPOSTED,
            {"post": REPLY, "reply": {"root": THEIRS, "parent": THEIRS}},
            cursor="c1",
        ),
    )
    xrpc.reply(FEED, feed({"post": PHOTO}, {"post": OLD}))
    xrpc.reply(LOGIN, session())
    xrpc.reply(NOTIFICATIONS, notifications(notification(MENTION, "mention"), LIKE))
    summary, got = run(xrpc)
    assert sorted(got) == [
        "3lmention0002",
        "3lold00000a2",
        "3lphoto0002a",
        "3lreply00002a",
    ]
    assert (summary.reads, summary.requests) == (
        4,
        4,
    )  # 2 feed pages, login, notifications
    assert summary.per_timeline == {"timeline": 3, "mentions": 1}
    reply = got["3lreply00002a"]
    assert reply["network"] == "bluesky" and reply["user_id"] == OWNER
    assert reply["reply_to_id"] == THEIRS["uri"] == reply["conversation_id"]
    assert (reply["reply_to_user_id"], reply["reply_to_handle"]) == (
        OTHER,
        OTHER_HANDLE,
    )
    assert (reply["likes"], reply["retweets"], reply["replies"]) == (7, 1, 2)
    (tag,) = reply["hashtags"]
    assert reply["text"][tag["start"] : tag["end"]] == "#leeds"
    assert got["3lphoto0002a"]["media"] == [
        {
            "type": "photo",
            "alt": "A flat white",
            "width": 4,
            "height": 3,
            "remote": f"https://cdn.bsky.app/img/feed_fullsize/plain/{OWNER}/{IMAGE_CID}@jpeg",
        }
    ]
    mention = got["3lmention0002"]
    assert (mention["user_id"], mention["handle"], mention["name"]) == (
        OTHER,
        OTHER_HANDLE,
        "Ada Example",
    )
    (first, second) = xrpc.calls(FEED)
    assert first[1] == {
        "actor": [OWNER_HANDLE],
        "filter": ["posts_with_replies"],
        "limit": ["100"],
        "includePins": ["false"],
    }
    assert second[1]["cursor"] == ["c1"]
    login = xrpc.calls(LOGIN)[0]
    assert b'"identifier":"sam.example.com"' in login[3].replace(b" ", b"")
    assert xrpc.calls(NOTIFICATIONS)[0][2]["Authorization"].startswith("Bearer ")
    assert "Authorization" not in xrpc.calls(FEED)[0][2]  # the public AppView: no login


def test_without_app_password_only_the_public_feed_is_read(xrpc):
    xrpc.reply(FEED, feed({"post": PHOTO}))
    _, got = run(xrpc, login=False)
    assert list(got) == ["3lphoto0002a"]
    assert [r[0] for r in xrpc.requests] == [FEED]


def test_idle_fetch_reads_nothing_and_makes_one_request_per_timeline(xrpc):
    xrpc.reply(FEED, feed({"post": PHOTO}, {"post": OLD}, cursor="more"))
    xrpc.reply(LOGIN, session())
    xrpc.reply(
        NOTIFICATIONS, notifications(notification(MENTION, "mention"), cursor="more")
    )
    known = {PHOTO["uri"], MENTION["uri"]}
    summary, got = run(
        xrpc, since=lambda t: ("2024-04-30T11:00:00Z", known.__contains__)
    )
    assert got == {} and summary.reads == 0
    assert [r[0] for r in xrpc.requests] == [FEED, LOGIN, NOTIFICATIONS]


def test_fetch_stops_at_the_newest_stored_post(xrpc):
    xrpc.reply(
        FEED, feed({"post": REPLY}, {"post": PHOTO}, {"post": OLD}, cursor="more")
    )
    _, got = run(
        xrpc, login=False, since=stored("2024-04-29T18:00:00Z", "3lphoto0002a")
    )
    assert list(got) == ["3lreply00002a"]
    assert len(xrpc.calls(FEED)) == 1
    # A post older than the newest stored one also ends the read, stored or not.
    xrpc.reply(FEED, feed({"post": REPLY}, {"post": OLD}, cursor="more"))
    _, got = run(xrpc, login=False, since=stored("2024-04-29T18:00:00Z"))
    assert list(got) == ["3lreply00002a"] and len(xrpc.calls(FEED)) == 2


def test_rate_limit_waits_for_the_reset_then_goes_on(xrpc):
    waits = []
    xrpc.reply(
        FEED,
        {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
        429,
        {
            "ratelimit-limit": "3000",
            "ratelimit-remaining": "0",
            "ratelimit-reset": "1000030",
            "ratelimit-policy": "3000;w=300",
        },
    )
    xrpc.reply(FEED, feed({"post": PHOTO}))
    summary, got = run(xrpc, login=False, sleep=waits.append, now=lambda: 1000000)
    assert list(got) == ["3lphoto0002a"]
    assert sum(waits) == 31 and summary.requests == 2 and not summary.stopped


def test_rate_limit_far_off_stops_and_keeps_what_was_read(xrpc):
    xrpc.reply(FEED, feed({"post": REPLY}, cursor="c1"))
    xrpc.reply(
        FEED,
        {"error": "RateLimitExceeded"},
        429,
        {"ratelimit-reset": str(1000000 + 3600)},
    )
    summary, got = run(xrpc, login=False, now=lambda: 1000000)
    assert list(got) == ["3lreply00002a"]
    assert (
        summary.stopped
        == "the Bluesky API rate limit was hit (429); it resets in 60 minutes"
    )


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried_then_stop_keeping_what_was_read(xrpc, status):
    waits = []
    xrpc.reply(FEED, feed({"post": REPLY}, cursor="c1"))
    for _ in range(4):
        xrpc.reply(
            FEED,
            {"error": "InternalServerError", "message": "Internal Server Error"},
            status,
        )
    summary, got = run(xrpc, login=False, sleep=waits.append)
    assert list(got) == ["3lreply00002a"]
    assert waits == [2.0, 4.0, 8.0]
    assert summary.stopped == f"the Bluesky API kept failing ({status} errors, 4 tries)"


def test_a_server_error_then_success_loses_nothing(xrpc):
    xrpc.reply(FEED, {"error": "InternalServerError"}, 503)
    xrpc.reply(FEED, feed({"post": REPLY}))
    summary, got = run(xrpc, login=False)
    assert list(got) == ["3lreply00002a"] and not summary.stopped


def test_no_network_is_one_sentence(xrpc):
    env = xrpc.env(login=False)
    xrpc.server.shutdown()
    xrpc.server.server_close()
    summary = fetch(
        Account(env, timeout=2), list, actor=OWNER_HANDLE, sleep=lambda s: None
    )
    assert summary.reads == 0
    assert summary.stopped == "the Bluesky API kept failing (network errors, 4 tries)"


def test_wrong_app_password_is_access_denied_without_the_password(xrpc):
    xrpc.reply(FEED, feed())
    xrpc.reply(
        LOGIN,
        {
            "error": "AuthenticationRequired",
            "message": "Invalid identifier or password",
        },
        401,
    )
    with pytest.raises(AccessDenied) as err:
        run(xrpc)
    assert str(err.value) == (
        "Bluesky refused the request (401 AuthenticationRequired: Invalid identifier "
        "or password)."
    )
    assert PASSWORD not in str(err.value)


def test_unknown_actor_is_a_clear_refusal(xrpc):
    xrpc.reply(FEED, {"error": "InvalidRequest", "message": "Profile not found"}, 400)
    with pytest.raises(
        FetchError,
        match=r"^Bluesky refused the request \(400 InvalidRequest: Profile not found\)\.$",
    ):
        run(xrpc, login=False)


@pytest.mark.parametrize(
    "reply",
    [
        {"cursor": "x"},
        {"feed": "nope"},
        {"feed": [{"post": {"cid": "x"}}]},
        b"<html>oops</html>",
    ],
)
def test_a_reply_of_the_wrong_shape_is_bad_reply_not_a_traceback(xrpc, reply):
    xrpc.reply(FEED, reply)
    with pytest.raises(BadReply):
        run(xrpc, login=False)
