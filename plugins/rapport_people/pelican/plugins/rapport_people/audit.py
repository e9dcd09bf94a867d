"""The privacy audit: no private or unlisted contact-log string in what a reader sees.

It runs after every build (signals.finalized) and is reusable on its own (`audit_site`)
by a site check. It collects every string under `private:` from every source (the
person file, its overlay, an overlay whose person file is gone; each as written, not
only the merged winners), every identifying string of unlisted people, and those of
people withdrawn whole into the private folder, and searches every file written to the
output folder, whatever its extension, and its path (also with its underscores and dots
as spaces: Dev_Fictional.jpg). A hit names the file, the person's
slug and the field, never the value.

Secrets and files are compared in one normal form (`normal`): entities decoded (twice:
a feed escapes HTML that holds entities), tags stripped, NFKC (it composes NFD and folds
fullwidth forms and no-break spaces), invisible characters (soft hyphen, zero-width
space, word joiner) dropped, casefolded, each run of whitespace one space. A file is read once; a binary one by its text runs, like
`strings`. Its tags, with their attributes and URLs, are searched beside its text, and,
only where they occur, URL-decoded (%XX, +) and JSON-unescaped (\\uXXXX) forms of both.
Each distinct line is searched once per build (a site repeats most of its lines from
page to page); that is what keeps the audit within a tenth of the build. A secret up to
a title's length is also searched as Pelican slugifies it ("dev-fictional"): a title
keeps a name in a URL and a file name.

Not searched, by design:
- tags, rel and dates (met, log dates), log `via` and `keep_in_touch`: vocabulary that
  any page may contain ("coffee", "2013-04-16", "8w");
- an unlisted person's handles (X, Bluesky handle or DID, Mastodon user@instance):
  the owner's own public posts may @mention them;
- strings shorter than PEOPLE_AUDIT_MIN_LENGTH; free text (blurb lines, where, consent,
  notes) made only of common words (`common-words.txt`) and shorter than _LONG_ENOUGH
  characters, such as a blurb's "## About"; a where or a blurb line of one word
  ("London"); names, slugs, websites and emails are searched whatever their words;
- what PEOPLE_AUDIT_ALLOW declares a coincidence: ("slug", "field") for a whole field,
  ("slug", "field", "the exact string") for one line of it (or the whole value).

Not seen: other compressed data (PDF streams; a gzip file, such as Pagefind's index,
and a PNG's zTXt/iTXt text are read decompressed), a PNG's pixels (IDAT), text split
by a tag inside a word, text that script or CSS puts together at run time, and a
string that runs on from a line already searched, clean, in an earlier file.
"""

import contextlib
import gzip
import html
import logging
import os
import re
import time
import unicodedata
import zlib
from dataclasses import dataclass
from itertools import compress
from operator import not_
from pathlib import Path
from urllib.parse import unquote_plus

import ahocorasick
from pelican.settings import DEFAULT_CONFIG
from pelican.utils import slugify

from . import settings as defaults
from .kept import contact_log
from .model import PeopleError
from .public import blurb_html

logger = logging.getLogger(__name__)

# Private keys whose values are vocabulary, not identifying text.
_VOCABULARY = {("keep_in_touch",), ("log", "date"), ("log", "via")}
# Fields that identify a person whatever their words: searched even when common.
_IDENTIFIERS = {"name", "slug", "website", "private.email"}
# An unlisted person's place and blurb lines: one word alone ("London", "Python") names
# no one and is on ordinary pages, so it is not searched; private values always are.
_PLACES_AND_LINES = {"where", "body"}
# Free text this long is searched even when it is made of common words.
_LONG_ENOUGH = 40
_MAX_LISTED = 50
_COMMON_WORDS = frozenset(
    word
    for line in (Path(__file__).with_name("common-words.txt"))
    .read_text(encoding="utf-8")
    .splitlines()
    if (word := line.strip()) and not word.startswith("#")
)


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
            '("slug", "field") or ("slug", "field", "the exact string") to '
            "PEOPLE_AUDIT_ALLOW in pelicanconf.py."
        )


# --- the normal form ---------------------------------------------------------------

# Whitespace other than the space, as bytes: translated before decoding, where it is
# cheap (NFKC then folds no-break and typographic spaces to a space).
_WHITESPACE = bytes.maketrans(b"\t\n\x0b\x0c\r", b"     ")
# A tag and the spaces after it (a template's indentation), so that the text between
# tags joins with one space.
_TAG = re.compile(r"(<[^>]*>) *")
# An entity other than &amp;, which str.replace decodes on its own.
_OTHER_ENTITY = re.compile(r"&(?!amp;)(?:#|[A-Za-z]\w*;)")
# A %XX escape, or a + in a query string value, where it stands for a space.
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_PLUS = re.compile(r"=[^\s\"'&<>]*\+")
_JSON_ESCAPE = re.compile(
    r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})|\\u([0-9a-f]{4})|\\([\"\\/bfnrt])",
    re.IGNORECASE,
)
_JSON_SIMPLE = {"b": " ", "f": " ", "n": " ", "r": " ", "t": " "}


# Characters a reader never sees and NFKC keeps: the soft hyphen, zero-width spaces and
# joiners, bidi marks and controls, the word joiner and invisible operators, variation
# selectors, the byte order mark. "Dev Fic&shy;tional" reads as the name.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\ufe00-\ufe0f\ufeff]"
)


def _folded(text):
    """NFKC and casefolded, without invisible characters; whitespace is left as it is."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = _INVISIBLE.sub("", text)
    return text.casefold()


def _one_space(text):
    # str.replace halves every run of spaces per pass, and pages have few long runs
    # once tags took the indentation after them: far cheaper than a regex per run.
    while "  " in text:
        text = text.replace("  ", " ")
    return text


def _text_and_tags(text):
    """(what a reader reads, the tags with their attributes), both one-spaced."""
    if "<" not in text:
        return _one_space(text), ""
    parts = _TAG.split(text)
    return (
        _one_space(" ".join(filter(None, parts[0::2]))),
        " ".join(filter(None, parts[1::2])),
    )


def normal(text):
    """`text` as the audit compares it: entities decoded, tags stripped, NFKC,
    casefolded, one space for each run of whitespace."""
    text = _folded(
        _entities_decoded(text.encode("utf-8").translate(_WHITESPACE).decode())
    )
    return _text_and_tags(text)[0].strip()


def _json_char(match):
    high, low, code, simple = match.groups()
    if high:
        return chr(0x10000 + ((int(high, 16) - 0xD800) << 10) + int(low, 16) - 0xDC00)
    if code:
        return chr(int(code, 16))
    return _JSON_SIMPLE.get(simple, simple)


def _entities_decoded(text):
    # Twice: an Atom feed's content is HTML escaped once more, so an entity-encoded
    # email autolink is &amp;#97;... there. The five entities our templates and feeds
    # write by the hundred thousand are replaced in C; html.unescape does the rest.
    for _ in range(2):
        if "&" not in text:
            break
        text = (
            text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", '"')
            .replace("&#39;", "'")
        )
        if "&" not in text:
            break
        if _OTHER_ENTITY.search(text):
            text = html.unescape(text)
        else:
            text = text.replace("&amp;", "&")
    return text


def reader_views(data):
    """The normal forms of a written file's bytes that the audit searches."""
    text = _folded(_entities_decoded(_file_text(data.translate(_WHITESPACE))))
    reading, tags = _text_and_tags(text)
    for view in (reading, tags):
        if view:
            yield view
        if ("%" in view and _PERCENT.search(view)) or (
            "+" in view and _PLUS.search(view)
        ):
            yield _one_space(_folded(unquote_plus(view)))
    if "\\" in reading and _JSON_ESCAPE.search(reading):
        yield normal(_JSON_ESCAPE.sub(_json_char, reading))


# Printable runs (ASCII, tab, or a UTF-8 sequence) of at least 8 characters: the text
# `strings -n 8` would show of an image, a font or a PDF. Not 4, as `strings` does:
# compressed image data holds a given four letters about once in 300 MB, and a site's
# media can be that large.
_TEXT_RUN = re.compile(rb"(?:[\t\x20-\x7e]|[\xc2-\xf4][\x80-\xbf]{1,3}){8,}")


def _file_text(data):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return b" ".join(_TEXT_RUN.findall(data)).decode("utf-8", errors="replace")


# --- what is searched for ------------------------------------------------------------


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


def _private_secrets(slug, private):
    return [
        (slug, _field_name("private", keypath), text)
        for keypath, text in _leaves(private)
    ]


_BLOCK_TAG = re.compile(
    r"</?(?:p|h[1-6]|li|ul|ol|dl|dt|dd|blockquote|pre|div|table|thead|tbody|tr|td|th"
    r"|hr|br)\b[^>]*>",
    re.IGNORECASE,
)


def _body_segments(body):
    """An unlisted person's blurb as a reader sees it: each block, and each of its lines.

    Rendered, so that heading, list and quote markers and emphasis are gone.
    """
    rendered = _BLOCK_TAG.sub("\n\n", blurb_html(body))
    text = html.unescape(_TAG.sub(" ", rendered))
    out = []
    for block in re.split(r"\n\s*\n", text):
        if block.strip():
            out += [" ".join(block.split()), *block.splitlines()]
    return out


# Warm rebuilds run in one process and model.py hands back the same Person objects for
# unchanged files: keep each person's secrets, and the automaton, until they change.
_secrets_cache = {}
_automaton_cache = {}


def collect_secrets(people):
    """Every (slug, field, text) the audit looks for, from a model.People (whose persons
    include people withdrawn whole into the private folder)."""
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
        out += _private_secrets(slug, private)
    return out


def _secrets_of(person):
    out = []
    for private in person.private_sources or (person.private,):
        out += _private_secrets(person.slug, private)
    if person.consent:
        out.append((person.slug, "consent", person.consent))
    if person.listed:
        return list(dict.fromkeys(out))
    out.append((person.slug, "name", person.name))
    out.append((person.slug, "slug", person.slug))
    if person.website:
        out.append((person.slug, "website", person.website))
        bare = re.sub(r"^https?://(www\.)?", "", person.website).rstrip("/")
        out.append((person.slug, "website", bare))
    if person.where:
        out.append((person.slug, "where", person.where))
    for segment in _body_segments(person.body):
        out.append((person.slug, "body", segment))
    return list(dict.fromkeys(out))


def _distinctive(field, text):
    """Whether `text` (normal form) is specific enough to search for in `field`."""
    if field in _IDENTIFIERS or len(text) >= _LONG_ENOUGH:
        return True
    words = re.findall(r"\w+", text)
    if field in _PLACES_AND_LINES and len(words) < 2:
        return False
    return any(
        word not in _COMMON_WORDS and not (word.isdigit() and len(word) < 3)
        for word in words
    )


_SLUG_SUBS = DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"]
# Only a string this short is also searched as a slug: a slug comes from a title.
_SLUGGED_LENGTH = 80


def _pieces(text):
    """`text` and each of its lines: a page may quote either. In order, once each, so
    that the same secrets build the same automaton whatever the hash seed."""
    return list(dict.fromkeys((text, *text.splitlines())))


def _form(text):
    # Without the closing punctuation, which a quote often drops or changes.
    return normal(text).strip().rstrip(".,;:!?").rstrip()


def _patterns(field, piece, form, min_length, slug_subs):
    """The normal form of a piece of a secret, and its slug (with `slug_subs`), when
    worth searching."""
    if len(form) < min_length or not _distinctive(field, form):
        return ()
    if (
        slug_subs is None
        or (form.isascii() and " " not in form)
        or len(form) > _SLUGGED_LENGTH
    ):
        return (form,)  # not slugged, its slug is itself, or it is longer than a title
    slugged = slugify(piece, regex_subs=slug_subs)
    if len(slugged) >= min_length and slugged != form:
        return (form, slugged)
    return (form,)


def _allow_entries(allow):
    entries = []
    for index, entry in enumerate(allow):
        if (
            not isinstance(entry, list | tuple)
            or len(entry) not in (2, 3)
            or not all(isinstance(part, str) for part in entry)
        ):
            raise PeopleError(
                f"PEOPLE_AUDIT_ALLOW, entry {index + 1}: is not a pair or a triple of "
                'text. Write ("slug", "field") to allow a whole field, or ("slug", '
                '"field", "the exact string") to allow one string of it.'
            )
        entries.append(tuple(entry))
    return entries


def _allowed_by(entries, slug, field, forms):
    """The allow entries that cover (slug, field), or one of its `forms` (normal)."""
    return [
        entry
        for entry in entries
        if entry[0] == slug
        and entry[1] in (field, field.split(".")[0])
        and (len(entry) == 2 or _form(entry[2]) in forms)
    ]


def build_automaton(secrets, min_length=4, allow=(), slug_subs=_SLUG_SUBS):
    """An Aho-Corasick automaton of the normal forms and slugs of every secret."""
    key = (
        tuple(secrets),
        min_length,
        tuple(tuple(entry) for entry in allow),
        tuple(tuple(sub) for sub in slug_subs),
    )
    if key not in _automaton_cache:
        _automaton_cache.clear()
        _automaton_cache[key] = _build_automaton(secrets, min_length, allow, slug_subs)
    return _automaton_cache[key]


def _build_automaton(secrets, min_length, allow, slug_subs):
    entries = _allow_entries(allow)
    used, owners = set(), {}
    for slug, field, text in secrets:
        forms = {piece: _form(piece) for piece in _pieces(text)}
        whole = forms[text]
        for piece, form in forms.items():
            covered = entries and _allowed_by(entries, slug, field, (whole, form))
            if covered:
                used.update(covered)
                continue
            # A title made from a field is the whole value: only that is slugged.
            subs = slug_subs if piece is text else None
            for pattern in _patterns(field, piece, form, min_length, subs):
                owners.setdefault(pattern, set()).add((slug, field))
    for entry in entries:
        if entry not in used:
            logger.warning(
                "PEOPLE_AUDIT_ALLOW: the entry for field '%s' of %s matches no string "
                "the audit searches for; check its slug, field and string, or remove it",
                entry[1],
                entry[0],
            )
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
    for window, window_entries in by_window.items():
        automaton.add_word(window, tuple(window_entries))
    automaton.make_automaton()
    return automaton


_WINDOW = 32


def matches(automaton, text):
    """The (slug, field) sources of every whole secret found in `text` (normal form)."""
    for end, entries in automaton.iter(text):
        for pattern, sources in entries:
            start = end + 1 - min(len(pattern), _WINDOW)
            if text.startswith(pattern, start):
                yield sources


# --- searching the output ------------------------------------------------------------


def written_files(output_path):
    """(os.DirEntry, path relative to the output folder with "/" separators) of every
    file under the output folder, whatever its extension: folder by folder, A to Z, a
    folder's files before its subfolders. A folder linked in by a symlink is read too,
    as a web server would serve it (each real folder once through links); a folder that
    cannot be read is an error, not skipped."""
    folders, linked = [(output_path, "")], set()
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
        inner = []
        for entry in entries:
            if not entry.is_dir():
                yield entry, prefix + entry.name
                continue
            if entry.is_symlink():
                real = os.path.realpath(entry.path)
                if real in linked:  # a link back up the tree: read once
                    continue
                linked.add(real)
            inner.append((entry.path, f"{prefix}{entry.name}/"))
        folders += reversed(inner)


# Lines already searched and clean, remembered by hash so that memory stays flat: up to
# this many (about 15 MB; the reference bench site has under 100,000 distinct lines).
_MAX_SEARCHED = 200_000


class CleanFiles:
    """The files one automaton found clean, by path (relative to the output folder) and
    stat. In preview mode a save searches only the files written since (a new stat)
    while the automaton (the secrets, PEOPLE_AUDIT_ALLOW and the audit's settings) is
    the same one; a new automaton searches everything again."""

    def __init__(self):
        self.automaton = None
        self.stats = {}


def _stat(entry):
    # ctime too: no one can set it, and a rename leaves a file's own ctime alone.
    st = entry.stat()
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def scan(output_path, automaton, clean=None):
    """Search every written file, and its path, as a reader sees it; sorted findings.

    With `clean` (a CleanFiles), a file it holds with the same stat, for this same
    automaton, is not read again; `clean` then holds this scan's clean files."""
    if automaton is None or not os.path.isdir(output_path):
        return []
    if clean is not None and clean.automaton is not automaton:
        clean.automaton, clean.stats = automaton, {}
    known = clean.stats if clean is not None else {}
    now_clean = {}
    # File by file. A built site repeats most of its lines from page to page (every
    # summary on every index, tag and feed page): each distinct line is searched once,
    # remembered by its hash only. A file with a finding is not remembered, so that
    # every file that holds the same text is named.
    findings, searched = set(), set()
    for entry, relative in written_files(output_path):
        path = entry.path
        if clean is not None:
            # Before the read: a file written after it gets a new stat, searched next.
            stat = _stat(entry)
            if known.get(relative) == stat:
                now_clean[relative] = stat
                continue
        data = _read(path)
        hashes = ()
        if data.isascii() or _is_utf8(data):
            # Without their indentation: one space, not a run, where lines join.
            lines = list(map(bytes.strip, data.split(b"\n")))
            hashes = list(map(hash, lines))
            seen = map(searched.__contains__, hashes)
            data = b"\n".join(compress(lines, map(not_, seen)))
        found = found_in(relative, data, automaton)
        if found:
            findings.update(Finding(relative, slug, field) for slug, field in found)
        else:
            if len(searched) > _MAX_SEARCHED:
                searched.clear()
            searched.update(hashes)
            if clean is not None:
                now_clean[relative] = stat
    if clean is not None:
        clean.stats = now_clean
    return sorted(findings)


def _read(path):
    """A written file's bytes; a gzip file's (Pagefind's index) decompressed, a PNG's
    without its pixels and with its compressed text chunks decompressed."""
    with open(path, "rb") as handle:
        data = handle.read()
    # Not gzip after all (a bad file): search the bytes as written.
    if data[:2] == b"\x1f\x8b":
        with contextlib.suppress(OSError, EOFError, zlib.error):
            data = gzip.decompress(data)
    elif data[:8] == _PNG_SIGNATURE:
        data = _png_text_chunks(data)
    return data


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_text_chunks(data):
    """Every chunk of a PNG but its pixels (IDAT: compressed, never text a reader
    sees), with zTXt and compressed iTXt text decompressed. A social card is mostly
    pixels, so this is also what keeps the audit of thousands of them cheap. A PNG
    whose chunks do not add up is searched whole."""
    out, at = [], 8
    while at + 12 <= len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        kind = data[at + 4 : at + 8]
        body = data[at + 8 : at + 8 + length]
        if len(body) != length:
            return data
        if kind != b"IDAT":
            out.append(kind + body)
        if kind in (b"zTXt", b"iTXt"):
            # zTXt: keyword NUL method data; iTXt: keyword NUL flag method lang NUL
            # translated NUL text, compressed when flag is 1.
            _, _, rest = body.partition(b"\0")
            if kind == b"iTXt":
                flag, rest = rest[:1], rest[2:]
                rest = rest.split(b"\0", 2)[-1] if flag == b"\1" else b""
            else:
                rest = rest[1:]
            with contextlib.suppress(zlib.error):
                out.append(zlib.decompress(rest))
        at += 12 + length
    return b"\n".join(out)


_PATH_SEPARATORS = re.compile(r"[_.]")


def found_in(relative, data, automaton):
    """The (slug, field) of every secret in one file's path and bytes, as read."""
    found = set()
    # A path is also read with its underscores and dots as spaces: cameras and people
    # name photos Ada_Example.jpg or ada.example.jpg.
    spaced = normal(_PATH_SEPARATORS.sub(" ", relative))
    for view in (normal(relative), spaced, *reader_views(data)):
        for sources in matches(automaton, view):
            found.update(sources)
    return found


def _is_utf8(data):
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def automaton_of(people, settings=None):
    """The automaton of every secret of a model.People, with the audit's settings."""
    settings = defaults.resolve(settings or {})
    return build_automaton(
        collect_secrets(people),
        settings["PEOPLE_AUDIT_MIN_LENGTH"],
        settings["PEOPLE_AUDIT_ALLOW"],
        settings.get("SLUG_REGEX_SUBSTITUTIONS") or _SLUG_SUBS,
    )


def audit_output(output_path, people, settings=None, clean=None):
    """Findings of the privacy audit of `output_path` for a model.People."""
    return scan(output_path, automaton_of(people, settings), clean)


def audit_site(settings, clean=None):
    """The audit of a built site from Pelican settings (PATH, OUTPUT_PATH, PEOPLE_*).

    For a site check run after the build: returns the findings, raises PeopleInvalid
    when the contact log itself does not parse. `clean`: see scan.
    """
    settings = defaults.resolve(settings)
    people = contact_log(
        defaults.people_dir(settings),
        defaults.private_dir(settings),
        defaults.limits(settings),
        preview=settings.get("PREVIEW_MODE"),
    )
    return audit_output(settings["OUTPUT_PATH"], people, settings, clean)


# Preview mode's CleanFiles, per output folder, for the life of the preview process.
_PREVIEW_CLEAN = {}


def audit_build(pelican):
    """signals.finalized receiver body: fail the build on any finding."""
    settings = defaults.resolve(pelican.settings)
    if not settings["PEOPLE_AUDIT"]:
        logger.warning("The privacy audit is off (PEOPLE_AUDIT = False)")
        return
    started = time.perf_counter()
    clean = None
    if settings.get("PREVIEW_MODE"):  # never in a published build: it reads every file
        clean = _PREVIEW_CLEAN.setdefault(
            os.path.realpath(pelican.output_path), CleanFiles()
        )
    findings = audit_site({**settings, "OUTPUT_PATH": pelican.output_path}, clean)
    logger.info("Privacy audit of %s took %.3f s", pelican.output_path,
                time.perf_counter() - started)  # fmt: skip
    if findings:
        raise PrivacyAuditError(findings)


def audit_staged(pelican, root):
    """Findings in the files under `root`, named as they will be once moved into the
    output folder: preview mode's search index, written after the build and audited
    before it is moved in; raises PrivacyAuditError on a finding. The secrets are
    those of this save's audit."""
    settings = defaults.resolve(pelican.settings)
    if not settings["PEOPLE_AUDIT"]:
        return
    clean = _PREVIEW_CLEAN.get(os.path.realpath(pelican.output_path))
    if clean is None or clean.automaton is None:
        findings = audit_site({**settings, "OUTPUT_PATH": root})
    else:
        staged = CleanFiles()
        findings = scan(root, clean.automaton, staged)
        # A rename keeps each file's stat: the next save's audit need not read them.
        clean.stats.update(staged.stats)
    if findings:
        raise PrivacyAuditError(findings)
