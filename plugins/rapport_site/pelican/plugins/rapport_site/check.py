"""`invoke check`: an audit of a built site (output/), as a list of findings per named check.

Each HTML file is parsed once (lxml) into a `Page` that holds what the checks need: the
URLs it references, its inline code, its ids and its head metadata. Each check is a small
function `(site) -> list[Finding]`; `run_checks` runs them and returns a `Report` that
`check_report.render` prints. The HTML5 validator (Java) runs in the background meanwhile.
"""

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from . import search
from .check_html5 import Html5Run, Html5Unavailable
from .check_urls import UrlMap, css_urls, refresh_url, srcset_urls

# What hosts (GitHub Pages, Netlify: the mime-db types) serve as a page or as an XML
# document a browser renders, where script can run: each is checked as one.
HTML_SUFFIXES = (".html", ".htm", ".shtml")
XML_SUFFIXES = (".xml", ".atom", ".rss", ".svg", ".xhtml", ".xht", ".xsl", ".xslt")
JSON_SUFFIXES = (".json", ".webmanifest")
# <link rel> values that make the browser fetch the href.
FETCH_RELS = frozenset(
    [
        "stylesheet",
        "icon",
        "shortcut",
        "apple-touch-icon",
        "apple-touch-icon-precomposed",
        "mask-icon",
        "manifest",
        "preload",
        "prefetch",
        "modulepreload",
        "preconnect",
        "dns-prefetch",
        "prerender",
    ]
)
# Elements whose src (and srcset, poster, data) the browser fetches on load.
SRC_TAGS = frozenset(
    [
        "img",
        "script",
        "iframe",
        "frame",
        "embed",
        "audio",
        "video",
        "source",
        "track",
        "input",
    ]
)
SVG_HREF_TAGS = frozenset({"image", "use", "feimage", "script"})
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

FIX_EXTERNAL = (
    "serve the file from this site (put it under theme/static/ or content/extra/ and "
    "write {{ SITEURL }}/...), or drop it: pages must not request other hosts"
)
FIX_SCRIPT = (
    "remove it: no page but the search page runs JavaScript and the CSP "
    "(script-src 'none') blocks every script; structured data belongs in "
    '<script type="application/ld+json">'
)
FIX_XML_SCRIPT = (
    "remove it from the file: an SVG or XML file opened on its own is a document, and "
    "on a host without the CSP header (GitHub Pages) its script runs on the site's origin"
)
FIX_STYLE = (
    "give the element a class and put the rule in a style sheet under "
    "theme/static/css/: the CSP (default-src 'self') blocks inline styles"
)
FIX_HANDLER = (
    "remove the attribute: the CSP blocks inline event handlers and the site needs no "
    "JavaScript"
)


@dataclass(frozen=True)
class Finding:
    """One problem: where it is (file relative to the output folder, line), what, the fix."""

    check: str
    file: str
    line: int | None
    problem: str
    fix: str


@dataclass
class Ref:
    """A URL that a file of the site references."""

    url: str
    line: int | None
    what: str  # e.g. "<img srcset>", "<a href>", "url() in main.css"
    fetch: bool  # fetched by the browser on load (vs. followed when clicked)


@dataclass
class Page:
    """What the checks need from one HTML file, extracted in a single pass."""

    path: str
    refs: list = field(default_factory=list)
    inline: list = field(default_factory=list)  # (line, problem, fix)
    scripts: list = field(
        default_factory=list
    )  # (line, src) of <script src>, not JSON-LD
    actions: list = field(default_factory=list)  # [Ref] neither fetched nor linked
    ids: set = field(default_factory=set)
    title: str | None = None
    description: str | None = None
    canonical: str | None = None
    lang: str | None = None
    parse_error: str | None = None


class CheckUnavailable(Exception):
    """A check could not run here; the message says why and what to install."""


@dataclass
class Site:
    """The built site, read once: pages, other parsed files and the URL map."""

    root: Path
    urls: UrlMap
    settings: dict
    files: set = field(default_factory=set)
    pages: dict = field(default_factory=dict)  # path -> Page
    xml: dict = field(default_factory=dict)  # path -> lxml tree, or (line, message)
    json_errors: dict = field(default_factory=dict)  # path -> (line, message)
    css: dict = field(default_factory=dict)  # path -> [Ref]
    svg: dict = field(default_factory=dict)  # path -> [Ref] an SVG file fetches
    text_refs: dict = field(
        default_factory=dict
    )  # path -> [Ref] (feeds, sitemap, robots)


def load_site(root, settings):
    """Read and parse every file of the built site under ``root``."""
    root = Path(root)
    urls = UrlMap(settings.get("SITEURL", ""), settings.get("FEED_DOMAIN", ""))
    site = Site(root=root, urls=urls, settings=settings)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            full = Path(dirpath, name)
            rel = full.relative_to(root).as_posix()
            site.files.add(rel)
            suffix = full.suffix.lower()
            if suffix in HTML_SUFFIXES:
                site.pages[rel] = parse_page(rel, full.read_bytes())
            elif suffix in XML_SUFFIXES:
                site.xml[rel] = _parse_xml(full)
                if not isinstance(site.xml[rel], tuple):
                    site.text_refs[rel] = xml_refs(site.xml[rel])
                    if suffix == ".svg":
                        site.svg[rel] = svg_refs(site.xml[rel], name)
            elif suffix in JSON_SUFFIXES:
                error = _parse_json(full)
                if error:
                    site.json_errors[rel] = error
            elif suffix == ".css":
                text = full.read_text(encoding="utf-8", errors="replace")
                site.css[rel] = [
                    Ref(url, line, f"url() in {name}", True)
                    for line, url in css_urls(text)
                ]
            elif name == "robots.txt":
                site.text_refs[rel] = robots_refs(full.read_text(errors="replace"))
    return site


_HTML_PARSER = etree.HTMLParser(encoding="utf-8", remove_blank_text=False)


def parse_page(path, data):
    """Parse one HTML file into a Page."""
    page = Page(path)
    try:
        tree = etree.fromstring(data, _HTML_PARSER)
    except (etree.ParserError, ValueError) as exc:
        page.parse_error = str(exc)
        return page
    if tree is None:
        page.parse_error = "the file is empty"
        return page
    if tree.tag == "html":
        page.lang = tree.get("lang")
    for el in tree.iter():
        if isinstance(el.tag, str):
            _extract(page, el)
    return page


def _extract(page, el):
    tag = el.tag.lower()
    line = el.sourceline
    attrs = el.attrib
    for name in attrs:
        lname = name.lower()
        if lname == "style":
            page.inline.append((line, f"<{tag} style=...> inline style", FIX_STYLE))
        elif lname.startswith("on") and len(lname) > 2:
            page.inline.append(
                (line, f"<{tag} {lname}=...> inline event handler", FIX_HANDLER)
            )
    if "srcdoc" in attrs:
        page.inline.append((line, f"<{tag} srcdoc> inline document", FIX_SCRIPT))
    if "id" in attrs:
        page.ids.add(attrs["id"])
    if tag == "a" and "name" in attrs:
        page.ids.add(attrs["name"])

    def ref(attr, fetch, url=None):
        page.refs.append(
            Ref(attrs[attr] if url is None else url, line, f"<{tag} {attr}>", fetch)
        )

    if tag == "script":
        kind = (attrs.get("type") or "").strip().lower()
        if kind == "application/ld+json":
            if "src" not in attrs:
                _check_json_ld(page, el)
        elif "src" in attrs:
            page.scripts.append((line, attrs["src"]))
        else:
            page.inline.append((line, "inline <script> element", FIX_SCRIPT))
    elif tag == "style":
        page.inline.append((line, "inline <style> element", FIX_STYLE))
        for offset, url in css_urls(el.text or ""):
            page.refs.append(Ref(url, line + offset - 1, "url() in <style>", True))
    if tag in SRC_TAGS and "src" in attrs:
        ref("src", True)
    if tag in ("img", "source") and "srcset" in attrs:
        for url in srcset_urls(attrs["srcset"]):
            ref("srcset", True, url)
    if tag == "video" and "poster" in attrs:
        ref("poster", True)
    if tag == "object" and "data" in attrs:
        ref("data", True)
    if tag in SVG_HREF_TAGS:
        for attr in ("href", "xlink:href"):
            if attr in attrs:
                ref(attr, True)
    elif tag == "link":
        rels = set((attrs.get("rel") or "").lower().split())
        if "href" in attrs:
            ref("href", bool(rels & FETCH_RELS))
        if "imagesrcset" in attrs:
            for url in srcset_urls(attrs["imagesrcset"]):
                ref("imagesrcset", True, url)
        if "canonical" in rels:
            page.canonical = attrs.get("href")
    elif tag == "base" and "href" in attrs:
        ref("href", True)  # every relative URL of the page is fetched from there
    elif tag in ("a", "area") and "href" in attrs:
        ref("href", False)
    elif tag == "form" and "action" in attrs:
        ref("action", False)
    elif tag == "meta":
        _extract_meta(page, el, ref)
    elif tag == "title" and page.title is None:
        parent = el.getparent()
        if parent is not None and parent.tag == "head":
            page.title = "".join(el.itertext())
    if tag == "body" and "background" in attrs:
        ref("background", True)
    # URLs a click or an animation follows, checked only for javascript: (a button's
    # formaction, an SVG <set to>/<animate values>, a MathML href).
    for attr in ACTION_ATTRIBUTES.intersection(attrs):
        page.actions.append(Ref(attrs[attr], line, f"<{tag} {attr}>", False))
    if "href" in attrs and tag not in _HREF_TAGS:
        page.actions.append(Ref(attrs["href"], line, f"<{tag} href>", False))


ACTION_ATTRIBUTES = frozenset({"formaction", "to", "from", "by", "values"})
_HREF_TAGS = SVG_HREF_TAGS | {"link", "base", "a", "area"}


def _extract_meta(page, el, ref):
    name = (el.get("name") or "").lower()
    if name == "description" and page.description is None:
        page.description = el.get("content")
    elif (el.get("http-equiv") or "").lower() == "refresh":
        url = refresh_url(el.get("content"))
        if url:
            ref("content", True, url)
            page.refs[-1].what = '<meta http-equiv="refresh">'
    elif (el.get("property") or "").lower() == "og:url" and el.get("content"):
        ref("content", False)
        page.refs[-1].what = '<meta property="og:url">'


def _check_json_ld(page, el):
    try:
        json.loads(el.text or "")
    except ValueError as exc:
        page.inline.append(
            (
                el.sourceline,
                f"JSON-LD does not parse: {exc}",
                "emit structured data with the |tojson filter",
            )
        )


def _parse_xml(path):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.parse(str(path), parser)
    except etree.XMLSyntaxError as exc:
        return (exc.lineno, exc.msg)


def _parse_json(path):
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        return (getattr(exc, "lineno", None), str(exc))
    return None


def xml_refs(tree):
    """Links in a feed or sitemap: Atom/RSS links, sitemap locs, links in HTML content."""
    refs = []
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        local = etree.QName(el).localname
        if local == "link" and el.get("href"):
            refs.append(Ref(el.get("href"), el.sourceline, "<link href>", False))
        elif local in ("loc", "link", "comments") and (el.text or "").strip():
            refs.append(Ref(el.text.strip(), el.sourceline, f"<{local}>", False))
        elif local in ("content", "summary", "description") and (
            el.get("type") == "html" or local == "description"
        ):
            refs.extend(_html_fragment_refs(el.text or "", el.sourceline))
    return refs


def _html_fragment_refs(html, line):
    if "<" not in html:
        return []
    refs = []
    try:
        fragment = etree.fromstring(f"<div>{html}</div>", _HTML_PARSER)
    except (etree.ParserError, ValueError):
        return refs
    if fragment is None:
        return refs
    for el in fragment.iter("a", "img"):
        attr = "href" if el.tag == "a" else "src"
        if el.get(attr):
            refs.append(
                Ref(el.get(attr), line, f"<{el.tag} {attr}> in feed content", False)
            )
    return refs


def svg_refs(tree, name):
    """What an SVG file (the favicon) fetches: images, `use` and `<style>` url()s."""
    refs = []
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        local = etree.QName(el).localname.lower()
        if local in SVG_HREF_TAGS:
            for attr in ("href", "{http://www.w3.org/1999/xlink}href"):
                if el.get(attr):
                    refs.append(Ref(el.get(attr), el.sourceline, f"<{local}>", True))
        elif local == "style":
            for offset, url in css_urls(el.text or ""):
                refs.append(
                    Ref(url, el.sourceline + offset - 1, f"url() in {name}", True)
                )
    return refs


def robots_refs(text):
    refs = []
    for number, raw in enumerate(text.splitlines(), 1):
        key, _, value = raw.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            refs.append(Ref(value.strip(), number, "Sitemap:", False))
    return refs


# --- the checks ------------------------------------------------------------------


def check_third_party(site):
    """Nothing a page, style sheet or SVG file loads (scripts, styles, images, fonts,
    icons, refresh, <base>) comes from elsewhere."""
    findings = []
    sources = [(path, page.refs) for path, page in site.pages.items()]
    sources += list(site.css.items()) + list(site.svg.items())
    for path, refs in sources:
        for ref in refs:
            if not ref.fetch:
                continue
            target = site.urls.classify(ref.url, path)
            if target.kind == "external":
                findings.append(
                    Finding(
                        "third-party",
                        path,
                        ref.line,
                        f"{ref.what} requests {target.host}: {_short(ref.url)}",
                        FIX_EXTERNAL,
                    )
                )
    return findings


def check_inline_code(site):
    """No inline script, style element, style= or on* handler; no javascript: URLs."""
    findings = []
    for path, page in site.pages.items():
        for line, problem, fix in page.inline:
            findings.append(Finding("inline-code", path, line, problem, fix))
        for ref in page.refs + page.actions:
            if site.urls.classify(ref.url, path).kind == "script":
                findings.append(
                    Finding(
                        "inline-code",
                        path,
                        ref.line,
                        f"{ref.what} holds a javascript: URL",
                        FIX_SCRIPT,
                    )
                )
    return findings


def check_scripts(site):
    """No page loads a script file; no SVG or other XML file carries script, on* or
    javascript: (opened on its own, it is a document of the site's origin)."""
    allowed = search_scripts(site)
    findings = [
        Finding("scripts", path, line, "<script src> loads a script", FIX_SCRIPT)
        for path, page in site.pages.items()
        for line, src in page.scripts
        if not allowed(path, src)
    ]
    for path, tree in site.xml.items():
        if not isinstance(tree, tuple):
            kind = "an SVG" if path.lower().endswith(".svg") else "an XML"
            findings += [
                Finding(
                    "scripts", path, line, f"{problem} in {kind} file", FIX_XML_SCRIPT
                )
                for line, problem in xml_scripts(
                    tree, lambda url, p=path: site.urls.classify(url, p).kind
                )
            ]
    return findings


def search_scripts(site):
    """allowed(page, src): the one exception to "no script", the search page loading
    Pagefind's bundle or the theme's js/search.js (SEARCH_* settings, search.py)."""
    settings = {**search.DEFAULTS, **site.settings}
    page_path = settings["SEARCH_SAVE_AS"]
    bundle = settings["SEARCH_BUNDLE_DIR"].strip("/") + "/"
    own = f"{settings.get('THEME_STATIC_DIR', 'theme')}/js/search.js"

    def allowed(path, src):
        if not settings["SEARCH"] or path != page_path:
            return False
        target = site.urls.classify(src, path)
        return target.kind == "internal" and (
            target.path.startswith(bundle) or target.path == own
        )

    return allowed


# Elements in these namespaces are live in a browser (an Atom <link> or a sitemap is
# not), and these attributes take a URL that a click or an animation can follow.
ACTIVE_NAMESPACES = frozenset(
    {
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xhtml",
        "http://www.w3.org/1998/Math/MathML",
    }
)
URL_ATTRIBUTES = ACTION_ATTRIBUTES | {"href", "src", "action", "data"}


def xml_scripts(tree, kind_of):
    """(line, problem) for each way an XML document (SVG, XHTML) can run script;
    ``kind_of(url)`` is UrlMap.classify's kind ("script" for a javascript: URL)."""
    found = []
    dtd = tree.docinfo.internalDTD
    for entity in dtd.iterentities() if dtd is not None else ():
        # Not expanded for the search below (libxml2 would leave the markup outside
        # the document's namespace), but a browser expands it, <script> and all.
        if "<" in (entity.content or ""):
            found.append((1, f"<!ENTITY {entity.name}> that holds markup"))
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        qname = etree.QName(el)
        if qname.namespace not in ACTIVE_NAMESPACES:
            continue
        local = qname.localname
        if local.lower() == "script":
            found.append((el.sourceline, "<script> element"))
        for name, value in el.attrib.items():
            attr = etree.QName(name).localname.lower()
            if attr.startswith("on") and len(attr) > 2:
                found.append((el.sourceline, f"<{local} {attr}=...> event handler"))
            elif attr == "srcdoc":
                found.append((el.sourceline, f"<{local} srcdoc> inline document"))
            elif attr in URL_ATTRIBUTES and kind_of(value) == "script":
                found.append((el.sourceline, f"<{local} {attr}> javascript: URL"))
    return found


def check_links(site):
    """Every internal link, asset and #anchor of pages, style sheets, feeds, sitemap exists."""
    findings = []
    sources = [(path, page.refs) for path, page in site.pages.items()]
    sources += list(site.css.items()) + list(site.text_refs.items())
    for path, refs in sources:
        for ref in refs:
            target = site.urls.classify(ref.url, path)
            if target.kind != "internal":
                continue
            problem = _missing(site, target)
            if problem:
                findings.append(
                    Finding(
                        "links",
                        path,
                        ref.line,
                        f"{ref.what} {_short(ref.url)}: {problem}",
                        _link_fix(target, problem),
                    )
                )
    return findings


def _missing(site, target):
    """Why an internal target does not resolve, or None when it does."""
    path = target.path
    if path not in site.files:
        if f"{path}/index.html" in site.files:
            path = f"{path}/index.html"  # static hosts redirect /folder to /folder/
        else:
            return f"no file {path} in the output"
    page = site.pages.get(path)
    if target.fragment not in ("", "top") and page and target.fragment not in page.ids:
        return f'no element with id="{target.fragment}" in {path}'
    return None


def _link_fix(target, problem):
    if problem.startswith("no element"):
        return (
            f"point the link at an id that exists in {target.path}, or add the id to "
            "the element it should land on"
        )
    return (
        "fix the URL in the template or content that wrote it, or make the build write "
        f"{target.path} (a missing static file belongs under theme/static/ or STATIC_PATHS)"
    )


def check_xml(site):
    """Every XML file (feeds, sitemap, SVG) and JSON file parses."""
    findings = []
    for path, tree in site.xml.items():
        if isinstance(tree, tuple):
            line, message = tree
            findings.append(
                Finding(
                    "xml",
                    path,
                    line,
                    f"not well-formed XML: {message}",
                    "fix the template that writes it; escape &, < and > in text",
                )
            )
    for path, (line, message) in site.json_errors.items():
        findings.append(
            Finding(
                "xml",
                path,
                line,
                f"not valid JSON: {message}",
                "write JSON with json.dumps or |tojson",
            )
        )
    return findings


def check_metadata(site):
    """Every page has html lang, a <title>, a meta description and a canonical link."""
    findings = []
    for path, page in site.pages.items():
        if page.parse_error:
            findings.append(
                Finding(
                    "metadata",
                    path,
                    None,
                    f"cannot be parsed: {page.parse_error}",
                    "check that the build wrote the whole file",
                )
            )
            continue
        missing = [
            what
            for what, value in (
                ('<html lang="...">', page.lang),
                ("<title> in <head>", page.title),
                ('<meta name="description" content="...">', page.description),
                ('<link rel="canonical" href="...">', page.canonical),
            )
            if not (value or "").strip()
        ]
        for what in missing:
            findings.append(
                Finding(
                    "metadata",
                    path,
                    None,
                    f"lacks a non-empty {what}",
                    "extend base.html and fill its title, description and canonical "
                    "blocks (DEFAULT_LANG sets lang)",
                )
            )
    return findings


def check_html5(site, run):
    """Every HTML file is valid HTML5 by the Nu validator (started before the other checks)."""
    try:
        messages = run.messages()
    except Html5Unavailable as exc:
        raise CheckUnavailable(str(exc)) from None
    return [
        Finding(
            "html5",
            path,
            line,
            message,
            "fix the template or content that wrote this markup",
        )
        for path, line, message in messages
    ]


def check_privacy(site):
    """The people plugin's privacy audit finds no private or unlisted data in the output."""
    try:
        from pelican.plugins.rapport_people import PeopleError, audit_site
    except ImportError:
        raise CheckUnavailable(
            "the people plugin (plugins/rapport_people) is not installed"
        ) from None
    if not site.settings.get("PEOPLE_AUDIT", True):
        raise CheckUnavailable("PEOPLE_AUDIT = False in the settings")
    try:
        hits = audit_site({**site.settings, "OUTPUT_PATH": str(site.root)})
    except PeopleError as exc:
        return [
            Finding(
                "privacy",
                "(contact log)",
                None,
                f"the audit cannot run, the contact log does not load: {exc}",
                "fix the person files (`invoke people.check` lists every problem)",
            )
        ]
    return [
        Finding(
            "privacy",
            hit.path,
            None,
            f"holds the {hit.field} of {hit.slug} (private or unlisted; value not shown)",
            "remove the text from the source of that page (a post, a template, a "
            "public field of another person); if it is a coincidence, add "
            "(slug, field) to PEOPLE_AUDIT_ALLOW",
        )
        for hit in hits
    ]


def _short(url, limit=90):
    return url if len(url) <= limit else url[: limit - 1] + "…"


# name -> (title, function). The HTML5 validator is handled by run_checks (background).
CHECKS = {
    "third-party": ("Requests to other hosts", check_third_party),
    "inline-code": ("Inline script, style and event handlers", check_inline_code),
    "scripts": ("Script files, and scripts in SVG and XML files", check_scripts),
    "links": ("Broken links, assets and anchors", check_links),
    "html5": ("Valid HTML5 (Nu validator)", check_html5),
    "xml": ("Well-formed XML and JSON", check_xml),
    "metadata": ("Title, description, canonical link, lang", check_metadata),
    "privacy": ("Privacy audit (private and unlisted data)", check_privacy),
}


# Checks whose absence is reported (one line: why, what to install) but does not fail:
# the privacy audit belongs to the people plugin, which a site may not use; the HTML5
# validator needs Java and requirements-dev.txt, which `bootstrap.py build` does not
# install (CI installs both, so there it always runs).
OPTIONAL = frozenset({"privacy", "html5"})


@dataclass
class CheckResult:
    name: str
    title: str
    findings: list
    unavailable: str | None = None  # why the check could not run
    skipped: bool = False


@dataclass
class Report:
    output: Path
    results: list
    counts: dict
    seconds: float

    @property
    def findings(self):
        return [f for r in self.results for f in r.findings]

    @property
    def ok(self):
        """No findings, and every check ran (the privacy audit may be absent)."""
        return not self.findings and not any(
            r.unavailable for r in self.results if r.name not in OPTIONAL
        )


def run_checks(output, settings, skip=()):
    """Audit the built site in ``output``; ``skip`` names checks to leave out."""
    output = Path(output)
    if not output.is_dir():
        raise FileNotFoundError(output)
    unknown = set(skip) - set(CHECKS)
    if unknown:
        raise ValueError(
            f"unknown check(s) {', '.join(sorted(unknown))}; the checks are "
            f"{', '.join(CHECKS)}"
        )
    started = time.perf_counter()
    html5 = None if "html5" in skip else Html5Run.start(output)
    site = load_site(output, settings)
    results = []
    for name, (title, function) in CHECKS.items():
        result = CheckResult(name, title, [])
        results.append(result)
        if name in skip:
            result.skipped = True
            continue
        try:
            found = function(site, html5) if name == "html5" else function(site)
            result.findings = sorted(
                found, key=lambda f: (f.file, f.line or 0, f.problem)
            )
        except CheckUnavailable as exc:
            result.unavailable = str(exc)
    counts = {
        "HTML": len(site.pages),
        "XML": len(site.xml),
        "CSS": len(site.css),
        "files": len(site.files),
    }
    return Report(output, results, counts, time.perf_counter() - started)
