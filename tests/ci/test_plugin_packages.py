"""The people and tweets plugins as packages another Pelican site installs.

pip installs each from its folder (plugins/<name>/pyproject.toml) into a fresh virtualenv
beside Pelican itself; a site made by `pelican-quickstart`, with Pelican's default theme
and no PLUGINS setting (Pelican then loads every installed namespace plugin), gets
people pages and tweet cards from the plugins' own fallback templates. The plugins'
dependencies come from this kit's virtualenv through a .pth file, so that the test
installs only what it tests; `pip check` then holds the ranges the packages declare
against those versions.
"""

import shutil
import site
import subprocess
import sys
import venv
from importlib.metadata import version
from pathlib import Path

import pytest
from lxml import html

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow

PACKAGES = ("rapport_tweets", "rapport_people")
# pelican-quickstart's questions: site folder, title, author, language (the defaults
# given on its command line), no URL prefix, no pagination, time zone, no tasks.py.
HOSTILE_NAME = "Eve <img src=x onerror=alert(1)>"
QUICKSTART_ANSWERS = "\n\n\n\nn\nn\nEurope/London\nn\n"
HOSTILE = """---
name: "Eve <img src=x onerror=alert(1)>"
met: 2014-01-02
where: "<script>alert(2)</script> in a cafe"
listed: true
consent: 2014-01-03, by email
---
Met at a meetup.
"""
TWEET = "1000000000000000101"  # the owner to @adaexample, in the sample store


def _run(*args, cwd=None, stdin=None):
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"{args[:4]}: {result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def stock_site(tmp_path_factory):
    """(python of the fresh virtualenv, folder of a pelican-quickstart site)."""
    base = tmp_path_factory.mktemp("stock")
    env = base / "venv"
    venv.EnvBuilder(with_pip=False).create(env)
    python = env / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    pip = [sys.executable, "-m", "pip", "--python", python, "install", "-q"]
    pip += ["--disable-pip-version-check", "--no-deps"]
    # Pelican in the new environment, beside the plugins: `pelican.plugins` is a
    # namespace inside it, found only where Pelican itself is installed.
    _run(*pip, f"pelican=={version('pelican')}")
    # From copies: pip builds in the source folder, and the checkout stays clean.
    sources = base / "src"
    for name in PACKAGES:
        shutil.copytree(
            ROOT / "plugins" / name,
            sources / name,
            ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"),
        )
    _run(*pip, *(sources / name for name in PACKAGES))
    Path(purelib, "kit.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n", encoding="utf-8"
    )
    site_dir = base / "site"
    site_dir.mkdir()
    _run(
        python,
        "-m",
        "pelican.tools.pelican_quickstart",
        "-p",
        site_dir,
        "-t",
        "Stock site",
        "-a",
        "Ann Owner",
        "-l",
        "en",
        cwd=site_dir,
        stdin=QUICKSTART_ANSWERS,
    )
    return python, site_dir


def test_pip_installs_each_plugin_with_dependencies_in_range(stock_site):
    python, _ = stock_site
    listed = _run(sys.executable, "-m", "pip", "--python", python, "list").stdout
    assert "pelican-rapport-people" in listed and "pelican-rapport-tweets" in listed
    checked = _run(sys.executable, "-m", "pip", "--python", python, "check")
    assert "No broken requirements found" in checked.stdout


def test_a_stock_quickstart_site_gets_people_pages_and_tweet_cards(stock_site):
    python, site_dir = stock_site
    conf = (site_dir / "pelicanconf.py").read_text(encoding="utf-8")
    assert "PLUGINS" not in conf and "THEME" not in conf  # as quickstart wrote it
    content = site_dir / "content"
    (content / "people").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "people" / "ada-example.md", content / "people")
    # Pelican's settings leave Jinja autoescape off; the plugins' templates escape.
    (content / "people" / "eve-hostile.md").write_text(HOSTILE, encoding="utf-8")
    shutil.copytree(ROOT / "data" / "tweets", site_dir / "data" / "tweets")
    (content / "coffee.md").write_text(
        "Title: Coffee with Ada\nDate: 2013-05-20\n\nHow it started:\n\n"
        f"https://x.com/adaexample/status/{TWEET}\n",
        encoding="utf-8",
    )
    _run(python, "-m", "pelican", "content", "-s", "pelicanconf.py", cwd=site_dir)

    output = site_dir / "output"
    directory = html.parse(str(output / "people" / "index.html")).getroot()
    names = directory.xpath(
        '//section[@class="rapport-people"]//a[@class="p-name u-url"]'
    )
    assert [a.text for a in names] == ["Ada Example", HOSTILE_NAME]
    person = (output / "people" / "ada-example" / "index.html").read_text("utf-8")
    page = html.fromstring(person)
    assert page.xpath('//h1[@class="p-name"]/text()') == ["Ada Example"]
    assert page.xpath(f'//*[@id="tweet-{TWEET}"]'), "no card of Ada's tweet on her page"
    assert "notmyidea" in person or "/theme/css/main.css" in person  # default theme
    assert (output / "theme" / "rapport-people.css").is_file()
    post = html.parse(str(output / "coffee-with-ada.html")).getroot()
    card = post.xpath(f'//article[@id="tweet-{TWEET}"]')
    assert card and "Coffee with @adaexample" in card[0].text_content()
    everything = "".join(
        p.read_text("utf-8", errors="replace") for p in output.rglob("*") if p.is_file()
    )
    for private in ("ada@example.com", "northern legal tech", "Old Bank"):
        assert private not in everything
    eve = (output / "people" / "eve-hostile" / "index.html").read_text("utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in eve
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in eve
    for raw in ("<img src=x", "<script>alert"):
        assert raw not in everything


def test_a_theme_template_with_autoescape_off_stops_the_build(stock_site, tmp_path):
    python, site_dir = stock_site
    site = tmp_path / "site"
    shutil.copytree(site_dir, site, ignore=shutil.ignore_patterns("output"))
    overrides = site / "overrides" / "people"
    overrides.mkdir(parents=True)
    (overrides / "person.html").write_text("<h1>{{ person.name }}</h1>\n", "utf-8")
    with (site / "pelicanconf.py").open("a", encoding="utf-8") as conf:
        conf.write('\nTHEME_TEMPLATES_OVERRIDES = ["overrides"]\n')
    result = subprocess.run(
        [python, "-m", "pelican", "content", "-s", "pelicanconf.py"],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    said = " ".join((result.stdout + result.stderr).split())  # rich wraps its lines
    assert "would print people's names and notes unescaped" in said
    assert not (site / "output" / "people" / "eve-hostile").exists()
