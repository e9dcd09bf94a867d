"""Signal receivers for the site plugin. Receivers are module-level: Pelican holds them weakly."""

import logging

from pelican import signals

from . import cards, incremental, search, taxonomy
from .filters import FILTERS
from .headers import (
    META_CSP,
    SECURITY_HEADERS_SAVE_AS,
    livereload_policy,
    write_headers,
)

logger = logging.getLogger(__name__)

# Every setting of the site plugin, with its default; pelicanconf.py may override any.
DEFAULT_SETTINGS = {
    # The one policy of the pages' <meta http-equiv> and of the `_headers` file.
    "CONTENT_SECURITY_POLICY": META_CSP,
    # Set by `invoke livereload` for its own builds only.
    "LIVERELOAD_SCRIPT": "",
    # The headers file Netlify and Cloudflare Pages apply ("" writes none).
    "SECURITY_HEADERS_SAVE_AS": SECURITY_HEADERS_SAVE_AS,
    # Render only the pages whose inputs changed (livereload and regenerate set it;
    # a published build never does).
    "PREVIEW_MODE": False,
    # Static search with Pagefind (SEARCH, SEARCH_URL, …; search.py says what each is).
    **search.DEFAULTS,
    # The og:image of each page (SOCIAL_CARDS, SOCIAL_CARDS_DIR, …; see cards.py).
    **cards.DEFAULTS,
}


def enabled(settings):
    """True when a build with `settings` uses this plugin: PLUGINS names it (short or
    dotted name, or the module), or is unset (Pelican loads every installed plugin).
    Receivers stay connected for the life of the process, and a later build in it may
    not use this plugin."""
    plugins = settings.get("PLUGINS")
    names = (str(getattr(p, "__name__", p)) for p in plugins or ())
    return plugins is None or any(n.rsplit(".", 1)[-1] == "rapport_site" for n in names)


class UnsafeSettingsError(Exception):
    """The settings would publish unescaped user input."""


def check_autoescape(pelican):
    """Fail the build when Jinja autoescape is off: every template relies on it."""
    if not enabled(pelican.settings):
        return
    env = pelican.settings.get("JINJA_ENVIRONMENT", {})
    if env.get("autoescape") is not True:
        raise UnsafeSettingsError(
            "JINJA_ENVIRONMENT['autoescape'] must be True: Rapport's templates print "
            "names, tweets and other third-party text and rely on Jinja to escape it. "
            "Set JINJA_ENVIRONMENT = {'autoescape': True, ...} in pelicanconf.py."
        )


def default_settings(pelican):
    """One Content-Security-Policy for the pages' meta tag and the `_headers` file (in a
    livereload build, LIVERELOAD_SCRIPT, the local policy derived from it; the search
    page's, derived from it too), the search and social card settings, and the theme's
    Jinja filters (a filter of the same name in JINJA_FILTERS wins)."""
    settings = pelican.settings
    if not enabled(settings):
        return
    for name, value in DEFAULT_SETTINGS.items():
        settings.setdefault(name, value)
    if settings["LIVERELOAD_SCRIPT"]:
        policy = livereload_policy(settings["CONTENT_SECURITY_POLICY"])
        settings["CONTENT_SECURITY_POLICY"] = policy
    search.configure(settings)
    social_cards(pelican)
    settings["JINJA_FILTERS"] = {**FILTERS, **settings.get("JINJA_FILTERS", {})}


def finalized(pelican):
    """finalized receiver: the search index, the social cards and the `_headers` file."""
    if enabled(pelican.settings):
        search.index_site(pelican)
        write_social_cards(pelican)
        write_headers(pelican)


def social_cards(pelican):
    """Give templates `social_card(title)` for this build's og:image URLs."""
    settings = pelican.settings
    if not settings["SOCIAL_CARDS"]:
        return
    pelican.rapport_social_cards = wanted = cards.SocialCards.for_build(settings)
    settings["JINJA_GLOBALS"] = {
        **settings.get("JINJA_GLOBALS", {}),
        "social_card": wanted.for_page,
        "social_card_size": wanted.settings["SOCIAL_CARD_SIZE"],
    }


def write_social_cards(pelican):
    """Draw (or copy from the cache) every card asked for."""
    wanted = getattr(pelican, "rapport_social_cards", None)
    if wanted is not None:
        drawn, cached = wanted.write(pelican.output_path)
        logger.info("Social cards: %d drawn, %d from the cache", drawn, cached)


def post_lists(generator):
    """article_generator_finalized receiver: tag, category and author pages pick their
    posts from sets (taxonomy.py)."""
    if enabled(generator.settings):
        taxonomy.post_lists(generator)


def index_before_audit(pelican):
    """rapport_before_audit receiver: the search index, so that the audit reads it."""
    if enabled(pelican.settings):
        search.index_site(pelican)


def register():
    signals.initialized.connect(check_autoescape)
    signals.initialized.connect(default_settings)
    # After preview mode's own finalized receiver, which removes a deleted post's page
    # (the social cards follow the pages that are left).
    incremental.register()
    signals.finalized.connect(finalized)
    signals.article_generator_finalized.connect(post_lists)
    signals.generator_init.connect(search.wait_before_writing)
    signals.get_writer.connect(search.new_run)
    # The people plugin's privacy audit sends this first, so that it reads the index.
    signals.signal("rapport_before_audit").connect(index_before_audit)
