"""One CSS naming scheme, BEM (the rule heads theme/static/css/main.css), on every page
of the sample site and in every stylesheet, theme's and plugins'."""

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
STYLESHEETS = sorted(
    [
        *(ROOT / "theme/static/css").glob("*.css"),
        *(ROOT / "plugins").glob("*/pelican/plugins/*/static/*.css"),
    ]
)
WORD = r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*"
BEM = re.compile(rf"^(?P<block>{WORD})(?:__(?P<element>{WORD}))?(?:--{WORD})?$")
# Microformats classes mark data for parsers, not style; Pygments names its tokens.
MICROFORMAT = re.compile(r"^(?:h|p|u|dt|e)-[a-z]")
SELECTOR_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
COMMENT = re.compile(r"/\*.*?\*/", re.S)


def _classes(element):
    return (element.get("class") or "").split()


def _misnamed(element):
    """Why each class of `element` breaks the scheme, or nothing."""
    own = _classes(element)
    above = {c for e in element.iterancestors() for c in _classes(e)}
    for name in own:
        if MICROFORMAT.match(name) or element.xpath("ancestor::*[@class='highlight']"):
            continue
        match = BEM.match(name)
        if not match:
            yield f"{name}: not block, block__element or block--modifier"
            continue
        block, element_name = match["block"], match["element"]
        if "--" in name and block not in own and f"{block}__{element_name}" not in own:
            yield f"{name}: a modifier without its block's class on the same element"
        if element_name and block not in above:
            yield f"{name}: an element outside its block .{block}"
        # A flat name under its block (people-card-name in .people-card) is an element
        # spelt like a block: block__element says which block it belongs to.
        parts = block.split("-")
        for cut in range(1, len(parts)):
            if "-".join(parts[:cut]) in above:
                yield f"{name}: inside .{'-'.join(parts[:cut])}, name it as its element"


def test_every_class_on_every_page_follows_bem(sample_site):
    problems = []
    for page in sample_site.html_files():
        for element in sample_site.tree(page).iter():
            if not isinstance(element.tag, str):
                continue
            problems += [
                f"{sample_site.rel(page)}: {why}" for why in _misnamed(element)
            ]
    assert not sorted(set(problems)), "\n".join(sorted(set(problems)))


def _selector_classes():
    """(stylesheet, class) for every class a stylesheet's selectors name, but Pygments'."""
    for sheet in STYLESHEETS:
        text = COMMENT.sub("", sheet.read_text(encoding="utf-8"))
        for rule in re.findall(r"([^{}]+)\{", text):
            if not rule.strip().startswith(".highlight"):
                for name in SELECTOR_CLASS.findall(rule):
                    yield sheet.relative_to(ROOT), name


def test_every_class_selector_follows_bem():
    names = [(sheet, name) for sheet, name in _selector_classes()]
    blocks = {m["block"] for _, name in names if (m := BEM.match(name))}
    problems = []
    for sheet, name in names:
        match = BEM.match(name)
        if MICROFORMAT.match(name):
            continue
        if not match:
            problems.append(
                f"{sheet}: .{name} is not block, block__element or block--modifier"
            )
            continue
        parts = match["block"].split("-")
        for cut in range(1, len(parts)):
            if (block := "-".join(parts[:cut])) in blocks:
                problems.append(f"{sheet}: .{name} is spelt as a block beside .{block}")
    assert not problems, "\n".join(sorted(set(problems)))
