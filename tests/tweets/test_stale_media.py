"""Photos a build no longer publishes leave output/ like stale people pages do."""

from pathlib import Path

import pytest
from pelican import Pelican
from pelican.settings import read_settings

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PHOTO_TWEET = "1000000000000000102"  # the sample store's tweet with a photo
PHOTO = f"{PHOTO_TWEET}-SampleWhiteboard.png"


def person(listed):
    consent = "consent: 2013-04-20, by email\n" if listed else ""
    return (
        f"---\nname: Ada Example\ntwitter: adaexample\nlisted: {str(listed).lower()}\n"
        f"{consent}highlights: [{PHOTO_TWEET}]\n---\nAda writes.\n"
    )


def build(base, store):
    settings = read_settings(
        str(ROOT / "pelicanconf.py"),
        override={
            "PATH": str(base / "content"),
            "OUTPUT_PATH": str(base / "output"),
            "CACHE_PATH": str(base / "cache"),
            "PEOPLE_PRIVATE_PATH": None,
            "TWEETS_STORE": str(store),
            "TWEETS_PINNED": [],
            "TWEETS_TOP_PER_YEAR": 0,  # the photo is on Ada's page only
        },
    )
    Pelican(settings).run()
    return base / "output"


def test_a_withdrawn_persons_highlight_photo_is_removed(tmp_path, sample_store):
    people = tmp_path / "content" / "people"
    people.mkdir(parents=True)
    (tmp_path / "content" / "posts").mkdir()
    (people / "ada-example.md").write_text(person(listed=True), encoding="utf-8")
    out = build(tmp_path, sample_store)
    assert (out / "people" / "ada-example" / "index.html").is_file()
    assert [p.name for p in (out / "twitter" / "media").iterdir()] == [PHOTO]

    (people / "ada-example.md").write_text(person(listed=False), encoding="utf-8")
    out = build(tmp_path, sample_store)
    assert not (out / "people" / "ada-example").exists()
    assert not (out / "twitter" / "media" / PHOTO).exists()


def test_media_left_by_an_earlier_build_goes_and_other_files_stay(
    tmp_path, sample_store
):
    (tmp_path / "content" / "posts").mkdir(parents=True)
    (tmp_path / "content" / "people").mkdir()
    out = tmp_path / "output"
    (out / "twitter" / "media").mkdir(parents=True)
    (out / "twitter" / "media" / "999-old.png").write_bytes(b"old")
    (out / "keep.txt").write_text("not ours")
    build(tmp_path, sample_store)
    assert not (out / "twitter" / "media" / "999-old.png").exists()
    assert (out / "keep.txt").read_text() == "not ours"
