"""The privacy audit: no private or unlisted contact-log string in any written file.

It runs after every build (signals.finalized) and is reusable on its own (`audit_site`)
by a site check. It collects every string under `private:` (everyone's) and every
identifying string of unlisted people, in the forms a page could carry them (raw,
HTML-escaped, JSON-escaped), lower-cased, into one Aho-Corasick automaton, and searches
each written text file once. A hit names the file, the person's slug and the field,
never the value.

Not searched, by design:
- tags, rel and dates (met, log dates), log `via` and `keep_in_touch`: vocabulary that
  any page may contain ("coffee", "2013-04-16", "8w");
- an unlisted person's @handle: the owner's own public tweets may @mention them;
- strings shorter than PEOPLE_AUDIT_MIN_LENGTH, and (slug, field) pairs the owner
  declared coincidences in PEOPLE_AUDIT_ALLOW.
"""

import html
import json
import logging
import os
import re
import time
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


def _body_segments(body):
    """The lines of an unlisted person's blurb, as written and as rendered text."""
    rendered = markdown.markdown(body, extensions=["markdown.extensions.extra"])
    text = html.unescape(_TAG.sub("\n", rendered))
    return [*body.splitlines(), *text.splitlines()]


def collect_secrets(people):
    """Every (slug, field, text) the audit looks for, from a model.People."""
    out = []
    for person in people.persons:
        for keypath, text in _leaves(person.private):
            out.append((person.slug, _field_name("private", keypath), text))
        if person.consent:
            out.append((person.slug, "consent", person.consent))
        if person.listed:
            continue
        out.append((person.slug, "name", person.name))
        if person.website:
            out.append((person.slug, "website", person.website))
            bare = re.sub(r"^https?://(www\.)?", "", person.website).rstrip("/")
            out.append((person.slug, "website", bare))
        if person.where:
            out.append((person.slug, "where", person.where))
        for segment in _body_segments(person.body):
            out.append((person.slug, "body", segment))
    for slug, private in people.orphan_overlays.items():
        for keypath, text in _leaves(private):
            out.append((slug, _field_name("private", keypath), text))
    return out


def _forms(text):
    """The ways a page can spell `text`: raw, HTML-escaped, JSON-escaped."""
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
    allowed = {tuple(pair) for pair in allow}
    owners = {}
    for slug, field, text in secrets:
        if (slug, field) in allowed or (slug, field.split(".")[0]) in allowed:
            continue
        for line in {text, *text.splitlines()}:
            line = " ".join(line.split())
            if len(line) < min_length:
                continue
            for form in _forms(line):
                owners.setdefault(form.lower(), set()).add((slug, field))
    if not owners:
        return None
    automaton = ahocorasick.Automaton()
    for pattern, sources in owners.items():
        automaton.add_word(pattern, tuple(sorted(sources)))
    automaton.make_automaton()
    return automaton


def written_files(output_path, extensions):
    """Every text file under the output folder that a page, feed or data file can be."""
    extensions = tuple(e.lower() for e in extensions)
    for folder, dirs, files in os.walk(output_path):
        dirs.sort()
        for name in sorted(files):
            if name.lower().endswith(extensions):
                yield os.path.join(folder, name)


def scan(output_path, automaton, extensions=defaults.PEOPLE_AUDIT_EXTENSIONS):
    """Search every written text file once; return the sorted findings."""
    findings = set()
    if automaton is None or not os.path.isdir(output_path):
        return []
    for path in written_files(output_path, extensions):
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8", errors="replace").lower()
        relative = os.path.relpath(path, output_path).replace(os.sep, "/")
        for _end, sources in automaton.iter(text):
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
    findings = audit_site({**settings, "OUTPUT_PATH": pelican.output_path})
    logger.info("Privacy audit of %s took %.3f s", pelican.output_path,
                time.perf_counter() - started)  # fmt: skip
    if findings:
        raise PrivacyAuditError(findings)
