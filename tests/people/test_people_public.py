"""The public projection: an allowlist, and blurbs sanitised with nh3."""

import dataclasses

import lxml.html
import pytest
from markupsafe import Markup

from rapport_people.model import read_person
from rapport_people.public import PublicPerson, project, render_blurb, summarise

LISTED = """
    name: Ada Example
    twitter: adaexample
    website: https://ada.example/
    met: 2013-04
    where: Coffee in Manchester
    tags: [law]
    rel: [met, friend]
    highlights: [101]
    listed: true
    consent: CANARY-CONSENT 2013-04-20
    private:
      email: canary-email@example.com
      notes: CANARY-NOTES
      log:
        - {date: 2013-04-02, via: coffee, note: CANARY-LOG}
"""

ALLOWED = {
    "slug", "url", "name", "twitter", "website", "met", "where", "tags", "rel",
    "highlights", "blurb", "summary", "last_talked", "avatar_url", "tag_links",
    "photo",
}  # fmt: skip


def values(obj):
    """Every value reachable from a dataclass, as text."""
    return " ".join(str(v) for v in dataclasses.asdict(obj).values())


@pytest.fixture
def ada(person_file):
    return read_person(person_file("ada-example", LISTED, "Ada *writes* about law.\n"))


def test_projection_holds_the_allowlist_only(ada):
    public = project(ada, "people/ada-example/")
    assert {f.name for f in dataclasses.fields(PublicPerson)} == ALLOWED
    text = values(public) + repr(public)
    for secret in ("CANARY-CONSENT", "canary-email", "CANARY-NOTES", "CANARY-LOG"):
        assert secret not in text
    assert public.name == "Ada Example"
    assert public.met.iso == "2013-04"
    assert public.url == "people/ada-example/"


def test_a_raw_field_added_to_a_person_never_reaches_the_projection(ada):
    object.__setattr__(ada, "phone", "CANARY-PHONE")  # as if the model grew a field
    public = project(ada, "people/ada-example/")
    assert not hasattr(public, "phone")
    assert "CANARY-PHONE" not in values(public)


def test_projection_is_frozen(ada):
    public = project(ada, "people/ada-example/")
    with pytest.raises(dataclasses.FrozenInstanceError):
        public.name = "Someone else"


def test_unlisted_people_have_no_projection(person_file):
    dev = read_person(person_file("dev", "name: Dev"))
    with pytest.raises(ValueError, match="unlisted person has no public projection"):
        project(dev, "people/dev/")


def test_blurb_is_rendered_markdown_as_markup(ada):
    public = project(ada, "people/ada-example/")
    assert isinstance(public.blurb, Markup)
    assert public.blurb == Markup("<p>Ada <em>writes</em> about law.</p>")
    assert public.summary == "Ada writes about law."


HOSTILE_BLURBS = [
    "<script>alert(1)</script>Hello",
    '<img src="https://tracker.example/x.gif" onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    '<iframe src="https://evil.example/"></iframe>',
    '<p onclick="alert(1)" style="color:red">styled</p>',
    '<svg onload="alert(1)"><circle/></svg>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">data</a>',
    "<style>body{display:none}</style>",
    "<!-- a comment --><object data='x'></object>",
]


@pytest.mark.parametrize("blurb", HOSTILE_BLURBS)
def test_hostile_blurbs_are_sanitised(blurb):
    rendered = render_blurb(blurb)
    tree = lxml.html.fragment_fromstring(f"<div>{rendered}</div>")
    for element in tree.iter():
        assert element.tag not in {"script", "iframe", "img", "style", "svg", "object"}
        for name, value in element.attrib.items():
            assert not name.startswith("on")
            assert name != "style"
            if name == "href":
                assert value.split(":", 1)[0] in ("https", "http", "mailto")
    assert "<!--" not in str(rendered)


def test_safe_links_survive_with_rel():
    rendered = render_blurb("See [her site](https://ada.example/).")
    link = lxml.html.fragment_fromstring(str(rendered)).find(".//a")
    assert link.get("href") == "https://ada.example/"
    assert set(link.get("rel").split()) == {"nofollow", "noopener", "noreferrer"}


def test_summary_cuts_at_a_word():
    blurb = render_blurb("word " * 100)
    summary = summarise(blurb, 30)
    assert summary == "word word word word word word…"
    assert len(summary) <= 30


def test_jsonld_person(ada):
    data = project(ada, "people/ada-example/").jsonld("https://sam.example")
    assert data == {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": "Ada Example",
        "url": "https://sam.example/people/ada-example/",
        "sameAs": ["https://ada.example/", "https://x.com/adaexample"],
        "description": "Ada writes about law.",
        "knowsAbout": ["law"],
    }
