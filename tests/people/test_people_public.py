"""The public projection: an allowlist, and blurbs sanitised with nh3."""

import dataclasses

import lxml.html
import pytest
from markupsafe import Markup

from pelican.plugins.rapport_people.model import read_person
from pelican.plugins.rapport_people.public import (
    PublicPerson,
    project,
    render_blurb,
    summarise,
)

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
    "slug", "url", "name", "twitter", "bluesky", "mastodon", "website", "met", "where", "tags", "rel",
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


def test_links_and_rel_as_the_person_page_prints_them(ada):
    public = project(ada, "people/ada-example/")
    assert public.twitter_url == "https://x.com/adaexample"
    assert public.website_label == "ada.example"
    assert public.rel_value == "met friend"


@pytest.mark.parametrize(
    ("website", "label"),
    [
        ("https://www.ada.example/", "ada.example"),
        ("http://ada.example/blog/", "ada.example/blog"),
        ("https://wwwada.example/", "wwwada.example"),
        ("https://ada.example/www.old/", "ada.example/www.old"),
    ],
)
def test_website_link_text_drops_only_scheme_www_and_the_last_slash(
    person_file, website, label
):
    front = f"name: Ada\nwebsite: {website}\nlisted: true\nconsent: 2013-04-20"
    public = project(read_person(person_file("ada", front)), "people/ada/")
    assert public.website_label == label


def test_a_person_with_only_a_name_has_no_links_and_a_bare_jsonld(person_file):
    front = "name: Ada Example\nlisted: true\nconsent: 2013-04-20"
    public = project(read_person(person_file("ada", front)), "people/ada/")
    assert (public.twitter_url, public.website_label, public.summary) == (
        None,
        None,
        "",
    )
    assert public.blurb == Markup("")
    assert public.jsonld() == {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": "Ada Example",
        "url": "/people/ada/",
    }


@pytest.mark.parametrize(
    ("blurb", "limit", "summary"),
    [
        ("Ada writes.", 11, "Ada writes."),  # exactly the limit: whole, no ellipsis
        ("Ada writes about law.", 11, "Ada writes…"),  # the cut falls on a space
        ("Ada writes about law.", 15, "Ada writes…"),  # the cut falls inside a word
        ("Ada writes, about law.", 12, "Ada writes…"),  # no comma before the ellipsis
        ("Ada reads TAX law.", 14, "Ada reads TAX…"),  # the last word is kept whole
        ("First  para\nline.\n\nSecond para.", 100, "First para line."),
    ],
)
def test_summary_is_the_first_paragraph_cut_at_a_word(blurb, limit, summary):
    assert summarise(render_blurb(blurb), limit) == summary


def test_a_blurb_of_blank_lines_renders_to_nothing():
    assert render_blurb("  \n\n ") == Markup("")


def test_a_blurb_keeps_only_the_attributes_and_link_schemes_it_allows():
    rendered = render_blurb(
        '<blockquote cite="https://tracker.example/q">Quoted</blockquote>\n\n'
        '<ol start="3"><li>third</li></ol>\n\n'
        "[files](ftp://ada.example/) and [call](tel:+441234567890)"
    )
    tree = lxml.html.fragment_fromstring(f"<div>{rendered}</div>")
    assert tree.find(".//blockquote").get("cite") is None
    assert tree.find(".//ol").get("start") is None
    links = tree.findall(".//a")
    assert [link.text for link in links] == ["files", "call"]
    assert [link.get("href") for link in links] == [None, None]


def test_the_projection_keeps_the_persons_slug_and_url(ada):
    public = project(ada, "people/ada-example/")
    assert (public.slug, public.url) == ("ada-example", "people/ada-example/")


def test_directory_figures_count_listed_people_and_their_meetings(person_file):
    from pelican.plugins.rapport_people.public import (
        DirectoryFigures,
        directory_figures,
    )

    def listed(slug, met=""):
        front = f"name: {slug}\nlisted: true\nconsent: by email\n{met}"
        return project(read_person(person_file(slug, front)), f"people/{slug}/")

    people = [listed("ada", "met: 2015-06"), listed("bo"), listed("cy", "met: 2013")]
    assert directory_figures(people) == DirectoryFigures(listed=3, met=2, since=2013)
    assert directory_figures([listed("di")]) == DirectoryFigures(1, 0, None)
    assert directory_figures([]) == DirectoryFigures(0, 0, None)
