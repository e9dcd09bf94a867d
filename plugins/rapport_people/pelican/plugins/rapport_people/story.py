"""One person's story for `people.show`: every event about them in time order.

Holds private data (the log): for the owner's terminal only, never for a template.
"""

import datetime as dt
import difflib
from dataclasses import dataclass

from .asks import asks_of


@dataclass(frozen=True)
class Event:
    date: dt.date
    kind: str  # met, log, ask, conversation
    what: str
    detail: str = ""


def did_you_mean(slug, people):
    """The closest slugs to a mistyped one."""
    return difflib.get_close_matches(slug, [p.slug for p in people.persons], n=3)


def events(person, conversations, today, silence_after):
    """Every event about `person`, oldest first."""
    out = []
    if person.met:
        out.append(Event(person.met.first_day, "met", "met", person.where or ""))
    asks = {a.entry: a for a in asks_of(person, today, silence_after)}
    for entry in person.log:
        if entry.via == "ask":
            ask = asks.get(entry)
            state = ask.state if ask else "asked again later"
            out.append(Event(entry.date, "ask", f"ask: {state}", entry.note))
        else:
            out.append(Event(entry.date, "log", entry.via, entry.note))
    threads = {}
    for network, handle in (
        ("x", person.twitter),
        ("bluesky", person.bluesky),
        ("mastodon", person.mastodon),
    ):
        for exchange in conversations.with_(handle, network) if handle else ():
            threads.setdefault((exchange.network, exchange.thread), []).append(exchange)
    if threads:
        for (network, _), posts in threads.items():
            out.append(
                Event(
                    posts[0].date,
                    "conversation",
                    f"{network}: {len(posts)} post{'s' if len(posts) > 1 else ''}",
                    conversations.post_url(posts[0]),
                )
            )
    return sorted(out, key=lambda e: (e.date, e.kind))
