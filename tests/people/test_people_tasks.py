"""`invoke people.*` run as commands (their help through invoke's own CLI in this
process), against a throwaway site folder."""

import difflib
import re

import pytest
from task_output import rows

from pelican.plugins.rapport_people.model import read_person
from tests.invoke_help import help_problems

pytestmark = pytest.mark.slow

ADA = """
    # Ada: met at the meetup. This comment must survive edits.
    name: Ada Example
    twitter: adaexample
    met: 2013-04-16
    tags: [law]
    listed: true
    consent: 2013-04-20, by email
    private:
      email: ada@example.com   # work address
      keep_in_touch: 8w
      log:
        - {date: 2013-04-02, via: twitter, note: Long thread}
        - {date: 2013-04-16, via: coffee, note: Met at the Old Bank}
"""


def test_new_creates_an_unlisted_file_and_prints_its_path(task_repo):
    result = task_repo.invoke(
        "people.new", "Zoë O'Brien", "--twitter", "@zoe_ob", "--met", "2015-03",
        "--where", "Bar: the #1 place",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    path = task_repo.people / "zoe-o-brien.md"
    assert result.stdout.strip() == str(path)
    person = read_person(path)
    assert (person.name, person.twitter, person.met.iso, person.where) == (
        "Zoë O'Brien",
        "zoe_ob",
        "2015-03",
        "Bar: the #1 place",
    )
    assert person.listed is False


def test_new_names_the_file_by_letters_made_ascii(task_repo):
    """Letters with no ASCII decomposition (ø, Ł) are transliterated, not dropped."""
    result = task_repo.invoke("people.new", "Søren Łukasz")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(task_repo.people / "soren-lukasz.md")


def test_new_never_overwrites(task_repo):
    path = task_repo.person("ada-example", ADA)
    before = path.read_bytes()
    result = task_repo.invoke("people.new", "Ada Example")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"Error: {path} already exists; nothing was written. Edit it, or pick another "
        "name (the file name comes from the name)."
    )
    assert path.read_bytes() == before


def test_new_rejects_a_bad_handle_and_writes_nothing(task_repo):
    result = task_repo.invoke("people.new", "Bo", "--twitter", "not a handle")
    assert result.returncode == 1
    assert "is not an X/Twitter handle" in result.stderr
    assert not (task_repo.people / "bo.md").exists()


def test_log_appends_and_keeps_everything_else(task_repo):
    path = task_repo.person("ada-example", ADA, "Ada writes.\n")
    before = path.read_text()
    result = task_repo.invoke(
        "people.log", "ada-example", "--via", "call", "--note", "Caught up, at last",
        "--date", "2014-01-05",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    after = path.read_text()
    diff = [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert diff == ["+    - {date: 2014-01-05, via: call, note: 'Caught up, at last'}"]
    log = read_person(path).log
    assert (log[-1].date.isoformat(), log[-1].via, log[-1].note) == (
        "2014-01-05",
        "call",
        "Caught up, at last",
    )


def test_log_goes_to_the_overlay_when_there_is_one(task_repo):
    path = task_repo.person("ada-example", ADA)
    overlay = task_repo.overlay(
        "ada-example", "# overlay\nlog:\n- date: 2015-01-01\n  via: email\n"
    )
    before = path.read_bytes()
    result = task_repo.invoke(
        "people.log", "ada-example", "--via", "coffee", "--date", "2015-02-02"
    )
    assert result.returncode == 0, result.stderr
    assert path.read_bytes() == before
    assert overlay.read_text() == (
        "# overlay\nlog:\n- date: 2015-01-01\n  via: email\n"
        "- date: 2015-02-02\n  via: coffee\n"
    )
    assert read_person(path, task_repo.private).log[-1].via == "coffee"


def test_log_to_a_file_without_a_log(task_repo):
    result = task_repo.invoke("people.new", "Bo Demo")
    assert result.returncode == 0, result.stderr
    result = task_repo.invoke(
        "people.log",
        "bo-demo",
        "--via",
        "ask",
        "--note",
        "Coffee?",
        "--date",
        "2016-01-01",
    )
    assert result.returncode == 0, result.stderr
    assert [e.via for e in read_person(task_repo.people / "bo-demo.md").log] == ["ask"]


ALIAS_ERROR = (
    "person files cannot use YAML anchors or aliases (&name / *name); write the value "
    "out (quote text that starts with & or *). Nothing was written; fix the file and "
    "retry."
)


def test_log_refuses_a_person_file_with_an_alias_before_ruamel_reads_it(task_repo):
    # ruamel would load and write back the self-referential list; our parser refuses it.
    path = task_repo.person("ada-example", "name: Ada\nprivate:\n  log: &l [*l]")
    before = path.read_bytes()
    result = task_repo.invoke("people.log", "ada-example", "--via", "coffee")
    assert result.returncode == 1
    assert result.stderr.strip() == f"Error: {path}, line 4: {ALIAS_ERROR}"
    assert path.read_bytes() == before


def test_log_refuses_deep_nesting_that_would_crash_ruamel(task_repo):
    deep = "[" * 1500 + "]" * 1500
    path = task_repo.person("ada-example", f"name: Ada\nprivate:\n  other: {deep}")
    before = path.read_bytes()
    result = task_repo.invoke("people.log", "ada-example", "--via", "coffee")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"Error: {path}, line 4: the YAML is nested more than 64 levels deep. Check "
        "the indentation: a person file needs only a few levels. Nothing was written; "
        "fix the file and retry."
    )
    assert path.read_bytes() == before


def test_log_refuses_an_overlay_with_an_alias(task_repo):
    path = task_repo.person("ada-example", "name: Ada")
    overlay = task_repo.overlay("ada-example", "notes: &n x\nlog: [*n]\n")
    before = overlay.read_bytes()
    result = task_repo.invoke("people.log", "ada-example", "--via", "coffee")
    assert result.returncode == 1
    assert result.stderr.strip() == f"Error: {overlay}, line 1: {ALIAS_ERROR}"
    assert overlay.read_bytes() == before
    assert path.read_text() == "---\nname: Ada\n---\n"


def test_log_refuses_a_file_that_is_not_utf8(task_repo):
    path = task_repo.person("ada-example", "name: Ada")
    path.write_bytes(path.read_bytes().replace(b"Ada", b"Ad\xe9"))  # Latin-1
    before = path.read_bytes()
    result = task_repo.invoke("people.log", "ada-example", "--via", "coffee")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"Error: {path} is not UTF-8 text (byte 12); save it as UTF-8 and run the "
        "command again. Nothing was changed."
    )
    assert "Traceback" not in result.stderr
    assert path.read_bytes() == before


def test_log_unknown_slug(task_repo):
    task_repo.people.mkdir(exist_ok=True)
    result = task_repo.invoke("people.log", "nobody", "--via", "coffee")
    assert result.returncode == 1
    assert result.stderr.startswith("Error: no person file ")


def test_due_lists_the_most_overdue_first_and_unanswered_asks(task_repo):
    task_repo.person("ada-example", ADA)
    task_repo.person(
        "ben",
        """
        name: Ben
        private:
          keep_in_touch: 30d
          log:
            - {date: 2013-01-01, via: email}
        """,
    )
    task_repo.person(
        "erin",
        """
        name: Erin
        private:
          keep_in_touch: 8w
          log:
            - {date: 2013-05-01, via: twitter}
            - {date: 2013-05-10, via: ask, note: Coffee next week?}
        """,
    )
    task_repo.person("quiet", "name: Quiet\nprivate:\n  keep_in_touch: 3m\n  log:\n"
                     "    - {date: 2013-05-30, via: coffee}")  # fmt: skip
    result = task_repo.invoke("people.due", "--today", "2013-06-20")
    assert result.returncode == 0, result.stderr
    overdue, asks = result.stdout.split("Asked, no answer after 14 days (1)")
    assert "Overdue for a follow-up (2)" in overdue
    # ben: 2013-01-01 + 30d = 2013-01-31; ada: 2013-04-16 + 8w = 2013-06-11.
    # erin is late too, but her pending ask is the follow-up: listed once, below.
    assert [r[1:] for r in rows(overdue)] == [
        ["ben", "2013-01-01", "email", "30d", "2013-01-31", "140 days", NEXT_LATE],
        ["ada-example", "2013-04-16", "coffee", "8w", "2013-06-11", "9 days",
         NEXT_LATE],
    ]  # fmt: skip
    assert [r[1:] for r in rows(asks)] == [
        ["erin", "2013-05-10", "41 days", "Coffee next week?", NEXT_SILENT]
    ]


NEXT_LATE = "get in touch, then people.log"
NEXT_SILENT = "nudge once (people.log --ask), or let it go (--answer no)"


def test_due_with_nobody_due(task_repo):
    task_repo.person("ada-example", ADA)
    result = task_repo.invoke("people.due", "--today", "2013-04-17")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Nobody is due on 2013-04-17."


def test_list_filters_by_tag_and_listing(task_repo):
    task_repo.person("ada-example", ADA)
    task_repo.person("dev", "name: Dev\ntags: [startups]")
    everyone = rows(task_repo.invoke("people.list").stdout)
    assert [r[0] for r in everyone] == ["ada-example", "dev"]
    unlisted = task_repo.invoke("people.list", "--unlisted")
    assert [r[0] for r in rows(unlisted.stdout)] == ["dev"]
    law = task_repo.invoke("people.list", "--tag", "law")
    assert [r[:2] for r in rows(law.stdout)] == [["ada-example", "Ada Example"]]
    both = task_repo.invoke("people.list", "--listed", "--unlisted")
    assert both.returncode == 1


def test_check_prints_every_problem_and_fails(task_repo):
    task_repo.person("ada-example", ADA)
    bad = task_repo.person("bad", "name: Bad\nprivte: {}\nmet: 2013-13")
    worse = task_repo.person("worse", "listed: true")
    result = task_repo.invoke("people.check")
    assert result.returncode == 1
    problems = [line for line in result.stdout.splitlines() if line.startswith("- ")]
    assert len(problems) == 4
    assert any(p.startswith(f"- {bad}, line 3, field 'privte'") for p in problems)
    assert any(p.startswith(f"- {worse}, field 'consent'") for p in problems)
    assert result.stderr.strip() == (
        "Error: 4 problem(s) in the contact log, listed above; the build will fail "
        "until they are fixed."
    )


def test_check_passes_on_a_valid_log(task_repo):
    task_repo.person("ada-example", ADA)
    result = task_repo.invoke("people.check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "The contact log is valid: 1 people, 1 listed, 0 unlisted."
    )


def test_every_task_has_help(task_repo):
    problems = [
        problem
        for name in ("new", "log", "due", "list", "check")
        for problem in help_problems(task_repo.base, f"people.{name}")
    ]
    assert problems == []


LONG_SLUG = "ada-example-of-the-northern-legal-tech-meetup-in-manchester"


def test_list_piped_is_plain_text_and_keeps_every_slug_and_date_whole(task_repo):
    task_repo.person(LONG_SLUG, ADA)
    result = task_repo.invoke("people.list", env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    assert not re.search("[│┃━─┏┡└]", result.stdout), result.stdout
    assert rows(result.stdout) == [
        [LONG_SLUG, "Ada Example", "@adaexample", "2013-04-16", "yes", "law",
         "2013-04-16"]
    ]  # fmt: skip


def test_due_piped_keeps_the_slug_whole(task_repo):
    task_repo.person(LONG_SLUG, ADA)
    result = task_repo.invoke(
        "people.due", "--today", "2014-01-01", env={"COLUMNS": "80"}
    )
    assert result.returncode == 0, result.stderr
    assert [r[1] for r in rows(result.stdout)] == [LONG_SLUG]


@pytest.mark.parametrize(("width", "boxed"), [(120, True), (50, False)])
def test_a_table_on_a_narrow_terminal_never_cuts_the_key_columns(width, boxed):
    import io

    from rich.console import Console

    from pelican.plugins.rapport_people.tasks import show_table

    out = io.StringIO()
    terminal = Console(file=out, width=width, force_terminal=True, color_system=None)
    show_table(
        "People (1 of 1)",
        ("Slug", "Name", "Handle", "Met", "Listed", "Tags", "Last contact"),
        [(LONG_SLUG, "Ada Example", "@adaexample", "2013-04-16", "yes", "law, marketing",
          "2013-04-16")],
        keys=("Slug", "Met", "Last contact"),
        out=terminal,
    )  # fmt: skip
    text = out.getvalue()
    # A rich table when the key columns fit; plain lines when they cannot.
    assert ("│" in text) is boxed
    assert LONG_SLUG in text
    assert text.count("2013-04-16") == 2


def test_log_with_a_bad_date_names_the_date_option(task_repo):
    task_repo.person("ada-example", ADA)
    result = task_repo.invoke(
        "people.log", "ada-example", "--via", "coffee", "--date", "2026-13-01"
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Error: --date '2026-13-01' is not a date; write YYYY-MM-DD."
    )


BROKEN = "name: Broken\ntags: [law\nprivate:\n  email: hidden@example.com"


@pytest.mark.parametrize(
    "args", [["people.list"], ["people.due", "--today", "2014-01-01"]]
)
def test_one_broken_file_still_shows_everyone_else_and_names_it(task_repo, args):
    task_repo.person("ada-example", ADA)
    broken = task_repo.person("broken", BROKEN)
    result = task_repo.invoke(*args)
    assert result.returncode == 1
    assert [r[:2] for r in rows(result.stdout)] in (
        [["ada-example", "Ada Example"]],
        [["Ada Example", "ada-example"]],
    )
    assert f"- {broken}, line 3: invalid YAML: " in result.stderr
    assert "hidden@example.com" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("task", ["people.list", "people.due"])
def test_a_reader_that_stops_early_is_no_traceback(task_repo, task):
    """`invoke people.due | head -1`: the pipe closes before everything is written."""
    task_repo.person("ada-example", ADA)
    task_repo.person("erin", "name: Erin\nprivate:\n  log:\n"
                     "    - {date: 2013-05-10, via: ask, note: Coffee?}")  # fmt: skip
    args = [task, "--today", "2014-01-01"] if task == "people.due" else [task]
    assert task_repo.invoke(*args).returncode == 0
    closed = task_repo.invoke(*args, stdout_closed=True)
    assert "Traceback" not in closed.stderr, closed.stderr
    assert closed.returncode == 0, closed.stderr
