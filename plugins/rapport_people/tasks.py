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
import tempfile
import unicodedata
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

from . import settings as defaults
from .audit import automaton_of, found_in
from .model import (
    check_people,
    check_person,
    find_person_file,
    in_folder,
    load_yaml,
    overlay_path,
    parse_date,
    parse_full_date,
    parse_handle,
    read_overlay,
    split_front_matter,
)

console = Console(highlight=False)


# --- finding the site ---------------------------------------------------------------


def _root(c):
    prefix = getattr(c.config, "_project_prefix", None)
    return Path(prefix) if prefix else Path.cwd()


def site_settings(c):
    """Pelican settings of the site (pelicanconf.py), with the people defaults."""
    from pelican.settings import get_settings_from_file

    root = _root(c)
    conf = root / "pelicanconf.py"
    if not conf.is_file():
        raise Exit(
            f"Error: no pelicanconf.py in {root}. Run the task from the site's folder "
            "or point invoke at it: invoke -r path/to/site people.list",
            code=1,
        )
    settings = defaults.resolve(get_settings_from_file(str(conf)))
    for name in ("PATH", "PEOPLE_PRIVATE_PATH"):
        if settings.get(name) and not os.path.isabs(settings[name]):
            settings[name] = str(root / settings[name])
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


# --- writing files safely -------------------------------------------------------------


def _write_atomically(path, text, *, exclusive=False):
    """Write through a temporary file; never truncate or (if exclusive) replace."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=folder, prefix=".people-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if exclusive:
            os.link(temp, path)  # fails if the file appeared meanwhile
            os.unlink(temp)
        else:
            if os.path.exists(path):
                os.chmod(temp, os.stat(path).st_mode & 0o7777)
            os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def _yaml_value(text):
    """`text` as a YAML scalar: plain when it reads back the same, else double-quoted."""
    try:
        if yaml.safe_load(f"k: {text}") == {"k": text} and not text.startswith("'"):
            return text
    except yaml.YAMLError:
        pass
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def slugify(name):
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


# --- people.new ----------------------------------------------------------------------


@task(
    help={
        "name": 'The person\'s name, e.g. "Ada Example" (the file name comes from it).',
        "twitter": "Their X/Twitter handle, with or without the @.",
        "met": "When you first met in person: YYYY-MM-DD, YYYY-MM or YYYY.",
        "where": "Where or how you met, in a few words.",
    }
)
def new(c, name, twitter=None, met=None, where=None):
    """Create an unlisted person file in the contact log; never overwrites one.

    With PEOPLE_PUBLIC_REPOSITORY = True the file goes to the private folder
    (git-ignored), else to the people folder.
    """
    settings = site_settings(c)
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
    if twitter:
        lines.append(f"twitter: {parse_handle(twitter)}")
    if met:
        lines.append(f"met: {parse_date(met).iso}")
    if where:
        lines.append(f"where: {_yaml_value(where.strip())}")
    lines += [
        "tags: []",
        "# Set listed: true only once they agreed, and say how in consent:.",
        "# To withdraw: invoke people.withdraw SLUG. Deleting this file would also",
        "# delete the privacy audit's memory of this person.",
        "listed: false",
        "# consent: YYYY-MM-DD, by email",
        "private:",
        "  # keep_in_touch: 8w  # follow up every 30d, 8w or 3m (invoke people.due)",
        "  log: []",
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
        _write_atomically(path, text, exclusive=True)
    except FileExistsError:
        raise Exit(
            f"Error: {path} already exists; nothing was written.", code=1
        ) from None
    console.print(Text(str(path)))


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
    }
)
def log(c, slug, via, note="", date=None):
    """Add an entry to a person's private log, keeping the rest of the file as it was.

    Goes to private/people/<slug>.yml when that overlay exists, or when the repository
    is public and the person file is tracked; else to the person file.
    """
    settings = site_settings(c)
    day = _day(date, "--date")
    via = via.strip().lower()
    if not via:
        raise Exit("Error: --via is empty; say how you were in touch.", code=1)
    path = _person_path(settings, slug)
    entry = CommentedMap([("date", day), ("via", via)])
    if note:
        entry["note"] = note
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
        updated = _edit_yaml(original, lambda data: _append_entry(data, entry))
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
            _append_entry(data["private"], entry)

        updated = head + _edit_yaml(front, add) + tail
        _refuse(check_person(path, private_dir, text=updated, limits=limits)[1])
    _write_atomically(target, updated)
    console.print(Text(f"Logged {via} on {day.isoformat()} in {target}."))


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
            _write_atomically(target, updated, exclusive=True)
        except FileExistsError:
            raise Exit(
                f"Error: {target} already exists; nothing was changed. Merge the two "
                "files by hand, then run the command again.",
                code=1,
            ) from None
        path.unlink()
    elif updated != original:
        _write_atomically(path, updated)
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


def pending_asks(people, today, wait_days):
    """(person, ask entry, days waiting) for asks with nothing logged after them."""
    out = []
    for person in people.persons:
        if person.log and person.log[-1].via == "ask":
            waited = (today - person.log[-1].date).days
            if waited >= wait_days:
                out.append((person, person.log[-1], waited))
    return sorted(out, key=lambda row: (-row[2], row[0].slug))


def overdue(people, today, skip=()):
    """(person, last contact or None, due date, days overdue), most overdue first."""
    out = []
    for person in people.persons:
        if person.keep_in_touch is None or person.slug in skip:
            continue
        last = person.log[-1] if person.log else None
        since = last.date if last else (person.met.first_day if person.met else None)
        due = person.keep_in_touch.after(since) if since else today
        late = (today - due).days
        if late >= 0:
            out.append((person, last, due, late))
    return sorted(out, key=lambda row: (-row[3], row[0].slug))


@task(
    help={
        "today": "Pretend today is this day (YYYY-MM-DD), to plan ahead.",
    }
)
def due(c, today=None):
    """Who is overdue for a follow-up, most overdue first, and unanswered asks."""
    settings, people = _load(c)
    day = _day(today, "--today")
    asks = pending_asks(people, day, settings["PEOPLE_ASK_WAIT_DAYS"])
    late = overdue(people, day, skip={p.slug for p, _, _ in asks})
    if late:
        show_table(
            f"Overdue for a follow-up ({len(late)})",
            ("Name", "Slug", "Last contact", "Via", "Every", "Due", "Overdue"),
            [
                (
                    person.name,
                    person.slug,
                    last.date.isoformat() if last else "never logged",
                    last.via if last else "",
                    str(person.keep_in_touch),
                    due_on.isoformat(),
                    f"{days} days",
                )
                for person, last, due_on, days in late
            ],
            keys=("Slug", "Last contact", "Due"),
        )
    if asks:
        wait = settings["PEOPLE_ASK_WAIT_DAYS"]
        show_table(
            f"Asked, no answer after {wait} days ({len(asks)})",
            ("Name", "Slug", "Asked on", "Waiting", "Note"),
            [
                (
                    person.name,
                    person.slug,
                    entry.date.isoformat(),
                    f"{waited} days",
                    entry.note,
                )
                for person, entry, waited in asks
            ],
            keys=("Slug", "Asked on"),
        )
    if not late and not asks:
        console.print(f"Nobody is due on {day.isoformat()}.")
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
        found = public_problems(settings, _root(c))
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


ns = Collection("people", new, log, withdraw, due, check)
ns.add_task(list_, name="list")
