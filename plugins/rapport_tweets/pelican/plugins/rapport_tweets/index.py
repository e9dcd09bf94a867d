"""The store's derived index: what each tweet means for it (Facts), and the text of
index/*.tsv built from them (shards, highlights, people)."""

from __future__ import annotations

import heapq
from collections import defaultdict
from typing import NamedTuple

from .record import id_key

# The highlights index keeps this many candidates per year and kind; more than any
# sensible TWEETS_TOP_PER_YEAR, and a larger setting falls back to a full scan.
HIGHLIGHT_CANDIDATES = 50
# Kinds of owner tweets in the highlights index.
ORIGINAL, REPLY, RETWEET = "original", "reply", "retweet"


class Facts(NamedTuple):
    """What the derived index needs to know about one tweet (small: kept for 100k; a
    named tuple, quicker to make and read than a frozen dataclass)."""

    id: int | str  # id_key: X ids as numbers, URIs as text
    date: str
    by_owner: bool
    kind: str
    score: int
    reply_to: int | None
    handles: tuple  # lower-case handles (and DIDs) this tweet links the owner with


def facts_of(tweet, owner):
    """The index facts of a Tweet, given the owner ({"id", "handle"} or {})."""
    owner_handle = (owner.get("handle") or "").lower()
    handle, reply_handle = tweet.handle.lower(), tweet.reply_to_handle.lower()
    # No user_id is None, never the "" of an owner without an id.
    by_owner = bool(owner) and (
        (tweet.user_id or None) == owner.get("id")
        or (handle and handle == owner_handle)
    )
    if tweet.retweet:
        kind = RETWEET
    elif tweet.reply_to_id and reply_handle != owner_handle:
        kind = REPLY
    else:
        kind = ORIGINAL
    if tweet.retweet or not owner_handle:
        handles = ()
    else:
        mentioned = {m.handle.lower() for m in tweet.mentions}
        if reply_handle:
            mentioned.add(reply_handle)
        if by_owner:
            mentioned.discard(owner_handle)
            handles = tuple(sorted(mentioned))
        elif owner_handle in mentioned and handle:
            handles = (handle,)
        else:
            handles = ()
    if handles and tweet.network == "bluesky":
        handles = _with_dids(tweet, handles, by_owner, owner)
    return Facts(
        id_key(tweet.id),
        tweet.created_at[:10],
        by_owner,
        kind,
        tweet.likes + tweet.retweets,
        id_key(tweet.reply_to_id) if tweet.reply_to_id else None,
        handles,
    )


def _with_dids(tweet, handles, by_owner, owner):
    """`handles` plus the DIDs of the same accounts (Bluesky): a person file may name
    someone by handle or by DID, and a handle can change while the DID stays."""
    keys = set(handles)
    if by_owner:
        pairs = [(m.handle, m.id or "") for m in tweet.mentions]
        pairs.append((tweet.reply_to_handle, tweet.reply_to_user_id))
        keys.update(
            i for h, i in pairs if i.startswith("did:") and h.lower() in handles
        )
        keys.discard(owner.get("id"))
    elif tweet.user_id.startswith("did:"):
        keys.add(tweet.user_id)
    return tuple(sorted(keys))


def _thread_roots(facts):
    """id -> thread key: the oldest stored ancestor, or the missing tweet it answers."""
    parent = {f.id: f.reply_to for f in facts}
    roots = {}
    for start in parent:
        chain, node = [], start
        while node in parent and node not in roots and len(chain) < 10_000:
            chain.append(node)
            up = parent[node]
            if up is None:
                break
            node = up
        root = roots.get(node, node)
        for n in chain:
            roots[n] = root
    return roots


def build_index(facts, shard_rows, owner):
    """The text of the three index files, from the facts of every stored tweet."""
    shards = "".join(
        f"{name}\t{count}\t{lo}\t{hi}\t{size}\n"
        for name, count, lo, hi, size in sorted(shard_rows)
    )
    by_group = defaultdict(list)
    newest_owner = newest_other = None
    for f in facts:
        if f.by_owner:
            by_group[(f.date[:4], f.kind)].append((f.score, f.id))
            if newest_owner is None or f.id > newest_owner:
                newest_owner = f.id
        elif newest_other is None or f.id > newest_other:
            newest_other = f.id
    rows = []
    for (year, kind), scored in sorted(by_group.items()):
        # Best score first, the older post first on a tie (ids of any network).
        best = heapq.nsmallest(
            HIGHLIGHT_CANDIDATES, scored, key=lambda s: (-s[0], s[1])
        )
        rows.extend(f"{year}\t{kind}\t{score}\t{tid}\n" for score, tid in best)
    people_facts = [f for f in facts if f.handles]
    roots = _thread_roots(facts) if people_facts else {}
    people = sorted(
        (handle, roots.get(f.id, f.id), f.id, f.date)
        for f in people_facts
        for handle in f.handles
    )
    people_text = "".join(f"{h}\t{r}\t{i}\t{d}\n" for h, r, i, d in people)
    newest = {
        "owner": None if newest_owner is None else str(newest_owner),
        "others": None if newest_other is None else str(newest_other),
    }
    return {
        "shards": shards,
        "highlights": "".join(rows),
        "people": people_text,
    }, newest
