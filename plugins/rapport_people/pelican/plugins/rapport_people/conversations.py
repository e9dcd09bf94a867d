"""The owner's public conversations, as the people tasks need them.

The only module of the people plugin that calls into the tweets plugin (people asks
tweets; tweets never imports people): when the tweets store changes shape, this is the
one place to adapt. Every exchange carries its network: "x", "bluesky" or "mastodon".
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pelican.plugins.rapport_tweets import links
from pelican.plugins.rapport_tweets import settings as tweet_settings
from pelican.plugins.rapport_tweets.embed import post_id_of
from pelican.plugins.rapport_tweets.networks import NetworkReaders
from pelican.plugins.rapport_tweets.record import (
    BLUESKY,
    MASTODON,
    NETWORKS,
    X,
    network_of_id,
    order_key,
)

# The log's `via:` for a conversation on each network (the log has said twitter).
LOG_VIA = {X: "twitter", BLUESKY: "bluesky", MASTODON: "mastodon"}


@dataclass(frozen=True)
class Exchange:
    """One stored post between the owner and someone, in a thread."""

    network: str
    handle: str  # lower case, no @
    thread: str  # the thread's key (its first stored post, or the post it answers)
    post_id: str
    date: dt.date


def _store(settings, root):
    # The tweets plugin's one meaning of TWEETS_STORE (relative: to the site's folder).
    return tweet_settings.store_path(
        {
            "TWEETS_STORE": tweet_settings.get(settings, "TWEETS_STORE"),
            "PATH": settings.get("PATH") or str(Path(root) / "content"),
        }
    )


class Conversations:
    """Exchanges per handle, read lazily from the site's stores."""

    def __init__(self, settings, root):
        self._readers = NetworkReaders(_store(settings, root))
        self._reader = self._readers  # posts by id, whatever their network

    def exists(self):
        return self._readers.exists()

    def owner(self, network=X):
        """The owner's handle on `network`, or None."""
        return (self._readers.owner(network) or {}).get("handle")

    def handles(self, network=None):
        """(network, handle) of everyone the owner has exchanged posts with. A Bluesky
        account is named by its handle, and by its DID only where no handle is known."""
        out = []
        for net in [network] if network else NETWORKS:
            reader = self._readers.of(net)
            if not reader.exists():
                continue
            people = reader.people()
            keys = people.handles()
            covered = {
                row[1] for k in keys if not k.startswith("did:") for row in people[k]
            }
            out += [
                (net, k)
                for k in keys
                if not k.startswith("did:") or {r[1] for r in people[k]} - covered
            ]
        return out

    def with_(self, handle, network=X):
        """Every exchange with `handle` on `network`, oldest first."""
        reader = self._readers.of(network)
        if not reader.exists():
            return []
        key = handle if handle.startswith("did:") else handle.lower().lstrip("@")
        rows = reader.people().get(key, ())
        return sorted(
            (
                Exchange(network, key, root, tid, dt.date.fromisoformat(day))
                for root, tid, day in rows
            ),
            key=lambda e: (e.date, order_key(e.post_id)),
        )

    def post_url(self, exchange):
        """The public URL of one post (by whoever wrote it)."""
        tweet = self._reader.get(exchange.post_id)
        author = (tweet.handle if tweet else "") or "i/web"
        if exchange.network != X:
            return links.post_url(exchange.network, exchange.post_id, author)
        return f"https://x.com/{author}/status/{exchange.post_id}"

    def display_name(self, handle, network=X):
        """The name `handle` last showed on a stored post of theirs, or None."""
        for exchange in reversed(self.with_(handle, network)):
            tweet = self._reader.get(exchange.post_id)
            if tweet and tweet.handle.lower() == exchange.handle and tweet.name:
                return tweet.name
        return None

    def post_of(self, url):
        """(network, store id) of a post's URL on any network (a Bluesky URL may name
        a handle the store knows instead of the DID), or (None, None)."""
        post_id = post_id_of(url, self._readers.did_of)
        return (network_of_id(post_id), post_id) if post_id else (None, None)

    def partner_of(self, post_id):
        """The handle the owner talked with in post `post_id`, or None (not stored)."""
        tweet = self._reader.get(post_id)
        if tweet is None:
            return None
        owner = (self.owner(network_of_id(post_id)) or "").lower()
        author = tweet.handle.lower()
        if author and author != owner:
            return author
        candidates = [tweet.reply_to_handle, *(m.handle for m in tweet.mentions)]
        return next((h.lower() for h in candidates if h and h.lower() != owner), None)

    def close(self):
        self._readers.close()
