"""Who to ask for a coffee: the people the owner talks with most, not yet met.

A person's score grows with the conversations (threads count double: a thread is a
conversation, a post is a line of it), with how long they have gone on (a log of the
span in months) and fades with time since the last one (halved every year), so that
a long, recent, two-way acquaintance comes first. Ties go by handle.
"""

import datetime as dt
import math
from dataclasses import dataclass

from .asks import NOT_A_MEETING


@dataclass(frozen=True)
class Suggestion:
    network: str
    handle: str
    posts: int  # exchanges: posts between the owner and them
    threads: int
    first: dt.date
    last: dt.date
    latest: object  # conversations.Exchange: the newest post of the latest thread
    slug: str | None  # their slug in the contact log, if they are in it
    met: bool
    score: float

    def as_json(self, url):
        return {
            "network": self.network,
            "handle": self.handle,
            "exchanges": self.posts,
            "threads": self.threads,
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "latest_thread": url,
            "in_log": self.slug,
            "met": self.met,
            "score": round(self.score, 3),
        }


def has_met(person):
    """Met in person: a `met:` date, or a logged meeting (a coffee, a call...)."""
    return person.met is not None or any(e.via not in NOT_A_MEETING for e in person.log)


def score(posts, threads, first, last, today):
    span_months = (last - first).days / 30
    recency = 0.5 ** (max(0, (today - last).days) / 365)
    return (posts + 2 * threads) * (1 + math.log2(1 + span_months)) * recency


def suggest(
    conversations,
    people,
    today,
    *,
    network=None,
    since=None,
    until=None,
    min_exchanges=1,
    include_met=False,
):
    """Suggestions, best first, from `conversations` (conversations.Conversations)."""
    by_handle = {
        handle.lower(): p
        for p in people.persons
        for handle in (p.twitter, p.bluesky, p.mastodon)
        if handle
    }
    owners = {}
    out = []
    for net, handle in conversations.handles(network):
        if net not in owners:
            owners[net] = (conversations.owner(net) or "").lower()
        if handle == owners[net]:
            continue
        exchanges = [
            e
            for e in conversations.with_(handle, net)
            if (since is None or e.date >= since) and (until is None or e.date <= until)
        ]
        if not exchanges or len(exchanges) < min_exchanges:
            continue
        person = by_handle.get(handle)
        met = bool(person and has_met(person))
        if met and not include_met:
            continue
        threads = {e.thread for e in exchanges}
        first, last = exchanges[0].date, exchanges[-1].date
        out.append(
            Suggestion(
                net,
                handle,
                len(exchanges),
                len(threads),
                first,
                last,
                exchanges[-1],
                person.slug if person else None,
                met,
                score(len(exchanges), len(threads), first, last, today),
            )
        )
    return sorted(out, key=lambda s: (-s.score, s.handle))
