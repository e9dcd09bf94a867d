"""The ask and its answer (issue 12, item 3): people.log --ask/--answer, outcome in
the log, and people.due's three lists, run as commands on a throwaway site."""

import pytest
from task_output import rows

from pelican.plugins.rapport_people.model import read_person

pytestmark = pytest.mark.slow


def test_ask_then_answer_yes_writes_the_outcome_on_that_ask(task_repo):
    path = task_repo.person(
        "ada", "name: Ada\nprivate:\n  log:\n    - {date: 2013-04-02, via: twitter}"
    )
    asked = task_repo.invoke(
        "people.log", "ada", "--ask", "--note", "Coffee?", "--date", "2013-04-03"
    )
    assert asked.returncode == 0, asked.stderr
    answered = task_repo.invoke("people.log", "ada", "--answer", "yes")
    assert answered.returncode == 0, answered.stderr
    log = read_person(path).log
    assert [(e.via, e.outcome) for e in log] == [("twitter", None), ("ask", "yes")]
    assert "{date: 2013-04-03, via: ask, note: Coffee?, outcome: yes}" in (
        path.read_text()
    )


def test_answer_without_an_ask_writes_nothing(task_repo):
    path = task_repo.person("ada", "name: Ada")
    before = path.read_bytes()
    result = task_repo.invoke("people.log", "ada", "--answer", "no")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Error: no unanswered ask in the log of ada; log one first with invoke "
        "people.log ada --ask. Nothing was written."
    )
    assert path.read_bytes() == before


def test_an_outcome_that_is_not_yes_or_no_is_a_named_problem(task_repo):
    path = task_repo.person(
        "ada",
        "name: Ada\nprivate:\n  log:\n    - {date: 2013-04-03, via: ask, "
        "outcome: maybe}",
    )
    result = task_repo.invoke("people.check")
    assert result.returncode == 1
    assert f"- {path}, line 5, field 'private.log[0].outcome'" in result.stdout
    assert "is not yes or no." in result.stdout
    assert "maybe" not in result.stdout + result.stderr


def test_due_lists_silence_agreed_and_overdue_each_with_what_to_do(task_repo):
    # An old ask with no answer: silence after two weeks.
    task_repo.person(
        "quiet",
        "name: Quiet\nprivate:\n  log:\n    - {date: 2013-05-01, via: ask}",
    )
    # A recent ask: still waiting, not listed.
    task_repo.person(
        "recent",
        "name: Recent\nprivate:\n  log:\n    - {date: 2013-06-15, via: ask}",
    )
    # Yes, no meeting since: agreed, not met.
    task_repo.person(
        "keen",
        "name: Keen\nprivate:\n  keep_in_touch: 1w\n  log:\n"
        "    - {date: 2013-05-20, via: ask, note: Lunch?, outcome: yes}",
    )
    # Yes, then a coffee: nothing to do about the ask.
    task_repo.person(
        "met",
        "name: Met\nprivate:\n  log:\n"
        "    - {date: 2013-05-20, via: ask, outcome: yes}\n"
        "    - {date: 2013-05-27, via: coffee}",
    )
    # No: never listed again.
    task_repo.person(
        "declined",
        "name: Declined\nprivate:\n  log:\n    - {date: 2013-05-01, via: ask, "
        "outcome: no}",
    )
    result = task_repo.invoke("people.due", "--today", "2013-06-20")
    assert result.returncode == 0, result.stderr
    silent, agreed = result.stdout.split("They said yes, no meeting logged yet (1)")
    assert "Asked, no answer after 14 days (1)" in silent
    assert [r[1:] for r in rows(silent)] == [
        ["quiet", "2013-05-01", "50 days", "",
         "nudge once (people.log --ask), or let it go (--answer no)"]
    ]  # fmt: skip
    assert [r[1:] for r in rows(agreed)] == [
        [
            "keen",
            "2013-05-20",
            "Lunch?",
            "fix a date; after it, people.log --via coffee",
        ]
    ]
    assert "Overdue" not in result.stdout  # keen's follow-up is the meeting itself


def test_the_silence_period_is_a_setting_and_the_old_name_still_works(task_repo):
    task_repo.person(
        "quiet", "name: Quiet\nprivate:\n  log:\n    - {date: 2013-06-01, via: ask}"
    )
    conf = task_repo.base / "pelicanconf.py"
    base = conf.read_text()
    conf.write_text(base + 'PEOPLE_ASK_SILENCE_AFTER = "30d"\n')
    result = task_repo.invoke("people.due", "--today", "2013-06-20")
    assert result.stdout.strip() == "Nobody is due on 2013-06-20."
    conf.write_text(base + "PEOPLE_ASK_WAIT_DAYS = 7\n")
    result = task_repo.invoke("people.due", "--today", "2013-06-20")
    assert "Asked, no answer after 7 days (1)" in result.stdout
    assert "PEOPLE_ASK_WAIT_DAYS is deprecated" in result.stderr
