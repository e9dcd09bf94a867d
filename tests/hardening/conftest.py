"""Fixtures for the hardening tests: a published build of the sample site, and copies of it
to break on purpose.

The published build (publishconf.py, SITEURL with a path) is what CI deploys and what
`invoke check` audits there; its absolute URLs exercise the SITEURL -> output mapping.
"""

import shutil

import pytest
from hardening_support import (
    PUBLISH_SETTINGS,
    Site,
    build_site,
    published_settings,
)


@pytest.fixture(scope="session")
def published_site(tmp_path_factory):
    """The sample site built with publishconf.py (SITEURL=https://sam.example/blog)."""
    output = tmp_path_factory.mktemp("published") / "output"
    build_site(
        PUBLISH_SETTINGS,
        {"OUTPUT_PATH": str(output), "CACHE_PATH": str(output) + "-cache"},
    )
    return Site(output, published_settings(output))


@pytest.fixture
def broken_site(published_site, tmp_path):
    """A fresh copy of the published sample site, to break in one way per test."""
    output = tmp_path / "output"
    shutil.copytree(published_site.output, output)
    settings = {**published_site.settings, "OUTPUT_PATH": str(output)}
    return Site(output, settings)
