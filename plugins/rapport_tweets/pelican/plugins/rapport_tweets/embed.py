"""Tweets in posts: a paragraph holding only a tweet URL becomes that tweet's card."""

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


class TweetEmbedError(Exception):
    """TWEETS_STRICT is on and a post embeds a tweet that is not in the store."""


def tweet_id_of(url):
    """The status id of a twitter.com / x.com / mobile.twitter.com tweet URL, or None."""
    m = TWEET_URL.match(html.unescape(url.strip()))
    return m.group("id") if m else None


def rewrite(content_html, api, source, strict=False):
    """`content_html` with each tweet-URL paragraph replaced by the tweet's card."""

    def replace(match):
        if match.group("bare"):
            url = match.group("bare")
        elif tweet_id_of(match.group("text")) is not None:
            url = match.group("href")
        else:
            return match.group(0)  # a link with words of its own: leave it
        tweet_id = tweet_id_of(url)
        if tweet_id is None:
            return match.group(0)
        card = api.card(tweet_id)
        if card is not None:
            return Markup('<div class="tweet-embed">{}</div>').format(card)
        message = (
            f"{source}: tweet {tweet_id} is not in the tweet store; fetch it with "
            f"`invoke tweets.fetch --ids {tweet_id}` or import a newer archive"
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
                if "status" not in content._content:
                    continue  # cheap skip: no tweet URL can be in there
                content._content = rewrite(
                    content._content, api, content.source_path, strict
                )
