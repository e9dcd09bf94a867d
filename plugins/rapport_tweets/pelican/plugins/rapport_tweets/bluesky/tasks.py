"""invoke tasks for Bluesky: `invoke bluesky.import|fetch|forget`.

The root tasks.py adds `ns` as the `bluesky` sub-collection. Both write into the
Bluesky store inside TWEETS_STORE (`<store>/bluesky/`), through the store's one write
path, and map every failure to one sentence: what happened, the store's state, what to
do next.
"""

from __future__ import annotations

import os

from invoke import Collection, task
from invoke.exceptions import Exit
from rich.table import Table

from ..networks import network_root
from ..record import BLUESKY, StoreError
from ..tasks import (
    STORE_HELP,
    _store_root,
    _unwritable,
    console,
    err_console,
    fetch_errors,
    forget_posts,
    load_settings,
    print_fetched,
)
from ..tasks import (
    store_state as tweet_store_state,
)

EXPORT_WAY_OUT = (
    "Import your repository export instead: invoke bluesky.import PATH-TO.car "
    "--handle YOUR.HANDLE"
)


def store_state(root):
    """'1,204 posts up to 2024-03-02' (or 'no posts') of the Bluesky store in `root`."""
    return tweet_store_state(root, BLUESKY, "posts")


def _owner_handle(settings):
    return str(settings.get("OWNER_BLUESKY") or "").strip().lstrip("@")


@task(
    help={
        "path": "The .car file from the Bluesky app: Settings, Account, Export my data.",
        "handle": "Your handle (ada.bsky.social): the export names your account by "
        "its DID only. Default: the store's, else OWNER_BLUESKY from pelicanconf.py.",
        "replace": "Empty the Bluesky store first (posts, owner, images), in the same "
        "commit: for your own export in place of another account's.",
        "store": STORE_HELP,
    }
)
def import_(c, path, handle=None, replace=False, store=None):
    """Import a Bluesky repository export (.car) into the store."""
    from .car import CarError  # atproto: only when a task reads a CAR file
    from .importer import Refused, import_car

    root = _store_root(c, store)
    handle = handle or _owner_handle(load_settings(c=c))
    try:
        summary = import_car(path, root, handle=handle or "", replace=replace)
    except (CarError, Refused, StoreError) as err:
        raise Exit(f"Error: {err} The store was not changed.", code=1) from None
    except OSError as err:
        raise _unwritable(err, root) from None
    table = Table(title=f"Imported {path} into {network_root(root, BLUESKY)}")
    for column in ("records", "read", "new", "updated", "skipped"):
        table.add_column(column, justify="left" if column == "records" else "right")
    table.add_row(
        "app.bsky.feed.post",
        *(f"{getattr(summary, n):,}" for n in ("read", "new", "updated", "skipped")),
    )
    for collection, count in sorted(summary.others.items()):
        table.add_row(collection, f"{count:,}", "-", "-", f"{count:,} (not posts)")
    console.print(table)
    console.print(f"Account: {summary.handle} ({summary.did})")
    if summary.replaced:
        console.print(f"Replaced the {summary.replaced:,} posts the store held.")
    for warning in summary.warnings:
        err_console.print(f"Warning: {warning}")
    console.print(f"The Bluesky store holds {store_state(root)}.")


@task(
    help={
        "handle": "Your handle or DID, when the store does not know it yet. Default: "
        "OWNER_BLUESKY from pelicanconf.py.",
        "max_reads": "Read at most this many posts (default 1000).",
        "images": "Download the images stored posts lack (--no-images: skip).",
        "store": STORE_HELP,
    }
)
def fetch(c, handle=None, max_reads=1000, images=True, store=None):
    """Fetch new Bluesky posts, mentions and images into the store.

    Your posts and replies come from the public AppView (no login); with
    BLUESKY_HANDLE and BLUESKY_APP_PASSWORD set, also the posts that mention, reply to
    or quote you; then the images stored posts lack (an export holds none)."""
    from .appview import Account
    from .fetch import fetch_to_store
    from .media import CDN, CDN_ENV

    root = _store_root(c, store)
    actor = handle or _owner_handle(load_settings(c=c))
    with fetch_errors(
        root, lambda: f"the Bluesky store holds {store_state(root)}", EXPORT_WAY_OUT
    ):
        summary, media = fetch_to_store(
            root,
            Account(os.environ),
            actor=actor,
            max_reads=int(max_reads),
            images=images,
            cdn=os.environ.get(CDN_ENV) or CDN,
        )
    if media.copied or media.skipped or media.left:
        console.print(
            f"Images: {media.copied} downloaded, {media.skipped} skipped (not an image, "
            f"too large or gone)"
            + (f", {media.left} left for the next run." if media.left else ".")
        )
    print_fetched(summary, f"The Bluesky store holds {store_state(root)}.")


@task(
    help={
        "posts": "Post addresses to hide for good (https://bsky.app/profile/you/post/"
        "3k… or the post's AT URI), space-separated.",
        "store": STORE_HELP,
    }
)
def forget(c, posts, store=None):
    """Hide Bluesky posts for good, even if a later import or fetch brings them back."""
    root = _store_root(c, store)
    asked, removed = forget_posts(
        root,
        BLUESKY,
        posts.split(),
        "https://bsky.app/profile/ada.bsky.social/post/3kabc2defgh22",
        "a Bluesky post address its store knows",
    )
    console.print(
        f"Forgot {asked} post(s) ({removed} removed from the store); the Bluesky "
        f"store holds {store_state(root)}."
    )


ns = Collection("bluesky")
ns.add_task(import_, name="import")
ns.add_task(fetch)
ns.add_task(forget)
