"""The bench harness works: generator and runner at a tiny scale. No timing assertions."""

import hashlib
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import generate  # noqa: E402
import run  # noqa: E402

TINY = dict(
    posts=6, people=6, listed=3, tweets=60, embeds=2, core=30, seed=7, part_size=25
)
RATIOS = [
    "1",
    "2",
    "3",
    "4a",
    "4b",
    "5a",
    "5b",
    "6",
    "8a",
    "8b",
    "8c",
    "8d",
    "7a",
    "7b",
    "13a",
    "13b",
    "13c",
    "13d",
]


def digest(folder: Path) -> dict:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def read_ytd(path: Path) -> list:
    text = path.read_text(encoding="utf-8")
    prefix, _, body = text.partition(" = ")
    assert prefix.startswith("window.YTD.")
    return json.loads(body)


@pytest.mark.slow
def test_same_arguments_give_the_same_site_byte_for_byte(tmp_path):
    scale = generate.Scale(**TINY)
    generate.generate(tmp_path / "a", scale)
    generate.generate(tmp_path / "b", scale)
    generate.generate(tmp_path / "c", generate.Scale(**{**TINY, "seed": 8}))
    a, b, c = digest(tmp_path / "a"), digest(tmp_path / "b"), digest(tmp_path / "c")
    assert a == b
    assert a != c
    assert generate.is_current(tmp_path / "a", scale)
    assert not generate.is_current(
        tmp_path / "a", generate.Scale(**{**TINY, "posts": 7})
    )


@pytest.mark.slow
def test_generated_site_has_the_requested_shape(tmp_path):
    site = tmp_path / "site"
    manifest = generate.generate(site, generate.Scale(**TINY))
    data = site / "archive" / "data"
    parts = ["tweets.js", "tweets-part1.js", "tweets-part2.js"]
    assert sorted(p.name for p in data.glob("tweets*.js")) == sorted(parts)
    tweets = [item["tweet"] for name in parts for item in read_ytd(data / name)]
    assert len(tweets) == 60 == manifest["counts"]["tweets"]
    assert len({t["id"] for t in tweets}) == 60
    core = [i["tweet"] for i in read_ytd(site / "archive-core" / "data" / "tweets.js")]
    assert {t["id"] for t in core} <= {t["id"] for t in tweets}
    # Entities index the unescaped text by code point.
    for t in tweets:
        text = (
            t["full_text"]
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
        )
        for m in t["entities"]["user_mentions"]:
            start, end = int(m["indices"][0]), int(m["indices"][1])
            assert text[start:end] == "@" + m["screen_name"]
        for u in t["entities"]["urls"]:
            start, end = int(u["indices"][0]), int(u["indices"][1])
            assert text[start:end] == u["url"]
    people = list((site / "content" / "people").glob("*.md"))
    assert len(people) == 6
    assert sum("listed: true" in p.read_text() for p in people) == 3
    embeds = [
        line
        for p in (site / "content" / "posts").glob("*.md")
        for line in p.read_text().splitlines()
        if "/status/" in line
    ]
    assert len(embeds) == 2
    assert all(line.startswith("https://") and " " not in line for line in embeds)


@pytest.mark.slow
def test_runner_prints_every_ratio_and_appends_a_row(tmp_path):
    results = tmp_path / "RESULTS.md"
    argv = [f"--{k.replace('_', '-')}={v}" for k, v in TINY.items()]
    argv += [
        "--runs",
        "1",
        "--results",
        str(results),
        "--sites",
        str(tmp_path / "sites"),
    ]
    out = run.main(argv)

    assert [row[0] for row in out["ratios"]] == RATIOS
    for number, _label, measured, _limit, verdict, detail in out["ratios"]:
        assert verdict.split(" ")[0] in ("met", "MISSED", "n/a"), number
        if verdict == "n/a":
            assert detail, f"ratio {number} is n/a without a reason"
        else:
            float(measured)
    measured = {row[0]: row for row in out["measurements"]}
    plain = measured["plain Pelican build (our plugins off)"]
    assert int(plain[1]) == 1 and float(plain[2]) > 0 and int(plain[5]) > 6
    title = measured[
        "preview mode regenerate: warm run after editing another post's title"
    ]
    assert int(title[1]) == 1 and float(title[2]) > 0
    text = results.read_text(encoding="utf-8")
    assert text.startswith("# Benchmark results")
    assert text.count("\n## ") == 1
    assert "| 4a | archive import / json.loads floor, time |" in text
    assert "cores" in text
