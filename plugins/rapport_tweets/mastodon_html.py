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

_TAGS = {"p", "br", "a", "span"}
_ATTRIBUTES = {"a": {"href", "class"}, "span": {"class"}}
_TOKEN = re.compile(r"<(/?)(p|br|a|span)((?:\s[^>]*)?)/?>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def _attrs(text):
    return {k: html.unescape(v) for k, v in _ATTR.findall(text)}


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
    its mentions (the API does; the archive's `tag` list names them by actor URI).
    """
    accounts = accounts or {}
    clean = nh3.clean(
        content or "", tags=_TAGS, attributes=_ATTRIBUTES, link_rel=None
    ).strip()
    parts, length = [], 0
    mentions, hashtags, urls = [], [], []
    link = None  # (start, href, classes, visible parts, hidden depth, ellipsis)
    span_stack = []
    paragraphs = 0
    pos = 0
    for m in _TOKEN.finditer(clean):
        if m.start() > pos:
            chunk = html.unescape(clean[pos : m.start()])
            parts.append(chunk)
            length += len(chunk)
            if link is not None:
                link["all"].append(chunk)
                if not any(span_stack):
                    link["shown"].append(chunk)
        pos = m.end()
        closing, tag, attrs = m.group(1), m.group(2), m.group(3)
        if tag == "br":
            parts.append("\n")
            length += 1
        elif tag == "p" and not closing:
            if paragraphs:
                parts.append("\n\n")
                length += 2
            paragraphs += 1
        elif tag == "span":
            if closing:
                if span_stack:
                    span_stack.pop()
            else:
                classes = _attrs(attrs).get("class", "").split()
                span_stack.append("invisible" in classes)
                if link is not None and "ellipsis" in classes:
                    link["ellipsis"] = True
        elif tag == "a":
            if not closing:
                a = _attrs(attrs)
                link = {
                    "start": length,
                    "href": a.get("href", ""),
                    "classes": a.get("class", "").split(),
                    "all": [],
                    "shown": [],
                    "ellipsis": False,
                }
            elif link is not None:
                _entity(link, length, accounts, mentions, hashtags, urls)
                link = None
    if pos < len(clean):
        chunk = html.unescape(clean[pos:])
        parts.append(chunk)
    text = "".join(parts)
    return text, mentions, hashtags, urls


def _entity(link, end, accounts, mentions, hashtags, urls):
    start, href, classes = link["start"], link["href"], link["classes"]
    shown = "".join(link["all"])
    if start >= end:
        return
    if "hashtag" in classes or (shown.startswith("#") and "mention" in classes):
        hashtags.append({"start": start, "end": end, "tag": shown.lstrip("#")})
    elif "mention" in classes and shown.startswith("@"):
        acct = _acct(shown, href, accounts)
        mentions.append({"start": start, "end": end, "handle": acct})
    elif href.startswith(("http://", "https://")):
        display = "".join(link["shown"]) + ("…" if link["ellipsis"] else "")
        entry = {"start": start, "end": end, "expanded": href}
        if display and display != shown:
            entry["display"] = display
        urls.append(entry)
