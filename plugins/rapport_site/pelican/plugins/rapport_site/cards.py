"""Social cards: the og:image of each post and person page, drawn at build time.

Templates call `social_card(title)` (a Jinja global) for the page's card URL; the build
then writes every card asked for into SOCIAL_CARDS_DIR. A card is named by a hash of what
it shows, and kept in CACHE_PATH, so a warm build copies files instead of drawing them.
Pillow's own font (`ImageFont.load_default(size=…)`, in every Pillow wheel) keeps the
bytes the same on every machine with the same Pillow; PNGs carry no date.
"""

import functools
import hashlib
import logging
import os
import shutil
from io import BytesIO
from pathlib import Path

import PIL
from jinja2 import pass_context
from PIL import Image, ImageChops, ImageColor, ImageDraw, ImageFont

from . import incremental

logger = logging.getLogger(__name__)

# SOCIAL_CARDS = False: no og:image, no cards folder.
SOCIAL_CARDS = True
# Under OUTPUT_PATH; the build owns the folder and removes cards no page uses any more.
SOCIAL_CARDS_DIR = "cards"
SOCIAL_CARD_SIZE = (1200, 630)
# Colours of the theme's light scheme (main.css): background, text, accent, muted.
SOCIAL_CARD_COLOURS = ("#fdfcf9", "#1d1f23", "#9c3d12", "#555b66")

DEFAULTS = {
    name: value for name, value in globals().items() if name.startswith("SOCIAL_CARD")
}
# Bump when the drawing changes: the cache is keyed on it.
DRAWING_VERSION = "2"


# Preview builds (PREVIEW_MODE) in one process skip the pages whose inputs did not change:
# those pages ask for no card, but still show the one they asked for last time. So what
# each page asked for is kept here, per output folder, from one build to the next.
_PAGES = {}


class SocialCards:
    """The cards one build asks for, page by page: {output file: (name, title, site)}."""

    def __init__(self, settings, pages=None):
        self.settings = {**DEFAULTS, **settings}
        self.pages = {} if pages is None else pages
        self.unplaced = {}  # asked for outside a page: {name: (title, site)}

    @classmethod
    def for_build(cls, settings):
        """A build's cards; in PREVIEW_MODE, what the last build's pages asked for too."""
        if not settings.get("PREVIEW_MODE"):
            return cls(settings)
        output = os.path.realpath(settings["OUTPUT_PATH"])
        return cls(settings, _PAGES.setdefault(output, {}))

    @pass_context
    def for_page(self, context, title):
        """The Jinja global social_card(title): the card of the page being written."""
        return self.url(title, context.get("output_file"))

    def url(self, title, page=None):
        """The card's URL (relative to SITEURL) for a page titled `title`."""
        site = self.settings.get("SITENAME", "")
        key = "\0".join(
            (
                DRAWING_VERSION,
                PIL.__version__,  # its default font draws the text
                title,
                site,
                repr(self.settings["SOCIAL_CARD_SIZE"]),
                repr(self.settings["SOCIAL_CARD_COLOURS"]),
            )
        )
        name = hashlib.sha256(key.encode("utf-8")).hexdigest()[:20] + ".png"
        if page is None:
            self.unplaced[name] = (title, site)
        else:
            self.pages[page] = (name, title, site)
        return f"{self.settings['SOCIAL_CARDS_DIR']}/{name}"

    def wanted(self, output_path):
        """{name: (title, site)} of every card a written page shows."""
        # A preview save knows every file it produced (this save's, and so whatever an
        # earlier save that failed left unchecked); else every page is looked for.
        produced = incremental.produced_files(output_path)
        if produced is None:
            gone = [
                p
                for p in self.pages
                if not os.path.isfile(os.path.join(output_path, p))
            ]
        else:
            gone = [
                p
                for p in self.pages
                if os.path.normpath(p).replace(os.sep, "/") not in produced
            ]
        for page in gone:
            del self.pages[page]  # a page no longer written (a deleted post)
        return {
            **self.unplaced,
            **{name: (title, site) for name, title, site in self.pages.values()},
        }

    def write(self, output_path):
        """Write every card asked for; remove the folder's other files. Returns
        (drawn, copied from the cache)."""
        folder = Path(output_path) / self.settings["SOCIAL_CARDS_DIR"]
        folder.mkdir(parents=True, exist_ok=True)
        cache = Path(self.settings.get("CACHE_PATH") or folder) / "social-cards"
        cache.mkdir(parents=True, exist_ok=True)
        wanted = self.wanted(output_path)
        # Both folders listed once: a site has a card per page. A card's name is a
        # digest of all it is drawn from, and a card's file is only ever written whole
        # (aside, then renamed into place): a file of that name is that card, and a
        # preview save copies only new cards.
        in_cache, in_folder = set(os.listdir(cache)), set(os.listdir(folder))
        drawn = 0
        for name, (title, site) in sorted(wanted.items()):
            cached = cache / name
            if name not in in_cache:
                _write_whole(cached, draw(title, site, self.settings))
                in_cache.add(name)
                drawn += 1
            if name not in in_folder:
                _write_whole(folder / name, cached.read_bytes())
        for name in sorted(in_folder - wanted.keys()):
            # A card of a withdrawn person's page shows their name: it goes too.
            stale = folder / name
            if stale.is_dir():
                shutil.rmtree(stale)
            else:
                stale.unlink()
        return drawn, len(wanted) - drawn


def _write_whole(path, data):
    """Write `data` to `path` so that no reader ever finds part of it."""
    temp = path.with_suffix(".tmp")
    temp.write_bytes(data)
    os.replace(temp, path)


def _lines(text, font, width, most=3):
    """`text` wrapped to `width` pixels, at most `most` lines (the last one cut …)."""
    words, lines, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if font.getlength(candidate) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    if len(lines) > most:
        lines = [*lines[: most - 1], " ".join(lines[most - 1 :])]
    last = lines[-1] if lines else ""
    while last and font.getlength(last) > width:
        last = last[:-2].rstrip() + "…"
    return [*lines[:-1], last] if lines else []


@functools.lru_cache(maxsize=8)
def _font(size):
    return ImageFont.load_default(size=size)


# A card is drawn as palette indices (one byte a pixel, a third of what RGB would give
# zlib to compress: encoding was three quarters of a card's time): the background, then
# SHADES steps of anti-aliasing from it to the text colour, then to the muted colour,
# then the accent.
SHADES = 16
_TEXT, _MUTED, _ACCENT = 0, SHADES, 2 * SHADES


def _rgb(colour):
    return ImageColor.getrgb(colour)[:3]


def _palette(background, text, muted, accent):
    def ramp(to):
        return [
            round(b + (t - b) * step / (SHADES - 1))
            for step in range(SHADES)
            for b, t in zip(_rgb(background), _rgb(to), strict=True)
        ]

    return [*ramp(text), *ramp(muted), *_rgb(accent)]


def _ink(canvas, xy, text, font, first):
    """Draw `text` anti-aliased in the shades from palette index `first`, over
    background (index 0)."""
    # On a mask the size of the text only: a canvas-sized one is most of the time.
    left, top, right, bottom = font.getbbox(text)
    if right <= left or bottom <= top:
        return
    mask = Image.new("L", (right - left, bottom - top))
    ImageDraw.Draw(mask).text((-left, -top), text, font=font, fill=255)
    lut = [first + v * (SHADES - 1) // 255 for v in range(256)]
    box = (xy[0] + left, xy[1] + top, xy[0] + right, xy[1] + bottom)
    # The higher index wins where two lines' boxes meet: more ink.
    canvas.paste(ImageChops.lighter(canvas.crop(box), mask.point(lut)), box[:2])


@functools.lru_cache(maxsize=4)
def _base(site, size, colours):
    """The part every card of a site shares: the accent bar and rule, the site's name."""
    width, height = size
    canvas = Image.new("L", size, _TEXT)
    margin = width // 15
    pen = ImageDraw.Draw(canvas)
    pen.rectangle((0, 0, width // 60, height), fill=_ACCENT)
    rule = height - margin - height // 12
    pen.line((margin, rule, width - margin, rule), fill=_ACCENT, width=3)
    site_xy = (margin, height - margin - height // 18)
    _ink(canvas, site_xy, site, _font(height // 18), _MUTED)
    return canvas


def draw(title, site, settings=None):
    """The PNG bytes of one card."""
    settings = {**DEFAULTS, **(settings or {})}
    size = tuple(settings["SOCIAL_CARD_SIZE"])
    colours = tuple(settings["SOCIAL_CARD_COLOURS"])
    width, height = size
    background, text, accent, muted = colours
    image = _base(site, size, colours).copy()
    margin = width // 15
    title_font = _font(height // 9)
    y = margin
    for line in _lines(title, title_font, width - 2 * margin):
        _ink(image, (margin, y), line, title_font, _TEXT)
        y += int(height // 9 * 1.25)
    image.putpalette(_palette(background, text, muted, accent))
    buffer = BytesIO()
    # zlib's level 3, not 6: a quarter less time a card for a third more bytes (20 KB).
    image.save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue()
