"""Issue 13's Bluesky target: importing a repository export of 20,000 posts takes at
most twice the time of just decoding the same CAR with atproto.

The export is a seeded CAR in the real format (written by the tests' CAR writer) of a
fifth as many posts as the site's X archive has tweets (20,000 at the reference scale),
written beside the site the first time (`bluesky.car`, with a stamp of the code that
wrote it). Both sides run in child processes (bench/child.py `bluesky-floor`,
`bluesky-import`), interleaved round by round, as run.py measures the others. Then an
idle `bluesky.fetch` on the imported store, against the tests' recorded-shape XRPC
server on 127.0.0.1 (no network), counts its requests per timeline (13c; target: one).

Its posts are what a networker's export holds: plain posts, replies to others and to
their own threads, quotes, posts with images and alt text, and facets (links, mentions,
tags) on text with emoji and accents; plus likes, reposts and follows, which an import
counts and leaves out.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "archives"
sys.path.insert(0, str(FIXTURES))
sys.path.insert(0, str(FIXTURES.parents[1] / "tweets"))  # xrpc_support
from bluesky_car import CarBuilder, blob_ref  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import (  # noqa: E402  (person files and embeds name them)
    BLUESKY_FRIENDS,
    BLUESKY_OWNER_DID,
    bluesky_rkey,
)
from textgen import words  # noqa: E402

OWNER_DID = BLUESKY_OWNER_DID
POST = "app.bsky.feed.post"
START = dt.datetime(2023, 4, 1, tzinfo=dt.UTC)
WORDS = words(
    "coffee meetup design python data community talk café thread notes ☕ 🎉 Leeds "
    "Zürich 東京 naïve résumé workshop slides hallway lunch podcast open source"
)


def _facet(text, part, feature):
    start = len(text[: text.index(part)].encode("utf-8"))
    return {
        "$type": "app.bsky.richtext.facet",
        "index": {"byteStart": start, "byteEnd": start + len(part.encode("utf-8"))},
        "features": [feature],
    }


def write_car(path, posts, seed=1):
    """Write a repository export of `posts` posts (and a tenth as many likes, reposts
    and follows) to `path`; same arguments, same bytes."""
    rng = random.Random(f"rapport-bench:{seed}:bluesky")
    car = CarBuilder(OWNER_DID)
    car.add(
        "app.bsky.actor.profile",
        "self",
        {"$type": "app.bsky.actor.profile", "displayName": "Sam Sample"},
    )
    others = [f"did:plc:benchfriend{n:013d}" for n in range(BLUESKY_FRIENDS)]
    uris = []
    for n in range(posts):
        created = START + dt.timedelta(minutes=37 * n)
        words = rng.choices(WORDS, k=rng.randint(5, 30))
        friend = rng.randrange(len(others))
        handle = f"@friend{friend}.bsky.social"
        text = " ".join(words)
        record = {
            "$type": POST,
            "createdAt": created.isoformat(timespec="milliseconds").replace(
                "+00:00", "Z"
            ),
            "langs": ["en"],
        }
        facets = []
        kind = rng.random()
        if kind < 0.3:
            text = f"{handle} {text} #networking https://example.com/{n}"
            facets = [
                _facet(
                    text,
                    handle,
                    {"$type": "app.bsky.richtext.facet#mention", "did": others[friend]},
                ),
                _facet(
                    text,
                    "#networking",
                    {"$type": "app.bsky.richtext.facet#tag", "tag": "networking"},
                ),
                _facet(
                    text,
                    f"https://example.com/{n}",
                    {
                        "$type": "app.bsky.richtext.facet#link",
                        "uri": f"https://example.com/{n}",
                    },
                ),
            ]
            theirs = f"at://{others[friend]}/{POST}/{bluesky_rkey(n)}"
            record["reply"] = {
                "root": {"uri": theirs, "cid": "bafyreib2rxk3rh6kzwq"},
                "parent": {"uri": theirs, "cid": "bafyreib2rxk3rh6kzwq"},
            }
        elif kind < 0.4 and uris:
            own = rng.choice(uris)
            record["reply"] = {
                "root": {"uri": own, "cid": "bafyreib2rxk3rh6kzwq"},
                "parent": {"uri": own, "cid": "bafyreib2rxk3rh6kzwq"},
            }
        elif kind < 0.5:
            record["embed"] = {
                "$type": "app.bsky.embed.record",
                "record": {
                    "uri": f"at://{others[friend]}/{POST}/{bluesky_rkey(n + 1)}",
                    "cid": "bafyreib2rxk3rh6kzwq",
                },
            }
        elif kind < 0.6:
            record["embed"] = {
                "$type": "app.bsky.embed.images",
                "images": [
                    {
                        "alt": " ".join(rng.choices(WORDS, k=8)),
                        "image": blob_ref(f"photo {n} {i}".encode()),
                        "aspectRatio": {"width": 4032, "height": 3024},
                    }
                    for i in range(rng.randint(1, 4))
                ],
            }
        record["text"] = text
        if facets:
            record["facets"] = facets
        uris.append(car.add(POST, bluesky_rkey(n), record))
        if n % 10 == 0:
            subject = {
                "uri": f"at://{others[friend]}/{POST}/{bluesky_rkey(n)}",
                "cid": "x",
            }
            stamp = record["createdAt"]
            car.add(
                "app.bsky.feed.like",
                bluesky_rkey(n),
                {"$type": "app.bsky.feed.like", "subject": subject, "createdAt": stamp},
            )
            car.add(
                "app.bsky.feed.repost",
                bluesky_rkey(n),
                {
                    "$type": "app.bsky.feed.repost",
                    "subject": subject,
                    "createdAt": stamp,
                },
            )
            car.add(
                "app.bsky.graph.follow",
                bluesky_rkey(n),
                {
                    "$type": "app.bsky.graph.follow",
                    "subject": others[friend],
                    "createdAt": stamp,
                },
            )
    return car.write(Path(path))


OWNER_HANDLE = "sam.example.com"  # an export names the DID only: the import is told


def idle_fetch(store):
    """{"requests": {nsid: count}, "reads": n, "new": n} of a bluesky.fetch (with a
    login, images left out) on `store`, a store folder holding the export: the feed
    and the mentions each answer a page that starts at what is stored, with a cursor
    to an older page that an idle fetch must not ask for."""
    import xrpc_support as xs

    from pelican.plugins.rapport_tweets.bluesky.appview import Account
    from pelican.plugins.rapport_tweets.bluesky.fetch import fetch_to_store
    from pelican.plugins.rapport_tweets.networks import open_store

    newest = max(open_store(store, "bluesky").iter_records(), key=lambda r: r.id)
    rkey = newest.id.rsplit("/", 1)[1]
    view = xs.post_view(rkey, newest.text, newest.created_at, OWNER_DID, OWNER_HANDLE)
    server = xs.serve()
    try:
        server.reply("app.bsky.feed.getAuthorFeed", xs.feed({"post": view}, cursor="o"))
        server.reply("com.atproto.server.createSession", xs.session())
        server.reply("app.bsky.notification.listNotifications", xs.notifications())
        summary, _media = fetch_to_store(store, Account(server.env()), images=False)
    finally:
        server.server.shutdown()
    asked = [r[0] for r in server.requests]
    per = {n: asked.count(n) for n in dict.fromkeys(asked)}
    return {"requests": per, "reads": summary.reads, "new": summary.new}


def export_for(bench):
    """(the site's export, its posts, '' or why it could not be written)."""
    sources = (Path(__file__), FIXTURES / "bluesky_car.py")
    return bench.export(bench.site / "bluesky.car", Path(__file__), sources)


def measure(bench) -> list[list[str]]:
    """Import vs decode, interleaved, then an idle fetch: the rows of 13a and 13c."""
    return bench.network_phase(
        "bluesky",
        ("13a", "Bluesky CAR import / atproto decode floor, time"),
        ("13c", "Bluesky idle fetch: requests per timeline"),
        export_for,
        "posts",
    )


if __name__ == "__main__":
    write_car(Path(sys.argv[1]), int(sys.argv[2]))
