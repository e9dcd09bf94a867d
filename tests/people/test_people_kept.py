"""Preview mode parses the contact log again only when one of its files changed, came
or went (kept.py); published builds and the audit of `invoke check` always parse it."""

import os

import pytest

from pelican.plugins.rapport_people import audit, kept
from pelican.plugins.rapport_people.model import Limits, PeopleInvalid

ADA = """\
    name: Ada Example
    listed: true
    consent: 2020-01-01, by email
    private:
      notes: thinking of leaving the firm
"""


@pytest.fixture
def parses(monkeypatch):
    """How many times the contact log was parsed."""
    count = []
    real = kept.load_people

    def counting(*args, **kwargs):
        count.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(kept, "load_people", counting)
    return count


def touch(path, text):
    path.write_text(text, encoding="utf-8")
    stamp = path.stat().st_mtime + 2  # a new mtime even on a coarse file system
    os.utime(path, (stamp, stamp))


def test_a_preview_parses_again_only_when_a_file_changed_came_or_went(
    tmp_path, person_file, parses
):
    ada = person_file("ada", ADA)
    people, private = str(tmp_path / "people"), str(tmp_path / "private")
    first = kept.contact_log(people, private, Limits(), preview=True)
    assert kept.contact_log(people, private, Limits(), preview=True) is first
    assert len(parses) == 1
    touch(ada, ada.read_text("utf-8").replace("leaving", "joining"))
    changed = kept.contact_log(people, private, Limits(), preview=True)
    assert changed is not first and len(parses) == 2
    assert changed.persons[0].private["notes"] == "thinking of joining the firm"
    person_file("ben", "name: Ben Placeholder\n")
    added = kept.contact_log(people, private, Limits(), preview=True)
    assert [p.slug for p in added.persons] == ["ada", "ben"]
    os.makedirs(private)
    (tmp_path / "private" / "ada.yml").write_text("notes: overlay\n", "utf-8")
    overlaid = kept.contact_log(people, private, Limits(), preview=True)
    assert overlaid.persons[0].private["notes"] == "overlay"
    assert (
        kept.contact_log(people, private, Limits(100_000), preview=True) is not overlaid
    )
    assert len(parses) == 5


def test_a_published_build_always_parses(tmp_path, person_file, parses):
    person_file("ada", ADA)
    people = str(tmp_path / "people")
    first = kept.contact_log(people, None, Limits())
    assert kept.contact_log(people, None, Limits()) is not first
    assert len(parses) == 2


def test_an_invalid_file_is_refused_on_every_save(tmp_path, person_file, parses):
    person_file("ada", "name: [unclosed\n")
    people = str(tmp_path / "people")
    for _ in range(2):
        with pytest.raises(PeopleInvalid):
            kept.contact_log(people, None, Limits(), preview=True)
    assert len(parses) == 2


def site(tmp_path, **settings):
    out = tmp_path / "output"
    out.mkdir(exist_ok=True)
    (out / "index.html").write_text("<p>thinking of joining the firm</p>", "utf-8")
    return {
        "PATH": str(tmp_path),
        "PEOPLE_PATH": "people",
        "PEOPLE_PRIVATE_PATH": str(tmp_path / "private"),
        "OUTPUT_PATH": str(out),
        **settings,
    }


def test_the_audit_of_a_published_build_parses_the_log_itself(
    tmp_path, person_file, parses
):
    person_file("ada", ADA)
    settings = site(tmp_path)
    assert audit.audit_site(settings) == audit.audit_site(settings) == []
    assert len(parses) == 2


def test_the_preview_audit_searches_for_the_secrets_of_this_save(
    tmp_path, person_file, parses
):
    ada = person_file("ada", ADA)
    settings = site(tmp_path, PREVIEW_MODE=True)
    assert audit.audit_site(settings) == []
    assert audit.audit_site(settings) == []
    assert len(parses) == 1
    touch(ada, ada.read_text("utf-8").replace("leaving", "joining"))
    findings = audit.audit_site(settings)
    assert [(f.path, f.field) for f in findings] == [("index.html", "private.notes")]
    assert len(parses) == 2
