"""people.suggest (issue 12, item 1) on a throwaway site with a real tweet store."""

import json

import pytest
from store_support import Conversation
from task_output import rows

from pelican.plugins.rapport_people.model import read_person

pytestmark = pytest.mark.slow


@pytest.fixture
def talked(task_repo):
    """A store: a long friendship, a recent pal, a one-off, someone already met."""
    (
        Conversation()
        .thread("longfriend", "Lena Łódź", "201", ["2012-03-01", "2012-03-02"])
        .thread("longfriend", "Lena Łódź", "201", ["2014-05-01", "2014-05-01"],
                opener="them")
        .thread("longfriend", "Lena Łódź", "201", ["2016-01-10", "2016-01-11",
                                                   "2016-01-12"])
        .thread("recentpal", "Rui", "202", ["2016-02-01", "2016-02-02"])
        .thread("oneoff", "Olu", "203", ["2015-06-01"])
        .thread("metalready", "Mo", "204", ["2015-01-01", "2015-01-02", "2015-01-03",
                                            "2015-01-04", "2015-01-05"])
        .write(task_repo.base / "data" / "tweets")
    )  # fmt: skip
    task_repo.person("mo", "name: Mo\ntwitter: metalready\nmet: 2015-02")
    task_repo.person("rui", "name: Rui\ntwitter: RecentPal")
    return task_repo


def test_suggest_ranks_the_unmet_by_conversation_with_the_evidence(talked):
    result = talked.invoke("people.suggest", "--today", "2016-03-01")
    assert result.returncode == 0, result.stderr
    assert "Who to ask (2)" in result.stdout
    assert [r[:7] for r in rows(result.stdout)] == [
        ["@longfriend", "x", "7", "3", "2012-03-01", "2016-01-12", "no"],
        ["@recentpal", "x", "2", "1", "2016-02-01", "2016-02-02", "rui"],
    ]
    # The latest thread's newest post, at its author's address.
    assert rows(result.stdout)[0][7] == "https://x.com/samsample/status/1007"


def test_suggest_filters_by_period_and_minimum_and_shows_the_met_on_request(talked):
    result = talked.invoke(
        "people.suggest", "--today", "2016-03-01", "--since", "2015-01-01",
        "--until", "2015-12-31", "--min-exchanges", "1", "--include-met",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert [(r[0], r[6]) for r in rows(result.stdout)] == [
        ("@metalready", "mo (met)"),
        ("@oneoff", "no"),
    ]


def test_suggest_as_json(talked):
    result = talked.invoke("people.suggest", "--today", "2016-03-01", "--json")
    assert result.returncode == 0, result.stderr
    first = json.loads(result.stdout)[0]
    assert {k: first[k] for k in ("handle", "network", "exchanges", "in_log")} == {
        "handle": "longfriend",
        "network": "x",
        "exchanges": 7,
        "in_log": None,
    }


def test_suggest_refuses_an_unknown_network(talked):
    result = talked.invoke("people.suggest", "--network", "myspace")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Error: --network must be one of: x, bluesky, mastodon."
    )


def test_new_from_a_handle_fills_in_name_handle_and_the_first_talk(talked):
    result = talked.invoke("people.new", "--from", "@LongFriend")
    assert result.returncode == 0, result.stderr
    path = talked.people / "lena-lodz.md"
    assert result.stdout.strip() == str(path)
    person = read_person(path)
    assert (person.name, person.twitter, person.listed) == (
        "Lena Łódź",
        "longfriend",
        False,
    )
    assert [(e.date.isoformat(), e.via, e.note) for e in person.log] == [
        ("2012-03-01", "twitter", "First talked: https://x.com/samsample/status/1001")
    ]
    again = talked.invoke("people.new", "--from", "longfriend")
    assert again.returncode == 1
    assert "already in the contact log, as lena-lodz" in again.stderr


def test_new_from_a_post_url_finds_who_the_owner_talked_with(talked):
    result = talked.invoke(
        "people.new", "--from", "https://x.com/samsample/status/1010"
    )
    assert result.returncode == 0, result.stderr
    # No post of theirs is stored, so no name: the handle stands in for it.
    person = read_person(talked.people / "oneoff.md")
    assert (person.name, person.twitter) == ("oneoff", "oneoff")


def test_new_from_someone_never_talked_with_writes_nothing(talked):
    result = talked.invoke("people.new", "--from", "stranger")
    assert result.returncode == 1
    assert "holds no conversation with" in result.stderr
    assert "stranger" not in result.stderr
