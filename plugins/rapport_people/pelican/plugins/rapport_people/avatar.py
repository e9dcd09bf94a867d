"""Initials avatars: a small SVG file per listed person, colours derived from the slug.

No picture from another host, no script and no style element: presentation attributes
only, so the file passes `invoke check` and any CSP. Same slug and name, same bytes. The
file holds the initials only, never the name: pages show it beside the name, alt="".
"""

import colorsys
import hashlib
from xml.sax.saxutils import escape

SIZE = 96


def initials(name):
    """Up to two letters or digits: the first of the first and of the last word."""
    words = ["".join(c for c in word if c.isalnum()) for word in name.split()]
    words = [w for w in words if w]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def colour(slug):
    """A background colour from the slug's hash, dark enough for white initials."""
    digest = hashlib.sha256(slug.encode("utf-8")).digest()
    hue = int.from_bytes(digest[:2], "big") / 65536
    red, green, blue = colorsys.hls_to_rgb(hue, 0.32, 0.55)
    return "#{:02x}{:02x}{:02x}".format(*(round(v * 255) for v in (red, green, blue)))


def avatar_svg(slug, name):
    """The SVG document, as bytes."""
    half = SIZE // 2
    text = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 {SIZE} {SIZE}" aria-hidden="true">\n'
        f'<rect width="{SIZE}" height="{SIZE}" rx="{half}" fill="{colour(slug)}"/>\n'
        f'<text x="{half}" y="{half}" dy="0.35em" text-anchor="middle" '
        f'font-family="system-ui, sans-serif" font-size="38" font-weight="600" '
        f'fill="#ffffff">{escape(initials(name))}</text>\n'
        "</svg>\n"
    )
    return text.encode("utf-8")
