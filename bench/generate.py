"""Seeded synthetic Rapport sites at any scale, for the benchmarks of issue 5.

    .venv/bin/python bench/generate.py bench/sites/ref --posts 2000 --people 1000 \
        --listed 600 --tweets 100000 --embeds 200 --seed 1

writes, under the target folder:

- content/posts/*.md: ~600-word Markdown posts (headings, lists, links, fenced code,
  quotes, tables), categories and tags; `--embeds` of them hold a paragraph that is only
  a tweet URL (x.com, twitter.com, mobile.twitter.com, some with a query string).
- content/pages/*.md, content/people/<slug>.md: person files in the format of issue 3, a
  `--listed` share listed with consent; every private string (notes, email, log notes)
  and every unlisted person's blurb carries a unique canary-like token.
- archive/: an X archive of `--tweets` tweets in the real layout (data/tweets.js,
  data/tweets-part1.js, ..., account.js, manifest.js, note-tweet.js, tweets_media/).
- archive-core/: the same owner's `--core` "published" tweets only (default 1,000).
  Every tweet a build can publish (embeds, highlights, conversations with listed people,
  the top tweets by engagement) is a core tweet: filler tweets never mention a listed
  person and have lower engagement than any core tweet, so a build from either archive
  publishes the same tweets (target 2 of issue 5).
- benchconf*.py: settings for the site, each importing the repository's pelicanconf.py
  and overriding paths (full, plain, core store, warm cache).
- site.json: what was generated (counts, ids, files to edit) for bench/run.py.

Same arguments, same bytes: every random choice comes from random.Random seeded with
the seed and the section name, and nothing depends on the clock or the target path.
"""

import argparse
import datetime as dt
import hashlib
import json
import random
import shutil
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import textgen as tg
else:
    from . import textgen as tg
# The tests' fixture archive writer (tests/fixtures/archives/build.py).
FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "archives"
sys.path.insert(0, str(FIXTURES))
import build as archive_fixtures  # noqa: E402

from pelican.plugins.rapport_people.tasks import slugify  # noqa: E402  (one slugify: people.new's)

words = tg.words

REPO = Path(__file__).resolve().parents[1]
OWNER_HANDLE = "samsample"
OWNER_NAME = "Sam Sample"
OWNER_ID = "1000000001"
TWEPOCH_MS = 1288834974657
START = dt.datetime(2012, 1, 1, tzinfo=dt.UTC)
END = dt.datetime(2024, 12, 31, tzinfo=dt.UTC)
GENERATOR_VERSION = 2

FIRST_NAMES = words(
    "Ada Alan Alice Amara Amir Ana Anya Arjun Ayla Beatrix Bilal Bruno Cai Camille "
    "Carmen Cedric Chidi Clara Dara Dev Diego Dimitri Edith Elif Elio Emeka Enzo Esme "
    "Farah Felix Femi Fiona Freya Gael Greta Hana Hamza Hugo Ines Ingrid Isak Ivo Jada "
    "Jonas Jude Kaito Kamala Keira Kofi Lars Leila Lena Levi Lina Luca Mae Mateo Maya "
    "Milo Mina Nadia Nell Niamh Nico Nour Odile Olu Omar Oona Otto Pablo Petra Priya "
    "Quinn Rafael Rania Remy Rhea Rosa Rui Saanvi Salma Soren Suki Tariq Tess Theo Tomas "
    "Uma Una Vera Viktor Wren Xavi Yara Yusuf Zainab Zeno Zora Bram Cleo Dax Eun Fenna "
    "Gus Hale Ilse Joss Kit Lorcan Mads Nye Orla Pim Rook Sable Tove Ulla Vesna Wim"
)
LAST_NAMES = words(
    "Abbott Achebe Adeyemi Albrecht Alvarez Andersson Arkwright Ashdown Baptiste "
    "Barrowclough Beaumont Bexley Blackwood Bramwell Brightman Calloway Castellano "
    "Cavendish Chakraborty Cheswick Clearwater Copperfield Crowther Dalgleish Delacroix "
    "Dunmore Eastwick Ellingham Esposito Fairbrother Falkner Featherstone Fitzwilliam "
    "Fontaine Foxley Gallagher Garside Gillespie Goldhawk Greenhalgh Gustafsson Hargreaves "
    "Hartley Hawthorne Heathcote Holloway Honeychurch Huxtable Ibrahimovic Ingleby "
    "Islington Jablonski Jarrett Kavanagh Kettleby Kingsley Kowalczyk Lachance Langford "
    "Larkspur Lindqvist Lockwood Loveridge Macaulay Mallinson Marchetti Marlowe "
    "Merriweather Montague Moreau Nakamura Netherby Northcott Oakenfold Okonkwo Ormerod "
    "Pemberton Pennywhistle Quartermaine Radcliffe Ravenscroft Rosenthal Rowntree "
    "Sandoval Sheridan Silverton Stanhope Sutcliffe Tennyson Thistlewood Thornbury "
    "Underhill Valentini Vasquez Wainwright Waterhouse Whitlock Winterbourne Yardley "
    "Yamamoto Zabini Zielinski"
)
VENUES = words(
    "the Old Bank|Ezra and Gil|Foundation Coffee House|Pot Kettle Black|North Tea Power|"
    "Grindsmith|Takk|Federal|Idle Hands|Siop Shop|Laynes|Brew Lab|Artisan Roast|Dose|"
    "Full Court Press|Small Batch|Quarter Horse|Kaffeine|Prufrock|Origin|Society Cafe|"
    "the Pilcrow|the Marble Arch|the Kings Arms|Colombia Coffee Roasters|Hatch|Stage|"
    "Cafe Kino|Boston Tea Party|the Tetley",
    sep="|",
)
EVENTS = words(
    "a PyData evening|a digital meetup|a product breakfast|a design crit|"
    "a freelancers lunch|a conference hallway chat|a hack day|a book club|"
    "a workshop|a charity run|a co-working day|a startup pitch night|a coding dojo|"
    "a writing retreat|a UX book club|an open source sprint|a podcast recording|"
    "a legal tech drinks|a mentoring session|a careers fair",
    sep="|",
)
CITIES = words(
    "Manchester Leeds Sheffield Bristol Glasgow Edinburgh Cardiff Liverpool York "
    "Newcastle Nottingham Brighton Birmingham London Belfast"
)
PEOPLE_TAGS = words(
    "law marketing design python product writing research data community events "
    "security accessibility hiring finance education health music"
)
VIA = ("twitter", "coffee", "email", "call", "meetup", "dm", "lunch")
STRANGER_WORDS = words(
    "pixel byte cloud river maple cedar lunar solar quiet brisk amber cobalt ember "
    "fable harbor indigo juniper kestrel lantern meadow nimbus orchard pebble quill"
)
PART_SIZE = 25_000


@dataclass(frozen=True)
class Scale:
    """What to generate; the defaults are the reference scale of issue 5."""

    posts: int = 2000
    people: int = 1000
    listed: int = 600
    tweets: int = 100_000
    embeds: int = 200
    core: int = 1000
    seed: int = 1
    part_size: int = PART_SIZE

    def checked(self) -> "Scale":
        if self.listed > self.people:
            raise SystemExit(
                f"--listed {self.listed} is more than --people {self.people}"
            )
        if self.embeds > self.posts:
            raise SystemExit(
                f"--embeds {self.embeds} is more than --posts {self.posts}"
            )
        if min(self.posts, self.people, self.tweets, self.part_size) < 1:
            raise SystemExit("--posts, --people, --tweets and --part-size must be >= 1")
        core = min(self.core, self.tweets)
        if self.embeds > core:
            raise SystemExit(
                f"--embeds {self.embeds} needs at least as many core tweets"
            )
        return Scale(**{**asdict(self), "core": core})


def rng_for(scale: Scale, section: str) -> random.Random:
    return random.Random(f"rapport-bench:{scale.seed}:{section}")


def yaml_str(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


# -- people -------------------------------------------------------------------------


@dataclass
class Person:
    slug: str
    name: str
    twitter: str
    user_id: str
    website: str
    met: str
    where: str
    tags: list
    rel: list
    listed: bool
    consent: str
    private: dict
    blurb: str
    highlights: list
    bluesky: str = ""
    mastodon: str = ""


# Issue 13: the Bluesky export and the Mastodon archive the bench writes beside the site
# (bench/bluesky.py, bench/mastodon_import.py) hold the owner's posts 0 to N-1, N a
# fifth of the X archive's tweets; these name them, for those files and for embeds.
BLUESKY_OWNER_DID = "did:plc:benchownersample00000000"
MASTODON_HOST = "bench.social"


def bluesky_rkey(n: int) -> str:
    """A TID-shaped record key: 13 base32-sortable characters, in time order."""
    alphabet = "234567abcdefghijklmnopqrstuvwxyz"
    out = ""
    value = 1_700_000_000_000_000 + n * 7_919
    for _ in range(13):
        value, digit = divmod(value, 32)
        out = alphabet[digit] + out
    return out


def mastodon_status(n: int) -> int:
    """The status number of the archive's activity n."""
    return 110_000_000_000_000_000 + n * 1000


def mastodon_kind(n: int) -> str:
    """What the archive's activity n is: a boost, a followers-only post or a public one."""
    return "boost" if n % 25 == 0 else "private" if n % 10 == 7 else "public"


def other_network_embed(rng: random.Random, network: str, posts: int) -> str:
    """The address of one of the owner's public posts on Bluesky or Mastodon."""
    if network == "bluesky":
        n = rng.randrange(posts)
        return f"https://bsky.app/profile/{BLUESKY_OWNER_DID}/post/{bluesky_rkey(n)}"
    n = rng.choice([n for n in range(min(posts, 1000)) if mastodon_kind(n) == "public"])
    return f"https://{MASTODON_HOST}/@owner/{mastodon_status(n)}"


# Listed people among the first ones are also the friends the owner talks with on
# Bluesky and Mastodon (bench/bluesky.py, bench/mastodon_import.py: friend<n>), so a
# build with all three networks shows conversations from each on their pages.
BLUESKY_FRIENDS, MASTODON_FRIENDS = 200, 300


def make_people(scale: Scale) -> list[Person]:
    rng = rng_for(scale, "people")
    names = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    wheres = [
        f"Coffee at {v} after {e}, {c}" for v in VENUES for e in EVENTS for c in CITIES
    ]
    rng.shuffle(wheres)
    if scale.people > len(names):
        raise SystemExit(f"--people is at most {len(names)} (name pool)")
    people = []
    listed_idx = set(rng.sample(range(scale.people), scale.listed))
    for i in range(scale.people):
        name = names[i]
        first, last = name.split(" ", 1)
        slug = slugify(name)
        # 15 characters at most, and all handles end in 2 digits so none is a prefix
        # of another (the audit searches substrings).
        handle = (first.lower() + last.lower())[:13] + f"{i % 100:02d}"
        listed = i in listed_idx
        year = rng.randint(2012, 2024)
        met = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if rng.random() < 0.1:
            met = met[:7]
        token = tg.hex_token(rng)
        log = []
        for _ in range(rng.randint(2, 7)):
            log.append(
                {
                    "date": f"{rng.randint(year, 2024)}-{rng.randint(1, 12):02d}-"
                    f"{rng.randint(1, 28):02d}",
                    "via": rng.choice(VIA),
                    "note": f"{tg.sentence(rng, 10)} Ref {tg.hex_token(rng, 12)}.",
                }
            )
        log.sort(key=lambda e: e["date"])
        if rng.random() < 0.1:
            log.append(
                {"date": "2024-12-01", "via": "ask", "note": "Asked for a coffee."}
            )
        private = {
            "email": f"{first.lower()}.{last.lower()}.{token[:4]}@mail.example",
            "notes": f"{tg.paragraph(rng, 3)} Private marker canary-{slug}-{token}.",
            "keep_in_touch": rng.choice(("30d", "8w", "3m", "6w", "2m")),
            "log": log,
        }
        blurb = tg.paragraph(rng, 2)
        if not listed:
            blurb += f" Blurb marker canary-blurb-{token}."
        people.append(
            Person(
                slug=slug,
                name=name,
                twitter=handle,
                user_id=str(2_000_000_000 + i * 7919),
                website=f"https://{slug}.example",
                met=met,
                where=wheres[i],
                tags=sorted(rng.sample(PEOPLE_TAGS, rng.randint(1, 3))),
                rel=["met", "colleague"] if rng.random() < 0.3 else ["met"],
                listed=listed,
                consent=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}, by email"
                if listed
                else "",
                private=private,
                blurb=blurb,
                highlights=[],
                bluesky=f"friend{i}.bsky.social"
                if listed and i < BLUESKY_FRIENDS
                else "",
                mastodon=f"@friend{i}@example.social"
                if listed and i < MASTODON_FRIENDS
                else "",
            )
        )
    return people


def person_file(p: Person, *, private_inline: bool) -> str:
    lines = ["---", f"name: {p.name}", f"twitter: {p.twitter}", f"website: {p.website}"]
    lines += [f"bluesky: {p.bluesky}"] if p.bluesky else []
    lines += [f'mastodon: "{p.mastodon}"'] if p.mastodon else []
    lines += [f"met: {p.met}", f"where: {yaml_str(p.where)}"]
    lines += [f"tags: [{', '.join(p.tags)}]", f"rel: [{', '.join(p.rel)}]"]
    if p.highlights:
        lines.append(f"highlights: [{', '.join(p.highlights)}]")
    lines.append(f"listed: {'true' if p.listed else 'false'}")
    if p.listed:
        lines.append(f"consent: {p.consent}")
    if private_inline:
        lines.append("private:")
        lines += ["  " + line for line in private_yaml(p.private)]
    lines += ["---", p.blurb, ""]
    return "\n".join(lines)


def private_yaml(private: dict) -> list[str]:
    lines = [
        f"email: {private['email']}",
        f"notes: {yaml_str(private['notes'])}",
        f"keep_in_touch: {private['keep_in_touch']}",
        "log:",
    ]
    for e in private["log"]:
        lines.append(
            f"  - {{date: {e['date']}, via: {e['via']}, note: {yaml_str(e['note'])}}}"
        )
    return lines


# -- tweets -------------------------------------------------------------------------

DAYS = words("Mon Tue Wed Thu Fri Sat Sun")
MONTHS = words("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec")
TCO_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def created_at(t: dt.datetime) -> str:
    return (
        f"{DAYS[t.weekday()]} {MONTHS[t.month - 1]} {t.day:02d} "
        f"{t:%H:%M:%S} +0000 {t.year}"
    )


class Snowflakes:
    """Tweet ids that sort like the real ones: milliseconds since Twitter's epoch."""

    def __init__(self, worker: int):
        self.worker = worker
        self.seq = 0
        self.used: set[int] = set()

    def make(self, t: dt.datetime) -> str:
        ms = int(t.timestamp() * 1000)
        while True:
            self.seq = (self.seq + 1) % 4096
            tid = ((ms - TWEPOCH_MS) << 22) | (self.worker << 12) | self.seq
            if tid not in self.used:
                self.used.add(tid)
                return str(tid)


class TweetText:
    """Builds a tweet's text and its entities with code point indices.

    Indices count code points of the unescaped text (as the archive does), so entities
    after emoji, astral characters and `&` land where they should; full_text is then
    HTML-escaped like the archive's (`&amp;`, `&lt;`, `&gt;`).
    """

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.parts: list[str] = []
        self.n = 0
        self.mentions: list[dict] = []
        self.urls: list[dict] = []
        self.hashtags: list[dict] = []
        self.media: list[dict] = []
        self.display_start = 0

    def add(self, text: str) -> "TweetText":
        self.parts.append(text)
        self.n += len(text)
        return self

    def mention(self, handle: str, name: str, uid: str) -> "TweetText":
        start = self.n
        self.add("@" + handle)
        self.mentions.append(
            {
                "name": name,
                "screen_name": handle,
                "indices": [str(start), str(self.n)],
                "id_str": uid,
                "id": uid,
            }
        )
        return self

    def hashtag(self, tag: str) -> "TweetText":
        start = self.n
        self.add("#" + tag)
        self.hashtags.append({"text": tag, "indices": [str(start), str(self.n)]})
        return self

    def tco(self) -> str:
        return "https://t.co/" + "".join(self.rng.choice(TCO_CHARS) for _ in range(10))

    def link(self, expanded: str) -> "TweetText":
        start = self.n
        url = self.tco()
        self.add(url)
        bare = expanded.split("://", 1)[1]
        display = bare if len(bare) <= 26 else bare[:25] + "…"
        self.urls.append(
            {
                "url": url,
                "expanded_url": expanded,
                "display_url": display,
                "indices": [str(start), str(self.n)],
            }
        )
        return self

    def photo(self, tweet_id: str, key: str, alt: str) -> "TweetText":
        self.add(" ")
        start = self.n
        url = self.tco()
        self.add(url)
        self.media.append(
            {
                "expanded_url": f"https://x.com/{OWNER_HANDLE}/status/{tweet_id}/photo/1",
                "indices": [str(start), str(self.n)],
                "url": url,
                "media_url": f"http://pbs.twimg.com/media/{key}.png",
                "id_str": str(int(tweet_id) + 1),
                "id": str(int(tweet_id) + 1),
                "media_url_https": f"https://pbs.twimg.com/media/{key}.png",
                "sizes": {
                    "thumb": {"w": "150", "h": "150", "resize": "crop"},
                    "small": {"w": "680", "h": "510", "resize": "fit"},
                    "medium": {"w": "1200", "h": "900", "resize": "fit"},
                    "large": {"w": "2048", "h": "1536", "resize": "fit"},
                },
                "type": "photo",
                "display_url": f"pic.x.com/{key[:10]}",
                "ext_alt_text": alt,
            }
        )
        return self

    @property
    def text(self) -> str:
        return "".join(self.parts)


def escape_archive(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


SOURCES = (
    '<a href="http://twitter.com/download/iphone" rel="nofollow">Twitter for iPhone</a>',
    '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
    '<a href="http://twitter.com/download/android" rel="nofollow">Twitter for Android</a>',
)


def tweet_dict(
    tid: str,
    when: dt.datetime,
    tt: TweetText,
    rng: random.Random,
    *,
    fav: int,
    rts: int,
    reply_to: tuple | None = None,
) -> dict:
    entities = {
        "hashtags": tt.hashtags,
        "symbols": [],
        "user_mentions": tt.mentions,
        "urls": tt.urls,
    }
    end = tt.media[0]["indices"][0] if tt.media else str(tt.n)
    if tt.media:
        end = str(int(end) - 1)
        entities["media"] = tt.media
    tweet = {
        "edit_info": {
            "initial": {
                "editTweetIds": [tid],
                "editableUntil": (when + dt.timedelta(hours=1)).strftime(
                    "%Y-%m-%dT%H:%M:%S.000Z"
                ),
                "editsRemaining": "5",
                "isEditEligible": not reply_to,
            }
        },
        "retweeted": False,
        "source": rng.choice(SOURCES),
        "entities": entities,
        "display_text_range": [str(tt.display_start), end],
        "favorite_count": str(fav),
        "id_str": tid,
        "truncated": False,
        "retweet_count": str(rts),
        "id": tid,
        "created_at": created_at(when),
        "favorited": False,
        "full_text": escape_archive(tt.text),
        "lang": "en",
    }
    if tt.urls or tt.media:
        tweet["possibly_sensitive"] = False
    if tt.media:
        tweet["extended_entities"] = {"media": tt.media}
    if reply_to:
        status_id, user_id, handle = reply_to
        tweet["in_reply_to_status_id_str"] = status_id
        tweet["in_reply_to_status_id"] = status_id
        tweet["in_reply_to_user_id"] = user_id
        tweet["in_reply_to_user_id_str"] = user_id
        tweet["in_reply_to_screen_name"] = handle
    return tweet


def random_time(rng: random.Random) -> dt.datetime:
    span = int((END - START).total_seconds())
    return START + dt.timedelta(
        seconds=rng.randrange(span), milliseconds=rng.randrange(1000)
    )


def tweet_sentence(rng: random.Random, words: int) -> str:
    return tg.sentence(rng, words)[:-1]


def stranger(rng: random.Random) -> tuple[str, str, str]:
    a, b = rng.sample(STRANGER_WORDS, 2)
    n = rng.randrange(100)
    handle = f"{a}{b}{n}"
    return (
        handle,
        f"{a.capitalize()} {b.capitalize()}",
        str(9_000_000_000 + hash_int(handle)),
    )


def hash_int(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def decorate(tt: TweetText, rng: random.Random, *, links: float, tags: float) -> None:
    """Optional tail of a tweet: `&`, emoji (astral too), a hashtag, a t.co link."""
    if rng.random() < 0.2:
        tt.add(f" {rng.choice(tg.NOUNS)} & {rng.choice(tg.NOUNS)}")
    if rng.random() < 0.5:
        tt.add(" " + rng.choice(tg.EMOJI))
    if rng.random() < tags:
        tt.add(" ").hashtag(rng.choice(tg.HASHTAGS))
    if rng.random() < links:
        tt.add(" ").link(
            f"https://example.org/{rng.choice(tg.NOUNS)}/{tg.hex_token(rng, 6)}"
        )


def make_core_tweets(scale: Scale, people: list[Person]) -> tuple[list[dict], dict]:
    """The tweets a build may publish. Returns them and a map person slug -> tweet ids."""
    rng = rng_for(scale, "core-tweets")
    ids = Snowflakes(worker=1)
    listed = [p for p in people if p.listed]
    rng.shuffle(listed)
    by_person: dict[str, list[str]] = {}
    tweets = []
    for i in range(scale.core):
        when = random_time(rng)
        tid = ids.make(when)
        tt = TweetText(rng)
        kind = rng.random()
        reply_to = None
        person = listed[i % len(listed)] if listed else None
        if person and kind < 0.35:
            tt.mention(person.twitter, person.name, person.user_id).add(" ")
            tt.display_start = tt.n
            tt.add(tweet_sentence(rng, rng.randint(8, 25)))
            reply_to = (str(int(tid) - 4_000_000), person.user_id, person.twitter)
            by_person.setdefault(person.slug, []).append(tid)
        elif person and kind < 0.55:
            tt.add(
                rng.choice(("Great coffee with ", "Lovely to meet ", "Thanks ", "Ask "))
            )
            tt.mention(person.twitter, person.name, person.user_id)
            tt.add(" " + tweet_sentence(rng, rng.randint(6, 18)).lower())
            by_person.setdefault(person.slug, []).append(tid)
        else:
            tt.add(tweet_sentence(rng, rng.randint(8, 30)))
            if rng.random() < 0.2:
                handle, name, uid = stranger(rng)
                tt.add(" via ").mention(handle, name, uid)
        decorate(tt, rng, links=0.3, tags=0.3)
        if rng.random() < 0.03:
            tt.photo(tid, f"C{tg.hex_token(rng, 14)}", tweet_sentence(rng, 6))
        tweets.append(
            tweet_dict(
                tid,
                when,
                tt,
                rng,
                fav=rng.randint(50, 5000),
                rts=rng.randint(5, 500),
                reply_to=reply_to,
            )
        )
    return tweets, by_person


def make_filler_tweets(
    scale: Scale, people: list[Person]
) -> tuple[list[dict], list[dict]]:
    """Tweets that no build publishes; returns them and the note-tweet entries."""
    rng = rng_for(scale, "filler-tweets")
    ids = Snowflakes(worker=2)
    unlisted = [p for p in people if not p.listed]
    tweets, notes = [], []
    for _ in range(scale.tweets - scale.core):
        when = random_time(rng)
        tid = ids.make(when)
        tt = TweetText(rng)
        kind = rng.random()
        reply_to = None
        fav, rts = rng.randint(0, 20), rng.randint(0, 5)
        if kind < 0.10:
            handle, name, uid = stranger(rng)
            tt.add("RT ").mention(handle, name, uid).add(": ")
            tt.add(tweet_sentence(rng, rng.randint(8, 25)))
            fav, rts = 0, rng.randint(0, 40)
        elif kind < 0.25 and unlisted:
            p = rng.choice(unlisted)
            tt.mention(p.twitter, p.name, p.user_id).add(" ")
            tt.display_start = tt.n
            tt.add(tweet_sentence(rng, rng.randint(5, 25)))
            reply_to = (str(int(tid) - 3_000_000), p.user_id, p.twitter)
        elif kind < 0.40:
            handle, name, uid = stranger(rng)
            tt.mention(handle, name, uid).add(" ")
            tt.display_start = tt.n
            tt.add(tweet_sentence(rng, rng.randint(5, 25)))
            reply_to = (str(int(tid) - 2_000_000), uid, handle)
        elif kind < 0.45 and unlisted:
            p = rng.choice(unlisted)
            tt.add("Catching up with ").mention(p.twitter, p.name, p.user_id)
            tt.add(" " + tweet_sentence(rng, rng.randint(5, 15)).lower())
        else:
            tt.add(tweet_sentence(rng, rng.randint(5, 30)))
        decorate(tt, rng, links=0.15, tags=0.15)
        if rng.random() < 0.005:
            tt.photo(tid, f"F{tg.hex_token(rng, 14)}", tweet_sentence(rng, 6))
        tweet = tweet_dict(tid, when, tt, rng, fav=fav, rts=rts, reply_to=reply_to)
        if kind >= 0.45 and rng.random() < 0.002:
            long_text = tt.text + " " + tg.paragraph(rng, 4)
            tweet["full_text"] = escape_archive(long_text[:274]) + "…"
            tweet["display_text_range"] = ["0", "275"]
            notes.append(note_tweet(tid, when, long_text))
        tweets.append(tweet)
    return tweets, notes


def note_tweet(tid: str, when: dt.datetime, text: str) -> dict:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return {
        "noteTweet": {
            "noteTweetId": str(int(tid) + 7),
            "updatedAt": stamp,
            "lifecycle": {
                "value": "updated",
                "name": "Updated",
                "originalName": "updated",
            },
            "createdAt": stamp,
            "core": {
                "styletags": [],
                "urls": [],
                "text": text,
                "mentions": [],
                "cashtags": [],
                "hashtags": [],
            },
        }
    }


def write_archive(
    root: Path, tweets: list[dict], notes: list[dict], part_size: int
) -> dict:
    """Write an X archive folder, with the tests' archive writer; returns {file name:
    tweet count}."""
    tweets = sorted(tweets, key=lambda t: int(t["id"]), reverse=True)
    media, photo = {}, archive_fixtures.tiny_png((16, 12))
    for t in tweets:
        for m in t.get("extended_entities", {}).get("media", []):
            key = m["media_url_https"].rsplit("/", 1)[1]
            media[f"{t['id']}-{key}"] = photo
    archive_fixtures.write_archive(
        root,
        tweets,
        owner={"id": OWNER_ID, "handle": OWNER_HANDLE, "name": OWNER_NAME},
        part_size=part_size,
        notes=[n["noteTweet"] for n in notes],
        media_files=media,
    )
    return {
        ("tweets.js" if part == 0 else f"tweets-part{part}.js"): len(
            tweets[start : start + part_size]
        )
        for part, start in enumerate(range(0, len(tweets), part_size))
    }


# -- posts ---------------------------------------------------------------------------


def embed_url(rng: random.Random, tid: str) -> str:
    host = rng.choices(("x.com", "twitter.com", "mobile.twitter.com"), (6, 3, 1))[0]
    query = rng.choice(("", "", "", "?s=20", "?s=46&t=abcDEF123"))
    return f"https://{host}/{OWNER_HANDLE}/status/{tid}{query}"


def post_body(rng: random.Random, embed: str | None) -> str:
    blocks = [tg.paragraph(rng)]
    words = 0
    section = 0
    while words < 560:
        section += 1
        blocks.append(f"## {tg.title(rng)}")
        blocks.append(tg.paragraph(rng))
        if section == 1 and embed:
            blocks.append(embed)
        roll = rng.random()
        if roll < 0.35:
            items = [
                f"- {tg.sentence(rng, rng.randint(5, 12))}"
                for _ in range(rng.randint(3, 5))
            ]
            items[0] = items[0].replace(" the ", " the **key** ", 1)
            blocks.append("\n".join(items))
        elif roll < 0.6:
            blocks.append(tg.code_block(rng))
        elif roll < 0.7:
            blocks.append("> " + tg.sentence(rng))
        elif roll < 0.75:
            rows = [
                f"| {rng.choice(tg.NOUNS)} | {rng.randint(1, 60)} |" for _ in range(3)
            ]
            blocks.append("| What | Weeks |\n| --- | ---: |\n" + "\n".join(rows))
        link = f"[{rng.choice(tg.NOUNS)}](https://example.org/{tg.hex_token(rng, 6)})"
        blocks.append(tg.paragraph(rng).replace(" the ", f" the {link} and the ", 1))
        if rng.random() < 0.3:
            blocks.append(
                f"Use `{rng.choice(tg.VERBS)}_{rng.choice(tg.NOUNS)}()` sparingly."
            )
        words = sum(len(b.split()) for b in blocks)
    return "\n\n".join(blocks) + "\n"


def make_posts(scale: Scale, core_ids: list[str]) -> tuple[list[tuple[str, str]], list]:
    """Returns [(file name, text)] and the embed records (file, tweet id)."""
    rng = rng_for(scale, "posts")
    embed_rng = rng_for(scale, "embeds")
    embed_at = set(embed_rng.sample(range(scale.posts), scale.embeds))
    embed_ids = iter(embed_rng.sample(core_ids, scale.embeds))
    # A tenth as many posts embed a Bluesky post, and as many a Mastodon status.
    rest = [i for i in range(scale.posts) if i not in embed_at]
    others = embed_rng.sample(rest, min(len(rest), 2 * (scale.embeds // 10)))
    other_at = {i: ("bluesky", "mastodon")[k % 2] for k, i in enumerate(others)}
    span = int((END - START).total_seconds())
    posts, embeds, slugs = [], [], set()
    for i in range(scale.posts):
        when = START + dt.timedelta(
            seconds=span * i // scale.posts + rng.randrange(3600)
        )
        title = tg.title(rng)
        slug = slugify(title)
        n = 2
        while slug in slugs:
            slug = f"{slugify(title)}-{n}"
            n += 1
        slugs.add(slug)
        embed = None
        name = f"{when:%Y-%m-%d}-{slug}.md"
        if i in embed_at:
            tid = next(embed_ids)
            embed = embed_url(rng, tid)
            embeds.append({"file": f"posts/{name}", "tweet_id": tid})
        elif i in other_at:
            embed = other_network_embed(embed_rng, other_at[i], scale.tweets // 5)
        tags = ", ".join(sorted(rng.sample(tg.TAGS, rng.randint(2, 4))))
        head = [
            f"Title: {title}",
            f"Date: {when:%Y-%m-%d %H:%M}",
            f"Category: {rng.choice(tg.CATEGORIES)}",
            f"Tags: {tags}",
            f"Slug: {slug}",
            f"Summary: {tg.sentence(rng, 18)}",
        ]
        posts.append((name, "\n".join(head) + "\n\n" + post_body(rng, embed)))
    return posts, embeds


PAGES = {
    "about.md": "Title: About\nSlug: about\n\nI am Sam Sample, a freelance product consultant.\n",
    "contact.md": "Title: Contact\nSlug: contact\n\nWrite to me, or ask me for a coffee.\n",
}


# -- settings ------------------------------------------------------------------------

SETTINGS_HEAD = '''"""Settings for a synthetic benchmark site (written by bench/generate.py; {what})."""

import sys
from pathlib import Path

sys.path.insert(0, {repo!r})
from pelicanconf import *  # noqa: E402, F403

SITE = Path(__file__).resolve().parent
PATH = str(SITE / "content")
OUTPUT_PATH = str(SITE / "output" / {variant!r})
CACHE_PATH = str(SITE / "cache" / {variant!r})
TWEETS_STORE = str(SITE / {store!r})
PEOPLE_PRIVATE_PATH = str(SITE / "private" / "people")
'''

VARIANTS = {
    "full": ("full build, our plugins on, the whole store", "store-full", ""),
    "core": ("full build from the store of core tweets only", "store-core", ""),
    "plain": (
        "plain Pelican: our plugins off, same posts and theme",
        "store-full",
        "PLUGINS = []\n",
    ),
    "warm": (
        "full build with Pelican's content cache (regenerate path)",
        "store-full",
        "LOAD_CONTENT_CACHE = True\nCACHE_CONTENT = True\n",
    ),
}


def settings_text(variant: str) -> str:
    what, store, tail = VARIANTS[variant]
    head = SETTINGS_HEAD.format(what=what, repo=str(REPO), variant=variant, store=store)
    return head + tail


# -- the site ------------------------------------------------------------------------


def source_digest() -> str:
    h = hashlib.sha256()
    for name in ("generate.py", "textgen.py"):
        h.update((Path(__file__).resolve().parent / name).read_bytes())
    h.update((FIXTURES / "build.py").read_bytes())
    return h.hexdigest()[:16]


def generate(out: Path, scale: Scale, *, overlay_share: float = 0.25) -> dict:
    """Write the whole synthetic site under `out` (emptied first); returns the manifest."""
    scale = scale.checked()
    if out.exists():
        shutil.rmtree(out)
    content = out / "content"
    for sub in ("posts", "pages", "people"):
        (content / sub).mkdir(parents=True)
    overlay_dir = out / "private" / "people"
    overlay_dir.mkdir(parents=True)

    people = make_people(scale)
    core, by_person = make_core_tweets(scale, people)
    filler, notes = make_filler_tweets(scale, people)
    core_ids = [t["id"] for t in core]

    hl_rng = rng_for(scale, "highlights")
    for p in people:
        mine = by_person.get(p.slug, [])
        if p.listed and mine:
            p.highlights = sorted(
                hl_rng.sample(mine, min(len(mine), hl_rng.randint(0, 2)))
            )

    ov_rng = rng_for(scale, "overlay")
    overlays = 0
    for p in people:
        in_overlay = ov_rng.random() < overlay_share
        (content / "people" / f"{p.slug}.md").write_text(
            person_file(p, private_inline=not in_overlay), encoding="utf-8"
        )
        if in_overlay:
            overlays += 1
            # The overlay holds the private fields themselves, at the top level.
            text = "\n".join(private_yaml(p.private)) + "\n"
            (overlay_dir / f"{p.slug}.yml").write_text(text, encoding="utf-8")

    posts, embeds = make_posts(scale, core_ids)
    for name, text in posts:
        (content / "posts" / name).write_text(text, encoding="utf-8")
    for name, text in PAGES.items():
        (content / "pages" / name).write_text(text, encoding="utf-8")

    full_files = write_archive(out / "archive", core + filler, notes, scale.part_size)
    write_archive(out / "archive-core", core, [], scale.part_size)
    for variant in VARIANTS:
        suffix = "" if variant == "full" else f"_{variant}"
        (out / f"benchconf{suffix}.py").write_text(
            settings_text(variant), encoding="utf-8"
        )

    listed = [p for p in people if p.listed]
    unlisted = [p for p in people if not p.listed]
    manifest = {
        "generator": GENERATOR_VERSION,
        "source": source_digest(),
        "scale": asdict(scale),
        "owner": {"handle": OWNER_HANDLE, "id": OWNER_ID, "name": OWNER_NAME},
        "counts": {
            "posts": len(posts),
            "pages": len(PAGES),
            "people": len(people),
            "listed": len(listed),
            "overlays": overlays,
            "tweets": len(core) + len(filler),
            "core_tweets": len(core),
            "note_tweets": len(notes),
            "embeds": len(embeds),
        },
        "archive_files": full_files,
        "embeds": embeds,
        "edit_post": f"posts/{posts[len(posts) // 2][0]}",
        "edit_person": f"people/{(listed or people)[0].slug}.md",
        "listed_slugs": [p.slug for p in listed],
        "unlisted_handles": [p.twitter for p in unlisted][:20],
        "newest_core_id": max(core_ids, key=int),
        "newest_id": max((t["id"] for t in core + filler), key=int),
    }
    (out / "site.json").write_text(
        json.dumps(manifest, indent=2) + "\n", encoding="utf-8"
    )
    return manifest


def is_current(out: Path, scale: Scale) -> bool:
    """True when `out` already holds the site these arguments generate."""
    try:
        manifest = json.loads((out / "site.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        manifest.get("scale") == asdict(scale.checked())
        and manifest.get("source") == source_digest()
    )


def add_scale_arguments(
    parser: argparse.ArgumentParser, defaults: Scale = Scale()
) -> None:
    parser.add_argument(
        "--posts", type=int, default=defaults.posts, help="number of posts"
    )
    parser.add_argument(
        "--people", type=int, default=defaults.people, help="person files"
    )
    parser.add_argument(
        "--listed", type=int, default=defaults.listed, help="listed people"
    )
    parser.add_argument(
        "--tweets", type=int, default=defaults.tweets, help="archive size"
    )
    parser.add_argument(
        "--embeds", type=int, default=defaults.embeds, help="posts embedding a tweet"
    )
    parser.add_argument(
        "--core",
        type=int,
        default=defaults.core,
        help="published tweets (the small store)",
    )
    parser.add_argument("--seed", type=int, default=defaults.seed, help="random seed")
    parser.add_argument(
        "--part-size",
        type=int,
        default=defaults.part_size,
        help="tweets per archive part file",
    )


def scale_from_args(args: argparse.Namespace) -> Scale:
    return Scale(
        posts=args.posts,
        people=args.people,
        listed=args.listed,
        tweets=args.tweets,
        embeds=args.embeds,
        core=args.core,
        seed=args.seed,
        part_size=args.part_size,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "out", type=Path, help="folder to write the site into (emptied first)"
    )
    add_scale_arguments(parser)
    args = parser.parse_args(argv)
    manifest = generate(args.out, scale_from_args(args))
    print(json.dumps(manifest["counts"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
