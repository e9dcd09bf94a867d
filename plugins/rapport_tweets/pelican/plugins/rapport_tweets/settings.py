"""Every setting of the tweets plugin, with its default. pelicanconf.py may override any.

Also the one way every task (the site's, people's, tweets', the top-level tasks.py)
reads a site's settings file: `read_site_settings`, Pelican's own read_settings, so a
task sees what a build sees (PATH and OUTPUT_PATH relative to the file). It lives here
because the tweets plugin imports no other plugin, so all of them can import it.
"""

import logging
from pathlib import Path

DEFAULTS = {
    # Where the committed tweet store lives (pelicanconf sets <root>/data/tweets).
    "TWEETS_STORE": "data/tweets",
    # `invoke build` runs an incremental X API fetch first (needs a token in the env).
    # X only: Bluesky's public feed needs no token, so none can gate it; run
    # bluesky.fetch and mastodon.fetch yourself.
    "TWEETS_FETCH_ON_BUILD": False,
    # The X API bills per post read: one fetch reads at most this many posts.
    "TWEETS_MAX_READS": 500,
    # A tweet URL in a post whose tweet is not in the store fails the build.
    "TWEETS_STRICT": False,
    # Tweet ids shown first on the highlights page.
    "TWEETS_PINNED": [],
    # Highlights page: the owner's N most engaging tweets of each year.
    "TWEETS_TOP_PER_YEAR": 5,
    # Person pages: at most this many conversation threads per person.
    "TWEETS_PER_PERSON": 20,
    # Highlights leave out replies to others and retweets unless asked.
    "TWEETS_INCLUDE_REPLIES": False,
    "TWEETS_INCLUDE_RETWEETS": False,
    "TWEETS_HIGHLIGHTS_URL": "twitter/",
    "TWEETS_HIGHLIGHTS_SAVE_AS": "twitter/index.html",
    # Photos of published tweets are copied here (relative to OUTPUT_PATH / SITEURL).
    "TWEETS_MEDIA_URL": "twitter/media/",
}


def get(settings, name):
    """The value of setting `name`: pelicanconf's if set, else the default."""
    return settings.get(name, DEFAULTS[name])


def store_path(settings):
    """TWEETS_STORE as a path, for builds and tasks alike: a relative one is relative
    to the site's folder, the one that holds PATH (content/)."""
    store = Path(settings["TWEETS_STORE"])
    if store.is_absolute():
        return store
    return Path(settings.get("PATH") or ".").parent / store


def apply_defaults(settings):
    """Fill in every TWEETS_* default that the settings do not set."""
    for name, value in DEFAULTS.items():
        settings.setdefault(name, value)
    return settings


class SettingsFileError(Exception):
    """A site's settings file is missing or refuses to load; the message says which."""


def site_folder(c=None):
    """The site's folder, for a task: where the `tasks.py` that invoke loaded lives
    (invoke finds it upward from the current folder), else the current folder. Tasks
    read `pelicanconf.py` there unless told another file."""
    prefix = getattr(getattr(c, "config", None), "_project_prefix", None)
    return Path(prefix) if prefix else Path.cwd()


def read_site_settings(conf, override=None):
    """The Pelican settings of the settings file `conf`, as a build reads them
    (`override` applied). SettingsFileError when it is missing or refuses to load
    (publishconf.py without SITEURL exits with its reason)."""
    from pelican.settings import read_settings  # only tasks need Pelican's reader

    conf = Path(conf)
    if not conf.is_file():
        raise SettingsFileError(f"no settings file {conf}")
    # Pelican's advice about the settings (no TIMEZONE, feeds without SITEURL) is the
    # build's to give; a task would repeat it above its own output on every run.
    advice = logging.getLogger("pelican.settings")
    quiet, advice.disabled = advice.disabled, True
    try:
        return read_settings(str(conf), override=override or {})
    except SystemExit as exc:
        raise SettingsFileError(str(exc)) from None
    finally:
        advice.disabled = quiet
