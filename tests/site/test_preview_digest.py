"""Preview mode's digests of template values (rapport_site/incremental.py): equal values
have one digest, and any change a template could show gives another."""

import dataclasses

import pytest
from pelican.paginator import Paginator
from pelican.settings import DEFAULT_CONFIG

from pelican.plugins.rapport_site import incremental


@pytest.fixture
def build(monkeypatch):
    """One build's memo, as the preview writer holds it while it writes."""
    monkeypatch.setattr(incremental, "_build", incremental._Build())
    return incremental._build


def test_a_dict_is_digested_by_its_keys_not_their_order(build):
    digest = incremental.digest
    assert digest({"b": 1, "a": [2]}) == digest({"a": [2], "b": 1})
    assert digest({"a": 1, "b": 2}) != digest({"a": 2, "b": 1})
    # str keys (the fast path) and other keys (the general one) meet nowhere.
    assert digest({"1": "x"}) != digest({1: "x"})
    assert digest({1: "x", "1": "x"}) == digest({"1": "x", 1: "x"})
    # Keys in an order where code points and the general path agree ("é" after "z").
    assert digest({"é": 1, "z": 2}) == digest({"z": 2, "é": 1})


def test_a_dataclass_is_digested_by_its_fields_and_class(build):
    @dataclasses.dataclass(frozen=True)
    class Person:
        name: str
        tags: tuple

    @dataclasses.dataclass(frozen=True)
    class Other:
        name: str
        tags: tuple

    digest = incremental.digest
    assert digest(Person("Ada", ("law",))) == digest(Person("Ada", ("law",)))
    assert digest(Person("Ada", ("law",))) != digest(Person("Ada", ("art",)))
    assert digest(Person("Ada", ("law",))) != digest(Other("Ada", ("law",)))


def test_a_next_page_has_the_digest_of_the_same_page(build):
    settings = {**DEFAULT_CONFIG, "DEFAULT_ORPHANS": 0}
    items = [f"post {n}" for n in range(25)]
    paginator = Paginator("index.html", "", items, settings, per_page=10)
    first, second = paginator.page(1), paginator.page(2)
    again = paginator.page(2)  # Pelican makes a new Page for "next" and for "this"
    digest = incremental.digest
    assert digest(again) == digest(second) != digest(first)
    # A Page of that paginator and number whose items differ is digested anew.
    changed = paginator.page(2)
    changed.object_list = [*changed.object_list[:-1], "an edited post"]
    assert digest(changed) != digest(second)
