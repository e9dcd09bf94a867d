"""`invoke check` passes on the published sample site and fails on a seeded broken copy,
with one test per failure class. Each seeded test also proves the other checks stay
quiet, so a finding is attributed to the right check."""

import re

import pytest
from hardening_support import PUBLISH_SETTINGS, SITEURL, needs_java, run_invoke

pytestmark = pytest.mark.slow

POST = "2013/04/asking-for-a-coffee/index.html"


def failing(report):
    return {r.name for r in report.results if r.findings}


def findings_of(report, check):
    assert failing(report) == {check}, _explain(report)
    result = next(r for r in report.results if r.name == check)
    return result.findings


def _explain(report):
    return "\n".join(
        f"{f.check} {f.file}:{f.line} {f.problem}" for f in report.findings
    )


# --- the clean site --------------------------------------------------------------


@needs_java
def test_published_sample_site_passes_every_check(published_site):
    report = published_site.run(skip=())
    assert report.findings == [], _explain(report)
    assert all(not r.unavailable for r in report.results), [
        (r.name, r.unavailable) for r in report.results
    ]
    assert report.ok
    assert report.counts["HTML"] > 10 and report.counts["XML"] > 3


def test_published_sample_site_passes_without_the_validator(published_site):
    report = published_site.run()
    assert report.ok, _explain(report)
    html5 = next(r for r in report.results if r.name == "html5")
    assert html5.skipped


def test_local_sample_site_passes(sample_site):
    from pelican.settings import read_settings

    from pelican.plugins.rapport_site.check import run_checks

    settings = read_settings(
        str(PUBLISH_SETTINGS.with_name("pelicanconf.py")),
        override={"OUTPUT_PATH": str(sample_site.output)},
    )
    report = run_checks(sample_site.output, settings, skip=("html5",))
    assert report.findings == [], _explain(report)


# --- seeded HTML: one failure class per case ------------------------------------

HEAD, MAIN = "</head>", "</main>"

SEEDS = {
    "external-stylesheet": (
        HEAD,
        '<link rel="stylesheet" href="https://fonts.example.com/css2?family=X">',
        "third-party",
        "fonts.example.com",
    ),
    "protocol-relative-icon": (
        HEAD,
        '<link rel="icon" href="//icons.example.org/i.png">',
        "third-party",
        "icons.example.org",
    ),
    "preload": (
        HEAD,
        '<link rel="preload" as="font" href="https://fonts.example.com/f.woff2" crossorigin>',
        "third-party",
        "fonts.example.com",
    ),
    "external-image": (
        MAIN,
        '<img alt="" src="https://tracker.example.com/pixel.gif">',
        "third-party",
        "tracker.example.com",
    ),
    "srcset": (
        MAIN,
        f'<img alt="" src="{SITEURL}/favicon.svg" '
        f'srcset="{SITEURL}/favicon.svg 1x, https://img.example.org/a.png 2x">',
        "third-party",
        "img.example.org",
    ),
    "meta-refresh": (
        HEAD,
        '<meta http-equiv="refresh" content="0; url=https://elsewhere.example/">',
        "third-party",
        "elsewhere.example",
    ),
    "inline-script": (
        MAIN,
        '<script>document.title = "x";</script>',
        "inline-code",
        "inline <script>",
    ),
    "style-attribute": (
        MAIN,
        '<p style="color: red">Red</p>',
        "inline-code",
        "style=",
    ),
    "onclick": (
        MAIN,
        '<button type="button" onclick="go()">Go</button>',
        "inline-code",
        "onclick",
    ),
    "javascript-url": (
        MAIN,
        '<a href="javascript:alert(1)">x</a>',
        "inline-code",
        "javascript:",
    ),
    "javascript-formaction": (
        MAIN,
        '<form><button formaction="javascript:alert(1)">x</button></form>',
        "inline-code",
        "<button formaction> holds a javascript: URL",
    ),
    "javascript-svg-set": (
        MAIN,
        '<svg><a><set attributeName="href" to="javascript:alert(1)"/>'
        '<text y="9">x</text></a></svg>',
        "inline-code",
        "<set to> holds a javascript: URL",
    ),
    "javascript-svg-animate": (
        MAIN,
        '<svg><a><animate attributeName="href" values="javascript:alert(1)"/>'
        '<text y="9">x</text></a></svg>',
        "inline-code",
        "<animate values> holds a javascript: URL",
    ),
    "broken-link": (
        MAIN,
        f'<a href="{SITEURL}/no/such/page/">x</a>',
        "links",
        "no/such/page/index.html",
    ),
    "broken-relative-link": (
        MAIN,
        '<a href="../../../2099/01/nothing/">x</a>',
        "links",
        "2099/01/nothing/index.html",
    ),
    "broken-anchor": (
        MAIN,
        f'<a href="{SITEURL}/pages/about/#nowhere">x</a>',
        "links",
        'id="nowhere"',
    ),
    "broken-same-page-anchor": (
        MAIN,
        '<a href="#nowhere">x</a>',
        "links",
        'id="nowhere"',
    ),
    "broken-asset": (
        MAIN,
        f'<img alt="" src="{SITEURL}/images/missing.png">',
        "links",
        "images/missing.png",
    ),
}


@pytest.mark.parametrize("case", sorted(SEEDS))
def test_seeded_html_problem_is_found_with_file_and_line(broken_site, case):
    anchor, snippet, check, expected = SEEDS[case]
    broken_site.replace(POST, anchor, f"{snippet}\n{anchor}")
    line = broken_site.line_of(POST, snippet)

    found = findings_of(broken_site.run(), check)

    assert [(f.file, f.line) for f in found] == [(POST, line)]
    assert expected in found[0].problem
    assert found[0].fix


def test_an_external_script_is_a_request_and_a_script(broken_site):
    snippet = '<script src="https://cdn.example.net/app.js"></script>'
    broken_site.replace(POST, HEAD, f"{snippet}\n{HEAD}")
    line = broken_site.line_of(POST, snippet)
    report = broken_site.run()
    assert failing(report) == {"third-party", "scripts"}, _explain(report)
    assert [(f.check, f.line) for f in report.findings] == [
        ("third-party", line),
        ("scripts", line),
    ]
    assert "cdn.example.net" in report.findings[0].problem


def test_ordinary_outbound_links_and_svg_namespace_are_fine(broken_site):
    broken_site.replace(
        POST,
        MAIN,
        '<p><a href="https://example.org/elsewhere">out</a> <a href="mailto:a@b.example">'
        'mail</a></p><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1" '
        'aria-hidden="true"><path d="M0 0h1v1z"/></svg>\n' + MAIN,
    )
    report = broken_site.run()
    assert report.ok, _explain(report)


def test_style_element_is_inline_code_and_its_urls_are_requests(broken_site):
    broken_site.replace(
        POST,
        HEAD,
        "<style>\nbody { background: url(https://img.example.org/bg.png); }\n</style>\n"
        + HEAD,
    )
    report = broken_site.run()
    assert failing(report) == {"inline-code", "third-party"}
    third = next(r for r in report.results if r.name == "third-party").findings
    assert third[0].line == broken_site.line_of(POST, "img.example.org")


def test_json_ld_is_allowed_but_must_parse(broken_site):
    broken_site.replace(
        POST,
        HEAD,
        '<script type="application/ld+json">{"@type": "Person"}</script>\n' + HEAD,
    )
    assert broken_site.run().ok
    broken_site.replace(
        POST, HEAD, '<script type="application/ld+json">{"@type": </script>\n' + HEAD
    )
    found = findings_of(broken_site.run(), "inline-code")
    assert "JSON-LD does not parse" in found[0].problem


# --- scripts: none runs, not even the site's own ----------------------------------


@pytest.mark.parametrize(
    "tag",
    [
        '<script src="{}/extra/x.js"></script>',
        '<script type="module" src="{}/extra/x.js"></script>',
        '<script type="text/javascript" src="{}/extra/x.js" defer></script>',
    ],
)
def test_a_same_origin_script_file_is_a_finding(broken_site, tag):
    broken_site.write("extra/x.js", "document.title = 'x';\n")
    snippet = tag.format(SITEURL)
    broken_site.replace(POST, MAIN, f"{snippet}\n{MAIN}")
    found = findings_of(broken_site.run(), "scripts")
    assert [(f.file, f.line) for f in found] == [
        (POST, broken_site.line_of(POST, "extra/x.js"))
    ]
    assert "<script src>" in found[0].problem and "script-src 'none'" in found[0].fix


SEARCH = "search/index.html"


def test_the_search_page_loads_pagefind_and_its_own_script_only(broken_site):
    """The one exception: the search page's scripts from the Pagefind bundle and the
    theme's js/search.js pass; any other script there is a finding."""
    text = broken_site.text(SEARCH)
    assert "/theme/js/search.js" in text
    report = broken_site.run()
    assert failing(report) == set(), _explain(report)
    broken_site.write("extra/x.js", "document.title = 'x';\n")
    broken_site.replace(
        SEARCH,
        "</head>",
        f'<script type="module" src="{SITEURL}/pagefind/pagefind.js"></script>\n'
        f'<script src="{SITEURL}/extra/x.js"></script>\n</head>',
    )
    found = findings_of(broken_site.run(), "scripts")
    assert [(f.file, f.line) for f in found] == [
        (SEARCH, broken_site.line_of(SEARCH, "extra/x.js"))
    ]


def test_pagefind_on_any_other_page_is_a_finding(broken_site):
    broken_site.replace(
        POST, MAIN, f'<script src="{SITEURL}/pagefind/pagefind.js"></script>\n{MAIN}'
    )
    found = findings_of(broken_site.run(), "scripts")
    assert [f.file for f in found] == [POST]


SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="go()"
  xmlns:xlink="http://www.w3.org/1999/xlink">
  <script>alert(document.domain)</script>
  <a xlink:href=" java&#9;script:alert(1)"><rect width="5" height="5"/></a>
  <set attributeName="fill" to="red"/>
  <svg:script xmlns:svg="http://www.w3.org/2000/svg" href="x.js"/>
  <rect width="1" height="1" fill="url(#g)"/>
  <set attributeName="href" to="javascript:alert(2)"/>
  <foo:x xmlns:foo="urn:example" onload="not SVG, not run"/>
</svg>
"""


def test_scripts_handlers_and_javascript_urls_in_an_svg_file(broken_site):
    broken_site.write("images/drawing.svg", SVG)
    found = findings_of(broken_site.run(), "scripts")
    got = [(f.file, f.line, f.problem) for f in found]
    assert got == [
        ("images/drawing.svg", 2, "<svg onload=...> event handler in an SVG file"),
        ("images/drawing.svg", 3, "<script> element in an SVG file"),
        ("images/drawing.svg", 4, "<a href> javascript: URL in an SVG file"),
        ("images/drawing.svg", 6, "<script> element in an SVG file"),
        ("images/drawing.svg", 8, "<set to> javascript: URL in an SVG file"),
    ]
    assert all("GitHub Pages" in f.fix for f in found)


def test_a_script_after_a_comment_and_foreign_markup_in_an_svg_file(broken_site):
    """Comments and elements of other namespaces (metadata, Inkscape's own) are passed
    over, not an end to the search: the script after them is still found."""
    broken_site.write(
        "images/after.svg",
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:rdf="http://www.w3.org/1999/'
        '02/22-rdf-syntax-ns#">\n<!-- drawn by hand -->\n<rdf:RDF/>\n'
        "<script>alert(1)</script>\n</svg>\n",
    )
    found = findings_of(broken_site.run(), "scripts")
    assert [(f.file, f.line, f.problem) for f in found] == [
        ("images/after.svg", 4, "<script> element in an SVG file")
    ]


def test_a_script_in_an_xml_file_is_a_finding(broken_site):
    broken_site.write(
        "extra/page.xml",
        '<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">\n'
        "<body><script>alert(1)</script></body></html>\n",
    )
    found = findings_of(broken_site.run(), "scripts")
    assert [(f.file, f.line, f.problem) for f in found] == [
        ("extra/page.xml", 3, "<script> element in an XML file")
    ]


@pytest.mark.parametrize("name", ["extra/page.xhtml", "extra/page.xht"])
def test_a_script_in_an_xhtml_file_is_a_finding(broken_site, name):
    """Hosts serve .xhtml and .xht as application/xhtml+xml: a document whose scripts
    run, with no CSP on GitHub Pages."""
    broken_site.write(
        name,
        '<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">\n'
        "<body><script>alert(1)</script></body></html>\n",
    )
    found = findings_of(broken_site.run(), "scripts")
    assert [(f.file, f.line, f.problem) for f in found] == [
        (name, 3, "<script> element in an XML file")
    ]


def test_a_script_in_an_shtml_page_is_a_finding(broken_site):
    """Hosts serve .shtml as text/html: it is a page like any other."""
    page = broken_site.text(POST).replace(MAIN, f"<script>alert(1)</script>\n{MAIN}")
    broken_site.write("extra/page.shtml", page)
    found = findings_of(broken_site.run(), "inline-code")
    assert [(f.file, f.problem) for f in found] == [
        ("extra/page.shtml", "inline <script> element")
    ]


def test_an_iframe_srcdoc_is_inline_code_in_a_page_and_in_an_svg_file(broken_site):
    """srcdoc is a whole document of the site's origin, written inline: its script runs
    where the embedding file has no CSP (an SVG file on GitHub Pages)."""
    script = "&lt;script&gt;alert(1)&lt;/script&gt;"
    broken_site.replace(POST, MAIN, f'<iframe srcdoc="{script}"></iframe>\n{MAIN}')
    broken_site.write(
        "images/frame.svg",
        '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject>\n'
        f'<iframe xmlns="http://www.w3.org/1999/xhtml" srcdoc="{script}"/>\n'
        "</foreignObject></svg>\n",
    )
    found = broken_site.run().findings
    assert [(f.check, f.file, f.line, f.problem) for f in found] == [
        (
            "inline-code",
            POST,
            broken_site.line_of(POST, "srcdoc"),
            "<iframe srcdoc> inline document",
        ),
        (
            "scripts",
            "images/frame.svg",
            2,
            "<iframe srcdoc> inline document in an SVG file",
        ),
    ], _explain(broken_site.run())


def test_a_script_an_internal_entity_expands_to_in_an_svg_file(broken_site):
    """A browser expands an SVG file's own <!ENTITY> declarations, script included."""
    broken_site.write(
        "images/entity.svg",
        '<!DOCTYPE svg [<!ENTITY s "&#60;script&#62;alert(1)&#60;/script&#62;">]>\n'
        '<svg xmlns="http://www.w3.org/2000/svg">\n&s;</svg>\n',
    )
    found = findings_of(broken_site.run(), "scripts")
    assert [(f.file, f.problem) for f in found] == [
        ("images/entity.svg", "<!ENTITY s> that holds markup in an SVG file")
    ]


def test_a_plain_svg_file_passes(broken_site):
    broken_site.write(
        "images/plain.svg",
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1">'
        '<a href="https://example.org/"><path d="M0 0h1v1z"/></a></svg>\n',
    )
    assert broken_site.run().ok, _explain(broken_site.run())


# --- style sheets, feeds, sitemap, XML --------------------------------------------

CSS = "theme/css/main.css"


def test_css_url_to_another_host(broken_site):
    broken_site.write(
        CSS,
        broken_site.text(CSS)
        + '\n@font-face {\n  font-family: X;\n  src: url("https://fonts.example.com/x.woff2");\n}\n'
        + "/* url(https://commented.example.com/out.png) is not a request */\n",
    )
    found = findings_of(broken_site.run(), "third-party")
    assert [(f.file, f.line) for f in found] == [
        (CSS, broken_site.line_of(CSS, "fonts.example.com"))
    ]


def test_css_import_and_broken_css_asset(broken_site):
    broken_site.write(
        CSS,
        '@import "https://cdn.example.net/reset.css";\n'
        + broken_site.text(CSS)
        + "\n.x { background: url(../images/gone.png); }\n",
    )
    report = broken_site.run()
    assert failing(report) == {"third-party", "links"}
    links = next(r for r in report.results if r.name == "links").findings
    assert "theme/images/gone.png" in links[0].problem


FEED = "feeds/all.atom.xml"
FEED_ENTRY = f'<link href="{SITEURL}/2015/11/from-thread-to-meeting/" rel="alternate"/>'


def test_broken_feed_entry_link(broken_site):
    broken_site.replace(
        FEED, FEED_ENTRY, FEED_ENTRY.replace("from-thread", "gone-thread")
    )
    found = findings_of(broken_site.run(), "links")
    assert [f.file for f in found] == [FEED]
    assert "2015/11/gone-thread-to-meeting/index.html" in found[0].problem


def test_broken_link_inside_feed_content(broken_site):
    text = broken_site.text(FEED)
    link = f"&lt;a href=&#34;{SITEURL}/2013/04/asking-for-a-coffee/&#34;"
    if link not in text:
        link = f'&lt;a href="{SITEURL}/2013/04/asking-for-a-coffee/"'
    broken_site.replace(FEED, link, link.replace("asking-for", "begging-for"))
    found = findings_of(broken_site.run(), "links")
    assert {f.file for f in found} == {FEED}
    assert "feed content" in found[0].problem


def test_broken_self_link_through_feed_domain(broken_site):
    self_link = f'<link href="{SITEURL}/feeds/all.atom.xml" rel="self"/>'
    broken_site.replace(
        FEED, self_link, self_link.replace("all.atom", "everything.atom")
    )
    found = findings_of(broken_site.run(), "links")
    assert "feeds/everything.atom.xml" in found[0].problem


def test_broken_sitemap_loc(broken_site):
    loc = f"<loc>{SITEURL}/pages/about/</loc>"
    broken_site.replace("sitemap.xml", loc, loc.replace("about", "aboot"))
    found = findings_of(broken_site.run(), "links")
    assert [(f.file, f.line) for f in found] == [
        ("sitemap.xml", broken_site.line_of("sitemap.xml", "aboot"))
    ]


def test_broken_robots_sitemap_line(broken_site):
    broken_site.replace("robots.txt", "sitemap.xml", "site-map.xml")
    found = findings_of(broken_site.run(), "links")
    assert [f.file for f in found] == ["robots.txt"]


def test_invalid_xml(broken_site):
    broken_site.replace("sitemap.xml", "</urlset>", "")
    found = findings_of(broken_site.run(), "xml")
    assert found[0].file == "sitemap.xml"
    assert "not well-formed" in found[0].problem


def test_unescaped_ampersand_in_feed_is_invalid_xml(broken_site):
    broken_site.replace(FEED, "<title>", "<title>Fish & chips ", 1)
    found = findings_of(broken_site.run(), "xml")
    assert (found[0].file, found[0].line) == (FEED, 2)


def test_invalid_json(broken_site):
    broken_site.write("search.json", '{"pages": [\n')
    found = findings_of(broken_site.run(), "xml")
    assert found[0].file == "search.json"


@needs_java
def test_invalid_html(broken_site):
    broken_site.replace(POST, MAIN, "<p><div>block in a paragraph</p>\n" + MAIN)
    found = findings_of(broken_site.run(skip=()), "html5")
    line = broken_site.line_of(POST, "block in a paragraph")
    # The seeded line of this post must be among the findings.
    assert {f.line for f in found if f.file == POST} >= {line}, _explain_list(found)


def _explain_list(found):
    return "\n".join(f"{f.file}:{f.line} {f.problem}" for f in found)


# --- page metadata -----------------------------------------------------------------

METADATA = {
    "title": (r"<title>.*?</title>", "<title>"),
    "description": (r'<meta name="description"[^>]*>', 'meta name="description"'),
    "canonical": (r'<link rel="canonical"[^>]*>', 'rel="canonical"'),
    "lang": (r'<html lang="en">', "html lang"),
}


@pytest.mark.parametrize("what", sorted(METADATA))
def test_missing_page_metadata(broken_site, what):
    pattern, expected = METADATA[what]
    text = broken_site.text(POST)
    assert re.search(pattern, text), pattern
    broken_site.write(
        POST, re.sub(pattern, "<html>" if what == "lang" else "", text, count=1)
    )
    found = findings_of(broken_site.run(), "metadata")
    assert [(f.file, f.problem) for f in found] == [(POST, found[0].problem)]
    assert expected in found[0].problem


def test_empty_title_counts_as_missing(broken_site):
    text = broken_site.text(POST)
    broken_site.write(
        POST, re.sub(r"<title>.*?</title>", "<title>  </title>", text, count=1)
    )
    assert "<title>" in findings_of(broken_site.run(), "metadata")[0].problem


# --- privacy -------------------------------------------------------------------------


def _unlisted_person():
    from hardening_support import published_settings

    from pelican.plugins.rapport_people.model import load_people
    from pelican.plugins.rapport_people.settings import people_dir, resolve

    settings = resolve(published_settings("/nonexistent"))
    people = load_people(people_dir(settings), None)
    unlisted = [p for p in people.persons if not p.listed]
    assert unlisted, "the sample contact log should hold an unlisted person"
    return unlisted[0]


def test_privacy_hit_names_file_and_field_never_the_value(broken_site):
    person = _unlisted_person()
    broken_site.replace(POST, MAIN, f"<p>Coffee with {person.name}.</p>\n{MAIN}")
    found = findings_of(broken_site.run(), "privacy")
    assert found[0].file == POST
    assert person.slug in found[0].problem and "name" in found[0].problem
    assert person.name not in found[0].problem + found[0].fix


def test_the_search_index_is_audited_decompressed(broken_site):
    """Pagefind gzips its fragments: a name in one is found all the same."""
    import gzip

    person = _unlisted_person()
    fragment = f'pagefind_dcd{{"url": "/x/", "content": "Coffee with {person.name}."}}'
    broken_site.write("pagefind/fragment/en_0000000.pf_fragment", "")
    path = broken_site.output / "pagefind/fragment/en_0000000.pf_fragment"
    path.write_bytes(gzip.compress(fragment.encode("utf-8"), mtime=0))
    found = findings_of(broken_site.run(), "privacy")
    assert [f.file for f in found] == ["pagefind/fragment/en_0000000.pf_fragment"]
    assert person.name not in found[0].problem + found[0].fix


# --- the command line ------------------------------------------------------------


def test_invoke_check_passes_on_the_published_site(published_site):
    result = run_invoke(
        "check",
        "--output",
        str(published_site.output),
        "--settings",
        str(PUBLISH_SETTINGS),
        "--skip",
        "html5",
        env={"SITEURL": SITEURL},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All checks passed." in result.stdout


def test_invoke_check_fails_with_a_readable_report(broken_site):
    broken_site.replace(POST, MAIN, '<p style="color: red">x</p>\n' + MAIN)
    broken_site.replace(
        POST, HEAD, '<script src="https://cdn.example.net/a.js"></script>\n' + HEAD
    )
    result = run_invoke(
        "check",
        "-o",
        str(broken_site.output),
        "-s",
        str(PUBLISH_SETTINGS),
        "--skip",
        "html5",
        env={"SITEURL": SITEURL},
    )
    assert result.returncode == 1
    out = result.stdout
    assert "✗ third-party" in out and "✗ inline-code" in out and "✗ scripts" in out
    assert POST in out and "cdn.example.net" in out
    assert "Fix:" in out
    assert "Site check failed: 3 problems in third-party, inline-code, scripts." in out
    assert "Error: the site check failed" in result.stderr


def test_invoke_check_on_a_missing_folder_says_build_first(tmp_path):
    result = run_invoke("check", "--output", str(tmp_path / "nope"))
    assert result.returncode == 1
    assert "does not exist; build the site first" in result.stderr


def test_unknown_skip_name_is_refused(published_site):
    result = run_invoke("check", "-o", str(published_site.output), "--skip", "lniks")
    assert result.returncode == 1
    assert "unknown check(s) lniks" in result.stderr


def test_missing_java_skips_the_html5_check_and_says_what_to_install(
    published_site, monkeypatch, tmp_path
):
    monkeypatch.setenv("PATH", str(tmp_path))  # no java on this PATH
    report = published_site.run(skip=())
    html5 = next(r for r in report.results if r.name == "html5")
    assert "Java is not installed" in html5.unavailable
    assert "default-jre-headless" in html5.unavailable
    assert "--skip html5" in html5.unavailable
    # After `bootstrap.py build` (no Java, no validator) the other checks still decide.
    assert report.ok
