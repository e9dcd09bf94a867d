"""The bench's issue 13 exports and idle fetches at a tiny scale: the seeded Mastodon
archive imports with its followers-only posts left out, and an idle fetch on each
network's imported store asks each timeline once and reads nothing (no timing
assertions: the ratios are the bench's to report)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import bluesky  # noqa: E402
import mastodon_import  # noqa: E402

from pelican.plugins.rapport_tweets.bluesky.importer import import_car  # noqa: E402
from pelican.plugins.rapport_tweets.mastodon import import_mastodon  # noqa: E402


def test_an_idle_mastodon_fetch_asks_each_timeline_once(tmp_path):
    folder = mastodon_import.archive(tmp_path / "archive", 60, seed=1)
    summary = import_mastodon(folder, tmp_path / "store")
    assert (summary.read, summary.private, summary.boosts) == (60, 6, 3)
    idle = mastodon_import.idle_fetch(tmp_path / "store")
    assert idle == {
        "requests": {"/api/v1/notifications": 1, "/api/v1/accounts/1/statuses": 1},
        "reads": 0,
        "new": 0,
    }


def test_an_idle_bluesky_fetch_asks_each_timeline_once(tmp_path):
    car = bluesky.write_car(tmp_path / "repo.car", 60)
    import_car(car, tmp_path / "store", handle=bluesky.OWNER_HANDLE)
    idle = bluesky.idle_fetch(tmp_path / "store")
    assert idle == {
        "requests": {
            "app.bsky.feed.getAuthorFeed": 1,
            "com.atproto.server.createSession": 1,
            "app.bsky.notification.listNotifications": 1,
        },
        "reads": 0,
        "new": 0,
    }
