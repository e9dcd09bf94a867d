"""Person files: every bad input gives one exact, fixable message; good input parses."""

import datetime as dt

import pytest

from pelican.plugins.rapport_people.model import (
    Interval,
    PartialDate,
    PeopleError,
    PeopleInvalid,
    _without_file_text,
    check_people,
    check_person,
    load_people,
    parse_date,
    parse_highlight,
    parse_interval,
    read_person,
)

ADA = """
    name: Ada Example
    twitter: adaexample
    website: https://ada.example
    met: 2013-04-16
    where: Coffee after a Manchester digital meetup
    tags: [law, marketing]
    rel: [met, colleague]
    highlights: [1626922779105759235, "https://twitter.com/ada/status/42?s=20"]
    listed: true
    consent: 2013-04-20, by email
    private:
      email: ada@example.com
      notes: Knows everyone.
      keep_in_touch: 8w
      log:
        - {date: 2013-04-02, via: twitter, note: Long thread}
        - {date: 2013-04-16, via: Coffee, note: Met at the Old Bank}
"""


def only_problem(path, private_dir=None):
    person, problems = check_person(path, private_dir)
    assert person is None
    assert len(problems) == 1, [str(p) for p in problems]
    return str(problems[0])


def test_a_full_person_file_parses(person_file):
    path = person_file("ada-example", ADA, "Ada writes about law.\n")
    ada = read_person(path)
    assert ada.slug == "ada-example"
    assert ada.name == "Ada Example"
    assert ada.twitter == "adaexample"
    assert ada.met == PartialDate(2013, 4, 16)
    assert ada.tags == ("law", "marketing")
    assert ada.rel == ("met", "colleague")
    assert ada.highlights == ("1626922779105759235", "42")
    assert ada.listed is True
    assert ada.keep_in_touch == Interval(8, "w")
    assert [e.date for e in ada.log] == [dt.date(2013, 4, 2), dt.date(2013, 4, 16)]
    assert ada.log[1].via == "coffee"
    assert ada.body == "Ada writes about law."


def test_defaults_of_a_minimal_file(person_file):
    person = read_person(person_file("ben", "name: Ben"))
    assert (person.listed, person.rel, person.tags, person.private) == (
        False,
        ("met",),
        (),
        {},
    )


def test_a_leading_at_is_dropped_from_the_handle(person_file):
    assert read_person(person_file("ben", 'name: Ben\ntwitter: "@Ben_P"')).twitter == (
        "Ben_P"
    )


def test_typo_in_a_field_name_suggests_the_field(person_file):
    path = person_file("ada", "name: Ada\nprivte:\n  email: a@example.com")
    assert only_problem(path) == (
        f"{path}, line 3, field 'privte': is not a field of a person file. Did you "
        "mean 'private'? Rename it; the fields are: name, twitter, bluesky, mastodon, website, met, "
        "where, tags, rel, highlights, photo, listed, consent, private."
    )


def test_unknown_field_without_a_close_match(person_file):
    path = person_file("ada", "name: Ada\nshoe_size: 5")
    assert only_problem(path) == (
        f"{path}, line 3, field 'shoe_size': is not a field of a person file. Remove "
        "it; the fields are: name, twitter, bluesky, mastodon, website, met, where, tags, rel, "
        "highlights, photo, listed, consent, private."
    )


@pytest.mark.parametrize(
    "value", ["2013-13-01", "2013-02-30", "13/04/2013", "2013-4-1"]
)
def test_bad_met_date(person_file, value):
    path = person_file("ada", f"name: Ada\nmet: {value}")
    assert only_problem(path) == (
        f"{path}, line 3, field 'met': is not a date. Write YYYY-MM-DD, "
        "YYYY-MM or YYYY, e.g. met: 2013-04-16."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2013", PartialDate(2013)),
        ("2013-04", PartialDate(2013, 4)),
        ("2013-04-16", PartialDate(2013, 4, 16)),
        (2013, PartialDate(2013)),
    ],
)
def test_partial_dates(text, expected):
    assert parse_date(text) == expected


def test_partial_date_display():
    assert PartialDate(2013, 4, 16).display == "16 April 2013"
    assert PartialDate(2013, 4).display == "April 2013"
    assert PartialDate(2013).iso == "2013"


def test_missing_name(person_file):
    path = person_file("ada", "twitter: ada")
    assert only_problem(path) == (
        f"{path}, field 'name': is missing. Add a line such as: name: Ada Example"
    )


def test_invalid_yaml_names_the_file_line(person_file):
    path = person_file("ada", "name: Ada\nwhere: a: b\nlisted: false")
    message = only_problem(path)
    assert message.startswith(f"{path}, line 3: invalid YAML: ")
    assert message.endswith(
        "Check the indentation and quoting on that line: quote text that contains "
        "': ' or ' #', or starts with [, {, &, * or !."
    )


@pytest.mark.parametrize(
    ("opening", "fix"),
    [
        ("tags: [law, marketing", "Close the list that opens on that line with ]"),
        ("tags: {law: yes", "Close the {...} that opens on that line with }"),
        ('where: "Old Bank', "Close the quoted text that opens on that line"),
    ],
)
def test_an_unclosed_bracket_or_quote_names_the_line_it_opens_on(
    person_file, opening, fix
):
    # Line 4 opens it; the parser only gives up two lines further down.
    front = f"name: Ada\ntwitter: ada\n{opening}\nlisted: false\nmet: 2013"
    path = person_file("ada", front)
    message = only_problem(path)
    assert message.startswith(f"{path}, line 4: invalid YAML: "), message
    assert fix in message
    # The parser's own one-character quotes survive the removal of quoted file text.
    assert "a value]" not in message and "',a value" not in message


def test_yaml_problem_keeps_the_parsers_punctuation_and_hides_file_text():
    assert _without_file_text("did not find expected ',' or ']'") == (
        "did not find expected ',' or ']'"
    )
    assert _without_file_text("found undefined alias 'secret-name'") == (
        "found undefined alias a value"
    )


def test_unquoted_at_handle_gets_a_specific_fix(person_file):
    path = person_file("ada", "name: Ada\ntwitter: @adaexample")
    message = only_problem(path)
    # libyaml and pure-Python PyYAML word the problem differently; the fix is ours.
    assert message.startswith(f"{path}, line 3: invalid YAML: found character ")
    assert message.endswith(
        "that cannot start any token. Quote the value or drop the leading @: a YAML "
        'value cannot start with @, e.g. twitter: adaexample or twitter: "@adaexample".'
    )


def test_listed_without_consent(person_file):
    path = person_file("ada", "name: Ada\nlisted: true")
    assert only_problem(path) == (
        f"{path}, field 'consent': is required because listed is true. Record how and "
        "when they agreed to be listed, e.g. consent: 2013-04-20, by email; or set "
        "listed: false."
    )


def test_listed_must_be_a_boolean(person_file):
    path = person_file("ada", "name: Ada\nlisted: maybe")
    assert only_problem(path) == (
        f"{path}, line 3, field 'listed': must be true or false. Write listed: true "
        "or listed: false."
    )


@pytest.mark.parametrize("handle", ["ada example", "ada-example", "a" * 16, "@"])
def test_bad_handle(person_file, handle):
    path = person_file("ada", f'name: Ada\ntwitter: "{handle}"')
    assert only_problem(path) == (
        f"{path}, line 3, field 'twitter': is not an X/Twitter handle. Use "
        "1 to 15 letters, digits or underscores, e.g. twitter: adaexample."
    )


def test_bad_highlight_names_the_item_line(person_file):
    path = person_file(
        "ada", "name: Ada\nhighlights:\n  - 123\n  - https://example.com/status/1"
    )
    assert only_problem(path) == (
        f"{path}, line 5, field 'highlights[1]': is "
        "not a tweet id or a post address. Use the digits of the id or the full "
        "address, e.g. https://x.com/samsample/status/1626922779105759235, a Mastodon "
        "status address, or a Bluesky post's address with the account's DID "
        "(bsky.app/profile/did:…/post/…)."
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1626922779105759235, "1626922779105759235"),
        ("https://x.com/ada/status/42", "42"),
        ("https://mobile.twitter.com/ada/statuses/42/photo/1", "42"),
        ("https://x.com/ada/status/42?s=20", "42"),
        ("https://x.com/ada", None),
        ("javascript:alert(1)//status/1", None),
        (True, None),
    ],
)
def test_highlight_forms(value, expected):
    assert parse_highlight(value) == expected


@pytest.mark.parametrize(
    "website",
    ["javascript:alert(1)", "ftp://ada.example", "ada.example", 'https://a.example/"x'],
)
def test_bad_website_is_rejected_at_validation(person_file, website):
    path = person_file("ada", f"name: Ada\nwebsite: '{website}'")
    assert only_problem(path) == (
        f"{path}, line 3, field 'website': must be an http:// or https:// "
        "address with no spaces or quotes. Write the full address, e.g. website: "
        "https://ada.example"
    )


def test_bad_rel_suggests_an_xfn_value(person_file):
    path = person_file("ada", "name: Ada\nrel: [met, colleage]")
    message = only_problem(path)
    assert message.startswith(
        f"{path}, line 3, field 'rel[1]': is not an XFN relationship. "
        "Did you mean 'colleague'? Use values from: contact, acquaintance,"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [("30d", Interval(30, "d")), ("8w", Interval(8, "w")), ("3m", Interval(3, "m"))],
)
def test_keep_in_touch_intervals(text, expected):
    assert parse_interval(text) == expected


def test_months_keep_the_day_when_they_can():
    assert Interval(1, "m").after(dt.date(2013, 1, 31)) == dt.date(2013, 2, 28)
    assert Interval(3, "m").after(dt.date(2013, 11, 16)) == dt.date(2014, 2, 16)
    assert Interval(2, "w").after(dt.date(2013, 1, 1)) == dt.date(2013, 1, 15)


def test_bad_keep_in_touch_does_not_quote_the_private_value(person_file):
    path = person_file("ada", "name: Ada\nprivate:\n  keep_in_touch: sometimes-secret")
    message = only_problem(path)
    assert message == (
        f"{path}, line 4, field 'private.keep_in_touch': is not a number of days, weeks "
        "or months. Write a number and d, w or m, e.g. keep_in_touch: 30d, 8w or 3m."
    )
    assert "sometimes-secret" not in message


def test_misspelt_private_key_that_matters(person_file):
    path = person_file("ada", "name: Ada\nprivate:\n  keep_in_tuch: 8w")
    assert only_problem(path) == (
        f"{path}, line 4, field 'private': has an unknown key on line 4 that looks "
        "like a misspelt 'keep_in_touch'. Rename it to 'keep_in_touch'."
    )


def test_private_may_hold_the_owners_own_keys(person_file):
    path = person_file("ada", "name: Ada\nprivate:\n  phone: '0161 496 0000'")
    assert read_person(path).private == {"phone": "0161 496 0000"}


def test_log_entry_with_an_unquoted_comma_gets_a_hint(person_file):
    path = person_file(
        "ada",
        "name: Ada\nprivate:\n  log:\n    - {date: 2013-04-02, via: coffee, note: Tea, cake}",
    )
    assert only_problem(path) == (
        f"{path}, line 5, field 'private.log[0]': has an unknown key on line 5 that "
        "is not a field of a log entry. If it is part of the note, quote the note: "
        "inside { } a comma starts a new field."
    )


def test_log_entry_needs_a_full_date(person_file):
    path = person_file(
        "ada", "name: Ada\nprivate:\n  log:\n    - {date: 2013-04, via: call}"
    )
    assert only_problem(path) == (
        f"{path}, line 5, field 'private.log[0].date': is missing or not a full date. "
        "Write the day of the contact as YYYY-MM-DD, e.g. date: 2013-04-16."
    )


def test_a_key_written_twice(person_file):
    path = person_file("ada", "name: Ada\nname: Ada Again")
    assert only_problem(path) == (
        f"{path}, line 3, field 'name': appears twice. Keep one of the two lines: YAML "
        "would silently keep the last."
    )


def test_file_without_front_matter(tmp_path):
    path = tmp_path / "ada.md"
    path.write_text("name: Ada\n", encoding="utf-8")
    assert only_problem(path) == (
        f"{path}, line 1: the file does not start with a YAML front matter block. Put "
        "'---' on the first line, the fields (name: ...) below it, then '---' again "
        "before the blurb."
    )


def test_file_name_must_be_a_slug(person_file):
    path = person_file("Ada Example", "name: Ada")
    assert only_problem(path) == (
        f"{path}: the file name is not a valid slug. Rename it with lowercase letters, "
        "digits and dashes, e.g. ada-example.md."
    )


def test_duplicate_slug_across_folders(tmp_path, person_file):
    first = person_file("ada", "name: Ada", folder=tmp_path / "people" / "2013")
    second = person_file("ada", "name: Ada Too", folder=tmp_path / "people" / "2014")
    people = check_people(tmp_path / "people")
    assert [str(p) for p in people.problems] == [
        f"{second}: the slug 'ada' is already used by {first}. Rename one of the two "
        "files: the file name is the page address."
    ]


def test_duplicate_handle(tmp_path, person_file):
    first = person_file("ada", "name: Ada\ntwitter: AdaX")
    second = person_file("ada-two", "name: Ada\ntwitter: adax")
    assert [str(p) for p in check_people(tmp_path / "people").problems] == [
        # files are read in name order: ada-two.md comes before ada.md
        f"{first}, field 'twitter': the same handle is already used by {second}. "
        "Keep one person per handle: merge the two files."
    ]


def test_every_problem_is_collected(tmp_path, person_file):
    person_file("ada", "name: Ada\nmet: 2013-13\nlisted: true\nprivte: {}")
    person_file("ben", "twitter: 'no spaces'")
    person_file("chloe", "name: Chloe")
    with pytest.raises(PeopleInvalid) as caught:
        load_people(tmp_path / "people")
    fields = sorted((p.path.rsplit("/", 1)[-1], p.field) for p in caught.value.problems)
    assert fields == [
        ("ada.md", "consent"),
        ("ada.md", "met"),
        ("ada.md", "privte"),
        ("ben.md", "name"),
        ("ben.md", "twitter"),
    ]
    assert str(caught.value).startswith("5 problems in the contact log:\n  - ")
    assert isinstance(caught.value, PeopleError)


def test_overlay_is_merged_and_logs_add_up(tmp_path, person_file):
    path = person_file(
        "ada",
        "name: Ada\nprivate:\n  notes: old\n  log:\n    - {date: 2013-04-02, via: tweet}",
    )
    private = tmp_path / "private"
    private.mkdir()
    (private / "ada.yml").write_text(
        "notes: from the overlay\nkeep_in_touch: 30d\nlog:\n"
        "  - {date: 2013-05-01, via: coffee}\n",
        encoding="utf-8",
    )
    ada = read_person(path, private)
    assert ada.private["notes"] == "from the overlay"
    assert ada.keep_in_touch == Interval(30, "d")
    assert [e.via for e in ada.log] == ["tweet", "coffee"]
    assert ada.overlay == str(private / "ada.yml")


def test_overlay_problems_name_the_overlay_file(tmp_path, person_file):
    path = person_file("ada", "name: Ada")
    private = tmp_path / "private"
    private.mkdir()
    overlay = private / "ada.yml"
    overlay.write_text("private:\n  notes: x\n", encoding="utf-8")
    assert only_problem(path, private) == (
        f"{overlay}, line 1, field 'private': an overlay holds the private fields "
        "themselves. Remove the 'private:' line and move its fields to the top level."
    )


def test_an_overlay_without_a_person_file_is_kept_for_the_audit(tmp_path):
    (tmp_path / "people").mkdir()
    private = tmp_path / "private"
    private.mkdir()
    (private / "gone.yml").write_text("notes: still private\n", encoding="utf-8")
    people = load_people(tmp_path / "people", private)
    assert people.persons == []
    assert people.orphan_overlays == {"gone": {"notes": "still private"}}


def test_a_build_never_modifies_the_source(person_file):
    path = person_file("ada", ADA, "Body.\n")
    before = path.read_bytes()
    read_person(path)
    assert path.read_bytes() == before
