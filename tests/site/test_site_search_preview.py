"""The search index across saves: each run of one Pelican instance (`pelican -r`,
`invoke regenerate`) indexes what it wrote; preview mode indexes after the save, and only
when a page the index reads changed."""

import os
from pathlib import Path

import pytest
from test_site_search import indexed

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def site_settings(base, **override):
    from pelican.settings import read_settings

    for folder in ("content/posts", "content/people"):
        (base / folder).mkdir(parents=True, exist_ok=True)
    values = {
        "PATH": str(base / "content"),
        "OUTPUT_PATH": str(base / "output"),
        "CACHE_PATH": str(base / "cache"),
        "THEME": str(ROOT / "theme"),
        "PLUGINS": ["pelican.plugins.rapport_site", "pelican.plugins.rapport_people"],
        "PEOPLE_PRIVATE_PATH": str(base / "private" / "people"),
        "LOAD_CONTENT_CACHE": True,
        "CACHE_CONTENT": True,
        "DELETE_OUTPUT_DIRECTORY": False,
        **override,
    }
    return read_settings(str(ROOT / "pelicanconf.py"), override=values)


def write(path, body, title="Harbour notes"):
    path.write_text(
        f"Title: {title}\nDate: 2015-01-01 10:00\nSlug: harbour\n\n{body}\n",
        encoding="utf-8",
    )
    stamp = path.stat().st_mtime + 2  # a new mtime even on a coarse file system
    os.utime(path, (stamp, stamp))


def words_indexed(output):
    return " ".join(str(fragment) for fragment in indexed(output).values())


@pytest.mark.parametrize("preview", [False, True], ids=["published", "preview"])
def test_each_run_of_one_pelican_indexes_what_it_wrote(tmp_path, preview):
    from pelican import Pelican

    from pelican.plugins.rapport_site.search import wait_for_index

    post = tmp_path / "content" / "posts" / "harbour.md"
    settings = site_settings(tmp_path, PREVIEW_MODE=preview)
    write(post, "We met at the reading room.")
    pelican = Pelican(settings)
    pelican.run()
    wait_for_index()
    write(post, "We met at the reading room. Zanzibarquux was there.")
    pelican.run()
    wait_for_index()
    assert "Zanzibarquux" in words_indexed(tmp_path / "output")


def test_preview_indexes_after_the_save_and_only_when_an_indexed_page_changed(
    tmp_path, capsys
):
    from pelican import Pelican

    from pelican.plugins.rapport_site.search import wait_for_index

    post = tmp_path / "content" / "posts" / "harbour.md"
    settings = site_settings(tmp_path, PREVIEW_MODE=True)
    write(post, "We met at the reading room.")
    pelican = Pelican(settings)
    entry = tmp_path / "output" / "pagefind" / "pagefind-entry.json"

    def save():
        pelican.run()
        wait_for_index()
        return capsys.readouterr().out.count("Search index updated, ")

    assert save() == 1
    before = entry.stat()
    assert save() == 0  # nothing changed: the index stays as it is
    assert (entry.stat().st_ino, entry.stat().st_mtime_ns) == (
        before.st_ino,
        before.st_mtime_ns,
    )
    write(post, "We met at the reading room. Zanzibarquux was there.")
    assert save() == 1
    assert "Zanzibarquux" in words_indexed(tmp_path / "output")
    work = Path(pelican.settings["CACHE_PATH"], "search")
    assert not list(work.iterdir()), "nothing left beside the cache"


def test_an_index_the_audit_refuses_is_not_moved_in(tmp_path, capsys, monkeypatch):
    """The new index is searched before it reaches the output folder: here Pagefind's
    run is replaced by one that writes a fragment holding a private note."""
    import gzip
    import json

    from pelican import Pelican

    from pelican.plugins.rapport_site import search

    settings = site_settings(tmp_path, PREVIEW_MODE=True)
    (tmp_path / "content" / "people" / "ada-example.md").write_text(
        "---\nname: Ada Example\nprivate:\n  notes: Zanzibarquux\n---\n",
        encoding="utf-8",
    )
    post = tmp_path / "content" / "posts" / "harbour.md"
    write(post, "We met at the reading room.")
    pelican = Pelican(settings)
    pelican.run()
    search.wait_for_index()
    assert "Search index updated, " in capsys.readouterr().out
    real = search._run_pagefind

    def leaky(output, bundle, paths):
        real(output, bundle, paths)
        fragment = {"url": "/2015/01/harbour/", "content": "Met Zanzibarquux."}
        path = Path(bundle, "fragment", "en_leak.pf_fragment")
        path.write_bytes(gzip.compress(b"pagefind_dcd" + json.dumps(fragment).encode()))

    monkeypatch.setattr(search, "_run_pagefind", leaky)
    write(post, "We met at the reading room, again.")
    pelican.run()
    search.wait_for_index()
    out = capsys.readouterr().out
    assert "Search index not updated: Privacy audit: " in out
    assert "pagefind/fragment/en_leak.pf_fragment: private.notes of ada-example" in out
    assert "Zanzibarquux" not in out
    assert not (tmp_path / "output" / "pagefind").exists()


def test_a_save_clears_its_own_and_ended_staging_folders_not_a_running_previews(
    tmp_path,
):
    """Two previews of one site share CACHE_PATH/search: neither removes the folder
    the other is writing its index into."""
    import subprocess
    import sys

    from pelican.plugins.rapport_site.search import clear_staging

    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    names = [f"old-{os.getpid()}-0", f"new-{os.getpid()}-1", f"new-{os.getpid()}-2",
             f"new-{os.getppid()}-0", f"old-{ended}-3"]  # fmt: skip
    for name in names:
        (tmp_path / name / "pagefind").mkdir(parents=True)
    clear_staging(tmp_path, keep=tmp_path / f"new-{os.getpid()}-2")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"new-{os.getpid()}-2", f"new-{os.getppid()}-0"]
    )
