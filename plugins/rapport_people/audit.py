"""The privacy audit: no private or unlisted contact-log string in any written file.

It runs after every build (signals.finalized) and is reusable on its own (`audit_site`)
by a site check. It collects every string under `private:` (everyone's) and every
identifying string of unlisted people, in the forms a page could carry them (raw,
HTML-escaped, JSON-escaped), with ASCII letters lower-cased, into one Aho-Corasick
automaton, and searches every distinct line of the written text files once. A hit
names the file, the person's slug and the field, never the value.

Not searched, by design:
- tags, rel and dates (met, log dates), log `via` and `keep_in_touch`: vocabulary that
  any page may contain ("coffee", "2013-04-16", "8w");
- an unlisted person's @handle: the owner's own public tweets may @mention them;
- strings shorter than PEOPLE_AUDIT_MIN_LENGTH, and (slug, field) pairs the owner
  declared coincidences in PEOPLE_AUDIT_ALLOW.
"""

import contextlib
import gc
import gzip
import html
import json
import logging
import os
import re
import time
import zlib
from dataclasses import dataclass

import ahocorasick
import markdown
from markupsafe import escape

from . import settings as defaults
from .model import PeopleError, load_people

logger = logging.getLogger(__name__)

# Private keys whose values are vocabulary, not identifying text.
_VOCABULARY = {("keep_in_touch",), ("log", "date"), ("log", "via")}
_TAG = re.compile(r"<[^>]*>")
_SPECIAL = re.compile(r"[&<>\"'\\/\x00-\x1f\x7f]")
_JSON_HTML_SAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027"}
)
_MAX_LISTED = 50


@dataclass(frozen=True, order=True)
class Finding:
    """A written file that contains a person's private or unlisted field."""

    path: str  # relative to the output folder
    slug: str
    field: str

    def __str__(self):
        return f"{self.path}: {self.field} of {self.slug}"


class PrivacyAuditError(PeopleError):
    """Written files contain private or unlisted data. The message never holds a value."""

    def __init__(self, findings):
        self.findings = sorted(findings)
        shown = "\n".join(f"  - {f}" for f in self.findings[:_MAX_LISTED])
        more = len(self.findings) - _MAX_LISTED
        if more > 0:
            shown += f"\n  - and {more} more"
        files = len({f.path for f in self.findings})
        super().__init__(
            f"Privacy audit: {files} written file(s) contain private or unlisted "
            f"contact-log data (values are not shown):\n{shown}\n"
            "The build failed so that this output is not deployed. Remove the text from "
            "the source of that page (a post, a template, a public field of another "
            "person); if it is a coincidence, make the field more specific or add "
            "(slug, field) to PEOPLE_AUDIT_ALLOW in pelicanconf.py."
        )


def _leaves(value, keypath=()):
    """(keypath, text) of every scalar in a private mapping, skipping vocabulary."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*keypath, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*keypath, index))
    elif value is not None and not isinstance(value, bool):
        names = tuple(k for k in keypath if not isinstance(k, int))
        if names not in _VOCABULARY:
            yield keypath, str(value)


def _field_name(prefix, keypath):
    out = prefix
    for part in keypath:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


_markdown = markdown.Markdown(extensions=["markdown.extensions.extra"])


def _body_segments(body):
    """The lines of an unlisted person's blurb, as written and as rendered text."""
    _markdown.reset()
    rendered = _markdown.convert(body)
    text = html.unescape(_TAG.sub("\n", rendered))
    return [*body.splitlines(), *text.splitlines()]


# Warm rebuilds run in one process and model.py hands back the same Person objects for
# unchanged files: keep each person's secrets, and the automaton, until they change.
_secrets_cache = {}
_automaton_cache = {}


def collect_secrets(people):
    """Every (slug, field, text) the audit looks for, from a model.People."""
    out, live = [], {}
    for person in people.persons:
        cached = _secrets_cache.get(id(person))
        if cached is None or cached[0] is not person:
            cached = (person, _secrets_of(person))
        live[id(person)] = cached
        out += cached[1]
    _secrets_cache.clear()
    _secrets_cache.update(live)
    for slug, private in people.orphan_overlays.items():
        for keypath, text in _leaves(private):
            out.append((slug, _field_name("private", keypath), text))
    return out


def _secrets_of(person):
    out = [
        (person.slug, _field_name("private", keypath), text)
        for keypath, text in _leaves(person.private)
    ]
    if person.consent:
        out.append((person.slug, "consent", person.consent))
    if person.listed:
        return out
    out.append((person.slug, "name", person.name))
    if person.website:
        out.append((person.slug, "website", person.website))
        bare = re.sub(r"^https?://(www\.)?", "", person.website).rstrip("/")
        out.append((person.slug, "website", bare))
    if person.where:
        out.append((person.slug, "where", person.where))
    for segment in _body_segments(person.body):
        out.append((person.slug, "body", segment))
    return out


def _forms(text):
    """The ways a page can spell `text`: raw, HTML-escaped, JSON-escaped."""
    if text.isascii() and not _SPECIAL.search(text):
        return {text}  # every escaping leaves it as it is
    dumped = json.dumps(text, ensure_ascii=False)[1:-1]
    return {
        text,
        str(escape(text)),
        html.escape(text),
        html.escape(text, quote=False),
        dumped,
        json.dumps(text)[1:-1],
        dumped.translate(_JSON_HTML_SAFE),
    }


def build_automaton(secrets, min_length=4, allow=()):
    """An Aho-Corasick automaton of every form of every secret, lower-cased."""
    key = (tuple(secrets), min_length, tuple(tuple(pair) for pair in allow))
    if key not in _automaton_cache:
        _automaton_cache.clear()
        _automaton_cache[key] = _build_automaton(secrets, min_length, allow)
    return _automaton_cache[key]


def _build_automaton(secrets, min_length, allow):
    allowed = {tuple(pair) for pair in allow}
    owners = {}
    for slug, field, text in secrets:
        if (slug, field) in allowed or (slug, field.split(".")[0]) in allowed:
            continue
        lines = {text, *text.splitlines()}
        lines |= {" ".join(line.split()) for line in lines}
        for line in lines:
            if "\n" in line or "\r" in line or len(line.strip()) < min_length:
                continue
            for form in _forms(line.strip()):
                owners.setdefault(_fold(form), set()).add((slug, field))
    if not owners:
        return None
    # The automaton holds only the first _WINDOW characters of each string (its size
    # grows with every character it holds: whole notes took tens of MB at a thousand
    # people); a window's hit counts only where the whole string follows.
    by_window = {}
    for pattern, sources in sorted(owners.items()):
        entry = (pattern, tuple(sorted(sources)))
        by_window.setdefault(pattern[:_WINDOW], []).append(entry)
    automaton = ahocorasick.Automaton()
    for window, entries in by_window.items():
        automaton.add_word(window, tuple(entries))
    automaton.make_automaton()
    return automaton


_WINDOW = 32


def matches(automaton, text):
    """The (slug, field) sources of every whole secret found in `text`."""
    for end, entries in automaton.iter(text):
        for pattern, sources in entries:
            start = end + 1 - min(len(pattern), _WINDOW)
            if text.startswith(pattern, start):
                yield sources


def written_files(output_path, extensions):
    """Every text file under the output folder that a page, feed or data file can be."""
    extensions = tuple(e.lower() for e in extensions)
    for folder, dirs, files in os.walk(output_path):
        dirs.sort()
        for name in sorted(files):
            if name.lower().endswith(extensions):
                yield os.path.join(folder, name)


def _fold(text):
    """Lower-case ASCII letters only, as bytes.lower() does to a written file."""
    return text.encode("utf-8").lower().decode("utf-8")


def _read_folded(path):
    with open(path, "rb") as handle:
        data = handle.read()
    # The search index (Pagefind's .pf_* files) is gzip: read what it holds.
    # Not gzip after all (a bad file): search the bytes as written.
    if data[:2] == b"\x1f\x8b":
        with contextlib.suppress(OSError, EOFError, zlib.error):
            data = gzip.decompress(data)
    return data.lower()


def scan(output_path, automaton, extensions=defaults.PEOPLE_AUDIT_EXTENSIONS):
    """Search every written text file; return the sorted findings."""
    if automaton is None or not os.path.isdir(output_path):
        return []
    paths = list(written_files(output_path, extensions))
    # File by file, in flat memory: remembering the lines already searched (most repeat
    # from page to page) saves a third of the time but holds on to tens of MB.
    findings = set()
    for path in paths:
        text = _read_folded(path).decode("utf-8", errors="replace")
        relative = os.path.relpath(path, output_path).replace(os.sep, "/")
        for sources in matches(automaton, text):
            for slug, field in sources:
                findings.add(Finding(relative, slug, field))
    return sorted(findings)


def audit_output(output_path, people, settings=None):
    """Findings of the privacy audit of `output_path` for a model.People."""
    settings = defaults.resolve(settings or {})
    automaton = build_automaton(
        collect_secrets(people),
        settings["PEOPLE_AUDIT_MIN_LENGTH"],
        settings["PEOPLE_AUDIT_ALLOW"],
    )
    return scan(output_path, automaton, settings["PEOPLE_AUDIT_EXTENSIONS"])


def audit_site(settings):
    """The audit of a built site from Pelican settings (PATH, OUTPUT_PATH, PEOPLE_*).

    For a site check run after the build: returns the findings, raises PeopleInvalid
    when the contact log itself does not parse.
    """
    settings = defaults.resolve(settings)
    people = load_people(defaults.people_dir(settings), defaults.private_dir(settings))
    return audit_output(settings["OUTPUT_PATH"], people, settings)


def audit_build(pelican):
    """signals.finalized receiver body: fail the build on any finding."""
    settings = defaults.resolve(pelican.settings)
    if not settings["PEOPLE_AUDIT"]:
        logger.warning("The privacy audit is off (PEOPLE_AUDIT = False)")
        return
    started = time.perf_counter()
    # The audit allocates many small objects at the end of a build whose heap is
    # large; generational GC passes over that heap would double its time.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        findings = audit_site({**settings, "OUTPUT_PATH": pelican.output_path})
    finally:
        if gc_was_enabled:
            gc.enable()
    logger.info("Privacy audit of %s took %.3f s", pelican.output_path,
                time.perf_counter() - started)  # fmt: skip
    if findings:
        raise PrivacyAuditError(findings)
