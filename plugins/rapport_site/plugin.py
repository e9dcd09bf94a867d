"""Signal receivers for the site plugin. Receivers are module-level: Pelican holds them weakly."""

import logging

from pelican import signals

from . import search
from .cards import SocialCards
from .filters import FILTERS
from .headers import META_CSP, write_headers

logger = logging.getLogger(__name__)


class UnsafeSettingsError(Exception):
    """The settings would publish unescaped user input."""


def check_autoescape(pelican):
    """Fail the build when Jinja autoescape is off: every template relies on it."""
    env = pelican.settings.get("JINJA_ENVIRONMENT", {})
    if env.get("autoescape") is not True:
        raise UnsafeSettingsError(
            "JINJA_ENVIRONMENT['autoescape'] must be True: Rapport's templates print "
            "names, tweets and other third-party text and rely on Jinja to escape it. "
            "Set JINJA_ENVIRONMENT = {'autoescape': True, ...} in pelicanconf.py."
        )


def default_settings(pelican):
    """One Content-Security-Policy for the pages' meta tag and the `_headers` file (and
    the search page's, derived from it), the search settings, and the theme's Jinja
    filters (a filter of the same name in JINJA_FILTERS wins)."""
    pelican.settings.setdefault("CONTENT_SECURITY_POLICY", META_CSP)
    search.configure(pelican.settings)
    social_cards(pelican)
    pelican.settings["JINJA_FILTERS"] = {
        **FILTERS,
        **pelican.settings.get("JINJA_FILTERS", {}),
    }


def social_cards(pelican):
    """Give templates `social_card(title)` for this build's og:image URLs."""
    settings = pelican.settings
    settings.setdefault("SOCIAL_CARDS", True)
    if not settings["SOCIAL_CARDS"]:
        return
    pelican.rapport_social_cards = cards = SocialCards(settings)
    settings["JINJA_GLOBALS"] = {
        **settings.get("JINJA_GLOBALS", {}),
        "social_card": cards.url,
        "social_card_size": cards.settings["SOCIAL_CARD_SIZE"],
    }


def write_social_cards(pelican):
    """signals.finalized receiver: draw (or copy from the cache) every card asked for."""
    cards = getattr(pelican, "rapport_social_cards", None)
    if cards is not None:
        drawn = cards.write(pelican.output_path)
        logger.info("Social cards: %d drawn, %d from the cache", drawn,
                    len(cards.wanted) - drawn)  # fmt: skip


def register():
    signals.initialized.connect(check_autoescape)
    signals.initialized.connect(default_settings)
    signals.finalized.connect(write_headers)
    signals.finalized.connect(search.index_site)
    signals.finalized.connect(write_social_cards)
    # The people plugin's privacy audit sends this first, so that it reads the index.
    signals.signal("rapport_before_audit").connect(search.index_site)
