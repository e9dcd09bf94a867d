"""The card template escapes on its own: another site's Pelican leaves autoescape off."""

from datetime import date
from types import SimpleNamespace

import jinja2
from markupsafe import Markup

from pelican.plugins.rapport_tweets.generator import TEMPLATES

HOSTILE = '"><img src=x onerror=alert(1)>'


def test_the_card_escapes_every_plain_field_with_autoescape_off():
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)))
    assert not env.autoescape  # Pelican's default JINJA_ENVIRONMENT
    card = SimpleNamespace(
        id="1",
        retweet=False,
        author_url="https://x.com/eve",
        author_name=HOSTILE,
        author_handle="eve",
        reply_to_handle="",
        reply_to_url="",
        text=Markup("<a href='https://example.org'>built by render.py</a>"),
        photos=[SimpleNamespace(src="media/1.jpg", alt=HOSTILE, width=0, height=0)],
        videos=[],
        links=[
            SimpleNamespace(
                href="https://x.com/eve/status/1", kind="photo", alt=HOSTILE
            )
        ],
        url="https://x.com/eve/status/1",
        published="2024-01-02T03:04:05Z",
        date=date(2024, 1, 2),
        likes=0,
        retweets=0,
    )
    html = env.get_template("partials/tweet_card.html").render(tweet=card)
    assert "<img src=x" not in html
    assert html.count("&lt;img src=x onerror=alert(1)&gt;") == 3
    assert "<a href='https://example.org'>built by render.py</a>" in html
