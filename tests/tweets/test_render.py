"""Cards: entities at the right offsets, everything escaped, microformats."""

from html.parser import HTMLParser

from markupsafe import Markup
from tweets_support import tweet

from pelican.plugins.rapport_tweets.render import card_of, render_text

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
