"""The tweets API other plugins use through the Pelican context (`context["tweets"]`).

People pages ask for pinned highlights and conversations with a handle; posts get embed
cards. Everything is read lazily from the store's index, so the cost follows what is
published, not what is stored.

Data flows one way: a caller that has pages of its own for some X accounts (the people
plugin: listed people) passes them as `profile_urls` ({handle in lower case: URL}) when
it asks, and its cards link those accounts there; nothing is read back from the context.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from markupsafe import Markup

from . import settings as tweet_settings
from .index import HIGHLIGHT_CANDIDATES, ORIGINAL, REPLY, RETWEET
from .record import StoreError, X, is_media_name, order_key
from .render import card_of

logger = logging.getLogger(__name__)


def account_key(handle):
    """The people index key of a handle as a person file writes it: "@Ada" -> "ada",
    "@ada@example.social" -> "ada@example.social"; a DID as it is."""
    handle = handle.strip()
    return handle if handle.startswith("did:") else handle.lstrip("@").lower()


@dataclass(frozen=True)
class Thread:
    """A conversation: rendered cards oldest first, and the day it started."""

    cards: list
    started: date


class TweetsAPI:
    """Rendered tweet cards from the store, for templates and other plugins."""

    def __init__(self, reader, settings, template, output_path=None, memo=None):
        self.reader = reader
        self.settings = settings
        self.template = template
        self.output_path = Path(output_path) if output_path else None
        self._owner = None
        self._copied = set()
        # Answers of earlier builds of this process (memo.py), or None.
        self._memo = memo
        self._published = None  # media names a memoised call published, or None
        self._profile_keys = {}

    # -- answers kept between the builds of one preview process (memo.py)

    def _profile_key(self, profile_urls):
        """A short hashable stand-in for a {handle: URL} map (a digest of its sorted
        items: a tuple of them would be hashed again on every lookup), once per map
        object."""
        if not profile_urls:
            return ()
        hit = self._profile_keys.get(id(profile_urls))
        if hit is None:
            items = repr(sorted(profile_urls.items())).encode()
            hit = (profile_urls, hashlib.blake2b(items, digest_size=16).digest())
            self._profile_keys[id(profile_urls)] = hit
        return hit[1]

    def _remembered(self, key, compute):
        """compute(), or the answer an earlier build of this process gave for `key`
        while the store, templates and settings were the same; its media files are
        published again."""
        if self._memo is None:
            return compute()
        hit = self._memo.answers.get(key)
        if hit is not None:
            answer, media = hit
            if all(
                self._publish_media(name, self.reader.of(network).store) == shown
                for network, name, shown in media
            ):
                return answer
        outer, self._published = self._published, []
        try:
            answer = compute()
            media = tuple(self._published)
        finally:
            if outer is not None:
                outer.extend(self._published)
            self._published = outer
        self._memo.answers[key] = (answer, media)
        return answer

    # -- settings and owner

    def _get(self, name):
        return tweet_settings.get(self.settings, name)

    @property
    def owner(self):
        if self._owner is None:
            self._owner = self.reader.owner()
        return self._owner

    def did_of(self, handle):
        """The DID of a Bluesky handle the store knows, or None (for embeds)."""
        return self.reader.did_of(handle)

    def networks(self):
        """The networks the store holds posts of ("x", "bluesky", "mastodon")."""
        return self.reader.networks()

    # -- cards

    def card(self, tweet_id, profile_urls=None):
        """The rendered card of one tweet (Markup), or None when it is not stored;
        accounts in `profile_urls` link to their URL on this site, others to X."""
        key = ("card", str(tweet_id), self._profile_key(profile_urls))
        return self._remembered(key, lambda: self._card(tweet_id, profile_urls))

    def _card(self, tweet_id, profile_urls):
        record = self.reader.get(str(tweet_id))
        if record is None:
            return None
        siteurl = self.settings.get("SITEURL", "")
        media_url = self._get("TWEETS_MEDIA_URL")
        network = record.network
        store = self.reader.of(network).store
        card = card_of(
            record,
            self.owner if network == X else self.reader.owner(network),
            profile_urls or {},
            siteurl,
            media_url,
            has_file=lambda name: self._published_media(network, name, store),
        )
        html = self.template.render(tweet=card, SITEURL=siteurl)
        return Markup(html.strip())

    def _published_media(self, network, file_name, store):
        shown = self._publish_media(file_name, store)
        if self._published is not None:
            self._published.append((network, file_name, shown))
        return shown

    def _publish_media(self, file_name, store):
        """Copy one media file of a published post in `store` into the output (once)."""
        if file_name in self._copied:
            return True
        if not is_media_name(file_name):
            # The reader refuses such a line; a record from elsewhere must not copy
            # another file of the store (index/people.tsv) into the site either.
            raise StoreError(
                f"{store.root}: a tweet's media file name leaves the media "
                "folder. Fix that line of the store, then run `invoke tweets.reindex`."
            )
        source = store.media_dir / file_name
        if not source.is_file():
            logger.warning(
                "%s: media file %s of a published tweet is missing; the card shows no "
                "image. Import the archive again to restore it.",
                store.media_dir,
                file_name,
            )
            return False
        if self.output_path is not None:
            dest = self.output_path / self._get("TWEETS_MEDIA_URL") / file_name
            dest.parent.mkdir(parents=True, exist_ok=True)
            if not dest.exists() or dest.stat().st_size != source.stat().st_size:
                shutil.copyfile(source, dest)
        self._copied.add(file_name)
        return True

    def remove_stale_media(self):
        """Delete media files that earlier builds left in the output and this build did
        not publish (a withdrawn person's pinned photos, a forgotten tweet's)."""
        if self.output_path is None:
            return
        root = self.output_path.resolve()
        folder = (root / self._get("TWEETS_MEDIA_URL")).resolve()
        if root not in folder.parents or not folder.is_dir():
            return  # never the output folder itself, nor anything outside it
        removed = 0
        for path in sorted(folder.iterdir()):
            if path.name not in self._copied and (path.is_file() or path.is_symlink()):
                path.unlink()
                removed += 1
        if removed:
            # No names in the log: a file name holds the tweet id.
            logger.info("Removed %d tweet media file(s) no longer published", removed)
        if not self._copied and not any(folder.iterdir()):
            folder.rmdir()  # as a full build would leave it: no folder without media

    def highlights(self, ids, profile_urls=None):
        """Cards for the given ids, in order; a missing id is skipped with a warning."""
        cards = []
        for tweet_id in ids:
            card = self.card(tweet_id, profile_urls)
            if card is None:
                logger.warning(
                    "tweet %s is not in the tweet store (%s); it is left out. Fetch it "
                    "with: invoke tweets.fetch --ids %s",
                    tweet_id,
                    self.reader.store.root,
                    tweet_id,
                )
                continue
            cards.append(card)
        return cards

    # -- conversations

    def _entries(self, handles):
        """The people index rows of one person's accounts (a handle or DID, or a list
        of them, one per network), each row once."""
        if isinstance(handles, str):
            handles = [handles]
        people, rows = self.reader.people(), set()
        for handle in handles:
            if handle:
                rows.update(people.get(account_key(handle), ()))
        return rows

    def _threads(self, handles):
        """[(started, thread key, [ids oldest first])], newest thread first, from the
        conversations on every network of `handles`."""
        groups = defaultdict(list)
        for root, tweet_id, day in self._entries(handles):
            groups[root].append((day, order_key(tweet_id), tweet_id))
        threads = []
        for root, items in groups.items():
            items.sort()
            threads.append((items[0][0], root, [i for _d, _o, i in items]))
        threads.sort(key=lambda t: (t[0], order_key(t[1])), reverse=True)
        return threads

    def conversations_with(self, handle, limit=None, exclude=(), profile_urls=None):
        """Threads between the owner and `handle` (or a list of one person's handles
        on several networks, in one timeline), newest first (capped by
        TWEETS_PER_PERSON unless `limit` is given), without the tweets whose ids are in
        `exclude` (shown elsewhere on the page); a thread left with none is left out."""
        if limit is None:
            limit = self._get("TWEETS_PER_PERSON")
        exclude = {str(i) for i in exclude}
        handles = (handle,) if isinstance(handle, str) else tuple(handle)
        key = ("conversations", handles, limit, tuple(sorted(exclude)),
               self._profile_key(profile_urls))  # fmt: skip
        return self._remembered(
            key, lambda: self._conversations(handles, limit, exclude, profile_urls)
        )

    def _conversations(self, handle, limit, exclude, profile_urls):
        result = []
        for started, _root, ids in self._threads(handle)[:limit]:
            shown = (self.card(i, profile_urls) for i in ids if i not in exclude)
            cards = [c for c in shown if c is not None]
            if cards:
                result.append(Thread(cards=cards, started=date.fromisoformat(started)))
        return result

    def first_talked(self, handle):
        """The day of the first stored post between the owner and `handle` (or a list
        of handles), or None."""
        handles = (handle,) if isinstance(handle, str) else tuple(handle)
        return self._remembered(("first", handles), lambda: self._first(handles))

    def _first(self, handle):
        entries = self._entries(handle)
        if not entries:
            return None
        return date.fromisoformat(min(day for _root, _id, day in entries))

    # -- highlights page

    def highlight_ids(self):
        """(pinned ids, [(year, [ids])] newest year first) for the highlights page."""
        pinned = [str(i) for i in self._get("TWEETS_PINNED")]
        top = self._get("TWEETS_TOP_PER_YEAR")
        if top > HIGHLIGHT_CANDIDATES:
            logger.warning(
                "TWEETS_TOP_PER_YEAR = %s is more than the store's index keeps per year "
                "(%s); showing %s a year.",
                top,
                HIGHLIGHT_CANDIDATES,
                HIGHLIGHT_CANDIDATES,
            )
        kinds = {ORIGINAL}
        if self._get("TWEETS_INCLUDE_REPLIES"):
            kinds.add(REPLY)
        if self._get("TWEETS_INCLUDE_RETWEETS"):
            kinds.add(RETWEET)
        by_year = defaultdict(list)
        for year, kind, score, tweet_id in self.reader.highlight_candidates():
            if kind in kinds and tweet_id not in pinned:
                by_year[year].append((-score, order_key(tweet_id), tweet_id))
        years = []
        for year in sorted(by_year, reverse=True):
            best = sorted(by_year[year])[:top]
            years.append((year, [i for _s, _o, i in best]))
        return pinned, years

    def highlights_page(self):
        """(pinned cards, [(year, cards)]) for twitter/index.html."""
        pinned_ids, years = self.highlight_ids()
        pinned = self.highlights(pinned_ids)
        return pinned, [(year, self.highlights(ids)) for year, ids in years]
