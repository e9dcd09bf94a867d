"""invoke tasks for tweets: `invoke tweets.import|fetch|forget|stats|reindex`.

import, fetch and forget are X's (bluesky.* and mastodon.* are the other networks');
stats and reindex cover every network's store in the store folder.

The root tasks.py adds `ns` as the `tweets` sub-collection and calls
`fetch_before_build()` at the start of `invoke build`.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from invoke import Collection, task
from invoke.exceptions import Exit
from rich.console import Console
from rich.table import Table

from . import settings as tweet_settings
from .commit import JOURNAL
from .links import LABELS
from .networks import NetworkReaders, network_root, open_store
from .reader import Reader
from .record import NETWORKS, StoreError, X, network_of_id

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)
STORE_HELP = "Store folder (default: TWEETS_STORE from pelicanconf.py)."
ARCHIVE_WAY_OUT = (
    "Import your archive instead: invoke tweets.import ~/Downloads/twitter-archive.zip"
)


def load_settings(conf=None, c=None):
    """The site's settings (read_site_settings of `conf`, default the site folder's
    pelicanconf.py) with the TWEETS_* defaults, and TWEETS_STORE as the store's path;
    only the defaults when there is no such file."""
    path = Path(conf) if conf else tweet_settings.site_folder(c) / "pelicanconf.py"
    if path.is_file():
        settings = tweet_settings.read_site_settings(path)
    else:
        settings = {"PATH": str(path.resolve().parent)}
    tweet_settings.apply_defaults(settings)
    settings["TWEETS_STORE"] = str(tweet_settings.store_path(settings))
    return settings


def _store_root(c, store):
    return Path(store) if store else Path(load_settings(c=c)["TWEETS_STORE"])


def store_state(root, network=X, noun="tweets"):
    """'12,408 tweets up to 2024-03-02' (or 'no tweets'): the store of `network` in
    the store folder `root`, its posts called `noun`."""
    reader = Reader(network_root(root, network), network)
    if not reader.exists():
        return f"no {noun}"
    shards = reader.store.index_dir / "shards.tsv"
    total = 0
    if shards.exists():
        total = sum(
            int(line.split("\t")[1]) for line in shards.read_text().splitlines()
        )
    newest = (reader.store.meta().get("newest") or {}).values()
    dates = [t.created_at[:10] for t in (reader.get(i) for i in newest if i) if t]
    reader.close()
    return f"{total:,} {noun}" + (f" up to {max(dates)}" if dates else "")


def _ids(text):
    ids = [i for i in re.split(r"[\s,]+", text or "") if i]
    bad = [i for i in ids if network_of_id(i) != X]
    if bad:
        raise Exit(
            f"Error: {bad[0]!r} is not a tweet id; pass numeric ids like 1000000000000000101.",
            code=1,
        )
    return ids


def _unwritable(err, root):
    """Exit for an OSError while updating the store: a full disk, a read-only folder."""
    where = err.filename or root
    reason = err.strerror or str(err)
    if (Path(root) / JOURNAL).exists():
        state = (
            "The update was committed but not finished; the next import, fetch or "
            "build finishes it."
        )
    else:
        state = "The store was not changed."
    return Exit(
        f"Error: could not write the tweet store at {where} ({reason}); free some "
        f"space or make the folder writable, then run this again. {state}",
        code=1,
    )


@contextlib.contextmanager
def fetch_errors(root, held, way_out=""):
    """A Bluesky or Mastodon fetch's failure as one sentence (Exit): the fetch's own
    (nothing changed, then `held()`: what the store holds), the store's, or the disk's."""
    from .fetch import FetchError

    try:
        yield
    except FetchError as err:
        advice = f"\n{way_out}" if way_out else ""
        raise Exit(
            f"Error: {err} Nothing was changed; {held()}.{advice}",
            code=1,
        ) from None
    except StoreError as err:
        raise Exit(f"Error: {err}", code=1) from None
    except OSError as err:
        raise _unwritable(err, root) from None


def _fail(sentence, root, changed=""):
    """Exit for a fetch that read no post; `changed`: what it still wrote, if anything."""
    state = store_state(root)
    what = f"No post was read, but {changed}" if changed else "Nothing was changed"
    raise Exit(
        f"Error: {sentence} {what}; the store holds {state}.\n{ARCHIVE_WAY_OUT}", code=1
    ) from None


@task(
    help={
        "path": "The archive zip downloaded from x.com, or its extracted folder.",
        "replace": "Empty the store first (its tweets, owner and photos), in the same "
        "commit: for your own archive in place of the sample's. Forgotten ids stay.",
        "store": STORE_HELP,
    }
)
def import_(c, path, store=None, replace=False):
    """Import an X archive (zip or folder) into the tweet store."""
    # Here, not at the top: every task (and `invoke --list`) imports this module.
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    from .archive import ArchiveError, import_archive

    root = _store_root(c, store)
    columns = (
        TextColumn("Importing tweets"),
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
    )
    try:
        with Progress(*columns, console=err_console, transient=True) as progress:
            bar = progress.add_task("import", total=None)
            summary = import_archive(
                path,
                root,
                lambda done, total: progress.update(bar, completed=done, total=total),
                replace=replace,
            )
    except (ArchiveError, StoreError) as err:
        raise Exit(f"Error: {err} The store was not changed.", code=1) from None
    except OSError as err:
        raise _unwritable(err, root) from None
    table = Table(title=f"Imported {path} into {root}")
    for column in ("file", "read", "new", "updated", "skipped", "media copied"):
        table.add_column(column, justify="left" if column == "file" else "right")
    for f in [*summary.files, summary.totals()]:
        table.add_row(
            f.name,
            *(
                f"{getattr(f, n):,}"
                for n in ("read", "new", "updated", "skipped", "media")
            ),
        )
    console.print(table)
    if summary.replaced and summary.replaced["tweets"]:
        old = summary.replaced["owner"]
        who = f" of @{old['handle']}" if old.get("handle") else ""
        console.print(
            f"Replaced the {summary.replaced['tweets']:,} tweets{who} the store held."
        )
    for warning in summary.warnings:
        err_console.print(f"Warning: {warning}")
    if summary.warnings:
        err_console.print(
            f"{len(summary.warnings)} warning(s) above; the rest was imported."
        )
    console.print(f"The store holds {store_state(root)}.")


@task(
    help={
        "ids": "Fetch these tweets only (comma- or space-separated ids), e.g. pinned highlights.",
        "max_reads": "Read at most this many posts (default: TWEETS_MAX_READS).",
        "store": STORE_HELP,
    }
)
def fetch(c, ids=None, max_reads=None, store=None):
    """Fetch new tweets and mentions from the X API (token from the environment)."""
    import requests

    from .fetch import FetchError, client_from_env
    from .fetch import fetch as run_fetch

    settings = load_settings(c=c)
    root = _store_root(c, store)
    cap = int(max_reads) if max_reads is not None else settings["TWEETS_MAX_READS"]
    try:
        client, user_auth = client_from_env(os.environ)
        summary = run_fetch(
            root,
            client,
            user_auth,
            max_reads=cap,
            ids=_ids(ids) if ids else None,
            owner_handle=settings.get("OWNER_TWITTER", ""),
        )
    except FetchError as err:
        _fail(str(err), root, err.changed)
    except StoreError as err:
        raise Exit(f"Error: {err}", code=1) from None
    except OSError as err:
        if isinstance(err, requests.RequestException):  # network, not the disk
            raise
        raise _unwritable(err, root) from None
    print_fetched(summary, f"The store holds {store_state(root)}.")


def print_fetched(summary, state):
    """A fetch's summary (a FetchSummary), then `state`: what the store now holds."""
    console.print(
        f"Fetched: {summary.requests} request(s), {summary.reads} post(s) read, "
        f"{summary.new} new, {summary.updated} updated, {summary.skipped} forgotten."
    )
    if summary.stopped:
        console.print(
            f"Stopped early: {summary.stopped}. The posts read before that were "
            "kept; run it again later for the rest."
        )
    console.print(state)


@task(
    help={
        "ids": "Tweet ids to hide for good (comma- or space-separated).",
        "store": STORE_HELP,
    }
)
def forget(c, ids, store=None):
    """Hide tweets for good, even if a later import or fetch brings them back."""
    root = _store_root(c, store)
    asked, removed = forget_posts(root, X, _ids(ids), "", "")
    console.print(
        f"Forgot {asked} tweet(s) ({removed} removed from the store); "
        f"the store holds {store_state(root)}."
    )


def forget_posts(root, network, texts, example, what):
    """Hide the posts of `network` that `texts` name (addresses or ids) for good, in
    one commit; (asked, removed). Exit naming the first text that is not `what` (e.g.
    "a Mastodon status address"), with `example`, before anything changes (tweet ids
    are checked by _ids, with their own advice)."""
    from .embed import post_id_of

    readers = NetworkReaders(root)
    try:
        wanted = []
        for text in texts:
            post_id = post_id_of(text, readers.did_of) or text  # an address, or an id
            if network_of_id(post_id or "") != network:
                raise Exit(
                    f"Error: {text[:80]!r} is not {what}; pass one like {example}. "
                    "Nothing was changed.",
                    code=1,
                )
            wanted.append(post_id)
    except StoreError as err:
        raise Exit(f"Error: {err}", code=1) from None
    finally:
        readers.close()
    try:
        with open_store(root, network).update() as update:
            for post_id in wanted:
                update.forget(post_id)
    except StoreError as err:
        raise Exit(f"Error: {err}", code=1) from None
    except OSError as err:
        raise _unwritable(err, root) from None
    return len(wanted), update.summary.removed


def _network_stores(root):
    """(network, Store) of X (always: the store folder is X's) and of each other
    network whose store the folder holds."""
    stores = []
    for network in NETWORKS:
        store = open_store(root, network)
        if network == X or store.meta_path.exists() or store.tweets_dir.is_dir():
            stores.append((network, store))
    return stores


def _noun(network):
    return "tweets" if network == X else "posts"


@task(help={"store": STORE_HELP})
def stats(c, store=None):
    """Show what each network's store holds, year by year.

    X's tweets, and the Bluesky and Mastodon posts when the store folder holds those
    networks' stores too."""
    root = _store_root(c, store)
    for network, store_obj in _network_stores(root):
        label, noun = LABELS[network], _noun(network)
        try:
            owner = store_obj.owner()
            forgotten = store_obj.forgotten()
            table = Table(title=f"{label} store {store_obj.root}")
            table.add_column("year")
            table.add_column(noun, justify="right")
            shards = store_obj.index_dir / "shards.tsv"
            rows = shards.read_text().splitlines() if shards.exists() else []
            for row in rows:
                name, count, *_ = row.split("\t")
                table.add_row(name.removesuffix(".jsonl"), f"{int(count):,}")
        except StoreError as err:
            raise Exit(f"Error: {err}", code=1) from None
        console.print(table)
        if owner:
            console.print(f"Owner: {owner.get('name', '')} @{owner.get('handle', '')}")
        console.print(f"Forgotten ids: {len(forgotten)}")
        console.print(f"The {label} store holds {store_state(root, network, noun)}.\n")


@task(help={"store": STORE_HELP})
def reindex(c, store=None):
    """Check every stored line, sort the shards and rewrite the derived index.

    In the store of each network (X, Bluesky, Mastodon) the store folder holds."""
    root = _store_root(c, store)
    done = []
    for network, store_obj in _network_stores(root):
        try:
            store_obj.reindex()
        except StoreError as err:
            raise Exit(f"Error: {err}", code=1) from None
        except OSError as err:
            raise _unwritable(err, store_obj.root) from None
        label, noun = LABELS[network], _noun(network)
        done.append(f"the {label} store holds {store_state(root, network, noun)}")
    console.print(f"Reindexed; {'; '.join(done)}.")


def _scrub(text, environ):
    """`text` with any token value from the environment replaced by ***."""
    from .fetch import OAUTH1_KEYS

    for key in ("TWITTER_BEARER_TOKEN", *OAUTH1_KEYS):
        secret = environ.get(key)
        if secret:
            text = text.replace(secret, "***")
    return text


def fetch_before_build(settings=None, environ=None, **fetch_options):
    """For `invoke build`: when TWEETS_FETCH_ON_BUILD is on and a token is present, run an
    incremental X fetch. Any failure is a warning; the build goes on from the store.
    Returns True when a fetch ran and succeeded. X only: Bluesky's public feed needs
    no token, so a token's presence cannot be what lets a build call it; bluesky.fetch
    and mastodon.fetch are run by hand (README, "Tweets")."""
    environ = os.environ if environ is None else environ
    settings = (
        load_settings()
        if settings is None
        else tweet_settings.apply_defaults(dict(settings))
    )
    if not settings["TWEETS_FETCH_ON_BUILD"]:
        return False
    from .fetch import client_from_env, has_token
    from .fetch import fetch as run_fetch

    if not has_token(environ):
        err_console.print(
            "Warning: TWEETS_FETCH_ON_BUILD is on but no X API token is set; building "
            "from the tweet store as it is."
        )
        return False
    root = settings["TWEETS_STORE"]
    try:
        client, user_auth = client_from_env(environ)
        summary = run_fetch(
            root,
            client,
            user_auth,
            max_reads=settings["TWEETS_MAX_READS"],
            owner_handle=settings.get("OWNER_TWITTER", ""),
            **fetch_options,
        )
    except Exception as err:  # a build never fails because of the network
        err_console.print(
            f"Warning: the tweet fetch before the build failed ({type(err).__name__}: "
            f"{_scrub(str(err), environ)}); building from the store as it is."
        )
        return False
    console.print(
        f"Tweets: {summary.requests} request(s), {summary.reads} post(s) read, "
        f"{summary.new} new."
        + (f" Stopped early: {summary.stopped}." if summary.stopped else "")
    )
    return True


ns = Collection("tweets")
ns.add_task(import_, name="import")
ns.add_task(fetch)
ns.add_task(forget)
ns.add_task(stats)
ns.add_task(reindex)
