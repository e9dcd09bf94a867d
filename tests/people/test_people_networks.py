"""Person files name their Bluesky and Mastodon accounts: checked like `twitter:`,
projected for listed people, linked on their page, seen by the people tasks."""

import json
from pathlib import Path

import pytest

from pelican.plugins.rapport_people.model import (
    check_people,
    check_person,
    parse_bluesky,
    parse_highlight,
    parse_mastodon,
    read_person,
)
from pelican.plugins.rapport_people.public import project

ROOT = Path(__file__).resolve().parents[2]


def only_problem(path):
    person, problems = check_person(path)
    assert person is None
    assert len(problems) == 1, [str(p) for p in problems]
    return str(problems[0])


@pytest.mark.parametrize(
    "value, expected",
    [
        ("ada.bsky.social", "ada.bsky.social"),
        ("@Ada.Example.COM", "ada.example.com"),
        ("did:plc:ewvi7nxzyoun6zhxrhs64oiz", "did:plc:ewvi7nxzyoun6zhxrhs64oiz"),
        ("did:web:ada.example", "did:web:ada.example"),
        ("https://bsky.app/profile/ada.bsky.social", "ada.bsky.social"),
        ("ada", None),  # an X handle, not a domain
        ("ada..bsky.social", None),
        ("ada.bsky.social/", None),
        ("did:plc:", None),
        (12, None),
    ],
)
def test_bluesky_accounts(value, expected):
    assert parse_bluesky(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("@ada@example.social", "ada@example.social"),
        ("ada@Example.Social", "ada@example.social"),
        ("https://example.social/@ada", "ada@example.social"),
        ("ada", None),
        ("@ada", None),  # no instance: ambiguous
        ("ada@localhost", None),
        ("ada smith@example.social", None),
        ("ada@example.social/x", None),
    ],
)
def test_mastodon_accounts(value, expected):
    assert parse_mastodon(value) == expected


def test_a_person_with_three_networks_parses_and_projects(person_file):
    path = person_file(
        "ada",
        """
        name: Ada Example
        twitter: adaexample
        bluesky: ada.bsky.social
        mastodon: "@ada@example.social"
        listed: true
        consent: 2024-01-02 by email
        """,
    )
    ada = read_person(path)
    assert (ada.bluesky, ada.mastodon) == ("ada.bsky.social", "ada@example.social")
    public = project(ada, "people/ada/")
    assert public.handles == ["adaexample", "ada.bsky.social", "ada@example.social"]
    assert public.profiles == (
        ("X", "@adaexample", "https://x.com/adaexample"),
        ("Bluesky", "@ada.bsky.social", "https://bsky.app/profile/ada.bsky.social"),
        ("Mastodon", "@ada@example.social", "https://example.social/@ada"),
    )
    assert public.jsonld()["sameAs"] == [url for _n, _s, url in public.profiles]
    assert public.talked_where == "online"


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("bluesky", "zed bsky", "is not a Bluesky handle or DID. Write the handle"),
        ("mastodon", "zed@", "is not a Mastodon account. Write user@instance"),
    ],
)
def test_a_bad_account_names_file_line_and_field_never_the_value(
    person_file, field, value, words
):
    path = person_file("ada", f'name: Ada\n{field}: "{value}"')
    message = only_problem(path)
    assert message.startswith(f"{path}, line 3, field '{field}': {words}")
    assert value not in message


def test_two_people_with_one_mastodon_account_is_an_error(person_file, tmp_path):
    person_file("ada", "name: Ada\nmastodon: ada@example.social")
    person_file("ada-two", 'name: Ada again\nmastodon: "@ada@Example.social"')
    people = check_people(tmp_path / "people")
    [problem] = people.problems
    assert "field 'mastodon'" in str(problem)
    assert "the same handle is already used by" in str(problem)


def test_the_person_page_links_every_profile(tiny_site):
    tiny_site.person(
        "ada",
        """
        name: Ada Example
        bluesky: did:plc:ewvi7nxzyoun6zhxrhs64oiz
        mastodon: ada@example.social
        rel: [met, friend]
        listed: true
        consent: 2024-01-02 by email
        """,
    )
    tiny_site.build()
    page = tiny_site.page("people/ada/index.html")
    links = {
        a.text_content(): (a.get("href"), a.get("rel"))
        for a in page.xpath("//ul[@class='person__links']//a")
    }
    assert links == {
        "did:plc:ewvi7nxzyoun6zhxrhs64oiz on Bluesky": (
            "https://bsky.app/profile/did:plc:ewvi7nxzyoun6zhxrhs64oiz",
            "met friend",
        ),
        "@ada@example.social on Mastodon": (
            "https://example.social/@ada",
            "met friend",
        ),
    }


@pytest.mark.parametrize(
    "value, expected",
    [
        (
            "at://did:plc:ada5example6bsky7xyz/app.bsky.feed.post/3kada1",
            "at://did:plc:ada5example6bsky7xyz/app.bsky.feed.post/3kada1",
        ),
        (
            "https://bsky.app/profile/did:plc:ada5example6bsky7xyz/post/3kada1",
            "at://did:plc:ada5example6bsky7xyz/app.bsky.feed.post/3kada1",
        ),
        (
            "https://example.social/@ada/109000000000000042",
            "https://example.social/users/ada/statuses/109000000000000042",
        ),
        (
            "https://example.social/users/ada/statuses/109000000000000042",
            "https://example.social/users/ada/statuses/109000000000000042",
        ),
        ("https://bsky.app/profile/ada.bsky.social/post/3kada1", None),  # no DID
        ("https://example.social/about", None),
    ],
)
def test_highlights_name_posts_of_every_network(value, expected):
    assert parse_highlight(value) == expected


@pytest.fixture
def on_mastodon(task_repo):
    """A site whose store holds the Mastodon archive fixture: the owner talks with
    @ada@example.social there."""
    import sys

    sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "archives"))
    import mastodon_archive as ma

    from pelican.plugins.rapport_tweets.mastodon import import_mastodon

    archive = ma.write_zip(task_repo.base.parent / "mastodon.zip")
    import_mastodon(archive, task_repo.base / "data" / "tweets")
    task_repo.person("ada", 'name: Ada Example\nmastodon: "@ada@example.social"')
    return task_repo


@pytest.mark.slow
def test_suggest_and_show_see_mastodon_conversations(on_mastodon):
    result = on_mastodon.invoke(
        "people.suggest", "--today", "2023-08-01", "--network", "mastodon", "--json"
    )
    assert result.returncode == 0, result.stderr
    [ada] = json.loads(result.stdout)
    assert (ada["handle"], ada["network"], ada["in_log"]) == (
        "ada@example.social",
        "mastodon",
        "ada",
    )
    shown = on_mastodon.invoke("people.show", "ada")
    assert shown.returncode == 0, shown.stderr
    assert "mastodon: 1 post" in shown.stdout
    assert "https://sample.social/@sam/110000000000000001" in shown.stdout


def test_the_owners_own_accounts_are_rel_me_links(tiny_site):
    tiny_site.build(
        OWNER_BLUESKY="sam.example.com", OWNER_MASTODON="@sam@sample.social"
    )
    page = tiny_site.page("people/index.html")
    me = {
        a.get("href")
        for a in page.xpath(
            "//div[contains(concat(' ', @class, ' '), ' site-footer__owner ')]//a[@rel='me']"
        )
    }
    assert {
        "https://bsky.app/profile/sam.example.com",
        "https://sample.social/@sam",
    } <= me
