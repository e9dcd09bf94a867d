"""Where a post, an account and a hashtag live on their own network: the links a card
makes (links only: a card never loads anything from those hosts)."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote

from .record import BLUESKY, MASTODON, X, network_of_id

LABELS = {X: "X", BLUESKY: "Bluesky", MASTODON: "Mastodon"}
# What each network calls a repost, for "Retweeted" and the counts.
REPOSTS = {X: "retweet", BLUESKY: "repost", MASTODON: "boost"}
X_SITE = "https://x.com"
BSKY_SITE = "https://bsky.app"
_AT_URI = re.compile(r"^at://([^/]+)/app\.bsky\.feed\.post/([^/]+)$")
_STATUS_URI = re.compile(r"^https://([^/]+)/users/([^/]+)/statuses/([^/]+)$")


def profile_url(network, handle):
    """An account's profile on its network: an X handle, a Bluesky handle or DID,
    a Mastodon "user@instance"."""
    if network == BLUESKY:
        return f"{BSKY_SITE}/profile/{quote(handle, safe=':.')}"
    if network == MASTODON:
        user, _, instance = handle.lstrip("@").partition("@")
        if instance:
            return f"https://{instance}/@{quote(user)}"
    return f"{X_SITE}/{quote(handle)}"


def post_url(network, post_id, handle=""):
    """The post on its network's site, for the card's link to the original."""
    if network == BLUESKY:
        m = _AT_URI.match(post_id)
        if m:
            return f"{BSKY_SITE}/profile/{m.group(1)}/post/{m.group(2)}"
    if network == MASTODON:
        m = _STATUS_URI.match(post_id)
        if m:
            return f"https://{m.group(1)}/@{m.group(2)}/{m.group(3)}"
        return post_id  # another server's own address: it answers in a browser too
    return f"{X_SITE}/{quote(handle or 'i')}/status/{post_id}"


def hashtag_url(network, tag, author_handle=""):
    """A hashtag's page on the network (on Mastodon: on the author's instance)."""
    if network == BLUESKY:
        return f"{BSKY_SITE}/hashtag/{quote(tag)}"
    if network == MASTODON:
        instance = author_handle.partition("@")[2]
        if instance:
            return f"https://{instance}/tags/{quote(tag)}"
    return f"{X_SITE}/hashtag/{quote(tag)}"


def anchor(post_id):
    """The card's HTML id: "tweet-<id>" for X (as always), a digest of the URI for the
    other networks (a URI is no name for an anchor)."""
    if network_of_id(post_id) == X:
        return f"tweet-{post_id}"
    return "post-" + hashlib.sha256(str(post_id).encode("utf-8")).hexdigest()[:16]
