"""Images of stored Bluesky posts, downloaded into the Bluesky store's media folder by
`invoke bluesky.fetch`, so that a card shows them from the site itself.

A repository export holds no image files, only each image's blob CID; the AppView
serves every blob of a post as a JPEG on Bluesky's image CDN, under the author's DID
and the CID (the `remote` a Bluesky record's media entry holds). Only the fetch task
downloads (never a build, never a visitor), through the fetch's one boundary: a rate
limit waited out, server errors retried, a refusal one sentence; a reply that is not an
image, or too large, is skipped and counted.
"""

from __future__ import annotations

from dataclasses import dataclass

from atproto_client.request import Request

from ..fetch import FetchError
from ..record import media_name
from .post import CDN as CDN_IMAGES

CDN = CDN_IMAGES.split("/img/", 1)[0]  # https://cdn.bsky.app
CDN_ENV = "BLUESKY_CDN"
TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
MAX_BYTES = 10_000_000
PER_RUN = 200  # images downloaded at most per run; the next run goes on


@dataclass
class MediaSummary:
    copied: int = 0
    skipped: int = 0  # replies that were not an image, or too large
    left: int = 0  # images still to download (the per-run cap was reached)


def _missing(record):
    return record is not None and any(m.remote and not m.file for m in record.media)


def _wanted(update, store):
    """Ids of the posts with an image not downloaded yet: stored ones, and the ones
    this update added (not on disk yet)."""
    ids = [r.id for r in store.iter_records() if _missing(r)]
    ids += [i for i in update.summary.new_ids if _missing(update.get(i))]
    return list(dict.fromkeys(ids))


def download_images(update, store, fetcher, cdn=CDN, per_run=PER_RUN, timeout=30):
    """Download missing images of the posts in `store` (being updated by `update`),
    each request through `fetcher.call` (its _Stop ends the downloads; what was
    staged is kept); returns a MediaSummary."""
    summary = MediaSummary()
    request = Request(timeout=timeout)
    for tid in _wanted(update, store):
        record = update.get(tid)
        changed = False
        for entry in record.media:
            remote = entry.remote or ""
            if entry.file or not remote.startswith(CDN_IMAGES + "/"):
                continue
            if summary.copied >= per_run:
                summary.left += 1
                continue
            try:
                reply = fetcher.call(request.get, cdn.rstrip("/") + remote[len(CDN) :])
            except FetchError:  # a deleted image (404), a refused one: the next
                summary.skipped += 1
                continue
            kind = str(reply.headers.get("content-type", "")).split(";")[0].strip()
            body = reply.content
            if (
                kind not in TYPES
                or not isinstance(body, bytes)
                or len(body) > MAX_BYTES
            ):
                summary.skipped += 1
                continue
            cid = remote.rsplit("/", 1)[-1].split("@", 1)[0]
            name = media_name(tid, cid + TYPES[kind])
            update.add_file(store.media_dir / name, lambda out, b=body: out.write(b))
            entry.file = name
            summary.copied += 1
            changed = True
        if changed:
            update.add(record)
    return summary
