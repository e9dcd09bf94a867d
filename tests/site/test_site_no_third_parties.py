"""No page loads anything from another host, and nothing breaks `default-src 'self'`.

The rules are those of `invoke check` (plugins/rapport_site/pelican/plugins/rapport_site/check.py), run here on the
sample site; tests/hardening/test_check.py seeds one failure of each kind into a copy.
"""

from pathlib import Path

import pytest
from pelican.settings import read_settings

from pelican.plugins.rapport_site.check import (
    Site,
    check_inline_code,
    check_third_party,
    load_site,
    parse_page,
)
from pelican.plugins.rapport_site.check_urls import UrlMap

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def checked(sample_site, repo_root):
    """The sample site as `invoke check` reads it, with pelicanconf.py's settings."""
    settings = read_settings(
        str(repo_root / "pelicanconf.py"),
        override={"OUTPUT_PATH": str(sample_site.output)},
    )
    return load_site(sample_site.output, settings)


def _fetched(refs, suffix):
    return [r for r in refs if r.fetch and r.url.endswith(suffix)]


def test_no_page_style_sheet_or_svg_loads_anything_from_another_host(
    checked, sample_site
):
    assert check_third_party(checked) == []
    # What the check read: every page, each fetching the style sheet and the favicon;
    # every style sheet and the SVG favicon.
    assert len(checked.pages) == len(sample_site.html_files())
    assert not [
        path
        for path, page in checked.pages.items()
        if not (_fetched(page.refs, "/css/main.css") and _fetched(page.refs, ".svg"))
    ]
    assert sorted(checked.css) == sorted(
        sample_site.rel(p) for p in sample_site.files() if p.suffix == ".css"
    )
    assert "favicon.svg" in checked.svg


def _flagged(html):
    site = Site(root=Path("."), urls=UrlMap(), settings={})
    site.pages["page.html"] = parse_page("page.html", html.encode())
    return [f.problem for f in check_third_party(site)]


def test_the_check_flags_every_way_a_page_can_fetch_from_another_host():
    flagged = _flagged(
        "<html><head>"
        '<base href="https://cdn.example.com/">'
        '<link rel="stylesheet" href="https://cdn.example.com/a.css">'
        '<link rel="preconnect" href="//fonts.example.com">'
        "<style>@font-face{src:url(https://fonts.example.com/f.woff2)}</style>"
        "</head><body>"
        '<img alt="" srcset="/a.png 1x, https://img.example.com/b.png 2x">'
        '<svg><image href="https://img.example.com/c.png"/></svg>'
        '<a href="https://example.com/">a link is followed, not fetched</a>'
        "</body></html>"
    )
    assert flagged == [
        "<base href> requests cdn.example.com: https://cdn.example.com/",
        "<link href> requests cdn.example.com: https://cdn.example.com/a.css",
        "<link href> requests fonts.example.com: //fonts.example.com",
        "url() in <style> requests fonts.example.com: "
        "https://fonts.example.com/f.woff2",
        "<img srcset> requests img.example.com: https://img.example.com/b.png",
        "<image href> requests img.example.com: https://img.example.com/c.png",
    ]


def test_the_check_flags_an_svg_file_that_fetches_from_another_host(tmp_path):
    (tmp_path / "icon.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" '
        'xmlns:xlink="http://www.w3.org/1999/xlink">\n'
        '<image xlink:href="https://img.example.com/a.png"/>\n'
        "<style>\nrect { fill: url(https://img.example.com/p.svg#p); }\n</style>\n"
        '<a href="https://example.com/"><rect width="1" height="1"/></a>\n'
        "</svg>\n",
        encoding="utf-8",
    )
    site = load_site(tmp_path, {})
    found = [(f.file, f.line, f.problem) for f in check_third_party(site)]
    assert found == [
        (
            "icon.svg",
            2,
            "<image> requests img.example.com: https://img.example.com/a.png",
        ),
        (
            "icon.svg",
            4,
            "url() in icon.svg requests img.example.com: "
            "https://img.example.com/p.svg#p",
        ),
    ]


def test_no_inline_script_style_or_event_handler(checked, sample_site):
    """A strict Content-Security-Policy (default-src 'self') must break nothing."""
    assert len(checked.pages) == len(sample_site.html_files())
    assert check_inline_code(checked) == []


def test_every_page_declares_the_strict_content_security_policy(sample_site):
    for page in sample_site.html_files():
        policy = [
            meta.get("content", "")
            for meta in sample_site.tree(page).iter("meta")
            if (meta.get("http-equiv") or "").lower() == "content-security-policy"
        ]
        assert policy, f"{sample_site.rel(page)} has no CSP meta"
        directives = {
            d.split()[0]: d.split()[1:] for d in policy[0].split(";") if d.split()
        }
        assert directives.get("default-src") == ["'self'"], sample_site.rel(page)
        if sample_site.rel(page) == "search/index.html":
            # The one page that runs script: the site's own files, and WebAssembly
            # for Pagefind; never inline script or eval of JavaScript.
            script_src = ["'self'", "'wasm-unsafe-eval'"]
        else:
            # No script runs, not even a same-origin file a post links (JSON-LD is data).
            script_src = ["'none'"]
        assert directives.get("script-src") == script_src, sample_site.rel(page)
