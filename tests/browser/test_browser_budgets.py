"""Budgets, measured in Chromium on every page of the sample site: at most 50 KB of HTML
and CSS before images, no request to another host, and no layout shift (every image has
its width and height set)."""

import pytest
from test_browser_pages import every_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BUDGET_BYTES = 50 * 1024


@pytest.fixture(scope="module")
def measured(visit, served_site, sample_site):
    """{page: its budget figures on load}, and every request to another host."""
    visits = {path: visit(path) for path in every_page(sample_site)}
    foreign = [u for v in visits.values() for u in v.foreign_requests(served_site)]
    return {path: v.budget for path, v in visits.items()}, foreign


def test_every_page_is_within_50_kb_of_html_and_css(measured):
    results, _ = measured
    assert len(results) > 20
    over = {p: r["bytes"] for p, r in results.items() if r["bytes"] > BUDGET_BYTES}
    assert not over, over
    assert all(r["bytes"] > 1000 for r in results.values())  # it did measure


def test_no_page_requests_another_host(measured):
    _, foreign = measured
    assert foreign == []


def test_no_layout_shift_and_every_image_sized(measured):
    results, _ = measured
    unsized = {p: r["unsized"] for p, r in results.items() if r["unsized"]}
    assert not unsized, unsized
    shifted = {p: r["shift"] for p, r in results.items() if r["shift"] > 0}
    assert not shifted, shifted
