"""Target 7 of issue 5: what a fetch costs, against a recorded-response X API v2 server.

The server is the `responses` library answering tweepy's own requests session (no socket
is opened): GET /2/users/:id/tweets and /2/users/:id/mentions with since_id, max_results
and pagination_token, as the real API does, from v2 payloads generated from the seed
("recorded"). The child process copies the site's store, then runs the tweets plugin's
own fetch three times:

1. priming: the server holds posts newer than the archive (owner's and mentions);
2. nothing new: must read 0 posts, with one request per timeline;
3. after K new posts on the server: must read exactly K.

The server counts requests and posts served; the plugin's FetchSummary counts its own.
"""

import datetime as dt
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

API = "https://api.twitter.com/2"


def v2_tweet(
    tid: int, author: dict, text: str, mentions: list[dict], when: dt.datetime
) -> dict:
    return {
        "id": str(tid),
        "text": text,
        "created_at": when.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "author_id": author["id"],
        "conversation_id": str(tid),
        "edit_history_tweet_ids": [str(tid)],
        "lang": "en",
        "entities": {"mentions": mentions} if mentions else {},
        "public_metrics": {
            "retweet_count": 1,
            "reply_count": 0,
            "like_count": 3,
            "quote_count": 0,
            "bookmark_count": 0,
            "impression_count": 120,
        },
    }


class RecordedApi:
    """The owner's timeline and mentions, newest first, served page by page."""

    def __init__(self, owner: dict, newest_id: int, seed: int):
        self.owner = owner
        self.next_id = newest_id + 1_000_000
        self.when = dt.datetime(2025, 1, 2, 9, 0, tzinfo=dt.UTC)
        self.rng = random.Random(f"rapport-bench:{seed}:api")
        self.timelines: dict[str, list[dict]] = {"tweets": [], "mentions": []}
        self.users = {owner["id"]: {"id": owner["id"], "username": owner["handle"],
                                    "name": owner["name"]}}  # fmt: skip
        self.requests = 0
        self.served = 0

    def _new_id(self) -> int:
        self.next_id += self.rng.randrange(1 << 22, 1 << 30)
        self.when += dt.timedelta(minutes=self.rng.randrange(5, 600))
        return self.next_id

    def add(self, own: int, mentions: int) -> None:
        for _ in range(own):
            tid = self._new_id()
            text = f"Post number {tid % 9973} from the recorded API ☕ & more"
            self.timelines["tweets"].insert(0, v2_tweet(tid, self.users[self.owner["id"]],
                                                        text, [], self.when))  # fmt: skip
        for _ in range(mentions):
            tid = self._new_id()
            uid = str(7_000_000_000 + self.rng.randrange(1000))
            author = {
                "id": uid,
                "username": f"caller{uid[-3:]}",
                "name": f"Caller {uid[-3:]}",
            }
            self.users[uid] = author
            handle = self.owner["handle"]
            mention = {"start": 0, "end": len(handle) + 1, "username": handle,
                       "id": self.owner["id"]}  # fmt: skip
            text = f"@{handle} shall we get that coffee? 🎉"
            self.timelines["mentions"].insert(
                0, v2_tweet(tid, author, text, [mention], self.when)
            )

    def callback(self, request):
        self.requests += 1
        url = urlparse(request.url)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        kind = url.path.rstrip("/").rsplit("/", 1)[1]
        items = self.timelines[kind]
        if "since_id" in query:
            items = [t for t in items if int(t["id"]) > int(query["since_id"])]
        start = int(query.get("pagination_token", "0") or 0)
        size = int(query.get("max_results", 10))
        page = items[start : start + size]
        self.served += len(page)
        meta = {"result_count": len(page)}
        if page:
            meta.update(newest_id=page[0]["id"], oldest_id=page[-1]["id"])
            users = {t["author_id"] for t in page} | {self.owner["id"]}
            body = {
                "data": page,
                "includes": {"users": [self.users[u] for u in sorted(users)]},
            }
        else:
            body = {}
        if start + size < len(items):
            meta["next_token"] = str(start + size)
        body["meta"] = meta
        return 200, {"content-type": "application/json"}, json.dumps(body)


def run_scenario(store: Path, new: int, seed: int = 1) -> dict:
    """The three fetches above on a copy of `store`; returns their counts (child side)."""
    import re

    import responses

    from pelican.plugins.rapport_tweets.fetch import client_from_env, fetch
    from pelican.plugins.rapport_tweets.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "store"
        shutil.copytree(store, copy)
        meta = Store(copy).meta()
        owner = meta["owner"]
        newest = max(int(i) for i in (meta.get("newest") or {}).values() if i)
        server = RecordedApi(owner, newest, seed)
        server.add(own=150, mentions=60)
        client, user_auth = client_from_env(
            {"TWITTER_BEARER_TOKEN": "bench-not-a-token"}
        )
        out = {}
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            pattern = re.compile(rf"{re.escape(API)}/users/\d+/(tweets|mentions)")
            mock.add_callback(responses.GET, pattern, callback=server.callback)
            for step, (own, mentions) in (
                ("prime", (0, 0)),
                ("nothing_new", (0, 0)),
                ("after_new", (new - new // 3, new // 3)),
            ):
                server.add(own, mentions)
                before = (server.requests, server.served)
                started = time.perf_counter()
                summary = fetch(str(copy), client, user_auth, max_reads=500)
                out[step] = {
                    "seconds": time.perf_counter() - started,
                    "requests": server.requests - before[0],
                    "served": server.served - before[1],
                    "reads": summary.reads,
                    "plugin_requests": summary.requests,
                    "new": summary.new,
                    "stopped": summary.stopped,
                }
        out["k"] = new
    return out


def measure(bench) -> list[list[str]]:
    """Run the scenario in a child process; the ratio rows of target 7."""
    import run

    reason = bench.plugins_ok(
        "pelican.plugins.rapport_tweets", "pelican.plugins.rapport_tweets.fetch"
    )
    store = bench.site / "store-full"
    if not reason and not store.is_dir():
        reason = "no store-full (the tweets phase did not run or failed)"
    if reason:
        return [
            [
                "7a",
                "fetch with nothing new: posts read",
                "n/a",
                "= 0",
                "n/a",
                reason[:160],
            ],
            [
                "7b",
                "fetch after K new posts: posts read",
                "n/a",
                "= K",
                "n/a",
                reason[:160],
            ],
        ]
    bench.log("[bold]api[/]")
    k = 12
    cmd = [run.PYTHON, run.CHILD, "api", str(store), "--new", str(k)]
    sample = bench.record("api", run.run_child(cmd, run.REPO))
    if sample.rc != 0:
        why = sample.error[-160:]
        return [
            ["7a", "fetch with nothing new: posts read", "error", "= 0", "MISSED", why],
            [
                "7b",
                "fetch after K new posts: posts read",
                "error",
                "= K",
                "MISSED",
                why,
            ],
        ]
    info = sample.info
    none, new, prime = info["nothing_new"], info["after_new"], info["prime"]
    rows = []
    ok = none["served"] == 0 and none["reads"] == 0 and none["requests"] <= 2
    rows.append(["7a", "fetch with nothing new: posts read", f"{none['served']}", "= 0",
                 "met" if ok else "MISSED",
                 f"{none['requests']} requests (2 timelines); plugin counted "
                 f"{none['reads']} reads, {none['plugin_requests']} requests; priming fetch "
                 f"read {prime['served']} in {prime['requests']} requests"])  # fmt: skip
    ok = new["served"] == k and new["reads"] == k and new["new"] == k
    rows.append(["7b", f"fetch after K={k} new posts: posts read", f"{new['served']}",
                 f"= {k}", "met" if ok else "MISSED",
                 f"{new['requests']} requests; plugin counted {new['reads']} reads, "
                 f"{new['new']} new in the store"])  # fmt: skip
    return rows


if __name__ == "__main__":
    sys.exit("run through bench/run.py or `bench/child.py api`")
