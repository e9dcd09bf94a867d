"""context["tweets"]: highlights, conversations grouped into threads, first talked."""

import functools
import logging
import operator
from datetime import date

from markupsafe import Markup

from pelican.plugins.rapport_tweets.api import TweetsAPI
from pelican.plugins.rapport_tweets.networks import NetworkReaders

PROFILES = {"adaexample": "people/ada-example/"}  # what the people plugin hands over


def make_api(store, card_template, output=None, **settings):
    return TweetsAPI(
        NetworkReaders(store), {"SITEURL": "", **settings}, card_template, output
    )


def ids_of(cards):
    return [c.split('id="tweet-', 1)[1].split('"', 1)[0] for c in cards]


def test_conversations_are_threads_newest_first_oldest_inside(
    sample_store, card_template
):
    api = make_api(sample_store, card_template)
    threads = api.conversations_with("AdaExample", profile_urls=PROFILES)
    assert [t.started for t in threads] == [
        date(2016, 1, 11),
        date(2014, 2, 10),
        date(2013, 11, 7),
        date(2013, 5, 16),
        date(2012, 2, 3),
    ]
    first = threads[-1]
    assert ids_of(first.cards) == ["1000000000000000011", "1000000000000000012"]
    assert all(isinstance(c, Markup) for c in first.cards)
    assert (
        'href="/people/ada-example/"' in threads[0].cards[1]
    )  # the owner's reply links Ada's page
    unasked = api.conversations_with("AdaExample")[0].cards[1]
    assert 'href="/people/ada-example/"' not in unasked
    assert 'href="https://x.com/adaexample"' in unasked.lower()
    assert len(api.conversations_with("adaexample", limit=2)) == 2


def test_threads_join_both_sides_and_self_replies(sample_store, card_template):
    api = make_api(sample_store, card_template)
    threads = api.conversations_with("benplaceholder")
    assert [ids_of(t.cards) for t in threads] == [
        ["1000000000000000201", "1000000000000000202"],
        [
            "1000000000000000015",
            "1000000000000000016",
            "1000000000000000017",
            "1000000000000000018",
        ],
    ]
    chloe = api.conversations_with("chloesample")
    # the retweet of Chloe is not a conversation
    assert "1000000000000000040" not in functools.reduce(
        operator.iadd, (ids_of(t.cards) for t in chloe), []
    )


def test_per_person_cap_setting(sample_store, card_template):
    api = make_api(sample_store, card_template, TWEETS_PER_PERSON=1)
    assert len(api.conversations_with("adaexample")) == 1


def test_first_talked(sample_store, card_template):
    api = make_api(sample_store, card_template)
    assert api.first_talked("adaexample") == date(2012, 2, 3)
    assert api.first_talked("chloesample") == date(2013, 3, 1)
    assert api.first_talked("nobody") is None
    assert api.conversations_with("nobody") == []


def test_highlights_skip_missing_ids_with_a_warning(
    sample_store, card_template, caplog
):
    api = make_api(sample_store, card_template)
    with caplog.at_level(logging.WARNING):
        cards = api.highlights(["1000000000000000101", "1999", "1000000000000000102"])
    assert ids_of(cards) == ["1000000000000000101", "1000000000000000102"]
    assert "tweet 1999 is not in the tweet store" in caplog.text
    assert api.card("1999") is None


def test_highlights_page_selection(sample_store, card_template):
    api = make_api(
        sample_store,
        card_template,
        TWEETS_PINNED=["1000000000000000102"],
        TWEETS_TOP_PER_YEAR=2,
    )
    pinned, years = api.highlight_ids()
    assert pinned == ["1000000000000000102"]
    assert dict(years) == {
        "2016": ["1000000000000000301", "1000000000000000302"],
        "2015": ["1000000000000000250", "1000000000000000252"],
        "2014": ["1000000000000000201"],
        "2013": ["1000000000000000101", "1000000000000000041"],  # pinned one not twice
        "2012": ["1000000000000000010", "1000000000000000013"],
    }
    everything = functools.reduce(operator.iadd, (ids for _y, ids in years), [])
    assert "1000000000000000040" not in everything  # retweet
    assert "1000000000000000050" not in everything  # reply to someone else (erindemo)
    assert "1000000000000000103" not in everything  # not the owner's


def test_highlights_can_include_replies_and_retweets(sample_store, card_template):
    api = make_api(
        sample_store,
        card_template,
        TWEETS_TOP_PER_YEAR=10,
        TWEETS_INCLUDE_REPLIES=True,
        TWEETS_INCLUDE_RETWEETS=True,
    )
    years = dict(api.highlight_ids()[1])
    assert (
        "1000000000000000040" in years["2013"]
        and "1000000000000000050" in years["2013"]
    )


def test_media_of_published_cards_only_is_copied(sample_store, card_template, tmp_path):
    out = tmp_path / "output"
    api = make_api(sample_store, card_template, out)
    api.card("1000000000000000101")
    assert not (out / "twitter" / "media").exists()
    card = api.card("1000000000000000102")
    copied = out / "twitter" / "media" / "1000000000000000102-SampleWhiteboard.png"
    assert copied.read_bytes() == (sample_store / "media" / copied.name).read_bytes()
    assert 'src="/twitter/media/1000000000000000102-SampleWhiteboard.png"' in card


def test_missing_media_file_is_a_warning_not_a_broken_image(
    sample_store, card_template, caplog
):
    (sample_store / "media" / "1000000000000000102-SampleWhiteboard.png").unlink()
    api = make_api(sample_store, card_template)
    with caplog.at_level(logging.WARNING):
        card = api.card("1000000000000000102")
    assert "<img" not in card and "Photo on x.com" in card
    assert "SampleWhiteboard.png" in caplog.text


def test_conversations_leave_out_the_ids_asked_and_threads_left_empty(
    sample_store, card_template
):
    """People pages pin some tweets: those are left out of the threads, by id."""
    api = make_api(sample_store, card_template)
    every = [ids_of(t.cards) for t in api.conversations_with("adaexample")]
    assert ["1000000000000000101"] in every
    threads = api.conversations_with(
        "adaexample", exclude=["1000000000000000101", 1000000000000000012]
    )
    shown = [ids_of(t.cards) for t in threads]
    assert len(shown) == len(every) - 1
    assert ["1000000000000000011"] in shown
    assert not any(
        i in ("1000000000000000101", "1000000000000000012")
        for ids in shown
        for i in ids
    )
