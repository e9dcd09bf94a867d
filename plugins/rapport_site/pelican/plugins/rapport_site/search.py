"""Static search: Pagefind indexes the written pages once the build has written them.

Pagefind (the `pagefind[bin]` wheel ships its binary) reads the HTML in OUTPUT_PATH and
writes a bundle folder beside it; the search page loads that bundle from the site itself.
Only elements marked `data-pagefind-body` are indexed: the theme marks published posts,
pages, listed people and the highlights page, never drafts or listings.

In preview mode the index is written after the save, while the browser reloads: into a
folder beside the cache, audited there (the people plugin's rapport_audit_staged), then
moved into the output folder; a save that rendered no indexed page keeps the index. A
published build indexes before its audit, as part of the build.
"""

import itertools
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from fnmatch import fnmatchcase
from pathlib import Path
from typing import ClassVar

from pelican import signals

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
    if settings.get("PREVIEW_MODE"):
        _Later.prepare(pelican, bundle)
        return
    # A fragment of a page no longer written (a withdrawn person) must not survive.
    shutil.rmtree(bundle, ignore_errors=True)
    parts = _write_index(settings, output, bundle)
    logger.info(
        "Indexed the site for search into %s (%d part(s))", bundle, 1 + len(parts)
    )


def _write_index(settings, output, bundle):
    """The index of the marked pages under `output`, into the folder `bundle`; returns
    the parts beside the first."""
    parts = []
    for number, paths in enumerate(runs(settings, marked_pages(settings, output)), 1):
        part = "" if number == 1 else f"part-{number}/"
        _run_pagefind(output, bundle / part, paths)
        parts += [part] if part else []
    bundle.mkdir(parents=True, exist_ok=True)
    (bundle / PARTS_FILE).write_text(json.dumps(parts), encoding="utf-8")
    return parts


def _indexed(settings, relative):
    """True when Pagefind reads the output file `relative` (see marked_pages)."""
    patterns = [_FIELD.sub("*", settings[name]).lstrip("/")
                for name in settings["SEARCH_PAGES"] if settings.get(name)]  # fmt: skip
    return any(fnmatchcase(relative, pattern) for pattern in patterns)


class _Later:
    """Preview mode's index, written after the save (one at a time, per process)."""

    # Output folders (real paths) whose bundle is the index of the pages they hold.
    current: ClassVar[set] = set()
    # id(pelican) -> (output, bundle, trash): to index after the build.
    pending: ClassVar[dict] = {}
    thread = None
    _numbers = itertools.count()

    @classmethod
    def prepare(cls, pelican, bundle):
        """Before the audit: keep the index when no page it reads was rendered or
        removed; else move it out of the output folder (the audit must not read an
        index of the pages as they were) and index once the build is done."""
        from . import incremental  # the preview writer's record of this save

        settings, output = pelican.settings, os.path.realpath(pelican.output_path)
        changed = incremental.changed_files(output)
        if (
            output in cls.current
            and bundle.is_dir()
            and changed is not None
            and not any(_indexed(settings, path) for path in changed)
        ):
            return
        cls.current.discard(output)
        work = Path(settings["CACHE_PATH"], "search")
        work.mkdir(parents=True, exist_ok=True)
        trash = work / f"old-{os.getpid()}-{next(cls._numbers)}"
        if bundle.exists():
            try:
                os.replace(bundle, trash)
            except OSError:  # another file system: remove it here
                shutil.rmtree(bundle, ignore_errors=True)
        cls.pending[id(pelican)] = (output, bundle, trash)

    @classmethod
    def start(cls, pelican):
        """finalized receiver, connected after every plugin's: index in a thread."""
        job = cls.pending.pop(id(pelican), None)
        if job is not None:
            cls.thread = threading.Thread(
                target=cls._index, args=(pelican, *job), name="search index"
            )
            cls.thread.start()

    @classmethod
    def _index(cls, pelican, output, bundle, trash):
        started = time.perf_counter()
        settings = pelican.settings
        staged = trash.with_name(trash.name.replace("old-", "new-", 1))
        # The bundle in the staging folder has the path it will have in the output.
        made = staged / settings["SEARCH_BUNDLE_DIR"]
        try:
            clear_staging(trash.parent, keep=staged)
            _write_index(settings, Path(output), made)
            # Named as they will be in the output folder; a finding raises.
            signals.signal("rapport_audit_staged").send(pelican, root=str(staged))
            bundle.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.replace(made, bundle)
            except OSError:  # another file system
                shutil.move(made, bundle)
        except Exception as exc:  # said, not raised: this is the thread's end
            if not type(exc).__module__.startswith("pelican.plugins.rapport_"):
                raise
            print(f"Search index not updated: {exc}", flush=True)
            return
        finally:
            shutil.rmtree(staged, ignore_errors=True)
        cls.current.add(output)
        print(
            f"Search index updated, {time.perf_counter() - started:.1f} s", flush=True
        )


def clear_staging(work, keep):
    """Remove the staging folders in `work` (old-<pid>-<n>, new-<pid>-<n>) of this
    process but `keep`, and those of processes that have ended (a failed save's, an
    ended preview's); another running preview's are its own."""
    for folder in work.iterdir():
        _, _, rest = folder.name.partition("-")
        pid = rest.partition("-")[0]
        if folder == keep or not pid.isdigit():
            continue
        if int(pid) == os.getpid() or not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid):
    try:
        os.kill(pid, 0)  # no signal: only whether the process is there
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        return True
    return True


def wait_for_index():
    """Block until preview mode's search index of the last save is written."""
    thread = _Later.thread
    if thread is not None:
        thread.join()
        _Later.thread = None


def wait_before_writing(generator):
    """generator_init receiver: nothing of a new build starts before the last save's
    index is in place."""
    wait_for_index()


def new_run(pelican):
    """get_writer receiver: each run of a Pelican instance writes its own index (`pelican
    -r` runs one instance again and again)."""
    setattr(pelican, _DONE, False)
    _Later.pending.pop(id(pelican), None)  # a failed build's, never this one's
    if pelican.settings.get("SEARCH") and pelican.settings.get("PREVIEW_MODE"):
        signals.finalized.connect(_Later.start)
