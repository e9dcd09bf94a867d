"""invoke tasks for Mastodon: `invoke mastodon.import PATH` and `invoke mastodon.fetch`.

They write the Mastodon store inside TWEETS_STORE (`<store>/mastodon/`, networks.py);
the root tasks.py adds `ns` as the `mastodon` sub-collection.
"""

from __future__ import annotations

import os

from invoke import Collection, task
from invoke.exceptions import Exit

from .networks import network_root
from .reader import Reader
from .record import MASTODON, StoreError
from .tasks import (
    STORE_HELP,
    _store_root,
    _unwritable,
    console,
    err_console,
    fetch_errors,
    forget_posts,
)


def mastodon_state(root):
    """'1,204 Mastodon posts up to 2024-03-02' (or 'no Mastodon posts')."""
    reader = Reader(network_root(root, MASTODON), MASTODON)
    rows = reader.store.index_rows() if reader.exists() else None
    if not rows:
        return "no Mastodon posts"
    total = sum(row[1] for row in rows)
    newest = max(row[0] for row in rows).removesuffix(".jsonl")
    return f"{total:,} Mastodon posts up to {newest}"


@task(
    help={
        "path": "The archive zip your instance gave you, or its unpacked folder.",
        "replace": "Empty the Mastodon store first (posts, owner, media), in the same "
        "commit: for another account's archive. Forgotten ids stay.",
        "store": STORE_HELP,
    }
)
def import_(c, path, store=None, replace=False):
    """Import a Mastodon account archive (zip or folder): public and unlisted posts."""
    from .archive import ArchiveError
    from .mastodon import import_mastodon

    root = _store_root(c, store)
    try:
        summary = import_mastodon(path, root, replace=replace)
    except (ArchiveError, StoreError) as err:
        raise Exit(f"Error: {err} The store was not changed.", code=1) from None
    except OSError as err:
        raise _unwritable(err, root) from None
    console.print(
        f"Imported {path}: {summary.read:,} activities read; {summary.new:,} new, "
        f"{summary.updated:,} updated, {summary.unchanged:,} unchanged, "
        f"{summary.boosts:,} of them boosts; {summary.media:,} media copied; "
        f"{summary.private:,} followers-only or direct posts left out."
    )
    if summary.replaced and summary.replaced["posts"]:
        old = summary.replaced["owner"].get("handle")
        console.print(
            f"Replaced the {summary.replaced['posts']:,} posts"
            + (f" of @{old}" if old else "")
            + " the Mastodon store held."
        )
    for warning in summary.warnings:
        err_console.print(f"Warning: {warning}")
    console.print(f"The store holds {mastodon_state(root)}.")


@task(
    help={
        "max_reads": "Read at most this many posts (default 2000).",
        "store": STORE_HELP,
    }
)
def fetch(c, max_reads=2000, store=None):
    """Fetch new public posts and mentions from your Mastodon instance.

    MASTODON_API_BASE_URL is your instance's address, MASTODON_ACCESS_TOKEN a token
    with the read scope (Preferences, Development, New application)."""
    from .mastodon_fetch import client_from_env, fetch_mastodon

    root = _store_root(c, store)
    with fetch_errors(root, lambda: f"the store holds {mastodon_state(root)}"):
        summary = fetch_mastodon(root, client_from_env(os.environ), int(max_reads))
    console.print(
        f"Fetched: {summary.requests} request(s), {summary.reads} post(s) read, "
        f"{summary.new} new, {summary.updated} updated, {summary.skipped} left out "
        "(followers-only, direct or forgotten)."
    )
    if summary.stopped:
        console.print(
            f"Stopped early: {summary.stopped}. The posts read before that were kept; "
            "run it again later for the rest."
        )
    console.print(f"The store holds {mastodon_state(root)}.")


@task(
    help={
        "posts": "Status addresses to hide for good (https://instance/@user/123 or the "
        "status URI), space-separated.",
        "store": STORE_HELP,
    }
)
def forget(c, posts, store=None):
    """Hide Mastodon posts for good, even if a later import or fetch brings them back."""
    root = _store_root(c, store)
    asked, removed = forget_posts(
        root,
        MASTODON,
        posts.split(),
        "https://mastodon.social/@you/110000000000000001",
        "a Mastodon status address",
    )
    console.print(
        f"Forgot {asked} post(s) ({removed} removed from the store); the store holds "
        f"{mastodon_state(root)}."
    )


ns = Collection("mastodon")
ns.add_task(import_, name="import")
ns.add_task(fetch)
ns.add_task(forget)
