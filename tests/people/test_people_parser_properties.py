"""Any text in a person file gives a Person or our own errors, never a traceback."""

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pelican.plugins.rapport_people.model import PersonFileError, check_person

FIELDS = ["name", "twitter", "website", "met", "where", "tags", "rel", "highlights",
          "listed", "consent", "private", "log", "date", "via", "note", "keep_in_touch"]  # fmt: skip
YAMLISH = st.lists(
    st.one_of(
        st.sampled_from([*FIELDS, ": ", "\n", "  ", "- ", "[", "]", "{", "}", ",", "@",
                         "'", '"', "#", "&a", "*a", "!!str", "2013-13-01", "8w", "true",
                         "---", "|", ">", "? ", "null", "1e9", "\t"]),
        st.text(string.printable, max_size=5),
    ),
    max_size=40,
).map("".join)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front=YAMLISH, body=st.text(max_size=50))
def test_any_front_matter_parses_or_gives_our_errors(tmp_path_factory, front, body):
    path = tmp_path_factory.mktemp("p") / "someone.md"
    path.write_text(f"---\n{front}\n---\n{body}", encoding="utf-8")
    person, problems = check_person(path)
    assert (person is None) == bool(problems)
    for problem in problems:
        assert isinstance(problem, PersonFileError)
        assert str(problem).startswith(str(path))
