"""Static search: Pagefind indexes the written pages once the build has written them.

Pagefind (the `pagefind[bin]` wheel ships its binary) reads the HTML in OUTPUT_PATH and
writes a bundle folder beside it; the search page loads that bundle from the site itself.
Only elements marked `data-pagefind-body` are indexed: the theme marks published posts,
pages, listed people and the highlights page, never drafts or listings.
"""

import json
import logging
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

logger = logging.getLogger(__name__)

# SEARCH = False writes no search page and no index.
SEARCH = True
SEARCH_URL = "search/"
SEARCH_SAVE_AS = "search/index.html"
# The Pagefind bundle, relative to OUTPUT_PATH. Pagefind's own files, and the search
# page's script, are the only scripts the site loads (plugins/rapport_site/pelican/plugins/rapport_site/check.py).
SEARCH_BUNDLE_DIR = "pagefind"
# The search page's policy: CONTENT_SECURITY_POLICY with script-src replaced by this.
# 'wasm-unsafe-eval' lets Pagefind compile its WebAssembly search engine; no inline
# script, no eval of JavaScript.
SEARCH_SCRIPT_SRC = "'self' 'wasm-unsafe-eval'"
# Where the pages the theme marks for the index are written (the *_SAVE_AS settings of
# posts, pages, people and the highlights page): Pagefind reads only those files. Left
# to read every page, it holds each listing's text too before it drops it (at 2,000
# posts: 470 MB instead of 410 MB, twice the CPU time).
SEARCH_PAGES = (
    "ARTICLE_SAVE_AS",
    "ARTICLE_LANG_SAVE_AS",
    "PAGE_SAVE_AS",
    "PAGE_LANG_SAVE_AS",
    "PEOPLE_SAVE_AS",
    "TWEETS_HIGHLIGHTS_SAVE_AS",
)
# Pagefind holds the whole index of a run in memory until it writes it: at 2,000 posts
# one run peaks near 400 MB, five times a plain Pelican build. So the pages are indexed
# in runs of at most this many, each its own bundle (the first in SEARCH_BUNDLE_DIR, the
# next in SEARCH_BUNDLE_DIR/part-2/, …, listed in its parts.json), which the search page
# merges into one search (Pagefind's mergeIndex). 400 pages peak near 100 MB.
SEARCH_PAGES_PER_RUN = 400

DEFAULTS = {
    name: value for name, value in globals().items() if name.startswith("SEARCH")
}
# The flag Pelican's run carries once the index is written (see index_site).
_DONE = "_rapport_search_indexed"
_SCRIPT_SRC = re.compile(r"(^|;)\s*script-src\b[^;]*")
_FIELD = re.compile(r"\{[^}]*\}")
# The theme's mark on a page's indexed part, in a tag (in text, "<" is escaped).
_MARKED = re.compile(rb"<[^<>]*\sdata-pagefind-body[\s>=/]")
# What Pagefind's globs read as syntax in a path, escaped to mean itself.
_GLOB_SYNTAX = re.compile(r"([\\*?\[\]{}<>,!])")
# The list of a bundle's further parts, for the search page (js/search.js).
PARTS_FILE = "parts.json"


class SearchIndexError(Exception):
    """Pagefind could not index the built site."""


class SearchSettingsError(Exception):
    """A SEARCH_* setting Rapport cannot index with."""


def search_csp(csp, script_src=SEARCH_SCRIPT_SRC):
    """`csp` with its script-src (added if missing) set to `script_src`."""
    directive = f"script-src {script_src}"
    if _SCRIPT_SRC.search(csp):
        return _SCRIPT_SRC.sub(lambda m: f"{m.group(1)} {directive}".lstrip(), csp, 1)
    return f"{csp.rstrip('; ')}; {directive}"


def configure(settings):
    """The search page's policy, and the page in DIRECT_TEMPLATES when search is on
    (the plugin has filled in DEFAULTS)."""
    per_run = settings["SEARCH_PAGES_PER_RUN"]
    if type(per_run) is not int or per_run < 0:
        raise SearchSettingsError(
            "SEARCH_PAGES_PER_RUN in pelicanconf.py must be a whole number of pages: "
            "how many Pagefind indexes in one run (400 by default), or 0 to index every "
            "page in one run. Set it to such a number, or remove it."
        )
    settings.setdefault(
        "SEARCH_CONTENT_SECURITY_POLICY",
        search_csp(settings["CONTENT_SECURITY_POLICY"], settings["SEARCH_SCRIPT_SRC"]),
    )
    if settings["SEARCH"] and not _theme_has_search_page(settings):
        # Another theme (Pelican's own, say) has no search page to write, and marks
        # nothing for the index: a search here would find nothing, or everything.
        logger.warning(
            "Search is off: the theme %s has no templates/search.html. Use Rapport's "
            "theme, add the template to yours, or set SEARCH = False to say so.",
            settings.get("THEME"),
        )
        settings["SEARCH"] = False
    templates = list(settings.get("DIRECT_TEMPLATES") or [])
    if settings["SEARCH"] and "search" not in templates:
        settings["DIRECT_TEMPLATES"] = [*templates, "search"]


def _theme_has_search_page(settings):
    folders = [
        *(settings.get("THEME_TEMPLATES_OVERRIDES") or []),
        Path(settings.get("THEME") or "", "templates"),
    ]
    return any(Path(folder, "search.html").is_file() for folder in folders)


def marked_pages(settings, output):
    """The written SEARCH_PAGES files ({slug}, {date:%Y} read as *) that the theme marked
    for the index, as paths under `output`, sorted."""
    patterns = {
        _FIELD.sub("*", settings[name]).lstrip("/")
        for name in settings["SEARCH_PAGES"]
        if settings.get(name)
    }
    found = {path for pattern in patterns for path in output.glob(pattern)}
    return sorted(
        path.relative_to(output).as_posix()
        for path in found
        if path.is_file() and _MARKED.search(path.read_bytes())
    )


def runs(settings, pages):
    """The pages of each Pagefind run, at most SEARCH_PAGES_PER_RUN each (0: one run).
    Each run also names the search page, which the theme never marks: with no page
    marked yet, Pagefind would find no file and fail."""
    size = settings["SEARCH_PAGES_PER_RUN"] or len(pages) or 1
    chunks = [pages[i : i + size] for i in range(0, len(pages), size)] or [[]]
    search_page = settings["SEARCH_SAVE_AS"].lstrip("/")
    return [[*chunk, search_page] for chunk in chunks]


def _glob(paths):
    return "{" + ",".join(_GLOB_SYNTAX.sub(r"\\\1", path) for path in paths) + "}"


def _run_pagefind(output, bundle, paths):
    """One Pagefind run over `paths` (under `output`) into the folder `bundle`.

    The file list goes in a pagefind.json beside the run, not on the command line,
    which holds no more than 128 KB in one argument."""
    config = {"site": str(output), "output_path": str(bundle), "glob": _glob(paths)}
    with tempfile.TemporaryDirectory(prefix="rapport-search-") as folder:
        Path(folder, "pagefind.json").write_text(json.dumps(config), encoding="utf-8")
        command = [sys.executable, "-m", "pagefind", "--silent"]
        try:
            result = subprocess.run(
                command, cwd=folder, capture_output=True, text=True, check=False
            )
        except OSError as exc:
            raise SearchIndexError(
                f"Could not run Pagefind to index the site ({exc.strerror}). Install "
                "the runtime requirements (pip install -r requirements.txt), or set "
                "SEARCH = False in pelicanconf.py to build without search."
            ) from None
    if result.returncode != 0:
        first = (result.stderr or result.stdout).strip().splitlines()[:1]
        raise SearchIndexError(
            f"Pagefind could not index {output} (exit {result.returncode}"
            f"{': ' + first[0] if first else ''}). Install the runtime requirements "
            "(pip install -r requirements.txt; Pagefind comes as pagefind[bin]), or "
            "set SEARCH = False in pelicanconf.py to build without search."
        )


def index_site(pelican):
    """Write the Pagefind index of OUTPUT_PATH, once per build.

    Runs from the site plugin's finalized receiver and from the people plugin's, before
    its privacy audit (blinker calls finalized receivers in no set order): whichever
    comes first writes the index, so the audit always reads it.
    """
    settings = pelican.settings
    if not settings.get("SEARCH") or getattr(pelican, _DONE, False):
        return
    setattr(pelican, _DONE, True)
    output = Path(pelican.output_path).resolve()
    bundle = output / settings["SEARCH_BUNDLE_DIR"]
    # A fragment of a page no longer written (a withdrawn person) must not survive.
    shutil.rmtree(bundle, ignore_errors=True)
    parts = []
    for number, paths in enumerate(runs(settings, marked_pages(settings, output)), 1):
        part = "" if number == 1 else f"part-{number}/"
        _run_pagefind(output, bundle / part, paths)
        parts += [part] if part else []
    (bundle / PARTS_FILE).write_text(json.dumps(parts), encoding="utf-8")
    logger.info(
        "Indexed the site for search into %s (%d part(s))", bundle, 1 + len(parts)
    )
