"""people.calendar (issue 12, item 5): reminders as iCalendar, private, stable UIDs."""

import pytest
from icalendar import Calendar

pytestmark = pytest.mark.slow

ADA = """
name: Ada Ńowak
private:
  keep_in_touch: 8w
  log:
    - {date: 2013-04-16, via: coffee}
"""
ERIN = """
name: Erin
private:
  log:
    - {date: 2013-06-01, via: ask, note: Coffee next week?}
"""


def events(path):
    cal = Calendar.from_ical(path.read_bytes())
    return {
        str(e["uid"]): (e.decoded("dtstart").isoformat(), str(e["summary"]))
        for e in cal.walk("VEVENT")
    }


def test_calendar_writes_follow_ups_and_asks_under_private(task_repo):
    task_repo.person("ada", ADA)
    task_repo.person("erin", ERIN)
    result = task_repo.invoke("people.calendar", "--today", "2013-06-20")
    assert result.returncode == 0, result.stderr
    path = task_repo.base / "private" / "people.ics"
    assert result.stdout.strip() == f"Wrote 2 reminder(s) to {path}."
    assert events(path) == {
        "keep-in-touch-ada@rapport.invalid": ("2013-06-11", "Keep in touch: Ada Ńowak"),
        "ask-erin-2013-06-01@rapport.invalid": ("2013-06-15", "No answer yet from Erin?"),
    }  # fmt: skip


def test_calendar_again_is_identical_and_a_new_contact_moves_the_same_event(
    task_repo,
):
    path = task_repo.person("ada", ADA)
    task_repo.invoke("people.calendar", "--today", "2013-06-20")
    ics = task_repo.base / "private" / "people.ics"
    first = ics.read_bytes()
    task_repo.invoke("people.calendar", "--today", "2013-07-01")
    assert ics.read_bytes() == first  # the same log, the same file
    path.write_text(path.read_text().replace(
        "via: coffee}", "via: coffee}\n    - {date: 2013-06-25, via: call}"
    ))  # fmt: skip
    task_repo.invoke("people.calendar", "--today", "2013-07-01")
    assert events(ics) == {
        "keep-in-touch-ada@rapport.invalid": ("2013-08-20", "Keep in touch: Ada Ńowak")
    }


@pytest.mark.parametrize(
    "task, name", [("people.calendar", "people.ics"), ("people.report", "r.html")]
)
@pytest.mark.parametrize("folder", ["output", "content/extra"])
def test_private_files_refuse_a_path_that_gets_published(task_repo, task, name, folder):
    task_repo.person("ada", ADA)
    result = task_repo.invoke(task, "--output", f"{folder}/{name}")
    assert result.returncode == 1
    what = "OUTPUT_PATH" if folder == "output" else "the content folder"
    assert f"is inside {what}" in result.stderr
    assert "Ńowak" not in result.stderr
    assert not (task_repo.base / folder / name).exists()


def test_report_is_written_under_private_by_default(task_repo):
    task_repo.person("ada", ADA)
    result = task_repo.invoke("people.report", "--today", "2013-06-20")
    assert result.returncode == 0, result.stderr
    html = (task_repo.base / "private" / "report.html").read_text()
    assert "Ada Ńowak" in html and "<script" not in html
