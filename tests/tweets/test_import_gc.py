"""Bluesky and Mastodon imports pause cyclic garbage collection while they run (a whole
decoded export holds no cycles, and each collection pass would walk it again) and
leave it as it was afterwards, whether the import succeeded or failed."""

import gc

import bluesky_car as bc
import mastodon_archive as ma
import pytest

from pelican.plugins.rapport_tweets.archive import ArchiveError
from pelican.plugins.rapport_tweets.bluesky.car import CarError
from pelican.plugins.rapport_tweets.bluesky.importer import import_car
from pelican.plugins.rapport_tweets.mastodon import import_mastodon
from pelican.plugins.rapport_tweets.store import Update


@pytest.fixture
def gc_during_adds(monkeypatch):
    """Whether cyclic collection was enabled at each store write of the import."""
    seen = []
    add = Update.add

    def watched(self, tweet):
        seen.append(gc.isenabled())
        return add(self, tweet)

    monkeypatch.setattr(Update, "add", watched)
    return seen


@pytest.fixture
def restore_gc():
    was = gc.isenabled()
    yield
    gc.enable() if was else gc.disable()


def run_import(network, tmp_path):
    if network == "bluesky":
        car = bc.write_sample_export(tmp_path / "repo.car")
        return import_car(car, tmp_path / "store", handle="sam.example")
    return import_mastodon(ma.write_folder(tmp_path / "a"), tmp_path / "store")


@pytest.mark.parametrize("network", ["bluesky", "mastodon"])
def test_an_import_pauses_cyclic_gc_and_resumes_it(
    network, tmp_path, gc_during_adds, restore_gc
):
    gc.enable()
    summary = run_import(network, tmp_path)
    assert summary.new == len(gc_during_adds) > 0
    assert not any(gc_during_adds)
    assert gc.isenabled()


@pytest.mark.parametrize("network", ["bluesky", "mastodon"])
def test_an_import_leaves_gc_disabled_if_it_was(network, tmp_path, restore_gc):
    gc.disable()
    run_import(network, tmp_path)
    assert not gc.isenabled()


def test_a_failed_import_resumes_gc(tmp_path, restore_gc):
    gc.enable()
    (tmp_path / "bad.car").write_bytes(b"not a car")
    with pytest.raises(CarError):
        import_car(tmp_path / "bad.car", tmp_path / "store", handle="sam.example")
    assert gc.isenabled()
    folder = ma.write_folder(tmp_path / "m", {"outbox.json": b"{not json"})
    with pytest.raises(ArchiveError):
        import_mastodon(folder, tmp_path / "store")
    assert gc.isenabled()
