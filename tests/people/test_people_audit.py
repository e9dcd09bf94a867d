"""The privacy audit: canaries in every private and unlisted field never reach output/,
and any that do fail the build, naming the file and the field but never the value."""

import gzip
import html
import json
import xml.sax.saxutils

import jinja2.utils
import markupsafe
import pytest

from rapport_people.audit import (
    PrivacyAuditError,
    audit_site,
    build_automaton,
    collect_secrets,
    matches,
    scan,
)
from rapport_people.model import load_people

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


@pytest.fixture
def canary_site(tiny_site):
    u, lp = UNLISTED, LISTED_PRIVATE
    tiny_site.person(
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
    tiny_site.overlay("canary-dev", f"notes_more: {u['overlay']}\n")
    tiny_site.person(
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
    tiny_site.overlay("ada-example", f"extra: {lp['overlay']}\n")
    tiny_site.overlay("gone-person", f"notes: {ORPHAN}\n")
    # Vocabulary and an unlisted @handle may appear in public text: not audited.
    tiny_site.post(
        "coffee",
        "Coffee on 2012-03-08 with @canaryhandle, every 30d. Tags: startups.",
    )
    return tiny_site


def all_canaries():
    return [*UNLISTED.values(), *LISTED_PRIVATE.values(), ORPHAN, "Q7", "Q8", "Q9"]


def test_no_canary_in_any_written_file(canary_site):
    canary_site.build()
    files = canary_site.files()
    assert any(canary_site.rel(p) == "people/ada-example/index.html" for p in files)
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
            assert canary.lower() not in text, (canary_site.rel(path), canary)
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
def test_escaped_forms_are_found(canary_site, encode):
    canary_site.build()
    notes = LISTED_PRIVATE["notes"]
    (canary_site.output / "leak.json").write_text(
        '{"x": "' + encode(notes) + '"}', encoding="utf-8"
    )
    findings = audit_site(canary_site.settings())
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
        ("<p>first line\nof the note</p>", False),  # wrapped text is another string
        ("<p>nothing here</p>", False),
    ],
)
def test_scan_finds_each_line_of_a_secret_in_any_ascii_case(tmp_path, written, found):
    secrets = [("zoe", "private.notes", "first line of the note\nsecond line, shouted"),
               ("zoe", "name", "Zoë Ärger-Straße")]  # fmt: skip
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(written, encoding="utf-8")
    (tmp_path / "b.html").write_text("<p>an innocent page</p>", encoding="utf-8")
    findings = scan(tmp_path, build_automaton(secrets))
    assert bool(findings) is found
    assert all(f.path == "a/index.html" for f in findings)


def test_a_long_secret_counts_only_when_it_appears_whole():
    note = "Knows everyone in the northern legal tech scene, and their dogs."
    automaton = build_automaton([("ada", "private.notes", note)], min_length=4)
    shared_start = "knows everyone in the northern legal tech scene, but not me."
    assert list(matches(automaton, shared_start)) == []
    assert list(matches(automaton, "<p>" + note.lower() + "</p>")) == [
        (("ada", "private.notes"),)
    ]
