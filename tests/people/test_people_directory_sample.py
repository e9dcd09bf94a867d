"""The directory of the sample site, built with the tweets plugin: each card's latest
conversation is the newest thread on that person's page."""

import pytest

pytestmark = pytest.mark.slow


def test_latest_conversation_is_the_newest_thread(sample_site):
    directory = sample_site.tree(sample_site.output / "people/index.html")
    cards = directory.xpath('//ul[@class="people-directory__grid"]/li')
    checked = 0
    for card in cards:
        href = card.xpath("string(.//h2/a/@href)")
        page = sample_site.tree(sample_site.output / href.strip("/") / "index.html")
        threads = page.xpath('//p[@class="person__thread-date"]/time/@datetime')
        latest = card.xpath('.//p[@class="people-card__talked"]/time/@datetime')
        assert latest == ([max(threads)] if threads else []), href
        if threads:
            checked += 1
            assert page.xpath('//p[@class="person__last-talked"]/time/@datetime') == [
                max(threads)
            ]
    assert checked >= 2, "the sample has people with conversations on X"
