"""The Mastodon bench runs at a tiny scale and counts an idle fetch's requests
(no timing assertions: the ratio is the bench's to report)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import mastodon_bench  # noqa: E402


def test_the_bench_imports_its_archive_and_counts_an_idle_fetch(capsys):
    mastodon_bench.main(["--posts", "60", "--runs", "1"])
    out = capsys.readouterr().out
    assert "Mastodon archive: 60 activities" in out
    assert "ratio import/decode:" in out
    assert (
        "idle fetch: 2 request(s): {'/api/v1/notifications': 1, "
        "'/api/v1/accounts/1/statuses': 1}" in out
    )
