"""The XSS corpus through every field that reaches a page, in a tiny real site.

Person names, blurbs, `where`, tags; tweet text, display names, alt text, URLs; post
titles and tags (a post's body and Summary are the owner's own Markdown, trusted). The site is built with the real plugins and theme, then
every written file is read with a parser: no script (but JSON-LD), no event handler, no
javascript:/data: URL, no iframe/object/base/meta refresh may survive, and the names
must still be shown, as text. Websites go through the person-file validator.
"""

import json
import re
import shutil

import msgspec
import pytest
from hardening_support import ROOT, build_site
from html_safety import dangerous, read_html, xss_corpus

from pelican.plugins.rapport_people.model import check_person
from pelican.plugins.rapport_tweets.record import Tweet
from pelican.plugins.rapport_tweets.store import Store

pytestmark = pytest.mark.slow

CORPUS = xss_corpus()
OWNER = {"id": "100000001", "handle": "samsample", "name": "Sam Sample"}


def _yaml_str(value):
    return json.dumps(value, ensure_ascii=False)  # JSON strings are YAML strings


def _person(folder, index, payload):
    handle = f"hostile{index}"
    text = "\n".join(
        [
            "---",
            f"name: {_yaml_str('Name ' + payload)}",
            f"twitter: {handle}",
            f"where: {_yaml_str(payload)}",
            f"tags: [{_yaml_str('tag' + str(index))}]",
            "met: 2014-05-06",
            f"highlights: [{2000 + index}]",
            "listed: true",
            "consent: 2014-05-07, by email",
            "---",
            f"Blurb: {payload}",
            "",
            f"[link]({payload}) <{payload}> *{payload}*",
            "",
        ]
    )
    (folder / f"hostile-{index}.md").write_text(text, encoding="utf-8")
    return handle


def _tweets(store_root, handles):
    media = store_root / "media"
    media.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(
        ROOT / "data" / "tweets" / "media" / "1000000000000000102-SampleWhiteboard.png",
        media / "2000-photo.png",
    )
    with Store(store_root).update() as update:
        update.set_owner(OWNER)
        for index, (payload, handle) in enumerate(zip(CORPUS, handles, strict=True)):
            text = f"@{handle} {payload} #tag{index} https://t.co/abc"
            mention_end = len(handle) + 1
            url_start = text.rindex("https://t.co/abc")
            _add(
                update,
                {
                    "id": str(2000 + index),
                    "created_at": f"2014-06-{1 + index % 28:02d}T10:00:00Z",
                    "user_id": f"3{index}",
                    "handle": handle,
                    "name": payload,
                    "text": text,
                    "reply_to_handle": "samsample",
                    "reply_to_id": "1000",
                    "mentions": [{"start": 0, "end": mention_end, "handle": handle}],
                    "hashtags": [
                        {
                            "start": text.rindex("#tag"),
                            "end": url_start - 1,
                            "tag": f"tag{index}",
                        }
                    ],
                    "urls": [
                        {
                            "start": url_start,
                            "end": url_start + len("https://t.co/abc"),
                            "url": "https://t.co/abc",
                            "expanded": payload,
                            "display": payload,
                        }
                    ],
                    "media": [
                        {
                            "type": "photo",
                            "alt": payload,
                            "file": "2000-photo.png",
                            "expanded": payload,
                        }
                    ],
                },
            )
        _add(
            update,
            {
                "id": "1000",
                "created_at": "2014-05-01T10:00:00Z",
                "user_id": OWNER["id"],
                "handle": OWNER["handle"],
                "text": "Who wants a coffee? " + " ".join(f"@{h}" for h in handles[:5]),
            },
        )


def _add(update, fields):
    """Store a tweet given as a store line's fields (entities as dicts)."""
    update.add(msgspec.convert(fields, Tweet))


def _post(folder, index, payload):
    tag = re.sub(r"[,\n\r]", " ", payload).strip() or "empty"
    text = "\n".join(
        [
            f"Title: {payload.replace(chr(10), ' ').replace(chr(13), ' ')}",
            f"Date: 2015-01-{1 + index % 28:02d} 10:00",
            f"Tags: {tag}, safe-tag",
            # Summary and body are the owner's own Markdown, trusted like the body
            # (they may hold HTML); `invoke check` is their safety net, not escaping.
            "Summary: A plain summary.",
            f"Slug: hostile-post-{index}",
            "",
            "A plain body.",
            "",
            f"https://x.com/hostile{index}/status/{2000 + index}",
            "",
        ]
    )
    (folder / f"hostile-{index}.md").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    content = tmp / "content"
    for sub in ("posts", "pages", "people"):
        (content / sub).mkdir(parents=True)
    handles = [_person(content / "people", i, p) for i, p in enumerate(CORPUS)]
    for index, payload in enumerate(CORPUS):
        _post(content / "posts", index, payload)
    _tweets(tmp / "store", handles)
    output = tmp / "output"
    build_site(
        ROOT / "pelicanconf.py",
        {
            "PATH": str(content),
            "OUTPUT_PATH": str(output),
            "CACHE_PATH": str(tmp / "cache"),
            "TWEETS_STORE": str(tmp / "store"),
            "TWEETS_PINNED": [str(2000 + i) for i in range(len(CORPUS))],
            "PEOPLE_PRIVATE_PATH": None,
            "STATIC_PATHS": [],
            "EXTRA_PATH_METADATA": {},
        },
    )
    return output


# What the theme writes for search: the header form on every page, and the search page's
# form and script (tests/site/test_site_search.py checks them).
THEME_OWN = (
    ("form", {"class": "site-header__search", "role": "search", "action": "/search/",
              "method": "get"}),
    ("form", {"class": "search-form", "role": "search", "action": "/search/",
              "method": "get", "data-bundle": "/pagefind/", "data-base-url": "/"}),
    ("script", {"type": "module", "src": "/theme/js/search.js"}),
)  # fmt: skip


def test_no_payload_survives_as_markup_anywhere(hostile_site):
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > len(CORPUS) * 2  # person pages and posts were written
    problems = {}
    for page in pages:
        found = dangerous(page.read_text(encoding="utf-8"), own=THEME_OWN)
        if found:
            problems[page.relative_to(hostile_site).as_posix()] = found[:3]
    assert problems == {}


def test_every_person_page_shows_the_hostile_name_as_text(hostile_site):
    for index, payload in enumerate(CORPUS):
        page = hostile_site / "people" / f"hostile-{index}" / "index.html"
        _elements, text = read_html(page.read_text(encoding="utf-8"))
        assert " ".join(f"Name {payload}".split()) in " ".join(text.split()), index


def test_every_tweet_card_shows_the_hostile_text_and_keeps_links_safe(hostile_site):
    page = (hostile_site / "twitter" / "index.html").read_text(encoding="utf-8")
    elements, text = read_html(page)
    flat = " ".join(text.split())
    for payload in CORPUS:
        assert " ".join(payload.split()) in flat
    images = [attrs for tag, attrs in elements if tag == "img"]
    assert len(images) >= len(CORPUS)
    # The HTML tokenizer turns CR into LF in the input stream, as browsers do.
    assert {a["alt"] for a in images} >= {p.replace("\r", "\n") for p in CORPUS}


def test_the_site_check_finds_no_inline_code_or_third_party_requests(hostile_site):
    from pelican.plugins.rapport_site.check import run_checks

    settings = {"SITEURL": "", "FEED_DOMAIN": "http://127.0.0.1:8000"}
    report = run_checks(hostile_site, settings, skip=("html5", "privacy"))
    bad = [
        f"{f.check} {f.file}:{f.line} {f.problem}"
        for f in report.findings
        if f.check in ("inline-code", "scripts", "third-party", "xml")
    ]
    assert bad == []


@pytest.mark.parametrize("payload", CORPUS)
def test_hostile_website_is_refused_or_an_http_url(tmp_path, payload):
    path = tmp_path / "ada-example.md"
    text = f"---\nname: Ada\nwebsite: {_yaml_str(payload)}\n---\n"
    person, problems = check_person(str(path), text=text)
    if person is not None:
        assert person.website.startswith(("http://", "https://"))
        assert not re.search(r"[\s<>\"']", person.website)
    else:
        assert any(p.field == "website" for p in problems)
