"""Jinja filters the theme uses, added to JINJA_FILTERS by the site plugin."""

from functools import lru_cache
from html import escape
from html.parser import HTMLParser

from babel import Locale, UnknownLocaleError
from jinja2 import pass_context

# Attributes whose value names an element's id. With the ids of a summary gone, these
# would point at nothing (an HTML5 error), so they go too.
IDREF_ATTRIBUTES = frozenset(
    {
        "for",
        "form",
        "list",
        "headers",
        "popovertarget",
        "aria-activedescendant",
        "aria-controls",
        "aria-describedby",
        "aria-details",
        "aria-errormessage",
        "aria-flowto",
        "aria-labelledby",
        "aria-owns",
    }
)


# One post's summary is shown on the index, its author's, category's and tags' pages.
@lru_cache(maxsize=4096)
def listing_summary(summary, article_url):
    """An article's summary as shown among others on an index, tag, category or author
    page: without ids, and with its in-page links (`#fn:1`, a table of contents) pointed
    at the article's own page.

    The ids belong to the article's page. Two posts that both open with "## Background"
    would otherwise put id="background" twice on one listing page, and a footnote
    reference would jump to a footnote that the summary cut off."""
    rewriter = _SummaryRewriter(article_url)
    rewriter.feed(summary or "")
    rewriter.close()
    return "".join(rewriter.parts)


class _SummaryRewriter(HTMLParser):
    """Copies HTML through unchanged except for the start tags it has to rewrite, as
    Pelican's own summary truncator (pelican.utils) walks HTML with html.parser."""

    def __init__(self, article_url):
        super().__init__(convert_charrefs=False)
        self.article_url = article_url
        self.parts = []

    def handle_starttag(self, tag, attrs):
        self.parts.append(self._start(tag, attrs, ">"))

    def handle_startendtag(self, tag, attrs):
        self.parts.append(self._start(tag, attrs, " />"))

    def _start(self, tag, attrs, end):
        names = {name for name, _ in attrs}
        href = dict(attrs).get("href") or ""
        if not (names & IDREF_ATTRIBUTES or "id" in names or href.startswith("#")):
            return self.get_starttag_text()
        kept = []
        for name, value in attrs:
            if name == "id" or name in IDREF_ATTRIBUTES:
                continue
            if name == "href" and value.startswith("#"):
                value = self.article_url + (value if value != "#" else "")
            kept.append(name if value is None else f'{name}="{escape(value)}"')
        return "<" + " ".join([tag, *kept]) + end

    def handle_endtag(self, tag):
        self.parts.append(f"</{tag}>")

    def handle_data(self, data):
        self.parts.append(data)

    def handle_entityref(self, name):
        self.parts.append(f"&{name};")

    def handle_charref(self, name):
        self.parts.append(f"&#{name};")

    def handle_comment(self, data):
        self.parts.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.parts.append(f"<!{decl}>")

    def handle_pi(self, data):
        self.parts.append(f"<?{data}>")

    def unknown_decl(self, data):
        self.parts.append(f"<![{data}]>")


def language_name(code):
    """A language code as its speakers write its name: "fr" -> "Français" (CLDR data,
    through Babel). An unknown code is shown as it is."""
    try:
        locale = Locale.parse(str(code).replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return str(code)
    name = locale.get_display_name(locale) or str(code)
    return name[:1].upper() + name[1:]


@pass_context
def terms_with_pages(context, kind):
    """The terms of the context's `kind` ("tags", "categories", "authors") that have a
    page. Looked up from the context only when called, so that a page which never needs
    it (a published original) does not depend on every post's terms in preview mode."""
    return [term for term, _ in context.get(kind) or ()]


FILTERS = {
    "listing_summary": listing_summary,
    "language_name": language_name,
    "terms_with_pages": terms_with_pages,
}
