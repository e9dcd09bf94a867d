"""The public projection of a person: the only view of a person that templates get.

`project()` copies an explicit allowlist of fields (`PUBLIC_FIELDS` of model.py plus the
rendered blurb); adding something to a page means adding it here, in one reviewed place.
"""

import functools
import html
import re
from dataclasses import dataclass

import markdown
import nh3
from markupsafe import Markup

from .model import PUBLIC_FIELDS

# What a blurb may contain once rendered. No img: a picture from another host is a
# third-party request; no iframe, script, style or event handler attributes.
BLURB_TAGS = {
    "p", "a", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "br",
    "h2", "h3", "h4", "abbr", "del", "ins", "sup", "sub", "hr", "dl", "dt", "dd",
}  # fmt: skip
BLURB_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
BLURB_URL_SCHEMES = {"http", "https", "mailto"}
_SPACE = re.compile(r"\s+")


@functools.cache
def _markdown():
    # Made on first use, not on import: `invoke --list` and every task imports this
    # module, and loading Markdown's "extra" extensions is most of its import time.
    return markdown.Markdown(
        extensions=["markdown.extensions.extra"], output_format="html"
    )


def blurb_html(text):
    """A blurb's Markdown as HTML, not yet sanitised (the one Markdown of blurbs: the
    page shows it through nh3, the audit searches what it says)."""
    converter = _markdown()
    converter.reset()
    return converter.convert(text)


def render_blurb(text):
    """Render a blurb's Markdown and sanitise it with nh3; return Markup."""
    if not text.strip():
        return Markup("")
    rendered = blurb_html(text)
    clean = nh3.clean(
        rendered,
        tags=BLURB_TAGS,
        attributes=BLURB_ATTRIBUTES,
        url_schemes=BLURB_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )
    return Markup(clean)


def summarise(blurb_html, limit):
    """First paragraph of the rendered blurb as plain text, cut at a word."""
    first = str(blurb_html).split("</p>", 1)[0]
    text = html.unescape(nh3.clean(first, tags=set()))
    text = _SPACE.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " ":  # the cut fell inside a word: drop that word
        cut = cut.rsplit(" ", 1)[0]
    cut = cut.rstrip(" ,;:.-")
    return cut + "…"


# A preview process projects every listed person on each save: each blurb (public
# text) is rendered and summarised once per process.
_rendered_blurb = functools.cache(render_blurb)
_summary = functools.cache(summarise)


@dataclass(frozen=True)
class PublicPerson:
    """What a page may show about a listed person. Built only by `project()`."""

    slug: str
    url: str
    name: str
    twitter: str | None
    bluesky: str | None
    mastodon: str | None
    website: str | None
    met: object  # model.PartialDate or None
    where: str | None
    tags: tuple
    rel: tuple
    highlights: tuple
    blurb: Markup
    summary: str
    # Filled in by the generator, not from the person file: the newest conversation on
    # X (the day its thread started; None without one), the avatar's URL and the tags'
    # (name, URL) pairs.
    last_talked: object = None
    avatar_url: str | None = None
    tag_links: tuple = ()
    # ((url, width), ...) of the resized photo, smallest first; () without one.
    photo: tuple = ()

    @property
    def twitter_url(self):
        return f"https://x.com/{self.twitter}" if self.twitter else None

    @property
    def bluesky_url(self):
        return f"https://bsky.app/profile/{self.bluesky}" if self.bluesky else None

    @property
    def mastodon_url(self):
        if not self.mastodon:
            return None
        user, instance = self.mastodon.split("@")
        return f"https://{instance}/@{user}"

    @property
    def profiles(self):
        """(network label, "@handle" as shown, URL) of each network account."""
        out = []
        if self.twitter:
            out.append(("X", f"@{self.twitter}", self.twitter_url))
        if self.bluesky:
            shown = (
                self.bluesky if self.bluesky.startswith("did:") else f"@{self.bluesky}"
            )
            out.append(("Bluesky", shown, self.bluesky_url))
        if self.mastodon:
            out.append(("Mastodon", f"@{self.mastodon}", self.mastodon_url))
        return tuple(out)

    @property
    def talked_where(self):
        """ "on X" (or the one network of their accounts), else "online"."""
        networks = [network for network, _shown, _url in self.profiles]
        return f"on {networks[0]}" if len(networks) == 1 else "online"

    @property
    def handles(self):
        """This person's account keys on every network, for their conversations."""
        return [h for h in (self.twitter, self.bluesky, self.mastodon) if h]

    @property
    def website_label(self):
        """The website without scheme or trailing slash, for link text."""
        if not self.website:
            return None
        label = re.sub(r"^https?://(www\.)?", "", self.website)
        return label.rstrip("/")

    @property
    def rel_value(self):
        return " ".join(self.rel)

    def jsonld(self, siteurl=""):
        """A schema.org Person, for `|tojson` inside <script type="application/ld+json">."""
        data = {
            "@context": "https://schema.org",
            "@type": "Person",
            "name": self.name,
            "url": f"{siteurl}/{self.url}",
        }
        same_as = [self.website] if self.website else []
        same_as += [url for _network, _shown, url in self.profiles]
        if same_as:
            data["sameAs"] = same_as
        if self.summary:
            data["description"] = self.summary
        if self.tags:
            data["knowsAbout"] = list(self.tags)
        return data


def project(person, url, summary_length=160):
    """Build the PublicPerson of a listed person from the allowlist, and nothing else."""
    if not person.listed:
        raise ValueError(
            f"{person.source}: an unlisted person has no public projection"
        )
    public = {name: getattr(person, name) for name in PUBLIC_FIELDS}
    blurb = _rendered_blurb(person.body)
    return PublicPerson(
        slug=person.slug,
        url=url,
        blurb=blurb,
        summary=_summary(blurb, summary_length),
        **public,
    )


@dataclass(frozen=True)
class DirectoryFigures:
    """Aggregate figures for the directory, over listed people only."""

    listed: int
    met: int  # listed people with a `met` date
    since: int | None  # the year of the earliest of those meetings


def directory_figures(public_people):
    """Figures over PublicPersons: only listed people have one, so nothing here can
    count an unlisted person."""
    years = [p.met.year for p in public_people if p.met]
    return DirectoryFigures(len(public_people), len(years), min(years, default=None))
