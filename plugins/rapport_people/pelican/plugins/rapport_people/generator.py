"""The people pages: a Pelican Generator for the directory and one page per listed person."""

import dataclasses
import glob
import logging
import os
import re
import shutil
from collections import defaultdict
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader
from pelican.generators import Generator
from pelican.urlwrappers import Tag

from . import settings as defaults
from .avatar import avatar_svg
from .kept import contact_log
from .model import PeopleError
from .photos import PhotoError, square_sizes
from .public import directory_figures, project

logger = logging.getLogger(__name__)

# Our own person and directory templates, and their stylesheet, come after the theme's:
# a theme that has people/person.html and people/index.html uses its own.
TEMPLATES = Path(__file__).with_name("templates").resolve()
FALLBACK_CSS = Path(__file__).with_name("static") / "rapport-people.css"


class PeopleGenerator(Generator):
    """Reads the contact log and writes pages for listed people only.

    Templates receive `PublicPerson` projections and plain values, never a `Person`.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.env.loader = ChoiceLoader([self.env.loader, FileSystemLoader(TEMPLATES)])
        self.people = contact_log(
            defaults.people_dir(self.settings),
            defaults.private_dir(self.settings),
            defaults.limits(self.settings),
            preview=self.settings.get("PREVIEW_MODE"),
        )
        self.public = [
            project(p, self.setting("PEOPLE_URL").format(slug=p.slug),
                    self.setting("PEOPLE_SUMMARY_LENGTH"))
            for p in self.people.listed
        ]  # fmt: skip
        # Listed people's pages, handed to the tweets plugin when we ask for cards, so
        # that an @mention of a listed person on a person page links to their page.
        self.profile_urls = {
            handle.lower(): p.url for p in self.public for handle in p.handles
        }
        # The parsed files of listed people, for what the projection leaves out on
        # purpose (the photo's source file).
        self.listed_files = {p.slug: p for p in self.people.listed}
        self._tag_slugs = {}

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
        tags = tag_index(self.public, self.tag_slug, self.setting("PEOPLE_TAG_URL"))
        sitemap.extend({"url": tag["url"]} for tag in tags)
        sheets = self.context.setdefault("rapport_stylesheets", [])
        if "people.css" not in sheets:
            sheets.append("people.css")

    def generate_output(self, writer):
        relative = self.settings.get("RELATIVE_URLS", False)
        siteurl = self.settings.get("SITEURL", "")
        tweets = self.context.get("tweets")
        template = self.page_template("people/person")
        directory = self.page_template("people/index")
        written = set()
        if self.ours(template) or self.ours(directory):
            # Our fallback pages link their stylesheet from the theme's static folder.
            css = os.path.join(self.settings["THEME_STATIC_DIR"], FALLBACK_CSS.name)
            os.makedirs(
                os.path.join(self.output_path, os.path.dirname(css)), exist_ok=True
            )
            shutil.copyfile(FALLBACK_CSS, os.path.join(self.output_path, css))
            written.add(os.path.normpath(css))
        people = []
        for person in self.public:
            person_tweets = self.tweets_for(person, tweets)
            threads = person_tweets.get("tweet_threads")
            photo, photo_files = self.write_photo(person)
            person = dataclasses.replace(
                person,
                # Threads come newest first.
                last_talked=threads[0]["started"] if threads else None,
                avatar_url=self.setting("PEOPLE_AVATAR_URL").format(slug=person.slug),
                tag_links=tuple((t, self.tag_url(t)) for t in person.tags),
                photo=photo,
            )
            written.update(photo_files)
            people.append(person)
            written.add(self.write_avatar(person))
            save_as = self.setting("PEOPLE_SAVE_AS").format(slug=person.slug)
            writer.write_file(
                save_as,
                template,
                self.context,
                relative_urls=relative,
                person=person,
                person_jsonld=person.jsonld(siteurl),
                **person_tweets,
            )
            written.add(os.path.normpath(save_as))
        people.sort(key=lambda p: (p.name.lower(), p.slug))
        tags = tag_index(people, self.tag_slug, self.setting("PEOPLE_TAG_URL"))
        index_save_as = self.setting("PEOPLE_INDEX_SAVE_AS")
        writer.write_file(
            index_save_as,
            directory,
            self.context,
            relative_urls=relative,
            people_list=people,
            people_tags=tags,
            people_tag=None,
            people_count=len(people),
            people_figures=directory_figures(people),
            people_jsonld=self.directory_jsonld(siteurl),
        )
        written.add(os.path.normpath(index_save_as))
        for tag in tags:
            save_as = self.setting("PEOPLE_TAG_SAVE_AS").format(slug=tag["slug"])
            writer.write_file(
                save_as,
                directory,
                self.context,
                relative_urls=relative,
                people_list=tag["people"],
                people_tags=tags,
                people_tag=tag,
                people_count=len(tag["people"]),
                people_jsonld=None,
            )
            written.add(os.path.normpath(save_as))
        for name in (
            "PEOPLE_SAVE_AS",
            "PEOPLE_AVATAR_SAVE_AS",
            "PEOPLE_TAG_SAVE_AS",
            "PEOPLE_PHOTO_SAVE_AS",
        ):
            self.remove_stale_files(self.setting(name), written)

    @staticmethod
    def ours(template):
        return Path(template.filename).resolve().is_relative_to(TEMPLATES)

    def page_template(self, name):
        """The theme's template `name`, else ours (which escape whatever the settings
        say). A theme's template rendered with autoescape off would print names and
        notes written by other people as HTML: refused."""
        template = self.get_template(name)
        autoescape = self.env.autoescape
        if callable(autoescape):
            autoescape = autoescape(template.name)
        if not autoescape and not self.ours(template):
            raise PeopleError(
                f"{template.filename}: this theme template would print people's names "
                "and notes unescaped (Jinja autoescape is off). Set JINJA_ENVIRONMENT = "
                "{'autoescape': True, ...} in your settings (and mark your own HTML "
                "|safe), or delete this template to use the people plugin's own."
            )
        return template

    def tag_slug(self, tag):
        """Pelican's own slug of a tag (TAG_REGEX_SUBSTITUTIONS), as its tag pages use;
        worked out once a build for each tag."""
        slug = self._tag_slugs.get(tag)
        if slug is None:
            slug = self._tag_slugs[tag] = Tag(tag, self.settings).slug
        return slug

    def tag_url(self, tag):
        """The URL of a tag's directory page, or None when the tag has no slug."""
        slug = self.tag_slug(tag)
        return self.setting("PEOPLE_TAG_URL").format(slug=slug) if slug else None

    def write_photo(self, person):
        """Write the listed person's photo at each width: (((url, width), ...), {paths})."""
        source_person = self.listed_files[person.slug]
        if not source_person.photo:
            return (), set()
        people_dir = defaults.people_dir(self.settings)
        source = os.path.join(people_dir, source_person.photo)
        where = f"{source_person.source}: photo"
        if not os.path.isfile(source):
            raise PeopleError(
                f"{where}: there is no file {source_person.photo} in the people folder. "
                "Put the picture in content/people/photos/ or remove the field."
            )
        try:
            sizes = square_sizes(source)
        except PhotoError as exc:
            raise PeopleError(
                f"{where}: {source_person.photo} cannot be read as a picture ({exc}). "
                "Save it as .jpg, .png or .webp, or remove the field."
            ) from None
        urls, files = [], set()
        for width, data in sorted(sizes.items()):
            fields = {"slug": person.slug, "width": width}
            save_as = os.path.normpath(
                self.setting("PEOPLE_PHOTO_SAVE_AS").format(**fields)
            )
            path = os.path.join(self.output_path, save_as)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(data)
            files.add(save_as)
            urls.append((self.setting("PEOPLE_PHOTO_URL").format(**fields), width))
        return tuple(urls), files

    def write_avatar(self, person):
        """Write the person's initials avatar; return its path relative to output."""
        save_as = os.path.normpath(
            self.setting("PEOPLE_AVATAR_SAVE_AS").format(slug=person.slug)
        )
        path = os.path.join(self.output_path, save_as)
        write_if_changed(path, avatar_svg(person.slug, person.name))
        return save_as

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
        if person.handles:
            limit = self.setting("PEOPLE_CONVERSATIONS_LIMIT")
            # A pinned tweet is shown once, under Pinned: the same card twice would
            # repeat its id attribute and its text on one page. Every network's
            # conversations come in one timeline.
            for thread in tweets.conversations_with(
                person.handles,
                limit=limit,
                exclude=person.highlights,
                profile_urls=self.profile_urls,
            ):
                threads.append({"started": thread.started, "cards": thread.cards})
            first_talked = tweets.first_talked(person.handles)
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

    def remove_stale_files(self, pattern, written):
        """Delete files of `pattern` (a *_SAVE_AS with {slug}) left in output/ by an
        earlier build and not written by this one: withdrawn consent, a tag nobody
        listed has any more."""
        # Every {field} of the pattern ({slug}, {width}) is one path segment's worth.
        pieces = re.split(r"\{\w+\}", pattern)
        matcher = re.compile("[^/]+".join(map(re.escape, pieces)) + "$")
        removed = 0
        for path in glob.glob(
            os.path.join(glob.escape(self.output_path), "*".join(pieces))
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
            logger.info("Removed %d file(s) no longer published (%s)", removed, pattern)

    def _remove_empty_parents(self, folder):
        root = os.path.abspath(self.output_path)
        folder = os.path.abspath(folder)
        while folder != root and folder.startswith(root + os.sep):
            try:
                os.rmdir(folder)
            except OSError:
                return
            folder = os.path.dirname(folder)


def write_if_changed(path, data):
    """Write `data` to `path` (making its folder) unless it holds them already: a
    preview save leaves an unchanged avatar's file (and its stat, which the audit goes
    by) alone."""
    try:
        with open(path, "rb") as handle:
            if handle.read() == data:
                return
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)


def tag_index(people, slug_of, url_pattern):
    """[{name, slug, url, people}] for every tag of a listed person, A to Z; `people`
    in the order given."""
    # One page per slug: "Law" and "law" are one tag. A tag with no slug (no letter
    # or digit) has no page; person pages show it as text.
    by_slug, names = defaultdict(list), {}
    for person in people:
        for slug, name in {slug_of(t): t for t in reversed(person.tags)}.items():
            if slug:
                by_slug[slug].append(person)
                names.setdefault(slug, name)
    return [
        {
            "name": names[slug],
            "slug": slug,
            "url": url_pattern.format(slug=slug),
            "people": by_slug[slug],
        }
        for slug in sorted(by_slug, key=lambda s: (names[s].lower(), s))
    ]
