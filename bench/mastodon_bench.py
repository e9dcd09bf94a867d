"""Mastodon at a heavy user's scale (issue 13): a seeded archive of 20,000 posts.

Measures, median of --runs, each in this process after one warm-up:
- decode: `json.loads` of the archive's outbox.json and actor.json (the floor: any
  import must at least decode the files);
- import: `import_mastodon` of the same archive folder into an empty store (decode,
  visibility, nh3, entities, records, store write with its fsyncs);
and prints the ratio import / decode (target: at most 2). Then an idle fetch, through
Mastodon.py against canned replies (no network): the requests it made per timeline
(target: 1).

    .venv/bin/python bench/mastodon_bench.py [--posts 20000] [--runs 3] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from pelican.plugins.rapport_tweets.mastodon import import_mastodon  # noqa: E402

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
HOST = "bench.social"
OWNER = f"https://{HOST}/users/owner"
WORDS = [
    "coffee",
    "meetup",
    "talk",
    "thread",
    "slides",
    "notes",
    "community",
    "python",
    "law",
    "design",
    "review",
    "question",
    "answer",
    "friday",
    "london",
    "berlin",
    "remote",
    "hiring",
    "conference",
]


def archive(folder, posts, seed):
    """A Mastodon archive folder of `posts` activities in the real shape: mentions,
    hashtags, long links, replies, boosts, a tenth followers-only or direct."""
    rng = random.Random(seed)
    items = []
    for n in range(posts):
        number = 110_000_000_000_000_000 + n * 1000
        uri = f"{OWNER}/statuses/{number}"
        published = (
            f"20{18 + n * 6 // posts:02d}-{1 + n % 12:02d}-{1 + n % 28:02d}T10:00:00Z"
        )
        if n % 25 == 0:
            items.append({"id": f"{uri}/activity", "type": "Announce", "actor": OWNER,
                          "published": published, "to": [PUBLIC], "cc": [f"{OWNER}/followers"],
                          "object": f"https://other.social/users/a{n}/statuses/{n}"})  # fmt: skip
            continue
        friend = f"friend{rng.randrange(300)}"
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(8, 40)))
        content = (
            f'<p><span class="h-card" translate="no"><a href="https://example.social/@{friend}" '
            f'class="u-url mention">@<span>{friend}</span></a></span> {words} '
            f'<a href="https://{HOST}/tags/{rng.choice(WORDS)}" class="mention hashtag" '
            f'rel="tag">#<span>{rng.choice(WORDS)}</span></a></p><p>'
            f'<a href="https://example.com/{n}/a/long/path" target="_blank" rel="nofollow '
            'noopener noreferrer" translate="no"><span class="invisible">https://</span>'
            f'<span class="ellipsis">example.com/{n}/a/long</span><span class="invisible">'
            "/path</span></a></p>"
        )
        private = n % 10 == 7
        to = [f"{OWNER}/followers"] if private else [PUBLIC]
        note = {
            "id": uri, "type": "Note", "summary": None,
            "inReplyTo": f"https://example.social/users/{friend}/statuses/{n}" if n % 3 == 0 else None,
            "published": published, "url": f"https://{HOST}/@owner/{number}",
            "attributedTo": OWNER, "to": to, "cc": [] if private else [f"{OWNER}/followers"],
            "sensitive": False, "atomUri": uri, "inReplyToAtomUri": None,
            "conversation": f"tag:{HOST},2020:objectId={n}:objectType=Conversation",
            "content": content, "contentMap": {"en": content}, "attachment": [],
            "tag": [{"type": "Mention", "href": f"https://example.social/users/{friend}",
                     "name": f"@{friend}@example.social"}],
            "replies": {"id": f"{uri}/replies", "type": "Collection"},
        }  # fmt: skip
        items.append({"id": f"{uri}/activity", "type": "Create", "actor": OWNER,
                      "published": published, "to": to, "cc": note["cc"], "object": note})  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    outbox = {"@context": "https://www.w3.org/ns/activitystreams", "id": "outbox.json",
              "type": "OrderedCollection", "totalItems": len(items), "orderedItems": items}  # fmt: skip
    (folder / "outbox.json").write_text(json.dumps(outbox))
    actor = {
        "id": OWNER,
        "type": "Person",
        "preferredUsername": "owner",
        "name": "Owner",
    }
    (folder / "actor.json").write_text(json.dumps(actor))
    return folder


def median_time(fn, runs):
    fn()  # warm-up: imports, caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def idle_fetch_requests(store):
    """Requests an idle fetch makes, per path, against canned replies (no network)."""
    import requests
    from requests.adapters import BaseAdapter

    from pelican.plugins.rapport_tweets.mastodon_fetch import (
        client_from_env,
        fetch_mastodon,
    )

    asked = []

    class Canned(BaseAdapter):
        def send(self, request, **kwargs):
            path = request.path_url.split("?")[0]
            asked.append(path)
            body = {"id": "1", "acct": "owner", "username": "owner",
                    "url": f"https://{HOST}/@owner", "uri": OWNER,
                    "display_name": "Owner"} if path.endswith("verify_credentials") else []  # fmt: skip
            response = requests.Response()
            response.status_code = 200
            response._content = json.dumps(body).encode()
            response.headers["Content-Type"] = "application/json"
            response.url, response.request = request.url, request
            return response

        def close(self):
            pass

    session = requests.Session()
    session.mount(f"https://{HOST}", Canned())
    env = {"MASTODON_API_BASE_URL": f"https://{HOST}", "MASTODON_ACCESS_TOKEN": "x"}
    fetch_mastodon(store, client_from_env(env, session=session))  # first: learns who
    asked.clear()
    fetch_mastodon(store, client_from_env(env, session=session))
    return asked


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-mastodon-"))
    try:
        folder = archive(work / "archive", args.posts, args.seed)
        size = (folder / "outbox.json").stat().st_size

        def decode():
            for name in ("outbox.json", "actor.json"):
                json.loads((folder / name).read_bytes())

        def run_import():
            shutil.rmtree(work / "store", ignore_errors=True)
            import_mastodon(folder, work / "store")

        t_decode = median_time(decode, args.runs)
        t_import = median_time(run_import, args.runs)
        asked = idle_fetch_requests(work / "store")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ratio = t_import / t_decode
    print(
        f"Mastodon archive: {args.posts:,} activities, outbox.json {size / 1e6:.1f} MB"
    )
    print(f"decode (json.loads): {t_decode:.3f} s; import: {t_import:.3f} s")
    print(
        f"ratio import/decode: {ratio:.2f} (target <= 2): {'ok' if ratio <= 2 else 'OVER'}"
    )
    per = {p: asked.count(p) for p in dict.fromkeys(asked)}
    print(f"idle fetch: {len(asked)} request(s): {per} (target: 1 per timeline)")
    return 0 if ratio <= 2 and all(n == 1 for n in per.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
