"""`people.calendar`: reminders as an iCalendar file the owner's calendar app reads.

One all-day event per keep-in-touch follow-up and per ask still without an answer.
UIDs are stable (the slug, and the day of the ask), so that importing or subscribing
again moves an event rather than adding a second one. The file holds private data
(names of unlisted people, notes): it is written under private/, never published.
"""

import datetime as dt

from icalendar import Calendar, Event

from .asks import SILENCE, WAITING, all_asks, next_due

PRODID = "-//Rapport//people.calendar//EN"
UID_DOMAIN = "rapport.invalid"


def _event(uid, day, summary, description, stamp):
    event = Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    # DTSTAMP from the data, not the clock: the same log gives the same file.
    event.add("dtstamp", dt.datetime.combine(stamp, dt.time(), tzinfo=dt.UTC))
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("transp", "TRANSPARENT")
    return event


def reminders(people, today, silence_after):
    """The calendar (icalendar.Calendar) of follow-ups and unanswered asks."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Rapport: keep in touch")
    asks = [a for a in all_asks(people, today, silence_after) if a.state in (
        WAITING, SILENCE
    )]  # fmt: skip
    asking = {a.person.slug for a in asks}
    for person in sorted(people.persons, key=lambda p: p.slug):
        due = next_due(person, today)
        if due is None or person.slug in asking:
            continue
        last = person.log[-1] if person.log else None
        since = f"last contact {last.date.isoformat()} ({last.via})" if last else (
            "nothing logged yet"
        )  # fmt: skip
        cal.add_component(
            _event(
                f"keep-in-touch-{person.slug}",
                due,
                f"Keep in touch: {person.name}",
                f"Every {person.keep_in_touch}, {since}. Afterwards: invoke "
                f"people.log {person.slug} --via coffee",
                last.date if last else due,
            )
        )
    for ask in asks:
        slug = ask.person.slug
        cal.add_component(
            _event(
                f"ask-{slug}-{ask.date.isoformat()}",
                silence_after.after(ask.date),
                f"No answer yet from {ask.person.name}?",
                f"You asked on {ask.date.isoformat()}"
                + (f": {ask.entry.note}" if ask.entry.note else "")
                + f". Nudge once (invoke people.log {slug} --ask) or let it go "
                f"(invoke people.log {slug} --answer no).",
                ask.date,
            )
        )
    return cal
