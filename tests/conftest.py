"""Shared fixtures: the sample site built once per test process, and a way to read it.

Kept generic on purpose: tests/people/ and tests/tweets/ have their own conftest files.
Everything is built into pytest's temporary folders, never into the repository's
output/ or content/, so the suite is safe under pytest-xdist.
"""

import datetime
import json
import locale
import os
import subprocess
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.etree
import lxml.html
import pytest

# Pytest rewrites the asserts of each test module as it imports it and keeps the result
# in __pycache__ (git-ignored) for the next run, unless writing bytecode is off
# (PYTHONDONTWRITEBYTECODE=1, as on the project's machines): then every run and every
# xdist worker rewrites all of them again, about 3 s of CPU each. Only this process
# writes: subprocesses keep the environment's setting.
sys.dont_write_bytecode = False

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "pelicanconf.py"
PUBLISH_SETTINGS = ROOT / "publishconf.py"
CONTENT = ROOT / "content"
VENV_BIN = Path(sys.executable).parent

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM_NS = "{http://www.w3.org/2005/Atom}"

# The origin that stands in for an empty SITEURL when resolving links.
LOCAL_ORIGIN = "http://rapport.invalid"


# --- reading content/ ----------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A post or page as its Markdown header says, enough to predict its URL."""

    path: Path
    meta: dict

    @property
    def status(self):
        return self.meta.get("status", "published").lower()

    @property
    def title(self):
        return self.meta["title"]

    @property
    def slug(self):
        return self.meta.get("slug") or slugify(self.title)

    @property
    def date(self):
        return datetime.datetime.fromisoformat(self.meta["date"])

    @property
    def tags(self):
        return [t.strip() for t in self.meta.get("tags", "").split(",") if t.strip()]

    @property
    def category(self):
        return self.meta.get("category", "Networking")

    @property
    def article_url(self):
        return f"{self.date:%Y}/{self.date:%m}/{self.slug}/"


def slugify(text):
    """Pelican's slugify with our settings' substitutions."""
    from pelican.settings import DEFAULT_CONFIG
    from pelican.utils import slugify as pelican_slugify

    return pelican_slugify(text, regex_subs=DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])


def read_sources(folder):
    """Every Markdown file under ``folder`` with its metadata header (keys lowercased)."""
    sources = []
    for path in sorted(Path(folder).rglob("*.md")):
        meta = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                break
            key, sep, value = line.partition(":")
            if sep:
                meta[key.strip().lower()] = value.strip()
        sources.append(Source(path, meta))
    return sources


# --- reading a built site --------------------------------------------------------


@dataclass
class BuiltSite:
    """A site written to ``output``; URL helpers treat SITEURL "" as root-relative."""

    output: Path
    siteurl: str = ""
    seconds: float = 0.0
    warnings: int = 0
    _trees: dict = field(default_factory=dict, repr=False)

    @property
    def origin(self):
        return self.siteurl.rstrip("/") or LOCAL_ORIGIN

    def files(self):
        return sorted(p for p in self.output.rglob("*") if p.is_file())

    def html_files(self):
        return [p for p in self.files() if p.suffix == ".html"]

    def rel(self, path):
        return path.relative_to(self.output).as_posix()

    def url_of(self, path):
        """The absolute URL a file is served at: `a/b/index.html` -> origin/a/b/."""
        rel = self.rel(path)
        if rel == "index.html":
            rel = ""
        elif rel.endswith("/index.html"):
            rel = rel[: -len("index.html")]
        return f"{self.origin}/{rel}"

    def tree(self, path):
        if path not in self._trees:
            self._trees[path] = lxml.html.fromstring(path.read_bytes())
        return self._trees[path]

    def text(self, rel):
        return (self.output / rel).read_text(encoding="utf-8")

    def file_for(self, url, base=None):
        """The file that serves ``url`` (relative to ``base``), or None if it is elsewhere.

        Returns the path even when it does not exist, so callers can report it.
        """
        absolute = urljoin(base or f"{self.origin}/", url)
        parts = urlsplit(absolute)
        origin = urlsplit(self.origin)
        if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
            return None
        prefix = origin.path.rstrip("/")
        path = unquote(parts.path)
        if prefix and not path.startswith(prefix + "/") and path != prefix:
            return None
        path = path[len(prefix) :].lstrip("/")
        target = self.output / path
        if path == "" or path.endswith("/") or target.is_dir():
            target = target / "index.html"
        return target

    def ids(self, path):
        tree = self.tree(path)
        return {e.get("id") for e in tree.iter() if e.get("id")} | {
            e.get("name") for e in tree.iter("a") if e.get("name")
        }

    def sitemap_locs(self):
        tree = lxml.etree.parse(str(self.output / "sitemap.xml"))
        return [loc.text.strip() for loc in tree.iter(f"{SITEMAP_NS}loc")]

    @cached_property
    def link_graph(self):
        """{page file: [(attribute value, element)]} for every internal link of every page."""
        graph = {}
        for page in self.html_files():
            graph[page] = [
                (value, el) for el, attr, value in internal_references(self, page)
            ]
        return graph

    def references(self, page):
        """(element, attribute, url) for every URL in the page."""
        return list(references(self.tree(page)))

    def internal_references(self, page):
        return list(internal_references(self, page))

    def pages_under(self, prefix):
        """HTML files whose path starts with ``prefix`` (e.g. "people/")."""
        return [p for p in self.html_files() if self.rel(p).startswith(prefix)]


URL_ATTRIBUTES = ("href", "src", "poster", "data", "action", "cite", "formaction")


def references(tree):
    """Yield (element, attribute, url) for every URL in an HTML document."""
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in URL_ATTRIBUTES:
            value = el.get(attr)
            if value is not None:
                yield el, attr, value.strip()
        for attr in ("srcset", "imagesrcset"):
            if el.get(attr):
                for candidate in el.get(attr).split(","):
                    if candidate.strip():
                        yield el, attr, candidate.split()[0]


def internal_references(site, page):
    """(element, attribute, url) for the links of ``page`` that point into the site."""
    base = site.url_of(page)
    for el, attr, value in references(site.tree(page)):
        scheme = urlsplit(value).scheme
        if scheme and scheme not in ("http", "https"):
            continue  # mailto:, tel:, data: ...
        if site.file_for(value, base) is not None:
            yield el, attr, value


# --- building ----------------------------------------------------------------------


_BUILD_SCRIPT = """
import json, logging, sys
records = []

class Keep(logging.Handler):
    def emit(self, record):
        records.append(f"{{record.levelname}} {{record.name}}: {{record.getMessage()}}")

logging.getLogger().addHandler(Keep(level=logging.WARNING))
from pelican.plugins.rapport_site.build import BuildFailed, build
try:
    seconds, warnings = build({settings!r}, json.loads({overrides!r}))
except BuildFailed as exc:
    print(json.dumps({{"failed": str(exc), "records": records}}))
    sys.exit(3)
print(json.dumps({{"seconds": seconds, "warnings": warnings, "records": records}}))
"""


def build_in_subprocess(settings_file, overrides, env=None, cwd=ROOT):
    """Build in a fresh interpreter (fresh Pelican log dedup, own hash seed).

    Returns (CompletedProcess, report dict parsed from the last stdout line).
    """
    script = _BUILD_SCRIPT.format(
        settings=str(settings_file),
        overrides=json.dumps(overrides),
    )
    full_env = {**os.environ, **(env or {})}
    for name, value in (env or {}).items():
        if value is None:
            full_env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    lines = result.stdout.strip().splitlines()
    report = {}
    if lines:
        try:
            report = json.loads(lines[-1])
        except ValueError:
            report = {}
    return result, report


@dataclass(frozen=True)
class SampleContent:
    """What content/ holds, read from the Markdown headers (independent of the build)."""

    root: Path = CONTENT

    def posts(self):
        return read_sources(self.root / "posts")

    def published_posts(self):
        return [s for s in self.posts() if s.status == "published"]

    def draft_posts(self):
        return [s for s in self.posts() if s.status == "draft"]

    def published_pages(self):
        return [s for s in read_sources(self.root / "pages") if s.status == "published"]

    @staticmethod
    def slugify(text):
        return slugify(text)


@pytest.fixture(scope="session")
def sample_content():
    """The repository's content/, read-only."""
    return SampleContent()


@pytest.fixture(scope="session")
def subprocess_build():
    """build_in_subprocess(settings_file, overrides, env=None, cwd=ROOT)."""
    return build_in_subprocess


@pytest.fixture(scope="session")
def open_site():
    """open_site(output, siteurl=""): a BuiltSite to read any build with."""
    return BuiltSite


@pytest.fixture(scope="session")
def repo_root():
    return ROOT


# The locale the test process started with (C.UTF-8 or the user's).
STARTING_LOCALE = locale.setlocale(locale.LC_ALL)


@pytest.fixture(autouse=True)
def _starting_locale():
    """Pelican sets the process locale from LOCALE (ours is "C": ASCII text I/O). A build
    in a session fixture or an earlier test must not change how this test reads files:
    every test starts, and ends, in the locale the process started with."""
    locale.setlocale(locale.LC_ALL, STARTING_LOCALE)
    yield
    locale.setlocale(locale.LC_ALL, STARTING_LOCALE)


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory):
    """The sample site (content/, pelicanconf.py, every plugin in PLUGINS) built once
    for the whole run, read-only: under pytest-xdist the first worker that asks builds
    it into the run's shared temporary folder, under a lock, and the others wait for it
    and read its report.

    Built in a subprocess: Pelican's signals are process-wide, so an in-process build
    would leave every plugin's receivers connected for later tests of this worker that
    build with other PLUGINS.
    """
    from filelock import FileLock

    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder, above each worker's own
    tmp = base / "sample-site"
    out, cache, saved = tmp / "output", tmp / "cache", tmp / "report.json"
    with FileLock(f"{tmp}.lock"):
        if not saved.is_file():
            result, report = build_in_subprocess(
                SETTINGS, {"OUTPUT_PATH": str(out), "CACHE_PATH": str(cache)}
            )
            assert result.returncode == 0, result.stdout + result.stderr
            saved.write_text(json.dumps(report), encoding="utf-8")
        report = json.loads(saved.read_text(encoding="utf-8"))
    return BuiltSite(out, "", report["seconds"], report["warnings"])


def _write_post(folder, name, header, body="Some text.\n"):
    """Write a Markdown post with a metadata header given as a dict."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"{key}: {value}" for key, value in header.items()]
    (folder / name).write_text("\n".join(lines) + "\n\n" + body, encoding="utf-8")


@pytest.fixture(scope="session")
def write_post():
    """write_post(folder, file name, {header: value}, body): a Markdown post."""
    return _write_post


@pytest.fixture
def tiny_content(tmp_path):
    """An empty content folder laid out like ours (posts/, pages/), to fill per test."""
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    (content / "pages").mkdir()
    return content


@pytest.fixture(autouse=True)
def cold_people_caches():
    """Each test reads person files, builds the audit's automaton and logs as a fresh
    process does. The caches that make warm rebuilds fast are keyed by path and content,
    not by the code: under mutation testing (`invoke mutants`) a warm cache would hand a
    mutant the result of the unmutated code. Pelican logs each warning once per process,
    so a test that counts warnings must not follow one that logged the same."""
    from pelican.log import LimitFilter

    from pelican.plugins.rapport_people import audit, model

    audit._secrets_cache.clear()
    audit._automaton_cache.clear()
    model._cache.clear()
    LimitFilter._raised_messages.clear()
    LimitFilter._group_count.clear()
