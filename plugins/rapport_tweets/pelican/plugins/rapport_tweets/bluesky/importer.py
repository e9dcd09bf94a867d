"""`invoke bluesky.import`: a repository export (CAR) into the Bluesky store, through
its one write path (Update.add).

An export names its account by DID only; the handle (which the store's index needs to
tell the owner's conversations apart) comes from the caller, or from the store when it
already holds this account.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..gcpause import paused_gc
from ..networks import open_store
from ..record import BLUESKY, BadRecord
from .car import POST, read_car
from .post import records_from_repo


class Refused(Exception):
    """The export cannot be imported as asked; the message says why and what to do."""


@dataclass
class ImportSummary:
    did: str = ""
    handle: str = ""
    read: int = 0
    new: int = 0
    updated: int = 0
    skipped: int = 0
    others: Counter = field(default_factory=Counter)  # records of other collections
    warnings: list = field(default_factory=list)
    total: int = 0
    replaced: int = 0  # posts of another account emptied out with --replace


@paused_gc()
def import_car(path, store_root, handle="", replace=False):
    """Import the export at `path` into the Bluesky store under `store_root` (the
    TWEETS_STORE folder); returns an ImportSummary. CarError or Refused (or
    StoreError) leave the store as it was."""
    repo = read_car(path)
    store = open_store(store_root, BLUESKY)
    summary = ImportSummary(did=repo.did, others=repo.others)
    counts = Counter()
    with store.update() as update:
        held = len(update)
        owner = update.owner
        same = owner.get("id") == repo.did
        if held and owner and not same and not replace:
            raise Refused(
                f"{path} is the export of {repo.did}, but the Bluesky store holds "
                f"{held:,} posts of {owner.get('handle') or owner.get('id')}; importing "
                "would mix two accounts. To replace those posts with this export's, run "
                "the import again with --replace (it empties the Bluesky store first)."
            )
        handle = (handle or (owner.get("handle") if same else "") or "").lstrip("@")
        if not handle:
            raise Refused(
                f"{path} names its account by DID ({repo.did}), not by handle; pass "
                "the handle with --handle (e.g. --handle ada.bsky.social), or set "
                "OWNER_BLUESKY in pelicanconf.py."
            )
        if replace and held:
            summary.replaced = held
            update.clear()
        summary.handle = handle
        name = repo.profile.get("displayName")
        update.set_owner(
            {
                "id": repo.did,
                "handle": handle,
                "name": name if isinstance(name, str) else "",
            }
        )
        for record in records_from_repo(repo, handle, counts):
            summary.read += 1
            try:
                outcome = update.add(record)
            except BadRecord as err:
                summary.skipped += 1
                summary.warnings.append(f"{record.id}: skipped: {err}")
                continue
            if outcome in ("new", "updated"):
                setattr(summary, outcome, getattr(summary, outcome) + 1)
            elif outcome == "forgotten":
                summary.skipped += 1
        summary.total = len(update)
    summary.read += counts["posts skipped"]
    summary.skipped += counts["posts skipped"]
    if counts["posts skipped"]:
        summary.warnings.append(
            f"{counts['posts skipped']:,} {POST} record(s) were not posts a store can "
            "hold (no text or no date) and were skipped."
        )
    if counts["facets skipped"]:
        summary.warnings.append(
            f"{counts['facets skipped']:,} facet(s) (links, mentions, tags) pointed "
            "outside their post's text or inside a character and were left out; the "
            "text itself was kept."
        )
    if repo.missing:
        summary.warnings.append(
            f"{repo.missing:,} record(s) named by the export were not in the file."
        )
    return summary
