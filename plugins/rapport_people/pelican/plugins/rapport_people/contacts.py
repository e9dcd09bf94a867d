"""Read exported contacts: vCard (3.0 and 4.0), Google Contacts CSV, LinkedIn CSV.

Each reader turns its format into `Contact`s; what a contact lacks stays empty. The
import task (people.import) decides what becomes of them. Errors name the file and
the line (or card), never a value: these are other people's details.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import vobject

from .model import HANDLE_RE


class ContactsError(Exception):
    """A file that cannot be read as contacts; the message says what to do."""


@dataclass
class Contact:
    where: str  # "card 3" or "line 7": for the summary, never a value
    name: str = ""
    emails: list = field(default_factory=list)
    company: str = ""
    position: str = ""
    urls: list = field(default_factory=list)

    @property
    def twitter(self):
        """The X/Twitter handle among the profile URLs, or None."""
        for url in self.urls:
            match = _X_PROFILE.match(url)
            handle = match.group(1) if match else ""
            if HANDLE_RE.match(handle) and handle.lower() not in _X_RESERVED:
                return handle
        return None

    @property
    def website(self):
        """The first http(s) URL that is no social profile (their own site), or None."""
        for url in self.urls:
            if url.startswith(("https://", "http://")) and not _SOCIAL.search(url):
                return url
        return None

    def profiles(self):
        """Social profile URLs other than X (LinkedIn...), for the private notes."""
        return [u for u in self.urls if _SOCIAL.search(u) and not _X_PROFILE.match(u)]


_X_PROFILE = re.compile(
    r"^(?:https?://)?(?:www\.|mobile\.)?(?:twitter|x)\.com/@?([A-Za-z0-9_]+)/?$", re.I
)
_X_RESERVED = {"home", "intent", "share", "i", "search", "hashtag"}
_SOCIAL = re.compile(
    r"^(?:https?://)?(?:[a-z]+\.)?(?:twitter|x|linkedin|facebook|instagram|github|"
    r"bsky|mastodon\.social|threads)\.(?:com|app|net|social)/",
    re.I,
)


# --- text and encodings -------------------------------------------------------------


def decode(path, data):
    """Text of an export: UTF-8 (with or without BOM) or UTF-16 (by its BOM)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ContactsError(
            f"{path} is not UTF-8 or UTF-16 text (byte {exc.start}); export it again "
            "as UTF-8 (Google: 'Google CSV'; Outlook CSV is in the PC's own code "
            "page). Nothing was imported."
        ) from None


def read(path):
    """(format name, [Contact]) of one export, chosen by its content."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ContactsError(
            f"cannot read {path} ({exc.strerror}); check the path. Nothing was "
            "imported."
        ) from None
    text = decode(path, data)
    if text.lstrip().upper().startswith("BEGIN:VCARD"):
        return "vCard", read_vcards(path, text)
    lines = text.splitlines()
    for index, line in enumerate(lines[:20]):
        header = next(csv.reader([line]), [])
        if "First Name" in header and "Connected On" in header:
            return "LinkedIn CSV", read_csv(path, lines, index, _linkedin)
        if "E-mail 1 - Value" in header or "Given Name" in header:
            return "Google CSV", read_csv(path, lines, index, _google)
    raise ContactsError(
        f"{path} is neither a vCard file (.vcf) nor a Google Contacts or LinkedIn "
        "Connections CSV (no header with their column names in its first 20 lines). "
        "Export vCard or Google CSV from your contacts app, or LinkedIn's "
        "Connections.csv from 'Get a copy of your data'. Nothing was imported."
    )


# --- vCard ---------------------------------------------------------------------------


def _values(card, name):
    out = []
    for line in card.contents.get(name, ()):
        value = line.value
        if isinstance(value, list):
            value = ";".join(str(v) for v in value if v)
        # Apple escapes ':' in URLs (https\://); vobject leaves it.
        value = str(value).replace("\\:", ":").strip()
        if value:
            out.append(value)
    return out


def read_vcards(path, text):
    """Contacts of a vCard file (3.0 from Google/Apple/phones, 4.0 from newer apps)."""
    out = []
    try:
        for number, card in enumerate(vobject.readComponents(text), 1):
            name = next(iter(_values(card, "fn")), "")
            if not name and "n" in card.contents:
                n = card.n.value
                name = " ".join(p for p in (n.given, n.additional, n.family) if p)
            urls = _values(card, "url") + _values(card, "x-socialprofile")
            org = next(iter(_values(card, "org")), "")
            out.append(
                Contact(
                    f"card {number}",
                    " ".join(str(name).split()),
                    _values(card, "email"),
                    org,
                    next(iter(_values(card, "title")), ""),
                    urls,
                )
            )
    except (vobject.base.ParseError, ValueError):
        # Not vobject's line number: it counts CR and LF apart in CRLF files.
        raise ContactsError(
            f"{path}: card {len(out) + 1} does not parse (a line without a colon, or "
            "no END:VCARD?); export the contacts again. Nothing was imported."
        ) from None
    return out


# --- CSV -----------------------------------------------------------------------------


def read_csv(path, lines, header_index, convert):
    """Contacts of a CSV whose header is at `header_index` (LinkedIn's notes come
    first); `convert` maps one row (a dict) to a Contact."""
    body = "\n".join(lines[header_index:])
    reader = csv.DictReader(io.StringIO(body))
    out = []
    try:
        for row in reader:
            row = {(k or "").strip(): (v or "").strip() for k, v in row.items()
                   if isinstance(v, str)}  # fmt: skip
            if any(row.values()):
                out.append(convert(f"line {header_index + reader.line_num}", row))
    except csv.Error:
        raise ContactsError(
            f"{path}, line {header_index + reader.line_num}: not valid CSV (a quote "
            "that never closes?); export the file again. Nothing was imported."
        ) from None
    return out


def _linkedin(where, row):
    """LinkedIn Connections.csv: First Name, Last Name, URL (since 2020), Email
    Address (often empty: only who allowed it), Company, Position, Connected On."""
    name = " ".join(p for p in (row.get("First Name"), row.get("Last Name")) if p)
    emails = [row["Email Address"]] if row.get("Email Address") else []
    urls = [row["URL"]] if row.get("URL") else []
    return Contact(
        where, name, emails, row.get("Company", ""), row.get("Position", ""), urls
    )


def _numbered(row, prefix, suffix):
    """Values of Google's numbered columns ("E-mail 1 - Value", "E-mail 2 - Value"),
    split on Google's ' ::: ' for several values in one cell."""
    out = []
    for key in sorted(k for k in row if k.startswith(prefix) and k.endswith(suffix)):
        out += [v.strip() for v in row[key].split(":::") if v.strip()]
    return out


def _google(where, row):
    """Google Contacts CSV: today's "First Name"/"Organization Name" columns, or the
    older "Name"/"Given Name"/"Organization 1 - Name" ones."""
    parts = (
        row.get("First Name") or row.get("Given Name"),
        row.get("Middle Name") or row.get("Additional Name"),
        row.get("Last Name") or row.get("Family Name"),
    )
    name = row.get("Name") or " ".join(p for p in parts if p)
    return Contact(
        where,
        name,
        _numbered(row, "E-mail ", " - Value"),
        row.get("Organization Name") or row.get("Organization 1 - Name", ""),
        row.get("Organization Title") or row.get("Organization 1 - Title", ""),
        _numbered(row, "Website ", " - Value"),
    )
