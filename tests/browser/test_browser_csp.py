"""The default Content-Security-Policy, in Chromium: no script runs, JSON-LD stays."""

import pytest

from pelican.plugins.rapport_site.headers import META_CSP

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{META_CSP}">
<title>before</title>
<script type="application/ld+json">{{"@type": "Person", "name": "Ada"}}</script>
<script src="/extra/x.js"></script>
</head><body><main><p>Probe</p></main></body></html>
"""


def test_the_policy_blocks_a_same_origin_script_file(chromium, served_site):
    context = chromium.new_context()
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    loaded = []
    page.route(
        served_site + "/csp-probe/",
        lambda route: route.fulfill(content_type="text/html", body=PAGE),
    )

    def script(route):
        loaded.append(route.request.url)
        route.fulfill(
            content_type="text/javascript", body="document.title = 'script ran';"
        )

    page.route(served_site + "/extra/x.js", script)
    page.goto(served_site + "/csp-probe/", wait_until="load")
    title = page.title()
    json_ld = page.evaluate(
        "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]')"
        ".textContent).name"
    )
    context.close()
    assert title == "before"
    assert loaded == []  # the browser did not even request it
    assert any("Content Security Policy" in e for e in errors), errors
    assert json_ld == "Ada"
