"""Search in Chromium, from the built sample site served locally: the header form and
the search page find posts and listed people with Pagefind's index, offline, under the
search page's own CSP, with no request to another host."""

import json
from pathlib import Path

import pytest

SETTINGS = Path(__file__).resolve().parents[2] / "pelicanconf.py"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def browser_page(chromium, served_site):
    context = chromium.new_context(service_workers="block")
    page = context.new_page()
    seen = {"requests": [], "errors": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("console", lambda m: m.type == "error" and seen["errors"].append(m.text))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    yield page, seen
    context.close()


def results(page):
    page.wait_for_selector("#search-status:not(:empty):not(:text('Searching…'))")
    return page.eval_on_selector_all(
        ".search-result h2 a", "links => links.map(a => a.getAttribute('href'))"
    )


def assert_offline_and_quiet(seen, served_site):
    foreign = [u for u in seen["requests"] if not u.startswith(served_site + "/")]
    assert not foreign, foreign
    assert not seen["errors"], seen["errors"]


def test_the_header_form_searches_posts(browser_page, served_site):
    page, seen = browser_page
    page.goto(served_site + "/")
    page.fill("#site-search-q", "rhythm")
    page.press("#site-search-q", "Enter")
    page.wait_for_url("**/search/?q=rhythm")
    found = results(page)
    assert found and found[0] == "/2014/09/keeping-in-touch/", found
    assert page.input_value("#search-q") == "rhythm"
    assert any("/pagefind/" in u for u in seen["requests"])
    assert_offline_and_quiet(seen, served_site)


def test_the_search_page_finds_a_listed_person(browser_page, served_site):
    page, seen = browser_page
    page.goto(served_site + "/search/")
    page.fill("#search-q", "Ada Example")
    page.press("#search-q", "Enter")
    assert "/people/ada-example/" in results(page)
    assert_offline_and_quiet(seen, served_site)


def test_drafts_and_unlisted_people_are_not_found(browser_page, served_site):
    page, seen = browser_page
    # The draft post's title, and the name of a person who is not listed.
    for query in ("meetup on your own", "Dev Fictional"):
        page.goto(served_site + "/search/?q=" + query)
        found = results(page)
        assert not any("/drafts/" in u or "dev-fictional" in u for u in found), found
    assert_offline_and_quiet(seen, served_site)


@pytest.fixture(scope="module")
def parted_site(tmp_path_factory, subprocess_build, serve):
    """The sample site indexed two pages per Pagefind run (SEARCH_PAGES_PER_RUN)."""
    root = tmp_path_factory.mktemp("parted")
    out = root / "output"
    overrides = {
        "OUTPUT_PATH": str(out),
        "CACHE_PATH": str(root / "cache"),
        "SEARCH_PAGES_PER_RUN": 2,
    }
    result, _ = subprocess_build(SETTINGS, overrides)
    assert result.returncode == 0, result.stderr[-2000:]
    with serve(out) as origin:
        yield out, origin


def test_an_index_in_parts_is_searched_as_one(chromium, parted_site):
    out, origin = parted_site
    parts = json.loads((out / "pagefind/parts.json").read_bytes())
    last = out / "pagefind" / parts[-1] / "fragment"
    assert len(parts) >= 2 and any(last.iterdir()), parts
    context = chromium.new_context(service_workers="block")
    page = context.new_page()
    seen = {"requests": [], "errors": []}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    try:
        # A post from the first part, the highlights page from the last.
        page.goto(origin + "/search/?q=rhythm")
        assert results(page)[0] == "/2014/09/keeping-in-touch/"
        page.goto(origin + "/search/?q=Twitter+highlights")
        assert "/twitter/" in results(page)
        assert any(f"/pagefind/{parts[-1]}" in u for u in seen["requests"])
        assert_offline_and_quiet(seen, origin)
    finally:
        context.close()
