"""tweets.stats and tweets.reindex cover the store of every network the store folder
holds (X, Bluesky, Mastodon), from real-shaped exports: an owner moving between
networks sees them all, and the reindex the store's errors advise fixes any of them."""

import bluesky_car as bc
import mastodon_archive as ma
import pytest
from invoke import Context
from invoke.exceptions import Exit

from pelican.plugins.rapport_tweets import tasks
from pelican.plugins.rapport_tweets.bluesky import tasks as bluesky_tasks
from pelican.plugins.rapport_tweets.bluesky.importer import import_car
from pelican.plugins.rapport_tweets.mastodon import import_mastodon
from pelican.plugins.rapport_tweets.networks import NetworkReaders, open_store


@pytest.fixture
def three_networks(sample_store, tmp_path):
    """The sample X store with a Bluesky export and a Mastodon archive imported."""
    import_car(
        bc.write_sample_export(tmp_path / "repo.car"), sample_store, "sam.example"
    )
    import_mastodon(ma.write_folder(tmp_path / "mastodon"), sample_store)
    return sample_store


def said(capsys):
    return " ".join(capsys.readouterr().out.split())


def test_stats_shows_every_networks_store(three_networks, capsys):
    tasks.stats(Context(), store=str(three_networks))
    out = said(capsys)
    assert "The X store holds 30 tweets" in out
    assert "The Bluesky store holds 5 posts up to 2024-" in out
    assert "The Mastodon store holds 5 posts up to 2023-" in out
    assert "Owner: Sam Sample @sam.example" in out
    assert "Owner: Sam Sample @sam@sample.social" in out


def test_stats_of_an_x_only_store_shows_x_alone(sample_store, capsys):
    tasks.stats(Context(), store=str(sample_store))
    out = said(capsys)
    assert "The X store holds 30 tweets" in out
    assert "Bluesky" not in out and "Mastodon" not in out


def test_reindex_rewrites_the_bluesky_and_mastodon_indexes(three_networks, capsys):
    before = {}
    for network in ("bluesky", "mastodon"):
        people = open_store(three_networks, network).index_dir / "people.tsv"
        before[network] = people.read_bytes()
        people.unlink()  # lost, or edited by hand
    tasks.reindex(Context(), store=str(three_networks))
    out = said(capsys)
    assert "the Bluesky store holds 5 posts up to 2024-" in out
    assert "the Mastodon store holds 5 posts up to 2023-" in out
    for network, text in before.items():
        people = open_store(three_networks, network).index_dir / "people.tsv"
        assert people.read_bytes() == text
    assert NetworkReaders(three_networks).people().get("ada@example.social")


def test_reindex_names_a_broken_mastodon_line(three_networks):
    shard = open_store(three_networks, "mastodon").shard_paths()[0]
    shard.write_text(shard.read_text() + "{oops\n")
    with pytest.raises(Exit, match=rf"{shard.name}, line \d+"):
        tasks.reindex(Context(), store=str(three_networks))


def test_bluesky_forget_hides_a_post_for_good_by_its_address(tmp_path, capsys):
    car = bc.write_sample_export(tmp_path / "repo.car")
    store = tmp_path / "store"
    import_car(car, store, "sam.example")
    # As the app links it: the author's handle, which the store knows, not the DID.
    address = "https://bsky.app/profile/sam.example/post/3kbbbbbbbbb22"
    bluesky_tasks.forget(Context(), address, store=str(store))
    assert "Forgot 1 post(s) (1 removed from the store)" in said(capsys)
    import_car(car, store)  # it does not come back
    gone = f"at://{bc.OWNER}/app.bsky.feed.post/3kbbbbbbbbb22"
    assert NetworkReaders(store).get(gone) is None
    assert gone in (store / "bluesky" / "forgotten.txt").read_text()
    for other in (
        "https://sample.social/@sam/110000000000000002",
        "1000000000000000101",
    ):
        with pytest.raises(Exit, match="is not a Bluesky post address"):
            bluesky_tasks.forget(Context(), other, store=str(store))
