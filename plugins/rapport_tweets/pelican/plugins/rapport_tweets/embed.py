"""Posts in posts: a paragraph holding only the URL of a tweet, a Bluesky post or a
Mastodon status becomes that post's card."""

from __future__ import annotations

import html
import logging
import re

from markupsafe import Markup, escape

from . import settings as tweet_settings

logger = logging.getLogger(__name__)

# A whole paragraph that is one URL: bare text, or a link whose text is the URL
# (Markdown's <https://…> autolink).
PARAGRAPH = re.compile(
    r"<p>\s*(?:<a\s[^>]*?href=\"(?P<href>[^\"]+)\"[^>]*>(?P<text>[^<]*)</a>"
    r"|(?P<bare>https?://[^\s<]+))\s*</p>",
    re.IGNORECASE,
)
TWEET_URL = re.compile(
    r"^https?://(?:www\.|mobile\.)?(?:twitter\.com|x\.com)/(?:#!/)?"
    r"(?:[A-Za-z0-9_]{1,15}|i(?:/web)?)/status(?:es)?/(?P<id>\d+)/?(?:[?#]\S*)?$",
    re.IGNORECASE,
)


# https://bsky.app/profile/<handle or DID>/post/<rkey>: a CAR export names the owner's
# DID, the app shows the handle; both are accepted.
BLUESKY_URL = re.compile(
    r"^https://(?:www\.)?bsky\.app/profile/(?P<who>[A-Za-z0-9._:%-]+)/post/"
    r"(?P<rkey>[A-Za-z0-9._~:-]+)/?(?:[?#]\S*)?$"
)
# A status as Mastodon links it (https://host/@user/123) or as its URI
# (https://host/users/user/statuses/123); both name the same stored post.
MASTODON_URL = re.compile(
    r"^https://(?P<host>[A-Za-z0-9.-]+)/(?:@(?P<user>[A-Za-z0-9_]+)|users/"
    r"(?P<user2>[A-Za-z0-9_]+)/statuses)/(?P<id>[0-9]+)/?(?:[?#]\S*)?$"
)
# Cheap skip: a post whose HTML holds none of these has no embed.
_MARKERS = ("status", "bsky.app/profile/", "/@")


def post_id_of(url, did_of=lambda handle: None):
    """The store id of a tweet, Bluesky post or Mastodon status URL, or None.
    `did_of(handle)` gives the DID of a Bluesky handle the store knows."""
    url = html.unescape(url.strip())
    tweet_id = tweet_id_of(url)
    if tweet_id is not None:
        return tweet_id
    m = BLUESKY_URL.match(url)
    if m:
        who = m.group("who")
        did = who if who.startswith("did:") else did_of(who.lower())
        return f"at://{did}/app.bsky.feed.post/{m.group('rkey')}" if did else None
    m = MASTODON_URL.match(url)
    if m:
        user = m.group("user") or m.group("user2")
        return f"https://{m.group('host')}/users/{user}/statuses/{m.group('id')}"
    return None


class TweetEmbedError(Exception):
    """TWEETS_STRICT is on and a post embeds a tweet that is not in the store."""


def tweet_id_of(url):
    """The status id of a twitter.com / x.com / mobile.twitter.com tweet URL, or None."""
    m = TWEET_URL.match(html.unescape(url.strip()))
    return m.group("id") if m else None


def _is_post_url(url):
    return bool(tweet_id_of(url) or BLUESKY_URL.match(url) or MASTODON_URL.match(url))


def rewrite(content_html, api, source, strict=False):
    """`content_html` with each post-URL paragraph replaced by the post's card."""
    did_of = api.did_of

    def is_post(url):
        return _is_post_url(html.unescape(url.strip()))

    def replace(match):
        if match.group("bare"):
            url = match.group("bare")
        elif is_post(match.group("text")):
            url = match.group("href")
        else:
            return match.group(0)  # a link with words of its own: leave it
        if not is_post(url):
            return match.group(0)
        tweet_id = post_id_of(url, did_of)
        card = api.card(tweet_id) if tweet_id is not None else None
        if card is not None:
            return Markup('<div class="tweet-embed">{}</div>').format(card)
        if tweet_id_of(url) is not None:
            message = (
                f"{source}: tweet {tweet_id} is not in the tweet store; fetch it with "
                f"`invoke tweets.fetch --ids {tweet_id}` or import a newer archive"
            )
        else:
            network = "Bluesky" if BLUESKY_URL.match(html.unescape(url)) else "Mastodon"
            message = (
                f"{source}: the {network} post {html.unescape(url)} is not in the "
                f"store; import a newer archive or run `invoke {network.lower()}.fetch`"
            )
        if strict:
            raise TweetEmbedError(message + " (TWEETS_STRICT is on).")
        logger.warning("%s; showing a plain link.", message)
        href = html.unescape(url)
        return str(Markup('<p><a href="{}">{}</a></p>').format(href, escape(href)))

    return PARAGRAPH.sub(replace, content_html)


_CONTENT_LISTS = (
    "articles",
    "translations",
    "drafts",
    "drafts_translations",
    "pages",
    "hidden_pages",
    "hidden_translations",
    "draft_pages",
    "draft_translations",
)


def embed_tweets(generators):
    """all_generators_finalized receiver: rewrite every article and page."""
    from .generator import TweetsGenerator

    api = next((g.api for g in generators if isinstance(g, TweetsGenerator)), None)
    if api is None:
        return
    strict = tweet_settings.get(api.settings, "TWEETS_STRICT")
    seen = set()
    for generator in generators:
        for name in _CONTENT_LISTS:
            for content in getattr(generator, name, ()) or ():
                if id(content) in seen or not getattr(content, "_content", None):
                    continue
                seen.add(id(content))
                if not any(m in content._content for m in _MARKERS):
                    continue  # cheap skip: no post URL can be in there
                content._content = rewrite(
                    content._content, api, content.source_path, strict
                )
