"""`invoke hooks.*`: a git pre-push hook that runs the privacy audit with private/.

CI builds from the repository alone, without the git-ignored private/ folder, so its
audit cannot know private values: one pasted into a post passes CI. The owner's
machine has private/, so the gate that can see it runs here, before a push.
"""

import os
import shlex
import sys
import tempfile
from pathlib import Path

from invoke import Collection, task
from invoke.exceptions import Exit

from pelican.plugins.rapport_people import enabled as people_enabled
from pelican.plugins.rapport_people import settings as people_defaults
from pelican.plugins.rapport_people.tasks import (
    git,
    public_problems,
    site_settings,
)
from pelican.plugins.rapport_tweets.settings import site_folder

from .build import BuildFailed, build

MARKER = "# rapport pre-push hook"
HOOK = """#!/bin/sh
{marker} (written by `invoke hooks.install`; `--force` rewrites it).
# Builds the site with private/ into a temporary folder and runs the privacy audit
# (and people.check --public in a public repository); any hit refuses the push.
exec {invoke} -r "$(git rev-parse --show-toplevel)" hooks.pre-push
"""


def hook_path(root):
    """Where git looks for the pre-push hook (honours core.hooksPath and worktrees)."""
    path = Path(git(root, "rev-parse", "--git-path", "hooks/pre-push").decode().strip())
    return path if path.is_absolute() else Path(root) / path


@task(help={"force": "Replace a pre-push hook that Rapport did not write."})
def install(c, force=False):
    """Install the git pre-push hook that refuses a push the privacy audit fails."""
    root = site_folder(c)
    path = hook_path(root)
    if path.exists() and MARKER not in path.read_text(
        encoding="utf-8", errors="replace"
    ):
        raise Exit(
            f"Error: {path} exists and is not Rapport's; nothing was written. Merge it "
            "by hand (it must run: invoke hooks.pre-push), or rerun with --force.",
            code=1,
        )
    invoke = Path(sys.executable).parent / "invoke"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        HOOK.format(marker=MARKER, invoke=shlex.quote(str(invoke))), encoding="utf-8"
    )
    os.chmod(path, 0o755)
    print(
        f"Installed {path}: every git push now builds the site with private/ and runs "
        "the privacy audit first, and refuses the push on a hit."
    )


@task(name="pre-push")
def pre_push(c):
    """Run the full privacy audit, with private/, as the pre-push hook does.

    It builds into a temporary folder and audits that build (and runs people.check
    --public first in a public repository)."""
    root = site_folder(c)
    settings = site_settings(c)
    if not people_enabled(settings) or not settings.get("PEOPLE_AUDIT", True):
        raise Exit(
            "Push refused: the privacy audit is off (rapport_people is not in PLUGINS, "
            "or PEOPLE_AUDIT is False) in pelicanconf.py, so nothing could be checked.",
            code=1,
        )
    if settings["PEOPLE_PUBLIC_REPOSITORY"]:
        found = public_problems(settings, root)
        for line in found:
            print(f"- {line}")
        if found:
            raise Exit(
                "Push refused: tracked files, listed above, hold what a public "
                "repository must not; invoke people.check --public says what to do.",
                code=1,
            )
    with tempfile.TemporaryDirectory(prefix="rapport-pre-push-") as temp:
        overrides = {
            "OUTPUT_PATH": str(Path(temp) / "output"),
            "CACHE_PATH": str(Path(temp) / "cache"),
            "LOAD_CONTENT_CACHE": False,
            "DELETE_OUTPUT_DIRECTORY": False,
            "PEOPLE_PRIVATE_PATH": people_defaults.private_dir(settings),
        }
        try:
            build(root / "pelicanconf.py", overrides)
        except BuildFailed as exc:
            raise Exit(
                f"Push refused: {exc}\nNothing was pushed. Fix it, then push again.",
                code=1,
            ) from None
    print("Pre-push: the site builds and the privacy audit found nothing.")


ns = Collection("hooks", install, pre_push)
