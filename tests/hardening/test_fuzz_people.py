"""Fuzzing the person-file parser: any text, any YAML front matter.

check_person returns (Person, []) or (None, [PersonFileError, ...]); each problem names
the file and says what to do; nothing else escapes, and a private value is never quoted.
"""

import pytest
import yaml
from fuzz_support import FUZZ, JSON, TEXT
from hypothesis import example, given
from hypothesis import strategies as st

from pelican.plugins.rapport_people.model import PersonFileError, check_person

PATH = "content/people/ada-example.md"
FIELDS = [
    "name",
    "twitter",
    "website",
    "met",
    "where",
    "tags",
    "rel",
    "highlights",
    "listed",
    "consent",
    "private",
    "privte",
]
CANARY = "CANARY-PRIVATE-VALUE-7f3a"


def _check(text):
    person, problems = check_person(PATH, text=text)
    assert (person is None) == bool(problems)
    for problem in problems:
        assert isinstance(problem, PersonFileError)
        message = str(problem)
        assert message.startswith(PATH)
        assert problem.fix.strip()
        assert CANARY not in message, "an error quoted a private value"
    return person, problems


@FUZZ
@given(st.text(max_size=300))
@example("")
@example("---")
@example("---\n---")
@example("---\n[1, 2\n---\n")
@example("---\n" + "[" * 5000 + "\n---\n")
@example("---\nname: !!python/object/apply:os.system ['true']\n---\n")
@example("\ufeff---\nname: Ada\n---\n")
@example("---\nname: Ada\n...\nbody")
def test_any_text(text):
    _check(text)


@pytest.mark.parametrize(
    "text",
    [
        "---\n&a [*a]\n---\n",
        "---\nname: Ada\nprivate: &p {notes: *p}\n---\n",
        "---\n" + "".join(" " * i + f"k{i}:\n" for i in range(1500)) + "---\n",
    ],
    ids=["self-alias", "self-alias-in-private", "deep-mapping"],
)
def test_recursive_or_deep_yaml_is_a_person_file_error(text):
    _check(text)


def _document(fields):
    head = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)
    return f"---\n{head}---\nA blurb with <script>alert(1)</script>.\n"


VALUE = st.one_of(TEXT, JSON, st.dates().map(str))  # public: may be quoted
FRONT_MATTER = st.dictionaries(
    st.sampled_from(FIELDS) | st.text(max_size=8), VALUE, max_size=8
).map(lambda d: {"name": "Ada Example", **d})
PRIVATE = st.dictionaries(
    st.sampled_from(["email", "notes", "keep_in_touch", "log", "other"]),
    st.one_of(
        st.just(CANARY),
        st.lists(
            st.fixed_dictionaries(
                {
                    "date": st.just(CANARY) | st.dates().map(str),
                    "note": st.just(CANARY),
                },
                optional={"via": TEXT},
            ),
            max_size=2,
        ),
        JSON,
    ),
    max_size=4,
)


@FUZZ
@given(FRONT_MATTER, PRIVATE)
def test_any_front_matter(fields, private):
    fields = {**fields, "private": private}
    try:
        text = _document(fields)
    except yaml.YAMLError:
        return
    person, _problems = _check(text)
    if person is not None:
        assert person.name == fields["name"]
        assert person.private.get("notes", CANARY) in (CANARY, private.get("notes"))
