"""Initials avatars: deterministic SVG files with no script, style or name in them."""

import lxml.etree
import pytest

from pelican.plugins.rapport_people.avatar import avatar_svg, colour, initials
from pelican.plugins.rapport_site.check import xml_scripts


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ada Example", "AE"),
        ("Chloé de la Sample", "CS"),
        ("Prince", "P"),
        ("  ", "?"),
        ("<script>alert(1)</script>", "S"),
        ("李 小龍", "李小"),
    ],
)
def test_initials(name, expected):
    assert initials(name) == expected


def test_same_slug_same_bytes_other_slug_other_colour():
    assert avatar_svg("ada-example", "Ada Example") == avatar_svg(
        "ada-example", "Ada Example"
    )
    assert colour("ada-example") != colour("ben-placeholder")


def test_the_file_holds_initials_only_and_no_script_or_style():
    name = '<Ada> "Example" & co'
    data = avatar_svg("ada", name)
    tree = lxml.etree.fromstring(data)
    assert tree.tag == "{http://www.w3.org/2000/svg}svg"
    assert tree.get("width") == tree.get("height") == "96"
    assert "Example" not in data.decode("utf-8")
    assert xml_scripts(tree.getroottree(), lambda url: "other") == []
    assert b"style" not in data and b"href" not in data
