"""Person files, rule by rule: each problem's exact message, and what a good file yields.

Pure-function tests (no site build): the contact log's rules, the overlay, the folder
listing and the intervals of keep_in_touch. The message is the product's voice (file,
line, field, the fix), so it is compared whole; values under `private:` never appear.
"""

import datetime as dt

import pytest

from pelican.plugins.rapport_people.model import (
    Interval,
    Limits,
    LogEntry,
    PartialDate,
    PeopleInvalid,
    _yaml_fix,
    check_people,
    check_person,
    find_person_file,
    load_people,
    parse_date,
    parse_photo,
    person_files,
    read_overlay,
    read_person,
)

LOG_FIX_DATE = "Write the day of the contact as YYYY-MM-DD, e.g. date: 2013-04-16."
LOG_FIX_VIA = (
    "Say how you were in touch, e.g. via: coffee, email, twitter, call or ask."
)
LOG_HAS = "A log entry has date, via, note and (on an ask) outcome."


def problems_of(text, path="/log/people/ada.md", private_dir=None):
    person, problems = check_person(path, private_dir, text=text)
    assert person is None
    return [str(p) for p in problems]


def person_of(text, path="/log/people/ada.md"):
    person, problems = check_person(path, text=text)
    assert problems == [], [str(p) for p in problems]
    return person


def log_problems(*entries):
    lines = "\n".join(f"    - {entry}" for entry in entries)
    return problems_of(f"---\nname: Ada\nprivate:\n  log:\n{lines}\n---\n")


# --- the log ---------------------------------------------------------------------


def test_a_log_entry_that_is_not_a_mapping():
    assert log_problems("coffee at the Old Bank") == [
        "/log/people/ada.md, line 5, field 'private.log[0]': must be a mapping with "
        "date, via and note. Write - {date: 2013-04-16, via: coffee, note: Met at the "
        "Old Bank}"
    ]


def test_a_log_entry_missing_date_and_via_names_both():
    assert log_problems("{note: hello}") == [
        f"/log/people/ada.md, line 5, field 'private.log[0].date': is missing. "
        f"{LOG_FIX_DATE}",
        f"/log/people/ada.md, line 5, field 'private.log[0].via': is missing or "
        f"empty. {LOG_FIX_VIA}",
    ]


@pytest.mark.parametrize("date", ["2013-04", "2013", "someday", "2013-02-30"])
def test_a_log_date_must_be_a_whole_day(date):
    assert log_problems(f"{{date: {date}, via: coffee}}") == [
        f"/log/people/ada.md, line 5, field 'private.log[0].date': is missing or not "
        f"a full date. {LOG_FIX_DATE}"
    ]


@pytest.mark.parametrize("via", ["''", "'  '", "3", "[a]"])
def test_a_log_via_must_be_words(via):
    assert log_problems(f"{{date: 2013-04-16, via: {via}}}") == [
        f"/log/people/ada.md, line 5, field 'private.log[0].via': is missing or "
        f"empty. {LOG_FIX_VIA}"
    ]


def test_a_log_note_must_be_text():
    assert log_problems("{date: 2013-04-16, via: coffee, note: [a, b]}") == [
        "/log/people/ada.md, line 5, field 'private.log[0].note': must be text. "
        "Write the note on one line."
    ]


@pytest.mark.parametrize("note", ["3", "2.5", "~", "''"])
def test_a_log_note_may_be_a_number_or_empty(note):
    text = f"---\nname: Ada\nprivate:\n  log:\n    - {{date: 2013-04-16, via: coffee, note: {note}}}\n---\n"
    (entry,) = person_of(text).log
    expected = {"3": "3", "2.5": "2.5", "~": "", "''": ""}[note]
    assert entry == LogEntry(dt.date(2013, 4, 16), "coffee", expected, None)


def test_an_unknown_log_key_close_to_a_known_one_is_named():
    assert log_problems("{date: 2013-04-16, via: coffee, nots: hi}") == [
        "/log/people/ada.md, line 5, field 'private.log[0]': has an unknown key on "
        f"line 5 that is not a field of a log entry. Did you mean 'note'? {LOG_HAS}"
    ]


def test_an_unknown_log_key_far_from_any_is_named_with_the_keys():
    assert log_problems("{date: 2013-04-16, via: coffee, mood: fine}") == [
        "/log/people/ada.md, line 5, field 'private.log[0]': has an unknown key on "
        f"line 5 that is not a field of a log entry. {LOG_HAS}"
    ]


@pytest.mark.parametrize("entry", ["{date: 2013-04-16, via: coffee, lunch}"])
def test_a_bare_word_in_a_log_entry_hints_at_quoting(entry):
    hint = (
        "If it is part of the note, quote the note: inside { } a comma starts a new "
        "field."
    )
    assert log_problems(entry) == [
        "/log/people/ada.md, line 5, field 'private.log[0]': has an unknown key on "
        f"line 5 that is not a field of a log entry. {hint}"
    ]


def test_a_key_with_a_space_hints_at_quoting_even_with_a_value():
    (problem,) = log_problems("{date: 2013-04-16, via: coffee, the talk: good}")
    assert problem.endswith(
        "field 'private.log[0]': has an unknown key on line 5 that is not a field of "
        "a log entry. If it is part of the note, quote the note: inside { } a comma "
        "starts a new field."
    )
    assert "talk" not in problem  # a private key is not quoted


OUTCOME_FIX = (
    "Write outcome: yes or outcome: no (leave it out while you wait), or run invoke "
    "people.log SLUG --answer yes."
)


@pytest.mark.parametrize("outcome", ["maybe", "3", "[yes]", "~"])
def test_an_outcome_must_be_yes_or_no(outcome):
    assert log_problems(f"{{date: 2013-04-16, via: ask, outcome: {outcome}}}") == [
        "/log/people/ada.md, line 5, field 'private.log[0].outcome': is not yes or "
        f"no. {OUTCOME_FIX}"
    ]


@pytest.mark.parametrize("via", ["coffee", "3"])
def test_an_outcome_belongs_to_an_ask_only(via):
    problems = log_problems(f"{{date: 2013-04-16, via: {via}, outcome: 'yes'}}")
    assert problems[-1] == (
        "/log/people/ada.md, line 5, field 'private.log[0].outcome': belongs to an "
        "ask only. Move it to the via: ask entry it answers, or remove it."
    )


@pytest.mark.parametrize(
    ("written", "outcome"),
    [("yes", "yes"), ("no", "no"), ("' Yes '", "yes"), ("'NO'", "no")],
)
def test_an_answered_ask_keeps_its_outcome(written, outcome):
    text = (
        "---\nname: Ada\nprivate:\n  log:\n"
        f"    - {{date: 2013-04-16, via: ' Ask ', outcome: {written}}}\n"
        "    - {date: 2013-04-02, via: Coffee}\n---\n"
    )
    assert person_of(text).log == (
        LogEntry(dt.date(2013, 4, 2), "coffee", "", None),
        LogEntry(dt.date(2013, 4, 16), "ask", "", outcome),
    )


def test_every_entry_of_a_log_is_checked():
    problems = log_problems("{date: 2013-04-16, via: coffee}", "{via: call}", "x")
    assert [p.split(": ", 1)[0] for p in problems] == [
        "/log/people/ada.md, line 6, field 'private.log[1].date'",
        "/log/people/ada.md, line 7, field 'private.log[2]'",
    ]


def test_a_log_that_is_not_a_list():
    assert problems_of("---\nname: Ada\nprivate:\n  log: coffee\n---\n") == [
        "/log/people/ada.md, line 4, field 'private.log': must be a list of entries. "
        "Write one '- {date: 2013-04-16, via: coffee, note: ...}' line per entry."
    ]


# --- the private mapping ---------------------------------------------------------


def test_private_must_be_a_mapping():
    assert problems_of("---\nname: Ada\nprivate: secret words\n---\n") == [
        "/log/people/ada.md, line 3, field 'private': must be a mapping of private "
        "fields. Indent the private fields under it, e.g. email: ..., notes: ..., "
        "log: [...]."
    ]


def test_a_misspelt_log_or_keep_in_touch_is_named():
    text = "---\nname: Ada\nprivate:\n  keep_in_tuch: 8w\n  logs: []\n---\n"
    assert problems_of(text) == [
        "/log/people/ada.md, line 4, field 'private': has an unknown key on line 4 "
        "that looks like a misspelt 'keep_in_touch'. Rename it to 'keep_in_touch'.",
        "/log/people/ada.md, line 5, field 'private': has an unknown key on line 5 "
        "that looks like a misspelt 'log'. Rename it to 'log'.",
    ]


def test_the_owners_own_private_keys_are_kept_without_a_problem():
    text = "---\nname: Ada\nprivate:\n  kids: two\n  email: a@example.com\n---\n"
    assert person_of(text).private == {"kids": "two", "email": "a@example.com"}


def test_a_good_keep_in_touch_is_parsed():
    text = "---\nname: Ada\nprivate:\n  keep_in_touch: ' 8W '\n---\n"
    assert person_of(text).keep_in_touch == Interval(8, "w")


# --- the overlay -----------------------------------------------------------------


def test_an_overlay_that_nests_private_is_told_to_flatten_it():
    private, problems = read_overlay("/p/ada.yml", text="private:\n  email: x\n")
    assert private == {}
    assert [str(p) for p in problems] == [
        "/p/ada.yml, line 1, field 'private': an overlay holds the private fields "
        "themselves. Remove the 'private:' line and move its fields to the top level."
    ]


def test_an_overlay_that_is_not_a_mapping():
    private, problems = read_overlay("/p/ada.yml", text="- a\n- b\n")
    assert private == {}
    assert [str(p) for p in problems] == [
        "/p/ada.yml, field 'private': must be a mapping of private fields. Indent the "
        "private fields under it, e.g. email: ..., notes: ..., log: [...]."
    ]


def test_an_empty_overlay_holds_nothing():
    assert read_overlay("/p/ada.yml", text="") == ({}, [])
    assert read_overlay("/p/ada.yml", text="# nothing yet\n") == ({}, [])


def test_an_overlay_log_problem_names_the_overlay_and_its_line():
    private, problems = read_overlay(
        "/p/ada.yml", text="email: a@example.com\nlog:\n  - {via: call}\n"
    )
    assert private == {}
    assert [str(p) for p in problems] == [
        f"/p/ada.yml, line 3, field 'log[0].date': is missing. {LOG_FIX_DATE}"
    ]


def test_a_good_overlay_is_returned_whole():
    text = "email: a@example.com\nconsent: by email\nlog: []\n"
    assert read_overlay("/p/ada.yml", text=text) == (
        {"email": "a@example.com", "consent": "by email", "log": []},
        [],
    )


def test_an_overlay_consent_must_be_text():
    private, problems = read_overlay("/p/ada.yml", text="consent: [a]\n")
    assert private == {}
    assert [str(p) for p in problems] == [
        "/p/ada.yml, line 1, field 'consent': must be text. Write it on one line: "
        "consent: some text"
    ]


def test_an_overlay_file_on_disk_is_read_and_checked(tmp_path):
    path = tmp_path / "ada.yml"
    path.write_text("notes: Knows everyone.\n", encoding="utf-8")
    assert read_overlay(path) == ({"notes": "Knows everyone."}, [])
    path.write_bytes(b"notes: \xff\xfe\n")
    assert [str(p) for p in read_overlay(path)[1]] == [
        f"{path}: is not UTF-8 text. Save the file as UTF-8."
    ]


def test_an_overlay_over_the_size_cap_is_not_read(tmp_path):
    path = tmp_path / "ada.yml"
    path.write_text("notes: " + "x" * 200 + "\n", encoding="utf-8")
    private, problems = read_overlay(path, limits=Limits(file_bytes=100))
    assert private == {}
    assert [str(p) for p in problems] == [
        f"{path}: is 208 bytes, more than the 100 a person file may hold. Shorten "
        "the blurb or the notes, or move old log entries elsewhere "
        "(PEOPLE_MAX_FILE_BYTES raises the cap)."
    ]


def test_a_person_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "ada.md"
    path.write_bytes(b"---\nname: Ad\xe9\n---\n")
    person, problems = check_person(path)
    assert person is None
    assert [str(p) for p in problems] == [
        f"{path}: is not UTF-8 text. Save the file as UTF-8."
    ]


# --- fields ----------------------------------------------------------------------


@pytest.mark.parametrize(("key", "value"), [("name", "[Ada]"), ("where", "{a: b}")])
def test_a_text_field_must_be_text(key, value):
    front = f"name: Ada\n{key}: {value}" if key != "name" else f"name: {value}"
    assert problems_of(f"---\n{front}\n---\n")[0] == (
        f"/log/people/ada.md, line {3 if key != 'name' else 2}, field '{key}': must "
        f"be text. Write it on one line: {key}: some text"
    )


def test_a_blank_name_is_empty():
    assert problems_of("---\nname: '  '\n---\n") == [
        "/log/people/ada.md, line 2, field 'name': is empty. Write it on one line: "
        "name: Ada Example"
    ]


def test_numbers_are_text_where_text_is_asked():
    person = person_of(
        "---\nname: 1984\nwhere: ' 42 '\ntags: [2013, ' law ', '']\n---\n"
    )
    assert (person.name, person.where, person.tags) == ("1984", "42", ("2013", "law"))


@pytest.mark.parametrize("key", ["tags", "rel"])
def test_a_list_field_must_be_a_list(key):
    example = "[law, marketing]" if key == "tags" else "[met, colleague]"
    assert problems_of(f"---\nname: Ada\n{key}: law\n---\n") == [
        f"/log/people/ada.md, line 3, field '{key}': must be a list. Write it in "
        f"brackets: {key}: {example}"
    ]


def test_a_list_item_must_be_a_word():
    assert problems_of("---\nname: Ada\ntags: [law, [a, b], true]\n---\n") == [
        f"/log/people/ada.md, line 3, field 'tags[{n}]': must be a word or a short "
        "phrase. Write it in brackets: tags: [law, marketing]"
        for n in (1, 2)
    ]


def test_rel_keeps_its_order_without_repeats_and_defaults_to_met():
    assert person_of("---\nname: Ada\nrel: [friend, met, friend]\n---\n").rel == (
        "friend",
        "met",
    )
    assert person_of("---\nname: Ada\nrel: []\n---\n").rel == ("met",)


def test_highlights_must_be_a_list_and_keep_no_repeats():
    assert problems_of("---\nname: Ada\nhighlights: 42\n---\n") == [
        "/log/people/ada.md, line 3, field 'highlights': must be a list. Write it in "
        "brackets: highlights: [1626922779105759235]"
    ]
    person = person_of("---\nname: Ada\nhighlights: [42, '42', 7]\n---\n")
    assert person.highlights == ("42", "7")


def test_a_consent_in_the_overlay_wins_and_an_empty_one_does_not(tmp_path):
    people, private = tmp_path / "people", tmp_path / "private"
    people.mkdir()
    private.mkdir()
    path = people / "ada.md"
    path.write_text("---\nname: Ada\nlisted: true\nconsent: file\n---\n")
    (private / "ada.yml").write_text("consent: overlay\n")
    assert check_person(path, private)[0].consent == "overlay"
    (private / "ada.yml").write_text("consent: ''\n")
    assert check_person(path, private)[0].consent == "file"


def test_a_listed_file_in_the_private_folder_is_refused(tmp_path):
    private = tmp_path / "private"
    private.mkdir()
    path = private / "ada.md"
    path.write_text("---\nname: Ada\nlisted: true\nconsent: yes please\n---\n")
    person, problems = check_person(path, private)
    assert person is None
    assert [str(p) for p in problems] == [
        f"{path}, line 3, field 'listed': is true in a person file under the private "
        "folder. A listed person's public fields belong in the people folder: move "
        "the file there and keep consent and private fields in ada.yml beside it "
        "here, or unlist them: invoke people.withdraw ada."
    ]
    path.write_text("---\nname: Ada\n---\n")
    assert check_person(path, private)[0].listed is False


# --- dates, photos, intervals ----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2013, 4, 16), PartialDate(2013, 4, 16)),
        (2013, PartialDate(2013)),
        (" 2013-04 ", PartialDate(2013, 4)),
        ("1900", PartialDate(1900)),
        ("2100-12-31", PartialDate(2100, 12, 31)),
    ],
)
def test_dates_that_parse(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value", [True, None, 2013.0, [2013], "1899", "2101", "2013-13", "2013-02-29", ""]
)
def test_dates_that_do_not_parse(value):
    assert parse_date(value) is None


def test_partial_dates_sort_by_what_is_known():
    dates = [PartialDate(2013, 4, 16), PartialDate(2013), PartialDate(2013, 4)]
    assert sorted(dates, key=PartialDate.sort_key) == [
        PartialDate(2013),
        PartialDate(2013, 4),
        PartialDate(2013, 4, 16),
    ]
    assert PartialDate(2013, 4).sort_key() == (2013, 4, 0)
    assert PartialDate(2013).sort_key() < PartialDate(2013, 1).sort_key()


@pytest.mark.parametrize(
    "value", ["photos/ada.jpg", " photos/Ada.PNG ", "ada.webp", "a/b/c.jpeg"]
)
def test_photos_inside_the_people_folder(value):
    assert parse_photo(value) == value.strip()


@pytest.mark.parametrize(
    "value",
    [
        None,
        42,
        "photos/ada.gif",
        "/photos/ada.jpg",
        "photos\\ada.jpg",
        "c:ada.jpg",
        "../ada.jpg",
        "photos/../ada.jpg",
        "photos//ada.jpg",
        "./ada.jpg",
        "photos/ada.jpg/",
    ],
)
def test_photos_that_are_refused(value):
    assert parse_photo(value) is None


@pytest.mark.parametrize(
    ("interval", "text"),
    [
        (Interval(1, "d"), "1 day"),
        (Interval(30, "d"), "30 days"),
        (Interval(1, "w"), "7 days"),
        (Interval(2, "w"), "14 days"),
        (Interval(1, "m"), "1 month"),
        (Interval(3, "m"), "3 months"),
    ],
)
def test_an_interval_in_words(interval, text):
    assert interval.days_text() == text
    assert str(interval) == f"{interval.count}{interval.unit}"


@pytest.mark.parametrize(
    ("interval", "day", "expected"),
    [
        (Interval(10, "d"), dt.date(2013, 4, 25), dt.date(2013, 5, 5)),
        (Interval(2, "w"), dt.date(2013, 4, 25), dt.date(2013, 5, 9)),
        (Interval(1, "m"), dt.date(2013, 1, 31), dt.date(2013, 2, 28)),
        (Interval(11, "m"), dt.date(2013, 3, 15), dt.date(2014, 2, 15)),
        (Interval(12, "m"), dt.date(2012, 2, 29), dt.date(2013, 2, 28)),
    ],
)
def test_an_interval_after_a_day(interval, day, expected):
    assert interval.after(day) == expected


# --- the folders -----------------------------------------------------------------


def _touch(path, text="---\nname: X\n---\n"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_person_files_lists_persons_overlays_and_stray_files(tmp_path):
    people, private = tmp_path / "people", tmp_path / "private"
    ada = _touch(people / "ada.md")
    _touch(people / "photos" / "ada.JPG", "")
    _touch(people / ".gitkeep", "")
    _touch(people / "ada.md~")
    _touch(people / ".drafts" / "x.md")
    notes = _touch(people / "notes.txt", "")
    draft = _touch(people / "bo.markdown")
    dev = _touch(private / "dev.md")
    overlay = _touch(private / "ada.yml", "email: a@example.com\n")
    nested = _touch(private / "old" / "cy.md")
    yaml_ext = _touch(private / "bo.yaml", "")
    persons, overlays, problems = person_files(people, private)
    assert persons == [str(ada), str(dev)]
    assert overlays == [str(overlay)]
    people_has = (
        "is not read: this folder holds only person files named <slug>.md and their "
        "photos, .jpg, .png or .webp (and hidden files or backups ending in ~, which "
        "are ignored)."
    )
    private_has = (
        "is not read: this folder holds only person files named <slug>.md and "
        "overlays named <slug>.yml, not in subfolders (and hidden files or backups "
        "ending in ~, which are ignored)."
    )
    assert [str(p) for p in problems] == [
        f"{draft}: {people_has} Rename it to bo.md.",
        f"{notes}: {people_has} Move it out of this folder.",
        f"{yaml_ext}: {private_has} Rename it to bo.yml.",
        f"{nested}: {private_has} Rename it to cy.md.",
    ]
    assert person_files(tmp_path / "none", None) == ([], [], [])


def test_find_person_file_looks_in_both_folders(tmp_path):
    people, private = tmp_path / "people", tmp_path / "private"
    ada = _touch(people / "ada.md")
    dev = _touch(private / "dev.md")
    assert find_person_file(people, private, "ada") == str(ada)
    assert find_person_file(people, private, "dev") == str(dev)
    assert find_person_file(people, private, "cy") is None


def test_check_people_rereads_a_file_that_changed(tmp_path):
    people = tmp_path / "people"
    path = _touch(people / "ada.md", "---\nname: Ada\n---\n")
    assert [p.name for p in check_people(people).persons] == ["Ada"]
    path.write_text("---\nname: Ada Lovelace\n---\n", encoding="utf-8")
    assert [p.name for p in check_people(people).persons] == ["Ada Lovelace"]
    path.write_text("---\nnam: Ada\n---\n", encoding="utf-8")
    assert len(check_people(people).problems) == 2
    assert check_people(people, limits=Limits(file_bytes=5)).problems[0].problem == (
        f"is {path.stat().st_size:,} bytes, more than the 5 a person file may hold."
    )


def test_people_invalid_counts_its_problems():
    assert str(PeopleInvalid(["a"])) == "1 problem in the contact log:\n  - a"
    assert str(PeopleInvalid(["a", "b"])) == (
        "2 problems in the contact log:\n  - a\n  - b"
    )


# --- YAML mistakes ---------------------------------------------------------------

INDENT_FIX = (
    "Check the indentation and quoting on that line: quote text that contains ': ' "
    "or ' #', or starts with [, {, &, * or !."
)


@pytest.mark.parametrize(
    ("front", "line", "problem", "fix"),
    [
        (
            "tags: [law,\n  marketing\nwhere: x",
            3,
            "did not find expected ',' or ']'",
            "Close the list that opens on that line with ] on the same line.",
        ),
        (
            "where: {a: b\nrel: [met]",
            3,
            "did not find expected ',' or '}'",
            "Close the {...} that opens on that line with } on the same line.",
        ),
        (
            'where: "Manchester\nrel: [met]',
            3,
            "found unexpected end of stream",
            "Close the quoted text that opens on that line with the same quote.",
        ),
        (
            "met: 2013\n  where: x",
            4,
            "mapping values are not allowed in this context",
            INDENT_FIX,
        ),
    ],
)
def test_a_yaml_mistake_names_its_line_and_the_fix(front, line, problem, fix):
    assert problems_of(f"---\nname: Ada\n{front}\n---\n") == [
        f"/log/people/ada.md, line {line}: invalid YAML: {problem}. {fix}"
    ]


def test_a_yaml_tag_is_named_without_quoting_the_file():
    assert problems_of("---\nname: !secret Ada\n---\n") == [
        "/log/people/ada.md, line 2: invalid YAML: a YAML tag (text starting with !) "
        f"cannot be used here; quote the value. {INDENT_FIX}"
    ]


@pytest.mark.parametrize(
    "problem",
    [
        "found character '@' that cannot start any token",
        "found character '`' that cannot start any token",
    ],
)
def test_a_leading_at_or_backquote_gets_the_quoting_fix(problem):
    """PyYAML's pure-Python scanner quotes the character (libyaml does not; there the
    line text tells): either way the owner is told to quote the value."""
    assert _yaml_fix(problem, "tags: [@law]") == (
        "Quote the value or drop the leading @: a YAML value cannot start with @, "
        'e.g. twitter: adaexample or twitter: "@adaexample".'
    )


def test_a_key_written_twice_below_the_top_is_named_with_its_path():
    appears_twice = "Keep one of the two lines: YAML would silently keep the last."
    for key in ("bar", "a b"):
        front = f"name: Ada\nfoo:\n  {key}: 1\n  {key}: 2"
        assert problems_of(f"---\n{front}\n---\n")[0] == (
            f"/log/people/ada.md, line 5, field 'foo.{key}': appears twice. "
            f"{appears_twice}"
        )


# --- more fields -----------------------------------------------------------------


def test_a_yaml_boolean_is_not_a_handle():
    assert problems_of("---\nname: Ada\ntwitter: yes\n---\n") == [
        "/log/people/ada.md, line 3, field 'twitter': is not an X/Twitter handle. Use "
        "1 to 15 letters, digits or underscores, e.g. twitter: adaexample."
    ]


def test_a_rel_far_from_any_xfn_value_gets_no_guess():
    assert problems_of("---\nname: Ada\nrel: [zzzz]\n---\n") == [
        "/log/people/ada.md, line 3, field 'rel[0]': is not an XFN relationship. Use "
        "values from: contact, acquaintance, friend, met, co-worker, colleague, "
        "co-resident, neighbor, child, parent, sibling, spouse, kin, muse, crush, "
        "date, sweetheart."
    ]


def test_a_photo_field_is_checked_and_kept():
    assert problems_of("---\nname: Ada\nphoto: ../ada.jpg\n---\n") == [
        "/log/people/ada.md, line 3, field 'photo': is not a picture inside the "
        "people folder. Put it in content/people/photos/ and write its path from the "
        "people folder, e.g. photo: photos/ada.jpg (a .jpg, .png or .webp file)."
    ]
    assert person_of("---\nname: Ada\nphoto: photos/ada.jpg\n---\n").photo == (
        "photos/ada.jpg"
    )


def test_a_website_may_be_http_or_https():
    for website in ("http://ada.example", "https://ada.example/blog"):
        text = f"---\nname: Ada\nwebsite: {website}\n---\n"
        assert person_of(text).website == website


def test_a_key_of_ours_in_a_log_entry_is_named():
    """email is a private key of ours, not the owner's: naming it quotes nothing."""
    assert log_problems("{date: 2013-04-16, via: x, email: a}") == [
        "/log/people/ada.md, line 5, field 'private.log[0].email': is not a field of "
        f"a log entry. {LOG_HAS}"
    ]


def test_a_private_key_only_loosely_like_log_is_the_owners_own():
    person = person_of("---\nname: Ada\nprivate:\n  lug: heavy\n---\n")
    assert person.private == {"lug": "heavy"}


def test_keep_in_touch_must_be_at_least_one():
    assert person_of(
        "---\nname: Ada\nprivate:\n  keep_in_touch: 1d\n---\n"
    ).keep_in_touch == Interval(1, "d")
    assert problems_of("---\nname: Ada\nprivate:\n  keep_in_touch: 0w\n---\n") == [
        "/log/people/ada.md, line 4, field 'private.keep_in_touch': is not a number "
        "of days, weeks or months. Write a number and d, w or m, e.g. keep_in_touch: "
        "30d, 8w or 3m."
    ]


def test_a_month_after_december_is_january_of_the_next_year():
    assert Interval(1, "m").after(dt.date(2013, 12, 15)) == dt.date(2014, 1, 15)


def test_read_person_raises_with_every_problem(person_file):
    path = person_file("ada", "name: ''\nlisted: 3")
    with pytest.raises(PeopleInvalid) as raised:
        read_person(path)
    assert [p.field for p in raised.value.problems] == ["name", "listed"]


# --- the overlay's own keys ------------------------------------------------------


def test_an_overlay_log_entry_hides_an_unknown_key():
    _, problems = read_overlay(
        "/p/ada.yml", text="log:\n  - {date: 2013-04-16, via: x, mood: 1}\n"
    )
    assert [str(p) for p in problems] == [
        "/p/ada.yml, line 2, field 'log[0]': has an unknown key on line 2 that is not "
        f"a field of a log entry. {LOG_HAS}"
    ]


def test_an_overlay_of_plain_text_is_not_a_mapping():
    private, problems = read_overlay("/p/ada.yml", text="consent given by email\n")
    assert private == {}
    assert [p.problem for p in problems] == ["must be a mapping of private fields."]


def test_an_overlay_list_other_than_log_replaces_and_log_adds_up(tmp_path):
    people, private = tmp_path / "people", tmp_path / "private"
    _touch(
        people / "ada.md",
        "---\nname: Ada\nprivate:\n  kids: [a]\n  log:\n"
        "    - {date: 2013-04-16, via: coffee}\n---\n",
    )
    _touch(
        private / "ada.yml",
        "kids: [b]\nlog:\n  - {date: 2013-04-02, via: call}\n",
    )
    (ada,) = check_people(people, private).persons
    assert ada.private["kids"] == ["b"]
    assert [e.via for e in ada.log] == ["call", "coffee"]


# --- the whole log ---------------------------------------------------------------


def test_check_people_reuses_an_unchanged_file_and_rereads_a_changed_overlay(tmp_path):
    people, private = tmp_path / "people", tmp_path / "private"
    _touch(people / "ada.md", "---\nname: Ada\n---\n")
    overlay = _touch(private / "ada.yml", "notes: one\n")
    first = check_people(people, private).persons[0]
    assert first.private == {"notes": "one"}
    assert check_people(people, private).persons[0] is first  # parsed once
    overlay.write_text("notes: two, longer\n", encoding="utf-8")
    assert check_people(people, private).persons[0].private == {"notes": "two, longer"}


def test_check_people_goes_on_after_a_repeated_slug_or_handle(tmp_path):
    people, private = tmp_path / "people", tmp_path / "private"
    _touch(people / "ada.md", "---\nname: Ada\ntwitter: ada\n---\n")
    _touch(people / "bo.md", "---\nname: Bo\ntwitter: ADA\n---\n")
    _touch(people / "cy.md", "---\nname: Cy\n---\n")
    _touch(private / "ada.md", "---\nname: Ada again\n---\n")
    _touch(private / "abe.md", "---\nname: Abe\n---\n")
    _touch(private / "ben.md", "---\nname: Ben\n---\n")
    result = check_people(people, private)
    assert [p.slug for p in result.persons] == ["abe", "ada", "ben", "cy"]
    assert [(p.field, p.problem) for p in result.problems] == [
        ("twitter", f"the same handle is already used by {people / 'ada.md'}."),
        (None, f"the slug 'ada' is already used by {people / 'ada.md'}."),
    ]


def test_check_people_keeps_every_problem_and_checks_orphan_overlays(tmp_path):
    people, private = tmp_path / "people", tmp_path / "private"
    _touch(people / "ada.md", "---\nnam: Ada\n---\n")
    _touch(private / "gone.yml", "notes: " + "x" * 100 + "\n")
    result = check_people(people, private, limits=Limits(file_bytes=60))
    assert [p.path.rsplit("/", 1)[1] for p in result.problems] == [
        "ada.md",
        "ada.md",
        "gone.yml",
    ]
    assert result.orphan_overlays == {"gone": {}}
    _touch(people / "ada.md", "---\nname: Ada\n---\n")
    with pytest.raises(PeopleInvalid, match=r"gone\.yml: is 108 bytes"):
        load_people(people, private, limits=Limits(file_bytes=60))
    _touch(private / "gone.yml", "notes: short\n")
    assert load_people(
        people, private, limits=Limits(file_bytes=60)
    ).orphan_overlays == {"gone": {"notes": "short"}}


def test_person_files_with_no_people_folder():
    assert person_files(None, None) == ([], [], [])


def test_a_file_with_a_near_miss_suffix_is_told_its_right_name(tmp_path):
    people, private = tmp_path / "people", tmp_path / "private"
    for name in ("a.mdown", "b.MKD", "c.yml", "d.YAML"):
        _touch(people / name, "")
    _touch(private / "e.Markdown", "")
    _touch(private / "old" / "f.yml", "")
    fixes = [p.fix for p in person_files(people, private)[2]]
    assert fixes == [
        "Rename it to a.md.",
        "Rename it to b.md.",
        "Rename it to c.yml.",
        "Rename it to d.yml.",
        "Rename it to e.md.",
        "Rename it to f.yml.",
    ]


def test_an_overlay_key_written_twice_is_not_named():
    """Every top-level key of an overlay is private: the owner's own may be a value."""
    _, problems = read_overlay("/p/ada.yml", text="kids: a\nkids: b\n")
    assert [str(p) for p in problems] == [
        "/p/ada.yml, line 2: has a key that appears twice (line 2). Keep one of the "
        "two lines: YAML would silently keep the last."
    ]


def test_a_block_mapping_mistake_names_the_line_it_is_on():
    """Not the line the mapping opened on (line 2): the owner's mistake is line 5."""
    assert problems_of("---\nname: Ada\ntags:\n  - a\n - b\n---\n") == [
        "/log/people/ada.md, line 5: invalid YAML: did not find expected key. "
        f"{INDENT_FIX}"
    ]


BLOCK_LOG = (
    "---\nname: Ada\nprivate:\n  log:\n    - date: 2013-04-16\n      via: coffee\n"
)


def test_a_field_of_a_block_log_entry_names_its_own_line():
    assert problems_of(BLOCK_LOG + "      note: [a]\n---\n") == [
        "/log/people/ada.md, line 7, field 'private.log[0].note': must be text. "
        "Write the note on one line."
    ]


def test_a_key_written_twice_in_a_log_entry():
    assert problems_of(BLOCK_LOG + "      via: call\n---\n") == [
        "/log/people/ada.md, line 7, field 'private.log[0].via': appears twice. "
        "Keep one of the two lines: YAML would silently keep the last."
    ]


def test_an_owners_key_written_twice_in_an_overlay_log_entry_is_not_named():
    _, problems = read_overlay(
        "/p/ada.yml",
        text="log:\n  - date: 2013-04-16\n    via: x\n    mood: a\n    mood: b\n",
    )
    assert [str(p) for p in problems] == [
        "/p/ada.yml, line 5, field 'log[0]': has a key that appears twice (line 5). "
        "Keep one of the two lines: YAML would silently keep the last."
    ]


def test_a_blurb_may_fill_its_cap_and_not_one_byte_more():
    def check(body):
        text = f"---\nname: Ada\nwhere: Leeds\n---\n{body}\n"
        person, problems = check_person("/log/people/ada.md", text=text, limits=CAP)
        return person, [str(p) for p in problems]

    CAP = Limits(blurb_bytes=10)
    assert check("x" * 10)[0].body == "x" * 10
    assert check("é" * 6) == (
        None,
        [
            "/log/people/ada.md, line 5: the blurb is 12 bytes, more than the 10 "
            "allowed. Shorten it: the blurb is a short introduction "
            "(PEOPLE_MAX_BLURB_BYTES raises the cap)."
        ],
    )


# --- the file as a whole ---------------------------------------------------------


def test_a_blurb_may_hold_its_cap_of_brackets_and_not_one_more():
    cap = Limits(blurb_brackets=3)
    front = "---\nname: Ada\n---\n"
    assert check_person("/log/people/ada.md", text=front + "[a] <b> [c]\n", limits=cap)[
        0
    ]
    person, problems = check_person(
        "/log/people/ada.md", text=front + "[a] <b> [c] [\n", limits=cap
    )
    assert person is None
    assert [str(p) for p in problems] == [
        "/log/people/ada.md, line 4: the blurb has 4 '[' and '<' characters, more "
        "than the 3 allowed (each link, image or HTML tag uses one). Keep fewer links "
        "and tags in it (PEOPLE_MAX_BLURB_BRACKETS raises the cap)."
    ]


def test_text_to_check_is_held_to_the_file_cap_as_the_file_would_be():
    """The tasks check an edit before they write it: there is no file to stat yet."""
    text = "---\nname: Ada\n---\n" + "x" * 10  # 28 bytes
    assert check_person("/nowhere/ada.md", text=text, limits=Limits(file_bytes=28))[0]
    person, problems = check_person(
        "/nowhere/ada.md", text=text + "x", limits=Limits(file_bytes=28)
    )
    assert person is None
    assert [p.problem for p in problems] == [
        "is 29 bytes, more than the 28 a person file may hold."
    ]


def test_a_byte_order_mark_is_not_part_of_the_first_line(tmp_path):
    path = tmp_path / "ada.md"
    path.write_bytes("\ufeff---\nname: Ada\n---\n".encode())
    assert check_person(path)[0].name == "Ada"


def test_an_empty_front_matter_asks_for_a_name():
    assert problems_of("---\n---\n") == [
        "/log/people/ada.md, field 'name': is missing. Add a line such as: name: Ada "
        "Example"
    ]


def test_a_front_matter_that_is_a_list():
    assert problems_of("---\n- a\n- b\n---\n") == [
        "/log/people/ada.md, line 2: the front matter is not a list of fields. Write "
        "one 'field: value' per line, starting with name: ..."
    ]


def test_the_front_matter_fences_are_whole_lines():
    assert problems_of("  ---\nname: Ada\n---\n") == [
        "/log/people/ada.md, line 1: the file does not start with a YAML front matter "
        "block. Put '---' on the first line, the fields (name: ...) below it, then "
        "'---' again before the blurb."
    ]
    assert problems_of("---\nname: Ada\n  ---\n") == [
        "/log/people/ada.md, line 1: the front matter block is never closed. Add a "
        "line '---' after the last field, before the blurb."
    ]
    assert person_of("---\nname: Ada\n...\nHello\n").body == "Hello"


def test_a_control_character_is_named_by_its_code():
    (problem,) = problems_of("---\nname: Ada\x07\n---\n")
    assert problem.startswith(
        "/log/people/ada.md: invalid YAML: unacceptable character #x0007: control "
        "characters are not allowed"
    )
    assert problem.endswith(INDENT_FIX)


def test_a_person_keeps_where_it_came_from(tmp_path):
    people, private = tmp_path / "people", tmp_path / "private"
    path = _touch(people / "ada.md", "---\nname: Ada\nprivate:\n  notes: file\n---\n")
    ada = check_person(path, private)[0]
    assert (ada.source, ada.overlay) == (str(path), None)
    assert ada.private_sources == ({"notes": "file"},)
    overlay = _touch(private / "ada.yml", "notes: overlay\n")
    ada = check_person(path, private)[0]
    assert (ada.source, ada.overlay) == (str(path), str(overlay))
    assert ada.private_sources == ({"notes": "file"}, {"notes": "overlay"})
    assert ada.private == {"notes": "overlay"}


def test_problems_of_the_file_and_its_overlay_are_all_kept(tmp_path):
    people, private = tmp_path / "people", tmp_path / "private"
    path = _touch(people / "Ada.md", "---\nname: Ada\n---\n")
    _touch(private / "Ada.yml", "notes: " + "x" * 40 + "\n")
    person, problems = check_person(path, private, limits=Limits(file_bytes=30))
    assert person is None
    assert [p.problem for p in problems] == [
        "the file name is not a valid slug.",
        "is 48 bytes, more than the 30 a person file may hold.",
    ]


def test_a_bad_bluesky_or_mastodon_account_is_explained_in_full():
    assert problems_of('---\nname: Ada\nbluesky: "not a handle!"\n---\n') == [
        "/log/people/ada.md, line 3, field 'bluesky': is not a Bluesky handle or DID. "
        "Write the handle as Bluesky shows it, without @, e.g. bluesky: "
        "ada.bsky.social, or the account's DID, e.g. bluesky: did:plc:…."
    ]
    assert problems_of("---\nname: Ada\nmastodon: nope\n---\n") == [
        "/log/people/ada.md, line 3, field 'mastodon': is not a Mastodon account. "
        "Write user@instance, quoted if it starts with @, e.g. mastodon: "
        '"@ada@example.social" or mastodon: ada@example.social.'
    ]


# PyYAML's own errors, as its parser raises them: a problem with its mark, a context
# alone, or neither. Real files give the first; the others are how PyYAML's classes
# may be raised (its ScannerError and ComposerError take every part as optional), and
# the owner must still get the file, a line where there is one, and the fix.
def _raising(exc):
    def get_single_node(self):
        raise exc

    return get_single_node


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            {"context": "while parsing a block mapping"},
            "invalid YAML: while parsing a block mapping.",
        ),
        ({}, "invalid YAML: is not valid YAML."),
    ],
)
def test_a_yaml_error_with_no_problem_is_still_explained(monkeypatch, error, expected):
    import yaml

    from pelican.plugins.rapport_people import model

    mark = yaml.Mark("<file>", 0, 1, 0, None, None)
    exc = yaml.MarkedYAMLError(problem_mark=mark, **error)
    monkeypatch.setattr(model._Loader, "get_single_node", _raising(exc))
    _, _, problems = model.load_yaml("/log/people/ada.md", "name: Ada\n", 1)
    assert [(p.path, p.line, p.problem) for p in problems] == [
        ("/log/people/ada.md", 2, expected)
    ]


def test_a_yaml_error_with_no_mark_names_the_file_and_no_line(monkeypatch):
    import yaml

    from pelican.plugins.rapport_people import model

    exc = yaml.MarkedYAMLError(problem="found a character that cannot start a token")
    monkeypatch.setattr(model._Loader, "get_single_node", _raising(exc))
    _, _, problems = model.load_yaml("/log/people/ada.md", "name: Ada\n", 1)
    assert [(p.path, p.line) for p in problems] == [("/log/people/ada.md", None)]
    assert problems[0].problem == (
        "invalid YAML: found a character that cannot start a token."
    )


def test_nesting_too_deep_for_the_walk_names_the_file(monkeypatch):
    from pelican.plugins.rapport_people import model

    def too_deep(*args, **kwargs):
        raise RecursionError

    monkeypatch.setattr(model, "_walk_nodes", too_deep)
    _, _, problems = model.load_yaml("/log/people/ada.md", "name: Ada\n", 1)
    assert [str(p) for p in problems] == [
        "/log/people/ada.md: the YAML is nested too deeply to read. Check the "
        "indentation: a person file needs only a few levels."
    ]


def test_an_overlay_is_read_as_utf8_under_a_latin1_locale(monkeypatch, tmp_path):
    """Python reads text in the locale's encoding when none is named; under a Latin-1
    locale (simulated: this machine's locale is UTF-8) "Zoë" would read as "ZoÃ«"."""
    from pathlib import Path

    overlay = tmp_path / "ada.yaml"
    overlay.write_text("notes: Met Zoë at the harbour.\n", encoding="utf-8")
    real = Path.read_text

    def latin1_locale(self, encoding=None, errors=None):
        return real(self, encoding=encoding or "latin-1", errors=errors)

    monkeypatch.setattr(Path, "read_text", latin1_locale)
    private, problems = read_overlay(overlay)
    assert problems == []
    assert private["notes"] == "Met Zoë at the harbour."
