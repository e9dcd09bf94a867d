"""Budgets, measured in Chromium on every page of the sample site: at most 50 KB of HTML
and CSS before images, no request to another host, and no layout shift (every image has
its width and height set)."""

import pytest
from test_browser_pages import every_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BUDGET_BYTES = 50 * 1024
# Bytes of the page and its style sheets as served (this server does not compress, so
# the figure is what an uncompressed host sends: the budget's worst case).
WEIGHT = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const sheets = performance.getEntriesByType('resource')
    .filter(r => r.initiatorType === 'link' || r.initiatorType === 'css');
  return nav.encodedBodySize + sheets.reduce((n, r) => n + r.encodedBodySize, 0);
}"""
# Layout shifts so far, read once two more frames have been drawn after the load event
# (a shift is reported with the frame that drew it): an event to wait on, not a timer.
# The buffered entries reach the observer's records at once (takeRecords), without
# waiting for its callback.
SHIFT = """() => new Promise(resolve => {
  requestAnimationFrame(() => requestAnimationFrame(() => {
    const observer = new PerformanceObserver(() => {});
    observer.observe({type: 'layout-shift', buffered: true});
    const shifts = observer.takeRecords();
    observer.disconnect();
    resolve(shifts.reduce((total, entry) => total + entry.value, 0));
  }));
})"""
UNSIZED = """() => [...document.images]
  .filter(i => !i.getAttribute('width') || !i.getAttribute('height'))
  .map(i => i.getAttribute('src'))"""


@pytest.fixture(scope="module")
def measured(chromium, served_site, sample_site):
    context = chromium.new_context(
        service_workers="block", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    foreign = []
    page.on(
        "request",
        lambda r: not r.url.startswith(served_site + "/") and foreign.append(r.url),
    )
    results = {}
    for path in every_page(sample_site):
        page.goto(served_site + path, wait_until="load")
        results[path] = {
            "bytes": page.evaluate(WEIGHT),
            "shift": page.evaluate(SHIFT),
            "unsized": page.evaluate(UNSIZED),
        }
    context.close()
    return results, foreign


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
