"""people.new --from on Bluesky and Mastodon (issue 13: an owner moving between
networks): a handle or a post address from people.suggest, on any network, fills in the
person's name, that network's account field and the first talk, from stores imported
from real-shaped exports."""

import sys
from pathlib import Path

import pytest

from pelican.plugins.rapport_people.model import read_person
from pelican.plugins.rapport_tweets.bluesky.importer import import_car
from pelican.plugins.rapport_tweets.mastodon import import_mastodon

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "archives"))
import bluesky_car as bc
import mastodon_archive as ma

pytestmark = pytest.mark.slow

OTHER_POST = "https://bsky.app/profile/sam.example/post/3kccccccccc22"


@pytest.fixture
def talked(task_repo, tmp_path):
    """The site's store holds a Bluesky export (a reply to other.example) and a
    Mastodon archive (a thread with ada@example.social)."""
    store = task_repo.base / "data" / "tweets"
    import_car(bc.write_sample_export(tmp_path / "repo.car"), store, "sam.example")
    import_mastodon(ma.write_folder(tmp_path / "mastodon"), store)
    return task_repo


def test_new_from_a_mastodon_handle_fills_in_the_mastodon_account(talked):
    result = talked.invoke("people.new", "--from", "@ada@example.social")
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip())
    person = read_person(path)
    assert (person.mastodon, person.twitter, person.listed) == (
        "ada@example.social",
        None,
        False,
    )
    [first] = person.log
    assert first.via == "mastodon"
    assert first.note.startswith("First talked: https://")
    again = talked.invoke("people.new", "--from", "https://example.social/@ada")
    assert again.returncode == 1
    assert f"already in the contact log, as {path.stem}" in again.stderr


def test_new_from_a_bluesky_post_address_finds_whom_the_owner_answered(talked):
    result = talked.invoke("people.new", "--from", OTHER_POST)
    assert result.returncode == 0, result.stderr
    person = read_person(Path(result.stdout.strip()))
    assert person.bluesky == "other.example"
    assert [(e.date.isoformat(), e.via) for e in person.log] == [
        ("2024-03-06", "bluesky")
    ]
    # The stored post's address names its author by DID, as its AT URI does.
    assert person.log[0].note == (
        f"First talked: https://bsky.app/profile/{bc.OWNER}/post/3kccccccccc22"
    )


def test_new_from_a_bluesky_handle_nobody_talked_with_writes_nothing(talked):
    result = talked.invoke("people.new", "--from", "stranger.bsky.social")
    assert result.returncode == 1
    assert "holds no conversation with (on X, Bluesky or Mastodon)" in result.stderr
    assert "stranger" not in result.stderr  # an unlisted name stays out of logs
    assert not list(talked.people.glob("*.md"))


def test_suggest_on_an_empty_store_names_every_networks_import(task_repo):
    result = task_repo.invoke("people.suggest")
    assert result.returncode == 0, result.stderr
    said = " ".join(result.stdout.split())
    assert "The store is empty" in said
    for task in ("tweets.import", "bluesky.import", "mastodon.import"):
        assert task in said
