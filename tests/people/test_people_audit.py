"""The privacy audit: canaries in every private and unlisted field never reach output/,
and any that do fail the build, naming the file and the field but never the value."""

import gc
import gzip
import html
import json
import shutil
import textwrap
import xml.sax.saxutils

import jinja2.utils
import markupsafe
import pytest

from pelican.plugins.rapport_people.audit import (
    Finding,
    PrivacyAuditError,
    audit_site,
    build_automaton,
    collect_secrets,
    matches,
    scan,
)
from pelican.plugins.rapport_people.model import PeopleError, load_people
from tests.people.conftest import TinySite

pytestmark = pytest.mark.slow

# One canary per field; each is a string no page has any reason to contain.
UNLISTED = {
    "name": "Canaryname Qxunlisted",
    "website": "https://canary-website-q7.example/",
    "where": "Canary where Q7 Tea Rooms",
    "consent": "Canary consent Q7 by email",
    "email": "canary-email-q7@example.net",
    "notes": "Canary notes Q7 thinking of leaving",
    "log_note": "Canary log note Q7 about the side project",
    "custom": "Canary custom Q7 0161 496 0000",
    "overlay": "Canary overlay Q7 from private folder",
    "body": "Canary body Q7 builds booking tools",
}
LISTED_PRIVATE = {
    "consent": "Canary listed consent Q8",
    "email": "canary-listed-q8@example.org",
    "notes": "Canary listed notes Q8 & 'quotes' <b>",
    "log_note": "Canary listed log Q8 about newsletters",
    "overlay": "Canary listed overlay Q8",
}
ORPHAN = "Canary orphan overlay Q9"


def plant_canaries(site):
    """Canary-dev (unlisted), ada-example (listed) and an orphan overlay in `site`."""
    u, lp = UNLISTED, LISTED_PRIVATE
    site.person(
        "canary-dev",
        f"""
        name: {u["name"]}
        twitter: canaryhandle
        website: {u["website"]}
        met: 2012-03-08
        where: {u["where"]}
        tags: [startups]
        listed: false
        consent: {u["consent"]}
        private:
          email: {u["email"]}
          notes: {u["notes"]}
          phone: {u["custom"]}
          keep_in_touch: 30d
          log:
            - {{date: 2012-03-08, via: coffee, note: "{u["log_note"]}"}}
        """,
        f"{u['body'].split(' Q7')[0]} *Q7* {u['body'].split('Q7 ')[1]}.\n\n"
        "A second paragraph that stays just as private.\n",
    )
    site.overlay("canary-dev", f"notes_more: {u['overlay']}\n")
    site.person(
        "ada-example",
        f"""
        name: Ada Example
        twitter: adaexample
        met: 2013-04-16
        where: Coffee after a meetup
        listed: true
        consent: {lp["consent"]}
        private:
          email: {lp["email"]}
          notes: "{lp["notes"]}"
          log:
            - {{date: 2013-04-16, via: coffee, note: {lp["log_note"]}}}
        """,
        "Ada writes about law.\n",
    )
    site.overlay("ada-example", f"extra: {lp['overlay']}\n")
    site.overlay("gone-person", f"notes: {ORPHAN}\n")
    # Vocabulary and an unlisted @handle may appear in public text: not audited.
    site.post(
        "coffee",
        "Coffee on 2012-03-08 with @canaryhandle, every 30d. Tags: startups.",
    )
    return site


@pytest.fixture
def canary_site(tiny_site):
    """The canary site, not built yet: a test that changes its sources builds it."""
    return plant_canaries(tiny_site)


@pytest.fixture(scope="module")
def canary_build(tmp_path_factory):
    """The canary site built once for the module (its build's audit passed)."""
    return plant_canaries(TinySite(tmp_path_factory.mktemp("canary") / "site")).build()


@pytest.fixture
def canary_built(canary_build, tmp_path):
    """A copy of the built canary site (sources, output, caches) to plant a leak in:
    each test starts from the same clean build without paying for one of its own."""
    shutil.copytree(canary_build.base, tmp_path / "site")
    return TinySite(tmp_path / "site")


def all_canaries():
    return [*UNLISTED.values(), *LISTED_PRIVATE.values(), ORPHAN, "Q7", "Q8", "Q9"]


def test_no_canary_in_any_written_file(canary_built):
    files = canary_built.files()
    assert any(canary_built.rel(p) == "people/ada-example/index.html" for p in files)
    for path in files:
        if path.suffix in (".pagefind", ".png"):
            # Pagefind's WebAssembly engine (the same bytes for every site) and images
            # (social cards of listed people's pages): binary, where two letters match
            # by chance.
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":  # the search index, gzip
            data = gzip.decompress(data)
        text = data.decode("utf-8", errors="replace").lower()
        for canary in all_canaries():
            assert canary.lower() not in text, (canary_built.rel(path), canary)
            assert html.escape(canary).lower() not in text


def test_every_field_is_collected(canary_site):
    people = load_people(canary_site.people, canary_site.private)
    fields = {(slug, field) for slug, field, _ in collect_secrets(people)}
    assert {
        ("canary-dev", "name"),
        ("canary-dev", "website"),
        ("canary-dev", "where"),
        ("canary-dev", "consent"),
        ("canary-dev", "body"),
        ("canary-dev", "private.email"),
        ("canary-dev", "private.notes"),
        ("canary-dev", "private.phone"),
        ("canary-dev", "private.log[0].note"),
        ("canary-dev", "private.notes_more"),
        ("ada-example", "consent"),
        ("ada-example", "private.email"),
        ("ada-example", "private.notes"),
        ("ada-example", "private.log[0].note"),
        ("ada-example", "private.extra"),
        ("gone-person", "private.notes"),
    } <= fields
    # Vocabulary and public identifiers are not searched for.
    assert not {f for f in fields if f[1].endswith((".via", ".date", "keep_in_touch"))}
    assert ("canary-dev", "twitter") not in fields
    assert ("ada-example", "name") not in fields


def test_a_post_naming_an_unlisted_person_fails_the_build(canary_site):
    canary_site.post("leak", f"I had tea with {UNLISTED['name']} today.")
    with pytest.raises(PrivacyAuditError) as caught:
        canary_site.build()
    message = str(caught.value)
    assert "2015/01/leak/index.html: name of canary-dev" in message
    assert "feeds/all.atom.xml: name of canary-dev" in message
    assert UNLISTED["name"].lower() not in message.lower()


@pytest.mark.parametrize(
    ("planted", "field"),
    [
        (UNLISTED["body"].split(" Q7")[0] + " Q7 " + UNLISTED["body"].split("Q7 ")[1],
         "body of canary-dev"),
        (UNLISTED["website"].removeprefix("https://").rstrip("/"), "website of canary-dev"),
        (UNLISTED["log_note"].upper(), "private.log[0].note of canary-dev"),
        (ORPHAN, "private.notes of gone-person"),
    ],
)  # fmt: skip
def test_a_canary_planted_in_output_fails_the_next_build(canary_site, planted, field):
    canary_site.build()
    leak = canary_site.output / "data" / "leak.txt"
    leak.parent.mkdir()
    leak.write_text(f"before {planted} after", encoding="utf-8")
    with pytest.raises(PrivacyAuditError) as caught:
        canary_site.build()
    assert f"data/leak.txt: {field}" in str(caught.value)
    assert planted.lower() not in str(caught.value).lower()


# The encoders our stack writes pages, feeds and JSON with.
@pytest.mark.parametrize(
    "encode",
    [
        html.escape,
        lambda s: str(markupsafe.escape(s)),
        xml.sax.saxutils.escape,
        lambda s: json.dumps(s)[1:-1],
        lambda s: json.dumps(s, ensure_ascii=False)[1:-1],
        lambda s: str(jinja2.utils.htmlsafe_json_dumps(s))[1:-1],
    ],
    ids=["html", "markupsafe", "xml", "json", "json-unicode", "jinja-tojson"],
)
def test_escaped_forms_are_found(canary_built, encode):
    notes = LISTED_PRIVATE["notes"]
    (canary_built.output / "leak.json").write_text(
        '{"x": "' + encode(notes) + '"}', encoding="utf-8"
    )
    findings = audit_site(canary_built.settings())
    assert [str(f) for f in findings] == ["leak.json: private.notes of ada-example"]


def test_audit_site_is_reusable_after_the_build(canary_site):
    canary_site.build()
    settings = canary_site.settings()
    assert audit_site(settings) == []
    (canary_site.output / "sitemap.xml").write_text(
        f"<urlset><url><loc>{UNLISTED['where']}</loc></url></urlset>", encoding="utf-8"
    )
    assert [str(f) for f in audit_site(settings)] == [
        "sitemap.xml: where of canary-dev"
    ]


def test_allow_list_is_by_slug_and_field(canary_site):
    canary_site.post("tea", f"Meet me at {UNLISTED['where']}.")
    canary_site.build(PEOPLE_AUDIT_ALLOW=[("canary-dev", "where")])


def test_short_strings_are_not_searched():
    secrets = [("x", "private.notes", "abc"), ("x", "name", "Long enough")]
    automaton = build_automaton(secrets, min_length=4)
    assert list(matches(automaton, "abc long enough")) == [(("x", "name"),)]


@pytest.mark.parametrize(
    ("written", "found"),
    [
        ("<p>first line of the note</p>", True),
        ("<p>SECOND LINE, SHOUTED</p>", True),
        ("<p>Zoë Ärger-Straße</p>", True),
        ("<p>first line\nof the note</p>", True),  # hard-wrapped, as a reader sees it
        ("<p>first line of the</p><p>note</p>", True),
        ("<p>first line of a note</p>", False),
        ("<p>nothing here</p>", False),
    ],
)
def test_scan_finds_each_line_of_a_secret_in_any_case_and_wrapping(
    tmp_path, written, found
):
    secrets = [("zoe", "private.notes", "first line of the note\nsecond line, shouted"),
               ("zoe", "name", "Zoë Ärger-Straße")]  # fmt: skip
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(written, encoding="utf-8")
    (tmp_path / "b.html").write_text("<p>an innocent page</p>", encoding="utf-8")
    # The same lines again: each distinct line is searched once, yet every file that
    # holds a secret is named.
    (tmp_path / "c.html").write_text(written, encoding="utf-8")
    findings = scan(tmp_path, build_automaton(secrets))
    assert bool(findings) is found
    assert {f.path for f in findings} == (
        {"a/index.html", "c.html"} if found else set()
    )


def test_a_folder_linked_into_the_output_is_searched_once_per_real_folder(tmp_path):
    """A web server (and the GitHub Pages artifact) serves what a linked folder holds;
    each real folder is read once, so a link back up the tree ends."""
    secrets = [("zoe", "private.notes", "first line of the note")]
    for name in ("photos", "notes"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "caption.txt").write_text(
            "first line of the note", encoding="utf-8"
        )
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "link").symlink_to(tmp_path / "photos", target_is_directory=True)
    (site / "a" / "link2").symlink_to(tmp_path / "photos", target_is_directory=True)
    (site / "a" / "up").symlink_to(site, target_is_directory=True)
    (site / "a" / "zz.html").write_text("<p>first line of the note</p>", "utf-8")
    (site / "b").symlink_to(tmp_path / "notes", target_is_directory=True)
    findings = scan(site, build_automaton(secrets))  # and it ends
    assert {f.path for f in findings} == {
        "a/link/caption.txt",  # the second link to the same folder is not read again
        "a/zz.html",
        "a/up/a/zz.html",  # the site again, once, through the link up the tree
        "b/caption.txt",
    }


def test_a_long_secret_counts_only_when_it_appears_whole():
    note = "Knows everyone in the northern legal tech scene, and their dogs."
    automaton = build_automaton([("ada", "private.notes", note)], min_length=4)
    shared_start = "knows everyone in the northern legal tech scene, but not me."
    assert list(matches(automaton, shared_start)) == []
    assert list(matches(automaton, "<p>" + note.lower() + "</p>")) == [
        (("ada", "private.notes"),)
    ]


# --- what a reader sees (issue 9) ---------------------------------------------------


def png_chunk(kind, data):
    import struct
    import zlib

    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png_with(*chunks, pixels=b"\0\0"):
    """A 1x1 PNG with these extra chunks before its pixels."""
    import struct
    import zlib

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + b"".join(chunks)
        + png_chunk(b"IDAT", zlib.compress(pixels, 0))
        + png_chunk(b"IEND", b"")
    )


def png_with_text(keyword, text):
    """A 1x1 PNG with a tEXt chunk, as an image editor writes a caption or comment."""
    return png_with(
        png_chunk(b"tEXt", keyword.encode("latin-1") + b"\0" + text.encode("latin-1"))
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("files/canary-dev.md", None),  # a copy of the person file itself
        ("exports/contacts.csv", f"name,email\nx,{UNLISTED['email']}\n"),
        ("notes/README", f"{UNLISTED['notes']}\n"),
        ("data/people.yml", f"- where: {UNLISTED['where']}\n"),
        ("images/photo.png", png_with_text("Comment", UNLISTED["custom"])),
    ],
)
def test_every_written_file_is_read_whatever_its_extension(canary_built, name, content):
    path = canary_built.output / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if content is None:
        path.write_bytes((canary_built.people / "canary-dev.md").read_bytes())
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    findings = audit_site(canary_built.settings())
    assert findings and {f.path for f in findings} == {name}
    assert {f.slug for f in findings} == {"canary-dev"}


def test_a_person_file_linked_with_static_never_reaches_the_output(tiny_site):
    """The static-link guard stops this build first; whichever line of defence stops
    it, no byte of the person file is written and the error holds no value."""
    tiny_site.person(
        "dev-fictional",
        "name: Dev Fictional\nprivate:\n  email: canary-static-q5@example.net\n",
    )
    tiny_site.post("files", "See [the file]({static}/people/dev-fictional.md).")
    with pytest.raises(PeopleError) as caught:
        tiny_site.build()
    assert "canary-static-q5" not in str(caught.value)
    written = [p for p in tiny_site.output.rglob("*") if p.is_file()]
    assert not any(b"canary-static-q5" in p.read_bytes() for p in written)


def listed_ada(site, private, body="Ada writes about law.\n"):
    """A listed person, ada-example, whose private: mapping is `private` (YAML)."""
    front = "name: Ada Example\nlisted: true\nconsent: 2013-04-20, by email\nprivate:\n"
    front += textwrap.indent(textwrap.dedent(private).strip("\n"), "  ")
    return site.person("ada-example", front, body)


@pytest.fixture
def spelling_site(tiny_site):
    """Two unlisted people and a listed one with private notes and an email."""
    tiny_site.person("dev-fictional", "name: Dev Fictional\nlisted: false\n")
    tiny_site.person("zoe-angstrom", "name: Zoë Ångström\nlisted: false\n")
    listed_ada(
        tiny_site, "email: ada@example.com\nnotes: Tea after the Sheffield meetup"
    )
    return tiny_site


@pytest.mark.parametrize(
    ("body", "found"),
    [
        ("Write to <ada@example.com>.", "private.email of ada-example"),
        ("I met Dev\nFictional at the bar.", "name of dev-fictional"),
        ("I met Dev&nbsp;Fictional at the bar.", "name of dev-fictional"),
        ("I met Dev\u00a0Fictional at the bar.", "name of dev-fictional"),
        ("I met Dev *Fictional* at the bar.", "name of dev-fictional"),
        ("I met Dev <b>Fictional</b> at the bar.", "name of dev-fictional"),
        ("I met Zoe\u0308 A\u030angstro\u0308m at the bar.", "name of zoe-angstrom"),
        ("I met ZOË ÅNGSTRÖM at the bar.", "name of zoe-angstrom"),
        ("I met Ｄｅｖ Ｆｉｃｔｉｏｎａｌ at the bar.", "name of dev-fictional"),
        ("I met Dev Fic&shy;tional at the bar.", "name of dev-fictional"),
        ("I met Dev Fic\u00adtional at the bar.", "name of dev-fictional"),
        ("I met Dev Fic\u200btional at the bar.", "name of dev-fictional"),
        ("I met Dev Fic&#8203;tional at the bar.", "name of dev-fictional"),
        ("Write to ada@\u2060example.com.", "private.email of ada-example"),
        (
            "[Search](https://example.org/?q=Tea%20after%20the%20Sheffield%20meetup)",
            "private.notes of ada-example",
        ),
        (
            "[Search](https://example.org/?q=Tea+after+the+Sheffield+meetup)",
            "private.notes of ada-example",
        ),
    ],
    ids=[
        "email-autolink",
        "hard-wrapped",
        "nbsp-entity",
        "no-break-space",
        "emphasis",
        "inline-html",
        "nfd",
        "non-ascii-capitals",
        "fullwidth",
        "soft-hyphen-entity",
        "soft-hyphen",
        "zero-width-space",
        "zero-width-space-entity",
        "word-joiner",
        "url-encoded",
        "url-plus",
    ],
)
def test_ordinary_spellings_in_a_post_fail_the_build(spelling_site, body, found):
    spelling_site.post("leak", body, title="A quiet week")
    with pytest.raises(PrivacyAuditError) as caught:
        spelling_site.build()
    message = str(caught.value)
    assert f"2015/01/leak/index.html: {found}" in message
    assert f"feeds/all.atom.xml: {found}" in message
    for value in ("ada@example.com", "Dev Fictional", "Zoë", "Sheffield"):
        assert value.lower() not in message.lower()


def test_text_tojson_escapes_is_found(spelling_site):
    """|tojson writes non-ASCII as \\u escapes and &, <, >, ' as \\u0026 etc."""
    listed_ada(
        spelling_site,
        "notes: Café Zoë & Ångström's lab",
        "Ada writes about law and the Café Zoë & Ångström's lab.\n",
    )
    with pytest.raises(PrivacyAuditError):
        spelling_site.build()
    page = spelling_site.page("people/ada-example/index.html")
    (jsonld,) = page.xpath('//script[@type="application/ld+json"]/text()')
    assert "\\u00e9" in jsonld and "\\u0026" in jsonld  # the real |tojson output
    for path in spelling_site.files():
        path.unlink()
    (spelling_site.output / "person.json").write_text(jsonld, encoding="utf-8")
    findings = audit_site(spelling_site.settings())
    assert [str(f) for f in findings] == ["person.json: private.notes of ada-example"]


@pytest.mark.parametrize(
    ("title", "slug", "found"),
    [
        ("Coffee with a founder", "coffee-with-dev-fictional", "name of dev-fictional"),
        ("Coffee with a founder", "coffee-with-zoe-angstrom", "name of zoe-angstrom"),
        (
            "A quiet week",
            "tea-after-the-sheffield-meetup",
            "private.notes of ada-example",
        ),
    ],
)
def test_a_slug_that_keeps_a_name_fails_the_build(spelling_site, title, slug, found):
    spelling_site.post(slug, "Nothing to see.", title=title)
    with pytest.raises(PrivacyAuditError) as caught:
        spelling_site.build()
    message = str(caught.value)
    for path in (f"2015/01/{slug}/index.html", "sitemap.xml", "feeds/all.atom.xml"):
        assert f"{path}: {found}" in message
    assert slug not in message.replace(f"2015/01/{slug}/index.html", "")


def test_a_private_value_the_overlay_replaces_is_still_searched(tiny_site):
    """The overlay's email wins in the merged mapping; the file's own is still private."""
    listed_ada(
        tiny_site,
        """
        email: canary-old-q6@example.net
        log:
          - {date: 2013-04-16, via: coffee, note: Canary file log Q6}
        """,
    )
    tiny_site.overlay(
        "ada-example",
        """
        email: canary-new-q6@example.net
        log:
          - {date: 2014-01-02, via: call, note: Canary overlay log Q6}
        """,
    )
    tiny_site.post("leak", "Old address: canary-old-q6@example.net.")
    with pytest.raises(PrivacyAuditError) as caught:
        tiny_site.build()
    assert "2015/01/leak/index.html: private.email of ada-example" in str(caught.value)
    assert "canary-old-q6" not in str(caught.value)
    people = load_people(tiny_site.people, tiny_site.private)
    texts = {text for _, _, text in collect_secrets(people)}
    assert {
        "canary-old-q6@example.net",
        "canary-new-q6@example.net",
        "Canary file log Q6",
        "Canary overlay log Q6",
    } <= texts


@pytest.fixture
def blurb_site(tiny_site):
    """An unlisted person whose blurb and where are written like ordinary pages."""
    tiny_site.person(
        "dev-fictional",
        """
        name: Dev Fictional
        where: Coffee after the meetup
        listed: false
        """,
        "## About\n\n"
        "- Builds booking tools for Qxtea rooms\n"
        "- *Loves* the Qxpeak district\n\n"
        "> Work\n",
    )
    return tiny_site


@pytest.mark.parametrize(
    "planted",
    ["Builds booking tools for Qxtea rooms", "Loves the Qxpeak district"],
)
def test_only_distinctive_blurb_lines_and_places_are_searched(blurb_site, planted):
    blurb_site.post(
        "about", "About this blog: we had coffee after the meetup. Work, work, work."
    )
    blurb_site.build()
    blurb_site.post("leak", f"Someone I know: {planted.lower()}.")
    with pytest.raises(PrivacyAuditError) as caught:
        blurb_site.build()
    assert {str(f) for f in caught.value.findings if "/leak/" in f.path} == {
        "2015/01/leak/index.html: body of dev-fictional"
    }


def test_a_one_word_place_or_blurb_line_is_not_searched(tiny_site):
    """ "where: London" or a blurb line "Python" names no one, and is on ordinary pages:
    searching it would fail every post about London, one allow entry per person."""
    tiny_site.person(
        "fred-xanadu", "name: Fred Xanadu\nwhere: London\nlisted: false", "Python\n"
    )
    tiny_site.person(
        "gil-yonder", "name: Gil Yonder\nwhere: London\nlisted: false", "Python\n"
    )
    tiny_site.post("london", "I live in London and write Python.")
    tiny_site.build()
    tiny_site.post("leak", "Gil Yonder lives in London.")
    with pytest.raises(PrivacyAuditError) as caught:
        tiny_site.build()
    assert {str(f) for f in caught.value.findings if "/leak/" in f.path} == {
        "2015/01/leak/index.html: name of gil-yonder"
    }


def test_allow_one_exact_string_of_a_field(blurb_site):
    allowed = ("dev-fictional", "body", "Builds booking tools for Qxtea rooms")
    blurb_site.post("tea", "Builds booking tools for Qxtea rooms, the poster said.")
    blurb_site.build(PEOPLE_AUDIT_ALLOW=[allowed])
    blurb_site.post("peak", "Loves the Qxpeak district.")
    with pytest.raises(PrivacyAuditError) as caught:
        blurb_site.build(PEOPLE_AUDIT_ALLOW=[allowed])
    findings = caught.value.findings
    assert {(f.slug, f.field) for f in findings} == {("dev-fictional", "body")}
    pages = {f.path for f in findings}
    assert "2015/01/peak/index.html" in pages
    assert "2015/01/tea/index.html" not in pages


def test_an_allow_entry_that_matches_nothing_is_a_warning_without_its_value(
    blurb_site, caplog
):
    stale = ("dev-fictional", "body", "Canary stale allow Q4")
    blurb_site.build(PEOPLE_AUDIT_ALLOW=[stale, ("dev-fictional", "where")])
    warnings = [
        r.getMessage() for r in caplog.records if "PEOPLE_AUDIT_ALLOW" in r.getMessage()
    ]
    assert warnings == [
        "PEOPLE_AUDIT_ALLOW: the entry for field 'body' of dev-fictional matches no "
        "string the audit searches for; check its slug, field and string, or remove it"
    ]
    assert "Q4" not in warnings[0]


@pytest.mark.parametrize("entry", ["dev-fictional", ("dev-fictional",), ("a", "b", 3)])
def test_a_malformed_allow_entry_is_an_error(blurb_site, entry):
    blurb_site.build()
    with pytest.raises(PeopleError) as caught:
        audit_site(blurb_site.settings(PEOPLE_AUDIT_ALLOW=[entry]))
    assert "PEOPLE_AUDIT_ALLOW, entry 1" in str(caught.value)


def test_a_person_withdrawn_to_the_private_folder_is_still_searched(tiny_site):
    """people.withdraw keeps the whole file, unlisted, in private/people/<slug>.md."""
    tiny_site.private.mkdir(parents=True)
    (tiny_site.private / "dev-withdrawn.md").write_text(
        "---\nname: Canary Withdrawn Q3\nlisted: false\nconsent: 2013-04-20, by email\n"
        "private:\n  notes: Canary withdrawn notes Q3\n---\n",
        encoding="utf-8",
    )
    tiny_site.post("leak", "I had tea with Canary Withdrawn Q3 and heard the notes.")
    with pytest.raises(PrivacyAuditError) as caught:
        tiny_site.build()
    assert "2015/01/leak/index.html: name of dev-withdrawn" in str(caught.value)
    assert not (tiny_site.output / "people" / "dev-withdrawn").exists()


def test_a_withdrawn_file_that_does_not_parse_fails_the_build(tiny_site):
    """It could not be searched for, so nothing may be built without it."""
    tiny_site.private.mkdir(parents=True)
    (tiny_site.private / "dev-withdrawn.md").write_text(
        "---\nname: [unclosed\n---\n", encoding="utf-8"
    )
    with pytest.raises(PeopleError) as caught:
        tiny_site.build(PEOPLE_AUDIT=False)
    assert "dev-withdrawn.md" in str(caught.value)
    with pytest.raises(PeopleError):
        audit_site(tiny_site.settings())


def test_a_file_name_that_keeps_a_name_is_a_finding(canary_built):
    """Path components are text: a file under output/ named after an unlisted person."""
    slugged = "2015/01/coffee-with-canaryname-qxunlisted/index.html"
    (canary_built.output / slugged).parent.mkdir(parents=True)
    (canary_built.output / slugged).write_text("<p>Nothing here.</p>", encoding="utf-8")
    findings = audit_site(canary_built.settings())
    assert [str(f) for f in findings] == [f"{slugged}: name of canary-dev"]


@pytest.mark.parametrize(
    "name", ["Canaryname_Qxunlisted.jpg", "canaryname.qxunlisted.jpg"]
)
def test_a_photo_named_after_an_unlisted_person_is_a_finding(canary_built, name):
    """Cameras and people name photos with underscores or dots between the words."""
    (canary_built.output / "images").mkdir(exist_ok=True)
    (canary_built.output / "images" / name).write_bytes(b"\xff\xd8\xff\xe0")
    findings = audit_site(canary_built.settings())
    assert [str(f) for f in findings] == [f"images/{name}: name of canary-dev"]


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00tEXtAuthor\x00Anna Quux\x00\x91\xfe", True),
        (b"\x89PNG\r\n\x1a\n\x00\x91\xfeAnna Quux\xff\x00", True),
        # Four letters among compressed bytes are a coincidence, not text.
        (b"\x89PNG\r\n\x1a\n\x00\x91\xfeanna\xff\x00quux\x01", False),
    ],
)
def test_a_binary_file_is_read_by_its_text_runs(tmp_path, data, found):
    secrets = [("anna", "name", "Anna"), ("anna", "name", "Anna Quux")]
    (tmp_path / "photo.png").write_bytes(data)
    findings = scan(tmp_path, build_automaton(secrets))
    assert bool(findings) is found


def test_compressed_text_of_a_png_is_read_decompressed(tmp_path):
    """zTXt and compressed iTXt hold a caption or comment as an editor wrote it."""
    import zlib

    secrets = [("anna", "name", "Anna Quux")]
    ztxt = png_chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"Tea with Anna Quux"))
    itxt = png_chunk(b"iTXt", b"Author\0\1\0en\0Author\0" + zlib.compress(b"Anna Quux"))
    for name, data in (("z.png", png_with(ztxt)), ("i.png", png_with(itxt))):
        (tmp_path / name).write_bytes(data)
    findings = scan(tmp_path, build_automaton(secrets))
    assert sorted(f.path for f in findings) == ["i.png", "z.png"]


def test_the_pixels_of_a_png_are_not_read_as_text(tmp_path):
    """Pixels are drawn, not read: a social card's or a photo's IDAT data is skipped
    (whatever bytes it happens to hold), its other chunks are not."""
    secrets = [("anna", "name", "Anna Quux")]
    (tmp_path / "card.png").write_bytes(png_with(pixels=b"Tea with Anna Quux!!"))
    assert scan(tmp_path, build_automaton(secrets)) == []
    (tmp_path / "card.png").write_bytes(
        png_with(png_chunk(b"tEXt", b"Title\0Anna Quux"), pixels=b"\0" * 20)
    )
    assert [f.path for f in scan(tmp_path, build_automaton(secrets))] == ["card.png"]


@pytest.mark.parametrize("count", [51, 53])
def test_the_audit_error_lists_fifty_findings_one_per_line_and_counts_the_rest(count):
    findings = [Finding(f"page-{n:02}.html", "dev-ada", "notes") for n in range(count)]
    message = str(PrivacyAuditError(findings))
    listed = [line for line in message.splitlines() if line.startswith("  - page-")]
    assert listed == [f"  - page-{n:02}.html: notes of dev-ada" for n in range(50)]
    assert f"\n  - and {count - 50} more\n" in message
    assert f"{count} written file(s)" in message


def test_the_audit_error_names_every_finding_when_there_are_fifty():
    findings = [Finding(f"page-{n:02}.html", "dev-ada", "name") for n in range(50)]
    message = str(PrivacyAuditError(findings))
    assert "page-49.html: name of dev-ada" in message
    assert "  - and " not in message


def test_the_audit_error_says_what_failed_and_what_to_do_in_full():
    """The whole message a user reads, for two findings in one file."""
    findings = [
        Finding("posts/tea.html", "dev-ada", "where"),
        Finding("posts/tea.html", "dev-ada", "name"),
    ]
    assert str(PrivacyAuditError(findings)) == (
        "Privacy audit: 1 written file(s) contain private or unlisted contact-log "
        "data (values are not shown):\n"
        "  - posts/tea.html: name of dev-ada\n"
        "  - posts/tea.html: where of dev-ada\n"
        "The build failed so that this output is not deployed. Remove the text from "
        "the source of that page (a post, a template, a public field of another "
        "person); if it is a coincidence, make the field more specific or add "
        '("slug", "field") or ("slug", "field", "the exact string") to '
        "PEOPLE_AUDIT_ALLOW in pelicanconf.py."
    )


@pytest.mark.parametrize("planted", ["Ada 🦜 Parrot Club", "Choir 𝄞 of Ada Example"])
def test_a_secret_that_json_writes_as_a_surrogate_pair_is_found(tmp_path, planted):
    """json.dumps (and |tojson) write a character beyond U+FFFF as two escapes."""
    written = json.dumps({"about": planted})
    assert "\\ud8" in written  # e.g. 🦜 is \ud83e\udd9c
    (tmp_path / "people.json").write_text(written, "utf-8")
    findings = scan(tmp_path, build_automaton([("ada", "private.notes", planted)]))
    assert [str(f) for f in findings] == ["people.json: private.notes of ada"]


@pytest.mark.parametrize("enabled", [True, False])
def test_the_audit_leaves_garbage_collection_as_it_found_it(tiny_site, enabled):
    """The audit pauses the collector; `invoke regenerate` builds again and again in
    one process, which must not be left without it."""
    tiny_site.post("tea", "Tea with a friend.")
    (gc.enable if enabled else gc.disable)()
    try:
        tiny_site.build()
        assert gc.isenabled() is enabled
    finally:
        gc.enable()


@pytest.mark.parametrize(
    ("planted", "written"),
    [
        ('Knows the "Law Bank" crowd', 'Knows the "Law Bank" crowd'),
        ("Tea at the Old Bank, Manchester", "Tea at the Old Bank,\nManchester"),
        ("Tea at the Old Bank, Manchester", "Tea at the Old Bank,\tManchester"),
    ],
    ids=["quote", "newline", "tab"],
)
def test_a_secret_behind_json_escapes_is_found(tmp_path, planted, written):
    """JSON writes " as \\" and a line break or tab as \\n or \\t, read as a space."""
    (tmp_path / "people.json").write_text(json.dumps({"about": written}), "utf-8")
    findings = scan(tmp_path, build_automaton([("ada", "private.notes", planted)]))
    assert [str(f) for f in findings] == ["people.json: private.notes of ada"]


def test_a_secret_with_a_tab_is_found_where_a_page_shows_a_space(tmp_path):
    """A value pasted from a spreadsheet keeps its tab; a browser shows a space."""
    (tmp_path / "index.html").write_text(
        "<p>We met at Old Bank Manchester.</p>", "utf-8"
    )
    secrets = [("ada", "where", "Old Bank\tManchester")]
    findings = scan(tmp_path, build_automaton(secrets))
    assert [str(f) for f in findings] == ["index.html: where of ada"]
