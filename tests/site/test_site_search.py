"""Static search: the Pagefind index written at the end of the build holds the published
posts and pages, listed people and the highlights page, and nothing else."""

import gzip
import json
from pathlib import Path

import pytest

SETTINGS = Path(__file__).resolve().parents[2] / "pelicanconf.py"

pytestmark = pytest.mark.slow


def indexed(output):
    """{url: fragment} of every page in Pagefind's index (gzip, 'pagefind_dcd' + JSON),
    all its parts."""
    pages = {}
    for path in sorted((output / "pagefind").glob("**/fragment/*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd"), path
        fragment = json.loads(data[len(b"pagefind_dcd") :])
        pages[fragment["url"]] = fragment
    return pages


def test_the_index_holds_posts_pages_listed_people_and_highlights(
    sample_site, sample_content
):
    urls = set(indexed(sample_site.output))
    posts = {"/" + p.article_url for p in sample_content.published_posts()}
    people = {
        "/" + sample_site.rel(p).removesuffix("index.html")
        for p in sample_site.pages_under("people/")
        if sample_site.rel(p) != "people/index.html"
        and not sample_site.rel(p).startswith("people/tag/")
    }
    assert posts and people
    expected = posts | people | {"/pages/about/", "/twitter/"}
    assert urls == expected


def test_drafts_listings_and_unlisted_people_are_not_indexed(sample_site):
    urls = set(indexed(sample_site.output))
    assert urls
    assert (sample_site.output / "drafts").is_dir(), "the sample has a draft to preview"
    assert not [u for u in urls if u.startswith(("/drafts/", "/tag/", "/category/"))]
    assert not {"/", "/people/", "/404.html", "/search/", "/archives/"} & urls
    text = " ".join(f["content"] for f in indexed(sample_site.output).values())
    assert "Dev Fictional" not in text  # the sample's unlisted person
    assert "Skip to content" not in text  # the page body only, not the site chrome


def test_the_search_page_and_header_form(sample_site):
    tree = sample_site.tree(sample_site.output / "search/index.html")
    (script,) = tree.xpath("//script[@src]")
    assert script.get("src") == "/theme/js/search.js" and script.get("type") == "module"
    (form,) = tree.xpath('//form[contains(@class, "search-form")]')
    assert form.get("data-bundle") == "/pagefind/"
    home = sample_site.tree(sample_site.output / "index.html")
    (header_form,) = home.xpath('//header//form[@role="search"]')
    assert header_form.get("action") == "/search/"
    assert header_form.get("method") == "get"
    assert home.xpath('//header//form//input[@name="q"]/@id') == ["site-search-q"]
    assert not home.xpath("//script[@src]")


def test_a_rebuild_drops_index_files_of_pages_no_longer_written(
    sample_site, tmp_path, subprocess_build
):
    """A fragment of a withdrawn person's page must not outlive the page."""
    out = tmp_path / "output"
    stale = out / "pagefind" / "fragment" / "en_stale.pf_fragment"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(gzip.compress(b'pagefind_dcd{"url": "/people/gone/"}'))
    result, _ = subprocess_build(
        SETTINGS, {"OUTPUT_PATH": str(out), "CACHE_PATH": str(tmp_path / "cache")}
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert not stale.exists()
    assert set(indexed(out)) == set(indexed(sample_site.output))


def test_a_large_index_is_written_in_parts_that_together_hold_every_page(
    sample_site, tmp_path, subprocess_build
):
    """Pagefind's memory follows the pages of one run: SEARCH_PAGES_PER_RUN pages per
    bundle, the first in pagefind/, the others listed in its parts.json."""
    whole = indexed(sample_site.output)
    assert json.loads((sample_site.output / "pagefind/parts.json").read_bytes()) == []
    out = tmp_path / "output"
    result, _ = subprocess_build(
        SETTINGS,
        {
            "OUTPUT_PATH": str(out),
            "CACHE_PATH": str(tmp_path / "cache"),
            "SEARCH_PAGES_PER_RUN": 2,
        },
    )
    assert result.returncode == 0, result.stderr[-2000:]
    parts = json.loads((out / "pagefind/parts.json").read_bytes())
    assert parts == [f"part-{n}/" for n in range(2, (len(whole) + 1) // 2 + 1)]
    sizes = [
        len(list((out / "pagefind" / part / "fragment").glob("*.pf_fragment")))
        for part in ["", *parts]
    ]
    assert max(sizes) == 2 and sum(sizes) == len(whole), sizes
    assert indexed(out) == whole


def test_search_off_writes_no_page_index_or_form(
    sample_site, tmp_path, subprocess_build
):
    assert (sample_site.output / "pagefind").is_dir(), "on by default"
    out = tmp_path / "output"
    result, _ = subprocess_build(
        SETTINGS,
        {"OUTPUT_PATH": str(out), "CACHE_PATH": str(tmp_path / "c"), "SEARCH": False},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert not (out / "pagefind").exists() and not (out / "search").exists()
    assert 'role="search"' not in (out / "index.html").read_text(encoding="utf-8")
    assert "/search/" not in (out / "_headers").read_text(encoding="utf-8")


def test_the_404_page_offers_search_and_the_way_back(sample_site):
    tree = sample_site.tree(sample_site.output / "404.html")
    (form,) = tree.xpath('//main//form[@role="search"]')
    assert form.get("action") == "/search/" and form.get("method") == "get"
    assert form.xpath('.//input[@name="q"]/@id') == ["not-found-q"]
    assert form.xpath('string(.//label[@for="not-found-q"])').strip()
    assert "/" in tree.xpath("//main//a/@href")


def test_pages_whose_paths_read_as_glob_syntax_are_indexed_and_unmarked_ones_not(
    tmp_path,
):
    """Each run names its files in a Pagefind glob: a comma or brace in a path is
    escaped, and only pages the theme marked are named."""
    from types import SimpleNamespace

    from pelican.plugins.rapport_site import search

    body = '<html lang="en"><body><main data-pagefind-body><h1>{}</h1></main></body>'
    pages = {"a,b": body.format("Comma"), "c{1}": body.format("Brace")}
    pages["plain"] = "<html><body><h1>data-pagefind-body, said in text</h1></body>"
    pages["search"] = "<html><body><h1>Search</h1></body>"
    for name, html in pages.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text(html, encoding="utf-8")
    settings = {
        **search.DEFAULTS,
        "ARTICLE_SAVE_AS": "{slug}/index.html",
        "SEARCH_PAGES": ("ARTICLE_SAVE_AS",),
        "SEARCH_PAGES_PER_RUN": 1,
    }
    search.index_site(SimpleNamespace(settings=settings, output_path=str(tmp_path)))
    assert json.loads((tmp_path / "pagefind/parts.json").read_bytes()) == ["part-2/"]
    assert set(indexed(tmp_path)) == {"/a,b/", "/c{1}/"}


@pytest.mark.parametrize("per_run", [-1, 2.5, "400", True, None])
def test_pages_per_run_that_is_no_count_of_pages_stops_the_build(per_run):
    from pelican.plugins.rapport_site import search

    settings = {
        **search.DEFAULTS,
        "CONTENT_SECURITY_POLICY": "default-src 'self'",
        "SEARCH_PAGES_PER_RUN": per_run,
    }
    with pytest.raises(search.SearchSettingsError) as caught:
        search.configure(settings)
    assert str(caught.value).startswith("SEARCH_PAGES_PER_RUN in pelicanconf.py must")
    assert str(per_run) not in str(caught.value).replace("400", "")
