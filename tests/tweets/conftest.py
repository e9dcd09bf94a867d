"""Fixtures for the tweets plugin tests: archive builders, sample stores, a card env."""

import shutil
import sys
from pathlib import Path

import jinja2
import pytest

ROOT = Path(__file__).resolve().parents[2]
ARCHIVES = ROOT / "tests" / "fixtures" / "archives"
sys.path.insert(0, str(ARCHIVES))

import build  # noqa: E402  (tests/fixtures/archives/build.py)
import make_sample_store  # noqa: E402
from tweets_support import snapshot  # noqa: E402,F401

from pelican.plugins.rapport_tweets.generator import TEMPLATES  # noqa: E402


@pytest.fixture
def fixtures():
    """The archive fixture builder module."""
    return build


@pytest.fixture(scope="session")
def sample_store_template(tmp_path_factory):
    """A store built from the sample archive plus the recorded sample mentions."""
    store = tmp_path_factory.mktemp("sample") / "tweets"
    make_sample_store.main(store)
    return store


@pytest.fixture
def sample_store(sample_store_template, tmp_path):
    """A private copy of the sample store, free to modify."""
    store = tmp_path / "tweets"
    shutil.copytree(sample_store_template, store)
    return store


@pytest.fixture
def card_template():
    """The tweets plugin's card partial in an autoescaping environment, like Pelican's."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
    )
    return env.get_template("partials/tweet_card.html")
