"""`invoke people.*`: keep the contact log and keep in touch.

The root tasks.py mounts `ns` as `people`. Tasks find the site's pelicanconf.py in the
folder of the tasks.py that invoke loaded (`invoke -r <repo>`), else the current folder.
"""

import datetime as dt
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from invoke import Collection, task
from invoke.exceptions import Exit
from rich.console import Console
from rich.table import Table
from rich.text import Text
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.util import load_yaml_guess_indent

from pelican.plugins.rapport_tweets.commit import write_atomically
from pelican.plugins.rapport_tweets.settings import (
    SettingsFileError,
    read_site_settings,
    site_folder,
)

from . import settings as defaults
from .asks import agreed_not_met, all_asks, next_due, unanswered
from .audit import automaton_of, found_in
from .model import (
    ASK_OUTCOMES,
    TWEET_URL_RE,
    check_people,
    check_person,
    find_person_file,
    in_folder,
    load_yaml,
    overlay_path,
    parse_bluesky,
    parse_date,
    parse_full_date,
    parse_handle,
    parse_mastodon,
    read_overlay,
    split_front_matter,
)

console = Console(highlight=False)


# --- finding the site ---------------------------------------------------------------


def site_settings(c):
    """Pelican settings of the site (pelicanconf.py), with the people defaults."""
    root = site_folder(c)
    conf = root / "pelicanconf.py"
    if not conf.is_file():
        raise Exit(
            f"Error: no pelicanconf.py in {root}. Run the task from the site's folder "
            "or point invoke at it: invoke -r path/to/site people.list",
            code=1,
        )
    try:
        settings = defaults.resolve(read_site_settings(conf))
    except SettingsFileError as exc:
        raise Exit(f"Error: {exc}", code=1) from None
    private = settings.get("PEOPLE_PRIVATE_PATH")
    if private and not os.path.isabs(private):
        settings["PEOPLE_PRIVATE_PATH"] = str(root / private)
    return settings


def _check(settings):
    return check_people(
        defaults.people_dir(settings),
        defaults.private_dir(settings),
        defaults.limits(settings),
    )


def _load(c):
    settings = site_settings(c)
    people = _check(settings)
    return settings, people


def _fail_on_problems(people):
    """After showing everyone who could be read: name the files that could not be."""
    if not people.problems:
        return
    for problem in people.problems:
        print(f"- {problem}", file=sys.stderr)
    raise Exit(
        f"Error: {len(people.problems)} problem(s) in the contact log, listed above; "
        "the people in those files are not shown. Fix them (invoke people.check "
        "shows them again) and retry.",
        code=1,
    )


def _day(value, option):
    """The day an option names (default today); `option` is its name, for the error."""
    if value is None:
        return dt.date.today()
    day = parse_full_date(value)
    if day is None:
        raise Exit(
            f"Error: {option} '{value}' is not a date; write YYYY-MM-DD.", code=1
        )
    return day


def _reader_left():
    """The reader of our output (`| head`) has gone: say nothing more on stdout.

    Problems still go to stderr and set the exit code.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def show_table(title, columns, rows, keys=(), out=None):
    """Print a table: rich on a terminal, else plain tab-separated lines.

    Columns named in `keys` (the slug, dates) are never cut or wrapped: the slug is
    what people.log needs. Piped output has no box drawing, so `cut -f` works on it.
    """
    out = out or console
    widths = [
        max([len(c), *(len(row[i]) for row in rows)]) for i, c in enumerate(columns)
    ]
    # Each column takes its cell padding and a border; the others need a letter each.
    needed = 1 + sum(
        3 + (width if column in keys else 1)
        for column, width in zip(columns, widths, strict=True)
    )
    if not out.is_terminal or needed > out.width:
        lines = [title, "\t".join(columns)]
        lines += ["\t".join(cell.replace("\t", " ") for cell in row) for row in rows]
        try:
            out.file.write("\n".join(lines) + "\n")
            out.file.flush()
        except BrokenPipeError:
            _reader_left()
        return
    table = Table(title=title)
    for index, column in enumerate(columns):
        if column in keys:
            table.add_column(column, no_wrap=True, min_width=widths[index])
        else:
            table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    out.print(table)


def _yaml_value(text):
    """`text` as a YAML scalar: plain when it reads back the same, else double-quoted."""
    try:
        if yaml.safe_load(f"k: {text}") == {"k": text} and not text.startswith("'"):
            return text
    except yaml.YAMLError:
        pass
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def slugify(name):
    """A person file's name from a person's name: Pelican's slugify (letters made
    ASCII: "Søren Łukasz" -> "soren-lukasz"), any run of other characters a hyphen."""
    from pelican.utils import slugify as pelican_slugify

    return pelican_slugify(name, regex_subs=[(r"[^a-z0-9]+", "-")]).strip("-")


# --- people.new ----------------------------------------------------------------------


@task(
    help={
        "name": 'The person\'s name, e.g. "Ada Example" (the file name comes from '
        "it); with --from, their handle or the URL of a post between you.",
        "twitter": "Their X/Twitter handle, with or without the @.",
        "met": "When you first met in person: YYYY-MM-DD, YYYY-MM or YYYY.",
        "where": "Where or how you met, in a few words.",
        "from": "NAME is a handle or post URL from your conversations on any network "
        "(see people.suggest): @name on X, name.bsky.social or a DID on Bluesky, "
        "@name@instance on Mastodon, or a post's address on any of them. Fills in "
        "their name, account, and when and where you first talked from the store.",
    }
)
def new(c, name, twitter=None, met=None, where=None, from_=False):
    """Create an unlisted person file in the contact log; never overwrites one.

    With PEOPLE_PUBLIC_REPOSITORY = True the file goes to the private folder
    (git-ignored), else to the people folder.
    """
    settings = site_settings(c)
    first_talk = account = None
    if from_:
        if twitter:
            raise Exit("Error: --from finds the handle; leave out --twitter.", code=1)
        name, account, first_talk = _from_conversations(c, settings, name)
        field, handle = account
        for person in _check(settings).persons:
            if (getattr(person, field) or "").lower() == handle.lower():
                raise Exit(
                    "Error: that handle is already in the contact log, as "
                    f"{person.slug}; nothing was written. See it with invoke "
                    f"people.show {person.slug}.",
                    code=1,
                )
    name = name.strip()
    slug = slugify(name)
    # No value in these messages: an unlisted person's details stay out of logs.
    if not slug:
        raise Exit(
            "Error: cannot make a file name from that name; use a name with letters.",
            code=1,
        )
    if twitter is not None and parse_handle(twitter) is None:
        raise Exit(
            "Error: --twitter is not an X/Twitter handle (1 to 15 letters, digits or "
            "underscores). Nothing was written.",
            code=1,
        )
    if met is not None and parse_date(met) is None:
        raise Exit(
            "Error: --met is not a date; write YYYY-MM-DD, YYYY-MM or YYYY. "
            "Nothing was written.",
            code=1,
        )
    log = []
    if first_talk:
        log.append(
            f"{{date: {first_talk[0].isoformat()}, via: {first_talk[1]}, "
            f"note: {_yaml_value('First talked: ' + first_talk[2])}}}"
        )
    public = {}
    if twitter:
        public["twitter"] = parse_handle(twitter)
    if account:
        public[account[0]] = _yaml_value(account[1])
    if met:
        public["met"] = parse_date(met).iso
    if where:
        public["where"] = _yaml_value(where.strip())
    path = create_person(settings, name, public, log=log)
    console.print(Text(str(path)))


def create_person(settings, name, public, private=(), log=()):
    """Write a new, unlisted person file; the path. Never overwrites: an existing
    slug is an Exit. `public` and `private` map keys to YAML values as written;
    `log` holds flow-style entries. In a public repository it goes to private/."""
    slug = slugify(name)
    people_dir, private_dir = _folders(settings)
    existing = find_person_file(people_dir, private_dir, slug)
    if existing:
        raise Exit(
            f"Error: {existing} already exists; nothing was written. Edit it, or pick "
            "another name (the file name comes from the name).",
            code=1,
        )
    path = Path(private_dir if _public_layout(settings) else people_dir) / f"{slug}.md"
    lines = ["---", f"name: {_yaml_value(name)}"]
    lines += [f"{key}: {value}" for key, value in public.items()]
    lines += [
        "tags: []",
        "# Set listed: true only once they agreed, and say how in consent:.",
        "# To withdraw: invoke people.withdraw SLUG. Deleting this file would also",
        "# delete the privacy audit's memory of this person.",
        "listed: false",
        "# consent: YYYY-MM-DD, by email",
        "private:",
        *(f"  {key}: {value}" for key, value in dict(private).items()),
        "  # keep_in_touch: 8w  # follow up every 30d, 8w or 3m (invoke people.due)",
        *(["  log:", *(f"    - {entry}" for entry in log)] if log else ["  log: []"]),
        "---",
        "",
    ]
    text = "\n".join(lines)
    _, problems = check_person(
        path, private_dir, text=text, limits=defaults.limits(settings)
    )
    if problems:
        raise Exit(f"Error: {problems[0]} Nothing was written.", code=1)
    try:
        write_atomically(path, text, exclusive=True)
    except FileExistsError:
        raise Exit(
            f"Error: {path} already exists; nothing was written.", code=1
        ) from None
    return path


# The person file's field of an account on each network.
ACCOUNT_FIELDS = {"x": "twitter", "bluesky": "bluesky", "mastodon": "mastodon"}


def _account_of(source):
    """(network, people-index key) of a handle given to --from: an X @name, a
    Mastodon @user@instance, a Bluesky handle or DID (or either's profile URL)."""
    x = parse_handle(source)
    if x:
        return "x", x.lower()
    mastodon = parse_mastodon(source)
    if mastodon:
        return "mastodon", mastodon.lower()
    bluesky = parse_bluesky(source)
    return ("bluesky", bluesky) if bluesky else (None, None)


def _from_conversations(c, settings, source):
    """(name, (field, account), (first day, via, first thread URL)) for people.new
    --from: the person the owner talked with, on whichever network."""
    from .conversations import LOG_VIA, Conversations

    source = source.strip()
    conversations = Conversations(settings, site_folder(c))
    try:
        network, post_id = conversations.post_of(source)
        if post_id is not None:
            handle = conversations.partner_of(post_id)
        else:
            network, handle = _account_of(source)
        exchanges = conversations.with_(handle, network) if handle else []
        if not exchanges:
            raise Exit(
                "Error: --from names "
                + ("a post" if post_id or TWEET_URL_RE.match(source) else "a handle")
                + " the store holds no conversation with (on X, Bluesky or "
                "Mastodon); check it with invoke people.suggest --min-exchanges 1, or "
                "give the name and --twitter instead. Nothing was written.",
                code=1,
            )
        first = exchanges[0]
        name = conversations.display_name(handle, network) or handle
        return (
            name,
            (ACCOUNT_FIELDS[network], handle),
            (first.date, LOG_VIA[first.network], conversations.post_url(first)),
        )
    finally:
        conversations.close()


def _folders(settings):
    return defaults.people_dir(settings), defaults.private_dir(settings)


def _public_layout(settings):
    """PEOPLE_PUBLIC_REPOSITORY, refused without a private folder to put people in."""
    if not settings["PEOPLE_PUBLIC_REPOSITORY"]:
        return False
    if not defaults.private_dir(settings):
        raise Exit(
            "Error: PEOPLE_PUBLIC_REPOSITORY is True but PEOPLE_PRIVATE_PATH is not "
            "set; set it in pelicanconf.py (e.g. private/people, git-ignored). Nothing "
            "was changed.",
            code=1,
        )
    return True


def _person_path(settings, slug):
    path = find_person_file(*_folders(settings), slug)
    if path is None:
        raise Exit(
            f"Error: no person file for the slug {slug} in {_folders(settings)[0]}"
            f"{' or the private folder' if _folders(settings)[1] else ''}. Check the "
            "slug with invoke people.list, or create it with invoke people.new.",
            code=1,
        )
    return Path(path)


# --- people.log ----------------------------------------------------------------------


def _round_trip(text):
    """A ruamel YAML configured to write `text` back as it was written."""
    rt = YAML()
    rt.preserve_quotes = True
    rt.width = 4096
    _, sequence, offset = load_yaml_guess_indent(text) if text.strip() else (0, 0, None)
    nested = re.search(r"^( +)[^\s#-][^:]*:", text, re.MULTILINE)
    mapping = len(nested.group(1)) if nested else 2
    if offset is None:  # no block list yet: the house style, "  log:" then "    - ..."
        sequence, offset = mapping + 2, mapping
    rt.indent(mapping=mapping, sequence=sequence, offset=offset)
    return rt


def _append_entry(private, entry):
    log = private.get("log")
    flow = True
    if isinstance(log, CommentedSeq) and len(log):
        first = log[0]
        flow = not isinstance(first, CommentedMap) or first.fa.flow_style()
    else:
        private["log"] = log = CommentedSeq()
    if flow:
        entry.fa.set_flow_style()
    log.append(entry)


def _edit_yaml(text, edit):
    rt = _round_trip(text)
    data = rt.load(text)
    if data is None:
        data = CommentedMap()
    edit(data)
    out = io.StringIO()
    rt.dump(data, out)
    return out.getvalue()


def _split_keeping_bytes(text):
    lines = text.splitlines(keepends=True)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return lines[0], "".join(lines[1:index]), "".join(lines[index:])
    raise ValueError("no closing front matter line")


def _refuse(problems):
    if problems:
        raise Exit(
            f"Error: {problems[0]} Nothing was written; fix the file and retry.",
            code=1,
        )


def _read_utf8(path):
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise Exit(
            f"Error: {path} is not UTF-8 text (byte {exc.start}); save it as UTF-8 "
            "and run the command again. Nothing was changed.",
            code=1,
        ) from None


@task(
    help={
        "slug": "The person's file name without .md, e.g. ada-example.",
        "via": "How you were in touch: coffee, email, twitter, call, ask (a request).",
        "note": "What happened, in a sentence.",
        "date": "The day (YYYY-MM-DD); default today.",
        "ask": "You asked them to meet: the same as --via ask.",
        "answer": "Their answer to your last ask: yes or no (sets its outcome).",
    }
)
def log(c, slug, via=None, note="", date=None, ask=False, answer=None):
    """Add an entry to a person's private log, keeping the rest of the file as it was.

    Goes to private/people/<slug>.yml when that overlay exists, or when the repository
    is public and the person file is tracked; else to the person file. --ask logs an
    ask; --answer yes|no records the answer to the last ask.
    """
    settings = site_settings(c)
    if sum((bool(via), ask, answer is not None)) != 1:
        raise Exit(
            "Error: say what to log with one of --via, --ask or --answer; e.g. "
            "invoke people.log SLUG --via coffee --note 'At the Old Bank'.",
            code=1,
        )
    if answer is not None:
        outcome = answer.strip().lower()
        if outcome not in ASK_OUTCOMES:
            raise Exit(
                "Error: --answer must be yes or no. Nothing was written.", code=1
            )
        edit_private(settings, slug, lambda log: _answer(log, slug, outcome))
        console.print(Text(f"Recorded their answer to your ask: {outcome}."))
        return
    day = _day(date, "--date")
    via = "ask" if ask else via.strip().lower()
    if not via:
        raise Exit("Error: --via is empty; say how you were in touch.", code=1)
    entry = CommentedMap([("date", day), ("via", via)])
    if note:
        entry["note"] = note
    target, _ = edit_private(settings, slug, lambda log: _append_entry(log, entry))
    console.print(Text(f"Logged {via} on {day.isoformat()} in {target}."))


def _answer(private, slug, outcome):
    """Set `outcome` on the last ask in `private`'s log that has none."""
    for entry in reversed(private.get("log") or ()):
        if isinstance(entry, dict) and entry.get("via") == "ask":
            if "outcome" not in entry:
                entry["outcome"] = outcome
                return
            break
    raise Exit(
        f"Error: no unanswered ask in the log of {slug}; log one first with invoke "
        f"people.log {slug} --ask. Nothing was written.",
        code=1,
    )


def edit_private(settings, slug, change):
    """Apply `change` to the private mapping (with its log) that people.log writes to.

    Returns (the file, whether it changed): the overlay or the person file, validated
    before and after the edit; an edit that changes nothing writes nothing.
    """
    path = _person_path(settings, slug)
    private_dir = defaults.private_dir(settings)
    overlay = overlay_path(private_dir, slug)
    public = _public_layout(settings) and not in_folder(path, private_dir)
    limits = defaults.limits(settings)
    # Validate the file as it is before ruamel reads it: our parser refuses YAML
    # aliases and deep nesting with a clear error, where ruamel would expand them.
    if overlay and (os.path.isfile(overlay) or public):
        target = Path(overlay)
        original = _read_utf8(target) if target.is_file() else ""
        _refuse(read_overlay(target, text=original, limits=limits)[1])
        updated = _edit_yaml(original, change)
        _refuse(read_overlay(target, text=updated, limits=limits)[1])
    else:
        target = path
        original = _read_utf8(path)
        try:
            head, front, tail = _split_keeping_bytes(original)
        except ValueError:
            raise Exit(
                f"Error: {path} has no front matter block; run invoke people.check.",
                code=1,
            ) from None
        _refuse(check_person(path, private_dir, text=original, limits=limits)[1])

        def add(data):
            if not isinstance(data.get("private"), CommentedMap):
                data["private"] = CommentedMap()
            change(data["private"])

        updated = head + _edit_yaml(front, add) + tail
        _refuse(check_person(path, private_dir, text=updated, limits=limits)[1])
    if updated == original:
        return target, False
    write_atomically(target, updated)
    return target, True


# --- people.withdraw -----------------------------------------------------------------


@task(help={"slug": "The person's file name without .md, e.g. ada-example."})
def withdraw(c, slug):
    """Unlist a person: listed: false, keeping the file so the audit still knows them.

    Deleting the file instead would also delete the privacy audit's memory of them: a
    post still naming them would then build and deploy. With PEOPLE_PUBLIC_REPOSITORY
    the whole file moves to the private folder, out of the repository.
    """
    settings = site_settings(c)
    path = _person_path(settings, slug)
    private_dir = defaults.private_dir(settings)
    limits = defaults.limits(settings)
    original = _read_utf8(path)
    # A problem with `listed` itself (a listed person under private/) is what this fixes.
    problems = check_person(path, private_dir, text=original, limits=limits)[1]
    _refuse([p for p in problems if p.field != "listed"])
    head, front, tail = _split_keeping_bytes(original)

    def unlist(data):
        data["listed"] = False

    updated = head + _edit_yaml(front, unlist) + tail
    move = _public_layout(settings) and not in_folder(path, private_dir)
    target = Path(private_dir) / path.name if move else path
    _refuse(check_person(target, private_dir, text=updated, limits=limits)[1])
    if move:
        try:
            write_atomically(target, updated, exclusive=True)
        except FileExistsError:
            raise Exit(
                f"Error: {target} already exists; nothing was changed. Merge the two "
                "files by hand, then run the command again.",
                code=1,
            ) from None
        path.unlink()
    elif updated != original:
        write_atomically(path, updated)
    console.print(Text(f"Withdrew {slug}: listed: false in {target}."))
    if move:
        console.print(
            Text(
                f"Moved it out of the repository from {path} (commit that removal). "
                "Earlier commits still hold the file: rewrite the history if they "
                "must not."
            )
        )
    console.print(
        "The next build removes their pages; build and redeploy now. Keep the file: "
        "the privacy audit searches every build for their name, website, place and "
        "blurb only while it exists (deleting it deletes that memory)."
    )


# --- people.due ----------------------------------------------------------------------


def overdue(people, today, skip=()):
    """(person, last contact or None, due date, days overdue), most overdue first."""
    out = []
    for person in people.persons:
        if person.keep_in_touch is None or person.slug in skip:
            continue
        last = person.log[-1] if person.log else None
        due = next_due(person, today)
        late = (today - due).days
        if late >= 0:
            out.append((person, last, due, late))
    return sorted(out, key=lambda row: (-row[3], row[0].slug))


def ask_settings(settings):
    """PEOPLE_ASK_SILENCE_AFTER as an Interval; a bad value is one clear Exit."""
    try:
        return defaults.ask_silence_after(settings)
    except ValueError as exc:
        raise Exit(f"Error: {exc}", code=1) from None


@task(
    help={
        "today": "Pretend today is this day (YYYY-MM-DD), to plan ahead.",
    }
)
def due(c, today=None):
    """What to do next: unanswered asks, agreed meetings, overdue follow-ups.

    Asks with no answer after PEOPLE_ASK_SILENCE_AFTER, yeses with no meeting logged
    since, and who is overdue by keep_in_touch (most overdue first).
    """
    settings, people = _load(c)
    day = _day(today, "--today")
    silence = ask_settings(settings)
    asks = all_asks(people, day, silence)
    silent, agreed = unanswered(asks), agreed_not_met(asks)
    late = overdue(people, day, skip={a.person.slug for a in (*silent, *agreed)})
    if late:
        show_table(
            f"Overdue for a follow-up ({len(late)})",
            ("Name", "Slug", "Last contact", "Via", "Every", "Due", "Overdue", "Next"),
            [
                (
                    person.name,
                    person.slug,
                    last.date.isoformat() if last else "never logged",
                    last.via if last else "",
                    str(person.keep_in_touch),
                    due_on.isoformat(),
                    f"{days} days",
                    "get in touch, then people.log",
                )
                for person, last, due_on, days in late
            ],
            keys=("Slug", "Last contact", "Due"),
        )
    if silent:
        waits = sorted(silent, key=lambda a: (a.date, a.person.slug))
        show_table(
            f"Asked, no answer after {silence.days_text()} ({len(silent)})",
            ("Name", "Slug", "Asked on", "Waiting", "Note", "Next"),
            [
                (
                    a.person.name,
                    a.person.slug,
                    a.date.isoformat(),
                    f"{(day - a.date).days} days",
                    a.entry.note,
                    "nudge once (people.log --ask), or let it go (--answer no)",
                )
                for a in waits
            ],
            keys=("Slug", "Asked on"),
        )
    if agreed:
        show_table(
            f"They said yes, no meeting logged yet ({len(agreed)})",
            ("Name", "Slug", "Asked on", "Note", "Next"),
            [
                (
                    a.person.name,
                    a.person.slug,
                    a.date.isoformat(),
                    a.entry.note,
                    "fix a date; after it, people.log --via coffee",
                )
                for a in agreed
            ],
            keys=("Slug", "Asked on"),
        )
    if not late and not silent and not agreed:
        console.print(f"Nobody is due on {day.isoformat()}.")
    _fail_on_problems(people)


# --- people.suggest ------------------------------------------------------------------


def _conversations(c, settings):
    from .conversations import Conversations

    return Conversations(settings, site_folder(c))


def _network(value):
    from .conversations import NETWORKS

    if value is not None and value not in NETWORKS:
        raise Exit(f"Error: --network must be one of: {', '.join(NETWORKS)}.", code=1)
    return value


@task(
    help={
        "since": "Only conversations on or after this day (YYYY-MM-DD).",
        "until": "Only conversations on or before this day (YYYY-MM-DD).",
        "network": "Only this network (x, bluesky or mastodon).",
        "min_exchanges": "Leave out people with fewer posts exchanged (default 2).",
        "limit": "Show at most this many people (default 20).",
        "include_met": "Also show people you have already met.",
        "json": "Print JSON (one object per person) instead of a table.",
        "today": "Rank as if today were this day (YYYY-MM-DD).",
    }
)
def suggest(
    c,
    since=None,
    until=None,
    network=None,
    min_exchanges=2,
    limit=20,
    include_met=False,
    json=False,
    today=None,
):
    """Who to ask for a coffee, from your conversations, with the evidence.

    The people you talk with most, longest and most recently, not yet met.
    """
    import json as json_module

    from .suggest import suggest as rank

    settings, people = _load(c)
    day = _day(today, "--today")
    first = _day(since, "--since") if since else None
    last = _day(until, "--until") if until else None
    conversations = _conversations(c, settings)
    found = rank(
        conversations,
        people,
        day,
        network=_network(network),
        since=first,
        until=last,
        min_exchanges=int(min_exchanges),
        include_met=include_met,
    )[: int(limit)]
    if json:
        items = [s.as_json(conversations.post_url(s.latest)) for s in found]
        print(json_module.dumps(items, ensure_ascii=False, indent=2))
    elif not found:
        console.print(
            "No one to suggest: nobody you have not met has exchanged "
            f"{min_exchanges} or more posts with you"
            + (" in that period." if since or until else ".")
            + (
                ""
                if conversations.exists()
                else " The store is empty: import your archive with invoke "
                "tweets.import ARCHIVE.zip (X), bluesky.import REPO.car or "
                "mastodon.import ARCHIVE.zip."
            )
        )
    else:
        show_table(
            f"Who to ask ({len(found)})",
            (
                "Handle",
                "Net",
                "Posts",
                "Threads",
                "First",
                "Last",
                "In the log",
                "Latest thread",
            ),
            [
                (
                    f"@{s.handle}",
                    s.network,
                    str(s.posts),
                    str(s.threads),
                    s.first.isoformat(),
                    s.last.isoformat(),
                    (s.slug + (" (met)" if s.met else "")) if s.slug else "no",
                    conversations.post_url(s.latest),
                )
                for s in found
            ],
            keys=("Handle", "First", "Last", "In the log", "Latest thread"),
        )
    conversations.close()
    _fail_on_problems(people)


# --- people.show ---------------------------------------------------------------------


@task(
    help={
        "slug": "The person's file name without .md, e.g. ada-example.",
        "today": "Tell the story as of this day (YYYY-MM-DD).",
    }
)
def show(c, slug, today=None):
    """One person's story in time order, and their next follow-up.

    Meetings, the private log, asks and their answers, conversations by network.
    """
    from .story import did_you_mean, events

    settings, people = _load(c)
    day = _day(today, "--today")
    person = next((p for p in people.persons if p.slug == slug), None)
    if person is None:
        guesses = did_you_mean(slug, people)
        hint = (
            f"Did you mean {' or '.join(guesses)}?"
            if guesses
            else "See the slugs with invoke people.list."
        )
        _fail_on_problems(people)
        raise Exit(f"Error: no one in the contact log has the slug {slug}. {hint}", 1)
    conversations = _conversations(c, settings)
    try:
        story = events(person, conversations, day, ask_settings(settings))
    finally:
        conversations.close()
    facts = [
        person.name,
        f"@{person.twitter}" if person.twitter else "",
        "listed" if person.listed else "unlisted",
        ", ".join(person.tags),
    ]
    console.print(Text(" · ".join(f for f in facts if f)))
    show_table(
        f"{slug}: {len(story)} events",
        ("Date", "What", "Detail"),
        [(e.date.isoformat(), e.what, e.detail) for e in story],
        keys=("Date", "What"),
    )
    due_on = next_due(person, day)
    if due_on is None:
        console.print("No keep_in_touch: no follow-up is planned.")
    else:
        late = (day - due_on).days
        when = f"{late} days overdue" if late > 0 else f"in {-late} days"
        when = "due today" if not late else when
        console.print(Text(f"Next follow-up: {due_on.isoformat()} ({when})."))
    _fail_on_problems(people)


# --- people.calendar -----------------------------------------------------------------


def private_output(c, settings, path, setting):
    """Where a private file (calendar, report) goes: `path` or `setting`, relative to
    the site; refused inside OUTPUT_PATH or the content folder (both get published)."""
    root = site_folder(c)
    target = Path(path or settings[setting]).expanduser()
    target = (target if target.is_absolute() else root / target).resolve()
    output = Path(settings.get("OUTPUT_PATH") or "output")
    output = (output if output.is_absolute() else root / output).resolve()
    content = Path(settings["PATH"]).resolve()
    for folder, what in ((output, "OUTPUT_PATH"), (content, "the content folder")):
        if target == folder or folder in target.parents:
            raise Exit(
                f"Error: {target} is inside {what} ({folder}), which is published; "
                f"this file holds your private log. Write it under private/ (the "
                f"default, {setting}). Nothing was written.",
                code=1,
            )
    return target


@task(
    help={
        "output": "Where to write the .ics file (default PEOPLE_CALENDAR_PATH, "
        "private/people.ics).",
        "today": "Plan as if today were this day (YYYY-MM-DD).",
    }
)
def calendar(c, output=None, today=None):
    """Write follow-ups and unanswered asks to a private iCalendar file.

    For your calendar app: importing it again updates the events (stable UIDs). It is
    never published.
    """
    from .ical import reminders

    settings, people = _load(c)
    target = private_output(c, settings, output, "PEOPLE_CALENDAR_PATH")
    cal = reminders(people, _day(today, "--today"), ask_settings(settings))
    write_atomically(target, cal.to_ical().decode("utf-8"))
    count = len(cal.subcomponents)
    console.print(Text(f"Wrote {count} reminder(s) to {target}."))
    _fail_on_problems(people)


# --- people.import -------------------------------------------------------------------


def _contact_notes(contact):
    """The pieces of a contact that go into private notes: role, other profiles."""
    role = " at ".join(p for p in (contact.position, contact.company) if p)
    return [p for p in (role, *contact.profiles()) if p]


def _merge_contact(private, contact):
    """Add what `contact` knows and `private` lacks: an email, notes pieces."""
    if contact.emails and not private.get("email"):
        private["email"] = contact.emails[0]
    notes = str(private.get("notes") or "")
    new = [p for p in _contact_notes(contact) if p not in notes]
    if new:
        private["notes"] = "; ".join(p for p in (notes, *new) if p)


@task(
    help={"path": "A .vcf file, a Google Contacts CSV or LinkedIn's Connections.csv."}
)
def import_(c, path):
    """Bring in contacts (vCard, Google or LinkedIn CSV) as unlisted people.

    A contact already in the log (same handle, email or name) is merged into them.
    Running it again changes nothing. Nothing imported is published.
    """
    from .contacts import ContactsError, read

    settings, people = _load(c)
    if people.problems:
        _fail_on_problems(people)
    try:
        kind, contacts = read(path)
    except ContactsError as exc:
        raise Exit(f"Error: {exc}", code=1) from None
    by_key = {}
    for person in people.persons:
        keys = [("slug", person.slug), ("x", (person.twitter or "").lower())]
        keys.append(("email", str(person.private.get("email") or "").lower()))
        for key in keys:
            if key[1]:
                by_key.setdefault(key, person.slug)
    created, merged, unchanged, skipped = [], [], [], []
    for contact in contacts:
        slug = slugify(contact.name)
        if not slug:
            skipped.append(f"{contact.where}: no name")
            continue
        keys = [("x", (contact.twitter or "").lower()), ("slug", slug)]
        keys += [("email", e.lower()) for e in contact.emails]
        match = next((by_key[k] for k in keys if k[1] and k in by_key), None)
        if match:
            _, changed = edit_private(
                settings,
                match,
                lambda private, found=contact: _merge_contact(private, found),
            )
            (merged if changed else unchanged).append(match)
        else:
            public = {}
            if contact.twitter:
                public["twitter"] = contact.twitter
            if contact.website:
                public["website"] = _yaml_value(contact.website)
            private = {}
            if contact.emails:
                private["email"] = _yaml_value(contact.emails[0])
            if _contact_notes(contact):
                private["notes"] = _yaml_value("; ".join(_contact_notes(contact)))
            try:
                create_person(settings, contact.name.strip(), public, private)
            except Exit as exc:
                skipped.append(f"{contact.where}: {str(exc.message)[7:]}")
                continue
            created.append(slug)
            match = slug
        for key in keys:
            if key[1]:
                by_key.setdefault(key, match)
    console.print(
        Text(
            f"Read {len(contacts)} contact(s) from {path} ({kind}): created "
            f"{len(created)}, merged {len(merged)}, already up to date "
            f"{len(unchanged)}, skipped {len(skipped)}. All are unlisted."
        )
    )
    for label, slugs in (("Created", created), ("Merged into", merged)):
        if slugs:
            console.print(Text(f"{label}: {', '.join(slugs)}"))
    for line in skipped:
        console.print(Text(f"Skipped {line}"))


# --- people.report -------------------------------------------------------------------


@task(
    help={
        "output": "Where to write the HTML file (default PEOPLE_REPORT_PATH, "
        "private/report.html).",
        "today": "Report as if today were this day (YYYY-MM-DD).",
    }
)
def report(c, output=None, today=None):
    """Write a private dashboard of your networking as one HTML file.

    No script, no external request, opens from file://: the funnel from conversation
    to coffee, meetings per month, who is overdue, who you talk with, and who to ask
    next. Never published.
    """
    from .report import build, render
    from .suggest import suggest as rank

    settings, people = _load(c)
    target = private_output(c, settings, output, "PEOPLE_REPORT_PATH")
    day = _day(today, "--today")
    silence = ask_settings(settings)
    conversations = _conversations(c, settings)
    try:
        suggestions = rank(conversations, people, day, min_exchanges=2)[:10]
        asks = all_asks(people, day, silence)
        busy = {a.person.slug for a in (*unanswered(asks), *agreed_not_met(asks))}
        late = overdue(people, day, skip=busy)
        html = render(build(people, conversations, suggestions, late, day, silence))
    finally:
        conversations.close()
    write_atomically(target, html)
    console.print(Text(f"Wrote the report to {target}; open it in a browser:"))
    console.print(Text(target.as_uri()))
    _fail_on_problems(people)


# --- people.list and people.check ---------------------------------------------------


@task(
    help={
        "tag": "Only people with this tag.",
        "listed": "Only people listed on the site.",
        "unlisted": "Only people not listed on the site.",
    }
)
def list_(c, tag=None, listed=False, unlisted=False):
    """List the contact log as a table."""
    if listed and unlisted:
        raise Exit("Error: choose --listed or --unlisted, not both.", code=1)
    _, people = _load(c)
    rows = [
        p
        for p in people.persons
        if (tag is None or tag in p.tags)
        and (not listed or p.listed)
        and (not unlisted or not p.listed)
    ]
    show_table(
        f"People ({len(rows)} of {len(people.persons)})",
        ("Slug", "Name", "Handle", "Met", "Listed", "Tags", "Last contact"),
        [
            (
                p.slug,
                p.name,
                f"@{p.twitter}" if p.twitter else "",
                p.met.iso if p.met else "",
                "yes" if p.listed else "no",
                ", ".join(p.tags),
                p.log[-1].date.isoformat() if p.log else "",
            )
            for p in rows
        ],
        keys=("Slug", "Handle", "Met", "Last contact"),
    )
    _fail_on_problems(people)


def git(root, *args, stdin=None):
    """Run git in `root`; its stdout as bytes. Not a repository: a clear Exit."""
    try:
        result = subprocess.run(
            ["git", "-C", str(root), *args],
            input=stdin,
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        result = None
    if result is None or result.returncode:
        raise Exit(
            f"Error: git {args[0]} failed in {root}: it is not a git repository, or "
            "git is not installed. Run the task inside your site's repository.",
            code=1,
        )
    return result.stdout


def _tracked_files(root, folders=None):
    """{absolute path: staged content} of every file git tracks inside `folders` (all
    of them when None).

    The staged content, not the working tree: that is what a commit (and a push, and
    CI's checkout) holds.
    """
    base = Path(git(root, "rev-parse", "--show-toplevel").decode("utf-8").strip())
    entries = []
    for record in git(root, "ls-files", "-z", "-s", "--full-name").split(b"\0"):
        if record:
            meta, name = record.split(b"\t", 1)
            path = base / name.decode("utf-8")
            if folders is None or any(
                path.resolve().is_relative_to(f) for f in folders
            ):
                entries.append((path, meta.split()[1]))
    if not entries:
        return {}
    batch = git(root, "cat-file", "--batch", stdin=b"\n".join(s for _, s in entries))
    out, offset = {}, 0
    for path, _ in entries:
        header_end = batch.index(b"\n", offset)
        size = int(batch[offset:header_end].split()[2])
        out[path] = batch[header_end + 1 : header_end + 1 + size]
        offset = header_end + 1 + size + 1
    return out


def public_problems(settings, root):
    """One line per tracked file and field that a public repository must not hold.

    Names the file and the field, never the value.
    """
    return [
        f"{path}, field '{name}': {what}." if name else f"{path}: {what}."
        for path, name, what in _public_findings(settings, root)
    ]


def _public_findings(settings, root):
    people_dir, private_dir = (
        Path(p).resolve() if p else None for p in _folders(settings)
    )
    out = []
    folders = [f for f in (people_dir, private_dir) if f]
    tracked = _tracked_files(root)
    for path, content in tracked.items():
        resolved = path.resolve()
        if not any(resolved.is_relative_to(f) for f in folders):
            continue
        if private_dir and resolved.is_relative_to(private_dir):
            out.append(
                (path, None, "is in the private folder, which git must never track")
            )
            continue
        if not resolved.is_relative_to(people_dir):
            continue
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            out.append((path, None, "cannot be read as UTF-8 text"))
            continue
        yaml_text, _, split = split_front_matter(path, text)
        data, lines, problems = (
            load_yaml(path, yaml_text, 2) if not split else (None, {}, split)
        )
        if problems or not isinstance(data, dict):
            out.append((path, None, "does not parse (invoke people.check says why)"))
            continue
        for key in ("private", "consent"):
            if key in data:
                line = lines.get((key,))
                out.append((path, key, f"holds {key}: (line {line})"))
        if data.get("listed") is not True:
            out.append((path, "listed", "is the file of an unlisted person"))
    return out + _copied_findings(settings, tracked, folders)


def _copied_findings(settings, tracked, folders):
    """Tracked files outside the people folders that hold what the privacy audit
    searches for (a backup of a person file, a note quoting the overlay)."""
    automaton = automaton_of(_check(settings), settings)
    out = []
    for path, content in tracked.items():
        if automaton is None or any(path.resolve().is_relative_to(f) for f in folders):
            continue
        for slug, field in sorted(found_in(path.name, content, automaton)):
            out.append((path, None, f"holds the {field} of {slug}"))
    return out


@task(
    help={
        "public": "Also fail on any file git tracks that holds private:, consent: or "
        "an unlisted person (what a public repository must not contain)."
    }
)
def check(c, public=False):
    """Validate every person file and overlay; print every problem, fail if any."""
    settings = site_settings(c)
    people = _check(settings)
    for problem in people.problems:
        console.print(Text(f"- {problem}"))
    if people.problems:
        raise Exit(
            f"Error: {len(people.problems)} problem(s) in the contact log, listed "
            "above; the build will fail until they are fixed.",
            code=1,
        )
    if public:
        found = public_problems(settings, site_folder(c))
        for line in found:
            console.print(Text(f"- {line}"))
        if found:
            raise Exit(
                f"Error: {len(found)} problem(s) in tracked files, listed above: they "
                "hold what a public repository must not (values are not shown). Move consent: and "
                "private: to private/people/<slug>.yml, move unlisted people with "
                "invoke people.withdraw SLUG (or to private/people/<slug>.md), then "
                "git rm --cached what must not be tracked. Earlier commits still hold "
                "it: rewrite the history, or keep the repository private.",
                code=1,
            )
    listed = len(people.listed)
    console.print(
        f"The contact log is valid: {len(people.persons)} people, {listed} listed, "
        f"{len(people.persons) - listed} unlisted."
        + (" Nothing tracked by git is private or unlisted." if public else "")
    )


ns = Collection(
    "people", new, log, withdraw, due, check, suggest, show, calendar, report
)
ns.add_task(list_, name="list")
ns.add_task(import_, name="import")
