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

from jinja2 import pass_context
from PIL import Image, ImageDraw, ImageFont

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
DRAWING_VERSION = "1"


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
            (DRAWING_VERSION, title, site, repr(self.settings["SOCIAL_CARD_SIZE"]))
        )
        name = hashlib.sha256(key.encode("utf-8")).hexdigest()[:20] + ".png"
        if page is None:
            self.unplaced[name] = (title, site)
        else:
            self.pages[page] = (name, title, site)
        return f"{self.settings['SOCIAL_CARDS_DIR']}/{name}"

    def wanted(self, output_path):
        """{name: (title, site)} of every card a written page shows."""
        for page in [p for p in self.pages if not (Path(output_path) / p).is_file()]:
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
        drawn = 0
        for name, (title, site) in sorted(wanted.items()):
            cached = cache / name
            if not cached.is_file():
                data = draw(title, site, self.settings)
                temp = cached.with_suffix(".tmp")
                temp.write_bytes(data)
                os.replace(temp, cached)
                drawn += 1
            shutil.copyfile(cached, folder / name)
        for stale in folder.iterdir():
            # A card of a withdrawn person's page shows their name: it goes too.
            if stale.name not in wanted:
                if stale.is_dir():
                    shutil.rmtree(stale)
                else:
                    stale.unlink()
        return drawn, len(wanted) - drawn


def _lines(draw_on, text, font, width, most=3):
    """`text` wrapped to `width` pixels, at most `most` lines (the last one cut …)."""
    words, lines, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if draw_on.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    if len(lines) > most:
        lines = [*lines[: most - 1], " ".join(lines[most - 1 :])]
    last = lines[-1] if lines else ""
    while last and draw_on.textlength(last, font=font) > width:
        last = last[:-2].rstrip() + "…"
    return [*lines[:-1], last] if lines else []


@functools.lru_cache(maxsize=8)
def _font(size):
    return ImageFont.load_default(size=size)


def draw(title, site, settings=None):
    """The PNG bytes of one card."""
    settings = {**DEFAULTS, **(settings or {})}
    width, height = settings["SOCIAL_CARD_SIZE"]
    background, text, accent, muted = settings["SOCIAL_CARD_COLOURS"]
    image = Image.new("RGB", (width, height), background)
    canvas = ImageDraw.Draw(image)
    margin = width // 15
    canvas.rectangle((0, 0, width // 60, height), fill=accent)
    title_font = _font(height // 9)
    site_font = _font(height // 18)
    y = margin
    for line in _lines(canvas, title, title_font, width - 2 * margin):
        canvas.text((margin, y), line, font=title_font, fill=text)
        y += int(height // 9 * 1.25)
    canvas.text(
        (margin, height - margin - height // 18), site, font=site_font, fill=muted
    )
    rule = height - margin - height // 12
    canvas.line((margin, rule, width - margin, rule), fill=accent, width=3)
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
