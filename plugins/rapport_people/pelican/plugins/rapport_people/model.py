"""Parse and validate person files: YAML front matter, a Markdown body, a private overlay.

A person file is `<people dir>/<slug>.md`; its `private:` mapping may also live in
`<private dir>/<slug>.yml` (the overlay, git-ignored), merged in here. Every problem
becomes a `PersonFileError` naming the file, the line (when YAML knows it), the field
and the fix; the checker collects all of them instead of stopping at the first.
Values under `private:` are never quoted in an error: errors end up in CI logs.
"""

import calendar
import datetime as dt
import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from pelican.plugins.rapport_tweets.embed import post_id_of
from pelican.plugins.rapport_tweets.record import network_of_id

PUBLIC_FIELDS = (
    "name",
    "twitter",
    "bluesky",
    "mastodon",
    "website",
    "met",
    "where",
    "tags",
    "rel",
    "highlights",
)
# photo: a picture in the people folder (photos/ada.jpg), published resized and without
# its metadata for listed people only (generator.py and photos.py), never as the file.
KNOWN_FIELDS = (*PUBLIC_FIELDS, "photo", "listed", "consent", "private")
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
# Private keys with a meaning for the tasks; any other private key is the owner's own.
PRIVATE_KEYS = ("email", "notes", "keep_in_touch", "log")
LOG_KEYS = ("date", "via", "note", "outcome")
# The answer to a `via: ask` entry; none yet is written by leaving `outcome` out.
ASK_OUTCOMES = ("yes", "no")
# XFN 1.1 values, without "me" (a person in the contact log is never the owner).
XFN_VALUES = (
    "contact", "acquaintance", "friend", "met", "co-worker", "colleague",
    "co-resident", "neighbor", "child", "parent", "sibling", "spouse", "kin",
    "muse", "crush", "date", "sweetheart",
)  # fmt: skip
DEFAULT_REL = ("met",)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HANDLE_RE = re.compile(r"^[A-Za-z0-9_]{1,15}$")
# Bluesky: a handle is a domain name (atproto's handle syntax), or the account's DID.
BLUESKY_HANDLE_RE = re.compile(
    r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
    r"[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$"
)
DID_RE = re.compile(r"^did:[a-z]+:[A-Za-z0-9._:%-]{0,2000}[A-Za-z0-9._-]$")
BLUESKY_PROFILE_RE = re.compile(r"^https://bsky\.app/profile/([^/?#]+)/?$")
# Mastodon: user@instance (a leading @ as Mastodon shows it, or the profile URL).
MASTODON_RE = re.compile(
    r"^@?([A-Za-z0-9_]+(?:[.-]+[A-Za-z0-9_]+)*)@"
    r"((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63})$"
)
MASTODON_PROFILE_RE = re.compile(r"^https://([^/@?#]+)/@([^/@?#]+)/?$")
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
INTERVAL_RE = re.compile(r"^(\d{1,4})\s*([dwm])$")
TWEET_ID_RE = re.compile(r"^\d{1,20}$")
TWEET_URL_RE = re.compile(
    r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/[A-Za-z0-9_]{1,15}"
    r"/status(?:es)?/(\d{1,20})(?:[/?#].*)?$"
)
MONTHS = calendar.month_name
PERSON_SUFFIX, OVERLAY_SUFFIX = ".md", ".yml"


@dataclass(frozen=True)
class Limits:
    """Size caps of a person file, so that no file can stall the build.

    Python-Markdown takes time quadratic in the length of a paragraph for each
    unclosed `[` or `<` (16 KB of `[` takes over 20 seconds), so the blurb's brackets
    are capped as well as its size. Defaults: PEOPLE_MAX_* in settings.py.
    """

    file_bytes: int = 64 * 1024
    blurb_bytes: int = 16 * 1024
    blurb_brackets: int = 64


class PeopleError(Exception):
    """Base class of every error of the people plugin."""


class PersonFileError(PeopleError):
    """One problem in one person or overlay file."""

    def __init__(self, path, problem, fix, *, field=None, line=None):
        self.path, self.problem, self.fix = str(path), problem, fix
        self.field, self.line = field, line
        super().__init__(str(self))

    def __str__(self):
        where = self.path
        if self.line is not None:
            where += f", line {self.line}"
        if self.field is not None:
            where += f", field '{self.field}'"
        return f"{where}: {self.problem} {self.fix}"


class PeopleInvalid(PeopleError):
    """One or more person files are invalid; `problems` holds every one."""

    def __init__(self, problems):
        self.problems = list(problems)
        count = len(self.problems)
        head = "1 problem" if count == 1 else f"{count} problems"
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{head} in the contact log:\n{lines}")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day (`met: 2013`, `2013-04`, ...)."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def iso(self):
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
        if self.day:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)

    @property
    def display(self):
        if self.day:
            return f"{self.day} {MONTHS[self.month]} {self.year}"
        if self.month:
            return f"{MONTHS[self.month]} {self.year}"
        return str(self.year)

    @property
    def first_day(self):
        return dt.date(self.year, self.month or 1, self.day or 1)

    def sort_key(self):
        return (self.year, self.month or 0, self.day or 0)


@dataclass(frozen=True)
class Interval:
    """`keep_in_touch: 8w`: a count of days, weeks or months."""

    count: int
    unit: str  # "d", "w" or "m"

    def after(self, day):
        """The date `self` after `day`; months keep the day of the month when they can."""
        if self.unit == "d":
            return day + dt.timedelta(days=self.count)
        if self.unit == "w":
            return day + dt.timedelta(weeks=self.count)
        months = day.month - 1 + self.count
        year, month = day.year + months // 12, months % 12 + 1
        return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))

    def __str__(self):
        return f"{self.count}{self.unit}"

    def days_text(self):
        """ "14 days", "2 months": for messages."""
        count = self.count * 7 if self.unit == "w" else self.count
        unit = "month" if self.unit == "m" else "day"
        return f"{count} {unit}{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class LogEntry:
    date: dt.date
    via: str
    note: str = ""
    outcome: str | None = None  # "yes" or "no" on an answered ask


@dataclass(frozen=True)
class Person:
    """A validated person file. Holds private data: never hand it to a template."""

    slug: str
    source: str
    name: str
    twitter: str | None = None
    bluesky: str | None = None  # a handle (ada.bsky.social) or a DID
    mastodon: str | None = None  # "ada@example.social"
    website: str | None = None
    met: PartialDate | None = None
    where: str | None = None
    tags: tuple = ()
    rel: tuple = DEFAULT_REL
    highlights: tuple = ()
    photo: str | None = None
    listed: bool = False
    consent: str | None = None
    body: str = ""
    private: dict = field(default_factory=dict, compare=False, hash=False)
    keep_in_touch: Interval | None = None
    log: tuple = ()
    overlay: str | None = None
    # The private mappings as each source wrote them (the file's `private:`, then the
    # overlay's): the privacy audit searches all of them, not only the merged winners.
    private_sources: tuple = field(default=(), compare=False, hash=False, repr=False)


# Every node is a level; a log note (private.log[0].note) is at level 5. Far deeper
# than any person file needs, shallow enough that composing and walking the nodes
# stays far from Python's recursion limit.
MAX_YAML_DEPTH = 64


class _Refused(yaml.YAMLError):
    """YAML we will not compose; load_yaml turns it into a PersonFileError."""

    def __init__(self, mark, problem, fix):
        self.mark, self.problem, self.fix = mark, problem, fix
        super().__init__(f"{problem} {fix}")


class _StrictComposer(Composer):
    """Composes nodes from parser events, refusing anchors, aliases and deep nesting.

    An alias shares a node, so a self-referential alias (`&a [*a]`) recurses without
    end and nine aliases of nine aliases ("billion laughs") expand to 9**n values.
    Person files have no use for them: refusing the first anchor or alias event, before
    anything is built, makes both fail at once.
    """

    def compose_document(self):
        self._depth = 0
        return super().compose_document()

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused(
                event.start_mark,
                "person files cannot use YAML anchors or aliases (&name / *name);",
                "write the value out (quote text that starts with & or *).",
            )
        if self._depth >= MAX_YAML_DEPTH:
            raise _Refused(
                event.start_mark,
                f"the YAML is nested more than {MAX_YAML_DEPTH} levels deep.",
                "Check the indentation: a person file needs only a few levels.",
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# libyaml's parser when PyYAML has it, with our composer on top of its events (its own
# composer, CParser.get_single_node, is C code that cannot be overridden).
try:
    from yaml.cyaml import CParser
except ImportError:  # pragma: no cover - a PyYAML built without libyaml

    class _BaseLoader(_StrictComposer, yaml.SafeLoader):
        pass

else:

    class _BaseLoader(_StrictComposer, CParser, SafeConstructor, Resolver):
        def __init__(self, stream):
            CParser.__init__(self, stream)
            _StrictComposer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)


class _Loader(_BaseLoader):
    # No implicit timestamps: dates stay text so that we validate them ourselves
    # (PyYAML would turn 2013-13-01 into a ValueError with no line number).
    yaml_implicit_resolvers: ClassVar[dict] = {
        first: [(tag, rx) for tag, rx in resolvers if not tag.endswith(":timestamp")]
        for first, resolvers in Resolver.yaml_implicit_resolvers.items()
    }


def _yaml_fix(problem, line_text="", context=""):
    if context.startswith("while parsing a flow sequence"):
        return "Close the list that opens on that line with ] on the same line."
    if context.startswith("while parsing a flow mapping"):
        return "Close the {...} that opens on that line with } on the same line."
    if context.startswith("while scanning a quoted scalar"):
        return "Close the quoted text that opens on that line with the same quote."
    if "'@'" in problem or "'`'" in problem or re.search(r":\s+[@`]", line_text):
        return (
            "Quote the value or drop the leading @: a YAML value cannot start with @, "
            'e.g. twitter: adaexample or twitter: "@adaexample".'
        )
    return (
        "Check the indentation and quoting on that line: quote text that contains "
        "': ' or ' #', or starts with [, {, &, * or !."
    )


# Errors inside these constructs are found where the parser gives up (often a line or
# more below); the owner's mistake is where the construct opened: an unclosed [, { or ".
_UNCLOSED_CONTEXTS = (
    "while parsing a flow",
    "while scanning a quoted scalar",
)


def _error_mark(exc):
    """The mark of the line to name: where an unclosed bracket or quote opened, else
    where the parser failed."""
    if exc.context_mark and (exc.context or "").startswith(_UNCLOSED_CONTEXTS):
        return exc.context_mark
    return exc.problem_mark or exc.context_mark


def load_yaml(path, text, line_offset, overlay=False):
    """Parse YAML text; return (data, {key path: line}, problems).

    `line_offset` is the file line of the YAML's first line, so that every line we
    report is a line of the file the owner edits.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except _Refused as exc:
        line = exc.mark.line + line_offset if exc.mark else None
        return None, {}, [PersonFileError(path, exc.problem, exc.fix, line=line)]
    except RecursionError:
        return None, {}, [_too_deep(path)]
    except yaml.MarkedYAMLError as exc:
        mark = _error_mark(exc)
        line = mark.line + line_offset if mark else None
        problem = exc.problem or exc.context or "is not valid YAML"
        lines = text.split("\n")
        line_text = lines[mark.line] if mark and mark.line < len(lines) else ""
        fix = _yaml_fix(problem, line_text, exc.context or "")
        problem = _without_file_text(problem)
        return (
            None,
            {},
            [PersonFileError(path, f"invalid YAML: {problem}.", fix, line=line)],
        )
    except yaml.YAMLError as exc:
        return (
            None,
            {},
            [PersonFileError(path, f"invalid YAML: {exc}.", _yaml_fix(str(exc)))],
        )
    finally:
        loader.dispose()
    lines, problems = {}, []
    if node is not None:
        try:
            _walk_nodes(path, node, line_offset, (), lines, problems, overlay)
        except RecursionError:
            return None, {}, [_too_deep(path)]
    return data, lines, problems


def _without_file_text(problem):
    """A YAML problem without text quoted from the file: it may be a private value."""
    if "constructor for the tag" in problem:
        return "a YAML tag (text starting with !) cannot be used here; quote the value"
    # Scanned left to right, so "expected ',' or ']'" keeps its one-character quotes.
    return re.sub(
        r"'([^']*)'",
        lambda m: m.group(0) if re.fullmatch(r"\\?.?", m.group(1)) else "a value",
        problem,
    )


def _too_deep(path):
    # The composer's depth limit should come first; this is the backstop.
    return PersonFileError(
        path,
        "the YAML is nested too deeply to read.",
        "Check the indentation: a person file needs only a few levels.",
    )


def _walk_nodes(path, node, offset, keypath, lines, problems, overlay=False):
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            here = (*keypath, key)
            line = key_node.start_mark.line + offset
            if key in seen:
                shown = _public_keypath(here, overlay)
                problems.append(
                    PersonFileError(
                        path,
                        "appears twice."
                        if shown == here
                        else f"has a key that appears twice (line {line}).",
                        "Keep one of the two lines: YAML would silently keep the last.",
                        field=_dotted(shown) or None,
                        line=line,
                    )
                )
            seen.add(key)
            lines.setdefault(here, line)
            _walk_nodes(path, value_node, offset, here, lines, problems, overlay)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            here = (*keypath, index)
            lines[here] = item.start_mark.line + offset
            _walk_nodes(path, item, offset, here, lines, problems, overlay)


_KEY_LIKE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,39}$")
# Key names of ours that may appear under private: (or at the top of an overlay).
_PRIVATE_NAMES = frozenset((*PRIVATE_KEYS, *LOG_KEYS, "consent", "private"))


def _public_keypath(keypath, overlay=False):
    """`keypath` cut before the first key under private: that is not one of ours.

    Any other key there is the owner's, and may be a private value: an unquoted comma
    in `{date: ..., note: he is leaving, ...}` makes the rest of the note a key.
    """
    inside = overlay
    for index, part in enumerate(keypath):
        if inside and isinstance(part, str) and part not in _PRIVATE_NAMES:
            return keypath[:index]
        if index == 0 and isinstance(part, str) and not _KEY_LIKE.match(part):
            return ()  # a top-level "key" with spaces is a value's fragment
        if index == 0 and part == "private":
            inside = True
    return keypath


def _dotted(keypath):
    out = ""
    for part in keypath:
        out += (
            f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        )
    return out


def _did_you_mean(key, choices, cutoff=0.6):
    close = difflib.get_close_matches(str(key), choices, n=1, cutoff=cutoff)
    return close[0] if close else None


def split_front_matter(path, text):
    """Return (yaml text, body, problems) of a person file."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return (
            None,
            "",
            [
                PersonFileError(
                    path,
                    "the file does not start with a YAML front matter block.",
                    "Put '---' on the first line, the fields (name: ...) below it, then "
                    "'---' again before the blurb.",
                    line=1,
                )
            ],
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            body = "\n".join(lines[index + 1 :]).strip()
            return "\n".join(lines[1:index]), body, []
    return (
        None,
        "",
        [
            PersonFileError(
                path,
                "the front matter block is never closed.",
                "Add a line '---' after the last field, before the blurb.",
                line=1,
            )
        ],
    )


def parse_date(value):
    """Return a PartialDate for YYYY-MM-DD, YYYY-MM or YYYY, or None when invalid."""
    if isinstance(value, dt.date):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    match = DATE_RE.match(str(value).strip())
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        return None
    if not 1900 <= year <= 2100:
        return None
    return PartialDate(year, month, day)


def parse_full_date(value):
    """Return a datetime.date for YYYY-MM-DD, or None."""
    parsed = parse_date(value)
    return parsed.first_day if parsed and parsed.day else None


def parse_handle(value):
    """Return the handle without its @, or None when it is not a valid handle."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    handle = str(value).strip()
    handle = handle[1:] if handle.startswith("@") else handle
    return handle if HANDLE_RE.match(handle) else None


def parse_bluesky(value):
    """A Bluesky handle (lower case, without @) or DID, or None when it is neither."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    profile = BLUESKY_PROFILE_RE.match(text)
    if profile:
        text = profile.group(1)
    if DID_RE.match(text):
        return text
    handle = text.removeprefix("@").lower()
    return handle if BLUESKY_HANDLE_RE.match(handle) else None


def parse_mastodon(value):
    """A Mastodon account as "user@instance" (instance in lower case), or None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    profile = MASTODON_PROFILE_RE.match(text)
    if profile:
        text = f"{profile.group(2)}@{profile.group(1)}"
    match = MASTODON_RE.match(text)
    return f"{match.group(1)}@{match.group(2).lower()}" if match else None


def parse_highlight(value):
    """The store id of a post: a tweet id or URL (the id's digits), a Bluesky AT URI or
    post URL naming the DID, a Mastodon status URI or URL; None for anything else."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    if TWEET_ID_RE.match(text):
        return text
    match = TWEET_URL_RE.match(text)
    if match:
        return match.group(1)
    if network_of_id(text) == "bluesky":
        return text
    # The tweets plugin's one reading of post URLs (a handle in a Bluesky URL needs
    # the store to name its DID: the person file must name the DID).
    return post_id_of(text)


def parse_interval(value):
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None
    match = INTERVAL_RE.match(str(value).strip().lower())
    if not match or int(match.group(1)) == 0:
        return None
    return Interval(int(match.group(1)), match.group(2))


def parse_photo(value):
    """A relative path inside the people folder to a .jpg, .png or .webp, else None."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    parts = value.split("/")
    if (
        not value.lower().endswith(PHOTO_SUFFIXES)
        or value.startswith("/")
        or "\\" in value
        or ":" in value
        or any(part in ("", ".", "..") for part in parts)
    ):
        return None
    return value


_UNSAFE_URL_CHARS = re.compile(r"[\s\"'<>\\`]")


def valid_website(value):
    """The address if it is http(s) with a host and nothing that could break out of
    an attribute, else None."""
    if not isinstance(value, str) or _UNSAFE_URL_CHARS.search(value.strip()):
        return None
    value = value.strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    return value if parts.scheme in ("http", "https") and parts.hostname else None


class _FileChecker:
    """Validates one mapping of one file, collecting every problem."""

    def __init__(self, path, lines, overlay=False):
        self.path, self.lines, self.problems = path, lines, []
        self.overlay = overlay

    def add(self, keypath, problem, fix):
        keypath = keypath if isinstance(keypath, tuple) else (keypath,)
        line = None
        for end in range(len(keypath), 0, -1):
            line = self.lines.get(keypath[:end])
            if line is not None:
                break
        shown = _public_keypath(keypath, self.overlay)
        if shown != keypath:
            problem = f"has an unknown key on line {line} that {problem}"
        self.problems.append(
            PersonFileError(
                self.path, problem, fix, field=_dotted(shown) or None, line=line
            )
        )

    def text(self, data, key, required=False):
        value = data.get(key)
        if value is None:
            if required:
                self.add(key, "is missing.", f"Add a line such as: {key}: Ada Example")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.add(key, "must be text.", f"Write it on one line: {key}: some text")
            return None
        value = str(value).strip()
        if required and not value:
            self.add(key, "is empty.", f"Write it on one line: {key}: Ada Example")
            return None
        return value or None

    def parsed(self, data, key, parse, problem, fix):
        """data[key] through `parse` (None means invalid); None when absent or invalid."""
        value = data.get(key)
        if value is None:
            return None
        result = parse(value)
        if result is None:
            self.add(key, problem, fix)
        return result

    def text_list(self, data, key, example):
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, list):
            self.add(key, "must be a list.", f"Write it in brackets: {key}: {example}")
            return None
        out = []
        for index, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, str | int | float):
                self.add(
                    (key, index), "must be a word or a short phrase.",
                    f"Write it in brackets: {key}: {example}",
                )  # fmt: skip
            elif str(item).strip():
                out.append(str(item).strip())
        return tuple(out)


def _check_person_fields(checker, data, overlay_consent=None):
    """Validate the top-level fields; return the keyword arguments of a Person.

    `overlay_consent` is the overlay's consent:, which wins over the file's.
    """
    for key in data:
        if key not in KNOWN_FIELDS:
            guess = _did_you_mean(key, KNOWN_FIELDS)
            hint = f"Did you mean '{guess}'? Rename it" if guess else "Remove it"
            checker.add(
                str(key), "is not a field of a person file.",
                f"{hint}; the fields are: {', '.join(KNOWN_FIELDS)}.",
            )  # fmt: skip
    out = {"name": checker.text(data, "name", required=True)}
    out["twitter"] = checker.parsed(
        data, "twitter", parse_handle, "is not an X/Twitter handle.",
        "Use 1 to 15 letters, digits or underscores, e.g. twitter: adaexample.",
    )  # fmt: skip
    out["bluesky"] = checker.parsed(
        data, "bluesky", parse_bluesky, "is not a Bluesky handle or DID.",
        "Write the handle as Bluesky shows it, without @, e.g. bluesky: "
        "ada.bsky.social, or the account's DID, e.g. bluesky: did:plc:….",
    )  # fmt: skip
    out["mastodon"] = checker.parsed(
        data, "mastodon", parse_mastodon, "is not a Mastodon account.",
        "Write user@instance, quoted if it starts with @, e.g. mastodon: "
        '"@ada@example.social" or mastodon: ada@example.social.',
    )  # fmt: skip
    out["website"] = checker.parsed(
        data, "website", valid_website,
        "must be an http:// or https:// address with no spaces or quotes.",
        "Write the full address, e.g. website: https://ada.example",
    )  # fmt: skip
    out["met"] = checker.parsed(
        data, "met", parse_date, "is not a date.",
        "Write YYYY-MM-DD, YYYY-MM or YYYY, e.g. met: 2013-04-16.",
    )  # fmt: skip
    out["where"] = checker.text(data, "where")
    out["photo"] = checker.parsed(
        data, "photo", parse_photo,
        "is not a picture inside the people folder.",
        "Put it in content/people/photos/ and write its path from the people folder, "
        "e.g. photo: photos/ada.jpg (a .jpg, .png or .webp file).",
    )  # fmt: skip
    out["tags"] = checker.text_list(data, "tags", "[law, marketing]") or ()
    rel = checker.text_list(data, "rel", "[met, colleague]")
    if rel is not None:
        for index, value in enumerate(rel):
            if value not in XFN_VALUES:
                guess = _did_you_mean(value, XFN_VALUES)
                hint = f"Did you mean '{guess}'? " if guess else ""
                checker.add(
                    ("rel", index),
                    "is not an XFN relationship.",
                    f"{hint}Use values from: {', '.join(XFN_VALUES)}.",
                )
        out["rel"] = tuple(dict.fromkeys(rel)) or DEFAULT_REL
    highlights = data.get("highlights")
    if highlights is not None:
        if not isinstance(highlights, list):
            checker.add(
                "highlights", "must be a list.",
                "Write it in brackets: highlights: [1626922779105759235]",
            )  # fmt: skip
        else:
            ids = []
            for index, item in enumerate(highlights):
                tweet_id = parse_highlight(item)
                if tweet_id is None:
                    checker.add(
                        ("highlights", index),
                        "is not a tweet id or a post address.",
                        "Use the digits of the id or the full address, e.g. "
                        "https://x.com/samsample/status/1626922779105759235, a "
                        "Mastodon status address, or a Bluesky post's address with "
                        "the account's DID (bsky.app/profile/did:…/post/…).",
                    )
                else:
                    ids.append(tweet_id)
            out["highlights"] = tuple(dict.fromkeys(ids))
    listed = data.get("listed", False)
    if not isinstance(listed, bool):
        checker.add(
            "listed", "must be true or false.", "Write listed: true or listed: false."
        )
        listed = False
    out["listed"] = listed
    out["consent"] = checker.text(data, "consent")
    if overlay_consent is not None and not isinstance(overlay_consent, bool):
        out["consent"] = str(overlay_consent).strip() or out["consent"]
    if listed and not out["consent"]:
        checker.add(
            "consent",
            "is required because listed is true.",
            "Record how and when they agreed to be listed, e.g. consent: 2013-04-20, "
            "by email; or set listed: false.",
        )
    return out


def _check_private(checker, private, prefix):
    """Validate a private mapping (from the person file or an overlay)."""
    if not isinstance(private, dict):
        checker.add(
            prefix or "private",
            "must be a mapping of private fields.",
            "Indent the private fields under it, e.g. email: ..., notes: ..., log: [...].",
        )
        return {}
    for key in private:
        if key == "private" and not prefix:
            checker.add(
                "private",
                "an overlay holds the private fields themselves.",
                "Remove the 'private:' line and move its fields to the top level.",
            )
        elif key not in PRIVATE_KEYS:
            guess = _did_you_mean(key, ("keep_in_touch", "log"), cutoff=0.8)
            if guess:
                checker.add(
                    (*prefix, str(key)), f"looks like a misspelt '{guess}'.",
                    f"Rename it to '{guess}'.",
                )  # fmt: skip
    keep = private.get("keep_in_touch")
    if keep is not None and parse_interval(keep) is None:
        checker.add(
            (*prefix, "keep_in_touch"),
            "is not a number of days, weeks or months.",
            "Write a number and d, w or m, e.g. keep_in_touch: 30d, 8w or 3m.",
        )
    log = private.get("log")
    if log is not None and not isinstance(log, list):
        checker.add(
            (*prefix, "log"), "must be a list of entries.",
            "Write one '- {date: 2013-04-16, via: coffee, note: ...}' line per entry.",
        )  # fmt: skip
    elif log:
        for index, entry in enumerate(log):
            _check_log_entry(checker, entry, (*prefix, "log", index))
    return private


def _check_log_entry(checker, entry, keypath):
    example = "- {date: 2013-04-16, via: coffee, note: Met at the Old Bank}"
    if not isinstance(entry, dict):
        checker.add(
            keypath, "must be a mapping with date, via and note.", f"Write {example}"
        )
        return
    for key in entry:
        if key not in LOG_KEYS:
            guess = _did_you_mean(key, LOG_KEYS)
            if guess:
                hint = f"Did you mean '{guess}'? A log entry has date, via, note and (on an ask) outcome."
            elif " " in str(key) or entry[key] is None:
                hint = "If it is part of the note, quote the note: inside { } a comma starts a new field."
            else:
                hint = "A log entry has date, via, note and (on an ask) outcome."
            checker.add((*keypath, str(key)), "is not a field of a log entry.", hint)
    if parse_full_date(entry.get("date")) is None:
        checker.add(
            (*keypath, "date"),
            "is missing or not a full date." if "date" in entry else "is missing.",
            "Write the day of the contact as YYYY-MM-DD, e.g. date: 2013-04-16.",
        )
    via = entry.get("via")
    if not isinstance(via, str) or not via.strip():
        checker.add(
            (*keypath, "via"),
            "is missing or empty.",
            "Say how you were in touch, e.g. via: coffee, email, twitter, call or ask.",
        )
    if "note" in entry and not isinstance(entry["note"], str | int | float | None):
        checker.add((*keypath, "note"), "must be text.", "Write the note on one line.")
    if "outcome" in entry:
        outcome = _outcome(entry["outcome"])
        if outcome not in ASK_OUTCOMES:
            checker.add(
                (*keypath, "outcome"),
                "is not yes or no.",
                "Write outcome: yes or outcome: no (leave it out while you wait), "
                "or run invoke people.log SLUG --answer yes.",
            )
        elif not isinstance(via, str) or via.strip().lower() != "ask":
            checker.add(
                (*keypath, "outcome"),
                "belongs to an ask only.",
                "Move it to the via: ask entry it answers, or remove it.",
            )


def _outcome(value):
    """`outcome:` as written; YAML 1.1 reads an unquoted yes/no as a boolean."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value.strip().lower() if isinstance(value, str) else None


def _log_entries(private):
    entries = []
    for entry in private.get("log") or ():
        entries.append(
            LogEntry(
                date=parse_full_date(entry["date"]),
                via=entry["via"].strip().lower(),
                note="" if entry.get("note") is None else str(entry["note"]),
                outcome=_outcome(entry.get("outcome")),
            )
        )
    return tuple(sorted(entries, key=lambda e: e.date))


def merge_private(base, overlay):
    """The overlay wins key by key, except `log`, whose entries are added together."""
    merged = dict(base)
    for key, value in overlay.items():
        if (
            key == "log"
            and isinstance(value, list)
            and isinstance(merged.get("log"), list)
        ):
            merged["log"] = [*merged["log"], *value]
        else:
            merged[key] = value
    return merged


def overlay_path(private_dir, slug):
    return os.path.join(private_dir, f"{slug}.yml") if private_dir else None


def read_overlay(path, text=None, limits=Limits()):
    """Parse one overlay file (or `text` meant for it); return (private, problems).

    An overlay may also hold the person's `consent:`, which check_person takes out.
    """
    path = str(path)
    if text is None:
        too_big = _too_big(path, limits)
        if too_big:
            return {}, [too_big]
        try:
            text = Path(path).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            return {}, [_not_utf8(path)]
    data, lines, problems = load_yaml(path, text, line_offset=1, overlay=True)
    if problems:
        return {}, problems
    if data is None:
        return {}, []
    checker = _FileChecker(path, lines, overlay=True)
    private = _check_private(checker, data, ())
    if isinstance(data, dict) and "consent" in data:
        checker.text(data, "consent")
    return (private if not checker.problems else {}), checker.problems


def _not_utf8(path):
    return PersonFileError(path, "is not UTF-8 text.", "Save the file as UTF-8.")


def _too_big(path, limits, size=None):
    """A problem when the file is over the size cap, read from its size on disk."""
    if size is None:
        try:
            size = os.stat(path).st_size
        except OSError:
            return None
    if size <= limits.file_bytes:
        return None
    return PersonFileError(
        path,
        f"is {size:,} bytes, more than the {limits.file_bytes:,} a person file may "
        "hold.",
        "Shorten the blurb or the notes, or move old log entries elsewhere "
        "(PEOPLE_MAX_FILE_BYTES raises the cap).",
    )


def _blurb_problems(path, body, limits, line):
    size = len(body.encode("utf-8"))
    if size > limits.blurb_bytes:
        return [
            PersonFileError(
                path,
                f"the blurb is {size:,} bytes, more than the {limits.blurb_bytes:,} "
                "allowed.",
                "Shorten it: the blurb is a short introduction "
                "(PEOPLE_MAX_BLURB_BYTES raises the cap).",
                line=line,
            )
        ]
    brackets = body.count("[") + body.count("<")
    if brackets > limits.blurb_brackets:
        return [
            PersonFileError(
                path,
                f"the blurb has {brackets} '[' and '<' characters, more than the "
                f"{limits.blurb_brackets} allowed (each link, image or HTML tag uses "
                "one).",
                "Keep fewer links and tags in it (PEOPLE_MAX_BLURB_BRACKETS raises "
                "the cap).",
                line=line,
            )
        ]
    return []


def in_folder(path, folder):
    """True when `path` is directly inside `folder`."""
    return bool(folder) and Path(path).parent.resolve() == Path(folder).resolve()


def check_person(path, private_dir=None, text=None, limits=Limits()):
    """Parse and validate one person file; return (Person or None, problems).

    With `text`, validate that text as if it were the file (the tasks check an edit
    before they write it). A person file inside `private_dir` must be unlisted.
    """
    path = str(path)
    slug = Path(path).stem
    problems = []
    if not SLUG_RE.match(slug):
        problems.append(
            PersonFileError(
                path,
                "the file name is not a valid slug.",
                "Rename it with lowercase letters, digits and dashes, e.g. ada-example.md.",
            )
        )
    too_big = _too_big(
        path, limits, None if text is None else len(text.encode("utf-8"))
    )
    if too_big:
        return None, [*problems, too_big]
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            return None, [*problems, _not_utf8(path)]
    yaml_text, body, split_problems = split_front_matter(path, text)
    if split_problems:
        return None, problems + split_problems
    problems += _blurb_problems(path, body, limits, yaml_text.count("\n") + 4)
    data, lines, yaml_problems = load_yaml(path, yaml_text, line_offset=2)
    problems += yaml_problems
    if data is None and not yaml_problems:
        data = {}
    if not isinstance(data, dict):
        if not yaml_problems:
            problems.append(
                PersonFileError(
                    path,
                    "the front matter is not a list of fields.",
                    "Write one 'field: value' per line, starting with name: ...",
                    line=2,
                )
            )
        return None, problems
    overlay = overlay_path(private_dir, slug)
    extra = {}
    if overlay and os.path.isfile(overlay):
        extra, overlay_problems = read_overlay(overlay, limits=limits)
        problems += overlay_problems
        extra = dict(extra)
    else:
        overlay = None
    checker = _FileChecker(path, lines)
    fields = _check_person_fields(checker, data, extra.pop("consent", None))
    if fields["listed"] and in_folder(path, private_dir):
        checker.add(
            "listed",
            "is true in a person file under the private folder.",
            f"A listed person's public fields belong in the people folder: move "
            f"the file there and keep consent and private fields in {slug}.yml "
            f"beside it here, or unlist them: invoke people.withdraw {slug}.",
        )
    private = {}
    if data.get("private") is not None:
        private = _check_private(checker, data["private"], ("private",))
    problems += checker.problems
    # Each source as written, for the audit: the merge keeps only the overlay's winners.
    sources = (private, extra) if overlay else (private,)
    private = merge_private(private, extra)
    if problems:
        return None, problems
    person = Person(
        slug=slug,
        source=path,
        body=body,
        private=private,
        keep_in_touch=parse_interval(private.get("keep_in_touch")),
        log=_log_entries(private),
        overlay=overlay,
        private_sources=sources,
        **{k: v for k, v in fields.items() if v is not None},
    )
    return person, []


def read_person(path, private_dir=None):
    """Parse one person file, raising PeopleInvalid with all its problems."""
    person, problems = check_person(path, private_dir)
    if problems:
        raise PeopleInvalid(problems)
    return person


@dataclass
class People:
    """Every person of the contact log, plus overlays whose person file is gone."""

    persons: list
    orphan_overlays: dict  # slug -> private mapping
    problems: list

    @property
    def listed(self):
        return [p for p in self.persons if p.listed]

    @property
    def unlisted(self):
        return [p for p in self.persons if not p.listed]


_cache = {}


def _stamp(*paths):
    out = []
    for path in paths:
        try:
            stat = os.stat(path)
            out.append((stat.st_mtime_ns, stat.st_size))
        except (OSError, TypeError):
            out.append(None)
    return tuple(out)


def _check_person_cached(path, private_dir, limits):
    # Warm rebuilds (`invoke regenerate`) run in one process: reparse only what changed.
    stamp = (
        private_dir,
        limits,
        _stamp(path, overlay_path(private_dir, Path(path).stem)),
    )
    hit = _cache.get(path)
    if hit and hit[0] == stamp:
        return hit[1]
    result = check_person(path, private_dir, limits=limits)
    _cache[path] = (stamp, result)
    return result


def ignored_file(name):
    """Hidden files (.gitkeep, .DS_Store, editor swap files) and backups (name~)."""
    return name.startswith(".") or name.endswith("~")


def _unknown_file(path, accepted):
    stem, suffix = Path(path).stem, Path(path).suffix
    if suffix.lower() in (".md", ".markdown", ".mdown", ".mkd"):
        fix = f"Rename it to {stem}.md."
    elif suffix.lower() in (".yml", ".yaml"):
        fix = f"Rename it to {stem}.yml."
    else:
        fix = "Move it out of this folder."
    return PersonFileError(
        path,
        f"is not read: this folder holds only {accepted} (and hidden files or "
        "backups ending in ~, which are ignored).",
        fix,
    )


def person_files(people_dir, private_dir=None):
    """(person files, overlay files, problems) of the two folders, in a stable order.

    The people folder holds `<slug>.md` files and the pictures their `photo:` fields
    name (.jpg, .png, .webp), in subfolders too; the private folder
    holds `<slug>.md` (a whole person, unlisted) and `<slug>.yml` (an overlay). Any
    other file would be neither read nor audited, so it is a problem, not skipped.
    """
    persons, overlays, problems = [], [], []
    if people_dir and os.path.isdir(people_dir):
        for path in sorted(Path(people_dir).rglob("*")):
            rel = path.relative_to(people_dir)
            if any(ignored_file(part) for part in rel.parts) or not path.is_file():
                continue
            if path.suffix == PERSON_SUFFIX:
                persons.append(str(path))
            elif not path.name.lower().endswith(PHOTO_SUFFIXES):
                problems.append(
                    _unknown_file(
                        path,
                        "person files named <slug>.md and their photos, .jpg, .png or .webp",
                    )
                )
    if private_dir and os.path.isdir(private_dir):
        for path in sorted(Path(private_dir).rglob("*")):
            rel = path.relative_to(private_dir)
            if any(ignored_file(part) for part in rel.parts) or not path.is_file():
                continue
            if len(rel.parts) == 1 and path.suffix == PERSON_SUFFIX:
                persons.append(str(path))
            elif len(rel.parts) == 1 and path.suffix == OVERLAY_SUFFIX:
                overlays.append(str(path))
            else:
                problems.append(
                    _unknown_file(
                        path,
                        "person files named <slug>.md and overlays named <slug>.yml, "
                        "not in subfolders",
                    )
                )
    return persons, overlays, problems


def find_person_file(people_dir, private_dir, slug):
    """The person file of `slug` (people folder first, then private), or None."""
    persons = person_files(people_dir, private_dir)[0]
    return next((p for p in persons if Path(p).stem == slug), None)


def check_people(people_dir, private_dir=None, limits=Limits()):
    """Parse every person file and overlay, collecting every problem (never raises)."""
    persons, by_slug, by_handle = [], {}, {}
    files, overlays, problems = person_files(people_dir, private_dir)
    for path in files:
        person, file_problems = _check_person_cached(path, private_dir, limits)
        problems += file_problems
        if person is None:
            continue
        if person.slug in by_slug:
            problems.append(
                PersonFileError(
                    path,
                    f"the slug '{person.slug}' is already used by {by_slug[person.slug]}.",
                    "Rename one of the two files: the file name is the page address.",
                )
            )
            continue
        handles = {
            (name, getattr(person, name).lower())
            for name in ("twitter", "bluesky", "mastodon")
            if getattr(person, name)
        }
        taken = sorted(h for h in handles if h in by_handle)
        if taken:
            problems.append(
                PersonFileError(
                    path,
                    f"the same handle is already used by {by_handle[taken[0]]}.",
                    "Keep one person per handle: merge the two files.",
                    field=taken[0][0],
                )
            )
            continue
        by_slug[person.slug] = path
        by_handle.update(dict.fromkeys(handles, path))
        persons.append(person)
    orphans, stems = {}, {Path(path).stem for path in files}
    for path in overlays:
        if Path(path).stem not in stems:
            private, overlay_problems = read_overlay(path, limits=limits)
            problems += overlay_problems
            orphans[Path(path).stem] = private
    persons.sort(key=lambda p: p.slug)
    return People(persons, orphans, problems)


def load_people(people_dir, private_dir=None, limits=Limits()):
    """Parse the whole contact log, raising PeopleInvalid listing every problem."""
    people = check_people(people_dir, private_dir, limits)
    if people.problems:
        raise PeopleInvalid(people.problems)
    return people
