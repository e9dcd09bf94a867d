"""Issue 13's Mastodon target (13b): importing an account archive of 20,000 activities
takes at most twice the time of just decoding its JSON files with `json.loads`.

The archive is seeded and in the real outbox shape (mentions, hashtags, long links,
replies, boosts, a tenth followers-only), a fifth as many activities as the site's X
archive has tweets (20,000 at the reference scale), written beside the site the first
time (`mastodon-archive/`, with a stamp of the code that wrote it). Both sides run in
child processes (bench/child.py `mastodon-floor`, `mastodon-import`), interleaved
round by round, as run.py measures the others. Then an idle `mastodon.fetch` on the
imported store, through Mastodon.py against canned replies (no network), counts its
requests per timeline (13d; target: one).

    .venv/bin/python bench/mastodon_import.py FOLDER POSTS   # write an archive
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import (  # person files and embeds name them
    MASTODON_FRIENDS,
    MASTODON_HOST,
    mastodon_kind,
    mastodon_status,
)

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
HOST = MASTODON_HOST
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
        number = mastodon_status(n)
        uri = f"{OWNER}/statuses/{number}"
        published = (
            f"20{18 + n * 6 // posts:02d}-{1 + n % 12:02d}-{1 + n % 28:02d}T10:00:00Z"
        )
        if mastodon_kind(n) == "boost":
            items.append({"id": f"{uri}/activity", "type": "Announce", "actor": OWNER,
                          "published": published, "to": [PUBLIC], "cc": [f"{OWNER}/followers"],
                          "object": f"https://other.social/users/a{n}/statuses/{n}"})  # fmt: skip
            continue
        friend = f"friend{rng.randrange(MASTODON_FRIENDS)}"
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
        private = mastodon_kind(n) == "private"
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


def idle_fetch(store):
    """{"requests": {path: count}, "reads": n, "new": n} of an idle fetch on `store`
    (a store folder), after a first fetch that learns the account, against canned
    replies (no network)."""
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
    summary = fetch_mastodon(store, client_from_env(env, session=session))
    per = {p: asked.count(p) for p in dict.fromkeys(asked)}
    return {"requests": per, "reads": summary.reads, "new": summary.new}


def export_for(bench):
    """(the site's archive folder, its activities, '' or why it could not be written)."""
    folder = bench.site / "mastodon-archive"
    return bench.export(folder, Path(__file__), (Path(__file__),))


def measure(bench) -> list[list[str]]:
    """Import vs json.loads, interleaved, then an idle fetch: the rows of 13b, 13d."""
    return bench.network_phase(
        "mastodon",
        ("13b", "Mastodon archive import / json.loads floor, time"),
        ("13d", "Mastodon idle fetch: requests per timeline"),
        export_for,
        "activities",
    )


if __name__ == "__main__":
    archive(Path(sys.argv[1]), int(sys.argv[2]), seed=1)
