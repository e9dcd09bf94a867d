"""Pelican settings for publishing: `invoke publish`, `invoke gh-pages` and CI.

SITEURL comes from the environment so that the same repository deploys anywhere:
    SITEURL=https://you.github.io/blog invoke publish
"""

import os
import sys

# The pelicanconf.py beside this file, whatever the current folder, and read afresh:
# Pelican keeps the last settings file it loaded as sys.modules["pelicanconf"].
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.modules.pop("pelicanconf", None)
from pelicanconf import *  # noqa: E402, F403

SITEURL = os.environ.get("SITEURL", "").strip().rstrip("/")
if not SITEURL:
    raise SystemExit(
        "publishconf.py: SITEURL is not set. Set it to the address the site will "
        "live at, in front of the command: SITEURL=https://you.github.io/blog ..."
    )
# Its own folder (git-ignored): output/ stays the local preview that `invoke serve`
# and `invoke check` look at. Relative: Pelican reads it from this file's folder.
OUTPUT_PATH = "public"
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True
# A published build renders every page, always (preview mode is for livereload only).
PREVIEW_MODE = False
# Drafts are previewable locally (output/drafts/) but never published.
DRAFT_SAVE_AS = ""
DRAFT_URL = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_URL = ""
