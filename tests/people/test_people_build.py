"""People pages in a real Pelican build: what is written, what never is."""

import datetime as dt
import json

import lxml.etree
import pytest

pytestmark = pytest.mark.slow

ADA = """
    name: Ada Example
    twitter: adaexample
    website: https://ada.example
    met: 2013-04-16
    where: Coffee after a Manchester meetup
    tags: [law, marketing]
    rel: [met, colleague]
    highlights: [101, 102]
    listed: true
    consent: 2013-04-20, by email
"""
BEN = """
    name: Ben Placeholder
    twitter: benplaceholder
    met: 2014-11
    listed: true
    consent: 2014-11-20, by DM
"""
DEV = """
    name: Dev Fictional
    twitter: devfictional
    met: 2012
"""


@pytest.fixture
def site(tiny_site):
    tiny_site.person("ada-example", ADA, "Ada writes about **law**.\n")
    tiny_site.person("ben-placeholder", BEN, "Ben researches.\n")
    tiny_site.person("dev-fictional", DEV, "Dev builds booking tools.\n")
    tiny_site.post("hello", "Hello world.")
    return tiny_site


def jsonld(tree):
    scripts = tree.xpath('//script[@type="application/ld+json"]')
    assert len(scripts) == 1
    return json.loads(scripts[0].text)


def test_directory_and_pages_for_listed_people_only(site):
    site.build()
    people = sorted(
        site.rel(p) for p in site.files() if site.rel(p).startswith("people/")
    )
    assert people == [
        "people/ada-example/avatar.svg",
        "people/ada-example/index.html",
        "people/ben-placeholder/avatar.svg",
        "people/ben-placeholder/index.html",
        "people/index.html",
        "people/tag/law/index.html",
        "people/tag/marketing/index.html",
    ]


def test_directory_is_one_grid_a_to_z_each_person_a_heading(site):
    site.build()
    tree = site.page("people/index.html")
    (grid,) = tree.xpath('//ul[@class="people-directory__grid"]')
    names = [a.text_content() for a in grid.xpath("./li/h2/a | ./li/div/h2/a")]
    assert names == ["Ada Example", "Ben Placeholder"]
    assert (
        tree.xpath('string(//*[@class="people-directory__count"])').strip()
        == "2 people."
    )
    owner = tree.xpath('//section[contains(@class,"h-card")]')[0]
    assert owner.xpath('string(.//a[contains(@class,"p-name")])') == "Sam Sample"
    assert (
        len(
            owner.xpath(
                './/*[contains(@class,"p-knows") and contains(@class,"h-card")]'
            )
        )
        == 2
    )
    data = jsonld(tree)
    assert [p["name"] for p in data["knows"]] == ["Ada Example", "Ben Placeholder"]


def test_directory_figures_count_listed_people_only(site):
    # Dev, unlisted, was met in 2012: neither the count nor the year may show it.
    site.build()
    tree = site.page("people/index.html")
    assert tree.xpath('string(//*[@class="people-directory__figures"])') == (
        "2 met in person since 2013."
    )


def test_person_page_hcard_xfn_jsonld_og_canonical(site):
    site.build()
    tree = site.page("people/ada-example/index.html")
    card = tree.xpath('//article[contains(@class,"h-card")]')[0]
    assert card.xpath('string(.//*[contains(@class,"p-name")])') == "Ada Example"
    links = {
        a.get("href"): a.get("rel")
        for a in card.xpath(
            './/ul[@class="person__links"]//a[contains(@class,"u-url")]'
        )
    }
    assert links == {
        "https://ada.example": "met colleague",
        "https://x.com/adaexample": "met colleague",
    }
    assert (
        tree.xpath('string(//link[@rel="canonical"]/@href)') == "/people/ada-example/"
    )
    assert tree.xpath('string(//meta[@property="og:type"]/@content)') == "profile"
    assert (
        tree.xpath('string(//meta[@property="og:url"]/@content)')
        == "/people/ada-example/"
    )
    data = jsonld(tree)
    assert data["@type"] == "Person" and data["name"] == "Ada Example"
    assert card.xpath("string(.//time/@datetime)") == "2013-04-16"
    blurb = card.xpath('.//div[contains(@class,"person__blurb")]')[0]
    assert blurb.xpath("string(.//strong)") == "law"


def test_navigation_and_stylesheet_on_every_page(site):
    site.build()
    for rel in ("index.html", "people/index.html", "people/ada-example/index.html"):
        tree = site.page(rel)
        nav = [a.get("href") for a in tree.xpath("//nav//a")]
        assert "/people/" in nav, rel
        sheets = tree.xpath('//link[@rel="stylesheet"]/@href')
        assert "/theme/css/people.css" in sheets, rel
    assert (site.output / "theme/css/people.css").is_file()


def test_listed_people_are_in_the_sitemap(site):
    site.build()
    tree = lxml.etree.parse(str(site.output / "sitemap.xml"))
    locs = [
        e.text for e in tree.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    ]
    people = [loc for loc in locs if loc.startswith("/people/")]
    assert people == [
        "/people/",
        "/people/ada-example/",
        "/people/ben-placeholder/",
        "/people/tag/law/",
        "/people/tag/marketing/",
    ]


def test_unlisted_person_appears_nowhere(site):
    site.build()
    for path in site.files():
        if path.suffix in (".html", ".xml", ".txt", ".json"):
            text = path.read_text(encoding="utf-8")
            assert "Dev Fictional" not in text, site.rel(path)
            assert "dev-fictional" not in text, site.rel(path)
            assert "Dev builds" not in text, site.rel(path)


def test_people_files_are_never_articles_whatever_article_paths_says(site):
    site.build(ARTICLE_PATHS=[""], PAGE_PATHS=["pages"], STATIC_PATHS=[""])
    rels = [site.rel(p) for p in site.files()]
    assert not [r for r in rels if r.endswith(".md")]
    assert [r for r in rels if r.endswith("/index.html") and "hello" in r]
    assert not [r for r in rels if "dev-fictional" in r]


def test_withdrawal_removes_the_page_left_by_an_earlier_build(site):
    site.build()
    assert (site.output / "people/ben-placeholder/index.html").is_file()
    ben = site.people / "ben-placeholder.md"
    ben.write_text(ben.read_text().replace("listed: true", "listed: false"))
    (site.people / "ada-example.md").unlink()
    site.build()
    assert not (site.output / "people/ben-placeholder").exists()
    assert not (site.output / "people/ada-example").exists()
    tree = site.page("people/index.html")
    assert (
        tree.xpath('string(//*[@class="people-directory__count"])').strip()
        == "0 people."
    )
    for path in site.files():
        if path.suffix == ".html":
            assert "Ben Placeholder" not in path.read_text(encoding="utf-8")


HOSTILE = {
    "name": '<script>alert("n")</script></script>',
    "where": '"><img src=x onerror=alert(1)>',
}


def test_hostile_input_is_escaped(tiny_site):
    tiny_site.person(
        "eve",
        f"""
        name: '{HOSTILE["name"]}'
        website: https://eve.example/?a=1&b=2
        where: '{HOSTILE["where"]}'
        tags: ["<b>bold</b>"]
        listed: true
        consent: yes, in writing
        """,
        '<script>alert(2)</script>\n\n<a href="javascript:alert(3)">x</a> hi\n',
    )
    tiny_site.build()
    for rel in ("people/eve/index.html", "people/index.html"):
        tree = tiny_site.page(rel)
        scripts = tree.xpath("//script")
        assert [s.get("type") for s in scripts] == ["application/ld+json"]
        # Only the initials avatar, a file of the site itself.
        assert [i.get("src") for i in tree.xpath("//img")] == ["/people/eve/avatar.svg"]
        assert not [e for e in tree.iter() if any(a.startswith("on") for a in e.attrib)]
        assert not tree.xpath('//a[starts-with(@href, "javascript:")]')
    tree = tiny_site.page("people/eve/index.html")
    assert tree.xpath('string(//h1[contains(@class,"p-name")])') == HOSTILE["name"]
    assert tree.xpath('string(//*[@class="person__where"])') == HOSTILE["where"]
    assert jsonld(tree)["name"] == HOSTILE["name"]
    assert tree.xpath('string(//a[contains(@class,"u-url")]/@href)') == (
        "https://eve.example/?a=1&b=2"
    )


class Thread:
    def __init__(self, started, cards):
        self.started, self.cards = started, cards


class FakeTweets:
    """The tweets plugin's contract, as the people generator uses it."""

    def __init__(self):
        self.asked = []
        self.profile_urls = []

    def highlights(self, ids, profile_urls=None):
        self.asked.append(("highlights", tuple(ids)))
        self.profile_urls.append(profile_urls)
        from markupsafe import Markup

        return [
            Markup(
                f'<blockquote class="tweet-card" id="tweet-{i}">pinned {i}</blockquote>'
            )
            for i in ids
        ]

    def conversations_with(self, handle, limit=None, exclude=(), profile_urls=None):
        from markupsafe import Markup

        self.asked.append(("conversations", handle, limit, tuple(exclude)))
        self.profile_urls.append(profile_urls)

        def cards(*ids):
            return [
                Markup(f'<blockquote class="tweet-card" id="tweet-{i}">c</blockquote>')
                for i in ids
                if i not in exclude
            ]

        # The pinned tweets 101 and 102 are part of threads: the plugin leaves them
        # out when asked to, and a thread left empty with them.
        threads = [
            Thread(dt.date(2013, 4, 2), cards("7", "101")),
            Thread(dt.date(2013, 4, 1), cards("102")),
        ]
        return [t for t in threads if t.cards]

    def first_talked(self, handle):
        return dt.date(2013, 4, 1)


def test_no_tweets_section_without_the_tweets_plugin(site):
    context = site.render_people()
    assert "tweets" not in context
    tree = site.page("people/ada-example/index.html")
    assert not tree.xpath('//*[contains(@class,"person__tweets")]')


def test_tweets_slot_shows_highlights_and_conversations(site):
    tweets = FakeTweets()
    site.render_people(tweets=tweets)
    tree = site.page("people/ada-example/index.html")
    pinned = tree.xpath('//*[contains(@class,"person__highlights")]//blockquote')
    assert [b.text_content() for b in pinned] == ["pinned 101", "pinned 102"]
    threads = tree.xpath('//*[contains(concat(" ", @class, " "), " person__thread ")]')
    assert len(threads) == 1
    assert threads[0].xpath("string(.//time/@datetime)") == "2013-04-02"
    assert [b.get("id") for b in threads[0].xpath(".//blockquote")] == ["tweet-7"]
    ids = [e.get("id") for e in tree.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    assert ("highlights", ("101", "102")) in tweets.asked
    assert ("conversations", ["adaexample"], None, ("101", "102")) in tweets.asked
    assert not [a for a in tweets.asked if "devfictional" in a]


def test_people_hands_listed_pages_to_tweets_when_it_asks(site):
    """Listed people's pages go to the tweets plugin as an argument of each question
    (so mentions link there), listed people only; nothing is left in the context."""
    tweets = FakeTweets()
    context = site.render_people(tweets=tweets)
    assert "tweet_profile_urls" not in context
    listed = {
        "adaexample": "people/ada-example/",
        "benplaceholder": "people/ben-placeholder/",
    }
    assert tweets.profile_urls
    assert all(urls == listed for urls in tweets.profile_urls)


def test_invalid_person_fails_the_build_with_the_message(site):
    from pelican.plugins.rapport_people import PeopleInvalid

    site.person("zed", "name: Zed\nlisted: true")
    with pytest.raises(PeopleInvalid, match=r"zed\.md, field 'consent': is required"):
        site.build()


def test_tag_pages_list_the_people_with_that_tag(site):
    site.build()
    law = site.page("people/tag/law/index.html")
    assert law.xpath("string(//h1)") == "People I've met: law"
    names = [
        a.text_content()
        for a in law.xpath('//ul[@class="people-directory__grid"]//h2/a')
    ]
    assert names == ["Ada Example"]
    current = law.xpath('//nav[@aria-label="People by tag"]//a[@aria-current="page"]')
    assert [a.get("href") for a in current] == ["/people/tag/law/"]
    assert law.xpath('string(//link[@rel="canonical"]/@href)') == "/people/tag/law/"
    directory = site.page("people/index.html")
    tags = directory.xpath('//nav[@aria-label="People by tag"]//a/@href')
    assert tags == ["/people/", "/people/tag/law/", "/people/tag/marketing/"]


def test_tags_on_a_person_page_link_to_their_directory_pages(site):
    site.build()
    ada = site.page("people/ada-example/index.html")
    links = ada.xpath('//ul[@class="person__tags"]//a')
    assert [(a.text, a.get("href")) for a in links] == [
        ("law", "/people/tag/law/"),
        ("marketing", "/people/tag/marketing/"),
    ]


def test_a_withdrawn_person_leaves_no_avatar_or_tag_page(site):
    site.build()
    assert (site.output / "people/tag/law/index.html").exists()
    site.person("ada-example", ADA.replace("listed: true", "listed: false"))
    site.build()
    left = sorted(site.rel(p) for p in site.files() if "people/" in site.rel(p))
    assert left == [
        "people/ben-placeholder/avatar.svg",
        "people/ben-placeholder/index.html",
        "people/index.html",
    ]


def _photo_with_gps(path, size=(640, 480)):
    """A JPEG with EXIF: a GPS position, a camera and an orientation, as phones write."""
    from PIL import Image

    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "CanaryCam"  # Make
    exif[0x0112] = 1  # Orientation
    exif.get_ifd(0x8825)[2] = (53.0, 28.0, 59.0)  # GPSLatitude
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, format="JPEG", exif=exif, comment=b"CanaryComment")
    return path


def test_a_listed_photo_is_published_resized_without_metadata(site):
    from PIL import Image

    original = _photo_with_gps(site.people / "photos" / "ada.jpg")
    _photo_with_gps(site.people / "photos" / "dev.jpg")
    site.person("ada-example", ADA + "    photo: photos/ada.jpg\n")
    site.person("dev-fictional", DEV + "    photo: photos/dev.jpg\n")
    site.build()
    written = sorted(site.rel(p) for p in site.files() if p.suffix == ".jpg")
    assert written == [
        "people/ada-example/photo-192.jpg",
        "people/ada-example/photo-384.jpg",
        "people/ada-example/photo-96.jpg",
    ]  # the unlisted person's photo is not used; the original is never copied
    for rel in written:
        data = (site.output / rel).read_bytes()
        assert data != original.read_bytes()
        assert b"Exif" not in data and b"Canary" not in data
        with Image.open(site.output / rel) as image:
            assert image.size[0] == image.size[1] == int(rel.rsplit("-")[-1][:-4])
            assert not image.getexif() and "icc_profile" not in image.info
    page = site.page("people/ada-example/index.html")
    (img,) = page.xpath('//img[@class="person__avatar"]')
    assert img.get("src") == "/people/ada-example/photo-96.jpg"
    assert img.get("srcset") == (
        "/people/ada-example/photo-96.jpg 96w, /people/ada-example/photo-192.jpg 192w,"
        " /people/ada-example/photo-384.jpg 384w"
    )
    assert (img.get("width"), img.get("height"), img.get("alt")) == ("96", "96", "")
    ben = site.page("people/ben-placeholder/index.html")
    assert ben.xpath('//img[@class="person__avatar"]/@src') == [
        "/people/ben-placeholder/avatar.svg"
    ]


def test_a_missing_photo_names_the_file_and_the_field(site):
    from pelican.plugins.rapport_people.model import PeopleError

    site.person("ada-example", ADA + "    photo: photos/nowhere.jpg\n")
    with pytest.raises(PeopleError, match=r"ada-example\.md: photo: .*nowhere\.jpg"):
        site.build()


@pytest.mark.parametrize(
    "value", ["/etc/passwd.jpg", "../private/x.jpg", "photos/ada.gif", "C:/a.jpg"]
)
def test_a_photo_outside_the_people_folder_is_refused(person_file, value):
    from pelican.plugins.rapport_people.model import PeopleInvalid, read_person

    path = person_file("ada-example", ADA + f"    photo: {value!r}\n")
    with pytest.raises(PeopleInvalid, match=r"field 'photo'.*content/people/photos/"):
        read_person(path)
