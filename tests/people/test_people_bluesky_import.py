"""A person's page shows the Bluesky conversations of an imported repository export:
bluesky.import into a real store, then a real Pelican build."""

import sys
from pathlib import Path

from invoke import Context

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures" / "archives"))
import bluesky_car as bc

from pelican.plugins.rapport_tweets.bluesky import tasks as bluesky_tasks


def test_person_page_shows_the_imported_bluesky_conversation(tiny_site, tmp_path):
    store = tmp_path / "store"
    car = bc.write_sample_export(tmp_path / "repo.car")
    bluesky_tasks.import_(
        Context(), str(car), handle="sam.example.com", store=str(store)
    )
    tiny_site.person(
        "other",
        f"""
        name: Other Example
        bluesky: {bc.OTHER}
        listed: true
        consent: 2024-01-02 by email
        """,
    )
    tiny_site.build(
        PLUGINS=[
            "pelican.plugins.rapport_site",
            "pelican.plugins.rapport_tweets",
            "pelican.plugins.rapport_people",
        ],
        TWEETS_STORE=str(store),
    )
    page = tiny_site.page("people/other/index.html")
    text = " ".join(page.text_content().split())
    assert "agreed!" in text
