"""Fixtures for the people plugin: person files, tiny real sites, the tasks as commands."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import lxml.html
import pytest

from tests.warm import WarmInvoke

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def write_person(folder, slug, front, body=""):
    """Write <folder>/<slug>.md from front matter text (dedented) and a body."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.md"
    front = textwrap.dedent(front).strip("\n")
    path.write_text(f"---\n{front}\n---\n{textwrap.dedent(body)}", encoding="utf-8")
    return path


@pytest.fixture
def person_file(tmp_path):
    """person_file(slug, front, body="", folder=None) -> path of a new person file."""

    def make(slug, front, body="", folder=None):
        return write_person(folder or tmp_path / "people", slug, front, body)

    return make


class TinySite:
    """A site with our theme and the site + people plugins, in a temporary folder."""

    def __init__(self, base):
        self.base = Path(base)
        self.content = self.base / "content"
        self.people = self.content / "people"
        self.private = self.base / "private" / "people"
        self.output = self.base / "output"
        (self.content / "posts").mkdir(parents=True, exist_ok=True)
        self.people.mkdir(parents=True, exist_ok=True)

    def person(self, slug, front, body=""):
        return write_person(self.people, slug, front, body)

    def overlay(self, slug, text):
        self.private.mkdir(parents=True, exist_ok=True)
        path = self.private / f"{slug}.yml"
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def post(self, slug, body, title=None):
        path = self.content / "posts" / f"{slug}.md"
        path.write_text(
            f"Title: {title or slug}\nDate: 2015-01-01 10:00\nSlug: {slug}\n\n{body}\n",
            encoding="utf-8",
        )
        return path

    def settings(self, **override):
        from pelican.settings import read_settings

        values = {
            "PATH": str(self.content),
            "OUTPUT_PATH": str(self.output),
            "CACHE_PATH": str(self.base / "cache"),
            "THEME": str(ROOT / "theme"),
            "PLUGINS": [
                "pelican.plugins.rapport_site",
                "pelican.plugins.rapport_people",
            ],
            "PEOPLE_PRIVATE_PATH": str(self.private),
            "JINJA_ENVIRONMENT": {
                "autoescape": True,
                "trim_blocks": True,
                "lstrip_blocks": True,
                "extensions": [],
            },
            "DELETE_OUTPUT_DIRECTORY": False,
        }
        values.update(override)
        # pelicanconf.py gives the theme every setting its templates use.
        return read_settings(str(ROOT / "pelicanconf.py"), override=values)

    def build(self, **override):
        from pelican import Pelican

        Pelican(self.settings(**override)).run()
        return self

    def render_people(self, **context):
        """Run only the people generator (no other plugin's receivers) with `context`.

        Signals stay connected for the life of a test process, so a full build here
        may also run another plugin's generator that an earlier test registered.
        """
        from pelican import Pelican
        from pelican.writers import Writer

        from pelican.plugins.rapport_people.generator import PeopleGenerator

        pelican = Pelican(self.settings())
        shared = {**pelican.settings, **context}
        generator = PeopleGenerator(
            context=shared,
            settings=pelican.settings,
            path=pelican.path,
            theme=pelican.theme,
            output_path=pelican.output_path,
        )
        generator.generate_context()
        generator.generate_output(
            Writer(pelican.output_path, settings=pelican.settings)
        )
        return shared

    def files(self):
        return sorted(p for p in self.output.rglob("*") if p.is_file())

    def rel(self, path):
        return path.relative_to(self.output).as_posix()

    def page(self, rel):
        return lxml.html.fromstring((self.output / rel).read_bytes())


@pytest.fixture
def tiny_site(tmp_path):
    return TinySite(tmp_path / "site")


TASKS_PY = """
import sys
from invoke import Collection
from pelican.plugins.rapport_people.tasks import ns as people

ns = Collection()
ns.add_collection(people, "people")
"""


class TaskRepo(TinySite):
    """A site folder with a tasks.py that mounts people.* as the root tasks.py does."""

    def __init__(self, base):
        super().__init__(base)
        (self.base / "pelicanconf.py").write_text(
            'PATH = "content"\nPEOPLE_PRIVATE_PATH = "private/people"\n',
            encoding="utf-8",
        )
        (self.base / "tasks.py").write_text(TASKS_PY.format(), encoding="utf-8")

    def invoke(self, *args, env=None, stdout_closed=False):
        """Run `invoke -r <repo> ARGS` from elsewhere; return the CompletedProcess.

        With `stdout_closed`, its output goes to a pipe nobody reads (closed at once),
        as `| head` leaves it. In the usual environment the command is forked from a
        warm `invoke` (warm_invoke.py), which shows exactly what the subprocess does.
        """
        full_env = task_env() | (env or {})
        command = [str(VENV_BIN / "invoke"), "-r", str(self.base), *args]
        if not stdout_closed and _warm.fits(full_env):
            return _warm.run(command, self.base.parent, full_env, timeout=120)
        if stdout_closed:
            process = subprocess.Popen(
                command,
                cwd=self.base.parent,
                env=full_env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                encoding="utf-8",
            )
            process.stdout.close()
            stderr = process.stderr.read()
            process.wait(timeout=120)
            return subprocess.CompletedProcess(command, process.returncode, "", stderr)
        return subprocess.run(
            command,
            cwd=self.base.parent,
            env=full_env,
            capture_output=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )


def task_env():
    """The environment of a task's command: plain, wide, UTF-8 output whatever the test
    process's locale or colour settings are (Pelican sets LC_ALL to "C" in-process
    builds)."""
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")
    }
    return full_env | {
        "COLUMNS": "200",
        "NO_COLOR": "1",
        "TERM": "dumb",
        "PYTHONIOENCODING": "utf-8",
    }


_warm = WarmInvoke(task_env)


@pytest.fixture
def task_repo(tmp_path):
    return TaskRepo(tmp_path / "repo")
