"""Helpers shared by the tweets tests (imported by name: conftest is not a module)."""

import json
from pathlib import Path


def snapshot(folder):
    """{relative path: bytes} of every file under `folder`."""
    folder = Path(folder)
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def network_lines(store, network):
    """{id: record} of every line of one network's store inside store folder `store`."""
    folder = Path(store) / network / "tweets"
    return {
        r["id"]: r
        for f in sorted(folder.glob("*.jsonl"))
        for r in map(json.loads, f.read_text(encoding="utf-8").splitlines())
    }


def tweet(**fields):
    """A Tweet from its fields as a store line holds them (entities as dicts), checked
    as the store's decoder checks a line."""
    import msgspec

    from pelican.plugins.rapport_tweets.record import Tweet

    return msgspec.convert(fields, Tweet)
