"""Preview mode keeps the cards it rendered between saves (rapport_tweets/memo.py): a
save that touches neither the store, the templates nor the settings renders no card,
and one that does shows exactly what a cold build shows.

Runs as a script in its own interpreter, as tests/site/test_preview_mode.py does: the
kept cards live as long as the process.
"""

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The sample store's tweet with a photo, on a listed person's page.
PHOTO = "1000000000000000102-SampleWhiteboard.png"


def edit_post(base):
    post = sorted((base / "content" / "posts").glob("*.md"))[0]
    with post.open("a", encoding="utf-8") as fh:
        fh.write("\nOne more sentence.\n")
    return "a post's text"


def forget_tweet(base):
    from pelican.plugins.rapport_tweets.store import Store

    with Store(base / "data" / "tweets").update() as update:
        update.forget("1000000000000000101")
    return "a tweet forgotten"


def delete_photo(base):
    (base / "data" / "tweets" / "media" / PHOTO).unlink()
    return "a stored photo deleted"


def card_template(base):
    from pelican.plugins.rapport_tweets import generator

    source = (generator.TEMPLATES / "partials" / "tweet_card.html").read_text("utf-8")
    theme = base / "theme" / "templates" / "partials" / "tweet_card.html"
    theme.write_text(source.replace("</article>", "<p>theme card</p></article>", 1))
    return "the theme's own card template"


def move_listed_person(base):
    """A listed person's page moves: cards that @mention them link the new page."""
    people = base / "content" / "people"
    (people / "ben-placeholder.md").rename(people / "ben-moved.md")
    return "a listed person's file renamed"


def setting(base):
    with (base / "pelicanconf.py").open("a", encoding="utf-8") as fh:
        fh.write("TWEETS_PER_PERSON = 1\n")
    return "TWEETS_PER_PERSON"


EDITS = [
    edit_post,
    forget_tweet,
    edit_post,
    delete_photo,
    card_template,
    move_listed_person,
    setting,
]


def run(base: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    from pelican.plugins.rapport_site.build import build
    from pelican.plugins.rapport_tweets import api
    from tests.site.test_preview_mode import (
        differences,
        make_site,
        preview_build,
        preview_overrides,
    )

    rendered = []
    card_of = api.card_of

    def counting(*args, **kwargs):
        rendered.append(1)
        return card_of(*args, **kwargs)

    api.card_of = counting
    overrides = make_site(base, 4, random.Random(1))
    settings = base / "pelicanconf.py"
    preview = preview_overrides(base, overrides)
    preview_build(settings, preview)
    log = [{"edit": "first build", "cards": len(rendered)}]
    for step, edit in enumerate(EDITS):
        done = edit(base)
        rendered.clear()
        preview_build(settings, preview)
        cards = len(rendered)
        cold = base / f"cold-{step}"
        build(settings, {**overrides, "OUTPUT_PATH": str(cold)})
        log.append(
            {
                "edit": done,
                "cards": cards,
                "differences": differences(base / "preview", cold)[:10],
                "photo published": (
                    base / "preview" / "twitter" / "media" / PHOTO
                ).exists(),
            }
        )
        shutil.rmtree(cold)
    return {"log": log}


@pytest.mark.slow
def test_a_save_reuses_cards_until_their_store_templates_or_settings_change(tmp_path):
    # Its own interpreter: the kept cards live as long as the process.
    command = [sys.executable, __file__, str(tmp_path)]
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    log = json.loads(done.stdout.strip().splitlines()[-1])["log"]
    first, post, forgot, post_again, photo, template, slug, per_person = log
    assert first["cards"] > 0
    # Every save shows what a cold build shows...
    assert [step["differences"] for step in log[1:]] == [[]] * len(EDITS), log
    # ...rendering no card when nothing a card is made of changed,
    assert post["cards"] == post_again["cards"] == 0, log
    # and rendering them again when something did.
    for step in (forgot, photo, template, slug, per_person):
        assert step["cards"] > 0, step
    assert post["photo published"] and not photo["photo published"], log


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]))))
