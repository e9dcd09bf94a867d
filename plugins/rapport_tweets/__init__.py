"""Twitter for Rapport: archive import, budgeted API fetch, a committed store, cards.

Modules: settings (defaults), archive (reads X archives), store (format, atomic writes,
index), fetch (X API v2), render (tweet -> card data), api (context["tweets"]), embed
(tweet URLs in posts), generator (highlights page), tasks (invoke tweets.*).
"""

from . import settings as tweet_settings
from .embed import embed_tweets

# Pelican (and the generator, which subclasses its Generator) is imported by register()
# and get_generators() only, so that `from rapport_tweets.archive import ...` in a task
# or the import benchmark does not load Pelican.


def _enabled(settings):
    # Signals stay connected for the life of the process: a later build in it may not
    # use this plugin.
    names = (getattr(p, "__name__", str(p)) for p in settings.get("PLUGINS") or ())
    return any(name.rsplit(".", 1)[-1] == __name__ for name in names)


def apply_settings(pelican):
    """initialized receiver: every TWEETS_* default in the settings."""
    if _enabled(pelican.settings):
        tweet_settings.apply_defaults(pelican.settings)


def get_generators(pelican):
    if not _enabled(pelican.settings):
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
