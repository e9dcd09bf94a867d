"""The privacy audit in preview mode: a save reads only the files written since the last
clean audit while the secrets are the same; new secrets mean every file again."""

import os

import pytest

from pelican.plugins.rapport_people import audit
from pelican.plugins.rapport_people.audit import (
    CleanFiles,
    PrivacyAuditError,
    build_automaton,
    scan,
)

SECRETS = [("ada", "private.notes", "thinking of leaving the firm")]


@pytest.fixture
def reads(monkeypatch):
    """The files the audit reads, as full paths."""
    seen = []
    real = audit._read

    def counting(path):
        seen.append(os.path.realpath(path))
        return real(path)

    monkeypatch.setattr(audit, "_read", counting)
    return seen


def names(paths):
    return sorted(os.path.basename(path) for path in paths)


def rewrite(path, text):
    path.write_text(text, encoding="utf-8")
    stamp = path.stat().st_mtime + 2  # a new mtime even on a coarse file system
    os.utime(path, (stamp, stamp))


def three_pages(folder):
    for name in ("a.html", "b.html", "c.html"):
        (folder / name).write_text(f"<p>page {name}</p>", encoding="utf-8")


def test_a_second_scan_reads_only_the_files_written_since(tmp_path, reads):
    three_pages(tmp_path)
    clean, automaton = CleanFiles(), build_automaton(SECRETS)
    assert scan(tmp_path, automaton, clean) == []
    assert names(reads) == ["a.html", "b.html", "c.html"]
    reads.clear()
    rewrite(tmp_path / "b.html", "<p>Thinking of leaving the firm</p>")
    findings = scan(tmp_path, automaton, clean)
    assert names(reads) == ["b.html"]
    assert [(f.path, f.slug, f.field) for f in findings] == [
        ("b.html", "ada", "private.notes")
    ]


def test_a_file_with_a_finding_is_read_again_until_it_is_clean(tmp_path, reads):
    three_pages(tmp_path)
    rewrite(tmp_path / "a.html", "<p>thinking of leaving the firm</p>")
    clean, automaton = CleanFiles(), build_automaton(SECRETS)
    assert len(scan(tmp_path, automaton, clean)) == 1
    reads.clear()
    assert len(scan(tmp_path, automaton, clean)) == 1
    assert names(reads) == ["a.html"]


def test_new_secrets_search_every_file_again(tmp_path, reads):
    three_pages(tmp_path)
    clean = CleanFiles()
    assert scan(tmp_path, build_automaton(SECRETS), clean) == []
    reads.clear()
    # A new private note that an unchanged page already holds.
    wider = build_automaton([*SECRETS, ("ada", "private.notes", "page c.html")])
    findings = scan(tmp_path, wider, clean)
    assert names(reads) == ["a.html", "b.html", "c.html"]
    assert [f.path for f in findings] == ["c.html"]


def test_a_published_build_reads_every_file_every_time(tmp_path, reads):
    three_pages(tmp_path)
    automaton = build_automaton(SECRETS)
    scan(tmp_path, automaton)
    scan(tmp_path, automaton)
    assert names(reads) == ["a.html", "a.html", "b.html", "b.html", "c.html", "c.html"]


@pytest.mark.slow
def test_a_preview_save_that_makes_an_unchanged_page_secret_fails(tiny_site):
    """The audit's shortcut never hides a new secret in a page the save did not touch."""
    from pelican.plugins.rapport_site.search import wait_for_index

    tiny_site.post("harbour", "We met at the Old Harbour Reading Room last spring.")
    person = """
        name: Ada Example
        listed: true
        consent: 2013-04-20, by email
        private:
          notes: {note}
        """
    tiny_site.person("ada-example", person.format(note="Knows the northern scene."))
    preview = {"PREVIEW_MODE": True, "LOAD_CONTENT_CACHE": True, "CACHE_CONTENT": True}
    tiny_site.build(**preview)
    wait_for_index()
    tiny_site.person(
        "ada-example", person.format(note="Old Harbour Reading Room last spring")
    )
    with pytest.raises(PrivacyAuditError) as caught:
        tiny_site.build(**preview)
    wait_for_index()
    found = {f.path for f in caught.value.findings}
    assert any(path.startswith("2015/") or "harbour" in path for path in found), found
    assert "Old Harbour" not in str(caught.value)


@pytest.mark.slow
def test_a_preview_save_reads_only_what_it_wrote_and_a_published_build_everything(
    tiny_site, reads
):
    """Through the build: after a save that wrote a new search index (audited while
    staged, then moved in), a save that changed nothing reads no page again and no
    part of the index; a published build reads every file on every run."""
    from pelican.plugins.rapport_site.search import wait_for_index

    tiny_site.post("harbour", "We met at the Old Harbour Reading Room last spring.")
    tiny_site.person(
        "ada-example",
        """
        name: Ada Example
        listed: true
        consent: 2013-04-20, by email
        private:
          notes: Knows the northern scene.
        """,
    )
    preview = {"PREVIEW_MODE": True, "LOAD_CONTENT_CACHE": True, "CACHE_CONTENT": True}
    tiny_site.build(**preview)
    wait_for_index()
    tiny_site.post("harbour", "We met at the Old Harbour Reading Room, twice.")
    tiny_site.build(**preview)  # an indexed page changed: a new index, staged
    wait_for_index()
    output = os.path.realpath(tiny_site.output)
    index = [p for p in tiny_site.files() if tiny_site.rel(p).startswith("pagefind/")]
    assert index, "the sample save wrote no search index"
    reads.clear()
    tiny_site.build(**preview)  # nothing changed
    wait_for_index()
    again = [p for p in reads if p.startswith(output + os.sep)]
    # Pelican copies the theme's files and the site plugin writes _headers on every
    # run: those are new files to the audit. No page and no part of the index is.
    assert again and all(
        os.path.relpath(p, output).startswith("theme/") or p.endswith("/_headers")
        for p in again
    ), again

    reads.clear()
    tiny_site.build()
    first = sorted(p for p in reads if p.startswith(output + os.sep))
    reads.clear()
    tiny_site.build()
    second = sorted(p for p in reads if p.startswith(output + os.sep))
    written = sorted(os.path.realpath(p) for p in tiny_site.files())
    assert first == second == written
