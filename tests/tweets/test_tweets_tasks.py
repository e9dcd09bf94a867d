"""The invoke tasks, called the way invoke calls them."""

import errno
import inspect
import os
from pathlib import Path

import pytest
from invoke import Context
from invoke.exceptions import Exit
from tweets_support import snapshot

from pelican.plugins.rapport_tweets import tasks
from pelican.plugins.rapport_tweets.reader import Reader

ROOT = Path(__file__).resolve().parents[2]


def test_collection_has_every_task_with_help():
    assert set(tasks.ns.task_names) == {"import", "fetch", "forget", "stats", "reindex"}
    for name in tasks.ns.task_names:
        task = tasks.ns[name]
        assert task.__doc__
        params = [p for p in inspect.signature(task.body).parameters if p != "c"]
        assert params and all(p in task.help for p in params), name


def test_import_prints_a_summary_per_file(fixtures, tmp_path, capsys):
    archive = fixtures.write_archive(
        tmp_path / "a.zip", fixtures.sample_tweets(), parts=2, as_zip=True
    )
    tasks.import_(Context(), str(archive), store=str(tmp_path / "store"))
    out = " ".join(capsys.readouterr().out.split())
    assert "data/tweets.js" in out and "data/tweets-part1.js" in out
    assert "The store holds 21 tweets up to 2016-05-04." in out


def test_import_error_is_one_clear_sentence(tmp_path):
    with pytest.raises(Exit) as raised:
        tasks.import_(
            Context(), str(tmp_path / "nowhere.zip"), store=str(tmp_path / "store")
        )
    assert raised.value.code == 1
    assert "no such file or folder" in raised.value.message
    assert "The store was not changed." in raised.value.message


def test_forget_and_stats(sample_store, capsys):
    tasks.forget(
        Context(), "1000000000000000014, 1000000000000000013", store=str(sample_store)
    )
    assert Reader(sample_store).get("1000000000000000014") is None
    tasks.stats(Context(), store=str(sample_store))
    out = " ".join(capsys.readouterr().out.split())
    assert "Forgotten ids: 2" in out and "28 tweets" in out
    with pytest.raises(Exit, match="not a tweet id"):
        tasks.forget(Context(), "abc", store=str(sample_store))


def test_reindex_reports_a_corrupt_line(sample_store):
    shard = sample_store / "tweets" / "2014.jsonl"
    shard.write_text(shard.read_text() + "{oops\n")
    with pytest.raises(Exit, match=r"2014\.jsonl, line \d+"):
        tasks.reindex(Context(), store=str(sample_store))


def test_committed_sample_store_is_what_the_fixtures_give(sample_store_template):
    docs = {".gitignore", "README.md"}
    committed = {
        k: v for k, v in snapshot(ROOT / "data" / "tweets").items() if k not in docs
    }
    assert committed == snapshot(sample_store_template)


def _disk_fails(monkeypatch, code):
    """Every fsync fails with `code`: nothing can be written durably."""

    def fsync(fd):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "fsync", fsync)


@pytest.mark.parametrize(
    ("code", "reason"),
    [(errno.ENOSPC, "No space left on device"), (errno.EROFS, "Read-only file system")],
)
@pytest.mark.parametrize("task", ["import", "forget", "reindex"])
def test_a_disk_error_is_one_sentence_and_changes_nothing(
    sample_store, fixtures, tmp_path, monkeypatch, code, reason, task
):
    archive = fixtures.write_archive(tmp_path / "a", fixtures.sample_tweets()[:3])
    (sample_store / "index" / "people.tsv").unlink()  # so that reindex writes
    before = snapshot(sample_store)
    _disk_fails(monkeypatch, code)
    with pytest.raises(Exit) as raised:
        if task == "import":
            tasks.import_(Context(), str(archive), store=str(sample_store))
        elif task == "forget":
            tasks.forget(Context(), "1000000000000000014", store=str(sample_store))
        else:
            tasks.reindex(Context(), store=str(sample_store))
    monkeypatch.undo()
    message = raised.value.message
    assert message.startswith("Error: could not write the tweet store at ")
    assert f"({reason})" in message and message.endswith("The store was not changed.")
    assert "\n" not in message and "Traceback" not in message
    assert snapshot(sample_store) == before


def test_a_commit_cut_short_by_the_disk_says_it_will_be_finished(
    sample_store, monkeypatch
):
    real_replace = os.replace

    def replace(src, dst):  # the journal is in place, then the disk fails
        if (sample_store / ".commit.json").exists():
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(dst))
        real_replace(src, dst)

    (sample_store / "index" / "people.tsv").unlink()
    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(Exit, match="committed but not finished; the next import"):
        tasks.reindex(Context(), store=str(sample_store))
    monkeypatch.undo()
    Reader(sample_store).close()
    assert (sample_store / "index" / "people.tsv").exists()


def test_a_relative_store_means_one_folder_for_builds_and_tasks(tmp_path):
    """TWEETS_STORE = "store" in a site's pelicanconf.py is <site>/store, whether a
    build or a task reads it, wherever the task runs from."""
    from pelican.settings import read_settings

    from pelican.plugins.rapport_tweets.settings import store_path

    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    conf = site / "pelicanconf.py"
    conf.write_text('PATH = "content"\nTWEETS_STORE = "store"\n')
    assert tasks.load_settings(conf)["TWEETS_STORE"] == str(site / "store")
    assert store_path(read_settings(str(conf))) == site / "store"
