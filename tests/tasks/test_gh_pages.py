"""`invoke gh-pages` keeps no old version of the site: one commit, force-pushed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pelican.plugins.rapport_site.ghpages import PagesError, publish_branch
from tests.repo_copy import REPO_PARTS, copy_repository

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PERSON_PAGE = "people/ada-example/index.html"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Sam Sample",
    "GIT_AUTHOR_EMAIL": "sam@example.invalid",
    "GIT_COMMITTER_NAME": "Sam Sample",
    "GIT_COMMITTER_EMAIL": "sam@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo, *args):
    result = subprocess.run(
        ["git", *args],
        cwd=repo,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        text=True,
        check=False,
    )
    return result


def reachable_paths(repo):
    """Every file path in every commit reachable from any ref (branches, tags, remotes)
    or from a reflog (`git show origin/gh-pages@{1}:...` would serve it)."""
    commits = git(repo, "rev-list", "--all", "--reflog").stdout.split()
    paths = set()
    for commit in commits:
        paths |= set(git(repo, "ls-tree", "-r", "--name-only", commit).stdout.split())
    return paths


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A git repository with one commit on main and a bare `origin`."""
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    assert git(tmp_path, "init", "-q", "--bare", str(origin)).returncode == 0
    assert git(tmp_path, "init", "-q", "-b", "main", str(work)).returncode == 0
    (work / "README.md").write_text("blog\n")
    git(work, "add", "README.md")
    assert git(work, "commit", "-q", "-m", "start").returncode == 0
    git(work, "remote", "add", "origin", str(origin))
    monkeypatch.chdir(work)
    return work, origin


def site(folder, with_ada):
    (folder / "people").mkdir(parents=True)
    (folder / "index.html").write_text("home\n")
    if with_ada:
        (folder / PERSON_PAGE).parent.mkdir()
        (folder / PERSON_PAGE).write_text("Ada Example\n")
    return folder


@pytest.mark.parametrize("push", [False, True], ids=["local", "pushed"])
def test_two_publishes_leave_one_commit_and_no_old_page(repo, tmp_path, push):
    work, origin = repo
    publish_branch(site(tmp_path / "v1", with_ada=True), push=push)
    assert git(work, "show", f"gh-pages:{PERSON_PAGE}").stdout == "Ada Example\n"
    publish_branch(site(tmp_path / "v2", with_ada=False), push=push)

    assert git(work, "rev-list", "--count", "gh-pages").stdout.strip() == "1"
    assert git(work, "show", f"gh-pages~1:{PERSON_PAGE}").returncode != 0
    assert git(work, "ls-tree", "-r", "--name-only", "gh-pages").stdout.split() == [
        ".nojekyll",
        "index.html",
    ]
    for where in (work, origin) if push else (work,):
        assert PERSON_PAGE not in reachable_paths(where), where
    if push:
        remote = git(origin, "rev-parse", "gh-pages").stdout
        assert remote == git(work, "rev-parse", "gh-pages").stdout
        assert git(origin, "rev-list", "--count", "gh-pages").stdout.strip() == "1"
    # main is untouched
    assert git(work, "rev-list", "--count", "main").stdout.strip() == "1"


def test_publishing_refuses_while_gh_pages_is_checked_out(repo, tmp_path):
    work, _origin = repo
    publish_branch(site(tmp_path / "v1", with_ada=False))
    git(work, "switch", "-q", "gh-pages")
    with pytest.raises(PagesError, match="git switch main"):
        publish_branch(site(tmp_path / "v2", with_ada=False))
    assert git(work, "rev-list", "--count", "gh-pages").stdout.strip() == "1"


def test_invoke_gh_pages_after_a_withdrawal(tmp_path, monkeypatch):
    """The whole task on a copy of the repository: publish, unlist Ada, publish again."""
    for name, value in GIT_ENV.items():
        monkeypatch.setenv(name, value)
    work, origin = tmp_path / "repo", tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    git(tmp_path, "init", "-q", "-b", "main", str(work))
    copy_repository(work, (*REPO_PARTS, ".gitignore"))
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "site")
    git(work, "remote", "add", "origin", str(origin))
    invoke = [sys.executable, "-m", "invoke", "gh-pages", "--push"]
    env = {**os.environ, "SITEURL": "https://sam.example", "NO_COLOR": "1"}

    first = subprocess.run(invoke, cwd=work, env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stdout + first.stderr
    assert git(origin, "cat-file", "-e", f"gh-pages:{PERSON_PAGE}").returncode == 0

    person = work / "content" / "people" / "ada-example.md"
    person.write_text(person.read_text().replace("listed: true", "listed: false"))
    second = subprocess.run(invoke, cwd=work, env=env, capture_output=True, text=True)
    assert second.returncode == 0, second.stdout + second.stderr

    for where in (work, origin):
        assert git(where, "rev-list", "--count", "gh-pages").stdout.strip() == "1"
        assert git(where, "show", f"gh-pages~1:{PERSON_PAGE}").returncode != 0
        paths = reachable_paths(where)
        assert PERSON_PAGE not in paths, where
        assert "people/index.html" in paths
