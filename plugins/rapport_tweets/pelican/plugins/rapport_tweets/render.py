"""Turn a stored tweet into what the card template shows: escaped text with links.

Tweet text, names and alt text are third-party input: everything is escaped here or by
Jinja's autoescape; only the HTML built in this module is marked safe (Markup).
Entity offsets are code points of the unescaped text, i.e. Python str indices, so emoji,
astral characters and `&` (stored unescaped) never shift them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote, urlsplit

from markupsafe import Markup, escape
from msgspec import UNSET

from . import links

X = "https://x.com"


def safe_href(url):
    """The URL if it is http(s), else None: a tweet must not smuggle javascript: links."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def profile_url(handle, profile_urls, siteurl="", network="x"):
    """A person's page on this site when they are listed, else their profile on
    `network`."""
    local = (profile_urls or {}).get(handle.lower())
    if local is not None:
        return f"{siteurl}/{local}"
    return links.profile_url(network, handle)


def tweet_url(tweet_id, handle="", network="x"):
    return links.post_url(network, tweet_id, handle)


def _link(href, text, css, external=True):
    rel = Markup(' rel="nofollow ugc noopener"') if external else Markup("")
    return Markup('<a class="{}" href="{}"{}>{}</a>').format(css, href, rel, text)


def _spans(tweet, start, end):
    """(start, end, kind, entity) inside [start, end), sorted, without overlaps."""
    spans = []
    for kind in ("mentions", "hashtags", "urls", "media"):
        for entity in getattr(tweet, kind):
            s, e = entity.start, entity.end
            if s is UNSET or e is UNSET or s < start or e > end or s >= e:
                continue
            spans.append((s, e, kind, entity))
    spans.sort(key=lambda span: (span[0], span[1]))
    result, last = [], start
    for span in spans:
        if span[0] >= last:
            result.append(span)
            last = span[1]
    return result


def _plain(text):
    return Markup("<br>\n").join(escape(line) for line in text.split("\n"))


def render_text(tweet, profile_urls=None, siteurl=""):
    """The Tweet's visible text as HTML (Markup), entities resolved to links."""
    text = tweet.text
    start, end = tweet.display or (0, len(text))
    start, end = max(0, start), min(len(text), end)
    parts, pos = [], start
    for s, e, kind, entity in _spans(tweet, start, end):
        parts.append(_plain(text[pos:s]))
        shown = text[s:e]
        if kind == "mentions":
            # A Bluesky mention names a DID; a person file may name the handle.
            handle = entity.handle
            if handle.lower() not in (profile_urls or {}) and entity.id:
                handle = entity.id if entity.id in (profile_urls or {}) else handle
            local = (profile_urls or {}).get(handle.lower()) is not None
            href = profile_url(handle, profile_urls, siteurl, tweet.network)
            parts.append(
                _link(
                    href,
                    shown,
                    "u-category h-card tweet-card__mention",
                    external=not local,
                )
            )
        elif kind == "hashtags":
            href = links.hashtag_url(tweet.network, entity.tag, tweet.handle)
            parts.append(_link(href, shown, "tweet-card__hashtag"))
        elif kind == "urls":
            href = safe_href(entity.expanded or "")
            shown = entity.display or shown
            parts.append(
                _link(href, shown, "tweet-card__link") if href else escape(shown)
            )
        # media: the t.co link of an attached photo or video is shown as the media itself
        pos = e
    parts.append(_plain(text[pos:end]))
    return Markup("").join(parts).strip()


@dataclass
class Card:
    """What the tweet_card.html partial shows."""

    id: str
    url: str
    author_name: str
    author_handle: str
    author_url: str
    text: Markup
    published: str  # ISO 8601, UTC
    date: date
    reply_to_handle: str = ""
    reply_to_url: str = ""
    retweet: bool = False
    likes: int = 0
    retweets: int = 0
    photos: list = field(default_factory=list)
    videos: list = field(default_factory=list)
    links: list = field(
        default_factory=list
    )  # media only on x.com (fetched via the API)
    files: list = field(default_factory=list)  # store media files this card shows
    network: str = "x"
    network_label: str = "X"
    reposts_word: str = "retweet"  # what the network calls a repost
    anchor: str = ""  # the card's HTML id


UNKNOWN_AUTHOR = "Unknown account"


def _author(tweet, owner, profile_urls, siteurl):
    """(handle, name, url) of a Tweet's author. A Tweet without a handle is the
    owner's only when its user_id is the owner's; any other (an API reply that left
    its author out of includes.users) is an unknown account, linked by its id."""
    handle, user_id = tweet.handle, tweet.user_id
    if not handle and user_id and user_id == owner.get("id"):
        handle = owner.get("handle") or ""
    if not handle:
        url = (
            f"{X}/i/user/{user_id}"
            if user_id.isdigit()
            else tweet_url(tweet.id, network=tweet.network)
        )
        return "", tweet.name or UNKNOWN_AUTHOR, url
    is_owner = handle.lower() == (owner.get("handle") or "").lower()
    name = tweet.name or (owner.get("name") if is_owner else "") or handle
    if handle.lower() not in (profile_urls or {}) and user_id in (profile_urls or {}):
        handle_key = user_id  # a person file that names a Bluesky DID
    else:
        handle_key = handle
    return handle, name, profile_url(handle_key, profile_urls, siteurl, tweet.network)


def card_of(
    tweet,
    owner,
    profile_urls=None,
    siteurl="",
    media_url="twitter/media/",
    has_file=lambda name: True,
):
    """A Card for a stored Tweet; `owner` is the store's {"id", "handle", "name"}.

    `has_file(name)` says whether a stored media file can be published (the build
    copies it); media without one become a link to x.com."""
    handle, name, author_url = _author(tweet, owner, profile_urls, siteurl)
    created = tweet.created_at
    reply_handle = tweet.reply_to_handle
    if reply_handle.lower() == handle.lower():
        reply_handle = ""  # a thread by one author: no "replying to" line
    network = tweet.network
    card = Card(
        id=tweet.id,
        url=tweet_url(tweet.id, handle, network),
        author_name=name,
        author_handle=handle,
        author_url=author_url,
        text=render_text(tweet, profile_urls, siteurl),
        published=created,
        date=date.fromisoformat(created[:10]),
        reply_to_handle=reply_handle,
        reply_to_url=profile_url(reply_handle, profile_urls, siteurl, network)
        if reply_handle
        else "",
        retweet=tweet.retweet,
        likes=tweet.likes,
        retweets=tweet.retweets,
        network=network,
        network_label=links.LABELS.get(network, network),
        reposts_word=links.REPOSTS.get(network, "retweet"),
        anchor=links.anchor(tweet.id),
    )
    for m in tweet.media:
        href = safe_href(m.expanded or "") or card.url
        alt = m.alt or ""
        if m.file and has_file(m.file):
            image = {
                "src": f"{siteurl}/{media_url}{quote(m.file)}",
                "alt": alt,
                "width": m.width or None,
                "height": m.height or None,
            }
            card.files.append(m.file)
            if m.type == "photo":
                card.photos.append(image)
            else:
                card.videos.append({**image, "href": href})
        else:
            kind = "video" if m.type in ("video", "animated_gif") else "photo"
            card.links.append({"kind": kind, "href": href, "alt": alt})
    return card
