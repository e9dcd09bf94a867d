"""`invoke bluesky.fetch`: new posts from the AppView (bluesky.appview) into the
Bluesky store, through its one write path (Update.add), since the newest stored ones."""

from __future__ import annotations

from ..fetch import FetchError, _Stop
from ..networks import open_store
from ..record import BLUESKY
from .appview import Fetcher, run
from .media import CDN, MediaSummary, download_images


def _newest(update, network_store, owner_id):
    """since() for fetch: per timeline, the newest stored created_at of the owner's
    posts (timeline) or of others' (mentions), and whether a URI is stored."""
    newest = {"timeline": "", "mentions": ""}
    for record in network_store.iter_records():
        key = "timeline" if record.user_id == owner_id else "mentions"
        newest[key] = max(newest[key], record.created_at)
    return lambda name: (newest[name], update.ids().__contains__)


def fetch_to_store(
    store_root,
    account,
    actor="",
    max_reads=1000,
    images=True,
    cdn=CDN,
    **fetcher_options,
):
    """Fetch new posts (and mentions, with a login) into the Bluesky store under
    `store_root`, then (`images`) the images stored posts lack, from `cdn`; returns
    (FetchSummary, MediaSummary). `actor`: the owner's handle or DID when the store
    does not know it yet. A FetchError (nothing read) leaves the store as it was."""
    store = open_store(store_root, BLUESKY)
    with store.update() as update:
        owner = update.owner
        actor = (owner.get("id") or actor or "").lstrip("@")
        if not actor:
            raise FetchError(
                "the Bluesky store does not know the owner's account yet; set "
                "OWNER_BLUESKY in pelicanconf.py (your handle), or import your "
                "export first."
            )
        fetcher = Fetcher(max_reads, **fetcher_options)
        summary = fetcher.summary

        def sink(records):
            for record in records:
                if not update.owner.get("id") and actor.lower() in (
                    record.user_id,
                    record.handle.lower(),
                ):
                    update.set_owner(
                        {
                            "id": record.user_id,
                            "handle": record.handle,
                            "name": record.name,
                        }
                    )
                outcome = update.add(record)
                if outcome in ("new", "updated"):
                    setattr(summary, outcome, getattr(summary, outcome) + 1)
                elif outcome == "forgotten":
                    summary.skipped += 1

        since = _newest(update, store, owner.get("id"))
        summary = run(fetcher, account, sink, actor=actor, since=since)
        media = MediaSummary()
        if images and not summary.stopped:
            try:
                media = download_images(update, store, fetcher, cdn=cdn)
            except _Stop as stop:
                summary.stopped = str(stop)
        return summary, media
