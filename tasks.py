"""Rapport's tasks. `invoke --list` shows them; `invoke --help TASK` explains one.

The pelican-quickstart names (clean, build, rebuild, regenerate, serve, reserve, preview,
livereload, publish, gh-pages) behave as Pelican users expect; `post.new`, `people.*`,
`tweets.*`, `check`, `bench`, `test` and `lint` are Rapport's own.
"""

import datetime
import os
import shlex
import shutil
import sys
from pathlib import Path

from invoke import Collection, task
from invoke.exceptions import Exit

ROOT = Path(__file__).resolve().parent

from pelican.plugins.rapport_site.build import BuildFailed, output_path  # noqa: E402
from pelican.plugins.rapport_site.build import build as run_pelican  # noqa: E402
from pelican.plugins.rapport_site.tasks import require_dev_tools  # noqa: E402

SETTINGS = ROOT / "pelicanconf.py"
PUBLISH_SETTINGS = ROOT / "publishconf.py"
POSTS = ROOT / "content" / "posts"
HOST, PORT = "127.0.0.1", 8000
# `invoke livereload` builds here, not into output/: its pages load the dev server's
# reload script, which `invoke serve` and `invoke check` must never see.
LIVERELOAD_OUTPUT = ROOT / "cache" / "livereload"


def invoke_command():
    """How to type `invoke` here: bare when it is on PATH, else as it was typed
    (`.venv/bin/invoke` after the Quick start)."""
    typed = Path(sys.argv[0])
    if typed.name != "invoke":  # not run by the invoke script (python -m invoke)
        typed = Path(sys.executable).parent / "invoke"
    found = shutil.which("invoke")
    if found and Path(found).resolve() == typed.resolve():
        return "invoke"
    if typed.is_absolute() and typed.is_relative_to(Path.cwd()):
        return str(typed.relative_to(Path.cwd()))
    return str(typed)


def _overrides(output):
    return {"OUTPUT_PATH": str(Path(output).resolve())} if output else {}


def _build(settings_file, output=None, overrides=None, quiet=False):
    settings = {**_overrides(output), **(overrides or {})}
    _maybe_fetch_tweets(settings_file, settings)
    try:
        seconds, warnings = run_pelican(settings_file, settings)
    except BuildFailed as exc:
        raise Exit(f"Error: {exc}", code=1) from None
    out = output_path(settings_file, settings)
    if not quiet:
        pages = sum(1 for p in out.rglob("*.html"))
        print(
            f"Built {pages} pages into {out} in {seconds:.2f} s"
            f"{f' with {warnings} warning(s)' if warnings else ''}."
        )
    return out


def _maybe_fetch_tweets(settings_file, overrides):
    """TWEETS_FETCH_ON_BUILD: top up the tweet store first; any failure is only a warning."""
    from pelican.plugins.rapport_tweets.settings import (
        SettingsFileError,
        read_site_settings,
    )
    from pelican.plugins.rapport_tweets.tasks import fetch_before_build

    try:
        settings = read_site_settings(settings_file, overrides)
    except SettingsFileError as exc:
        raise Exit(f"Error: {exc}", code=1) from None
    fetch_before_build(settings)


@task(help={"output": "Folder to clean (default: output/ and public/)."})
def clean(c, output=None):
    """Remove the built sites (output/, public/) and Pelican's content cache."""
    sites = [Path(output)] if output else [output_path(SETTINGS), ROOT / "public"]
    for folder in (*sites, ROOT / "cache"):
        if folder.is_dir():
            shutil.rmtree(folder)
            print(f"Removed {folder}")


@task(help={"output": "Write the site here instead of output/."})
def build(c, output=None):
    """Build the site with pelicanconf.py (local URLs, drafts previewable)."""
    out = _build(SETTINGS, output)
    if output:
        print(f"Look at it with `{invoke_command()} serve --output {output}`.")
    else:
        print(
            f"Look at it with `{invoke_command()} serve`, then open "
            f"http://{HOST}:{PORT}/ ({out})."
        )


@task(help={"output": "Write the site here instead of output/."})
def rebuild(c, output=None):
    """Clean, then build from scratch."""
    clean(c, output)
    build(c, output)


@task
def regenerate(c):
    """Rebuild whenever content, theme or settings change (preview mode).

    Pelican's autoreload in preview mode: only the pages whose inputs changed are
    rendered again; `invoke build` and the publishing tasks always render every page."""
    _pelican(c, f"-r -s {SETTINGS}", preview=True)


def _free_port(task_name, bind, port):
    from pelican.plugins.rapport_site.preview import PortBusy, check_port

    try:
        check_port(f"{invoke_command()} {task_name}", bind, int(port))
    except PortBusy as exc:
        raise Exit(f"Error: {exc}", code=1) from None


@task(
    help={
        "port": f"Port to listen on (default {PORT}).",
        "bind": f"Address to listen on (default {HOST}).",
        "output": "Serve this folder instead of output/ (e.g. public/).",
    }
)
def serve(c, port=PORT, bind=HOST, output=None):
    """Serve output/ at http://127.0.0.1:8000/; Ctrl+C stops it."""
    out = Path(output).resolve() if output else output_path(SETTINGS)
    if not out.is_dir():
        raise Exit(
            f"Error: {out} does not exist yet. Run `{invoke_command()} build` first.",
            code=1,
        )
    _free_port("serve", bind, port)
    _pelican(
        c,
        f"-l -s {SETTINGS} -o {shlex.quote(str(out))} -p {int(port)} "
        f"-b {shlex.quote(bind)}",
    )


@task(help={"port": f"Port to listen on (default {PORT})."})
def reserve(c, port=PORT):
    """Build, then serve."""
    _free_port("reserve", HOST, port)
    build(c)
    serve(c, port)


def _publish_build(task_name, output=None):
    """Build with publishconf.py (into public/ unless `output`); SITEURL must be set."""
    if not os.environ.get("SITEURL", "").strip():
        raise Exit(
            f"Error: `invoke {task_name}` builds the site for publishing and needs "
            "SITEURL, the address it will live at: "
            f"SITEURL=https://you.github.io/blog {invoke_command()} {task_name}",
            code=1,
        )
    return _build(PUBLISH_SETTINGS, output)


def _published(out, output):
    """What to say after a publishing build: where it is, how to check it."""
    return (
        f"The published site is in {_shown(out)}; output/, your local preview, is "
        f"untouched. Check it with `SITEURL={os.environ['SITEURL'].strip()} "
        f"{invoke_command()} check --settings publishconf.py"
        + (f" --output {_shown(out)}" if output else "")
        + "`."
    )


def _shown(path):
    """`path` relative to the current folder when it is inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd())) + "/"
    except ValueError:
        return str(path)


@task(help={"output": "Write the site here instead of public/."})
def preview(c, output=None):
    """Build with publishconf.py into public/, as CI does; needs SITEURL."""
    out = _publish_build("preview", output)
    print(_published(out, output))


@task(help={"port": f"Port to listen on (default {PORT})."})
def livereload(c, port=PORT):
    """Build, serve, and rebuild and reload the browser on every save."""
    from pelican.plugins.rapport_site.preview import (
        PortBusy,
        livereload_script,
        serve_and_reload,
    )

    port = int(port)
    _free_port("livereload", HOST, port)
    overrides = {
        "OUTPUT_PATH": str(LIVERELOAD_OUTPUT),
        "LIVERELOAD_SCRIPT": livereload_script(port),
        "SECURITY_HEADERS_SAVE_AS": "",
        "LOAD_CONTENT_CACHE": True,
        "CACHE_CONTENT": True,
        "PREVIEW_MODE": True,
    }
    _build(SETTINGS, overrides=overrides)

    def rebuild():
        try:
            _build(SETTINGS, overrides=overrides)
        except Exit as exc:  # a mistake in a post: say so, keep serving
            print(exc.message)

    print(
        f"Open http://{HOST}:{port}/. Every save under content/, theme/ or data/, or "
        "of pelicanconf.py, rebuilds the site and then reloads the page (restart "
        "after editing plugins/); Ctrl+C stops it."
    )
    watched = [ROOT / "content", ROOT / "theme", ROOT / "data", SETTINGS]
    try:
        serve_and_reload(
            LIVERELOAD_OUTPUT,
            HOST,
            port,
            watched,
            rebuild,
            command=f"{invoke_command()} livereload",
        )
    except PortBusy as exc:
        raise Exit(f"Error: {exc}", code=1) from None


@task(help={"output": "Write the site here instead of public/."})
def publish(c, output=None):
    """Build with publishconf.py into public/; rsync it to PUBLISH_TARGET if set."""
    out = _publish_build("publish", output)
    print(_published(out, output))
    target = os.environ.get("PUBLISH_TARGET")
    if not target:
        print(
            "No upload target is configured, so nothing was uploaded. Set "
            "PUBLISH_TARGET=user@host:/var/www/site to upload with rsync, run "
            f"`{invoke_command()} gh-pages`, or push to main and let the GitHub Pages "
            "workflow deploy it."
        )
        return
    if not shutil.which("rsync"):
        raise Exit(
            "Error: rsync is not installed; install it to publish to a server. "
            f"Nothing was uploaded; the site is built in {_shown(out)}.",
            code=1,
        )
    c.run(
        f"rsync -avc --delete {shlex.quote(str(out))}/ {shlex.quote(target)}", pty=False
    )


@task(
    name="gh-pages",
    help={
        "push": "Also force-push the gh-pages branch to origin (default: only commit "
        "it); old versions of the site are not kept."
    },
)
def gh_pages(c, push=False):
    """Build with publishconf.py; the gh-pages branch becomes one commit of public/."""
    from pelican.plugins.rapport_site.ghpages import PagesError, publish_branch

    out = _publish_build("gh-pages")
    try:
        publish_branch(out, push=push)
    except PagesError as exc:
        raise Exit(f"Error: {exc}", code=1) from None
    print(
        "Committed the site to the gh-pages branch"
        + (" and pushed it." if push else ".")
    )


def _pelican(c, args, preview=False):
    extra = (
        " -e LOAD_CONTENT_CACHE=true CACHE_CONTENT=true PREVIEW_MODE=true"
        if preview
        else ""
    )
    c.run(
        f"{shlex.quote(sys.executable)} -m pelican {ROOT / 'content'} {args} --fatal errors{extra}",
        pty=False,
    )


# --- a site of your own ---------------------------------------------------------


@task(
    help={
        "name": 'Your name, in quotes: the site\'s name and author, e.g. "Ada Lovelace".',
        "twitter": "Your X/Twitter handle, with or without the @ (optional).",
        "bluesky": "Your Bluesky handle (you.bsky.social) or DID (optional).",
        "mastodon": "Your Mastodon account, @you@instance.example (optional).",
        "force": "Run again on a site that is already yours: removes only what is "
        "left of the sample, and writes the settings again.",
    }
)
def start(c, name, twitter="", bluesky="", mastodon="", force=False):
    """Make the site yours: drop the sample content, set your name, build."""
    from pelican.plugins.rapport_people.model import (
        parse_bluesky,
        parse_handle,
        parse_mastodon,
    )
    from pelican.plugins.rapport_site.start import already_started, start_site
    from pelican.plugins.rapport_tweets.tasks import load_settings

    name = " ".join(name.split())
    if not name:
        raise Exit(
            'Error: --name is empty; give your name: --name "Your Name".', code=1
        )
    handle = parse_handle(twitter) if twitter else ""
    if handle is None:
        raise Exit(
            f"Error: --twitter '{twitter}' is not an X/Twitter handle (1 to 15 letters, "
            "digits or underscores). Nothing was changed.",
            code=1,
        )
    accounts = {}
    for option, value, parse, shape in (
        ("bluesky", bluesky, parse_bluesky, "a Bluesky handle (you.bsky.social) or DID"),
        ("mastodon", mastodon, parse_mastodon, "a Mastodon account (@you@instance.example)"),
    ):  # fmt: skip
        accounts[option] = parse(value) if value else ""
        if accounts[option] is None:
            raise Exit(
                f"Error: --{option} '{value}' is not {shape}. Nothing was changed.",
                code=1,
            )
    if already_started(SETTINGS) and not force:
        raise Exit(
            "Error: this site is already yours (AUTHOR in pelicanconf.py is no longer "
            "the sample's); nothing was changed. To remove whatever is left of the "
            f"sample and write the settings again: {invoke_command()} start --name "
            f"{shlex.quote(name)} --force",
            code=1,
        )
    store = load_settings(SETTINGS)["TWEETS_STORE"]
    done = start_site(ROOT, SETTINGS, store, name, handle, **accounts)
    named = [f"@{handle}"] if handle else []
    named += [f"{accounts['bluesky']} on Bluesky"] if accounts["bluesky"] else []
    named += [f"@{accounts['mastodon']}"] if accounts["mastodon"] else []
    print(
        f"Removed {len(done.removed)} sample file(s) and {done.tweets_removed} sample "
        f"tweet(s); pelicanconf.py now names {name}"
        + (f" ({', '.join(named)})" if named else "")
        + "."
    )
    clean(c)
    build(c)
    cmd = invoke_command()
    if done.draft:
        print(
            f"Your first post is a draft: {done.draft.relative_to(ROOT)}. Edit it and "
            f"content/pages/about.md, preview with `{cmd} livereload`, add people with "
            f"`{cmd} people.new`, and import your tweets with `{cmd} tweets.import "
            "PATH-TO-ARCHIVE.zip`."
        )


# --- posts -------------------------------------------------------------------


@task(
    name="new",
    help={
        "title": "The post's title, in quotes.",
        "category": "Category (default: Networking).",
        "tags": "Comma-separated tags.",
        "date": "Date as YYYY-MM-DD (default: today).",
    },
)
def post_new(c, title, category="Networking", tags="", date=None):
    """Create a draft post (metadata skeleton) in content/posts/; never overwrites."""
    from pelican.plugins.rapport_site.posts import PostError, new_post

    try:
        day = datetime.date.fromisoformat(date) if date else datetime.date.today()
    except ValueError:
        raise Exit(
            f"Error: --date {date!r} is not a date; use YYYY-MM-DD.", code=1
        ) from None
    try:
        path = new_post(POSTS, title, day, category=category, tags=tags)
    except PostError as exc:
        raise Exit(f"Error: {exc}", code=1) from None
    print(
        f"Created {path.relative_to(ROOT)}. It is a draft until you remove `Status: draft`."
    )


# --- quality -----------------------------------------------------------------


@task(
    help={
        "args": "Extra arguments for pytest, e.g. -k people.",
        "jobs": "Parallel pytest workers (default: one per core; 0 runs serially).",
    }
)
def test(c, args="", jobs=None):
    """Run lint and the whole test suite (browser tests when Chromium is installed).

    Needs the test tools: `python3 bootstrap.py test` installs them.
    """
    require_dev_tools("test", "pytest", "xdist", "ruff")
    lint(c)
    workers = "auto" if jobs is None else str(int(jobs))
    parallel = "" if workers == "0" else f"-n {workers} "
    c.run(f"{shlex.quote(sys.executable)} -m pytest {parallel}{args}", pty=False)


@task
def lint(c):
    """Check style with ruff (lint and format)."""
    require_dev_tools("lint", "ruff")
    c.run(f"{shlex.quote(sys.executable)} -m ruff check .", pty=False)
    c.run(f"{shlex.quote(sys.executable)} -m ruff format --check .", pty=False)


post = Collection("post")
post.add_task(post_new)

ns = Collection(
    clean,
    build,
    rebuild,
    regenerate,
    serve,
    reserve,
    preview,
    livereload,
    publish,
    gh_pages,
    start,
    test,
    lint,
    post,
)

# Each plugin ships its own task collection; the site audit and the bench have theirs.
from bench.mutants import ns as mutants_tasks  # noqa: E402
from bench.tasks import ns as bench_tasks  # noqa: E402
from pelican.plugins.rapport_people.tasks import ns as people_tasks  # noqa: E402
from pelican.plugins.rapport_site.hooks import ns as hooks_tasks  # noqa: E402
from pelican.plugins.rapport_site.tasks import ns as site_tasks  # noqa: E402
from pelican.plugins.rapport_tweets.bluesky.tasks import ns as bluesky_tasks  # noqa: E402
from pelican.plugins.rapport_tweets.mastodon_tasks import ns as mastodon_tasks  # noqa: E402
from pelican.plugins.rapport_tweets.tasks import ns as tweets_tasks  # noqa: E402

ns.add_collection(people_tasks, name="people")
ns.add_collection(tweets_tasks, name="tweets")
ns.add_collection(bluesky_tasks, name="bluesky")
ns.add_collection(mastodon_tasks, name="mastodon")
ns.add_collection(hooks_tasks, name="hooks")
for _task in (
    *site_tasks.tasks.values(),
    *bench_tasks.tasks.values(),
    *mutants_tasks.tasks.values(),
):
    ns.add_task(_task)  # top level: `invoke check`, `invoke bench`, `invoke mutants`
