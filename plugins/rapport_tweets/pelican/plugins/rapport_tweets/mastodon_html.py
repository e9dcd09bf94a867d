"""A Mastodon status's HTML as text and entities, the way the store keeps every post.

Status HTML is other people's HTML. nh3 first cuts it down to paragraphs, line breaks,
links and spans (no script, style, image or attribute beyond href and class); what is
left has a shape we can walk with one regular expression. Mentions, hashtags and links
become entities at code-point offsets of the text, so the card renders them the way it
renders an X post's. Custom emoji stay as their `:shortcode:` text: their images live
on other hosts, and a page never asks another host for anything.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import nh3

# Paragraphs, line breaks and links are all a post's text needs; spans (h-card
# wrappers, the invisible parts of long links) are cut to their text.
_CLEANER = nh3.Cleaner(
    tags={"p", "br", "a"}, attributes={"a": {"href", "class"}}, link_rel=None
)
_TOKEN = re.compile(r"<(/?)(a|p|br)\b([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')
# Mastodon shows a link without its scheme and "www.", cut after 30 characters.
_SHOWN = re.compile(r"^https?://(?:www\.)?")


def _acct(shown, href, accounts):
    """user@instance of a mention link: from the status's own mention list when it
    names that profile, else the link's text and host ("@ada" on example.social)."""
    known = accounts.get(href)
    if known:
        return known
    user = shown.lstrip("@")
    if "@" in user:
        return user
    host = urlsplit(href).hostname or ""
    return f"{user}@{host}" if host else user


def parse_status_html(content, accounts=None):
    """(text, mentions, hashtags, urls) of a status's HTML `content`.

    `accounts` maps a mention's profile URL to "user@instance" when the source lists
    its mentions (the archive's Mention tags, the API's mentions).
    """
    accounts = accounts or {}
    clean = _CLEANER.clean(content or "").strip()
    parts, length = [], 0
    mentions, hashtags, urls = [], [], []
    link = None  # (start, index in parts, href, classes)
    paragraphs = pos = 0
    for m in _TOKEN.finditer(clean):
        if m.start() > pos:
            chunk = clean[pos : m.start()]
            if "&" in chunk:
                chunk = html.unescape(chunk)
            parts.append(chunk)
            length += len(chunk)
        pos = m.end()
        closing, tag = m.group(1), m.group(2)
        if tag == "a":
            if not closing:
                attrs = dict(_ATTR.findall(m.group(3)))
                href = html.unescape(attrs.get("href", ""))
                link = (length, len(parts), href, attrs.get("class", "").split())
            elif link is not None:
                shown = "".join(parts[link[1] :])
                _entity(link, shown, length, accounts, mentions, hashtags, urls)
                link = None
        elif tag == "br":
            parts.append("\n")
            length += 1
        elif not closing:  # a paragraph: a blank line before all but the first
            if paragraphs:
                parts.append("\n\n")
                length += 2
            paragraphs += 1
    if pos < len(clean):
        chunk = clean[pos:]
        parts.append(html.unescape(chunk) if "&" in chunk else chunk)
    return "".join(parts), mentions, hashtags, urls


def _entity(link, shown, end, accounts, mentions, hashtags, urls):
    start, _index, href, classes = link
    if start >= end:
        return
    if "hashtag" in classes or (shown.startswith("#") and "mention" in classes):
        hashtags.append({"start": start, "end": end, "tag": shown.lstrip("#")})
    elif "mention" in classes and shown.startswith("@"):
        mentions.append(
            {"start": start, "end": end, "handle": _acct(shown, href, accounts)}
        )
    elif href.startswith(("http://", "https://")):
        entry = {"start": start, "end": end, "expanded": href}
        if shown == href:
            rest = _SHOWN.sub("", href)
            entry["display"] = rest[:30] + ("…" if len(rest) > 30 else "")
        urls.append(entry)
