"""Every setting of the people plugin with its default, in one place.

Pelican settings override these; `resolve()` merges them for code that runs outside a
build (the tasks, the standalone audit).
"""

import logging
import os

from .model import Limits, parse_interval

logger = logging.getLogger(__name__)

# Person files, relative to PATH (content/people/<slug>.md).
PEOPLE_PATH = "people"
# Git-ignored overlay of `private:` mappings, private/people/<slug>.yml. None: no overlay.
# pelicanconf.py sets it to <root>/private/people.
PEOPLE_PRIVATE_PATH = None

# A public repository keeps nothing private or unlisted in git: `invoke people.new`
# creates people in PEOPLE_PRIVATE_PATH (<slug>.md, unlisted), `people.withdraw` moves
# them there, and the pre-push hook runs `people.check --public`. See the README.
PEOPLE_PUBLIC_REPOSITORY = False

# Size caps of a person file or overlay, of its blurb, and of the '[' and '<' in the
# blurb (Python-Markdown's time grows with the square of unclosed brackets).
PEOPLE_MAX_FILE_BYTES = 64 * 1024
PEOPLE_MAX_BLURB_BYTES = 16 * 1024
PEOPLE_MAX_BLURB_BRACKETS = 64

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
# site. PEOPLE_AUDIT_ALLOW holds what the owner has checked by hand and declared a
# coincidence: ("slug", "field") for a whole field, ("slug", "field", "the exact
# string") for one string of it. The audit reads every written file, whatever its
# extension.
PEOPLE_AUDIT = True
PEOPLE_AUDIT_MIN_LENGTH = 4
PEOPLE_AUDIT_ALLOW = ()

# An ask (`via: ask`) with no `outcome` after this long counts as silence: `people.due`
# lists it, with what to do next. 30d, 2w or 1m. (Replaces PEOPLE_ASK_WAIT_DAYS, a
# number of days, which still works with a warning.)
PEOPLE_ASK_SILENCE_AFTER = "2w"

# Where `invoke people.calendar` and `people.report` write, relative to the site's
# folder: private, git-ignored, never under OUTPUT_PATH (both refuse a path there).
PEOPLE_CALENDAR_PATH = "private/people.ics"
PEOPLE_REPORT_PATH = "private/report.html"

DEFAULTS = {
    name: value for name, value in globals().items() if name.startswith("PEOPLE_")
}


def resolve(settings):
    """Return Pelican settings with every people default filled in."""
    return {**DEFAULTS, **settings}


def limits(settings):
    """The size caps of person files (model.Limits) from the settings."""
    settings = resolve(settings)
    return Limits(
        settings["PEOPLE_MAX_FILE_BYTES"],
        settings["PEOPLE_MAX_BLURB_BYTES"],
        settings["PEOPLE_MAX_BLURB_BRACKETS"],
    )


def people_dir(settings):
    """Absolute folder of the person files."""
    return os.path.join(settings["PATH"], settings.get("PEOPLE_PATH", PEOPLE_PATH))


def private_dir(settings):
    """Absolute folder of the private overlay, or None when there is none."""
    path = settings.get("PEOPLE_PRIVATE_PATH", PEOPLE_PRIVATE_PATH)
    return os.path.abspath(path) if path else None


def ask_silence_after(settings):
    """PEOPLE_ASK_SILENCE_AFTER as an Interval (or the older PEOPLE_ASK_WAIT_DAYS)."""
    value = settings.get("PEOPLE_ASK_SILENCE_AFTER", PEOPLE_ASK_SILENCE_AFTER)
    old = settings.get("PEOPLE_ASK_WAIT_DAYS")
    if old is not None and value == PEOPLE_ASK_SILENCE_AFTER:
        logger.warning(
            "PEOPLE_ASK_WAIT_DAYS is deprecated; write PEOPLE_ASK_SILENCE_AFTER = "
            '"%sd" in pelicanconf.py instead.',
            old,
        )
        value = f"{old}d"
    interval = parse_interval(value)
    if interval is None:
        raise ValueError(
            "PEOPLE_ASK_SILENCE_AFTER in pelicanconf.py is not a number of days, weeks "
            'or months; write e.g. PEOPLE_ASK_SILENCE_AFTER = "2w".'
        )
    return interval
