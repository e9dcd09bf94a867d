"""The people pages: a Pelican Generator for the directory and one page per listed person."""

import glob
import logging
import os
import re
from itertools import groupby

from pelican.generators import Generator

from . import settings as defaults
from .model import load_people
from .public import directory_figures, project

logger = logging.getLogger(__name__)


class PeopleGenerator(Generator):
    """Reads the contact log and writes pages for listed people only.

    Templates receive `PublicPerson` projections and plain values, never a `Person`.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = load_people(
            defaults.people_dir(self.settings),
            defaults.private_dir(self.settings),
            defaults.limits(self.settings),
        )
        self.public = [
            project(p, self.setting("PEOPLE_URL").format(slug=p.slug),
                    self.setting("PEOPLE_SUMMARY_LENGTH"))
            for p in self.people.listed
        ]  # fmt: skip
        # Listed people's pages, handed to the tweets plugin when we ask for cards, so
        # that an @mention of a listed person on a person page links to their page.
        self.profile_urls = {p.twitter.lower(): p.url for p in self.public if p.twitter}

    def setting(self, name):
        return self.settings.get(name, defaults.DEFAULTS[name])

    def generate_context(self):
        self.context["people"] = sorted(
            self.public, key=lambda p: (p.name.lower(), p.slug)
        )
        self.context["people_index_url"] = self.setting("PEOPLE_INDEX_URL")
        nav = self.context.setdefault("rapport_nav", [])
        item = {
            "title": self.setting("PEOPLE_NAV_TITLE"),
            "url": self.setting("PEOPLE_INDEX_URL"),
        }
        if item not in nav:
            nav.append(item)
            nav.sort(key=lambda entry: entry["title"].lower())
        # The theme's sitemap.html lists context["rapport_sitemap"]: listed people only.
        sitemap = self.context.setdefault("rapport_sitemap", [])
        sitemap.append({"url": self.setting("PEOPLE_INDEX_URL")})
        sitemap.extend({"url": person.url} for person in self.public)
        sheets = self.context.setdefault("rapport_stylesheets", [])
        if "people.css" not in sheets:
            sheets.append("people.css")

    def generate_output(self, writer):
        relative = self.settings.get("RELATIVE_URLS", False)
        siteurl = self.settings.get("SITEURL", "")
        tweets = self.context.get("tweets")
        template = self.get_template("people/person")
        written = set()
        for person in self.public:
            save_as = self.setting("PEOPLE_SAVE_AS").format(slug=person.slug)
            writer.write_file(
                save_as,
                template,
                self.context,
                relative_urls=relative,
                person=person,
                person_jsonld=person.jsonld(siteurl),
                **self.tweets_for(person, tweets),
            )
            written.add(os.path.normpath(save_as))
        index_save_as = self.setting("PEOPLE_INDEX_SAVE_AS")
        writer.write_file(
            index_save_as,
            self.get_template("people/index"),
            self.context,
            relative_urls=relative,
            people_groups=group_by_year(self.public),
            people_count=len(self.public),
            people_figures=directory_figures(self.public),
            people_jsonld=self.directory_jsonld(siteurl),
        )
        written.add(os.path.normpath(index_save_as))
        self.remove_stale_pages(written)

    def tweets_for(self, person, tweets):
        """Ask the tweets plugin (if present) for this person's tweets, as plain values."""
        if tweets is None:
            return {"tweets_enabled": False}
        highlights = (
            list(tweets.highlights(list(person.highlights), self.profile_urls))
            if person.highlights
            else []
        )
        threads, first_talked = [], None
        if person.twitter:
            limit = self.setting("PEOPLE_CONVERSATIONS_LIMIT")
            # A pinned tweet is shown once, under Pinned: the same card twice would
            # repeat its id attribute and its text on one page.
            for thread in tweets.conversations_with(
                person.twitter,
                limit=limit,
                exclude=person.highlights,
                profile_urls=self.profile_urls,
            ):
                threads.append({"started": thread.started, "cards": thread.cards})
            first_talked = tweets.first_talked(person.twitter)
        return {
            "tweets_enabled": True,
            "tweet_highlights": highlights,
            "tweet_threads": threads,
            "first_talked": first_talked,
        }

    def directory_jsonld(self, siteurl):
        owner_url = self.settings.get("OWNER_URL")
        owner = {
            "@context": "https://schema.org",
            "@type": "Person",
            "name": self.settings.get("OWNER_NAME") or self.settings.get("AUTHOR"),
            "knows": [
                {"@type": "Person", "name": p.name, "url": f"{siteurl}/{p.url}"}
                for p in sorted(self.public, key=lambda p: p.slug)
            ],
        }
        if owner_url is not None:
            owner["url"] = f"{siteurl}/{owner_url}"
        return owner

    def remove_stale_pages(self, written):
        """Delete person pages left in output/ by an earlier build (withdrawn consent)."""
        pattern = self.setting("PEOPLE_SAVE_AS")
        head, _, tail = pattern.partition("{slug}")
        matcher = re.compile(re.escape(head) + r"[^/]+" + re.escape(tail) + r"$")
        removed = 0
        for path in glob.glob(
            os.path.join(glob.escape(self.output_path), pattern.format(slug="*"))
        ):
            relative = os.path.relpath(path, self.output_path)
            if os.path.normpath(relative) in written or not matcher.match(
                relative.replace(os.sep, "/")
            ):
                continue
            os.remove(path)
            removed += 1
            self._remove_empty_parents(os.path.dirname(path))
        if removed:
            # No slug in the log: it would name someone who asked to be taken off the site.
            logger.info("Removed %d people page(s) of people no longer listed", removed)

    def _remove_empty_parents(self, folder):
        root = os.path.abspath(self.output_path)
        folder = os.path.abspath(folder)
        while folder != root and folder.startswith(root + os.sep):
            try:
                os.rmdir(folder)
            except OSError:
                return
            folder = os.path.dirname(folder)


def group_by_year(people):
    """[(year label, [people])], newest year first; people without a date come last."""

    def key(p):
        return p.met.sort_key() if p.met else (0, 0, 0)

    ordered = sorted(people, key=lambda p: (p.name.lower(), p.slug))
    ordered.sort(key=key, reverse=True)  # stable: names stay A to Z within a date
    groups = []
    for year, members in groupby(ordered, key=lambda p: p.met.year if p.met else None):
        groups.append(
            {
                "year": year,
                "label": str(year) if year else "Undated",
                "people": list(members),
            }
        )
    return groups
