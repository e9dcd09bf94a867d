"""`invoke gh-pages`: the built site as the single commit of a branch (ghp-import).

A withdrawn person must not stay one `git show gh-pages~1:people/<slug>/` away, so the
branch never keeps an older version of the site: each publish replaces it with one
commit without parents, and a push replaces the remote branch (force).
"""

import subprocess

from ghp_import import GhpError, ghp_import


class PagesError(Exception):
    """The site could not be committed or pushed; the message says why and what to do."""


def _git(*args):
    return subprocess.run(["git", *args], capture_output=True, text=True, check=False)


def publish_branch(site, branch="gh-pages", push=False, remote="origin"):
    """Make ``branch`` of the repository here one commit holding the folder ``site``
    (plus .nojekyll); with ``push``, force-push it to ``remote``."""
    ref = f"refs/heads/{branch}"
    if _git("symbolic-ref", "-q", "HEAD").stdout.strip() == ref:
        raise PagesError(
            f"the {branch} branch is checked out here, and publishing replaces it. "
            "Switch to your main branch (git switch main), then publish again."
        )
    # ghp-import 2.1.0's --no-history drops the local branch only when <remote>/<branch>
    # exists; otherwise the new commit gets the old one as its parent. Deleting the ref
    # (and its reflog) first makes the commit an orphan in every case. The
    # remote-tracking ref goes too: its reflog would keep every site pushed before
    # (origin/gh-pages@{1}); a push or a fetch makes it again.
    for old in (ref, f"refs/remotes/{remote}/{branch}"):
        if _git("rev-parse", "-q", "--verify", old).returncode == 0:
            deleted = _git("update-ref", "-d", old)
            if deleted.returncode != 0:
                raise PagesError(
                    f"could not replace the {branch} branch: {deleted.stderr.strip()}"
                )
    try:
        ghp_import(
            str(site),
            mesg="Publish site",
            nojekyll=True,
            branch=branch,
            remote=remote,
            no_history=True,
            push=push,
            force=True,
        )
    except GhpError as exc:
        raise PagesError(f"ghp-import could not commit the site: {exc}") from None
    except subprocess.CalledProcessError:
        raise PagesError(
            f"the {branch} branch was committed but not pushed to {remote}; see git's "
            f"message above, then push it with: git push --force {remote} {branch}"
        ) from None
    if _git("rev-parse", "-q", "--verify", ref).returncode != 0:
        # ghp-import only prints "Failed to process commit." when git fast-import fails.
        raise PagesError(
            f"git could not write the {branch} branch (see its message above); "
            "nothing was published."
        )
