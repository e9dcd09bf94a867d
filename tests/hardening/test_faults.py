"""Faults during store updates: kills at every step, full disk, read-only folder, an archive
that vanishes, a corrupt line, a dropped connection, two imports at once.

The kill tests run an import (or fetch) over an existing store in a child process and
SIGKILL it at the 1st, 2nd, ... fault point (kill_runner.py counts calls to os.replace,
os.fsync, os.unlink, os.open and shutil.copyfileobj) until a run completes: one runner
per update, which forks a child for each point.
"""

import errno
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests
import responses
from fuzz_support import archive_builder, snapshot
from invoke import Context
from invoke.exceptions import Exit
from kill_runner import complete

from pelican.plugins.rapport_tweets import tasks as tweet_tasks
from pelican.plugins.rapport_tweets.archive import ArchiveError, import_archive
from pelican.plugins.rapport_tweets.fetch import client_from_env, fetch
from pelican.plugins.rapport_tweets.reader import Reader
from pelican.plugins.rapport_tweets.record import StoreError
from pelican.plugins.rapport_tweets.store import Store

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
RUNNER = HERE / "kill_runner.py"
build = archive_builder()
TWEETS = build.sample_tweets()


def tracked(snap):
    """A store snapshot without the lock file and temp files."""
    return {
        k: v
        for k, v in snap.items()
        if not k.endswith(".lock") and not Path(k).name.startswith(".")
    }


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """Archives and the store before (old) and after (new) importing the full archive."""
    tmp = tmp_path_factory.mktemp("faults")
    old_archive = build.write_archive(tmp / "old-archive", TWEETS[: len(TWEETS) // 2])
    new_archive = build.write_archive(tmp / "new-archive", TWEETS)
    import_archive(old_archive, tmp / "old")
    shutil.copytree(tmp / "old", tmp / "new")
    import_archive(new_archive, tmp / "new")
    return {
        "tmp": tmp,
        "archive": new_archive,
        "old_store": tmp / "old",
        "old": snapshot(tmp / "old"),
        "new": snapshot(tmp / "new"),
    }


def _run(kind, source, store, kill_at):
    return subprocess.run(
        [sys.executable, str(RUNNER), kind, str(source), str(store), str(kill_at)],
        capture_output=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def _kill_everywhere(kind, source, old_store, workdir):
    """[(point, store folder after the kill)] for every fault point of one update, and
    the store of the run that completed (one runner, a forked child per point)."""
    workdir.mkdir(parents=True)
    command = [sys.executable, RUNNER, "every", kind, source, old_store, workdir]
    result = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        encoding="utf-8",
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    report = json.loads(result.stdout.splitlines()[-1])
    completed = Path(report["completed"])
    assert result.stdout.splitlines()[-2].startswith("DONE"), result.stdout[-2000:]
    points = report["killed"]
    assert points == list(range(1, len(points) + 1))
    assert completed == workdir / f"killed-at-{len(points) + 1}"
    return [(point, workdir / f"killed-at-{point}") for point in points], completed


@pytest.fixture(scope="module")
def import_kills(stores):
    killed, completed = _kill_everywhere(
        "import", stores["archive"], stores["old_store"], stores["tmp"] / "kills"
    )
    assert snapshot(completed) == stores["new"]
    assert len(killed) >= 10
    return killed


def _copy(store, label):
    """A copy of a killed store, so that each test starts from the kill itself."""
    copy = store.with_name(f"{store.name}-{label}")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(store, copy)
    return copy


def test_a_killed_import_never_leaves_a_torn_file(stores, import_kills):
    for point, store in import_kills:
        for name, data in tracked(snapshot(store)).items():
            assert data in (stores["old"].get(name), stores["new"].get(name)), (
                f"killed at point {point}: {name} is neither the old nor the new file"
            )


def test_a_killed_import_leaves_the_old_or_the_new_store(stores, import_kills):
    # As the next run finds it: a kill while the files are being moved into place
    # leaves them half moved on disk, but the commit's journal is already written and
    # every reader or update first rolls it forward (store.py, "writes").
    mixed = []
    for point, killed in import_kills:
        store = _copy(killed, "next-run")
        Reader(store).close()
        if tracked(snapshot(store)) not in (stores["old"], stores["new"]):
            mixed.append(point)
    assert mixed == []


def test_the_next_import_recovers_by_itself(stores, import_kills):
    store = _copy(import_kills[len(import_kills) // 2][1], "by-itself")
    complete("import", stores["archive"], store)


def _repair(store):
    """What the error messages tell the user: delete the stale lock, reindex."""
    (store / ".lock").unlink(missing_ok=True)
    Store(store).reindex()


def test_after_removing_the_stale_lock_the_next_import_recovers(stores, import_kills):
    stale = []
    for point, store in import_kills:
        copy = _copy(store, "lock-removed")
        (copy / ".lock").unlink(missing_ok=True)
        complete("import", stores["archive"], copy)
        if tracked(snapshot(copy)) != stores["new"]:
            stale.append(point)
    assert stale == []


def test_lock_removed_and_reindexed_the_next_import_recovers(stores, import_kills):
    for point, killed in import_kills:
        store = _copy(killed, "repaired")
        _repair(store)
        complete("import", stores["archive"], store)
        assert tracked(snapshot(store)) == stores["new"], f"point {point}"


def test_the_lock_message_says_what_to_do(stores, import_kills):
    # A .lock left by a killed import no longer blocks (the OS released its flock,
    # test_the_next_import_recovers_by_itself); a live holder still does, clearly.
    store = _copy(import_kills[-1][1], "message")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from pelican.plugins.rapport_tweets.store import Store\n"
            "with Store(sys.argv[1]).lock():\n"
            "    print('locked', flush=True); sys.stdin.read()",
            str(store),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        encoding="utf-8",
    )
    try:
        assert holder.stdout.readline() == "locked\n"
        with pytest.raises(
            StoreError,
            match=rf"another import or fetch is running .*pid {holder.pid}\); wait "
            "for it to finish",
        ):
            import_archive(stores["archive"], store)
    finally:
        holder.communicate("", timeout=60)
    assert not (store / ".lock").exists()


# --- a fetch killed at every step ----------------------------------------------------


def _v2(n, author="100000001"):
    return {
        "id": str(2000000000000000000 + n),
        "text": f"Fetched post {n}",
        "author_id": author,
        "created_at": "2017-01-01T10:00:00.000Z",
        "public_metrics": {"like_count": n},
        "edit_history_tweet_ids": [str(2000000000000000000 + n)],
    }


USERS = [
    {"id": "100000001", "username": "samsample", "name": "Sam Sample"},
    {"id": "200000001", "username": "adaexample", "name": "Ada Example"},
]


def _pages(tmp):
    pages = {
        "timeline": [
            {
                "data": [_v2(n) for n in (1, 2, 3)],
                "includes": {"users": USERS},
                "meta": {"result_count": 3, "next_token": "p2"},
            },
            {
                "data": [_v2(n) for n in (4, 5)],
                "includes": {"users": USERS},
                "meta": {"result_count": 2},
            },
        ],
        "mentions": [
            {
                "data": [_v2(6, "200000001")],
                "includes": {"users": USERS},
                "meta": {"result_count": 1},
            }
        ],
    }
    path = tmp / "pages.json"
    path.write_text(json.dumps(pages), encoding="utf-8")
    return path


def test_a_killed_fetch_never_leaves_a_torn_file_and_recovers(stores, tmp_path):
    pages = _pages(tmp_path)
    reference = tmp_path / "reference"
    shutil.copytree(stores["old_store"], reference)
    complete("fetch", pages, reference)
    new = snapshot(reference)
    killed, _completed = _kill_everywhere(
        "fetch", pages, stores["old_store"], tmp_path / "kills"
    )
    assert len(killed) >= 5
    for point, store in killed:
        for name, data in tracked(snapshot(store)).items():
            assert data in (stores["old"].get(name), new.get(name)), (point, name)
        _repair(store)
        complete("fetch", pages, store)
        assert tracked(snapshot(store)) == new, point


# --- full disk, read-only folder ------------------------------------------------------


def _import_task(archive, store):
    tweet_tasks.import_(Context(), str(archive), store=str(store))


@pytest.fixture
def old_store(stores, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(stores["old_store"], store)
    return store


def _fail_with(monkeypatch, code, function="fsync"):
    original = getattr(os, function)

    def broken(*args, **kwargs):
        if function == "open" and "store" not in str(args[0]):
            return original(*args, **kwargs)
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, function, broken)


def test_full_disk_keeps_the_old_store(stores, old_store, monkeypatch):
    _fail_with(monkeypatch, errno.ENOSPC)
    with pytest.raises((OSError, StoreError, Exit)):
        _import_task(stores["archive"], old_store)
    monkeypatch.undo()
    assert tracked(snapshot(old_store)) == stores["old"]
    assert not (old_store / ".lock").exists()
    assert not [p for p in old_store.rglob("*.tmp")], "temp files were left behind"


@pytest.mark.parametrize(
    ("code", "function"),
    [(errno.ENOSPC, "fsync"), (errno.EROFS, "open"), (errno.EACCES, "open")],
    ids=["disk-full", "read-only", "no-permission"],
)
def test_disk_errors_are_one_clear_sentence(
    stores, old_store, monkeypatch, code, function
):
    _fail_with(monkeypatch, code, function)
    with pytest.raises(Exit, match=r"(?i)disk|space|read-only|permission"):
        _import_task(stores["archive"], old_store)


def test_read_only_store_keeps_the_old_store(stores, old_store, monkeypatch):
    _fail_with(monkeypatch, errno.EROFS, "open")
    with pytest.raises((OSError, StoreError, Exit)):
        _import_task(stores["archive"], old_store)
    monkeypatch.undo()
    assert tracked(snapshot(old_store)) == stores["old"]


# --- an archive that disappears, a corrupt line --------------------------------------


def test_archive_that_disappears_mid_import(stores, old_store, tmp_path):
    archive = build.write_archive(tmp_path / "archive", TWEETS, parts=3)
    parts = sorted((archive / "data").glob("tweets*.js"))
    assert len(parts) == 3

    def vanish(done, total):
        if done and archive.exists():
            shutil.rmtree(archive)

    with pytest.raises(ArchiveError, match="cannot be read"):
        import_archive(archive, old_store, progress=vanish)
    assert snapshot(old_store) == stores["old"]


def test_zip_that_disappears_mid_import_is_still_read_or_refused(
    stores, old_store, tmp_path
):
    archive = build.zip_folder(stores["archive"], tmp_path / "archive.zip")

    def vanish(done, total):
        archive.unlink(missing_ok=True)

    try:
        import_archive(archive, old_store, progress=vanish)
    except ArchiveError:
        assert snapshot(old_store) == stores["old"]
    else:  # the open zip stays readable after unlink (POSIX): a complete import
        assert tracked(snapshot(old_store)) == stores["new"]


def test_one_corrupt_line_is_named_and_nothing_is_overwritten(stores, old_store):
    shard = sorted((old_store / "tweets").glob("*.jsonl"))[0]
    lines = shard.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(1, '{"id":"1000000000000000000", "text": oops\n')
    shard.write_text("".join(lines), encoding="utf-8")
    before = snapshot(old_store)
    with pytest.raises(StoreError, match=rf"{re.escape(shard.name)}, line 2"):
        import_archive(stores["archive"], old_store)
    assert snapshot(old_store) == before
    with pytest.raises(Exit, match=rf"{re.escape(shard.name)}, line 2"):
        _import_task(stores["archive"], old_store)


# --- the API drops the connection mid-page -----------------------------------------------

TIMELINE = re.compile(r"https://api\.twitter\.com/2/users/100000001/tweets")
MENTIONS = re.compile(r"https://api\.twitter\.com/2/users/100000001/mentions")


@responses.activate
def test_connection_dropped_on_page_two_keeps_page_one_and_the_old_store(
    stores, old_store
):
    responses.get(
        TIMELINE,
        json={
            "data": [_v2(n) for n in (1, 2, 3)],
            "includes": {"users": USERS},
            "meta": {"result_count": 3, "next_token": "p2"},
        },
    )
    for _ in range(10):
        responses.get(TIMELINE, body=requests.ConnectionError("connection reset"))
    responses.get(MENTIONS, json={"meta": {"result_count": 0}})
    client, user_auth = client_from_env({"TWITTER_BEARER_TOKEN": "test-token"})
    summary = fetch(old_store, client, user_auth, sleep=lambda s: None, retries=2)
    assert "kept failing" in summary.stopped
    assert summary.new == 3
    store = Store(old_store)
    ids = {r.id for r in store.iter_records()}
    old_ids = {
        json.loads(line)["id"]
        for k, v in stores["old"].items()
        if k.startswith("tweets/")
        for line in v.decode().splitlines()
    }
    assert old_ids < ids
    assert {str(2000000000000000000 + n) for n in (1, 2, 3)} <= ids


# --- two imports at once ---------------------------------------------------------------


def test_an_import_while_another_runs_is_refused_clearly(stores, old_store):
    with Store(old_store).lock(), pytest.raises(Exit) as raised:
        _import_task(stores["archive"], old_store)
    assert "another import or fetch is running" in str(raised.value.message)
    assert "Nothing was changed" in str(raised.value.message) or "not changed" in str(
        raised.value.message
    )
    assert tracked(snapshot(old_store)) == stores["old"]


def test_two_imports_started_together_leave_a_whole_store(stores, old_store):
    results = []

    def one():
        results.append(_run("import", stores["archive"], old_store, 0))

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        assert result.returncode == 0 or "another import or fetch is running" in (
            result.stderr
        ), result.stderr[-500:]
    assert any(r.returncode == 0 for r in results)
    assert tracked(snapshot(old_store)) == stores["new"]
    assert not (old_store / ".lock").exists()
