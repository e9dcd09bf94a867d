"""The people directory in Chromium: a grid without an empty half, initials avatars that
load (with their size set, so nothing shifts), and filtering by tag."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def page(chromium, served_site):
    context = chromium.new_context(
        service_workers="block", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    failed = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("response", lambda r: r.status >= 400 and failed.append(r.url))
    yield page
    context.close()
    assert not failed, failed


def test_the_directory_fills_its_rows_on_desktop(page, served_site):
    page.goto(served_site + "/people/", wait_until="load")
    boxes = page.eval_on_selector_all(
        ".people-directory__grid > li",
        "items => items.map(i => { const r = i.getBoundingClientRect();"
        " return [Math.round(r.top), Math.round(r.left), Math.round(r.width)]; })",
    )
    assert len(boxes) >= 2
    first_row = [b for b in boxes if b[0] == boxes[0][0]]
    assert len(first_row) >= 2, boxes  # two cards side by side, not one and a gap
    grid = page.eval_on_selector(
        ".people-directory__grid", "g => g.getBoundingClientRect().width"
    )
    assert sum(b[2] for b in first_row) > 0.9 * grid


def test_every_avatar_loads_with_its_size_set(page, served_site):
    page.goto(served_site + "/people/", wait_until="load")
    avatars = page.eval_on_selector_all(
        ".people-card__avatar",
        "imgs => imgs.map(i => [i.getAttribute('src'), i.complete, i.naturalWidth,"
        " i.getAttribute('width'), i.getAttribute('height'), i.alt])",
    )
    assert avatars
    for src, complete, natural, width, height, alt in avatars:
        assert src.endswith("/avatar.svg") and complete and natural > 0, src
        assert width and height and alt == "", src


def test_a_tag_link_filters_the_directory(page, served_site):
    page.goto(served_site + "/people/", wait_until="load")
    everyone = page.locator(".people-directory__grid h2").all_inner_texts()
    tag = page.locator('nav[aria-label="People by tag"] li').nth(1).locator("a")
    tag_name = tag.inner_text().split(" (")[0]
    tag.click()
    page.wait_for_url(f"**/people/tag/{tag_name}/")
    shown = page.locator(".people-directory__grid h2").all_inner_texts()
    assert shown and set(shown) < set(everyone)
    # Each person shown carries the tag on their own page, which links back here.
    for name in shown:
        page.goto(served_site + "/people/tag/" + tag_name + "/")
        page.get_by_role("link", name=name, exact=True).click()
        tags = page.locator(".person__tags a").all_inner_texts()
        assert tag_name in tags, (name, tags)
