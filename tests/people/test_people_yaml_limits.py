"""YAML anchors, aliases and deep nesting: a clear PersonFileError, never a RecursionError.

An alias shares a node, so `&a [*a]` is a list that contains itself and nine aliases of
nine aliases expand to 9**7 values ("billion laughs"). Person files have no use for
either; the parser refuses the first anchor or alias before it builds anything.
"""

import pytest

from pelican.plugins.rapport_people import model
from pelican.plugins.rapport_people.model import check_person

ALIAS_FIX = (
    "person files cannot use YAML anchors or aliases (&name / *name); write the value "
    "out (quote text that starts with & or *)."
)
DEPTH_FIX = (
    "the YAML is nested more than 64 levels deep. Check the indentation: a person file "
    "needs only a few levels."
)


# These tests hold the parser's own limits, beneath the file size cap (a 1,500-level
# block mapping is a megabyte of indentation).
NO_SIZE_CAP = model.Limits(file_bytes=2**30)


def only_problem(path, private_dir=None):
    person, problems = check_person(path, private_dir, limits=NO_SIZE_CAP)
    assert person is None
    assert len(problems) == 1, [str(p) for p in problems]
    return str(problems[0])


def billion_laughs(indent=""):
    """Seven levels of nine aliases each: 9**7 (4.8 million) strings once expanded."""
    lines = [f"{indent}a: &a [" + ", ".join(["lol"] * 9) + "]"]
    for previous, name in zip("abcdef", "bcdefg", strict=True):
        lines.append(
            f"{indent}{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]"
        )
    return "\n".join(lines)


def nested_lists(depth):
    """A person file whose private 'other' value makes the YAML `depth` levels deep."""
    # Every node is a level: the top mapping 1, private's mapping 2, the lists 3 to
    # depth - 1, the innermost scalar `depth`.
    lists = depth - 3
    return f"name: Ada\nprivate:\n  other: {'[' * lists}x{']' * lists}"


@pytest.mark.parametrize(
    ("front", "line"),
    [
        ("&a [*a]", 2),
        ("name: Ada\nprivate: &p {notes: *p}", 3),
        ("name: Ada\nwhere: &w The Old Bank", 3),
        ("name: Ada\nprivate:\n  notes: *important", 4),
        ("name: &n Ada\nwhere: *n", 2),
    ],
    ids=[
        "self-alias",
        "self-alias-in-private",
        "anchor-alone",
        "undefined-alias",
        "alias",
    ],
)
def test_anchors_and_aliases_are_refused(person_file, front, line):
    path = person_file("ada", front)
    assert only_problem(path) == f"{path}, line {line}: {ALIAS_FIX}"


def test_billion_laughs_is_refused_at_its_first_anchor(person_file):
    path = person_file(
        "ada", f"name: Ada\nprivate:\n  notes:\n{billion_laughs('    ')}"
    )
    assert only_problem(path) == f"{path}, line 5: {ALIAS_FIX}"


def test_an_overlay_with_aliases_is_refused_naming_the_overlay(tmp_path, person_file):
    path = person_file("ada", "name: Ada")
    private = tmp_path / "private"
    private.mkdir()
    overlay = private / "ada.yml"
    overlay.write_text(f"notes: x\nother:\n{billion_laughs('  ')}\n", encoding="utf-8")
    assert only_problem(path, private) == f"{overlay}, line 3: {ALIAS_FIX}"


def test_an_orphan_overlay_with_a_self_alias_is_refused(tmp_path):
    (tmp_path / "people").mkdir()
    private = tmp_path / "private"
    private.mkdir()
    overlay = private / "gone.yml"
    overlay.write_text("log: &l [*l]\n", encoding="utf-8")
    people = model.check_people(tmp_path / "people", private)
    assert [str(p) for p in people.problems] == [f"{overlay}, line 1: {ALIAS_FIX}"]


def test_a_mapping_nested_1500_deep_is_refused(person_file):
    path = person_file("ada", "".join(" " * i + f"k{i}:\n" for i in range(1500)))
    # k0 is on line 2; the key k63, on line 65, is the 65th level (every node counts).
    assert only_problem(path) == f"{path}, line 65: {DEPTH_FIX}"


def test_unclosed_brackets_5000_deep_are_refused(person_file):
    path = person_file("ada", "[" * 5000)
    assert only_problem(path) == f"{path}, line 2: {DEPTH_FIX}"


def test_nesting_up_to_the_limit_parses_and_one_more_is_refused(person_file):
    ada = check_person(person_file("ada", nested_lists(64)))[0]
    assert ada is not None and ada.private["other"]
    path = person_file("ada", nested_lists(65))
    assert only_problem(path) == f"{path}, line 4: {DEPTH_FIX}"


def test_a_recursion_error_is_still_a_person_file_error(person_file, monkeypatch):
    # The backstop behind the depth limit: without the limit, composing 1,500 levels
    # exhausts Python's stack.
    monkeypatch.setattr(model, "MAX_YAML_DEPTH", 10**6)
    path = person_file("ada", "".join(" " * i + f"k{i}:\n" for i in range(1500)))
    assert only_problem(path) == (
        f"{path}: the YAML is nested too deeply to read. Check the indentation: a "
        "person file needs only a few levels."
    )


@pytest.mark.parametrize(
    ("text", "name"),
    [("name: Ada & Bo", "Ada & Bo"), ('name: "&Co"', "&Co"), ("name: x*y", "x*y")],
)
def test_ampersands_and_stars_inside_values_are_fine(person_file, text, name):
    person, problems = check_person(person_file("ada", text))
    assert problems == []
    assert person.name == name
