"""Preview mode (`invoke livereload`, `invoke regenerate`): after any sequence of edits,
the preview folder is byte-identical to a cold full build of the same content, and a
save renders only what it can have changed.

Each scenario runs in its own interpreter (this file as a script): Pelican's signals and
the preview's memory of earlier builds are process-wide.
"""

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Tweets on the sample people's pages and on the highlights page.
STORE_IDS = ["1000000000000000101", "1000000000000000102", "1000000000000000202"]
TAGS = ["coffee", "email", "habits", "meetups", "rejection", "follow-up"]
CATEGORIES = ["Networking", "Craft", "Follow-up"]
WORDS = [
    "coffee",
    "thread",
    "reply",
    "meeting",
    "follow",
    "note",
    "thanks",
    "ask",
    "time",
    "city",
    "team",
    "idea",
]


def make_site(base: Path, posts: int, rng: random.Random) -> dict:
    """A copy of the sample site (content, people, theme, tweet store, settings) plus
    `posts` generated posts; returns the build overrides for it."""
    for name in ("content", "theme", "data"):
        shutil.copytree(ROOT / name, base / name)
    shutil.copy(ROOT / "pelicanconf.py", base / "pelicanconf.py")
    for number in range(posts):
        write_generated(base, number, rng)
    return {
        "PEOPLE_PRIVATE_PATH": str(base / "private" / "people"),
        "SECURITY_HEADERS_SAVE_AS": "",
        "LIVERELOAD_SCRIPT": "/livereload.js?port=8000",
    }


def preview_overrides(base, overrides):
    """The settings `invoke livereload` adds: a folder of its own, caches, preview mode."""
    return {
        **overrides,
        "OUTPUT_PATH": str(base / "preview"),
        "CACHE_PATH": str(base / "preview-cache"),
        "LOAD_CONTENT_CACHE": True,
        "CACHE_CONTENT": True,
        "PREVIEW_MODE": True,
    }


def sentence(rng, words=12):
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def write_generated(base, number, rng, title=None):
    path = base / "content" / "posts" / f"gen-{number:03d}.md"
    tags = ", ".join(rng.sample(TAGS, rng.randint(1, 3)))
    path.write_text(
        f"Title: {title or 'Generated ' + sentence(rng, 3)}\n"
        f"Date: 2020-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 10:{number % 60:02d}\n"
        f"Category: {rng.choice(CATEGORIES)}\nTags: {tags}\nSlug: gen-{number:03d}\n\n"
        + "\n\n".join(sentence(rng, 30) for _ in range(3))
        + "\n",
        encoding="utf-8",
    )


def _posts(base):
    return sorted((base / "content" / "posts").glob("*.md"))


def _replace_line(path, prefix, line):
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [line if old.startswith(prefix) else old for old in lines]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# One function per kind of edit the issue names; each returns a short description.


def edit_body(base, rng):
    post = rng.choice(_posts(base))
    with post.open("a", encoding="utf-8") as fh:
        fh.write("\n" + sentence(rng) + "\n")
    return f"body of {post.name}"


def edit_opening(base, rng):  # changes the summary of a post without a Summary: line
    post = rng.choice(_posts(base))
    header, _, body = post.read_text(encoding="utf-8").partition("\n\n")
    post.write_text(header + "\n\n" + sentence(rng, 5) + " " + body, encoding="utf-8")
    return f"opening of {post.name}"


def edit_title(base, rng):
    post = rng.choice(_posts(base))
    _replace_line(post, "Title:", f"Title: Retitled {sentence(rng, 3)}")
    return f"title of {post.name}"


def edit_tags(base, rng):
    post = rng.choice(_posts(base))
    _replace_line(post, "Tags:", "Tags: " + ", ".join(rng.sample(TAGS, 2)))
    return f"tags of {post.name}"


def new_post(base, rng):
    number = 500 + rng.randint(0, 400)
    write_generated(base, number, rng)
    return f"new post gen-{number:03d}"


def delete_post(base, rng):
    post = rng.choice(_posts(base))
    post.unlink()
    return f"deleted {post.name}"


def edit_person(base, rng):
    person = rng.choice(sorted((base / "content" / "people").glob("*.md")))
    text = person.read_text(encoding="utf-8")
    if rng.random() < 0.5 and "listed: true" in text:
        text = text.replace("listed: true", "listed: false")
    else:
        text = text.replace("\n---\n", f"\n---\n{sentence(rng)}\n\n", 1)
    person.write_text(text, encoding="utf-8")
    return f"person {person.name}"


def edit_private_note(base, rng):
    """New secrets: the audit of the next save searches every file again."""
    people = sorted((base / "content" / "people").glob("*.md"))
    person = rng.choice([p for p in people if "  notes: " in p.read_text("utf-8")])
    _replace_line(person, "  notes: ", f"  notes: {sentence(rng)}")
    return f"private note of {person.name}"


def touch_post(base, rng):
    """Saved unchanged: nothing is rendered, the search index is kept."""
    post = rng.choice(_posts(base))
    post.write_bytes(post.read_bytes())
    return f"saved {post.name} unchanged"


def edit_store(base, rng):
    from pelican.plugins.rapport_tweets.store import Store

    tweet_id = rng.choice(STORE_IDS)
    with Store(base / "data" / "tweets").update() as update:
        update.forget(tweet_id)
    return f"forgot tweet {tweet_id}"


def edit_template(base, rng):
    template = base / "theme" / "templates" / rng.choice(["base.html", "article.html"])
    text = template.read_text(encoding="utf-8")
    template.write_text(
        text.replace("</main>", f"<p>{rng.choice(WORDS)}</p></main>", 1)
    )
    return f"template {template.name}"


def edit_setting(base, rng):
    with (base / "pelicanconf.py").open("a", encoding="utf-8") as fh:
        fh.write(f"SITESUBTITLE = {sentence(rng, 4)!r}\n")
    return "setting SITESUBTITLE"


EDITS = [
    edit_body,
    edit_body,
    edit_opening,
    edit_title,
    edit_tags,
    new_post,
    delete_post,
    edit_person,
    edit_private_note,
    touch_post,
    edit_store,
    edit_template,
    edit_setting,
]


def tree(folder: Path) -> dict:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def differences(preview: Path, cold: Path) -> list:
    a, b = tree(preview), tree(cold)
    only_preview = sorted(set(a) - set(b))
    only_cold = sorted(set(b) - set(a))
    changed = sorted(k for k in set(a) & set(b) if a[k] != b[k])
    empty_dirs = sorted(
        d.relative_to(preview).as_posix()
        for d in preview.rglob("*")
        if d.is_dir() and not any(d.iterdir())
    )
    return [
        *(f"only in preview: {k}" for k in only_preview),
        *(f"missing in preview: {k}" for k in only_cold),
        *(f"differs: {k}" for k in changed),
        *(f"empty folder in preview: {k}" for k in empty_dirs),
    ]


def preview_build(settings, overrides):
    """A preview save, then the search index it writes after the browser reloads."""
    from pelican.plugins.rapport_site.build import build
    from pelican.plugins.rapport_site.search import wait_for_index

    build(settings, overrides)
    wait_for_index()


def compiled_templates(generator):
    """generator_init receiver: the cold builds of a scenario share compiled templates,
    as the preview's builds do (Jinja recompiles a template whose source changed), so
    each reference build costs its rendering, not one more compilation of the theme."""
    from pelican.plugins.rapport_site.incremental import _COMPILED

    env = getattr(generator, "env", None)
    if env is not None and env.bytecode_cache is None:
        env.bytecode_cache = _COMPILED


def edited(base: Path, seed: int, steps: int, posts: int):
    """Make the site, then yield each random edit's kind and description once it is
    made: the same sequence for the same seed, whether or not anything is built."""
    rng = random.Random(seed)
    yield make_site(base, posts, rng)
    for _ in range(steps):
        edit = rng.choice(EDITS)
        yield edit.__name__, edit(base, rng)


def run_scenario(base: Path, seed: int, steps: int, posts: int) -> dict:
    """Random edits, each followed by a preview build; the preview folder is compared
    with a cold build after the first edit of each kind, after every second edit
    otherwise, and after the last: every kind of edit made is followed at once by a
    comparison, and at most one edit goes by between two. Reports differences."""
    from pelican import signals

    from pelican.plugins.rapport_site.build import build

    signals.generator_init.connect(compiled_templates)
    edits = edited(base, seed, steps, posts)
    overrides = next(edits)
    settings = base / "pelicanconf.py"
    preview = preview_overrides(base, overrides)
    preview_build(settings, preview)
    log, compared, unchecked = [], set(), 0
    for step, (kind, done) in enumerate(edits):
        preview_build(settings, preview)
        log.append({"kind": kind, "edit": done, "compared": False, "differences": []})
        if kind in compared and not unchecked and step < steps - 1:
            unchecked += 1
            continue
        compared.add(kind)
        unchecked = 0
        cold_out = base / f"cold-{step}"
        build(settings, {**overrides, "OUTPUT_PATH": str(cold_out)})
        found = differences(base / "preview", cold_out)
        log[-1].update(compared=True, differences=found[:10])
        shutil.rmtree(cold_out)
        if found:
            break
    return {"log": log}


def run_script(tmp_path, *args):
    result = subprocess.run(
        [sys.executable, __file__, str(tmp_path), *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    lines = result.stdout.strip().splitlines()
    return json.loads(lines[-1]), lines


# Seeds whose edit sequences, together, make every kind of edit (a test below holds it).
SEEDS = [3, 15, 18]
STEPS, POSTS = 12, 16


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_preview_equals_cold_build_after_random_edits(tmp_path, seed):
    report, _ = run_script(tmp_path, "scenario", seed, STEPS, POSTS)
    bad = [step for step in report["log"] if step["differences"]]
    assert not bad, json.dumps(report["log"], indent=1)
    log = report["log"]
    assert len(log) == STEPS and log[-1]["compared"]
    # Each kind of edit made was followed at once by a comparison at least once.
    assert {s["kind"] for s in log if s["compared"]} == {s["kind"] for s in log}


def test_the_random_edits_make_every_kind_of_edit(tmp_path):
    made = set()
    for seed in SEEDS:
        edits = edited(tmp_path / str(seed), seed, STEPS, POSTS)
        next(edits)  # the site
        made |= {kind for kind, _ in edits}
    assert made == {edit.__name__ for edit in EDITS}


def summaries(lines):
    return [line for line in lines if line.startswith("Preview: ")]


def run_steps(base: Path, posts: int) -> dict:
    """A build, then one edit of each kind the summary line counts; prints each line."""
    rng = random.Random(7)
    overrides = make_site(base, posts, rng)
    preview = preview_overrides(base, overrides)
    settings = base / "pelicanconf.py"
    preview_build(settings, preview)
    preview_build(settings, preview)  # nothing changed
    post = base / "content" / "posts" / "gen-003.md"
    with post.open("a", encoding="utf-8") as fh:
        fh.write("\nOne more sentence at the end.\n")
    preview_build(settings, preview)
    post.unlink()
    preview_build(settings, preview)
    return {}


@pytest.mark.slow
def test_a_save_renders_only_what_it_changed_and_says_so(tmp_path):
    _, lines = run_script(tmp_path, "steps", 0, 0, 20)
    first, unchanged, body, deleted = summaries(lines)
    assert "0 unchanged" in first
    assert unchanged.startswith("Preview: rendered nothing;")
    # The post's own page, the sample's draft (a draft looks its terms up among every
    # post's) and the feeds that carry its text; its listings show only its summary,
    # which a last paragraph does not change.
    assert body.startswith("Preview: rendered 2 posts, 3 feeds;")
    assert "1 file removed" in deleted or "files removed" in deleted
    assert (tmp_path / "preview" / "2020").exists()
    assert not list((tmp_path / "preview").rglob("gen-003"))


def test_a_published_build_never_uses_the_preview_writer():
    from pelican.plugins.rapport_site.incremental import PreviewWriter, preview_writer

    class Fake:
        def __init__(self, settings):
            self.settings = settings

    assert preview_writer(Fake({"PREVIEW_MODE": True})) is PreviewWriter
    assert preview_writer(Fake({})) is None
    publish = (ROOT / "publishconf.py").read_text(encoding="utf-8")
    assert "PREVIEW_MODE = False" in publish


if __name__ == "__main__":
    where, mode, seed, steps, posts = sys.argv[1:6]
    if mode == "scenario":
        out = run_scenario(Path(where), int(seed), int(steps), int(posts))
    else:
        out = run_steps(Path(where), int(posts))
    print(json.dumps(out))
