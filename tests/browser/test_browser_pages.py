"""Pages in headless Chromium: no console error, no request off the local server, no axe
violation (light and dark, phone and desktop); screenshots for review."""

import subprocess

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def assert_clean(result, origin):
    problems = []
    foreign = result.foreign_requests(origin)
    if foreign:
        problems.append("requests to other hosts:\n  " + "\n  ".join(foreign))
    if result.console_errors:
        problems.append("console errors:\n  " + "\n  ".join(result.console_errors))
    if result.failed:
        problems.append("failed loads:\n  " + "\n  ".join(result.failed))
    if any(result.violations.values()):
        problems.append("axe-core violations:\n" + result.axe_report())
    assert not problems, f"{result.url}\n" + "\n".join(problems)
    assert result.requests and result.requests[0] == result.url


def check(visit, served_site, path, name):
    result = visit(path, name)
    assert_clean(result, served_site)
    for shot in result.screenshots:
        assert shot.stat().st_size > 1000, f"{shot} looks empty"
    assert len(result.screenshots) == 2
    return result


def url_path(site, page):
    return "/" + site.rel(page).removesuffix("index.html")


def test_home_page(visit, served_site):
    result = check(visit, served_site, "/", "home")
    assert any(r.endswith("/theme/css/main.css") for r in result.requests)
    # The dark scheme was really applied, so axe checked its contrast too.
    assert result.backgrounds["light desktop"] != result.backgrounds["dark desktop"]


def test_a_post(visit, served_site, sample_content):
    """The newest post without a tweet (the one with a tweet has its own test)."""
    posts = sorted(sample_content.published_posts(), key=lambda p: p.date, reverse=True)
    plain = [p for p in posts if "/status/" not in p.path.read_text(encoding="utf-8")]
    check(visit, served_site, "/" + (plain or posts)[0].article_url, "post")


def test_a_tag_page(visit, served_site, sample_site):
    tags = sorted(sample_site.pages_under("tag/"))
    assert tags, "no tag page was built"
    check(visit, served_site, url_path(sample_site, tags[0]), "tag")


def test_the_404_page(visit, served_site):
    check(visit, served_site, "/404.html", "404")


def _require(sample_site, rel, what):
    if not (sample_site.output / rel).is_file():
        pytest.skip(f"{what} ({rel}) not built yet: its plugin is not in PLUGINS")


def test_the_people_directory(visit, served_site, sample_site):
    _require(sample_site, "people/index.html", "the people directory")
    check(visit, served_site, "/people/", "people")


def test_a_person_page(visit, served_site, sample_site):
    _require(sample_site, "people/index.html", "the people directory")
    persons = sorted(
        p
        for p in sample_site.pages_under("people/")
        if sample_site.rel(p) != "people/index.html"
    )
    assert persons, "the directory exists but no person page was written"
    # The person with the most tweet cards shows the most of the theme.
    best = max(
        persons,
        key=lambda p: (p.read_text(encoding="utf-8").count("tweet"), -len(str(p))),
    )
    check(visit, served_site, url_path(sample_site, best), "person")


def test_the_twitter_highlights_page(visit, served_site, sample_site):
    _require(sample_site, "twitter/index.html", "the tweet highlights page")
    check(visit, served_site, "/twitter/", "twitter")


def test_the_post_with_a_tweet_embed(visit, served_site, sample_site, sample_content):
    _require(sample_site, "twitter/index.html", "the tweets plugin output")
    posts = [
        p
        for p in sample_content.published_posts()
        if "/status/" in p.path.read_text(encoding="utf-8")
    ]
    assert posts, "no sample post quotes a tweet"
    check(visit, served_site, "/" + posts[0].article_url, "post-with-tweet")


CHUNKS = 4  # spread over pytest-xdist workers without knowing the pages yet


def every_page(site):
    """Every page a visitor can reach: the sitemap and every HTML file but drafts."""
    paths = {url_path(site, p) for p in site.html_files()}
    paths |= {loc for loc in site.sitemap_locs() if loc.startswith("/")}
    return sorted(p for p in paths if not p.startswith("/drafts/"))


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_every_page_of_the_site(visit, served_site, sample_site, chunk):
    """Whatever pages exist (people, tweets...): the same checks, in every mode."""
    pages = every_page(sample_site)
    assert len(pages) >= 2 * CHUNKS
    failures = []
    for path in pages[chunk::CHUNKS]:
        try:
            assert_clean(visit(path), served_site)
        except AssertionError as exc:
            failures.append(str(exc))
    assert not failures, "\n\n".join(failures)


def test_the_checks_see_a_foreign_request_and_a_violation(chromium, served_site, axe):
    """Guards the tests above: a page with a remote image and an unlabelled image fails."""
    context = chromium.new_context()
    page = context.new_page()
    seen = []
    page.on("request", lambda r: seen.append(r.url))
    # Nothing answers on this reserved address; the request is still made and recorded.
    page.route("http://192.0.2.1/**", lambda route: route.abort())
    page.goto(served_site + "/")
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main>'
        '<img src="http://192.0.2.1/x.png"></main></body></html>'
    )
    violations = axe.run(page).response["violations"]
    context.close()
    assert "http://192.0.2.1/x.png" in seen
    assert "image-alt" in {v["id"] for v in violations}


def test_the_browser_is_debians_chromium(chromium):
    """Never a downloaded browser: the one driven is /usr/bin/chromium."""
    version = subprocess.run(
        ["/usr/bin/chromium", "--version"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    ).stdout
    assert chromium.version and chromium.version in version
