"""Every internal link and asset of the built sample site resolves to a written file."""

import re

import lxml.etree
import pytest

pytestmark = pytest.mark.slow

ATOM = "{http://www.w3.org/2005/Atom}"
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)|@import\s+(['"])([^'"]+)\3""")


def css_urls(text):
    for match in CSS_URL.finditer(text):
        yield match.group(2) or match.group(4)


def published_html(site):
    """HTML files but local draft previews, which are never published."""
    return [p for p in site.html_files() if not site.rel(p).startswith("drafts/")]


def test_every_internal_link_and_asset_resolves(sample_site):
    broken = []
    checked = 0
    for page in published_html(sample_site):
        base = sample_site.url_of(page)
        for el, attr, value in sample_site.internal_references(page):
            target = sample_site.file_for(value, base)
            checked += 1
            if not target.is_file():
                broken.append(f"{sample_site.rel(page)}: <{el.tag} {attr}={value!r}>")
    assert checked > 100, f"only {checked} internal links found; is the parser right?"
    assert not broken, "links to files that were not written:\n" + "\n".join(broken)


def test_every_fragment_points_at_an_element_that_exists(sample_site):
    broken = []
    for page in published_html(sample_site):
        base = sample_site.url_of(page)
        for _, _, value in sample_site.internal_references(page):
            if "#" not in value:
                continue
            fragment = value.split("#", 1)[1]
            target = sample_site.file_for(value, base)
            if (
                fragment
                and target.suffix == ".html"
                and target.is_file()
                and fragment not in sample_site.ids(target)
            ):
                broken.append(f"{sample_site.rel(page)}: {value}")
    assert not broken, "fragments with no matching id:\n" + "\n".join(broken)


def test_the_skip_link_targets_main_on_every_page(sample_site):
    for page in sample_site.html_files():
        tree = sample_site.tree(page)
        first_link = tree.xpath("//body//a")[0]
        assert first_link.get("href") == "#main", sample_site.rel(page)
        assert tree.xpath("//main[@id='main']"), sample_site.rel(page)


def test_css_urls_resolve(sample_site):
    sheets = [p for p in sample_site.files() if p.suffix == ".css"]
    assert sheets
    for sheet in sheets:
        base = sample_site.url_of(sheet)
        for url in css_urls(sheet.read_text(encoding="utf-8")):
            if url.startswith("data:"):
                continue
            target = sample_site.file_for(url, base)
            assert target is not None, (
                f"{sample_site.rel(sheet)} loads {url} from elsewhere"
            )
            assert target.is_file(), f"{sample_site.rel(sheet)}: {url} was not written"


def test_feed_entries_link_to_written_pages(sample_site, open_site, repo_root):
    from pelican.settings import read_settings

    feed_domain = read_settings(str(repo_root / "pelicanconf.py"))["FEED_DOMAIN"]
    site = open_site(sample_site.output, feed_domain)
    feeds = [p for p in sample_site.files() if sample_site.rel(p).startswith("feeds/")]
    assert feeds
    for feed in feeds:
        root = lxml.etree.parse(str(feed)).getroot()
        links = [
            link.get("href")
            for entry in root.iter(f"{ATOM}entry")
            for link in entry.iter(f"{ATOM}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        assert links, f"{sample_site.rel(feed)} has entries without links"
        for href in links:
            # Local feeds: Pelican writes entry links against SITEURL (""), so they
            # come out root-relative; the publish build asserts absolute ones.
            target = site.file_for(href, feed_domain + "/")
            assert target is not None and target.is_file(), (
                f"{sample_site.rel(feed)}: {href} has no page"
            )


def test_the_css_linked_by_pages_is_the_theme_stylesheet(sample_site):
    tree = sample_site.tree(sample_site.output / "index.html")
    sheets = tree.xpath("//link[@rel='stylesheet']/@href")
    assert "/theme/css/main.css" in sheets
    assert "--fg" in sample_site.text("theme/css/main.css")
