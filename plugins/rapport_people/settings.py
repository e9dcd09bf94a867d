"""Every setting of the people plugin with its default, in one place.

Pelican settings override these; `resolve()` merges them for code that runs outside a
build (the tasks, the standalone audit).
"""

import os

# Person files, relative to PATH (content/people/<slug>.md).
PEOPLE_PATH = "people"
# Git-ignored overlay of `private:` mappings, private/people/<slug>.yml. None: no overlay.
# pelicanconf.py sets it to <root>/private/people.
PEOPLE_PRIVATE_PATH = None

PEOPLE_URL = "people/{slug}/"
PEOPLE_SAVE_AS = "people/{slug}/index.html"
PEOPLE_INDEX_URL = "people/"
PEOPLE_INDEX_SAVE_AS = "people/index.html"
PEOPLE_NAV_TITLE = "People"
# The directory filtered by one tag (Pelican's tag slug): people/tag/law/.
PEOPLE_TAG_URL = "people/tag/{slug}/"
PEOPLE_TAG_SAVE_AS = "people/tag/{slug}/index.html"
# A listed person's initials avatar (an SVG file; colours from a hash of the slug).
PEOPLE_AVATAR_URL = "people/{slug}/avatar.svg"
PEOPLE_AVATAR_SAVE_AS = "people/{slug}/avatar.svg"
# A listed person's `photo:`, resized (photos.py): one file per width.
PEOPLE_PHOTO_URL = "people/{slug}/photo-{width}.jpg"
PEOPLE_PHOTO_SAVE_AS = "people/{slug}/photo-{width}.jpg"

# Conversations shown on a person's page (None: as many as the tweets plugin shows,
# its TWEETS_PER_PERSON).
PEOPLE_CONVERSATIONS_LIMIT = None
# Length of the one-line summary of a blurb, in characters.
PEOPLE_SUMMARY_LENGTH = 160

# The privacy audit that runs after every build. Strings shorter than
# PEOPLE_AUDIT_MIN_LENGTH are not searched for: "Leo" or "Bath" would match half the
# site. PEOPLE_AUDIT_ALLOW holds (slug, field) pairs the owner has checked by hand and
# declared coincidences (a common phrase); it never holds the value itself.
PEOPLE_AUDIT = True
PEOPLE_AUDIT_MIN_LENGTH = 4
PEOPLE_AUDIT_EXTENSIONS = (
    ".html",
    ".htm",
    ".xml",
    ".json",
    ".txt",
    ".js",
    ".atom",
    ".rss",
    # Pagefind's search index (gzip; the audit decompresses it): page text, words,
    # filters and metadata of every indexed page.
    ".pf_fragment",
    ".pf_index",
    ".pf_meta",
    ".pf_filter",
)
PEOPLE_AUDIT_ALLOW = ()

# `invoke people.due`: an unanswered `via: ask` is listed after this many days.
PEOPLE_ASK_WAIT_DAYS = 14

DEFAULTS = {
    name: value for name, value in globals().items() if name.startswith("PEOPLE_")
}


def resolve(settings):
    """Return Pelican settings with every people default filled in."""
    return {**DEFAULTS, **settings}


def people_dir(settings):
    """Absolute folder of the person files."""
    return os.path.join(settings["PATH"], settings.get("PEOPLE_PATH", PEOPLE_PATH))


def private_dir(settings):
    """Absolute folder of the private overlay, or None when there is none."""
    path = settings.get("PEOPLE_PRIVATE_PATH", PEOPLE_PRIVATE_PATH)
    return os.path.abspath(path) if path else None
