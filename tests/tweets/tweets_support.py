"""Helpers shared by the tweets tests (imported by name: conftest is not a module)."""

from pathlib import Path


def snapshot(folder):
    """{relative path: bytes} of every file under `folder`."""
    folder = Path(folder)
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def tweet(**fields):
    """A Tweet from its fields as a store line holds them (entities as dicts), checked
    as the store's decoder checks a line."""
    import msgspec

    from pelican.plugins.rapport_tweets.record import Tweet

    return msgspec.convert(fields, Tweet)
