"""Incremental, budgeted reads from the X API v2 (tweepy.Client) into the store.

X bills per post read, so every run is capped (max_reads) and starts after the newest
stored id (since_id): a run that finds nothing new makes one request per timeline and
reads no posts. Errors become FetchError subclasses with one user-facing sentence; the
task adds the store's state and the way out.
"""

from __future__ import annotations

import functools
import html
import logging
import time
from dataclasses import dataclass, field

import requests
import tweepy
from msgspec import UNSET

from .archive import parse_created_at
from .entities import placed, reply_start
from .record import Hashtag, Media, Mention, Tweet, Url
from .store import Store

logger = logging.getLogger(__name__)

TWEET_FIELDS = [
    "attachments",
    "author_id",
    "conversation_id",
    "created_at",
    "entities",
    "in_reply_to_user_id",
    "lang",
    "note_tweet",
    "public_metrics",
    "referenced_tweets",
]
EXPANSIONS = ["attachments.media_keys", "author_id", "in_reply_to_user_id"]
MEDIA_FIELDS = ["alt_text", "height", "preview_image_url", "type", "url", "width"]
USER_FIELDS = ["name", "username"]
OAUTH1_KEYS = (
    "TWITTER_CONSUMER_KEY",
    "TWITTER_CONSUMER_SECRET",
    "TWITTER_ACCESS_TOKEN",
    "TWITTER_ACCESS_TOKEN_SECRET",
)
# The API returns 5 to 100 posts a page; below 5 left in the budget we stop.
PAGE_MIN, PAGE_MAX = 5, 100
ARCHIVE_HINT = "Import your archive instead: invoke tweets.import PATH-TO-ARCHIVE.zip"


class FetchError(Exception):
    """A fetch failed; str() is one sentence for the user (never holds a token).
    `changed` says what the failed run still wrote to the store ("" for nothing)."""

    changed = ""


class NoToken(FetchError):
    pass


class AccessDenied(FetchError):
    pass


class Unavailable(FetchError):
    pass


class OutOfCredits(FetchError):
    """X bills per post read: the credits ran out, or the spend cap was reached."""


class BadReply(FetchError):
    """A reply of the X API that cannot be stored as it is."""


# --------------------------------------------------------------------------- client


def has_token(environ):
    return bool(environ.get("TWITTER_BEARER_TOKEN")) or all(
        environ.get(k) for k in OAUTH1_KEYS
    )


def client_from_env(environ, timeout=30):
    """(tweepy.Client, user_auth) from TWITTER_BEARER_TOKEN or the four OAuth 1.0a keys."""
    # tweepy logs request headers (the bearer token) at DEBUG: keep its logger quieter.
    logging.getLogger("tweepy").setLevel(logging.INFO)
    if all(environ.get(k) for k in OAUTH1_KEYS):
        client = tweepy.Client(
            consumer_key=environ["TWITTER_CONSUMER_KEY"],
            consumer_secret=environ["TWITTER_CONSUMER_SECRET"],
            access_token=environ["TWITTER_ACCESS_TOKEN"],
            access_token_secret=environ["TWITTER_ACCESS_TOKEN_SECRET"],
        )
        user_auth = True
    elif environ.get("TWITTER_BEARER_TOKEN"):
        client = tweepy.Client(bearer_token=environ["TWITTER_BEARER_TOKEN"])
        user_auth = False
    else:
        raise NoToken(
            "no X API token in the environment: set TWITTER_BEARER_TOKEN, or all four "
            "of " + ", ".join(OAUTH1_KEYS) + "."
        )
    # tweepy sets no timeout; a hung connection must not hang the build.
    client.session.mount("https://", _TimeoutAdapter(timeout))
    return client, user_auth


class _TimeoutAdapter(requests.adapters.HTTPAdapter):
    def __init__(self, timeout):
        super().__init__()
        self.timeout = timeout

    def send(self, request, **kwargs):
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().send(request, **kwargs)


# --------------------------------------------------------------------------- records


def record_from_v2(tweet, users, media):
    """A v2 tweet (dict) with its includes (users, media by key) -> a Tweet.

    v2 sends the text HTML-escaped and counts its offsets in that escaped text: the
    store keeps it unescaped, so each entity is placed in it as the archive's are. A
    long post's `text` is cut short; its whole text is in `note_tweet`."""
    note = tweet.get("note_tweet") or {}
    raw = note.get("text") or tweet.get("text", "")
    text = html.unescape(raw)
    entities = tweet.get("entities", {})
    if note.get("text"):
        # The note's own entities; the post's media links stay (they are not in it).
        media_links = [u for u in entities.get("urls", ()) if u.get("media_key")]
        entities = dict(note.get("entities") or {})
        entities["urls"] = [*entities.get("urls", ()), *media_links]
    author = users.get(tweet.get("author_id"), {})
    refs = {r["type"]: r["id"] for r in tweet.get("referenced_tweets", ())}
    metrics = tweet.get("public_metrics", {})
    reply_user = tweet.get("in_reply_to_user_id") or ""
    mentions = [
        Mention(
            start=m["start"],
            end=m["end"],
            handle=m["username"],
            id=m.get("id") or UNSET,
        )
        for m in entities.get("mentions", ())
    ]
    urls, media_urls = [], {}
    for u in entities.get("urls", ()):
        if u.get("media_key"):
            media_urls[u["media_key"]] = u
            continue
        urls.append(
            Url(
                start=u["start"],
                end=u["end"],
                url=u["url"],
                expanded=u.get("expanded_url") or u["url"],
                display=u.get("display_url") or u["url"],
            )
        )
    hashtags = [
        Hashtag(start=h["start"], end=h["end"], tag=h["tag"])
        for h in entities.get("hashtags", ())
    ]
    mentions = placed(text, "mentions", mentions, raw)
    reply_to_id = refs.get("replied_to") or ""
    start = reply_start(text, mentions) if reply_to_id else 0
    stored_media = []
    for key in tweet.get("attachments", {}).get("media_keys", ()):
        m = media.get(key)
        if not m:
            continue
        link = media_urls.get(key) or {}
        stored_media.append(
            Media(
                type=m.get("type", "photo") or UNSET,
                alt=m.get("alt_text") or UNSET,
                remote=m.get("url") or m.get("preview_image_url") or UNSET,
                width=_number(m, "width"),
                height=_number(m, "height"),
                start=link.get("start", UNSET),
                end=link.get("end", UNSET),
                url=link.get("url") or UNSET,
                expanded=link.get("expanded_url") or UNSET,
            )
        )
    return Tweet(
        id=str(tweet["id"]),
        created_at=parse_created_at(tweet["created_at"]),
        user_id=str(tweet.get("author_id", "")),
        handle=author.get("username") or "",
        name=author.get("name") or "",
        text=text,
        display=[start, len(text)] if start else UNSET,
        reply_to_id=reply_to_id,
        reply_to_user_id=reply_user,
        reply_to_handle=users.get(reply_user, {}).get("username") or ""
        if reply_user
        else "",
        conversation_id=tweet.get("conversation_id") or "",
        quote_of=refs.get("quoted") or "",
        retweet="retweeted" in refs,
        likes=metrics.get("like_count") or 0,
        retweets=metrics.get("retweet_count") or 0,
        replies=metrics.get("reply_count") or 0,
        quotes=metrics.get("quote_count") or 0,
        lang=tweet.get("lang") or "",
        mentions=mentions,
        hashtags=placed(text, "hashtags", hashtags, raw),
        urls=placed(text, "urls", urls, raw),
        media=placed(text, "media", stored_media, raw),
    )


def _number(media, name):
    """A media entry's width or height: 0 when the API leaves it out, as stored."""
    value = media.get(name, 0)
    return UNSET if value is None else value


def _records(response):
    """The Tweets of one reply; BadReply (none stored) when a post in it lacks
    what a record needs."""
    includes = response.includes or {}
    users = {str(u.data["id"]): u.data for u in includes.get("users", ())}
    media = {m.data["media_key"]: m.data for m in includes.get("media", ())}
    tweets = [t.data for t in response.data or ()]
    for tweet in tweets:
        for name in ("id", "created_at"):
            if not tweet.get(name):
                raise BadReply(
                    f"the X API sent post {str(tweet.get('id', '(no id)'))[:20]} "
                    f"without its {name}, so none of that reply was stored."
                )
    return [record_from_v2(t, users, media) for t in tweets]


# --------------------------------------------------------------------------- fetcher


@dataclass
class FetchSummary:
    requests: int = 0
    reads: int = 0
    new: int = 0
    updated: int = 0
    skipped: int = 0
    stopped: str = ""  # why the run stopped early ("" when it read everything)
    per_timeline: dict = field(default_factory=dict)


def _problem(err):
    """The problem-details body of an error reply ({"title", "detail", "type",
    "status", …}), or {}."""
    try:
        body = err.response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _named(body, *names):
    """Whether a problem-details body is one of `names` (by title, type or reason)."""
    said = " ".join(
        str(body.get(key, "")).lower() for key in ("title", "type", "reason")
    )
    return any(name in said for name in names)


def _forbidden(err):
    """One sentence for a 403, telling the spend cap and the access level apart."""
    body = _problem(err)
    if _named(body, "spendcap", "spend-cap", "spend cap"):
        return OutOfCredits(
            "the X API stopped reading posts (403 SpendCapReached): this app reached "
            "the spend cap set for it; raise the cap in the X developer console, or "
            "wait for it to reset."
        )
    if _named(body, "client-not-enrolled", "client-forbidden", "client forbidden"):
        return AccessDenied(
            "the X API refused this app (403 client-not-enrolled): its keys are not "
            "from an app in a Project with API access; use keys from an app in a "
            "Project in the X developer console."
        )
    if 453 in err.api_codes:
        return AccessDenied(
            "the X API refused to read posts (403, code 453): your access "
            "level cannot read timelines."
        )
    return AccessDenied(
        "the X API refused the request (403): this app or account may not "
        "read these posts."
    )


def _refused(err):
    """One sentence for an error reply no other handler knows (402, other 4xx)."""
    status = err.response.status_code
    body = _problem(err)
    if status == 402 or _named(body, "creditsdepleted", "/problems/credits"):
        return OutOfCredits(
            f"the X API stopped reading posts ({status} CreditsDepleted): the "
            "developer account has no credits left; X bills per post read, so add "
            "credits in the X developer console."
        )
    title = str(body.get("title") or err.response.reason or "error")[:60]
    return FetchError(f"the X API refused the request ({status} {title}).")


class Fetcher:
    """Calls the API through one boundary: counting, retrying, waiting, mapping errors."""

    def __init__(
        self,
        client,
        user_auth=False,
        max_reads=500,
        *,
        retries=3,
        backoff=2.0,
        max_wait=900,
        sleep=time.sleep,
        now=time.time,
        countdown=None,
    ):
        self.client = client
        self.user_auth = user_auth
        self.max_reads = max_reads
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.sleep = sleep
        self.now = now
        self.countdown = countdown or self._countdown
        self.summary = FetchSummary()

    @property
    def budget(self):
        return self.max_reads - self.summary.reads

    def _countdown(self, seconds):
        for left in range(int(seconds), 0, -1):
            if left % 10 == 0 or left <= 5:
                logger.warning("X API rate limit: resuming in %ss", left)
            self.sleep(1)

    def call(self, method, *args, **kwargs):
        """One API call with bounded retries; raises a FetchError or _Stop."""
        attempt = 0
        while True:
            self.summary.requests += 1
            try:
                return method(*args, user_auth=self.user_auth, **kwargs)
            except tweepy.TooManyRequests as err:
                wait = (
                    None if err.reset_time is None else err.reset_time - self.now() + 1
                )
                if wait is None:
                    raise _Stop(
                        "the X API rate limit was hit (429, no reset time given)"
                    ) from None
                if wait > self.max_wait:
                    raise _Stop(
                        f"the X API rate limit was hit (429); it resets in {int(wait // 60)} "
                        "minutes"
                    ) from None
                self.countdown(max(wait, 0))
            except tweepy.Unauthorized:
                raise AccessDenied(
                    "the X API refused the token (401): it is wrong, expired or revoked."
                ) from None
            except tweepy.Forbidden as err:
                raise _forbidden(err) from None
            except (
                tweepy.TwitterServerError,
                requests.Timeout,
                requests.ConnectionError,
            ) as err:
                if attempt >= self.retries:
                    kind = (
                        f"{err.response.status_code} errors"
                        if isinstance(err, tweepy.TwitterServerError)
                        else "timeouts"
                    )
                    raise _Stop(
                        f"the X API kept failing ({kind}, {attempt + 1} tries)"
                    ) from None
                self.sleep(self.backoff * 2**attempt)
                attempt += 1
            except tweepy.HTTPException as err:  # 402 and any other refusal
                raise _refused(err) from None

    def _wrapped(self, method):
        @functools.wraps(method)  # Paginator looks at the method's __name__
        def call(*args, **kwargs):
            return self.call(method, *args, **kwargs)

        return call

    def timeline(self, name, method, user_id, since_id, sink):
        """Read one timeline page by page since `since_id`, within the read budget."""
        read_before = self.summary.reads
        if self.budget < PAGE_MIN:
            self.summary.stopped = (
                self.summary.stopped or f"the read cap ({self.max_reads}) was reached"
            )
            return
        kwargs = dict(
            since_id=since_id or None,
            max_results=max(PAGE_MIN, min(PAGE_MAX, self.budget)),
            tweet_fields=TWEET_FIELDS,
            expansions=EXPANSIONS,
            media_fields=MEDIA_FIELDS,
            user_fields=USER_FIELDS,
        )
        pages = iter(tweepy.Paginator(self._wrapped(method), user_id, **kwargs))
        while True:
            # Ask for no more than the budget allows (the iterator reuses its kwargs).
            pages.kwargs["max_results"] = max(PAGE_MIN, min(PAGE_MAX, self.budget))
            try:
                response = next(pages)
            except StopIteration:
                break
            records = _records(response)
            self.summary.reads += len(records)
            sink(records)
            if self.budget < PAGE_MIN and (response.meta or {}).get("next_token"):
                self.summary.stopped = f"the read cap ({self.max_reads}) was reached"
                break
        self.summary.per_timeline[name] = self.summary.reads - read_before

    def by_ids(self, ids, sink):
        """Read named tweets (100 a request), within the read budget."""
        ids = list(ids)
        while ids:
            if self.budget <= 0:
                self.summary.stopped = f"the read cap ({self.max_reads}) was reached"
                return
            chunk, ids = ids[: min(100, self.budget)], ids[min(100, self.budget) :]
            response = self.call(
                self.client.get_tweets,
                chunk,
                tweet_fields=TWEET_FIELDS,
                expansions=EXPANSIONS,
                media_fields=MEDIA_FIELDS,
                user_fields=USER_FIELDS,
            )
            records = _records(response)
            self.summary.reads += len(records)
            sink(records)


class _Stop(Exception):
    """Stop reading, keep what was read (rate limit far away, server kept failing)."""


def fetch(
    store_root,
    client,
    user_auth=False,
    *,
    max_reads=500,
    ids=None,
    owner_handle="",
    **fetcher_options,
):
    """Fetch new posts (or the named `ids`) into the store; returns a FetchSummary.

    Posts read before an error are kept, and the run stops there (summary.stopped);
    a FetchError is raised only when no post could be read."""
    store = Store(store_root)
    fetcher = Fetcher(client, user_auth, max_reads, **fetcher_options)
    summary = fetcher.summary
    failure = None
    with store.update() as update:
        owner = update.owner

        def sink(records):
            for record in records:
                outcome = update.add(record)
                if outcome in ("new", "updated"):
                    setattr(summary, outcome, getattr(summary, outcome) + 1)
                elif outcome == "forgotten":
                    summary.skipped += 1

        try:
            if ids:
                fetcher.by_ids([i for i in ids if i not in update.forgotten], sink)
            else:
                if not owner.get("id"):
                    if not owner_handle:
                        raise FetchError(
                            "the store does not know the owner's account yet; set "
                            "OWNER_TWITTER in pelicanconf.py or import the archive first."
                        )
                    reply = fetcher.call(client.get_user, username=owner_handle)
                    user = reply.data
                    if user is None:  # a 200 with only "errors"
                        why = ((reply.errors or [{}])[0] or {}).get("title") or "none"
                        raise FetchError(
                            f"X finds no account @{owner_handle[:30]} (OWNER_TWITTER "
                            f"in pelicanconf.py; X says: {str(why)[:60]}); correct "
                            "the handle, or import your archive first."
                        )
                    owner = {
                        "id": str(user.id),
                        "handle": user.username,
                        "name": user.name,
                    }
                    update.set_owner(owner)
                newest = update.meta.get("newest") or {}
                fetcher.timeline(
                    "timeline",
                    client.get_users_tweets,
                    owner["id"],
                    newest.get("owner"),
                    sink,
                )
                fetcher.timeline(
                    "mentions",
                    client.get_users_mentions,
                    owner["id"],
                    newest.get("others"),
                    sink,
                )
        except _Stop as stop:
            summary.stopped = str(stop)
        except FetchError as err:
            # Posts read are billed and kept: with some read, the run just stops.
            if summary.reads:
                summary.stopped = str(err).rstrip(".")
            else:
                failure = err
                if update.owner != store.owner():
                    failure.changed = "the owner's account was recorded"
    if failure is not None:
        raise failure
    return summary
