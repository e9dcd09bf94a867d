"""`invoke start`: turn the sample site into the owner's own, in one step.

The sample posts, people and About page go, the sample tweet store is emptied through
the store's own API, the owner's name and handle are written into pelicanconf.py (each
setting's assignment replaced where it stands, the rest of the file kept), and a first
draft post is left to edit. Only the sample's own files are touched, so running it again
with --force never removes anything the owner wrote.
"""

import ast
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from .posts import new_post

# The sample site, as shipped: what `invoke start` removes.
SAMPLE_AUTHOR = "Sam Sample"
SAMPLE_TWITTER = "samsample"
SAMPLE_POSTS = (
    "2013-04-22-asking-for-a-coffee.md",
    "2013-05-10-following-up.md",
    "2013-06-03-when-they-say-no.md",
    "2014-09-15-keeping-in-touch.md",
    "2015-11-09-from-thread-to-meeting.md",
    "2016-03-14-meetups-on-your-own.md",
)
SAMPLE_PEOPLE = (
    "ada-example.md",
    "ben-placeholder.md",
    "chloe-sample.md",
    "dev-fictional.md",
    "erin-demo.md",
)
FIRST_POST = "Hello, and why I started this blog"
ABOUT = """\
Title: About
Slug: about
Summary: Who {name} is, and how the "People I've met" pages work.

Hello, I'm **{name}**. Say here who you are, what you work on and what this blog is
for (this is content/pages/about.md).

## The "People I've met" pages

Some pages on this site list people I have met. Only people who said yes are listed,
and nothing they told me in private is ever published. If you are listed and would
rather not be, tell me and I will take it down.
"""


class StartError(Exception):
    """The site cannot be started; the message says why and what to do."""


@dataclass
class Started:
    removed: list = field(default_factory=list)  # paths relative to the site
    tweets_removed: int = 0
    draft: Path | None = None


def _settings_source(conf):
    return Path(conf).read_text(encoding="utf-8")


def assigned_values(source, names):
    """{name: value} of the plain `NAME = literal` assignments in a settings file."""
    values = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id in names:
                try:
                    values[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    values[target.id] = None  # an expression, e.g. OWNER_NAME = AUTHOR
    return values


def set_settings(source, values):
    """`source` with each `NAME = ...` of `values` (text) replaced by `NAME = "value"`;
    a name without an assignment is appended."""
    lines = source.splitlines(keepends=True)
    spans = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id in values:
                spans[target.id] = (node.lineno - 1, node.end_lineno)
    # From the bottom up, so that earlier spans keep their line numbers.
    for name, (start, end) in sorted(spans.items(), key=lambda x: -x[1][0]):
        lines[start:end] = [f"{name} = {_literal(values[name])}\n"]
    text = "".join(lines)
    missing = [name for name in values if name not in spans]
    if missing:
        text = (
            text.rstrip("\n")
            + "\n"
            + "".join(f"{name} = {_literal(values[name])}\n" for name in missing)
        )
    return text


def _literal(text):
    # A JSON string is a Python string literal too, in the double quotes ruff keeps.
    return json.dumps(text, ensure_ascii=False)


def already_started(conf):
    """Whether pelicanconf.py is no longer the sample's (AUTHOR changed)."""
    author = assigned_values(_settings_source(conf), {"AUTHOR"}).get("AUTHOR")
    return author != SAMPLE_AUTHOR


def start_site(
    root, conf, tweets_store, name, twitter="", bluesky="", mastodon="", today=None
):
    """Make the sample site at `root` the owner's; returns what was done."""
    from pelican.plugins.rapport_tweets.store import Store

    root = Path(root)
    done = Started()
    for folder, names in (
        ("content/posts", SAMPLE_POSTS),
        ("content/people", SAMPLE_PEOPLE),
        ("content/pages", ("about.md",)),
    ):
        for file_name in names:
            path = root / folder / file_name
            if path.is_file() and (file_name != "about.md" or _is_sample_about(path)):
                path.unlink()
                done.removed.append(f"{folder}/{file_name}")
    store = Store(tweets_store)
    if (store.meta().get("owner") or {}).get("handle") == SAMPLE_TWITTER:
        done.tweets_removed = store.empty()
    about = root / "content" / "pages" / "about.md"
    if not about.exists():
        about.write_text(ABOUT.format(name=name), encoding="utf-8")
    conf = Path(conf)
    conf.write_text(
        set_settings(
            _settings_source(conf),
            {
                "AUTHOR": name,
                "SITENAME": name,
                "SITESUBTITLE": "",
                "SITEDESCRIPTION": f"Posts by {name}, and the people I have met.",
                "OWNER_TWITTER": twitter,
                "OWNER_BLUESKY": bluesky,
                "OWNER_MASTODON": mastodon,
                "OWNER_NOTE": "",
            },
        ),
        encoding="utf-8",
    )
    posts = root / "content" / "posts"
    if not any(posts.glob("*.md")):
        done.draft = new_post(posts, FIRST_POST, today or dt.date.today())
    return done


def _is_sample_about(path):
    return SAMPLE_AUTHOR in path.read_text(encoding="utf-8", errors="replace")
