"""Where each network's posts are stored, and one reader over all of them for the build.

A store folder (TWEETS_STORE) holds the X store at its root, as it always has, and
each other network's store in a folder of its own: `bluesky/`, `mastodon/`. Each is a
whole store (owner, index, media, lock), so an X `--replace` never touches the others,
and a build still reads only the index files and the posts it publishes.

Ids and account keys tell their network by their shape alone (record.network_of_id;
`account_network` below), so a card, an embed or a person's handle needs no network
named beside it.
"""

from __future__ import annotations

from pathlib import Path

from .reader import Reader
from .record import BLUESKY, MASTODON, NETWORKS, X, network_of_id
from .store import Store

FOLDERS = {X: "", BLUESKY: "bluesky", MASTODON: "mastodon"}


def network_root(root, network):
    """The folder of `network`'s store inside the store folder `root`."""
    return Path(root) / FOLDERS[network]


def open_store(root, network):
    """The Store of `network` inside the store folder `root`."""
    return Store(network_root(root, network), network)


def account_network(key):
    """The network of an account key of the people index: "did:…" or a dotted handle
    (ada.bsky.social) is Bluesky, "name@instance" Mastodon, a bare handle X."""
    if "@" in key:
        return MASTODON
    if key.startswith("did:") or "." in key:
        return BLUESKY
    return X


class NetworkReaders:
    """The readers of every network's store, behind the one Reader-like interface the
    build uses: posts by id, the people and highlights indexes, owners."""

    def __init__(self, root):
        self.root = Path(root)
        self.readers = {n: Reader(network_root(root, n), n) for n in NETWORKS}
        self.store = self.readers[X].store  # the X store: where the tasks point

    def of(self, network):
        return self.readers[network]

    def networks(self):
        """The networks whose store holds posts, in NETWORKS order."""
        return [n for n in NETWORKS if self.readers[n].exists()]

    def exists(self):
        return any(r.exists() for r in self.readers.values())

    def folders(self):
        """Every folder whose files a build may read: each store's root, its posts
        and its index (not its media, which a card copies by name)."""
        return [
            folder
            for reader in self.readers.values()
            for folder in (reader.store.root, reader.store.tweets_dir,
                           reader.store.index_dir)
        ]  # fmt: skip

    def owner(self, network=X):
        return self.readers[network].owner()

    def get(self, tweet_id):
        network = network_of_id(tweet_id)
        return None if network is None else self.readers[network].get(tweet_id)

    def highlight_candidates(self):
        """[(year, kind, score, id)] of every network's highlights index."""
        rows = []
        for network in self.networks():
            rows += self.readers[network].highlight_candidates()
        return rows

    def people(self):
        return _People(self.readers)

    def did_of(self, handle):
        """The DID of a Bluesky handle the store knows (the owner's, or an account
        the owner talked with), or None. Reads at most the posts of that handle."""
        reader = self.readers[BLUESKY]
        if not reader.exists():
            return None
        owner = reader.owner()
        if (owner.get("handle") or "").lower() == handle:
            return owner.get("id")
        for _root, post_id, _day in reader.people().get(handle, ()):
            tweet = reader.get(post_id)
            if tweet is None:
                continue
            if tweet.handle.lower() == handle:
                return tweet.user_id or None
            for m in tweet.mentions:
                if m.handle.lower() == handle and m.id:
                    return m.id
        return None

    def close(self):
        for reader in self.readers.values():
            reader.close()


class _People:
    """The people index of each network, looked up by account key."""

    def __init__(self, readers):
        self._readers = readers

    def get(self, key, default=None):
        reader = self._readers[account_network(key)]
        if not reader.exists():
            return default
        return reader.people().get(key, default)

    def __contains__(self, key):
        return self.get(key) is not None
