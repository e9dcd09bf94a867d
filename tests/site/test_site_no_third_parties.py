"""No page loads anything from another host, and nothing breaks `default-src 'self'`."""

import json
import re
from urllib.parse import urlsplit

import lxml.etree
import pytest

pytestmark = pytest.mark.slow

# <link rel=...> values that make the browser fetch (or connect to) the href.
FETCHING_RELS = {
    "stylesheet",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "apple-touch-icon-precomposed",
    "mask-icon",
    "manifest",
    "preload",
    "modulepreload",
    "prefetch",
    "prerender",
    "preconnect",
    "dns-prefetch",
}
CSS_REFERENCE = re.compile(r"""url\(\s*['"]?([^'")]+)|@import\s+['"]([^'"]+)""")
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def is_other_host(url):
    """Absolute or protocol-relative URLs name a host; the sample site has none of its own."""
    parts = urlsplit(url.strip())
    return bool(parts.netloc) and parts.scheme in ("", "http", "https")


def fetched_urls(tree):
    """(description, url) for everything a browser would fetch when showing the page."""
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if tag == "link":
            rels = set((el.get("rel") or "").lower().split())
            if rels & FETCHING_RELS:
                yield f"<link rel={el.get('rel')}>", el.get("href") or ""
            if el.get("imagesrcset"):
                for part in el.get("imagesrcset").split(","):
                    yield "<link imagesrcset>", part.split()[0] if part.split() else ""
            continue
        if tag in ("a", "area", "form", "base"):
            continue  # navigation, not a fetch (<base> is checked below)
        for attr in ("src", "poster", "data", "background"):
            if el.get(attr):
                yield f"<{tag} {attr}>", el.get(attr)
        if tag in ("use", "image", "feimage") and el.get("href"):
            yield f"<{tag} href>", el.get("href")
        for attr in ("srcset", "imagesrcset"):
            for part in (el.get(attr) or "").split(","):
                if part.split():
                    yield f"<{tag} {attr}>", part.split()[0]
        if tag == "style":
            for url in css_references(el.text or ""):
                yield "<style> url()", url


def css_references(text):
    for match in CSS_REFERENCE.finditer(text):
        yield match.group(1) or match.group(2)


def test_no_page_loads_a_resource_from_another_host(sample_site):
    offenders = []
    for page in sample_site.html_files():
        tree = sample_site.tree(page)
        for what, url in fetched_urls(tree):
            if is_other_host(url):
                offenders.append(f"{sample_site.rel(page)}: {what} {url}")
        if tree.xpath("//base[@href]"):
            offenders.append(f"{sample_site.rel(page)}: <base href> rewrites every URL")
    assert not offenders, "\n".join(offenders)


def test_the_check_would_catch_a_cdn(sample_site):
    """The detector itself: these must all be flagged (a test of the test)."""
    import lxml.html

    doc = lxml.html.fromstring(
        "<html><head>"
        '<link rel="stylesheet" href="https://cdn.example.com/a.css">'
        '<link rel="preconnect" href="//fonts.example.com">'
        "<style>@font-face{src:url(https://fonts.example.com/f.woff2)}</style>"
        "</head><body>"
        '<img srcset="/a.png 1x, https://img.example.com/b.png 2x">'
        '<a href="https://example.com/">fine</a>'
        "</body></html>"
    )
    flagged = [url for _, url in fetched_urls(doc) if is_other_host(url)]
    assert flagged == [
        "https://cdn.example.com/a.css",
        "//fonts.example.com",
        "https://fonts.example.com/f.woff2",
        "https://img.example.com/b.png",
    ]


def test_stylesheets_load_nothing_from_another_host(sample_site):
    sheets = [p for p in sample_site.files() if p.suffix == ".css"]
    assert sheets
    for sheet in sheets:
        for url in css_references(sheet.read_text(encoding="utf-8")):
            assert not is_other_host(url), f"{sample_site.rel(sheet)} loads {url}"


def test_svg_files_load_nothing_from_another_host(sample_site):
    svgs = [p for p in sample_site.files() if p.suffix == ".svg"]
    assert svgs, "the favicon should be an SVG"
    for svg in svgs:
        root = lxml.etree.parse(str(svg)).getroot()
        assert (
            root.tag == f"{{{SVG_NS}}}svg"
        )  # the namespace URI is a name, not a fetch
        for el in root.iter():
            for url in (el.get("href"), el.get(XLINK_HREF)):
                assert not (url and is_other_host(url)), (
                    f"{sample_site.rel(svg)}: {url}"
                )
            if isinstance(el.tag, str) and el.tag.endswith("}style"):
                for url in css_references(el.text or ""):
                    assert not is_other_host(url), f"{sample_site.rel(svg)}: {url}"


def test_no_inline_script_style_or_event_handler(sample_site):
    """A strict Content-Security-Policy (default-src 'self') must break nothing."""
    offenders = []
    for page in sample_site.html_files():
        rel = sample_site.rel(page)
        tree = sample_site.tree(page)
        for script in tree.iter("script"):
            kind = (script.get("type") or "").strip().lower()
            if kind == "application/ld+json":
                try:
                    json.loads(script.text or "")
                except ValueError as exc:
                    offenders.append(f"{rel}: JSON-LD does not parse ({exc})")
            elif not script.get("src") or (script.text or "").strip():
                offenders.append(f"{rel}: inline <script type={kind or 'js'}>")
        if list(tree.iter("style")):
            offenders.append(f"{rel}: <style> element")
        for el in tree.iter():
            if not isinstance(el.tag, str):
                continue
            if el.get("style") is not None:
                offenders.append(f"{rel}: style= on <{el.tag}>")
            for attr in el.attrib:
                if attr.lower().startswith("on"):
                    offenders.append(f"{rel}: {attr}= on <{el.tag}>")
            for attr in ("href", "src", "action", "formaction"):
                if (el.get(attr) or "").strip().lower().startswith("javascript:"):
                    offenders.append(f"{rel}: javascript: URL on <{el.tag}>")
    assert not offenders, "\n".join(offenders)


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
        # No script runs, not even a same-origin file a post links (JSON-LD is data).
        assert directives.get("script-src") == ["'none'"], sample_site.rel(page)
