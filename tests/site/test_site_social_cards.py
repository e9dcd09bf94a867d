"""Social cards: every post and person page has its own og:image, drawn at build time
with Pillow, the same bytes on every build, copied from the cache on a warm build."""

from pathlib import Path

import pytest
from PIL import Image

from pelican.plugins.rapport_site.cards import SocialCards, draw

pytestmark = pytest.mark.slow

SETTINGS = Path(__file__).resolve().parents[2] / "pelicanconf.py"


def meta(tree, key, value):
    return tree.xpath(f'string(//meta[@{key}="{value}"]/@content)')


def card_pages(site):
    """(page, title) of every post and person page."""
    pages = []
    for path in site.html_files():
        tree = site.tree(path)
        kind = meta(tree, "property", "og:type")
        if kind in ("article", "profile") and not site.rel(path).startswith("drafts/"):
            pages.append((path, tree))
    return pages


def test_each_post_and_person_page_has_its_own_card(sample_site):
    pages = card_pages(sample_site)
    kinds = {meta(t, "property", "og:type") for _, t in pages}
    assert kinds == {"article", "profile"}
    cards = set()
    for path, tree in pages:
        url = meta(tree, "property", "og:image")
        assert url.startswith("/cards/") and url.endswith(".png"), path
        with Image.open(sample_site.output / url.lstrip("/")) as image:
            assert image.size == (1200, 630)
            assert image.format == "PNG"
        assert meta(tree, "property", "og:image:width") == "1200"
        assert meta(tree, "property", "og:image:height") == "630"
        assert meta(tree, "name", "twitter:card") == "summary_large_image"
        title = tree.xpath("string(//h1)").strip()
        assert meta(tree, "property", "og:image:alt") == title
        cards.add(url)
    assert len(cards) == len(pages)  # one card per page, its own title


def test_cards_carry_no_date_or_text_chunk():
    data = draw("A title", "A site")
    assert data == draw("A title", "A site")
    assert b"tIME" not in data and b"tEXt" not in data and b"eXIf" not in data


def test_a_warm_build_draws_nothing_and_stale_cards_go(tmp_path, subprocess_build):
    overrides = {
        "OUTPUT_PATH": str(tmp_path / "out"),
        "CACHE_PATH": str(tmp_path / "c"),
    }
    result, _ = subprocess_build(SETTINGS, overrides)
    assert result.returncode == 0, result.stderr[-2000:]
    first = {p.name: p.read_bytes() for p in (tmp_path / "out/cards").iterdir()}
    stale = tmp_path / "out/cards/0000stale.png"
    stale.write_bytes(b"a withdrawn person's card")
    # Mark one cached card and take it out of the site: a warm build copies it from
    # the cache rather than drawing it again, and leaves the other cards as they are.
    marked = sorted(first)[0]
    (tmp_path / "c/social-cards" / marked).write_bytes(b"from the cache")
    (tmp_path / "out/cards" / marked).unlink()
    kept = sorted(first)[1]
    kept_stat = (tmp_path / "out/cards" / kept).stat()
    result, _ = subprocess_build(SETTINGS, overrides)
    assert result.returncode == 0, result.stderr[-2000:]
    second = {p.name: p.read_bytes() for p in (tmp_path / "out/cards").iterdir()}
    assert second == {**first, marked: b"from the cache"}
    assert (tmp_path / "out/cards" / kept).stat().st_mtime_ns == kept_stat.st_mtime_ns


def test_a_card_is_named_by_what_it_shows(tmp_path):
    cards = SocialCards({"SITENAME": "Site", "CACHE_PATH": str(tmp_path / "c")})
    one, again, other = cards.url("One"), cards.url("One"), cards.url("Other")
    assert one == again != other
    cards.write(tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out/cards").iterdir()) == sorted(
        u.rsplit("/", 1)[1] for u in (one, other)
    )


def test_a_preview_save_drops_the_card_of_every_page_it_did_not_produce(
    tmp_path, monkeypatch
):
    """Even a page removed by an earlier save whose cards step never ran (it failed):
    what the last finished save produced is what stays."""
    from pelican.plugins.rapport_site import incremental

    cards = SocialCards({"SITENAME": "Site", "CACHE_PATH": str(tmp_path / "c")})
    kept = cards.url("Kept", page="kept/index.html")
    cards.url("Withdrawn", page="withdrawn/index.html")
    monkeypatch.setattr(
        incremental, "produced_files", lambda output: {"kept/index.html"}
    )
    cards.write(tmp_path / "out")
    assert [p.name for p in (tmp_path / "out/cards").iterdir()] == [kept.split("/")[1]]
    assert list(cards.pages) == ["kept/index.html"]


def test_a_card_is_named_by_its_colours_too(tmp_path):
    plain = SocialCards({"SITENAME": "Site"})
    dark = SocialCards(
        {"SITENAME": "Site", "SOCIAL_CARD_COLOURS": ("#000", "#fff", "#f00", "#888")}
    )
    assert plain.url("One") != dark.url("One")
