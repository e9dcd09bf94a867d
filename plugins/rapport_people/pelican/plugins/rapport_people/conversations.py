"""The owner's public conversations, as the people tasks need them.

The only module of the people plugin that calls into the tweets plugin (people asks
tweets; tweets never imports people): when the tweets store changes shape, this is the
one place to adapt. Every exchange carries its network ("x" today) so that other
networks can join without changing the callers.
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pelican.plugins.rapport_tweets import settings as tweet_settings
from pelican.plugins.rapport_tweets.reader import Reader

X = "x"
NETWORKS = (X,)
# The log's `via:` for a conversation on each network (the log has said twitter).
LOG_VIA = {X: "twitter"}


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
        self._reader = Reader(_store(settings, root))

    def exists(self):
        return self._reader.exists()

    def owner(self):
        """The owner's handle, or None."""
        return (self._reader.owner() or {}).get("handle")

    def handles(self, network=None):
        """(network, handle) of everyone the owner has exchanged posts with."""
        if network not in (None, X) or not self.exists():
            return []
        return [(X, h) for h in self._reader.people().handles()]

    def with_(self, handle, network=X):
        """Every exchange with `handle`, oldest first."""
        if network != X or not self.exists():
            return []
        key = handle.lower().lstrip("@")
        rows = self._reader.people().get(key, ())
        return sorted(
            (
                Exchange(X, key, root, tid, dt.date.fromisoformat(day))
                for root, tid, day in rows
            ),
            key=lambda e: (e.date, int(e.post_id)),
        )

    def post_url(self, exchange):
        """The public URL of one post (by whoever wrote it)."""
        tweet = self._reader.get(exchange.post_id)
        author = (tweet.handle if tweet else "") or "i/web"
        return f"https://x.com/{author}/status/{exchange.post_id}"

    def display_name(self, handle, network=X):
        """The name `handle` last showed on a stored post of theirs, or None."""
        for exchange in reversed(self.with_(handle, network)):
            tweet = self._reader.get(exchange.post_id)
            if tweet and tweet.handle.lower() == exchange.handle and tweet.name:
                return tweet.name
        return None

    def partner_of(self, post_id):
        """The handle the owner talked with in post `post_id`, or None (not stored)."""
        tweet = self._reader.get(post_id)
        if tweet is None:
            return None
        owner = (self.owner() or "").lower()
        author = tweet.handle.lower()
        if author and author != owner:
            return author
        candidates = [tweet.reply_to_handle, *(m.handle for m in tweet.mentions)]
        return next((h.lower() for h in candidates if h and h.lower() != owner), None)

    def close(self):
        self._reader.close()
