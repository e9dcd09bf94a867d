"""The `_headers` file for Netlify and Cloudflare Pages: the same CSP as the pages' meta tag."""

from types import SimpleNamespace

import lxml.html
import pytest
from pelican import signals

from pelican.plugins.rapport_site import headers
from pelican.plugins.rapport_site.search import search_csp

pytestmark = pytest.mark.slow


def parse_headers(text):
    """{path: {name: value}} from a Netlify/Cloudflare `_headers` file."""
    rules, current = {}, None
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line[0].isspace():
            current = rules.setdefault(line.strip(), {})
            continue
        if line.strip().startswith("!"):  # Cloudflare: detach a header of "/*"
            current["!" + line.strip()[1:].strip()] = None
            continue
        name, sep, value = line.strip().partition(":")
        assert sep and current is not None, f"not a header line: {line!r}"
        current[name.strip()] = value.strip()
    return rules


def directives(policy):
    return {d.strip() for d in policy.split(";") if d.strip()}


def test_headers_file_covers_every_path_with_the_security_headers(tmp_path):
    headers.write_headers(SimpleNamespace(settings={}, output_path=str(tmp_path)))
    rules = parse_headers((tmp_path / "_headers").read_text(encoding="utf-8"))
    assert set(rules) == {"/*"}
    got = rules["/*"]
    assert got["X-Content-Type-Options"] == "nosniff"
    assert got["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in got["Permissions-Policy"]
    assert "frame-ancestors 'none'" in directives(got["Content-Security-Policy"])


def test_header_csp_is_the_pages_meta_csp_plus_header_only_directives(published_site):
    """If base.html's meta CSP changes, this fails until headers.META_CSP follows."""
    header = directives(headers.HEADERS["Content-Security-Policy"])
    pages = sorted(published_site.output.rglob("*.html"))
    assert pages
    for page in pages:
        tree = lxml.html.fromstring(page.read_bytes())
        metas = tree.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')
        assert len(metas) == 1, page
        if page.relative_to(published_site.output).as_posix() == "search/index.html":
            assert directives(metas[0]) == directives(search_csp(headers.META_CSP))
            continue
        assert directives(metas[0]) == directives(headers.META_CSP), page
        assert header - directives(metas[0]) == {headers.HEADER_ONLY_CSP}


def test_the_search_page_has_its_own_block_with_its_meta_policy(published_site):
    """Two policies for one page would both apply: the search page's block detaches the
    site-wide one and sets the search page's meta policy plus frame-ancestors."""
    rules = parse_headers((published_site.output / "_headers").read_text())
    assert set(rules) == {"/*", "/search/"}
    block = rules["/search/"]
    assert list(block) == ["!Content-Security-Policy", "Content-Security-Policy"]
    tree = lxml.html.fromstring(
        (published_site.output / "search/index.html").read_bytes()
    )
    (meta,) = tree.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')
    assert directives(block["Content-Security-Policy"]) - directives(meta) == {
        headers.HEADER_ONLY_CSP
    }
    assert "script-src 'self' 'wasm-unsafe-eval'" in directives(meta)


def test_setting_turns_the_file_off(tmp_path):
    pelican = SimpleNamespace(
        settings={"SECURITY_HEADERS_SAVE_AS": ""}, output_path=str(tmp_path)
    )
    headers.write_headers(pelican)
    assert list(tmp_path.iterdir()) == []


def test_a_build_writes_the_headers_file(published_site, tmp_path):
    """Through Pelican's finalized signal, as plugin.register() wires it."""
    from hardening_support import PUBLISH_SETTINGS, build_site

    wired = any(
        receiver is headers.write_headers
        for receiver in signals.finalized.receivers_for(object())
    )
    if not wired:
        signals.finalized.connect(headers.write_headers)
    try:
        build_site(PUBLISH_SETTINGS, {"OUTPUT_PATH": str(tmp_path / "out")})
    finally:
        if not wired:
            signals.finalized.disconnect(headers.write_headers)
    search = ("search/", search_csp(headers.META_CSP))
    assert (tmp_path / "out" / "_headers").read_text() == headers.headers_text(
        headers.META_CSP, search
    )
