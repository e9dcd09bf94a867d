"""A strict reading of generated HTML: what elements, attributes and URLs it holds.

Uses the standard library's tolerant HTML tokenizer (it never refuses input), so a
test sees exactly what a browser's tokenizer would see, including broken markup.
"""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"

# Characters browsers strip or ignore inside a URL scheme ("java\tscript:").
_SCHEME_NOISE = re.compile(r"[\x00-\x20\x7f]+")
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:image/svg")
URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "action",
        "formaction",
        "poster",
        "data",
        "xlink:href",
        "background",
    }
)


def xss_corpus():
    """The hostile strings of tests/fixtures/hostile/xss.json (a list of str)."""
    return json.loads((HOSTILE / "xss.json").read_text(encoding="utf-8"))


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, {attr: value})
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def read_html(markup):
    """(elements, text) of an HTML string: [(tag, {attr: value})], visible text."""
    collector = _Collector()
    collector.feed(str(markup))
    collector.close()
    return collector.elements, "".join(collector.text)


def dangerous(markup, allowed_tags=None, allow_json_ld=True, own=()):
    """Every way ``markup`` could run script or load a page: [(what, detail)].

    own: (tag, attrs) of elements the theme itself writes (the search forms and the
    search page's script), passed over when they appear exactly so."""
    problems = []
    elements, _text = read_html(markup)
    for tag, attrs in elements:
        if (tag, attrs) in own:
            continue
        if tag == "script":
            if not (allow_json_ld and attrs.get("type") == "application/ld+json"):
                problems.append(("script element", str(attrs)[:120]))
        elif tag in ("iframe", "object", "embed", "frame", "base", "style", "form"):
            problems.append((f"{tag} element", str(attrs)[:120]))
        if allowed_tags is not None and tag not in allowed_tags:
            problems.append(("unexpected element", tag))
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(("event handler", f"<{tag} {name}>"))
            if name == "style":
                problems.append(("style attribute", f"<{tag}>"))
            if name in URL_ATTRIBUTES or name == "srcset":
                squashed = _SCHEME_NOISE.sub("", value).lower()
                if squashed.startswith(DANGEROUS_SCHEMES):
                    problems.append(("script URL", f"<{tag} {name}={value[:60]!r}>"))
            if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
                problems.append(("meta refresh", attrs.get("content", "")))
    return problems
