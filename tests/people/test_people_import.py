"""people.import (issue 12, item 6) on real export shapes: vCard 3.0 (Apple) and 4.0,
Google Contacts CSV (BOM, ' ::: ' lists), LinkedIn Connections.csv (its notes
preamble), non-ASCII names, duplicates across files."""

import shutil
from pathlib import Path

import pytest

from pelican.plugins.rapport_people.model import read_person

pytestmark = pytest.mark.slow

CONTACTS = Path(__file__).parent.parent / "fixtures" / "contacts"
ORDER = ("apple-3.0.vcf", "contacts-4.0.vcf", "google.csv", "Connections.csv")


def tree(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_import_creates_unlisted_people_merges_duplicates_and_is_idempotent(
    task_repo,
):
    task_repo.person("ada-example", "name: Ada Example\nprivate:\n  notes: Kind.")
    summaries = []
    for name in ORDER:
        result = task_repo.invoke("people.import", str(CONTACTS / name))
        assert result.returncode == 0, result.stderr
        summaries.append(" ".join(result.stdout.split()))
    assert (
        "(vCard): created 1, merged 1, already up to date 0, skipped 1."
        in (summaries[0])
    )
    assert "Skipped card 3: no name" in summaries[0]
    # Zofia again (same email), Søren new.
    assert "created 1, merged 0, already up to date 1, skipped 0" in summaries[1]
    assert (
        "(Google CSV): created 1, merged 1, already up to date 0, skipped 1"
        in (summaries[2])
    )
    assert "(LinkedIn CSV): created 2, merged 1, already up to date 0" in summaries[3]
    people = {p.stem: read_person(p) for p in task_repo.people.glob("*.md")}
    assert sorted(people) == [
        "ada-example", "chidi-okonkwo", "jose-alvarez", "ma-li", "soren-kierkegard",
        "zofia-lukasiewicz",
    ]  # fmt: skip
    assert not any(p.listed for p in people.values())
    zofia = people["zofia-lukasiewicz"]
    assert (zofia.name, zofia.twitter, zofia.website) == (
        "Zofia Łukasiewicz", "zofia_l", "https://kawa.example/zofia"
    )  # fmt: skip
    assert zofia.private == {
        "email": "zofia@kawa.example",
        "notes": "Head of Product at Kawa Labs",
        "log": [],
    }
    assert people["soren-kierkegard"].twitter == "soren_k"
    assert people["jose-alvarez"].private["email"] == "jose@cafe.example"
    assert people["jose-alvarez"].twitter == "jose_alv"
    assert people["ma-li"].private["notes"] == (
        "Engineer at 北京咖啡; https://www.linkedin.com/in/mali"
    )
    ada = people["ada-example"].private
    assert ada["email"] == "ada@example.com"
    assert (
        ada["notes"]
        == "Kind.; CTO at Example Ltd; https://www.linkedin.com/in/adaexample"
    )
    # Twice: nothing changes, and the summary says so.
    before = tree(task_repo.base / "content")
    for name in ORDER:
        result = task_repo.invoke("people.import", str(CONTACTS / name))
        assert "created 0, merged 0" in " ".join(result.stdout.split())
    assert tree(task_repo.base / "content") == before


def test_import_reads_utf16_exports_by_their_bom(task_repo, tmp_path):
    text = (CONTACTS / "google.csv").read_text(encoding="utf-8-sig")
    utf16 = tmp_path / "contacts.csv"
    utf16.write_bytes(text.encode("utf-16"))
    result = task_repo.invoke("people.import", str(utf16))
    assert result.returncode == 0, result.stderr
    assert read_person(task_repo.people / "jose-alvarez.md").name == "José Álvarez"


def test_import_of_undecodable_or_unknown_files_is_one_error_and_writes_nothing(
    task_repo, tmp_path
):
    task_repo.people.mkdir(parents=True, exist_ok=True)
    latin = tmp_path / "outlook.csv"
    shutil.copy(CONTACTS / "google.csv", latin)
    latin.write_bytes(
        (CONTACTS / "google.csv").read_text("utf-8-sig").encode("latin-1", "replace")
    )
    result = task_repo.invoke("people.import", str(latin))
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: {latin} is not UTF-8 or UTF-16 text")
    other = tmp_path / "notes.txt"
    other.write_text("hello\n")
    result = task_repo.invoke("people.import", str(other))
    assert result.returncode == 1
    assert "is neither a vCard file (.vcf) nor a Google Contacts" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(task_repo.people.iterdir()) == []


def test_a_broken_card_names_the_card_and_imports_nothing(task_repo, tmp_path):
    task_repo.people.mkdir(parents=True, exist_ok=True)
    broken = tmp_path / "phone.vcf"
    good = (CONTACTS / "contacts-4.0.vcf").read_bytes()
    broken.write_bytes(good + b"BEGIN:VCARD\r\nVERSION:3.0\r\nno colon here\r\n")
    result = task_repo.invoke("people.import", str(broken))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"Error: {broken}: card 3 does not parse (a line without a colon, or no "
        "END:VCARD?); export the contacts again. Nothing was imported."
    )
    assert list(task_repo.people.iterdir()) == []


def test_older_export_columns_are_read_too(task_repo, tmp_path):
    # Google's CSV before 2020 ("Name", "Organization 1 - Name"); LinkedIn's before
    # it added the URL column.
    result = task_repo.invoke("people.import", str(CONTACTS / "google-legacy.csv"))
    assert result.returncode == 0, result.stderr
    ingrid = read_person(task_repo.people / "ingrid-ovrebo.md")
    assert (ingrid.name, ingrid.website) == ("Ingrid Øvrebø", "https://ingrid.example")
    assert ingrid.private["email"] == "ingrid@fjord.example"
    assert ingrid.private["notes"] == "Designer at Fjord AS"
    old = tmp_path / "Connections.csv"
    old.write_text(
        'Notes:\n"Some email addresses are missing."\n\n'
        "First Name,Last Name,Email Address,Company,Position,Connected On\n"
        "Kofi,Mensah,kofi@example.gh,Accra Labs,CTO,01 Mar 2019\n",
        encoding="utf-8",
    )
    result = task_repo.invoke("people.import", str(old))
    assert result.returncode == 0, result.stderr
    kofi = read_person(task_repo.people / "kofi-mensah.md")
    assert kofi.private["notes"] == "CTO at Accra Labs"
