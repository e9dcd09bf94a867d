"""Building: autoescape, reproducible output, publish settings, fatal plugin errors."""

import re
import shutil
from pathlib import Path

import lxml.etree
import pytest

from pelican.plugins.rapport_site.build import BuildFailed, build

pytestmark = pytest.mark.slow

HOSTILE_TITLE = "<script>alert(1)</script>"
# A project site under a path, as GitHub Pages serves one; a domain no content links to.
SITEURL = "https://rapport-test.example.net/blog"
HOSTILE_TAG = "<b>x</b>"


def tiny_overrides(content, tmp_path):
    return {
        "PATH": str(content),
        "OUTPUT_PATH": str(tmp_path / "output"),
        "CACHE_PATH": str(tmp_path / "cache"),
    }


# --- autoescape ------------------------------------------------------------------


@pytest.fixture
def hostile_site(
    tiny_content, tmp_path, write_post, repo_root, open_site, subprocess_build
):
    write_post(
        tiny_content / "posts",
        "hostile.md",
        {
            "Title": HOSTILE_TITLE,
            "Date": "2014-01-02 10:00",
            "Tags": f"{HOSTILE_TAG}, plain",
            "Summary": "A post with a hostile title.",
        },
    )
    # Every plugin of pelicanconf.py takes part; in a subprocess, so that their signal
    # receivers do not stay connected in this test process.
    result, _ = subprocess_build(
        repo_root / "pelicanconf.py", tiny_overrides(tiny_content, tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return open_site(tmp_path / "output")


def test_a_hostile_title_and_tag_come_out_escaped(hostile_site):
    pages = hostile_site.html_files()
    article = [
        p for p in pages if re.match(r"2014/01/[^/]+/index.html", hostile_site.rel(p))
    ]
    assert len(article) == 1, [hostile_site.rel(p) for p in pages]
    checked = 0
    for page in pages:
        rel = hostile_site.rel(page)
        raw = page.read_text(encoding="utf-8")
        tree = hostile_site.tree(page)
        scripts = [
            s
            for s in tree.iter("script")
            if s.get("type") != "application/ld+json"
            # The search page's one script file (tests/site/test_site_search.py).
            and not (rel == "search/index.html" and s.get("src"))
        ]
        assert not scripts, f"{rel}: the title became a <script> element"
        assert not list(tree.iter("b")), f"{rel}: the tag became a <b> element"
        if HOSTILE_TITLE in "".join(tree.itertext()):
            assert "&lt;script&gt;" in raw, rel
            checked += 1
    assert checked >= 2, "the title should be shown (escaped) on the post and the index"
    title = hostile_site.tree(article[0]).findtext(".//title")
    assert title.startswith(HOSTILE_TITLE)
    assert (
        hostile_site.tree(article[0]).xpath("//h1")[0].text_content() == HOSTILE_TITLE
    )


def test_a_hostile_tag_is_shown_as_text_on_its_pages(hostile_site):
    tags = hostile_site.tree(hostile_site.output / "tags/index.html")
    assert HOSTILE_TAG in tags.text_content()
    assert "&lt;b&gt;x&lt;/b&gt;" in hostile_site.text("tags/index.html")


def test_a_hostile_title_stays_text_in_the_feed(hostile_site):
    root = lxml.etree.parse(str(hostile_site.output / "feeds/all.atom.xml")).getroot()
    titles = root.findall(
        ".//{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}title"
    )
    # Pelican strips tags from feed titles (it treats titles as HTML): safe either way.
    assert len(titles) == 1 and "alert(1)" in titles[0].text
    assert b"<script" not in (hostile_site.output / "feeds/all.atom.xml").read_bytes()


def failed_build_message(repo_root, overrides):
    """Build in-process with the site plugin alone; the BuildFailed message."""
    overrides = {
        **overrides,
        "PLUGINS": ["pelican.plugins.rapport_site"],
    }  # load no other plugin
    with pytest.raises(BuildFailed) as failure:
        build(repo_root / "pelicanconf.py", overrides)
    return str(failure.value)


def test_the_site_plugin_refuses_autoescape_off(tiny_content, tmp_path, repo_root):
    overrides = tiny_overrides(tiny_content, tmp_path)
    overrides["JINJA_ENVIRONMENT"] = {"autoescape": False}
    message = failed_build_message(repo_root, overrides)
    assert "autoescape" in message
    assert "JINJA_ENVIRONMENT" in message and "True" in message
    assert not (tmp_path / "output" / "index.html").exists()


def test_two_posts_with_one_slug_fail_the_build_with_a_sentence_not_a_traceback(
    tiny_content, tmp_path, repo_root
):
    """Pelican's own test content has five files of one slug; Pelican's writer raises."""
    import pelican

    shipped = Path(pelican.__file__).parent / "tests" / "content"
    for name in ("article_with_metadata.rst", "article_with_capitalized_metadata.rst"):
        shutil.copyfile(shipped / name, tiny_content / "posts" / name)
    message = failed_build_message(repo_root, tiny_overrides(tiny_content, tmp_path))
    assert "this-is-a-super-article/index.html" in message
    assert "share a slug" in message and "Slug:" in message


def test_a_missing_plugin_fails_the_build(tiny_content, tmp_path, repo_root):
    """Pelican alone logs "Cannot load plugin" and exits 0; our build must fail."""
    overrides = tiny_overrides(tiny_content, tmp_path)
    overrides["PLUGINS"] = ["pelican.plugins.rapport_site", "rapport_no_such_plugin"]
    with pytest.raises(BuildFailed):
        build(repo_root / "pelicanconf.py", overrides)
    assert not (tmp_path / "output" / "index.html").exists()


def test_a_missing_plugin_is_named_when_building_from_the_command_line(
    tiny_content, tmp_path, repo_root, subprocess_build
):
    overrides = tiny_overrides(tiny_content, tmp_path)
    overrides["PLUGINS"] = ["pelican.plugins.rapport_site", "rapport_no_such_plugin"]
    result, report = subprocess_build(repo_root / "pelicanconf.py", overrides)
    assert result.returncode == 3, result.stderr
    assert "failed" in report
    assert any("rapport_no_such_plugin" in r for r in report["records"]), report


# --- the sample build ------------------------------------------------------------


# --- publishconf.py ----------------------------------------------------------------


@pytest.fixture(scope="module")
def published_site(tmp_path_factory, repo_root, subprocess_build, open_site):
    tmp = tmp_path_factory.mktemp("published")
    result, report = subprocess_build(
        repo_root / "publishconf.py",
        {"OUTPUT_PATH": str(tmp / "output"), "CACHE_PATH": str(tmp / "cache")},
        env={"SITEURL": SITEURL, "PUBLISH_TARGET": None},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert report["records"] == [], report["records"]
    return open_site(tmp / "output", SITEURL)


def test_publishing_writes_no_draft(published_site, sample_content):
    drafts = sample_content.draft_posts()
    assert drafts
    assert not (published_site.output / "drafts").exists()
    for path in published_site.files():
        text = path.read_bytes()
        for draft in drafts:
            assert draft.slug.encode() not in text, (
                f"{published_site.rel(path)}: {draft.slug}"
            )
            assert draft.title.encode() not in text, published_site.rel(path)


def test_publishing_writes_every_published_post(published_site, sample_content):
    for post in sample_content.published_posts():
        assert (published_site.output / post.article_url / "index.html").is_file()


def test_published_pages_use_absolute_urls(published_site):
    relative = []
    for page in published_site.html_files():
        for el, attr, value in published_site.references(page):
            if value.startswith("#") or re.match(r"(mailto|tel|data):", value):
                continue
            if not re.match(r"https?://", value):
                relative.append(
                    f"{published_site.rel(page)}: <{el.tag} {attr}={value!r}>"
                )
    assert not relative, "\n".join(relative[:20])
    index = published_site.tree(published_site.output / "index.html")
    assert index.xpath("//link[@rel='canonical']/@href") == [SITEURL + "/"]
    assert index.xpath("//meta[@property='og:url']/@content") == [SITEURL + "/"]


def test_published_links_resolve_within_the_site(published_site):
    broken = []
    for page in published_site.html_files():
        base = published_site.url_of(page)
        for el, attr, value in published_site.internal_references(page):
            if not published_site.file_for(value, base).is_file():
                broken.append(
                    f"{published_site.rel(page)}: <{el.tag} {attr}={value!r}>"
                )
    assert not broken, "\n".join(broken)


def test_published_feeds_sitemap_and_robots_name_the_real_domain(published_site):
    atom = "{http://www.w3.org/2005/Atom}"
    for feed in (published_site.output / "feeds").rglob("*.xml"):
        root = lxml.etree.parse(str(feed)).getroot()
        for link in root.iter(f"{atom}link"):
            assert link.get("href").startswith(SITEURL + "/"), feed.name
        for entry_id in root.iter(f"{atom}id"):
            assert "rapport-test.example.net" in entry_id.text, feed.name
            assert "None" not in entry_id.text, feed.name
    locs = published_site.sitemap_locs()
    assert locs and all(loc.startswith(SITEURL + "/") for loc in locs)
    for loc in locs:
        assert published_site.file_for(loc).is_file(), loc
    robots = published_site.text("robots.txt").splitlines()
    assert f"Sitemap: {SITEURL}/sitemap.xml" in robots


def test_publishing_without_siteurl_says_what_to_set(
    tmp_path, repo_root, subprocess_build
):
    result, _ = subprocess_build(
        repo_root / "publishconf.py",
        {"OUTPUT_PATH": str(tmp_path / "out"), "CACHE_PATH": str(tmp_path / "cache")},
        env={"SITEURL": None},
    )
    assert result.returncode != 0
    assert "SITEURL" in result.stdout + result.stderr
    assert not (tmp_path / "out").exists()
