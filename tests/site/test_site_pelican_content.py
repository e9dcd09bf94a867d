"""The theme on Pelican's own test content: summaries on listing pages, translations
(`Lang:`), posts without a body, and `invoke check` passing on all of it.

The site is built with pelicanconf.py from files of the installed Pelican's test content
(pelican/tests/content/), plus posts in the shape of Pelican's sample content
(samples/content/, not shipped in the package): a post and its French translation with
the same slug, two posts that both open with "## Background" and no `Summary:`, a post
with a table of contents and a footnote, and one with an empty body.
"""

import shutil
from pathlib import Path

import lxml.etree
import pelican
import pytest

from pelican.plugins.rapport_site.filters import language_name, listing_summary

pytestmark = pytest.mark.slow

PELICAN_CONTENT = Path(pelican.__file__).parent / "tests" / "content"
# Files of Pelican's test content that build with our settings (a date of their own;
# of the five "This is a super article!" files, which share a slug, only one).
PELICAN_FILES = [
    "2012-11-29_rst_w_filename_meta#foo-bar.rst",
    "TestCategory/article_with_category.rst",
    "article_draft.md",
    "article_hidden.md",
    "article_skip.md",
    "article_with_duplicate_tags_authors.md",
    "article_with_markdown_and_footnote.md",
    "article_with_markdown_and_nested_metadata.md",
    "article_with_markdown_and_nonascii_summary.md",
    "article_with_markdown_and_summary_metadata_multi.md",
    "article_with_markdown_and_summary_metadata_single.md",
    "article_with_md_extension.md",
    "article_with_metadata.rst",
    "article_with_multiple_authors.rst",
    "article_with_multiple_authors_list.rst",
    "article_with_multiple_authors_semicolon.rst",
]

# In the shape of Pelican's samples/content/article2.rst and article2-fr.rst.
OWN_FILES = {
    "article2.rst": """\
Second article
##############

:tags: foo, bar, baz
:date: 2012-02-29
:slug: second-article

This is some article, in english.
""",
    "article2-fr.rst": """\
Deuxième article
################

:tags: foo, bar, baz
:date: 2012-02-29
:lang: fr
:slug: second-article

Ceci est un article, en français.
""",
    # A translation whose category and tag no original has: they have no page.
    "voyage-fr.rst": """\
Trop bien !
###########

:date: 2010-10-20 10:14
:lang: fr
:slug: oh-yeah
:category: Voyages
:tags: vacances

Et voilà du contenu en français.
""",
    "voyage.rst": """\
Oh yeah !
#########

:date: 2010-10-20 10:14
:slug: oh-yeah
:tags: oh, bar

Why not ?
=========

After all, why not ? It's pretty simple to do it.
""",
    "first.md": "Title: First\nDate: 2013-01-01 10:00\n\n## Background\n\nOne.\n",
    "second.md": "Title: Second\nDate: 2013-01-02 10:00\n\n## Background\n\nTwo.\n",
    "third.md": """\
Title: Third
Date: 2013-01-03 10:00

[TOC]

## Context

Some text[^1], see [the context](#context).

[^1]: A short footnote.
""",
    "empty.md": "Title: Nothing to say\nDate: 2012-03-01\n",
}

THIRD = "2013/01/third/"
ORIGINAL = "2012/02/second-article/index.html"
TRANSLATION = "2012/02/second-article-fr/index.html"
LISTINGS = [
    "index.html",
    "author/sam-sample/index.html",
    "category/networking/index.html",
]
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def site(tmp_path_factory, repo_root, subprocess_build, open_site):
    root = tmp_path_factory.mktemp("pelican-content")
    content = root / "content"
    posts = content / "posts"
    for name in PELICAN_FILES:
        (posts / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PELICAN_CONTENT / name, posts / name)
    for name, text in OWN_FILES.items():
        (posts / name).write_text(text, encoding="utf-8")
    # What every page links to: the owner's page (OWNER_URL) and the favicon.
    (content / "pages").mkdir()
    shutil.copyfile(repo_root / "content/pages/about.md", content / "pages/about.md")
    (content / "extra").mkdir()
    shutil.copyfile(
        repo_root / "content/extra/favicon.svg", content / "extra/favicon.svg"
    )
    overrides = {
        "PATH": str(content),
        "OUTPUT_PATH": str(root / "output"),
        "CACHE_PATH": str(root / "cache"),
    }
    result, _ = subprocess_build(repo_root / "pelicanconf.py", overrides)
    assert result.returncode == 0, result.stdout + result.stderr
    built = open_site(root / "output")
    built.overrides = overrides
    return built


def _tree(site, rel):
    return site.tree(site.output / rel)


def test_invoke_check_passes_on_pelican_test_content(site, repo_root):
    from pelican.settings import read_settings

    from pelican.plugins.rapport_site.check import run_checks
    from pelican.plugins.rapport_site.check_html5 import java_version

    settings = read_settings(str(repo_root / "pelicanconf.py"), override=site.overrides)
    skip = () if (java_version() or 0) >= 17 else ("html5",)
    report = run_checks(site.output, settings, skip=skip)
    assert report.findings == [], "\n".join(
        f"{f.check} {f.file}:{f.line} {f.problem}" for f in report.findings
    )
    assert report.ok


# --- summaries on listing pages (issue 10, item 17) ------------------------------


@pytest.mark.parametrize("listing", LISTINGS)
def test_summaries_opening_with_the_same_heading_leave_no_duplicate_id(site, listing):
    tree = _tree(site, listing)
    summaries = tree.xpath("//*[contains(@class, 'p-summary')]")
    assert [s for s in summaries if s.xpath(".//h2[.='Background']")], listing
    ids = [el.get("id") for el in tree.iter() if el.get("id")]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert not [s for s in summaries if s.xpath(".//*[@id]")]


def test_in_page_links_of_a_summary_lead_to_the_post(site):
    tree = _tree(site, "index.html")
    (summary,) = tree.xpath(f"//article[.//a[@href='/{THIRD}']]//*[@class='p-summary']")
    hrefs = sorted({a.get("href") for a in summary.iter("a")})
    assert hrefs == [f"/{THIRD}#context", f"/{THIRD}#fn:1", f"/{THIRD}#fnref:1"]
    post_ids = site.ids(site.output / THIRD / "index.html")
    assert {"context", "fn:1", "fnref:1"} <= post_ids


# --- translations and empty posts (issue 10, item 18) ----------------------------


def test_a_translation_page_is_in_its_language_and_the_site_chrome_in_english(site):
    tree = _tree(site, TRANSLATION)
    assert tree.get("lang") == "fr"
    assert tree.xpath("//header[@class='site-header']/@lang") == ["en"]
    assert tree.xpath("//footer[@class='site-footer']/@lang") == ["en"]
    assert _tree(site, ORIGINAL).get("lang") == "en"


@pytest.mark.parametrize(
    ("page", "other", "name"),
    [(ORIGINAL, TRANSLATION, "Français"), (TRANSLATION, ORIGINAL, "English")],
)
def test_a_post_and_its_translation_link_to_each_other(site, page, other, name):
    tree = _tree(site, page)
    alternates = {
        link.get("hreflang"): link.get("href")
        for link in tree.xpath("//head/link[@rel='alternate'][@hreflang]")
    }
    assert alternates == {
        "en": f"/{ORIGINAL[: -len('index.html')]}",
        "fr": f"/{TRANSLATION[: -len('index.html')]}",
    }
    (visible,) = tree.xpath("//main//*[@class='translations']")
    assert " ".join(visible.text_content().split()) == f"Also in: {name}"
    (link,) = visible.xpath(".//a")
    assert link.get("href") == f"/{other[: -len('index.html')]}"
    assert (
        link.get("lang")
        == link.get("hreflang")
        == ("en" if page == TRANSLATION else "fr")
    )
    untranslated = _tree(site, f"{THIRD}index.html")
    assert not untranslated.xpath("//link[@hreflang] | //*[@class='translations']")


def test_terms_only_a_translation_has_are_shown_without_a_link(site):
    tree = _tree(site, "2010/10/oh-yeah-fr/index.html")
    assert [s.text for s in tree.xpath("//span[@class='p-category']")] == [
        "Voyages",
        "vacances",
    ]
    hrefs = [a.get("href") for a in tree.iter("a")]
    assert not [h for h in hrefs if "voyages" in h or "vacances" in h]
    assert not (site.output / "category/voyages").exists()


def test_translations_are_in_the_sitemap_with_their_alternates(site):
    root = lxml.etree.parse(str(site.output / "sitemap.xml")).getroot()
    urls = {u.findtext(f"{SITEMAP}loc"): u for u in root.iter(f"{SITEMAP}url")}
    versions = {"en": "/2012/02/second-article/", "fr": "/2012/02/second-article-fr/"}
    for loc in versions.values():
        alternates = {
            link.get("hreflang"): link.get("href")
            for link in urls[loc].iter(f"{XHTML}link")
        }
        assert alternates == versions
    assert not list(urls[f"/{THIRD}"].iter(f"{XHTML}link"))


def test_a_post_with_an_empty_body_is_described_by_the_site_description(
    site, repo_root
):
    from pelican.settings import read_settings

    settings = read_settings(str(repo_root / "pelicanconf.py"))
    tree = _tree(site, "2012/03/nothing-to-say/index.html")
    for xpath in ("//meta[@name='description']", "//meta[@property='og:description']"):
        (meta,) = tree.xpath(xpath)
        assert meta.get("content") == settings["SITEDESCRIPTION"]


# --- the filters, on their own ---------------------------------------------------


def test_listing_summary_changes_only_ids_and_in_page_links():
    html = (
        '<h2 id="a">A &amp; B</h2><!-- note --><p class="x">Text&nbsp;&#8212; '
        '<a href="#a">up</a> <a href="/elsewhere/#a">there</a> <a href="#">top</a>'
        '<br/><label for="a">L</label><input disabled></p>'
    )
    assert listing_summary(html, "/2013/01/post/") == (
        '<h2>A &amp; B</h2><!-- note --><p class="x">Text&nbsp;&#8212; '
        '<a href="/2013/01/post/#a">up</a> <a href="/elsewhere/#a">there</a> '
        '<a href="/2013/01/post/">top</a><br/><label>L</label><input disabled></p>'
    )


def test_language_name_is_the_languages_own_name():
    assert language_name("fr") == "Français"
    assert language_name("ja") == "日本語"
    assert language_name("pt-br") == "Português (Brasil)"
    assert language_name("x-unknown") == "x-unknown"
