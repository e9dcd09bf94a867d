"""Refuse static files that would publish the contact log, the overlay or anything outside PATH.

Pelican 4.12 copies every file a post links with `{static}` or `{attach}` (the
StaticGenerator adds `context["static_links"]` to what it found in STATIC_PATHS) without
applying STATIC_EXCLUDES, and resolves `..` against the post's folder: a link can
therefore publish a whole person file or `private/people/<slug>.yml`. The check runs on
`static_generator_finalized`, after every link is known and before anything is copied.
"""

import os

from . import settings as defaults
from .model import PeopleError


class PrivateStaticFileError(PeopleError):
    """A static file of the build lies in the contact log, the overlay or outside PATH."""

    def __init__(self, problems):
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(
            "the build would copy private files into the site, so nothing was "
            f"written:\n{lines}"
        )


def _inside(path, folder):
    return os.path.commonpath([path, folder]) == folder


def _within(path, folder):
    """``path`` is in ``folder``, as written or once symlinks are resolved."""
    paths = {os.path.abspath(path), os.path.realpath(path)}
    folders = {os.path.abspath(folder), os.path.realpath(folder)}
    return any(_inside(p, f) for p in paths for f in folders)


def refused_folder(settings, source_path):
    """What ``source_path`` (absolute) must not be published as, or None when it may.

    A link that climbs out of PATH with `..` is refused; a symlinked folder inside PATH
    (photos kept elsewhere) is not, unless it leads into the contact log or the overlay.
    """
    if _within(source_path, defaults.people_dir(settings)):
        return "a person file of the contact log"
    overlay = defaults.private_dir(settings)
    if overlay and _within(source_path, overlay):
        return "a file of the private overlay (PEOPLE_PRIVATE_PATH)"
    if not _inside(os.path.abspath(source_path), os.path.abspath(settings["PATH"])):
        return "a file outside the content folder (PATH)"
    return None


def _linked_paths(content):
    """(link as written, absolute path) for each `{static}`/`{attach}` link of a post.

    Resolved as Pelican 4.12's Content.get_static_links resolves them, which the
    StaticGenerator then copies.
    """
    for match in content._get_intrasite_link_regex().finditer(content._content or ""):
        if match.group("what") not in ("static", "attach"):
            continue
        path = match.group("value").split("#", 1)[0].split("?", 1)[0]
        if path.startswith("/"):
            path = path[1:]
        else:
            path = content.get_relative_source_path(
                os.path.join(content.relative_dir, path)
            )
        path = path.replace("%20", " ")
        yield match.group("path"), os.path.join(content.settings["PATH"], path)


def _refused_links(settings, sources, explained):
    """A problem for each post's link that is refused; each such path is added to
    `explained`."""
    problems = []
    for source in sorted(path for path, c in sources.items() if c is not None):
        for link, path in _linked_paths(sources[source]):
            folder = refused_folder(settings, path)
            if folder:
                explained.add(os.path.realpath(path))
                problems.append(
                    f"{source}: the link {link} points at {folder}, which Pelican "
                    "would copy whole into the site. Remove the link (a listed "
                    "person's page is at people/<slug>/)."
                )
    return problems


def check_static_files(settings, staticfiles, sources, linked):
    """Raise PrivateStaticFileError naming each post and link (or file) at fault.

    ``staticfiles`` are the StaticGenerator's files, ``sources`` Pelican's
    ``generated_content`` (posts and pages by source path), ``linked`` Pelican's
    ``static_links`` (every linked path, relative to PATH, as the StaticGenerator copies
    them). The posts are read for their links only when one of those is refused, to
    name them. Only paths are named, never what the files hold.
    """
    problems = []
    explained = set()
    if any(
        refused_folder(settings, os.path.join(settings["PATH"], path))
        for path in linked
    ):
        problems += _refused_links(settings, sources, explained)
    for static in sorted(staticfiles, key=lambda s: s.source_path):
        folder = refused_folder(settings, static.source_path)
        if folder and os.path.realpath(static.source_path) not in explained:
            problems.append(
                f"{static.get_relative_source_path()}: STATIC_PATHS includes "
                f"{folder}. Take its folder out of STATIC_PATHS."
            )
    if problems:
        raise PrivateStaticFileError(problems)
