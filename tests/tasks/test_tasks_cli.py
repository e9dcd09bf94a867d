"""The invoke tasks and bootstrap.py, run as a user runs them: as processes."""

import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.invoke_help import help_problems
from tests.repo_copy import copy_repository
from tests.warm import WarmInvoke

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
INVOKE = Path(sys.executable).parent / "invoke"


# As after the Quick start: invoke is .venv/bin/invoke, not a command on PATH.
NO_INVOKE_ON_PATH = {"PATH": os.pathsep.join(["/usr/bin", "/bin"])}


def cli_env():
    """A command's environment here: plain, wide output; no SITEURL or PUBLISH_TARGET."""
    full_env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    for name in ("SITEURL", "PUBLISH_TARGET"):
        full_env.pop(name, None)
    return full_env


# An invoke command in the usual environment is forked from a warm invoke (see
# tests/warm_invoke.py): the same script, arguments, folder, environment and streams.
_warm = WarmInvoke(cli_env)


def run(args, cwd=ROOT, env=None, timeout=300):
    args = [str(a) for a in args]
    full_env = cli_env() | (env or {})
    if args[0] == str(INVOKE) and _warm.fits(full_env):
        return _warm.run(args, cwd, full_env, timeout=timeout)
    return subprocess.run(
        args,
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )


def output_of(result):
    return result.stdout + result.stderr


@pytest.fixture
def repo_copy(tmp_path):
    """A throwaway copy of the repository, so tasks that write content/ touch only it."""
    copy = copy_repository(tmp_path / "repo")
    real_posts = sorted(p.name for p in (ROOT / "content/posts").iterdir())
    yield copy
    # The task wrote into the copy, never into the repository's own content/.
    assert sorted(p.name for p in (ROOT / "content/posts").iterdir()) == real_posts


# --- build and publish ---------------------------------------------------------------


def test_invoke_build_writes_the_site_where_asked(tmp_path):
    out = tmp_path / "site"
    result = run([INVOKE, "build", "--output", out])
    assert result.returncode == 0, output_of(result)
    assert (out / "index.html").is_file()
    assert (out / "sitemap.xml").is_file()
    assert str(out) in result.stdout
    assert "Traceback" not in output_of(result)


def test_invoke_publish_without_siteurl_says_what_to_set(tmp_path):
    out = tmp_path / "site"
    result = run([INVOKE, "publish", "--output", out])
    assert result.returncode != 0
    assert "SITEURL" in output_of(result)
    assert "Traceback" not in output_of(result)
    assert not (out / "index.html").exists()


def test_invoke_publish_without_a_target_builds_and_uploads_nothing(tmp_path):
    out = tmp_path / "site"
    result = run(
        [INVOKE, "publish", "--output", out], env={"SITEURL": "https://example.org"}
    )
    assert result.returncode == 0, output_of(result)
    assert "nothing was uploaded" in result.stdout
    assert "PUBLISH_TARGET" in result.stdout
    canonical = (out / "index.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.org/">' in canonical


def test_the_readme_publish_steps_pass_the_check_and_keep_the_local_site(repo_copy):
    """Deploying's commands, in order, then the local preview as before."""
    env = {"SITEURL": "https://example.org"}
    assert run([INVOKE, "build"], cwd=repo_copy).returncode == 0
    local_index = (repo_copy / "output/index.html").read_bytes()
    published = run([INVOKE, "publish"], cwd=repo_copy, env=env)
    assert published.returncode == 0, output_of(published)
    public = repo_copy / "public"
    assert (public / "index.html").is_file()
    assert "public/" in published.stdout
    assert "check --settings publishconf.py" in published.stdout
    # A sample tweet links into the README's example domain no more.
    checked = run(
        [INVOKE, "check", "--settings", "publishconf.py"], cwd=repo_copy, env=env
    )
    assert checked.returncode == 0, output_of(checked)
    assert (repo_copy / "output/index.html").read_bytes() == local_index
    local = run([INVOKE, "check"], cwd=repo_copy)
    assert local.returncode == 0, output_of(local)
    assert "Traceback" not in output_of(published) + output_of(local)


def test_gh_pages_without_siteurl_names_gh_pages(repo_copy):
    result = run([INVOKE, "gh-pages"], cwd=repo_copy, env=NO_INVOKE_ON_PATH)
    assert result.returncode == 1
    assert result.stderr.strip().endswith(
        f"SITEURL=https://you.github.io/blog {INVOKE} gh-pages"
    ), result.stderr
    assert "Traceback" not in output_of(result)


def test_build_says_how_to_serve_with_the_invoke_that_is_there(repo_copy):
    """After the Quick start, invoke is .venv/bin/invoke, not on PATH."""
    result = run([INVOKE, "build"], cwd=repo_copy, env=NO_INVOKE_ON_PATH)
    assert result.returncode == 0, output_of(result)
    assert f"`{INVOKE} serve`" in result.stdout
    on_path = run(
        [INVOKE, "build"],
        cwd=repo_copy,
        env={"PATH": str(INVOKE.parent) + os.pathsep + NO_INVOKE_ON_PATH["PATH"]},
    )
    assert "`invoke serve`" in on_path.stdout


@pytest.fixture
def busy_port():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


@pytest.mark.parametrize("name", ["serve", "livereload"])
def test_a_busy_port_is_one_sentence_with_a_port_hint(repo_copy, busy_port, name):
    (repo_copy / "output").mkdir()
    result = run(
        [INVOKE, name, "--port", busy_port], cwd=repo_copy, env=NO_INVOKE_ON_PATH
    )
    assert result.returncode == 1
    # The hint names invoke as it was typed (here by its full path: not on PATH).
    assert result.stderr.strip() == (
        f"Error: port {busy_port} on 127.0.0.1 is in use (another `invoke serve` or "
        "`invoke livereload`?). Stop the other server, or pick a free port: "
        f"{INVOKE} {name} --port {busy_port + 1}"
    )
    assert "Traceback" not in output_of(result)


# --- post.new --------------------------------------------------------------------


def new_post(repo, *args):
    return run([INVOKE, "post.new", *args], cwd=repo)


def test_post_new_creates_a_dated_draft(repo_copy):
    before = set((repo_copy / "content/posts").iterdir())
    result = new_post(repo_copy, "Coffee with a stranger", "--date", "2020-02-29")
    assert result.returncode == 0, output_of(result)
    created = set((repo_copy / "content/posts").iterdir()) - before
    assert [p.name for p in created] == ["2020-02-29-coffee-with-a-stranger.md"]
    text = created.pop().read_text(encoding="utf-8")
    header = dict(line.split(": ", 1) for line in text.split("\n\n", 1)[0].splitlines())
    assert header["Title"] == "Coffee with a stranger"
    assert header["Date"].startswith("2020-02-29")
    assert header["Slug"] == "coffee-with-a-stranger"
    assert header["Status"] == "draft"
    assert {"Category", "Tags", "Summary"} <= set(header)
    assert "2020-02-29-coffee-with-a-stranger.md" in result.stdout


def test_post_new_dates_the_post_today_by_default(repo_copy):
    days = {datetime.date.today().isoformat()}
    result = new_post(repo_copy, "Today's post")
    days.add(datetime.date.today().isoformat())  # in case midnight passed meanwhile
    assert result.returncode == 0, output_of(result)
    created = list((repo_copy / "content/posts").glob("*-todays-post.md"))
    assert len(created) == 1
    assert created[0].name[:10] in days


def test_post_new_with_a_taken_title_gets_a_unique_slug(repo_copy):
    posts = repo_copy / "content/posts"
    first = new_post(repo_copy, "Same title", "--date", "2021-01-01")
    second = new_post(repo_copy, "Same title", "--date", "2021-01-01")
    assert first.returncode == 0 and second.returncode == 0, output_of(second)
    assert (posts / "2021-01-01-same-title.md").is_file()
    second_file = posts / "2021-01-01-same-title-2.md"
    assert second_file.is_file()
    assert "Slug: same-title-2" in second_file.read_text(encoding="utf-8")


def test_post_new_does_not_reuse_a_slug_of_the_sample_posts(repo_copy):
    result = new_post(repo_copy, "Following up", "--date", "2013-05-10")
    assert result.returncode == 0, output_of(result)
    assert (repo_copy / "content/posts/2013-05-10-following-up-2.md").is_file()


def test_post_new_never_overwrites_an_existing_file(repo_copy):
    posts = repo_copy / "content/posts"
    # The file name is free by slug (its own Slug: differs), but the file exists.
    existing = posts / "2022-03-04-a-plain-title.md"
    original = "Title: Mine\nSlug: something-else\n\nMy words, not to be lost.\n"
    existing.write_text(original, encoding="utf-8")
    result = new_post(repo_copy, "A plain title", "--date", "2022-03-04")
    assert result.returncode != 0
    assert "already exists" in output_of(result)
    assert "Traceback" not in output_of(result)
    assert existing.read_text(encoding="utf-8") == original


def test_post_new_refuses_a_title_without_letters(repo_copy):
    before = sorted((repo_copy / "content/posts").iterdir())
    result = new_post(repo_copy, "!!!")
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ") and "slug" in result.stderr
    assert "Traceback" not in output_of(result)
    assert sorted((repo_copy / "content/posts").iterdir()) == before


def test_post_new_refuses_a_bad_date(repo_copy):
    result = new_post(repo_copy, "Dated", "--date", "next tuesday")
    assert result.returncode == 1
    assert result.stderr.startswith("Error: ") and "YYYY-MM-DD" in result.stderr
    assert "Traceback" not in output_of(result)
    assert not list((repo_copy / "content/posts").glob("*dated*"))


# --- help text ---------------------------------------------------------------------

TASK_LINE = re.compile(r"^  (\S+)")


def task_names():
    result = run([INVOKE, "--list"])
    assert result.returncode == 0, output_of(result)
    names = [
        m.group(1)
        for line in result.stdout.splitlines()
        if (m := TASK_LINE.match(line))
    ]
    return names


def test_every_task_has_help_text():
    names = task_names()
    for expected in (
        "clean",
        "build",
        "rebuild",
        "regenerate",
        "serve",
        "reserve",
        "preview",
        "livereload",
        "publish",
        "gh-pages",
        "post.new",
        "test",
        "lint",
    ):
        assert expected in names, f"`invoke --list` lacks {expected}"
    problems = [p for name in names for p in help_problems(ROOT, name)]
    assert not problems, "\n".join(problems)
    assert help_problems(ROOT, "no-such-task") == [
        "no-such-task: `invoke --help no-such-task` fails: No idea what "
        "'no-such-task' is!"
    ]


def list_summaries(stdout):
    """{task: summary} from `invoke --list`, wrapped summaries joined."""
    summaries, name = {}, None
    for line in stdout.splitlines():
        if m := re.match(r"^  (\S+)\s+(.*)$", line):
            name = m.group(1)
            summaries[name] = m.group(2).strip()
        elif name and line.startswith("   "):
            summaries[name] += " " + line.strip()
    return summaries


def test_every_task_summary_is_one_short_complete_sentence():
    result = run([INVOKE, "--list"])
    assert result.returncode == 0, output_of(result)
    summaries = list_summaries(result.stdout)
    assert "check" in summaries and "people.list" in summaries
    problems = [
        f"{name}: {summary!r}"
        for name, summary in summaries.items()
        if not summary.endswith(".") or "(issue" in summary or len(summary) > 80
    ]
    assert not problems, "\n".join(problems)


def test_the_help_checker_catches_a_task_without_help(tmp_path):
    (tmp_path / "tasks.py").write_text(
        "from invoke import task\n\n@task\ndef bare(c, flag=False):\n    pass\n",
        encoding="utf-8",
    )
    result = run([INVOKE, "--help", "bare"], cwd=tmp_path)
    assert result.returncode == 0
    assert "none" in result.stdout.split("Docstring:", 1)[1]
    line = next(x for x in result.stdout.splitlines() if x.startswith("  -"))
    assert not re.search(r"\S\s{2,}\S", line.strip())


# --- bootstrap.py ----------------------------------------------------------------


@pytest.mark.parametrize("args", [["frobnicate"], [], ["build", "test"]])
def test_bootstrap_with_a_bad_argument_prints_usage(args):
    result = run([sys.executable, ROOT / "bootstrap.py", *args])
    assert result.returncode != 0
    assert "usage: python3 bootstrap.py build | test" in output_of(result)
    assert "Traceback" not in output_of(result)


# --- start: a site of your own -------------------------------------------------------


def all_output_text(folder):
    return "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix in (".html", ".xml", ".txt", ".json")
    )


def test_start_replaces_the_sample_with_a_site_of_your_own(repo_copy):
    result = run(
        [INVOKE, "start", "--name", "Ada Lovelace", "--twitter", "@ada_l",
         "--bluesky", "@Ada.bsky.social", "--mastodon", "@ada@Example.social"],
        cwd=repo_copy,
    )  # fmt: skip
    assert "(@ada_l, ada.bsky.social on Bluesky, @ada@example.social)" in result.stdout
    assert result.returncode == 0, output_of(result)
    assert "Traceback" not in output_of(result)
    posts = sorted(p.name for p in (repo_copy / "content/posts").iterdir())
    assert len(posts) == 1 and posts[0].endswith(
        "-hello-and-why-i-started-this-blog.md"
    )
    assert "Status: draft" in (repo_copy / "content/posts" / posts[0]).read_text()
    assert not list((repo_copy / "content/people").glob("*.md"))
    assert "Sam Sample" not in (repo_copy / "content/pages/about.md").read_text()
    # The tweet store is empty (and has no owner), through the store's own API.
    from pelican.plugins.rapport_tweets.store import Store

    store = Store(repo_copy / "data/tweets")
    assert not list(store.iter_records())
    assert not store.meta().get("owner")
    assert not list((repo_copy / "data/tweets/media").glob("*"))
    conf = (repo_copy / "pelicanconf.py").read_text(encoding="utf-8")
    assert 'AUTHOR = "Ada Lovelace"' in conf
    assert 'SITENAME = "Ada Lovelace"' in conf
    assert 'OWNER_TWITTER = "ada_l"' in conf
    assert 'OWNER_BLUESKY = "ada.bsky.social"' in conf
    assert 'OWNER_MASTODON = "ada@example.social"' in conf
    assert "OWNER_NAME = AUTHOR" in conf  # the rest of the file is as it was
    # It built the new site, and nothing of the sample is left in it.
    text = all_output_text(repo_copy / "output")
    assert "Ada Lovelace" in text
    for sample in ("Sam Sample", "samsample", "Ada Example", "asking-for-a-coffee"):
        assert sample not in text, sample
    checked = run([INVOKE, "check"], cwd=repo_copy)
    assert checked.returncode == 0, output_of(checked)


def test_start_empties_a_relative_store_from_any_folder(repo_copy):
    """TWEETS_STORE = "data/tweets" is the site's store for `start` as for a build,
    even when invoke runs from a folder below the site (it finds tasks.py upward)."""
    conf = repo_copy / "pelicanconf.py"
    text = conf.read_text(encoding="utf-8")
    conf.write_text(
        text.replace(
            'TWEETS_STORE = str(ROOT / "data" / "tweets")',
            'TWEETS_STORE = "data/tweets"',
        ),
        encoding="utf-8",
    )
    result = run([INVOKE, "start", "--name", "Ada Lovelace"], cwd=repo_copy / "content")
    assert result.returncode == 0, output_of(result)
    from pelican.plugins.rapport_tweets.store import Store

    assert not list(Store(repo_copy / "data/tweets").iter_records())
    assert not (repo_copy / "content" / "data").exists()


def test_start_refuses_to_run_twice_without_force(repo_copy):
    first = run([INVOKE, "start", "--name", "Ada Lovelace"], cwd=repo_copy)
    assert first.returncode == 0, output_of(first)
    mine = repo_copy / "content/posts/2027-01-01-mine.md"
    mine.write_text("Title: Mine\nDate: 2027-01-01\n\nMy words.\n", encoding="utf-8")
    conf = (repo_copy / "pelicanconf.py").read_bytes()
    again = run([INVOKE, "start", "--name", "Someone Else"], cwd=repo_copy)
    assert again.returncode == 1
    assert "already yours" in again.stderr and "--force" in again.stderr
    assert (repo_copy / "pelicanconf.py").read_bytes() == conf
    forced = run([INVOKE, "start", "--name", "Someone Else", "--force"], cwd=repo_copy)
    assert forced.returncode == 0, output_of(forced)
    assert mine.read_text(encoding="utf-8").endswith("My words.\n")  # never removed
    assert 'AUTHOR = "Someone Else"' in (repo_copy / "pelicanconf.py").read_text()
    # Only the owner's post: no second first draft next to it.
    assert len(list((repo_copy / "content/posts").glob("*.md"))) == 2


def test_start_refuses_a_bad_handle_and_changes_nothing(repo_copy):
    conf = (repo_copy / "pelicanconf.py").read_bytes()
    result = run(
        [INVOKE, "start", "--name", "Ada", "--twitter", "not a handle"], cwd=repo_copy
    )
    assert result.returncode == 1
    assert "is not an X/Twitter handle" in result.stderr
    assert (repo_copy / "pelicanconf.py").read_bytes() == conf
    for option, value, shape in (
        ("--bluesky", "not a handle", "is not a Bluesky handle"),
        ("--mastodon", "ada@", "is not a Mastodon account"),
    ):
        result = run([INVOKE, "start", "--name", "Ada", option, value], cwd=repo_copy)
        assert result.returncode == 1 and shape in result.stderr, output_of(result)
        assert (repo_copy / "pelicanconf.py").read_bytes() == conf
    assert (repo_copy / "content/posts/2013-04-22-asking-for-a-coffee.md").is_file()
