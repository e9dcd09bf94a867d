"""The arc of an ask: asked, then yes, no or silence; after a yes, the meeting.

Pure functions over validated people (model.Person); the tasks print what they find.
"""

import datetime as dt
from dataclasses import dataclass

# Ways of being in touch that are not a meeting: after a yes, only something else (a
# coffee, a call, a lunch...) counts as having met.
NOT_A_MEETING = frozenset(("ask", "email", "twitter", "dm", "message", "x"))

WAITING, SILENCE, YES, NO = "waiting", "silence", "yes", "no"


@dataclass(frozen=True)
class Ask:
    """One `via: ask` entry and what became of it."""

    person: object  # model.Person
    entry: object  # model.LogEntry
    state: str  # waiting, silence, yes or no
    met_on: dt.date | None  # after a yes: the first meeting logged after the ask

    @property
    def date(self):
        return self.entry.date


def asks_of(person, today, silence_after):
    """Every ask in `person`'s log, oldest first.

    An ask with no outcome is "waiting" until `silence_after` (an Interval) has passed,
    then "silence"; a later ask replaces an unanswered earlier one (it is a reminder,
    not a new question), so only the last unanswered ask can be waiting or silent.
    """
    log = person.log
    out = []
    for index, entry in enumerate(log):
        if entry.via != "ask":
            continue
        later = log[index + 1 :]
        if entry.outcome is None and any(e.via == "ask" for e in later):
            continue
        met_on = next((e.date for e in later if e.via not in NOT_A_MEETING), None)
        if entry.outcome:
            state = entry.outcome
        elif met_on:  # no outcome written, but you met: that was a yes
            state = YES
        elif silence_after.after(entry.date) <= today:
            state = SILENCE
        else:
            state = WAITING
        out.append(Ask(person, entry, state, met_on))
    return out


def all_asks(people, today, silence_after):
    """Every ask of every person, oldest first."""
    asks = [a for p in people.persons for a in asks_of(p, today, silence_after)]
    return sorted(asks, key=lambda a: (a.date, a.person.slug))


def unanswered(asks):
    """Asks with no answer after the silence period, longest waiting first."""
    return [a for a in asks if a.state == SILENCE]


def agreed_not_met(asks):
    """Asks answered yes with no meeting logged since, oldest first."""
    return [a for a in asks if a.state == YES and a.met_on is None]


def next_due(person, today):
    """The day a keep-in-touch follow-up is due (None without keep_in_touch): the
    interval after the last logged contact, or after meeting; today if neither."""
    if person.keep_in_touch is None:
        return None
    last = person.log[-1].date if person.log else None
    since = last or (person.met.first_day if person.met else None)
    return person.keep_in_touch.after(since) if since else today
