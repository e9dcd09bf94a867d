"""The site check's third-party, inline-code and script rules, one page at a time.

test_check.py seeds problems into a built copy of the sample site and runs `invoke
check` as a user does; these tests give the same rules a page or an SVG file in a tiny
output folder and compare the findings whole (file, line, what, fix), in milliseconds.
"""

from lxml import etree

from pelican.plugins.rapport_site.check import (
    FIX_EXTERNAL,
    FIX_HANDLER,
    FIX_SCRIPT,
    FIX_STYLE,
    FIX_XML_SCRIPT,
    Finding,
    Ref,
    check_inline_code,
    check_scripts,
    check_third_party,
    load_site,
    parse_page,
    svg_refs,
    xml_refs,
    xml_scripts,
)

SITEURL = "https://example.org"
SETTINGS = {"SITEURL": SITEURL, "SEARCH": False}


def page_of(body, head=""):
    html = (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n{head}\n</head>\n'
        f"<body>\n{body}\n</body>\n</html>\n"
    )
    return parse_page("a/index.html", html.encode("utf-8"))


def site_of(tmp_path, files, settings=SETTINGS):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return load_site(tmp_path, settings)


# --- what a page references --------------------------------------------------------


def test_a_refresh_is_a_fetched_reference_named_as_the_meta():
    page = page_of(
        "", '<meta http-equiv="Refresh" content="0; url=https://x.example/">'
    )
    assert page.refs == [
        Ref("https://x.example/", 4, '<meta http-equiv="refresh">', True)
    ]


def test_a_refresh_without_a_url_is_no_reference():
    assert page_of("", '<meta http-equiv="refresh" content="30">').refs == []


def test_og_url_is_a_link_not_a_fetch_and_description_is_read_once():
    page = page_of(
        "",
        '<meta property="OG:URL" content="https://x.example/a">\n'
        '<meta name="Description" content="First.">\n'
        '<meta name="description" content="Second.">\n'
        '<meta property="og:url" content="">',
    )
    assert page.refs == [
        Ref("https://x.example/a", 4, '<meta property="og:url">', False)
    ]
    assert page.description == "First."


def test_what_each_element_fetches_or_links():
    page = page_of(
        '<img src="/a.png" srcset="/b.png 1x, /c.png 2x">\n'
        '<video src="/v.mp4" poster="/p.png"></video>\n'
        '<object data="/o.svg"></object>\n'
        '<svg><image href="/i.png"/><use xlink:href="/u.svg#x"/></svg>\n'
        '<a href="/page/">x</a><area href="/area/">\n'
        '<form action="/send"></form>\n'
        '<link rel="Preload" href="/f.woff2" imagesrcset="/d.png 1x">',
        '<link rel="alternate" href="/feed.xml">\n<base href="/root/">\n'
        '<link rel="canonical" href="https://example.org/a/">',
    )
    assert [(r.url, r.line, r.what, r.fetch) for r in page.refs] == [
        ("/feed.xml", 4, "<link href>", False),
        ("/root/", 5, "<base href>", True),
        ("https://example.org/a/", 6, "<link href>", False),
        ("/a.png", 9, "<img src>", True),
        ("/b.png", 9, "<img srcset>", True),
        ("/c.png", 9, "<img srcset>", True),
        ("/v.mp4", 10, "<video src>", True),
        ("/p.png", 10, "<video poster>", True),
        ("/o.svg", 11, "<object data>", True),
        ("/i.png", 12, "<image href>", True),
        ("/u.svg#x", 12, "<use xlink:href>", True),
        ("/page/", 13, "<a href>", False),
        ("/area/", 13, "<area href>", False),
        ("/send", 14, "<form action>", False),
        ("/f.woff2", 15, "<link href>", True),
        ("/d.png", 15, "<link imagesrcset>", True),
    ]
    assert page.canonical == "https://example.org/a/"
    assert page.lang == "en"


def test_ids_and_anchor_names_are_kept_for_fragment_links():
    page = page_of('<h2 id="top">x</h2><a name="old">y</a><p name="no">z</p>')
    assert page.ids == {"top", "old"}


def test_the_title_is_the_heads_only():
    page = page_of("<svg><title>Not this</title></svg>", "<title>The page</title>")
    assert page.title == "The page"


def test_a_body_background_is_fetched():
    page = parse_page("p.html", b'<html><body background="https://x.example/b.png">')
    assert page.refs == [Ref("https://x.example/b.png", 1, "<body background>", True)]


# --- inline code and scripts, as the page holds them -------------------------------


def test_inline_code_of_a_page():
    page = page_of(
        '<p style="color: red" onClick="go()" on="x">x</p>\n'
        "<script>go()</script>\n"
        '<script type=" Application/LD+JSON ">{"a": 1}</script>\n'
        '<script type="application/ld+json" src="/d.json"></script>\n'
        "<style>p { color: red }</style>\n"
        '<iframe srcdoc="&lt;p&gt;x"></iframe>'
    )
    assert page.inline == [
        (7, "<p style=...> inline style", FIX_STYLE),
        (7, "<p onclick=...> inline event handler", FIX_HANDLER),
        (8, "inline <script> element", FIX_SCRIPT),
        (11, "inline <style> element", FIX_STYLE),
        (12, "<iframe srcdoc> inline document", FIX_SCRIPT),
    ]
    assert page.scripts == []


def test_a_json_ld_block_that_does_not_parse_is_inline_code():
    page = page_of('<script type="application/ld+json">{"a": </script>')
    ((line, problem, fix),) = page.inline
    assert line == 7 and problem.startswith("JSON-LD does not parse: Expecting value")
    assert fix == "emit structured data with the |tojson filter"


def test_script_files_and_their_lines():
    page = page_of('<script src="/a.js"></script>\n<script type="module" src="/b.js">')
    assert page.scripts == [(7, "/a.js"), (8, "/b.js")]


def test_urls_a_click_or_an_animation_follows():
    page = page_of(
        '<button formaction="javascript:go()">x</button>\n'
        '<svg><set to="javascript:a()"/><math href="javascript:b()"/></svg>'
    )
    assert [(r.url, r.line, r.what) for r in page.actions] == [
        ("javascript:go()", 7, "<button formaction>"),
        ("javascript:a()", 8, "<set to>"),
        ("javascript:b()", 8, "<math href>"),
    ]


def test_a_style_elements_urls_are_fetched_from_their_own_line():
    page = page_of(
        "<style>\np {}\nb { background: url(https://x.example/b.png) }\n</style>"
    )
    assert page.refs == [Ref("https://x.example/b.png", 9, "url() in <style>", True)]


def test_an_empty_file_is_a_parse_error():
    assert parse_page("e.html", b"").parse_error
    assert parse_page("e.html", b"   ").parse_error == "the file is empty"


# --- the checks over a tiny site ----------------------------------------------------


def test_third_party_requests_of_pages_styles_and_svg_files(tmp_path):
    site = site_of(
        tmp_path,
        {
            "index.html": '<html><head><link rel="stylesheet" href="https://cdn.example.net/a.css">'
            '</head><body><img src="/own.png"><a href="https://elsewhere.example/">out</a>'
            "</body></html>",
            "css/main.css": "body { background: url(//img.example.com/b.png) }\n",
            "icon.svg": '<svg xmlns="http://www.w3.org/2000/svg" '
            'xmlns:xlink="http://www.w3.org/1999/xlink">\n'
            '<image xlink:href="https://pics.example/p.png"/>\n</svg>\n',
        },
    )
    assert check_third_party(site) == [
        Finding(
            "third-party",
            "index.html",
            1,
            "<link href> requests cdn.example.net: https://cdn.example.net/a.css",
            FIX_EXTERNAL,
        ),
        Finding(
            "third-party",
            "css/main.css",
            1,
            "url() in main.css requests img.example.com: //img.example.com/b.png",
            FIX_EXTERNAL,
        ),
        Finding(
            "third-party",
            "icon.svg",
            2,
            "<image> requests pics.example: https://pics.example/p.png",
            FIX_EXTERNAL,
        ),
    ]


def test_inline_code_and_javascript_urls_of_a_page(tmp_path):
    site = site_of(
        tmp_path,
        {
            "index.html": '<html><body>\n<p style="x">a</p>\n'
            '<a href="javascript:go()">b</a>\n<a href="/fine/">c</a>\n'
            '<button formaction=" JavaScript:x()">d</button>\n</body></html>'
        },
    )
    assert check_inline_code(site) == [
        Finding(
            "inline-code", "index.html", 2, "<p style=...> inline style", FIX_STYLE
        ),
        Finding(
            "inline-code",
            "index.html",
            3,
            "<a href> holds a javascript: URL",
            FIX_SCRIPT,
        ),
        Finding(
            "inline-code",
            "index.html",
            5,
            "<button formaction> holds a javascript: URL",
            FIX_SCRIPT,
        ),
    ]


def test_script_files_and_script_in_svg_and_xml_files(tmp_path):
    site = site_of(
        tmp_path,
        {
            "index.html": '<html><body>\n<script src="/js/a.js"></script>\n</body></html>',
            "images/a.SVG": '<svg xmlns="http://www.w3.org/2000/svg">\n'
            "<script>go()</script>\n</svg>\n",
            "feed.xml": '<x xmlns:h="http://www.w3.org/1999/xhtml">\n'
            '<h:a href="javascript:go()">x</h:a>\n</x>\n',
            "broken.svg": "<svg",
        },
    )
    assert check_scripts(site) == [
        Finding("scripts", "index.html", 2, "<script src> loads a script", FIX_SCRIPT),
        Finding(
            "scripts", "feed.xml", 2, "<a href> javascript: URL in an XML file",
            FIX_XML_SCRIPT,
        ),
        Finding(
            "scripts", "images/a.SVG", 2, "<script> element in an SVG file",
            FIX_XML_SCRIPT,
        ),
    ]  # fmt: skip


def _svg(markup):
    text = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/'
        f'xlink">\n{markup}\n</svg>'
    )
    return _tree(text)


def _tree(text):
    return etree.ElementTree(etree.fromstring(text.encode()))


def _kind(url):
    return "script" if url.strip().lower().startswith("javascript:") else "internal"


def test_svg_handlers_need_a_name_after_on():
    tree = _svg('<rect on="x" onx="y" onload="go()" ONCLICK="go()"/>')
    assert xml_scripts(tree, _kind) == [
        (2, "<rect onx=...> event handler"),
        (2, "<rect onload=...> event handler"),
        (2, "<rect onclick=...> event handler"),
    ]


def test_the_svg_search_goes_past_comments_and_foreign_elements():
    tree = _svg(
        "<!-- a comment -->\n<?pi x?>\n"
        '<m:x xmlns:m="urn:example" onload="not live"/>\n'
        '<Script>go()</Script>\n<iframe srcdoc="x"/>\n<a xlink:href="javascript:a()"/>'
    )
    assert xml_scripts(tree, _kind) == [
        (5, "<script> element"),
        (6, "<iframe srcdoc> inline document"),
        (7, "<a href> javascript: URL"),
    ]


def test_links_in_feed_content_are_read_as_html():
    feed = (
        '<feed xmlns="http://www.w3.org/2005/Atom">\n<entry>\n'
        '<content type="html">&lt;p&gt;x&lt;br&gt;&lt;a href="/a/"&gt;y&lt;/a&gt;'
        '&lt;img src="https://x.example/i.png"&gt;</content>\n</entry>\n</feed>'
    )
    tree = _tree(feed)
    assert xml_refs(tree) == [
        Ref("/a/", 3, "<a href> in feed content", False),
        Ref("https://x.example/i.png", 3, "<img src> in feed content", False),
    ]


def test_an_entity_that_holds_markup_is_a_finding_on_line_one():
    svg = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY x "<script>go()</script>">\n'
        '<!ENTITY y "plain">\n]>\n<svg xmlns="http://www.w3.org/2000/svg"/>'
    )
    parser = etree.XMLParser(resolve_entities=False, load_dtd=False)
    tree = etree.ElementTree(etree.fromstring(svg.encode(), parser))
    assert xml_scripts(tree, _kind) == [(1, "<!ENTITY x> that holds markup")]


def test_an_svg_files_fetches_after_a_comment_and_with_a_plain_href():
    tree = _svg(
        "<!-- drawn by hand -->\n"
        '<image href="https://a.example/i.png"/>\n'
        '<use xlink:href="https://b.example/u.svg#x"/>\n'
        "<style>rect { fill: url(https://c.example/f.svg#g) }</style>"
    )
    assert svg_refs(tree, "icon.svg") == [
        Ref("https://a.example/i.png", 3, "<image>", True),
        Ref("https://b.example/u.svg#x", 4, "<use>", True),
        Ref("https://c.example/f.svg#g", 5, "url() in icon.svg", True),
    ]


def test_links_of_a_feed_after_a_comment_keep_their_lines():
    feed = (
        '<feed xmlns="http://www.w3.org/2005/Atom">\n<!-- generated -->\n'
        '<link href="https://example.org/"/>\n<entry>\n<link href="/a/"/>\n'
        "<comments>https://example.org/a/#c</comments>\n</entry>\n</feed>"
    )
    tree = _tree(feed)
    assert xml_refs(tree) == [
        Ref("https://example.org/", 3, "<link href>", False),
        Ref("/a/", 5, "<link href>", False),
        Ref("https://example.org/a/#c", 6, "<comments>", False),
    ]


# --- edges the rules depend on -------------------------------------------------------


def test_a_handler_needs_only_one_letter_after_on():
    page = page_of('<p on="x" onx="go()">a</p>')
    assert page.inline == [(7, "<p onx=...> inline event handler", FIX_HANDLER)]


def test_a_picture_source_srcset_is_fetched():
    page = page_of('<picture><source srcset="/s.webp 1x, /t.webp 2x"></picture>')
    assert page.refs == [
        Ref("/s.webp", 7, "<source srcset>", True),
        Ref("/t.webp", 7, "<source srcset>", True),
    ]


def test_a_video_object_and_form_without_their_url_reference_nothing():
    page = page_of(
        '<video controls></video><object type="image/svg+xml"></object>'
        '<form method="post"></form>'
    )
    assert page.refs == [] and page.inline == []


def test_the_title_is_the_heads_first_title_element_and_nothing_else():
    page = page_of("", "<style>p {}</style>\n<title>The page</title><title>Not</title>")
    assert page.title == "The page"
    assert page_of("", "<style>p {}</style>").title is None  # no <title>: a finding
    assert page_of("<svg><title>Not this</title></svg>").title is None


def test_a_fetched_request_after_a_plain_link_is_still_found(tmp_path):
    site = site_of(
        tmp_path,
        {
            "index.html": '<html><body>\n<a href="https://elsewhere.example/">x</a>\n'
            '<img src="https://pics.example/i.png">\n</body></html>'
        },
    )
    assert check_third_party(site) == [
        Finding(
            "third-party",
            "index.html",
            3,
            "<img src> requests pics.example: https://pics.example/i.png",
            FIX_EXTERNAL,
        )
    ]


def test_only_the_search_page_may_load_pagefind_and_the_themes_search_script(
    tmp_path,
):
    scripts = (
        '<html><head>\n<script type="module" src="/pagefind/pagefind.js"></script>\n'
        '<script src="/theme/js/search.js"></script>\n'
        '<script src="/extra/x.js"></script>\n</head></html>'
    )
    site = site_of(
        tmp_path,
        {"search/index.html": scripts, "a/index.html": scripts},
        {**SETTINGS, "SEARCH": True},
    )
    fix = FIX_SCRIPT
    assert check_scripts(site) == [
        Finding("scripts", "a/index.html", 2, "<script src> loads a script", fix),
        Finding("scripts", "a/index.html", 3, "<script src> loads a script", fix),
        Finding("scripts", "a/index.html", 4, "<script src> loads a script", fix),
        Finding("scripts", "search/index.html", 4, "<script src> loads a script", fix),
    ]


def test_urls_of_an_svg_file_that_run_no_script_are_fine():
    tree = _svg('<a href="/fine/"><image href="i.png"/></a>\n<rect id="javascript:"/>')
    assert xml_scripts(tree, _kind) == []
