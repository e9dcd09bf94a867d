"""Pelican settings for local builds (`invoke build`). `publishconf.py` extends these."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent

AUTHOR = "Sam Sample"
SITENAME = "Sam Sample"
SITESUBTITLE = "Notes on turning online conversations into real working relationships"
SITEDESCRIPTION = (
    "A networking blog: asking people on Twitter for a coffee, following up, "
    "and keeping in touch with the people I have met."
)
SITEURL = ""
# The owner's h-card, on every page (OWNER_URL is relative to SITEURL).
OWNER_NAME = AUTHOR
OWNER_URL = "pages/about/"
OWNER_TWITTER = "samsample"
OWNER_NOTE = "Freelance product consultant in Manchester. I like meeting people."

PATH = str(ROOT / "content")
OUTPUT_PATH = str(ROOT / "output")
THEME = str(ROOT / "theme")
CACHE_PATH = str(ROOT / "cache")

TIMEZONE = "Europe/London"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"
# C.UTF-8: English dates without switching the process to ASCII.
LOCALE = ("C.UTF-8", "C")

# Content layout: posts in content/posts, pages in content/pages, people (own plugin)
# in content/people, which Pelican's readers must leave alone.
ARTICLE_PATHS = ["posts"]
PAGE_PATHS = ["pages"]
ARTICLE_EXCLUDES = ["people"]
PAGE_EXCLUDES = ["people"]
STATIC_PATHS = ["images", "extra"]
EXTRA_PATH_METADATA = {
    "extra/favicon.svg": {"path": "favicon.svg"},
}
DEFAULT_METADATA = {"status": "published"}
DEFAULT_CATEGORY = "Networking"
USE_FOLDER_AS_CATEGORY = False
SLUGIFY_SOURCE = "title"

# Clean URLs: /2013/04/asking-for-a-coffee/ and friends.
ARTICLE_URL = "{date:%Y}/{date:%m}/{slug}/"
ARTICLE_SAVE_AS = "{date:%Y}/{date:%m}/{slug}/index.html"
DRAFT_URL = "drafts/{slug}/"
DRAFT_SAVE_AS = "drafts/{slug}/index.html"
PAGE_URL = "pages/{slug}/"
PAGE_SAVE_AS = "pages/{slug}/index.html"
# Translations (same slug, another `Lang:`) sit beside the original, as in Pelican's
# defaults ({slug}-{lang}.html), with clean URLs: /2013/04/asking-for-a-coffee-fr/.
ARTICLE_LANG_URL = "{date:%Y}/{date:%m}/{slug}-{lang}/"
ARTICLE_LANG_SAVE_AS = "{date:%Y}/{date:%m}/{slug}-{lang}/index.html"
DRAFT_LANG_URL = "drafts/{slug}-{lang}/"
DRAFT_LANG_SAVE_AS = "drafts/{slug}-{lang}/index.html"
PAGE_LANG_URL = "pages/{slug}-{lang}/"
PAGE_LANG_SAVE_AS = "pages/{slug}-{lang}/index.html"
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = "category/{slug}/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = "author/{slug}/index.html"
ARCHIVES_URL = "archives/"
ARCHIVES_SAVE_AS = "archives/index.html"
CATEGORIES_URL = "categories/"
CATEGORIES_SAVE_AS = "categories/index.html"
TAGS_URL = "tags/"
TAGS_SAVE_AS = "tags/index.html"
AUTHORS_URL = "authors/"
AUTHORS_SAVE_AS = "authors/index.html"
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""

DIRECT_TEMPLATES = ["index", "authors", "categories", "tags", "archives", "sitemap"]
SITEMAP_SAVE_AS = "sitemap.xml"
TEMPLATE_PAGES = {}
# robots.txt is a template so that it can name the absolute sitemap URL.
DIRECT_TEMPLATES.append("robots")
ROBOTS_SAVE_AS = "robots.txt"

DEFAULT_PAGINATION = 8
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
SUMMARY_MAX_LENGTH = 50

# Feeds: Atom for everything, per category and per tag. Pelican builds entry links from
# SITEURL, so local feeds (SITEURL "") are for a look only; publishconf.py sets SITEURL and
# FEED_DOMAIN to the real domain. FEED_DOMAIN here only names the local server in the
# feeds' self links. Pages link to feeds through SITEURL, never FEED_DOMAIN.
FEED_DOMAIN = "http://127.0.0.1:8000"
FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/category/{slug}.atom.xml"
TAG_FEED_ATOM = "feeds/tag/{slug}.atom.xml"
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
FEED_MAX_ITEMS = 20
RSS_FEED_SUMMARY_ONLY = False

# Jinja: autoescape ON. Pelican leaves it off; we mark only HTML that we generated
# (Markdown of the owner's own posts) or sanitised (nh3) as safe, in the templates.
JINJA_ENVIRONMENT = {
    "autoescape": True,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "extensions": [],
}

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.codehilite": {
            "css_class": "highlight",
            "guess_lang": False,
        },
        "markdown.extensions.extra": {},
        "markdown.extensions.meta": {},
        "markdown.extensions.toc": {"permalink": False},
    },
    "output_format": "html5",
}

# Our plugins (see plugins/). A plugin that fails to load fails the build: the tasks
# and CI run Pelican with `--fatal errors`.
PLUGINS = [
    "pelican.plugins.rapport_site",
    "pelican.plugins.rapport_tweets",
    "pelican.plugins.rapport_people",
]

# People (plugins/rapport_people/pelican/plugins/rapport_people/settings.py has every default).
PEOPLE_PRIVATE_PATH = str(ROOT / "private" / "people")
# The sample keeps private data in content/people/: the private-repository layout. Set
# True for a public repository (README, "A private or a public repository").
PEOPLE_PUBLIC_REPOSITORY = False

# Tweets (plugins/rapport_tweets/pelican/plugins/rapport_tweets/settings.py has every default).
TWEETS_STORE = str(ROOT / "data" / "tweets")

# Content cache, for `invoke regenerate` and `invoke livereload`.
LOAD_CONTENT_CACHE = False
CACHE_CONTENT = False

# Navigation
DISPLAY_PAGES_ON_MENU = True
DISPLAY_CATEGORIES_ON_MENU = False
MENUITEMS_EXTRA = []
RELATIVE_URLS = False
TYPOGRIFY = False
# Reproducible output: dates come from content, never from the build clock.
DEFAULT_DATE = None
