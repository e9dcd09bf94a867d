"""Twitter for Rapport: archive import, budgeted API fetch, a committed store, cards.

Modules: settings (defaults), archive (reads X archives), store (format, atomic writes,
index), fetch (X API v2), render (tweet -> card data), api (context["tweets"]), embed
(tweet URLs in posts), generator (highlights page), tasks (invoke tweets.*).
"""

from . import settings as tweet_settings
from .embed import embed_tweets


def enabled(settings):
    """True when a build with `settings` uses this plugin: PLUGINS names it (short or
    dotted name, or the module), or is unset (Pelican loads every installed plugin).
    Receivers stay connected for the life of the process, and a later build in it may
    not use this plugin."""
    plugins = settings.get("PLUGINS")
    names = (str(getattr(p, "__name__", p)) for p in plugins or ())
    return plugins is None or any(
        n.rsplit(".", 1)[-1] == "rapport_tweets" for n in names
    )


def apply_settings(pelican):
    """initialized receiver: every TWEETS_* default in the settings."""
    if enabled(pelican.settings):
        tweet_settings.apply_defaults(pelican.settings)


def get_generators(pelican):
    if not enabled(pelican.settings):
        return None
    from .generator import TweetsGenerator

    return TweetsGenerator


def finalized(pelican):
    """finalized receiver: every page is written, so stale media can go."""
    from .generator import finish_build

    finish_build(pelican)


def register():
    from pelican import signals

    signals.initialized.connect(apply_settings)
    signals.get_generators.connect(get_generators)
    signals.all_generators_finalized.connect(embed_tweets)
    signals.finalized.connect(finalized)
