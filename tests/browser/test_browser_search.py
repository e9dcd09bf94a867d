"""Search in Chromium, from the built sample site served locally: the header form and
the search page find posts and listed people with Pagefind's index, offline, under the
search page's own CSP, with no request to another host."""

import pytest

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
