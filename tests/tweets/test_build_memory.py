"""What a build keeps of the store once its pages are written (issue 5, target 6).

The build's peak memory is reached by the privacy audit, after every page is written:
whatever the tweets plugin still holds then adds to it, and a build reads thousands of
posts for the people pages alone. A real build with X, Bluesky and Mastodon in the
store holds no post it read once its pages are written, and a lookup in the people
index reads a few blocks of it, not the file."""

import gc
import tracemalloc

from pelican.plugins import signals
from test_networks_build import build, three_network_store
from tweets_support import tweet

from pelican.plugins.rapport_tweets.reader import Reader
from pelican.plugins.rapport_tweets.record import Tweet
from pelican.plugins.rapport_tweets.store import Store

_alive = []


def _posts_alive(_pelican):
    """finalized receiver (module level: Pelican holds receivers weakly)."""
    gc.collect()
    _alive.append(sum(isinstance(o, Tweet) for o in gc.get_objects()))


def test_a_build_holds_no_post_it_read_once_its_pages_are_written(
    tmp_path, sample_store
):
    store = three_network_store(sample_store)
    _alive.clear()
    # Connected before Pelican(settings) connects the plugins: runs before theirs,
    # the audit's among them.
    signals.finalized.connect(_posts_alive)
    try:
        out = build(tmp_path, store)
    finally:
        signals.finalized.disconnect(_posts_alive)
    person = (out / "people/ada-example/index.html").read_text(encoding="utf-8")
    assert person.count("tweet-card--") > 3  # it did read posts of all three networks
    # Before: every post read for a card (a person's conversations, an embed, a
    # highlight) stayed in memory for the rest of the build.
    assert _alive == [0]


def _many_people_store(root, count):
    """A store in which the owner has replied to `count` different people."""
    with Store(root).update() as update:
        update.set_owner({"id": "1", "handle": "samsample", "name": "Sam Sample"})
        for n in range(count):
            update.add(
                tweet(
                    id=str(1_000_000 + n),
                    created_at="2024-05-01T10:00:00Z",
                    user_id="1",
                    handle="samsample",
                    text=f"@person{n:05d} thanks for the coffee",
                    reply_to_id=str(9_000_000 + n),
                    reply_to_user_id=str(5_000_000 + n),
                    reply_to_handle=f"person{n:05d}",
                    mentions=[
                        {
                            "handle": f"person{n:05d}",
                            "id": str(5_000_000 + n),
                            "start": 0,
                            "end": 12,
                        }
                    ],
                )
            )
    return Store(root)


def test_a_people_index_lookup_reads_blocks_not_the_file(tmp_path):
    store = _many_people_store(tmp_path / "tweets", 6000)
    size = (store.index_dir / "people.tsv").stat().st_size
    assert size > 200_000
    reader = Reader(store.root)
    tracemalloc.start()
    try:
        rows = reader.people().get("person01234")
        missing = reader.people().get("person99999")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        reader.close()
    assert rows == [("9001234", "1001234", "2024-05-01")]
    assert missing is None
    # Before: the whole file was read as text, and kept.
    assert peak < size / 8
