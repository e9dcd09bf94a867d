"""The tweets Generator: puts the API in the context and writes the highlights page."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader
from pelican.generators import Generator

from . import settings as tweet_settings
from .api import TweetsAPI
from .links import LABELS
from .memo import files_stat, memo_for, settings_digest, templates_digest
from .networks import NetworkReaders
from .record import X

logger = logging.getLogger(__name__)

CARD_TEMPLATE = "partials/tweet_card.html"
# Our own templates (the card, the highlights page) and the stylesheet of the
# highlights page, after the theme's: a theme overrides any of them.
TEMPLATES = Path(__file__).with_name("templates").resolve()
FALLBACK_CSS = Path(__file__).with_name("static") / "rapport-tweets.css"


class UnsafeTemplateError(Exception):
    """A theme template would print other people's words unescaped."""


# The API of each build under way, by output folder. Cards (and their media) are
# rendered by every generator's output step, so what is stale is known only on
# `finalized`, whose receiver gets the Pelican object and finds the API here.
_BUILDS = {}


def finish_build(pelican):
    """finalized: remove media that this build did not publish, and close the store
    (other generators render cards until every page is written)."""
    api = _BUILDS.pop(os.path.realpath(pelican.output_path), None)
    if api is None:
        return
    try:
        # Only this build's API: one from a build that failed earlier in this
        # process knows nothing of what this one published.
        if api.settings is pelican.settings:
            api.remove_stale_media()
    finally:
        api.reader.close()


def highlights_title(networks):
    """The highlights page's name in the menu: "Twitter" while the store holds X posts
    only (as it always was), "Posts" once it holds another network's."""
    return "Twitter" if list(networks) in ([], [X]) else "Posts"


class TweetsGenerator(Generator):
    """Reads nothing up front; renders cards on demand from the store's index."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.env.loader = ChoiceLoader([self.env.loader, FileSystemLoader(TEMPLATES)])

    def generate_context(self):
        store = tweet_settings.store_path(self.settings)
        self.reader = NetworkReaders(store)
        self.api = TweetsAPI(
            self.reader,
            self.settings,
            self.page_template(CARD_TEMPLATE),
            self.output_path,
            memo=self.memo(),
        )
        self.context["tweets"] = self.api
        _BUILDS[os.path.realpath(self.output_path)] = self.api
        if not self.reader.exists():
            logger.warning(
                "%s: no tweet store; the site has no tweet cards. Import an archive with: "
                "invoke tweets.import PATH-TO-ARCHIVE.zip",
                store,
            )
            return
        nav = self.context.setdefault("rapport_nav", [])
        url = self.settings["TWEETS_HIGHLIGHTS_URL"]
        if not any(item.get("url") == url for item in nav):
            nav.append({"title": highlights_title(self.reader.networks()), "url": url})
            nav.sort(key=lambda item: item["title"])
        sitemap = self.context.setdefault("rapport_sitemap", [])
        if not any(entry.get("url") == url for entry in sitemap):
            sitemap.append({"url": url})
        sheets = self.context.setdefault("rapport_stylesheets", [])
        if "tweets.css" not in sheets:
            sheets.append("tweets.css")

    def memo(self):
        """In preview mode (PREVIEW_MODE: one process, a build per save), what earlier
        builds rendered from the same store, templates and settings (memo.py)."""
        if not self.settings.get("PREVIEW_MODE"):
            return None
        base = (
            files_stat(self.reader.folders()),
            templates_digest(self.env),
            settings_digest(self.settings),
        )
        return memo_for(self.output_path, base)

    @staticmethod
    def ours(template):
        return Path(template.filename).resolve().is_relative_to(TEMPLATES)

    def page_template(self, name):
        """The theme's template `name`, else ours (which escape whatever the settings
        say). A theme's template rendered with autoescape off would print other people's
        names and alt text as HTML: refused."""
        template = self.env.get_template(name)
        autoescape = self.env.autoescape
        if callable(autoescape):
            autoescape = autoescape(template.name)
        if not autoescape and not self.ours(template):
            raise UnsafeTemplateError(
                f"{template.filename}: this theme template would print other people's "
                "posts unescaped (Jinja autoescape is off). Set JINJA_ENVIRONMENT = "
                "{'autoescape': True, ...} in your settings (and mark your own HTML "
                "|safe), or delete this template to use the tweets plugin's own."
            )
        return template

    def generate_output(self, writer):
        if not self.reader.exists():
            return
        pinned, years = self.api.highlights_page()
        template = self.page_template("twitter/index.html")
        if self.ours(template):
            # Our fallback page links its stylesheet from the theme's static folder.
            static = Path(self.output_path, self.settings["THEME_STATIC_DIR"])
            static.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(FALLBACK_CSS, static / FALLBACK_CSS.name)
        writer.write_file(
            self.settings["TWEETS_HIGHLIGHTS_SAVE_AS"],
            template,
            self.context,
            relative_urls=self.settings.get("RELATIVE_URLS", False),
            url=self.settings["TWEETS_HIGHLIGHTS_URL"],
            pinned=pinned,
            years=years,
            owner=self.api.owner,
            networks=[LABELS[n] for n in self.reader.networks()],
            highlights_title=highlights_title(self.reader.networks()),
        )
