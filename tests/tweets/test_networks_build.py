"""A real build with X, Bluesky and Mastodon in one store: one person's conversations
from all three in one timeline, one card for every network, embeds of each network's
URLs, highlights of every network, and the menu no longer says "Twitter"."""

import logging
import textwrap
from pathlib import Path

import bluesky_car as bc
import lxml.html
import mastodon_archive as ma
import pytest
from invoke import Context
from pelican import Pelican
from pelican.settings import read_settings
from test_networks_store import BSKY_ADA_POST, BSKY_OWNER_REPLY, DID_ADA, DID_OWNER

from pelican.plugins.rapport_tweets.bluesky import tasks as bluesky_tasks
from pelican.plugins.rapport_tweets.mastodon import import_mastodon
from pelican.plugins.rapport_tweets.networks import open_store
from pelican.plugins.rapport_tweets.record import tweet_of

ROOT = Path(__file__).resolve().parents[2]
ADA = """\
---
name: Ada Example
twitter: adaexample
bluesky: ada.bsky.social
mastodon: "@ada@example.social"
highlights: ["https://sample.social/@sam/110000000000000004"]
listed: true
consent: 2024-01-02 by email
---
Ada runs the legal tech meetup.
"""
POST = f"""Title: Three networks
Date: 2024-04-01
Slug: three-networks

https://bsky.app/profile/ada.bsky.social/post/3kada1

https://bsky.app/profile/{DID_OWNER}/post/3ksam2

https://sample.social/@sam/110000000000000004

https://bsky.app/profile/ada.bsky.social/post/3kmissing
"""


def three_network_store(sample_store):
    with open_store(sample_store, "bluesky").update() as update:
        update.set_owner({"id": DID_OWNER, "handle": "sam.example.com"})
        update.add(tweet_of(BSKY_ADA_POST))
        update.add(tweet_of(BSKY_OWNER_REPLY))
        update.add(
            tweet_of(
                {
                    "id": f"at://{DID_OWNER}/app.bsky.feed.post/3ksam9",
                    "network": "bluesky",
                    "created_at": "2024-03-05T08:00:00Z",
                    "user_id": DID_OWNER,
                    "handle": "sam.example.com",
                    "text": "Moved my meetup notes to Bluesky 🦋",
                    "likes": 12,
                }
            )
        )
    import_mastodon(ma.write_zip(sample_store.parent / "mastodon.zip"), sample_store)
    return sample_store


def build(tmp_path, store, person=ADA, **override):
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    (content / "people").mkdir()
    (content / "posts" / "three.md").write_text(POST)
    (content / "people" / "ada-example.md").write_text(textwrap.dedent(person))
    settings = read_settings(
        str(ROOT / "pelicanconf.py"),
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(tmp_path / "output"),
            "CACHE_PATH": str(tmp_path / "cache"),
            "THEME": str(ROOT / "theme"),
            "PLUGINS": [
                "pelican.plugins.rapport_site",
                "pelican.plugins.rapport_people",
                "pelican.plugins.rapport_tweets",
            ],
            "PEOPLE_PRIVATE_PATH": str(tmp_path / "private" / "people"),
            "ARTICLE_PATHS": ["posts"],
            "ARTICLE_URL": "{slug}/",
            "ARTICLE_SAVE_AS": "{slug}/index.html",
            "SITEURL": "",
            "TWEETS_STORE": str(store),
            "TWEETS_PINNED": [f"at://{DID_OWNER}/app.bsky.feed.post/3ksam2"],
            "SEARCH": False,
            "SOCIAL_CARDS": False,
            "DELETE_OUTPUT_DIRECTORY": False,
            **override,
        },
    )
    Pelican(settings).run()
    return tmp_path / "output"


def page(out, rel):
    return lxml.html.fromstring((out / rel).read_bytes())


def card_networks(element):
    return [
        next(c for c in a.get("class").split() if c.startswith("tweet-card--"))[12:]
        for a in element.xpath(".//article[contains(@class, 'tweet-card')]")
    ]


@pytest.fixture
def built(tmp_path, sample_store, caplog):
    store = three_network_store(sample_store)
    with caplog.at_level(logging.WARNING):
        out = build(tmp_path, store)
    return out, caplog.text


def test_a_person_page_shows_conversations_from_all_three_networks(built):
    out, _log = built
    person = page(out, "people/ada-example/index.html")
    threads = person.xpath("//div[@class='person__thread']")
    assert threads, "no conversations on the page"
    started = [t.xpath(".//time")[0].get("datetime")[:10] for t in threads]
    networks = [card_networks(t)[0] for t in threads]
    assert networks[:3] == ["bluesky", "mastodon", "mastodon"]
    assert "x" in networks[3:]
    assert started == sorted(started, reverse=True)  # newest conversation first
    bluesky = threads[0]
    texts = [
        a.xpath("string(.//p[contains(@class, 'tweet-card__text')])")
        for a in bluesky.xpath(".//article")
    ]
    assert texts == [
        "@sam.example.com coffee next week?",
        "Yes! Tuesday?",
    ]  # oldest first
    links = [a.get("href") for a in person.xpath("//ul[@class='person__links']//a")]
    assert links == [
        "https://x.com/adaexample",
        "https://bsky.app/profile/ada.bsky.social",
        "https://example.social/@ada",
    ]
    heading = person.xpath("string(//h2[@id='person-tweets-title'])")
    assert heading == "Online"


def test_every_card_shows_its_network_author_and_original(built):
    out, _log = built
    person = page(out, "people/ada-example/index.html")
    [card] = person.xpath(f"//article[@id][.//a[contains(@href, '{DID_ADA}')]]")[:1]
    assert "Bluesky" in card.xpath("string(.//span[@class='tweet-card__network'])")
    assert card.xpath(".//a[contains(@class,'u-url')]/@href") == [
        f"https://bsky.app/profile/{DID_ADA}/post/3kada1"
    ]
    author = card.xpath(".//a[contains(@class,'tweet-card__author')]/@href")
    assert author == ["/people/ada-example/"]  # a listed person links here
    assert card.get("id").startswith("post-")


def test_embeds_of_bluesky_and_mastodon_urls_become_cards(built):
    out, log = built
    post = page(out, "three-networks/index.html")
    embeds = post.xpath("//div[@class='tweet-embed']/article")
    assert card_networks(post) == ["bluesky", "bluesky", "mastodon"]
    assert len(embeds) == 3
    [photo] = post.xpath("//div[@class='tweet-embed']//img")
    assert photo.get("src").startswith("/twitter/media/")
    assert (out / photo.get("src").lstrip("/")).read_bytes() == ma.PHOTO_BYTES
    assert "3kmissing" in log and "is not in the store" in log
    assert post.xpath(
        "//a[@href='https://bsky.app/profile/ada.bsky.social/post/3kmissing']"
    )


def test_highlights_cover_every_network_and_the_menu_says_posts(built):
    out, _log = built
    highlights = page(out, "twitter/index.html")
    assert set(card_networks(highlights)) == {"x", "bluesky", "mastodon"}
    assert highlights.xpath("string(//h1)") == "Highlights"
    boost = ma.status_uri("110000000000000005")
    assert boost not in (out / "twitter" / "index.html").read_text()
    menu = [a.text_content() for a in highlights.xpath("//a[@href='/twitter/']")]
    assert "Posts" in menu and "Twitter" not in menu


def test_nothing_from_another_host_and_nothing_private(built):
    out, _log = built
    text = "".join(p.read_text(errors="replace") for p in out.rglob("*.html"))
    for secret in (ma.SECRET_DM, ma.SECRET_FOLLOWERS, "door code", "evil.example"):
        assert secret not in text
    for tree in (
        page(out, "people/ada-example/index.html"),
        page(out, "twitter/index.html"),
    ):
        assert all(src.startswith("/") for src in tree.xpath("//img/@src"))


def test_pinned_posts_of_any_network(built):
    out, _log = built
    person = page(out, "people/ada-example/index.html")
    pinned = person.xpath("//section[@class='person__highlights']")[0]
    assert card_networks(pinned) == ["mastodon"]
    highlights = page(out, "twitter/index.html")
    first = highlights.xpath("//article[contains(@class, 'tweet-card')]")[0]
    assert "tweet-card--bluesky" in first.get("class")
    assert "Yes! Tuesday?" in first.text_content()


def test_three_accounts_show_conversations_from_three_imported_archives(
    tmp_path, sample_store
):
    """The issue's "done means": X from the sample store (made by tweets.import of the
    fixture archive), Bluesky by bluesky.import of a repository export (CAR), Mastodon
    by mastodon.import of an account archive; one person, all three on one page."""
    car = bc.write_sample_export(tmp_path / "repo.car")
    bluesky_tasks.import_(
        Context(), str(car), handle="sam.example.com", store=str(sample_store)
    )
    import_mastodon(ma.write_zip(tmp_path / "mastodon.zip"), sample_store)
    person = ADA.replace("bluesky: ada.bsky.social", f"bluesky: {bc.OTHER}")
    out = build(tmp_path / "site", sample_store, person=person)
    threads = page(out, "people/ada-example/index.html").xpath(
        "//div[contains(@class, 'person__thread')]"
    )
    assert {card_networks(t)[0] for t in threads} == {"x", "bluesky", "mastodon"}
    text = " ".join(page(out, "people/ada-example/index.html").text_content().split())
    assert "agreed!" in text  # the Bluesky reply in the export
