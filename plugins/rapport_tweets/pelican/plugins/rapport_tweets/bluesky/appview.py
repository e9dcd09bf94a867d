"""New Bluesky posts from the AppView (atproto.Client), since the newest stored one, as
the record type's Tweets.

The owner's posts and replies come from the public AppView
(`app.bsky.feed.getAuthorFeed`, no login). Mentions, replies and quotes by others come
from the owner's notifications (`app.bsky.notification.listNotifications`), which need a
login: BLUESKY_HANDLE and an app password in BLUESKY_APP_PASSWORD. Each timeline is read
newest first and stops at the first post the store already holds or that is older than
the newest stored one, so a run that finds nothing new makes one request per timeline.
Errors become the X fetch's FetchError subclasses: one sentence, never a secret; posts
read before a failure are kept.
"""

from __future__ import annotations

import functools

from atproto import Client, models
from atproto.exceptions import (
    AtProtocolError,
    BadRequestError,
    NetworkError,
    RateLimitExceededError,
    RequestException,
    UnauthorizedError,
)
from atproto_client.request import Request

from .. import fetch as fetch_x
from ..fetch import AccessDenied, BadReply, FetchError, _Stop
from .post import POST, record_from_post

PUBLIC_APPVIEW = "https://public.api.bsky.app"
ENTRYWAY = "https://bsky.social"
HANDLE_ENV, PASSWORD_ENV = "BLUESKY_HANDLE", "BLUESKY_APP_PASSWORD"
APPVIEW_ENV, PDS_ENV = "BLUESKY_APPVIEW", "BLUESKY_PDS"
PAGE = 100
MENTION_REASONS = ("mention", "reply", "quote")
REPOST = "app.bsky.feed.defs#reasonRepost"


class Account:
    """Where to read: the public AppView, and the owner's login for notifications."""

    def __init__(self, environ, timeout=30):
        self.public = Client(
            environ.get(APPVIEW_ENV) or PUBLIC_APPVIEW, request=Request(timeout=timeout)
        )
        self.handle = environ.get(HANDLE_ENV, "").strip().removeprefix("@")
        self._password = environ.get(PASSWORD_ENV, "")
        self.private = None
        if self.handle and self._password:
            self.private = Client(
                environ.get(PDS_ENV) or ENTRYWAY, request=Request(timeout=timeout)
            )

    def login(self):
        # No profile lookup: the AppView, not the PDS, serves profiles.
        self.private.login(self.handle, self._password, fetch_bsky_profile=False)


def _error_name(err):
    """The XRPC error of a reply, with its message: "InvalidRequest: Profile not
    found" (each cut short: a server's words, in our one sentence), or ""."""
    content = getattr(err.response, "content", None)
    if isinstance(content, dict):
        name, message = content.get("error"), content.get("message")
    else:
        name = getattr(content, "error", None)
        message = getattr(content, "message", None)
    if not name:
        return ""
    said = str(name)[:60]
    if message and isinstance(message, str):
        said += f": {' '.join(message.split())[:80]}"
    return said


def _status(err):
    return getattr(err.response, "status_code", None)


class Fetcher(fetch_x.Fetcher):
    """The X fetch's boundary (counting, waiting, backing off) with atproto's errors."""

    SERVICE = "Bluesky API"

    def __init__(self, max_reads=1000, **options):
        super().__init__(None, max_reads=max_reads, **options)

    def call(self, method, *args, **kwargs):
        """One request with bounded retries; its value, or a FetchError or _Stop."""
        attempt = 0
        while True:
            self.summary.requests += 1
            try:
                return method(*args, **kwargs)
            except RateLimitExceededError as err:
                wait = err.retry_after
                if err.reset_at is not None:
                    wait = err.reset_at.timestamp() - self.now() + 1
                self.rate_limited(wait)
            except UnauthorizedError as err:
                raise AccessDenied(
                    f"Bluesky refused the request ({_status(err)} "
                    f"{_error_name(err) or 'Unauthorized'})."
                ) from None
            except BadRequestError as err:
                raise FetchError(
                    f"Bluesky refused the request (400 "
                    f"{_error_name(err) or 'InvalidRequest'})."
                ) from None
            except (NetworkError, RequestException) as err:
                status = _status(err)
                if isinstance(err, RequestException) and status and status < 500:
                    raise FetchError(
                        f"Bluesky refused the request ({status} "
                        f"{_error_name(err) or 'error'})."
                    ) from None
                self.failed(attempt, f"{status} errors" if status else "network errors")
                attempt += 1
            except (AtProtocolError, ValueError) as err:  # a reply it cannot read
                raise BadReply(
                    f"Bluesky sent a reply that could not be read ({type(err).__name__})."
                ) from None

    def _pages(self, client, nsid, params, key):
        """Each page's list of `key` items, following the cursor. `params` makes the
        query's typed parameters (an atproto model class) from keyword arguments."""
        cursor = None
        while True:
            query = params(limit=PAGE, cursor=cursor)
            reply = self.call(client.invoke_query, nsid, params=query).content
            items = reply.get(key) if isinstance(reply, dict) else None
            if not isinstance(items, list):
                raise BadReply(
                    f"Bluesky's reply to {nsid} has no list of {key}, so none of it "
                    "was stored."
                )
            yield items
            cursor = reply.get("cursor")
            if not items or not isinstance(cursor, str) or not cursor:
                return

    def _read(self, name, pages, to_record, is_old, sink):
        """Records from `pages` (via `to_record`, None to pass an item) until one
        `is_old` or the read cap; each page goes to `sink` as it is read."""
        before = self.summary.reads
        for items in pages:
            records, done = [], False
            for item in items:
                record = to_record(item)
                if record is None:
                    continue
                if is_old(record):
                    done = True
                    break
                records.append(record)
            self.summary.reads += len(records)
            sink(records)
            if done:
                break
            if self.summary.reads >= self.max_reads:
                self.summary.stopped = f"the read cap ({self.max_reads}) was reached"
                break
        self.summary.per_timeline[name] = self.summary.reads - before

    def author_feed(self, public, actor, is_old, sink):
        """The owner's own posts and replies (reposts are someone else's words)."""
        pages = self._pages(
            public,
            "app.bsky.feed.getAuthorFeed",
            functools.partial(
                models.AppBskyFeedGetAuthorFeed.Params,
                actor=actor,
                filter="posts_with_replies",
            ),
            "feed",
        )
        self._read("timeline", pages, _feed_record, is_old, sink)

    def mentions(self, private, is_old, sink):
        """Others' posts that mention, reply to or quote the owner."""
        pages = self._pages(
            private,
            "app.bsky.notification.listNotifications",
            functools.partial(
                models.AppBskyNotificationListNotifications.Params,
                reasons=list(MENTION_REASONS),
            ),
            "notifications",
        )
        self._read("mentions", pages, _notification_record, is_old, sink)


def _bad(what):
    return BadReply(f"Bluesky sent {what}, so none of that reply was stored.")


def _view_record(view):
    """A store record from a post view ({uri, author, record, counts})."""
    if not isinstance(view, dict) or not isinstance(view.get("uri"), str):
        raise _bad("a post without its uri")
    author = view.get("author") if isinstance(view.get("author"), dict) else {}
    try:
        record = record_from_post(
            view["uri"],
            view.get("record"),
            author.get("handle") or "",
            author.get("displayName") or "",
        )
    except ValueError as err:
        raise _bad(
            f"post {view['uri'][:80]} that is not a post record ({err})"
        ) from None
    for field, count in (
        ("likes", "likeCount"),
        ("retweets", "repostCount"),
        ("replies", "replyCount"),
        ("quotes", "quoteCount"),
    ):
        if type(view.get(count)) is int:
            setattr(record, field, view[count])
    return record


def _feed_record(item):
    if not isinstance(item, dict):
        raise _bad("a feed item that is not an object")
    reason = item.get("reason")
    if isinstance(reason, dict) and reason.get("$type") == REPOST:
        return None
    record = _view_record(item.get("post"))
    parent = (item.get("reply") or {}).get("parent")
    if isinstance(parent, dict) and parent.get("uri") == record.reply_to_id:
        handle = (parent.get("author") or {}).get("handle")
        if isinstance(handle, str) and handle:
            record.reply_to_handle = handle
    return record


def _notification_record(item):
    if not isinstance(item, dict):
        raise _bad("a notification that is not an object")
    record = item.get("record")
    if item.get("reason") not in MENTION_REASONS or not (
        isinstance(record, dict) and record.get("$type") == POST
    ):
        return None
    return _view_record(item)


def fetch(account, sink, *, actor, since=None, max_reads=1000, **fetcher_options):
    """Read the owner's new posts (and, with a login, new mentions) into `sink(records)`.

    `actor` is the owner's handle or DID; `since(timeline)` gives
    (newest stored created_at, is_stored(uri)) for "timeline" and "mentions". Posts read
    before an error are kept and the run stops there (summary.stopped); a FetchError is
    raised only when no post could be read."""
    fetcher = Fetcher(max_reads, **fetcher_options)
    return run(fetcher, account, sink, actor=actor, since=since)


def run(fetcher, account, sink, *, actor, since=None):
    """fetch() with a given Fetcher (whose summary the sink may count into)."""
    summary = fetcher.summary

    def is_old_for(name):
        newest, stored = since(name) if since else ("", lambda uri: False)
        return lambda r: stored(r.id) or (bool(newest) and r.created_at < newest)

    try:
        fetcher.author_feed(account.public, actor, is_old_for("timeline"), sink)
        if account.private is not None:
            fetcher.call(account.login)
            fetcher.mentions(account.private, is_old_for("mentions"), sink)
    except _Stop as stop:
        summary.stopped = str(stop)
    except FetchError as err:
        if not summary.reads:
            raise
        summary.stopped = str(err).rstrip(".")
    return summary
