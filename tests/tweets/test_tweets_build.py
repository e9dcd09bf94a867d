"""A tiny real Pelican build: embeds in a post, the highlights page, media, nav."""

import logging
import os
from pathlib import Path

import pytest
from pelican import Pelican
from pelican.settings import read_settings
from test_render import Tree

from pelican.plugins.rapport_tweets.embed import TweetEmbedError, tweet_id_of

ROOT = str(Path(__file__).resolve().parents[2])
POST = """Title: Coffee, four years on
Date: 2016-05-05
Slug: coffee-four-years-on

The thread that started it:

https://twitter.com/samsample/status/1000000000000000301?s=20&t=AbC

<https://x.com/samsample/status/1000000000000000102>

https://mobile.twitter.com/samsample/status/1000000000000000201/

A sentence with https://x.com/samsample/status/1000000000000000101 inside stays a sentence.

[my own words](https://x.com/samsample/status/1000000000000000010)

https://x.com/samsample/status/1234567
"""


def build(tmp_path, sample_store, **override):
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    (content / "posts" / "coffee.md").write_text(POST)
    settings = read_settings(
        path=None,
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(tmp_path / "output"),
            "THEME": f"{ROOT}/theme",
            "PLUGINS": [
                "pelican.plugins.rapport_site",
                "pelican.plugins.rapport_tweets",
            ],
            "JINJA_ENVIRONMENT": {"autoescape": True},
            "ARTICLE_PATHS": ["posts"],
            "ARTICLE_URL": "{slug}/",
            "ARTICLE_SAVE_AS": "{slug}/index.html",
            "TIMEZONE": "UTC",
            "SITEURL": "",
            "TWEETS_STORE": str(sample_store),
            "TWEETS_PINNED": ["1000000000000000102"],
            **override,
        },
    )
    Pelican(settings).run()
    return tmp_path / "output"


@pytest.mark.slow
def test_post_embeds_highlights_page_and_media(tmp_path, sample_store, caplog):
    with caplog.at_level(logging.WARNING):
        out = build(tmp_path, sample_store)
    post = Tree((out / "coffee-four-years-on" / "index.html").read_text())
    embedded = [e["attrs"]["id"] for e in post.find("article", "tweet-card")]
    assert embedded == [
        "tweet-1000000000000000301",
        "tweet-1000000000000000102",
        "tweet-1000000000000000201",
    ]
    hrefs = [a["attrs"].get("href") for a in post.find("a")]
    assert "https://x.com/samsample/status/1234567" in hrefs  # missing: a plain link
    assert (
        "https://x.com/samsample/status/1000000000000000010" in hrefs
    )  # own words kept
    assert (
        "tweet 1234567 is not in the tweet store" in caplog.text
        and "coffee.md" in caplog.text
    )
    assert not post.find("script")
    (img,) = post.find("img")
    assert (
        img["attrs"]["src"] == "/twitter/media/1000000000000000102-SampleWhiteboard.png"
    )
    assert [p.name for p in (out / "twitter" / "media").iterdir()] == [
        "1000000000000000102-SampleWhiteboard.png"
    ]

    page = Tree((out / "twitter" / "index.html").read_text())
    cards = [e["attrs"]["id"] for e in page.find("article", "tweet-card")]
    assert cards[0] == "tweet-1000000000000000102"  # pinned first
    assert (
        "tweet-1000000000000000301" in cards
        and "tweet-1000000000000000040" not in cards
    )
    (canonical,) = [
        e for e in page.find("link") if e["attrs"].get("rel") == "canonical"
    ]
    assert canonical["attrs"]["href"] == "/twitter/"
    assert "/theme/css/tweets.css" in [
        e["attrs"].get("href") for e in page.find("link")
    ]
    nav = [a["attrs"]["href"] for a in page.find("a") if a["text"] == "Twitter"]
    assert nav == ["/twitter/"]
    assert (
        "&lt;script&gt;alert" in (out / "twitter" / "index.html").read_text()
    )  # hostile sample


@pytest.mark.slow
def test_strict_makes_a_missing_tweet_an_error(tmp_path, sample_store):
    with pytest.raises(
        TweetEmbedError, match=r"coffee\.md: tweet 1234567 is not in the tweet store"
    ):
        build(tmp_path, sample_store, TWEETS_STRICT=True)


@pytest.mark.slow
def test_build_is_reproducible(tmp_path, sample_store):
    from tweets_support import snapshot

    first = snapshot(build(tmp_path / "a", sample_store))
    second = snapshot(build(tmp_path / "b", sample_store))
    assert first == second


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://twitter.com/samsample/status/123", "123"),
        ("https://x.com/samsample/status/123?s=20&amp;t=x", "123"),
        ("http://mobile.twitter.com/samsample/statuses/123/", "123"),
        ("https://www.x.com/i/web/status/123#frag", "123"),
        ("https://x.com/samsample", None),
        ("https://example.com/samsample/status/123", None),
        ("https://x.com/samsample/status/123/photo/1", None),
    ],
)
def test_tweet_urls(url, expected):
    assert tweet_id_of(url) == expected


def _open_shards():
    """The year files of a tweet store this process holds open."""
    fds = Path("/proc/self/fd")
    targets = set()
    for fd in fds.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.endswith(".jsonl"):
            targets.add(target)
    return targets


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="lists fds in /proc")
def test_the_store_is_closed_when_the_build_ends(tmp_path):
    """The whole sample site (people pages ask for cards after the tweets generator has
    written its page): no year file of the store is left open once the build ends."""
    before = _open_shards()
    settings = read_settings(
        f"{ROOT}/pelicanconf.py",
        override={
            "OUTPUT_PATH": str(tmp_path / "output"),
            "CACHE_PATH": str(tmp_path / "cache"),
        },
    )
    Pelican(settings).run()
    assert (tmp_path / "output" / "people" / "index.html").exists()
    assert _open_shards() == before


def test_a_later_build_without_the_plugin_gets_no_tweets(tmp_path, sample_store):
    """Pelican's signals outlive a build: a second build in the same process that does
    not list pelican.plugins.rapport_tweets writes no highlights page and embeds no card."""
    first = build(tmp_path / "with", sample_store)
    assert (first / "twitter" / "index.html").exists()
    second = build(
        tmp_path / "without", sample_store, PLUGINS=["pelican.plugins.rapport_site"]
    )
    assert not (second / "twitter").exists()
    page = (second / "coffee-four-years-on" / "index.html").read_text()
    assert "tweet-card" not in page and "https://x.com/samsample/status/" in page
