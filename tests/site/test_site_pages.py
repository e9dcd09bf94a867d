"""The sample site has every kind of page a blog needs, each a well-formed page."""

import lxml.etree
import pytest

pytestmark = pytest.mark.slow

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def expected_files(content):
    """Every file the sample content must produce, predicted from content/ alone."""
    slugify = content.slugify
    posts = content.published_posts()
    assert posts, "content/posts has no published post to test with"
    files = {
        "index.html",
        "404.html",
        "archives/index.html",
        "tags/index.html",
        "categories/index.html",
        "authors/index.html",
        "author/sam-sample/index.html",
        "feeds/all.atom.xml",
        "sitemap.xml",
        "robots.txt",
        "favicon.svg",
        "theme/css/main.css",
    }
    for post in posts:
        files.add(post.article_url + "index.html")
        files.add(f"category/{slugify(post.category)}/index.html")
        files.add(f"feeds/category/{slugify(post.category)}.atom.xml")
        for tag in post.tags:
            files.add(f"tag/{slugify(tag)}/index.html")
            files.add(f"feeds/tag/{slugify(tag)}.atom.xml")
    for page in content.published_pages():
        files.add(f"pages/{page.slug}/index.html")
    return sorted(files)


def test_every_page_type_is_written(sample_site, sample_content):
    expected = expected_files(sample_content)
    missing = [rel for rel in expected if not (sample_site.output / rel).is_file()]
    empty = [
        rel
        for rel in expected
        if rel not in missing and not (sample_site.output / rel).stat().st_size
    ]
    assert not missing, f"not written: {missing}"
    assert not empty, f"empty: {empty}"


def test_every_html_page_is_a_complete_document(sample_site):
    problems = []
    for page in sample_site.html_files():
        tree = sample_site.tree(page)
        rel = sample_site.rel(page)
        title = tree.findtext(".//title") or ""
        if not title.strip():
            problems.append(f"{rel}: empty <title>")
        if not tree.get("lang"):
            problems.append(f"{rel}: <html> has no lang")
        if len(tree.findall(".//main")) != 1:
            problems.append(f"{rel}: not exactly one <main>")
        if len(tree.findall(".//h1")) != 1:
            problems.append(f"{rel}: {len(tree.findall('.//h1'))} <h1> elements")
        if not tree.xpath("//link[@rel='canonical']/@href"):
            problems.append(f"{rel}: no canonical link")
        if not tree.xpath("//meta[@name='description']/@content"):
            problems.append(f"{rel}: no meta description")
    assert not problems, "\n".join(problems)


def test_article_pages_show_the_post_as_an_h_entry(sample_site, sample_content):
    for post in sample_content.published_posts():
        tree = sample_site.tree(sample_site.output / post.article_url / "index.html")
        entry = tree.xpath("//*[contains(concat(' ', @class, ' '), ' h-entry ')]")
        assert entry, f"{post.article_url} has no h-entry"
        assert (
            entry[0].xpath(".//*[contains(@class, 'p-name')]")[0].text_content().strip()
            == post.title.strip()
        )
        assert entry[0].xpath(".//*[contains(@class, 'e-content')]")
        assert tree.xpath("//meta[@property='og:type']/@content") == ["article"]


def test_the_home_page_lists_the_newest_posts_first(sample_site, sample_content):
    tree = sample_site.tree(sample_site.output / "index.html")
    listed = [
        a.get("href").strip("/")
        for a in tree.xpath(
            "//*[contains(@class,'h-entry')]//a[contains(@class,'u-url')]"
        )
    ]
    newest = sorted(
        sample_content.published_posts(), key=lambda p: p.date, reverse=True
    )
    expected = [p.article_url.strip("/") for p in newest][: len(listed)]
    assert listed and listed == expected


def test_feeds_and_sitemap_parse_as_xml(sample_site):
    xml_files = [p for p in sample_site.files() if p.suffix == ".xml"]
    assert len(xml_files) >= 3
    for path in xml_files:
        root = lxml.etree.parse(str(path)).getroot()
        rel = sample_site.rel(path)
        if rel.startswith("feeds/"):
            assert root.tag == f"{ATOM}feed", rel
            assert root.findall(f"{ATOM}entry"), f"{rel} has no entries"
        elif rel == "sitemap.xml":
            assert root.tag == f"{SITEMAP}urlset"


def test_the_main_feed_has_every_published_post_and_no_draft(
    sample_site, sample_content
):
    root = lxml.etree.parse(str(sample_site.output / "feeds/all.atom.xml")).getroot()
    titles = [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]
    assert sorted(titles) == sorted(p.title for p in sample_content.published_posts())
    for draft in sample_content.draft_posts():
        assert draft.title not in titles


def test_the_sitemap_lists_every_article_and_only_existing_pages(
    sample_site, sample_content
):
    locs = sample_site.sitemap_locs()
    assert len(locs) == len(set(locs)), "the sitemap lists a page twice"
    for post in sample_content.published_posts():
        assert f"/{post.article_url}" in locs, (
            f"{post.article_url} is not in the sitemap"
        )
    for loc in locs:
        target = sample_site.file_for(loc)
        assert target is not None and target.is_file(), f"sitemap lists {loc}: no file"
    for draft in sample_content.draft_posts():
        assert not any(draft.slug in loc for loc in locs)


def test_robots_txt_points_at_the_sitemap(sample_site):
    lines = sample_site.text("robots.txt").splitlines()
    assert "User-agent: *" in lines
    sitemap = [
        line.split(":", 1)[1].strip() for line in lines if line.startswith("Sitemap:")
    ]
    assert sitemap == ["/sitemap.xml"]


# Written but deliberately not linked: the 404 page is served for missing URLs, and a
# one-author blog has no use for a link to the list of authors.
UNLINKED = {"404.html"}


def test_every_page_is_reachable_from_the_home_page(sample_site):
    """No orphans: a crawl from index.html reaches every page but UNLINKED and drafts."""
    seen, queue = set(), [sample_site.output / "index.html"]
    while queue:
        page = queue.pop()
        if page in seen or not page.is_file() or page.suffix != ".html":
            continue
        seen.add(page)
        for value, _ in sample_site.link_graph[page]:
            queue.append(sample_site.file_for(value, sample_site.url_of(page)))
    orphans = [
        sample_site.rel(p)
        for p in sample_site.html_files()
        if p not in seen
        and sample_site.rel(p) not in UNLINKED
        and not sample_site.rel(p).startswith("drafts/")
    ]
    assert not orphans, f"pages no link leads to: {orphans}"


def test_drafts_are_previewable_locally_but_nowhere_linked(sample_site, sample_content):
    drafts = sample_content.draft_posts()
    assert drafts, "the sample content should hold a draft to test with"
    for draft in drafts:
        assert (sample_site.output / "drafts" / draft.slug / "index.html").is_file()
    for page in sample_site.html_files():
        if sample_site.rel(page).startswith("drafts/"):
            continue
        for value, _ in sample_site.link_graph[page]:
            assert "/drafts/" not in value, f"{sample_site.rel(page)} links to {value}"


# --- pages other plugins add: these start running when the pages exist ------------


def _require(site, rel, what):
    if not (site.output / rel).is_file():
        pytest.skip(f"{what} ({rel}) not built yet: its plugin is not in PLUGINS")


def _nav_targets(site):
    tree = site.tree(site.output / "index.html")
    return {a.get("href") for a in tree.xpath("//nav//a")}


def _person_pages(site):
    return [
        p for p in site.pages_under("people/") if site.rel(p) != "people/index.html"
    ]


def test_people_directory_is_in_nav(sample_site):
    _require(sample_site, "people/index.html", "the people directory")
    assert "/people/" in _nav_targets(sample_site)
    tree = sample_site.tree(sample_site.output / "people/index.html")
    links = {
        a.get("href")
        for a in tree.xpath("//main//a")
        if a.get("href", "").startswith("/people/")
    }
    assert links - {"/people/"}, "the directory links to no person page"


def test_every_person_page_is_linked_and_carries_an_h_card(sample_site):
    _require(sample_site, "people/index.html", "the people directory")
    persons = _person_pages(sample_site)
    assert persons, "no person page was written under people/<slug>/"
    directory = sample_site.tree(sample_site.output / "people/index.html")
    linked = {a.get("href") for a in directory.xpath("//a")}
    for page in persons:
        rel = sample_site.rel(page)
        assert "/" + rel.removesuffix("index.html") in linked, f"{rel}: not in people/"
        tree = sample_site.tree(page)
        assert tree.xpath("//*[contains(concat(' ', @class, ' '), ' h-card ')]"), rel


def test_people_pages_are_in_the_sitemap(sample_site):
    _require(sample_site, "people/index.html", "the people directory")
    locs = sample_site.sitemap_locs()
    assert "/people/" in locs
    for page in _person_pages(sample_site):
        assert "/" + sample_site.rel(page).removesuffix("index.html") in locs


def test_twitter_highlights_page_is_in_the_sitemap(sample_site):
    _require(sample_site, "twitter/index.html", "the tweet highlights page")
    assert "/twitter/" in sample_site.sitemap_locs()


def test_twitter_highlights_page_is_in_nav_and_shows_cards(sample_site):
    _require(sample_site, "twitter/index.html", "the tweet highlights page")
    assert "/twitter/" in _nav_targets(sample_site)
    tree = sample_site.tree(sample_site.output / "twitter/index.html")
    cards = tree.xpath("//main//*[contains(@class, 'tweet')]")
    assert cards, "the highlights page shows no tweet card"


def test_the_2015_post_shows_its_tweet_as_a_static_card(sample_site, sample_content):
    _require(sample_site, "twitter/index.html", "the tweets plugin output")
    post = next(p for p in sample_content.published_posts() if p.date.year == 2015)
    tree = sample_site.tree(sample_site.output / post.article_url / "index.html")
    content = tree.xpath("//*[contains(@class, 'e-content')]")[0]
    assert content.xpath(".//*[contains(@class, 'tweet')]"), "no tweet card in the post"
    bare = [
        p.text_content().strip()
        for p in content.iter("p")
        if p.text_content()
        .strip()
        .startswith(("https://x.com/", "https://twitter.com/"))
        and len(p) <= 1
        and "/status/" in p.text_content()
    ]
    assert not bare, f"tweet URLs left as bare paragraphs: {bare}"
    assert not content.xpath(".//iframe | .//script")


@pytest.mark.parametrize(
    ("path", "title", "term_prefix"),
    [
        ("tags/index.html", "Tags", "/tag/"),
        ("categories/index.html", "Categories", "/category/"),
        ("authors/index.html", "Authors", "/author/"),
    ],
)
def test_term_index_pages_share_one_layout(sample_site, path, title, term_prefix):
    """tags, categories and authors: one partial (partials/term_index.html)."""
    tree = sample_site.tree(sample_site.output / path)
    assert tree.xpath("string(//main/h1)") == title
    assert tree.xpath("string(//title)") == f"{title} · Sam Sample"
    links = tree.xpath('//main/ul[@class="term-list"]/li/a/@href')
    assert links and all(href.startswith(term_prefix) for href in links)
    counts = tree.xpath(
        '//main/ul[@class="term-list"]/li/span[@class="term-list__count"]/text()'
    )
    assert len(counts) == len(links)
    canonical = tree.xpath('string(//link[@rel="canonical"]/@href)')
    assert canonical == "/" + path.removesuffix("index.html")
