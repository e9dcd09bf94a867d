"""Issue 9: routes by which the contact log leaked past the audit, closed.

Withdrawal that keeps the audit's memory, errors that never print a value, files the
build would have skipped, a public-repository layout with `people.check --public`,
and size caps on person files. Every task runs as a real command; builds are real.
"""

import subprocess
import textwrap

import pytest

from pelican.plugins.rapport_people import PrivacyAuditError
from pelican.plugins.rapport_people.model import (
    Limits,
    check_people,
    check_person,
    read_person,
)
from pelican.plugins.rapport_people.public import render_blurb
from tests.people.conftest import ROOT, TaskRepo

pytestmark = pytest.mark.slow

NOTE = "he is leaving his job at Acme in June"
ADA = """
    # Ada: this comment must survive a withdrawal.
    name: Ada Example
    twitter: adaexample
    where: Coffee after the Manchester legal meetup
    listed: true   # she agreed
    consent: 2013-04-20, by email from her work address
"""


def output(result):
    return result.stdout + result.stderr


# A site folder whose pelicanconf.py is the kit's own, pointed at the temporary
# folders, with the site and people plugins: `hooks.pre-push` builds it for real.
FULL_CONF = """
import importlib.util

_spec = importlib.util.spec_from_file_location("kit_conf", {conf!r})
_kit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_kit)
globals().update({{k: v for k, v in vars(_kit).items() if k.isupper()}})
PATH = {base!r} + "/content"
OUTPUT_PATH = {base!r} + "/output"
CACHE_PATH = {base!r} + "/cache"
PEOPLE_PRIVATE_PATH = {base!r} + "/private/people"
PLUGINS = ["pelican.plugins.rapport_site", "pelican.plugins.rapport_people"]
PEOPLE_PUBLIC_REPOSITORY = {public!r}
"""
FULL_TASKS = """
import sys
from invoke import Collection
from pelican.plugins.rapport_people.tasks import ns as people
from pelican.plugins.rapport_site.hooks import ns as hooks
from pelican.plugins.rapport_site.tasks import check

ns = Collection()
ns.add_collection(people, "people")
ns.add_collection(hooks, "hooks")
ns.add_task(check)
"""


class FullRepo(TaskRepo):
    def __init__(self, base, public=False):
        super().__init__(base)
        (self.base / "pelicanconf.py").write_text(
            FULL_CONF.format(
                conf=str(ROOT / "pelicanconf.py"), base=str(self.base), public=public
            ),
            encoding="utf-8",
        )
        (self.base / "tasks.py").write_text(FULL_TASKS.format(), encoding="utf-8")

    def git(self, *args, cwd=None):
        return subprocess.run(
            ["git", *args],
            cwd=cwd or self.base,
            capture_output=True,
            encoding="utf-8",
            check=True,
            env={
                "GIT_AUTHOR_NAME": "t",
                "GIT_AUTHOR_EMAIL": "t@example.org",
                "GIT_COMMITTER_NAME": "t",
                "GIT_COMMITTER_EMAIL": "t@example.org",
                "PATH": "/usr/bin:/bin",
                "HOME": str(self.base),
            },
        )

    def init_git(self):
        (self.base / ".gitignore").write_text("private/\noutput/\ncache/\n")
        self.git("init", "-q", "-b", "main")
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "start")
        return self


@pytest.fixture
def full_repo(tmp_path):
    return FullRepo(tmp_path / "repo")


@pytest.fixture
def public_repo(tmp_path):
    return FullRepo(tmp_path / "repo", public=True)


# --- 3b: withdrawal keeps the audit's memory ------------------------------------------


def test_withdraw_unlists_keeps_comments_and_the_audit_still_fails_a_post_naming_her(
    task_repo,
):
    path = task_repo.person("ada-example", ADA, "Ada writes about law.\n")
    task_repo.post("coffee", "Coffee after the Manchester legal meetup with Ada.")
    task_repo.build()  # listed: her public fields may appear
    result = task_repo.invoke("people.withdraw", "ada-example")
    assert result.returncode == 0, output(result)
    assert "deleting it deletes that memory" in " ".join(result.stdout.split())
    text = path.read_text(encoding="utf-8")
    assert "listed: false  # she agreed" in text
    assert "# Ada: this comment must survive a withdrawal." in text
    assert read_person(path).listed is False
    with pytest.raises(PrivacyAuditError) as caught:
        task_repo.build()
    assert "coffee/index.html: where of ada-example" in str(caught.value)


def test_deleting_the_file_instead_forgets_her_which_is_why_withdraw_exists(
    task_repo,
):
    path = task_repo.person("ada-example", ADA, "Ada writes about law.\n")
    task_repo.post("coffee", "Coffee after the Manchester legal meetup with Ada.")
    path.unlink()
    task_repo.build()  # passes: the audit no longer knows the place is hers
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "invoke people.withdraw SLUG" in readme
    assert "deletes the audit's memory" in readme


def test_withdraw_in_a_public_repository_moves_the_whole_file_to_private(public_repo):
    public_repo.person("ada-example", ADA, "Ada writes about law.\n")
    public_repo.post("coffee", "Coffee after the Manchester legal meetup with Ada.")
    result = public_repo.invoke("people.withdraw", "ada-example")
    assert result.returncode == 0, output(result)
    assert not (public_repo.people / "ada-example.md").exists()
    moved = public_repo.private / "ada-example.md"
    assert read_person(moved).listed is False
    people = check_people(public_repo.people, public_repo.private)
    assert [p.slug for p in people.unlisted] == ["ada-example"]
    with pytest.raises(PrivacyAuditError):
        public_repo.build()


def test_withdraw_fixes_a_listed_person_under_private(task_repo):
    task_repo.private.mkdir(parents=True)
    path = task_repo.private / "zed.md"
    path.write_text("---\nname: Zed\nlisted: true\nconsent: by email\n---\n")
    assert task_repo.invoke("people.check").returncode == 1
    result = task_repo.invoke("people.withdraw", "zed")
    assert result.returncode == 0, output(result)
    assert read_person(path, task_repo.private).listed is False


# --- 4: no value in any error ----------------------------------------------------------

COMMA_LOG = f"""
    name: Ben Placeholder
    private:
      log:
        - {{date: 2013-04-02, via: coffee, note: Tea, {NOTE}}}
"""


def test_an_unquoted_comma_in_a_log_note_is_reported_without_the_note(full_repo):
    full_repo.person("ben", COMMA_LOG)
    full_repo.output.mkdir()
    (full_repo.output / "index.html").write_text("<!doctype html><title>x</title>")
    site_check = ("check", "--settings", str(full_repo.base / "pelicanconf.py"))
    for args in (("people.check",), ("people.list",), ("hooks.pre-push",), site_check):
        result = full_repo.invoke(*args)
        assert result.returncode == 1, args
        assert NOTE not in output(result), args
        assert (
            "ben.md, line 5, field 'private.log[0]': has an unknown key on line 5"
            in (" ".join(output(result).split()))
        ), args


def test_the_same_mistake_in_an_overlay_is_reported_without_the_note(full_repo):
    full_repo.person("ben", "name: Ben Placeholder")
    full_repo.overlay(
        "ben", f"log:\n  - {{date: 2013-04-02, via: call, note: A, {NOTE}}}\n"
    )
    result = full_repo.invoke("people.check")
    assert result.returncode == 1
    assert NOTE not in output(result)
    assert "ben.yml, line 2, field 'log[0]': has an unknown key" in output(result)


@pytest.mark.parametrize(
    ("front", "secret", "field"),
    [
        (
            "website: https://dev.example/secret page",
            "dev.example/secret",
            "3, field 'website",
        ),
        (
            "twitter: 'dev fictional secret'",
            "dev fictional secret",
            "3, field 'twitter",
        ),
        ("met: 'spring with Carla'", "spring with Carla", "3, field 'met"),
        ("rel: [met, secret-lover]", "secret-lover", "3, field 'rel[1]"),
        (
            "highlights: [https://dev.example/status/1]",
            "dev.example",
            "3, field 'highlights[0]",
        ),
        (
            "private:\n  hidden cousin: 1\n  hidden cousin: 2",
            "hidden cousin",
            "5, field 'private",
        ),
    ],
)
def test_a_bad_field_of_an_unlisted_person_is_named_not_quoted(
    full_repo, front, secret, field
):
    full_repo.person("dev", f"name: Dev Fictional\n{front}")
    for args in (("people.check",), ("hooks.pre-push",)):
        result = full_repo.invoke(*args)
        assert result.returncode == 1, output(result)
        assert secret not in output(result)
        assert f"dev.md, line {field}'" in output(result)


def test_new_does_not_echo_a_bad_handle_or_date(task_repo):
    result = task_repo.invoke("people.new", "Dev", "--twitter", "secret handle!")
    assert result.returncode == 1
    assert "secret handle" not in output(result)
    result = task_repo.invoke("people.new", "Dev", "--met", "when-we-kissed")
    assert result.returncode == 1
    assert "kissed" not in output(result)


# --- 6: files that would be skipped are errors ------------------------------------------


def test_unknown_files_in_the_people_folders_are_errors_naming_the_file(task_repo):
    task_repo.person("ada", "name: Ada")
    (task_repo.people / "carla.markdown").write_text("---\nname: Carla\n---\n")
    (task_repo.people / "dev.MD").write_text("---\nname: Dev\n---\n")
    task_repo.overlay("ada", "notes: fine\n").rename(task_repo.private / "ada.yaml")
    # Hidden files and backups are ignored, by name.
    for name in (".gitkeep", ".DS_Store", "ada.md~", ".ada.md.swp"):
        (task_repo.people / name).write_text("x")
    (task_repo.private / ".gitkeep").write_text("")
    (task_repo.private / "ada.yml~").write_text("x")
    result = task_repo.invoke("people.check")
    assert result.returncode == 1
    out = " ".join(output(result).split())
    assert (
        f"{task_repo.people / 'carla.markdown'}: is not read: this folder holds only "
        "person files named <slug>.md and their photos, .jpg, .png or .webp (and "
        "hidden files or backups ending in ~, which are ignored). Rename it to "
        "carla.md." in out
    )
    assert f"{task_repo.people / 'dev.MD'}: is not read" in out
    assert "Rename it to dev.md." in out
    assert f"{task_repo.private / 'ada.yaml'}: is not read" in out
    assert "overlays named <slug>.yml" in out
    assert "Rename it to ada.yml." in out
    assert "3 problem(s)" in out


# --- 8: a public repository ---------------------------------------------------------------

ZED = """
    name: Zed Private
    where: The back room of the Old Bank bar
    private:
      notes: Knows about the merger.
"""


def test_a_whole_person_file_under_private_is_read_and_audited(tiny_site):
    tiny_site.person("ada", "name: Ada\nlisted: true\nconsent: yes, by email")
    zed = tiny_site.private / "zed.md"
    tiny_site.private.mkdir(parents=True)
    zed.write_text(f"---\n{textwrap.dedent(ZED).strip()}\n---\nZed blurb.\n")
    people = check_people(tiny_site.people, tiny_site.private)
    assert people.problems == []
    assert [p.slug for p in people.unlisted] == ["zed"]
    tiny_site.post("bar", "We met in the back room of the Old Bank bar.")
    with pytest.raises(PrivacyAuditError) as caught:
        tiny_site.build()
    assert "where of zed" in str(caught.value)


def test_a_listed_person_under_private_is_an_error(tmp_path, person_file):
    path = person_file(
        "zed", "name: Zed\nlisted: true\nconsent: by email", folder=tmp_path
    )
    person, problems = check_person(path, private_dir=tmp_path)
    assert person is None
    assert [p.field for p in problems] == ["listed"]
    assert "belong in the people folder" in str(problems[0])


def test_consent_may_live_in_the_overlay_and_is_audited(tiny_site):
    tiny_site.person("ada", "name: Ada Example\nlisted: true")
    assert [p.field for p in check_people(tiny_site.people).problems] == ["consent"]
    tiny_site.overlay("ada", "consent: 2013-04-20, by email to the legal desk\n")
    people = check_people(tiny_site.people, tiny_site.private)
    assert people.problems == []
    assert people.persons[0].consent == "2013-04-20, by email to the legal desk"
    assert "consent" not in people.persons[0].private
    tiny_site.post("leak", "She said yes: 2013-04-20, by email to the legal desk.")
    with pytest.raises(PrivacyAuditError) as caught:
        tiny_site.build()
    assert "consent of ada" in str(caught.value)


def test_new_in_a_public_repository_creates_the_person_under_private(public_repo):
    result = public_repo.invoke("people.new", "Dev Fictional", "--where", "A pub")
    assert result.returncode == 0, output(result)
    path = public_repo.private / "dev-fictional.md"
    assert result.stdout.strip() == str(path)
    assert not (public_repo.people / "dev-fictional.md").exists()
    assert "# To withdraw: invoke people.withdraw SLUG." in path.read_text()
    result = public_repo.invoke("people.list")
    assert "dev-fictional" in result.stdout
    result = public_repo.invoke("people.log", "dev-fictional", "--via", "coffee")
    assert result.returncode == 0, output(result)
    assert read_person(path, public_repo.private).log[0].via == "coffee"


def test_log_in_a_public_repository_writes_a_listed_persons_overlay(public_repo):
    public_repo.person("ada", "name: Ada\nlisted: true")
    public_repo.overlay("ada", "consent: by email\n")
    before = (public_repo.people / "ada.md").read_text()
    result = public_repo.invoke(
        "people.log", "ada", "--via", "call", "--date", "2020-01-02"
    )
    assert result.returncode == 0, output(result)
    assert (public_repo.people / "ada.md").read_text() == before
    assert "via: call" in (public_repo.private / "ada.yml").read_text()


def test_check_public_names_tracked_private_and_unlisted_files_never_values(
    public_repo,
):
    public_repo.person(
        "ada",
        "name: Ada\nlisted: true\nconsent: by a secret handshake\n"
        "private:\n  notes: a private secret",
    )
    public_repo.person("ben", "name: Ben Unlisted-Secret")
    public_repo.init_git()
    result = public_repo.invoke("people.check", "--public")
    assert result.returncode == 1
    out = " ".join(output(result).split())
    for secret in ("secret handshake", "private secret", "Unlisted-Secret"):
        assert secret not in out
    ada, ben = public_repo.people / "ada.md", public_repo.people / "ben.md"
    assert f"{ada}, field 'private': holds private: (line 5)." in out
    assert f"{ada}, field 'consent': holds consent: (line 4)." in out
    assert f"{ben}, field 'listed': is the file of an unlisted person." in out
    assert "3 problem(s) in tracked files" in out


def test_check_public_searches_every_tracked_file_for_private_and_unlisted_text(
    public_repo,
):
    """A copy of the overlay or of an unlisted person's file outside the people
    folders (a backup, a draft page, a notes file) is as public as a person file."""
    public_repo.person("ada", "name: Ada\nlisted: true")
    public_repo.overlay(
        "ada", "consent: by email\nnotes: Tea after the Sheffield meetup\n"
    )
    public_repo.private.joinpath("ben-unlisted.md").write_text(
        "---\nname: Ben Unlisted-Secret\n---\n"
    )
    backup = public_repo.base / "backup" / "ben-unlisted.md"
    backup.parent.mkdir()
    backup.write_text(public_repo.private.joinpath("ben-unlisted.md").read_text())
    notes = public_repo.content / "pages" / "notes.md"
    notes.parent.mkdir()
    notes.write_text("Title: Notes\n\nAda: tea after the Sheffield meetup.\n")
    public_repo.init_git()
    result = public_repo.invoke("people.check", "--public")
    assert result.returncode == 1
    out = " ".join(output(result).split())
    for secret in ("Sheffield", "Unlisted-Secret"):
        assert secret.lower() not in out.lower()
    assert f"{backup}: holds the name of ben-unlisted." in out
    assert f"{backup}: holds the slug of ben-unlisted." in out
    assert f"{notes}: holds the private.notes of ada." in out
    assert "3 problem(s) in tracked files" in out


def test_check_public_reads_what_git_holds_not_the_working_copy(public_repo):
    path = public_repo.person("ada", "name: Ada\nlisted: true\nconsent: by email")
    public_repo.init_git()
    path.write_text("---\nname: Ada\nlisted: true\n---\n")  # cleaned, not staged
    public_repo.overlay("ada", "consent: by email\n")
    result = public_repo.invoke("people.check", "--public")
    assert result.returncode == 1
    assert f"{path}, field 'consent': holds consent: (line 4)." in output(result)
    public_repo.git("add", str(path))
    result = public_repo.invoke("people.check", "--public")
    assert result.returncode == 0, output(result)


def test_check_public_outside_a_git_repository_is_one_clear_error(task_repo):
    task_repo.person("ada", "name: Ada")
    result = task_repo.invoke("people.check", "--public")
    assert result.returncode == 1
    assert result.stderr.startswith("Error: git rev-parse failed in ")
    assert "Traceback" not in output(result)


def test_check_public_passes_on_the_public_layout(public_repo):
    public_repo.person("ada", "name: Ada\nlisted: true")
    public_repo.overlay("ada", "consent: by email\nnotes: owes me a coffee in Leeds\n")
    public_repo.private.joinpath("ben.md").write_text("---\nname: Ben\n---\n")
    public_repo.init_git()
    result = public_repo.invoke("people.check", "--public")
    assert result.returncode == 0, output(result)
    assert "Nothing tracked by git is private or unlisted." in result.stdout


def test_ci_runs_check_public_only_in_a_public_repository():
    import yaml

    flow = yaml.safe_load((ROOT / ".github/workflows/deploy.yml").read_text())
    steps = [s for job in flow["jobs"].values() for s in job.get("steps", [])]
    gate = [s for s in steps if "people.check --public" in s.get("run", "")]
    assert len(gate) == 1
    assert gate[0]["if"] == (
        "${{ !github.event.repository.private"
        " && vars.RAPPORT_FICTIONAL_PEOPLE != 'true' }}"
    )


# --- 9: the pre-push gate sees private/ -------------------------------------------------


def test_pre_push_hook_refuses_a_push_that_leaks_an_overlay_value(full_repo, tmp_path):
    full_repo.person("ada", "name: Ada\nlisted: true\nconsent: by email")
    full_repo.overlay("ada", "notes: Planning to sell the firm to Globex\n")
    full_repo.post("hello", "Hello.")
    full_repo.init_git()
    remote = tmp_path / "remote.git"
    full_repo.git("init", "-q", "--bare", str(remote))
    full_repo.git("remote", "add", "origin", str(remote))
    result = full_repo.invoke("hooks.install")
    assert result.returncode == 0, output(result)
    hook = full_repo.base / ".git" / "hooks" / "pre-push"
    assert hook.stat().st_mode & 0o111
    full_repo.git("push", "-q", "origin", "main")  # clean: accepted

    full_repo.post("leak", "Between us: planning to sell the firm to Globex.")
    full_repo.git("add", "-A")
    full_repo.git("commit", "-q", "-m", "leak")
    with pytest.raises(subprocess.CalledProcessError) as caught:
        full_repo.git("push", "-q", "origin", "main")
    out = caught.value.stdout + caught.value.stderr
    assert "Push refused" in out
    assert "notes of ada" in out
    assert "Globex" not in out
    pushed = full_repo.git("--git-dir", str(remote), "log", "--format=%s", "main")
    assert pushed.stdout.split() == ["start"]


def test_pre_push_in_a_public_repository_refuses_a_tracked_unlisted_person(public_repo):
    public_repo.person("ben", "name: Ben Unlisted-Secret")
    public_repo.init_git()
    result = public_repo.invoke("hooks.pre-push")
    assert result.returncode == 1
    assert "Unlisted-Secret" not in output(result)
    assert f"{public_repo.people / 'ben.md'}, field 'listed'" in output(result)
    assert "Push refused" in output(result)


def test_hooks_install_never_replaces_a_hook_it_did_not_write(full_repo):
    full_repo.init_git()
    hook = full_repo.base / ".git" / "hooks" / "pre-push"
    hook.write_text("#!/bin/sh\necho mine\n")
    result = full_repo.invoke("hooks.install")
    assert result.returncode == 1
    assert "is not Rapport's" in output(result)
    assert hook.read_text() == "#!/bin/sh\necho mine\n"


# --- 12: size caps -------------------------------------------------------------------------


def test_an_oversized_person_file_is_one_clear_error(task_repo):
    task_repo.person("ada", "name: Ada", "x" * (64 * 1024))
    result = task_repo.invoke("people.check")
    assert result.returncode == 1
    assert "Traceback" not in output(result)
    assert f"{task_repo.people / 'ada.md'}: is 65,554 bytes, more than the 65,536" in (
        " ".join(output(result).split())
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[a" * 8200, "the blurb is 16,400 bytes, more than the 16,384 allowed."),
        ("[a" * 65, "the blurb has 65 '[' and '<' characters, more than the 64"),
        ("<a " * 65, "the blurb has 65 '[' and '<' characters, more than the 64"),
    ],
)
def test_a_blurb_over_the_caps_is_an_error_naming_the_file(person_file, body, message):
    path = person_file("ada", "name: Ada", body)
    person, problems = check_person(path)
    assert person is None
    assert [str(p).split(": ", 1)[0] for p in problems] == [f"{path}, line 4"]
    assert message in str(problems[0])


def test_the_worst_blurb_within_the_caps_is_accepted_and_renders_one_more_is_not():
    # 64 unclosed brackets in front of 16 KB of text: the pathological shape for
    # Python-Markdown, at the caps (bench/ measures the time; no test does).
    worst = "[" * 64 + "a" * (Limits().blurb_bytes - 64)
    person, problems = check_person("ada.md", text=f"---\nname: Ada\n---\n{worst}")
    assert problems == []
    assert render_blurb(person.body).startswith("<p>[[[")
    _, problems = check_person("ada.md", text=f"---\nname: Ada\n---\n[{worst}")
    assert [p.line for p in problems] == [4]


@pytest.mark.parametrize(
    ("front", "line"),
    [
        ("private:\n  notes: !hush-hush the merger", 4),  # a YAML tag
        ("where: Coffee\nhush-hush merger talk: yes", 4),  # a value's fragment as a key
    ],
)
def test_yaml_problems_never_quote_text_of_the_file(front, line):
    _, problems = check_person("dev.md", text=f"---\nname: Dev\n{front}\n---\n")
    assert [p.line for p in problems] == [line]
    assert "hush" not in str(problems[0])
