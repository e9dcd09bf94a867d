"""Pelican settings for publishing: `invoke publish`, `invoke gh-pages` and CI.

SITEURL comes from the environment so that the same repository deploys anywhere:
    SITEURL=https://you.github.io/blog invoke publish
"""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("SITEURL", "").strip().rstrip("/")
if not SITEURL:
    raise SystemExit(
        "publishconf.py: SITEURL is not set. Set it to the address the site will "
        "live at, in front of the command: SITEURL=https://you.github.io/blog ..."
    )
# Its own folder (git-ignored): output/ stays the local preview that `invoke serve`
# and `invoke check` look at.
OUTPUT_PATH = str(ROOT / "public")  # noqa: F405
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
