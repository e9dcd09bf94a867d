"""Where a URL written in the built site points: a file of the site, another host, or neither.

Pages link to `SITEURL/...` (empty SITEURL: root-relative `/...`), feeds may also use
`FEED_DOMAIN/...`; both map onto files under OUTPUT_PATH. Everything else on http(s) is
another host.
"""

import posixpath
import re
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

# Schemes that name no file and fetch nothing from another host.
HARMLESS_SCHEMES = frozenset({"mailto", "tel", "sms", "data", "about", "blob"})


class Target(NamedTuple):
    """What a URL points at. kind: "internal", "external", "script" or "other"."""

    kind: str
    path: str = ""  # internal: file path under OUTPUT_PATH, posix, no leading slash
    fragment: str = ""
    host: str = ""  # external: the other host


class UrlMap:
    """Maps URLs found in a page of the built site onto files of OUTPUT_PATH."""

    def __init__(self, siteurl="", feed_domain=""):
        self.base_path = urlsplit(siteurl or "").path.rstrip("/")
        # (scheme, host, path prefix) of every absolute address the site calls its own.
        self.origins = []
        for address in (siteurl, feed_domain):
            parts = urlsplit(address or "")
            if parts.netloc:
                self.origins.append(
                    (parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"))
                )
        self.own_hosts = {netloc for _, netloc, _ in self.origins}

    def classify(self, url, page_path=""):
        """Where ``url``, written in the file ``page_path`` (relative posix path), points."""
        url = url.strip()
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "javascript" or re.match(r"\s*javascript:", url, re.IGNORECASE):
            return Target("script")
        if scheme in HARMLESS_SCHEMES:
            return Target("other")
        if scheme and scheme not in ("http", "https"):
            return Target("other")
        fragment = unquote(parts.fragment)
        if parts.netloc:
            host = parts.netloc.lower()
            for own_scheme, netloc, prefix in self.origins:
                if host == netloc and scheme in ("", own_scheme):
                    inside = _strip_prefix(parts.path or "/", prefix)
                    if inside is not None:
                        return Target("internal", _file_path(inside), fragment)
            if host in self.own_hosts:
                return Target("other")  # the same host, outside this site
            return Target("external", host=host)
        # Relative or root-relative: resolve against the page's own address.
        page_url = f"{self.base_path}/{page_path}"
        path = posixpath.normpath(
            posixpath.join(posixpath.dirname(page_url), parts.path)
        )
        if not parts.path:
            path = page_url
        elif parts.path.endswith("/") and not path.endswith("/"):
            path += "/"
        inside = _strip_prefix(path, self.base_path)
        if inside is None:
            return Target("other")
        return Target("internal", _file_path(inside), fragment)


def _strip_prefix(path, prefix):
    if not prefix:
        return path
    if path == prefix or path.startswith(prefix + "/"):
        return path[len(prefix) :] or "/"
    return None


def _file_path(url_path):
    """The file a static host serves for ``url_path`` (index.html for folders)."""
    path = unquote(url_path).lstrip("/")
    if not path or path.endswith("/"):
        path += "index.html"
    return path


def srcset_urls(value):
    """The URLs of a srcset attribute: "a.jpg 1x, b.jpg 2x" -> ["a.jpg", "b.jpg"]."""
    urls = []
    for candidate in value.split(","):
        words = candidate.split()
        if words:
            urls.append(words[0])
    return urls


_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CSS_URL = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s'"]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""",
    re.IGNORECASE,
)


def css_urls(text):
    """(line, url) for every url() and @import in a style sheet, comments left out."""
    # Blank comments out but keep their newlines, so line numbers stay right.
    text = _CSS_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    found = []
    for match in _CSS_URL.finditer(text):
        url = next(g for g in match.groups() if g is not None)
        found.append((text.count("\n", 0, match.start()) + 1, url))
    return found


_REFRESH_URL = re.compile(
    r"""^\s*\d*\.?\d*\s*[;,]?\s*(?:url\s*=\s*)?['"]?([^'"]*)""", re.I
)


def refresh_url(content):
    """The address in a meta refresh's content ("0; url=/new/"), or "" for a plain reload."""
    match = _REFRESH_URL.match(content or "")
    return match.group(1).strip() if match else ""
