"""Issue 13's Bluesky target: importing a repository export of 20,000 posts takes at
most twice the time of just decoding the same CAR with atproto.

The export is a seeded CAR in the real format (written by the tests' CAR writer) of a
fifth as many posts as the site's X archive has tweets (20,000 at the reference scale),
written beside the site the first time (`bluesky.car`, with a stamp of the code that
wrote it). Both sides run in child processes (bench/child.py `bluesky-floor`,
`bluesky-import`), interleaved round by round, as run.py measures the others.

Its posts are what a networker's export holds: plain posts, replies to others and to
their own threads, quotes, posts with images and alt text, and facets (links, mentions,
tags) on text with emoji and accents; plus likes, reposts and follows, which an import
counts and leaves out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import shutil
import sys
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "archives"
sys.path.insert(0, str(FIXTURES))
from bluesky_car import CarBuilder, blob_ref  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from textgen import words  # noqa: E402

OWNER_DID = "did:plc:benchownersample00000000"
POST = "app.bsky.feed.post"
START = dt.datetime(2023, 4, 1, tzinfo=dt.UTC)
WORDS = words(
    "coffee meetup design python data community talk café thread notes ☕ 🎉 Leeds "
    "Zürich 東京 naïve résumé workshop slides hallway lunch podcast open source"
)


def _rkey(n):
    """A TID-shaped record key: 13 base32-sortable characters, in time order."""
    alphabet = "234567abcdefghijklmnopqrstuvwxyz"
    out = ""
    value = 1_700_000_000_000_000 + n * 7_919
    for _ in range(13):
        value, digit = divmod(value, 32)
        out = alphabet[digit] + out
    return out


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
    others = [f"did:plc:benchfriend{n:013d}" for n in range(200)]
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
            theirs = f"at://{others[friend]}/{POST}/{_rkey(n)}"
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
                    "uri": f"at://{others[friend]}/{POST}/{_rkey(n + 1)}",
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
        uris.append(car.add(POST, _rkey(n), record))
        if n % 10 == 0:
            subject = {"uri": f"at://{others[friend]}/{POST}/{_rkey(n)}", "cid": "x"}
            stamp = record["createdAt"]
            car.add(
                "app.bsky.feed.like",
                _rkey(n),
                {"$type": "app.bsky.feed.like", "subject": subject, "createdAt": stamp},
            )
            car.add(
                "app.bsky.feed.repost",
                _rkey(n),
                {
                    "$type": "app.bsky.feed.repost",
                    "subject": subject,
                    "createdAt": stamp,
                },
            )
            car.add(
                "app.bsky.graph.follow",
                _rkey(n),
                {
                    "$type": "app.bsky.graph.follow",
                    "subject": others[friend],
                    "createdAt": stamp,
                },
            )
    return car.write(Path(path))


def _stamp(posts):
    h = hashlib.sha256(f"{posts}".encode())
    for path in (Path(__file__), FIXTURES / "bluesky_car.py"):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def export_for(bench):
    """The site's export (written in a child process when missing or stale)."""
    import run

    posts = max(1, bench.manifest["counts"]["tweets"] // 5)
    car, stamp = bench.site / "bluesky.car", bench.site / "bluesky.stamp"
    if not (car.is_file() and stamp.is_file() and stamp.read_text() == _stamp(posts)):
        cmd = [run.PYTHON, str(Path(__file__)), str(car), str(posts)]
        sample = run.run_child(cmd, run.REPO)
        if sample.rc != 0:
            return None, posts, sample.error
        stamp.write_text(_stamp(posts))
    return car, posts, ""


def measure(bench) -> list[list[str]]:
    """Import vs decode, interleaved; the ratio row of the target."""
    import run

    label = "Bluesky CAR import / atproto decode floor, time"
    limit = run.TARGETS["bluesky_import"]
    reason = bench.plugins_ok("rapport_tweets")
    car, posts, error = export_for(bench) if not reason else (None, 0, "")
    reason = reason or error
    if reason:
        return [["13a", label, "n/a", f"<= {limit}", "n/a", reason[-160:]]]
    store = bench.work / "bluesky-store"
    for r in range(bench.runs):
        bench.log(f"[bold]bluesky, round {r + 1}/{bench.runs}[/]")
        for step in ("floor", "import") if r % 2 == 0 else ("import", "floor"):
            cmd = [run.PYTHON, run.CHILD, f"bluesky-{step}", str(car)]
            if step == "import":
                shutil.rmtree(store, ignore_errors=True)
                cmd.append(str(store))
            bench.record(f"bluesky {step}", run.run_child(cmd, run.REPO))
    floor, imported = bench.med("bluesky floor"), bench.med("bluesky import")
    if not floor or not imported:
        why = bench.failed.get("bluesky import") or bench.failed.get("bluesky floor")
        return [["13a", label, "error", f"<= {limit}", "MISSED", (why or "")[-160:]]]
    value = imported / floor
    inside = (
        f"in-process {bench.med('bluesky import', key='seconds'):.2f} s vs "
        f"{bench.med('bluesky floor', key='seconds'):.2f} s"
    )
    detail = f"{posts:,} posts: {imported:.2f} s vs {floor:.2f} s; {inside}"
    return [["13a", label, f"{value:.2f}", f"<= {limit}",
             "met" if value <= limit else "MISSED", detail]]  # fmt: skip


if __name__ == "__main__":
    write_car(Path(sys.argv[1]), int(sys.argv[2]))
