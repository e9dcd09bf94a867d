"""Cards: entities at the right offsets, everything escaped, microformats."""

from html.parser import HTMLParser

from markupsafe import Markup
from tweets_support import tweet

from pelican.plugins.rapport_tweets.render import (
    card_of,
    profile_url,
    render_text,
    safe_href,
    tweet_url,
)

OWNER = {"id": "1", "handle": "samsample", "name": "Sam Sample"}


class Tree(HTMLParser):
    """Collects (tag, attrs, text) of every element, for assertions on parsed HTML."""

    def __init__(self, html):
        super().__init__()
        self.elements, self.stack, self.text = [], [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(element)
        if tag not in ("img", "br"):
            self.stack.append(element)

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1]["tag"] == tag:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)
        for element in self.stack:
            element["text"] += data

    def find(self, tag, cls=None):
        return [
            e
            for e in self.elements
            if e["tag"] == tag
            and (cls is None or cls in e["attrs"].get("class", "").split())
        ]


def record(text, **extra):
    fields = {"id": "42", "created_at": "2015-03-03T08:30:00Z", "handle": "samsample"}
    return tweet(**{**fields, "text": text, **extra})


def test_entities_land_after_emoji_astral_and_ampersand():
    text = "🎉 a & 𝒜 @adaexample #tag https://t.co/x"
    r = record(
        text,
        mentions=[{"start": 8, "end": 19, "handle": "adaexample"}],
        hashtags=[{"start": 20, "end": 24, "tag": "tag"}],
        urls=[
            {
                "start": 25,
                "end": 39,
                "url": "https://t.co/x",
                "expanded": "https://example.com/a?b=1&c=2",
                "display": "example.com/a…",
            }
        ],
    )
    assert text[8:19] == "@adaexample"
    html = render_text(r, {"adaexample": "people/ada-example/"})
    assert isinstance(html, Markup)
    tree = Tree(html)
    mention, hashtag, link = tree.find("a")
    assert (mention["text"], mention["attrs"]["href"]) == (
        "@adaexample",
        "/people/ada-example/",
    )
    assert "rel" not in mention["attrs"]  # our own page
    assert (hashtag["text"], hashtag["attrs"]["href"]) == (
        "#tag",
        "https://x.com/hashtag/tag",
    )
    assert (link["text"], link["attrs"]["href"]) == (
        "example.com/a…",
        "https://example.com/a?b=1&c=2",
    )
    assert "🎉 a &amp; 𝒜 " in html


def test_unlisted_mentions_link_to_x():
    r = record("hi @ErinDemo", mentions=[{"start": 3, "end": 12, "handle": "ErinDemo"}])
    (a,) = Tree(render_text(r, {"adaexample": "people/ada/"})).find("a")
    assert a["attrs"]["href"] == "https://x.com/ErinDemo"


def test_hostile_text_names_and_alt_are_escaped(card_template):
    hostile = '<script>alert(1)</script> "quoted" <img src=x onerror=alert(2)>'
    r = record(
        hostile,
        handle="evil",
        name='Evil <b>Name</b> "x"',
        media=[
            {"type": "photo", "file": "42-a.png", "alt": '"><script>alert(3)</script>'}
        ],
        urls=[
            {
                "start": 0,
                "end": 8,
                "url": "<script",
                "expanded": "javascript:alert(4)",
                "display": "click",
            }
        ],
    )
    card = card_of(r, OWNER, {}, "", "twitter/media/")
    html = card_template.render(tweet=card, SITEURL="")
    tree = Tree(html)
    assert not tree.find("script") and not [
        e for e in tree.find("img") if "onerror" in e["attrs"]
    ]
    assert not any(
        e["attrs"].get("href", "").startswith("javascript") for e in tree.find("a")
    )
    (img,) = tree.find("img")
    assert img["attrs"]["alt"] == '"><script>alert(3)</script>'
    assert 'Evil <b>Name</b> "x"' in "".join(tree.text)
    assert "alert(1)" in "".join(tree.text)  # shown as text, not run


def test_display_range_hides_reply_prefix_and_card_says_replying_to(card_template):
    r = record(
        "@adaexample Deal!",
        handle="samsample",
        display=[12, 17],
        reply_to_handle="adaexample",
        mentions=[{"start": 0, "end": 11, "handle": "adaexample"}],
    )
    card = card_of(r, OWNER, {"adaexample": "people/ada/"}, "https://site.example")
    tree = Tree(card_template.render(tweet=card, SITEURL="https://site.example"))
    (text,) = tree.find("p", "e-content")
    assert text["text"] == "Deal!"
    (context,) = tree.find("p", "tweet-card__context")
    assert "Replying to @adaexample" in " ".join(context["text"].split())


def test_card_microformats_and_links(card_template):
    r = record(
        "Hello",
        likes=3,
        media=[
            {
                "type": "video",
                "alt": "A clip",
                "expanded": "https://x.com/samsample/status/42/video/1",
            }
        ],
    )
    card = card_of(r, OWNER)
    tree = Tree(card_template.render(tweet=card, SITEURL=""))
    (article,) = tree.find("article", "h-cite")
    assert article["attrs"]["id"] == "tweet-42"
    (author,) = tree.find("a", "p-author")
    assert "h-card" in author["attrs"]["class"] and "Sam Sample" in author["text"]
    (url,) = tree.find("a", "u-url")
    assert url["attrs"]["href"] == "https://x.com/samsample/status/42"
    (published,) = tree.find("time", "dt-published")
    assert (
        published["attrs"]["datetime"] == "2015-03-03T08:30:00Z"
        and published["text"] == "3 March 2015"
    )
    # a video with no poster in the store is a link, and nothing loads from x.com
    assert not tree.find("img") and not tree.find("script")
    (video,) = [a for a in tree.find("a") if a["text"] == "Video on x.com"]
    assert video["attrs"]["href"].endswith("/video/1")


def test_photo_is_served_from_this_site(card_template):
    r = record(
        "pic",
        media=[
            {
                "type": "photo",
                "file": "42-p.png",
                "alt": "Sticky notes",
                "width": 240,
                "height": 160,
            }
        ],
    )
    card = card_of(r, OWNER, {}, "", "twitter/media/")
    (img,) = Tree(card_template.render(tweet=card, SITEURL="")).find("img")
    assert img["attrs"] == {
        "src": "/twitter/media/42-p.png",
        "alt": "Sticky notes",
        "width": "240",
        "height": "160",
        "loading": "lazy",
        "decoding": "async",
    }
    assert card.files == ["42-p.png"]


# --- the renderer on its own: exact HTML, every branch -------------------------------


def test_safe_href_keeps_http_and_https_only():
    assert safe_href("https://a.example/x") == "https://a.example/x"
    assert safe_href("HTTP://a.example/") == "HTTP://a.example/"
    for url in (
        "javascript:alert(1)",
        "data:text/html,x",
        "ftp://a",
        "//a.example",
        "",
    ):
        assert safe_href(url) is None
    assert safe_href("http://[::1") is None  # urlsplit refuses it


def test_profile_and_tweet_urls():
    pages = {"adaexample": "people/ada/"}
    assert profile_url("AdaExample", pages, "https://s.example") == (
        "https://s.example/people/ada/"
    )
    assert profile_url("Erin Demo", pages) == "https://x.com/Erin%20Demo"
    assert profile_url("erin", None) == "https://x.com/erin"
    assert tweet_url("42", "sam") == "https://x.com/sam/status/42"
    assert tweet_url("42") == "https://x.com/i/status/42"


def test_text_with_every_kind_of_entity_is_exact_html():
    r = record(
        "@ada #tag https://t.co/x https://t.co/p\nbye & <b>",
        mentions=[{"start": 0, "end": 4, "handle": "ada"}],
        hashtags=[{"start": 5, "end": 9, "tag": "tag"}],
        urls=[
            {
                "start": 10,
                "end": 24,
                "url": "https://t.co/x",
                "expanded": "https://e.example/a",
            },
        ],
        media=[{"type": "photo", "start": 25, "end": 39, "url": "https://t.co/p"}],
    )
    assert render_text(r) == Markup(
        '<a class="u-category h-card tweet-card__mention" href="https://x.com/ada" '
        'rel="nofollow ugc noopener">@ada</a> '
        '<a class="tweet-card__hashtag" href="https://x.com/hashtag/tag" '
        'rel="nofollow ugc noopener">#tag</a> '
        '<a class="tweet-card__link" href="https://e.example/a" rel="nofollow ugc noopener">'
        "https://t.co/x</a> <br>\nbye &amp; &lt;b&gt;"
    )


def test_a_listed_persons_mention_links_to_their_page_without_rel():
    r = record("hi @Ada", mentions=[{"start": 3, "end": 7, "handle": "Ada"}])
    assert render_text(r, {"ada": "people/ada/"}, "https://s.example") == Markup(
        'hi <a class="u-category h-card tweet-card__mention" '
        'href="https://s.example/people/ada/">@Ada</a>'
    )


def test_a_link_without_a_safe_target_is_plain_text():
    r = record(
        "see x",
        urls=[{"start": 4, "end": 5, "url": "x", "expanded": "javascript:go()"}],
    )
    assert render_text(r) == Markup("see x")
    r = record("see x", urls=[{"start": 4, "end": 5, "url": "x", "display": "<y>"}])
    assert render_text(r) == Markup("see &lt;y&gt;")


def test_entities_outside_the_display_range_or_overlapping_are_left_out():
    text = "@ada @bo hello #a"
    r = record(
        text,
        display=[5, 15],
        mentions=[
            {"start": 0, "end": 4, "handle": "ada"},
            {"start": 5, "end": 8, "handle": "bo"},
            {"start": 6, "end": 8, "handle": "o"},
        ],
        hashtags=[
            {"start": 15, "end": 17, "tag": "a"},
            {"start": 9, "end": 9, "tag": "e"},
        ],
    )
    assert render_text(r) == Markup(
        '<a class="u-category h-card tweet-card__mention" href="https://x.com/bo" '
        'rel="nofollow ugc noopener">@bo</a> hello'
    )
    assert render_text(record(text, display=[-3, 99])) == Markup(text)


def test_a_card_of_the_owners_tweet_without_a_handle():
    r = tweet(id="7", created_at="2015-03-03T08:30:00Z", user_id="1", text="x")
    card = card_of(r, OWNER)
    assert (card.author_handle, card.author_name, card.author_url, card.url) == (
        "samsample",
        "Sam Sample",
        "https://x.com/samsample",
        "https://x.com/samsample/status/7",
    )


def test_a_card_of_an_unknown_author():
    r = tweet(id="7", created_at="2015-03-03T08:30:00Z", user_id="99", text="x")
    card = card_of(r, OWNER)
    assert (card.author_handle, card.author_name, card.author_url) == (
        "",
        "Unknown account",
        "https://x.com/i/user/99",
    )
    r = tweet(id="7", created_at="2015-03-03T08:30:00Z", name="Zed", text="x")
    assert (card_of(r, OWNER).author_name, card_of(r, OWNER).author_url) == (
        "Zed",
        "https://x.com/i/status/7",
    )


def test_a_card_names_its_author_and_whom_it_replies_to():
    r = record(
        "x", handle="Erin", reply_to_handle="ada", retweet=True, likes=2, retweets=5
    )
    card = card_of(r, OWNER, {"ada": "people/ada/"}, "https://s.example")
    assert (card.author_name, card.author_url) == ("Erin", "https://x.com/Erin")
    assert (card.reply_to_handle, card.reply_to_url) == (
        "ada",
        "https://s.example/people/ada/",
    )
    assert (card.retweet, card.likes, card.retweets) == (True, 2, 5)
    assert (card.published, card.date.isoformat()) == (
        "2015-03-03T08:30:00Z",
        "2015-03-03",
    )
    own = card_of(record("x", handle="SamSample", reply_to_handle="samsample"), OWNER)
    assert (own.reply_to_handle, own.reply_to_url, own.author_name) == (
        "",
        "",
        "Sam Sample",
    )


def test_a_cards_media_files_and_links():
    r = record(
        "media",
        media=[
            {
                "type": "photo",
                "file": "42-a b.png",
                "alt": "A",
                "width": 3,
                "height": 2,
            },
            {
                "type": "video",
                "file": "42-v.mp4",
                "expanded": "https://x.com/s/status/42/video/1",
            },
            {"type": "animated_gif", "file": "42-missing.mp4"},
            {"type": "photo", "expanded": "javascript:x()"},
        ],
    )
    card = card_of(
        r,
        OWNER,
        {},
        "https://s.example",
        "media/",
        has_file=lambda n: "missing" not in n,
    )
    assert card.photos == [
        {
            "src": "https://s.example/media/42-a%20b.png",
            "alt": "A",
            "width": 3,
            "height": 2,
        }
    ]
    assert card.videos == [
        {
            "src": "https://s.example/media/42-v.mp4",
            "alt": "",
            "width": None,
            "height": None,
            "href": "https://x.com/s/status/42/video/1",
        }
    ]
    assert card.links == [
        {"kind": "video", "href": "https://x.com/samsample/status/42", "alt": ""},
        {"kind": "photo", "href": "https://x.com/samsample/status/42", "alt": ""},
    ]
    assert card.files == ["42-a b.png", "42-v.mp4"]


def test_a_listed_author_and_mention_link_to_their_pages_on_this_site():
    pages = {"ada": "people/ada/"}
    r = record(
        "hi @ada", handle="ada", mentions=[{"start": 3, "end": 7, "handle": "ada"}]
    )
    card = card_of(r, OWNER, pages, "https://s.example")
    assert card.author_url == "https://s.example/people/ada/"
    assert card.text == Markup(
        'hi <a class="u-category h-card tweet-card__mention" '
        'href="https://s.example/people/ada/">@ada</a>'
    )
    assert profile_url("ada", pages) == "/people/ada/"


def test_an_owner_without_a_handle_leaves_a_tweet_without_one_unknown():
    r = tweet(id="7", created_at="2015-03-03T08:30:00Z", user_id="1", text="x")
    card = card_of(r, {"id": "1"})
    assert (card.author_handle, card.author_name) == ("", "Unknown account")
    other = card_of(record("x", handle="XXXX"), {"id": "1", "name": "Sam"})
    assert other.author_name == "XXXX"


def test_default_site_and_media_paths_of_a_card():
    r = record("pic", media=[{"type": "photo", "file": "42-p.png"}])
    (photo,) = card_of(r, OWNER).photos
    assert photo["src"] == "/twitter/media/42-p.png"


def test_of_two_entities_on_one_range_the_first_kind_wins():
    r = record(
        "#ada!",
        mentions=[{"start": 0, "end": 4, "handle": "ada"}],
        hashtags=[{"start": 0, "end": 4, "tag": "ada"}],
    )
    (link,) = Tree(render_text(r)).find("a")
    assert link["attrs"]["href"] == "https://x.com/ada"


def test_an_entity_inside_an_earlier_one_is_left_out():
    r = record(
        "@ada_bo x",
        mentions=[
            {"start": 0, "end": 7, "handle": "ada_bo"},
            {"start": 1, "end": 4, "handle": "ada"},
        ],
    )
    (link,) = Tree(render_text(r)).find("a")
    assert (link["text"], link["attrs"]["href"]) == ("@ada_bo", "https://x.com/ada_bo")


def test_media_with_half_an_offset_is_not_a_span():
    for offsets in ({"start": 3}, {"end": 5}):
        r = record("see x.jpg", media=[{"type": "photo", **offsets}])
        assert render_text(r) == Markup("see x.jpg")


# --- Bluesky and Mastodon: each post links to its own network ----------------------

DID_ADA = "did:plc:ada5example6bsky7xyz"
DID_SAM = "did:plc:owner7sam3sample4ex"
BSKY_OWNER = {"id": DID_SAM, "handle": "sam.example.com", "name": "Sam Sample"}
ADA_POST = f"at://{DID_ADA}/app.bsky.feed.post/3kada1"
ADA_STATUS = "https://example.social/users/ada/statuses/109000000000000042"
MASTODON_OWNER = {
    "id": "https://sample.social/users/sam",
    "handle": "sam@sample.social",
}


def bluesky(text="hi", **extra):
    fields = {
        "id": ADA_POST,
        "network": "bluesky",
        "created_at": "2024-03-02T10:00:00Z",
        "user_id": DID_ADA,
        "handle": "ada.bsky.social",
        "text": text,
    }
    return tweet(**{**fields, **extra})


def mastodon(text="hi", **extra):
    fields = {
        "id": ADA_STATUS,
        "network": "mastodon",
        "created_at": "2023-05-01T10:30:00Z",
        "user_id": "https://example.social/users/ada",
        "handle": "ada@example.social",
        "text": text,
    }
    return tweet(**{**fields, **extra})


def test_a_bluesky_card_links_to_bluesky_and_names_it(card_template):
    r = bluesky(reply_to_handle="bo.bsky.social", retweet=True, retweets=2)
    card = card_of(r, BSKY_OWNER)
    assert card.id == ADA_POST  # a theme's card template may read it
    assert (card.url, card.author_url, card.reply_to_url) == (
        f"https://bsky.app/profile/{DID_ADA}/post/3kada1",
        "https://bsky.app/profile/ada.bsky.social",
        "https://bsky.app/profile/bo.bsky.social",
    )
    assert (card.network, card.network_label, card.reposts_word) == (
        "bluesky",
        "Bluesky",
        "repost",
    )
    tree = Tree(card_template.render(tweet=card, SITEURL=""))
    (article,) = tree.find("article", "h-cite")
    assert "tweet-card--bluesky" in article["attrs"]["class"].split()
    contexts = [
        " ".join(p["text"].split()) for p in tree.find("p", "tweet-card__context")
    ]
    assert contexts == ["Reposted", "Replying to @bo.bsky.social"]
    (url,) = tree.find("a", "u-url")
    assert url["text"].endswith(" on Bluesky") and url["attrs"]["href"] == card.url
    assert "2 reposts" in "".join(tree.text)


def test_a_bluesky_cards_anchor_is_a_plain_html_id_of_its_own():
    # A URI is no HTML id: each post gets its own "post-<digest>"; X keeps "tweet-<id>".
    one = card_of(bluesky(), BSKY_OWNER).anchor
    other = card_of(bluesky(id=f"at://{DID_ADA}/app.bsky.feed.post/3kada2"), OWNER)
    assert one.startswith("post-") and one.replace("-", "").isalnum()
    assert other.anchor.startswith("post-") and other.anchor != one
    assert card_of(record("x"), OWNER).anchor == "tweet-42"


def test_a_mastodon_card_links_to_the_authors_instance_and_says_boost():
    r = mastodon(
        "@sam #coffee",
        retweet=True,
        reply_to_handle="sam@sample.social",
        mentions=[{"start": 0, "end": 4, "handle": "sam@sample.social"}],
        hashtags=[{"start": 5, "end": 12, "tag": "coffee"}],
    )
    card = card_of(r, MASTODON_OWNER)
    assert (card.url, card.author_url, card.reply_to_url) == (
        "https://example.social/@ada/109000000000000042",
        "https://example.social/@ada",
        "https://sample.social/@sam",
    )
    assert (card.network_label, card.reposts_word) == ("Mastodon", "boost")
    mention, hashtag = Tree(card.text).find("a")
    assert mention["attrs"]["href"] == "https://sample.social/@sam"
    # a hashtag's page on the author's own instance
    assert hashtag["attrs"]["href"] == "https://example.social/tags/coffee"


def test_a_bluesky_hashtag_and_an_unlisted_mention_link_to_bluesky():
    r = bluesky(
        "@sam.example.com #coffee",
        mentions=[{"start": 0, "end": 16, "handle": "sam.example.com", "id": DID_SAM}],
        hashtags=[{"start": 17, "end": 24, "tag": "coffee"}],
    )
    mention, hashtag = Tree(render_text(r, {"ada.bsky.social": "people/ada/"})).find(
        "a"
    )
    # the handle the post showed, not the DID behind it
    assert mention["attrs"]["href"] == "https://bsky.app/profile/sam.example.com"
    assert hashtag["attrs"]["href"] == "https://bsky.app/hashtag/coffee"


def test_a_bluesky_mention_of_a_person_listed_by_their_did_links_to_their_page():
    r = bluesky(
        "@sam.example.com hi",
        mentions=[{"start": 0, "end": 16, "handle": "sam.example.com", "id": DID_SAM}],
    )
    assert render_text(r, {DID_SAM: "people/sam/"}, "https://s.example") == Markup(
        '<a class="u-category h-card tweet-card__mention" '
        'href="https://s.example/people/sam/">@sam.example.com</a> hi'
    )


def test_a_listed_handle_is_looked_up_before_the_did_behind_it():
    # Two person files: one names the handle the post showed, one the account's DID
    # (a handle can move to another account); the card follows what the reader sees.
    pages = {"sam.example.com": "people/sam/", DID_SAM: "people/other/"}
    r = bluesky(
        "@Sam.Example.com hi",
        mentions=[{"start": 0, "end": 16, "handle": "Sam.Example.com", "id": DID_SAM}],
    )
    (mention,) = Tree(render_text(r, pages)).find("a")
    assert mention["attrs"]["href"] == "/people/sam/"
    own = bluesky(handle="sam.example.com", user_id=DID_SAM)
    assert card_of(own, BSKY_OWNER, pages).author_url == "/people/sam/"


def test_a_bluesky_author_listed_by_their_did_links_to_their_page():
    card = card_of(bluesky(), BSKY_OWNER, {DID_ADA: "people/ada/"}, "https://s.example")
    assert (card.author_handle, card.author_url) == (
        "ada.bsky.social",
        "https://s.example/people/ada/",
    )


def test_an_unknown_bluesky_or_mastodon_author_links_to_the_post_itself():
    # No handle, and a DID or actor URI that is not the owner's: no x.com/i/user link.
    card = card_of(bluesky(handle=""), BSKY_OWNER)
    assert (card.author_name, card.author_url) == (
        "Unknown account",
        f"https://bsky.app/profile/{DID_ADA}/post/3kada1",
    )
    card = card_of(mastodon(handle=""), MASTODON_OWNER)
    assert card.author_url == "https://example.social/@ada/109000000000000042"
