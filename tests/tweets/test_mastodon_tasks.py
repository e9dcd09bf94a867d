"""invoke mastodon.import and mastodon.fetch, called the way invoke calls them."""

import inspect

import mastodon_api as api
import mastodon_archive as ma
import pytest
from invoke import Context
from invoke.exceptions import Exit
from test_mastodon_fetch import routes

from pelican.plugins.rapport_tweets import mastodon_tasks as tasks


def test_collection_has_both_tasks_with_help():
    assert set(tasks.ns.task_names) == {"import", "fetch", "forget"}
    for name in tasks.ns.task_names:
        task = tasks.ns[name]
        assert task.__doc__
        params = [p for p in inspect.signature(task.body).parameters if p != "c"]
        assert all(p in task.help for p in params), name


def test_import_says_what_was_kept_and_left_out(tmp_path, capsys):
    archive = ma.write_zip(tmp_path / "archive.zip")
    tasks.import_(Context(), str(archive), store=str(tmp_path / "store"))
    out = " ".join(capsys.readouterr().out.split())
    assert "7 activities read; 5 new" in out
    assert (
        "1 of them boosts; 1 media copied; 2 followers-only or direct posts left out"
        in out
    )
    assert "The store holds 5 Mastodon posts" in out


def test_import_of_something_else_is_one_sentence(tmp_path):
    (tmp_path / "folder").mkdir()
    with pytest.raises(Exit) as raised:
        tasks.import_(Context(), str(tmp_path / "folder"), store=str(tmp_path / "s"))
    assert raised.value.code == 1
    assert "not a Mastodon archive" in raised.value.message
    assert raised.value.message.endswith("The store was not changed.")


def test_fetch_reads_the_instance_and_token_from_the_environment(
    tmp_path, capsys, monkeypatch
):
    with api.Instance(routes()) as instance:
        monkeypatch.setenv("MASTODON_API_BASE_URL", instance.url)
        monkeypatch.setenv("MASTODON_ACCESS_TOKEN", "t0ken")
        tasks.fetch(Context(), store=str(tmp_path))
    out = " ".join(capsys.readouterr().out.split())
    assert "Fetched: 3 request(s), 4 post(s) read, 2 new" in out
    assert "t0ken" not in out


def test_fetch_without_a_token_says_what_to_set(tmp_path, monkeypatch):
    monkeypatch.delenv("MASTODON_ACCESS_TOKEN", raising=False)
    with pytest.raises(Exit) as raised:
        tasks.fetch(Context(), store=str(tmp_path))
    assert "MASTODON_ACCESS_TOKEN" in raised.value.message
    assert "Nothing was changed" in raised.value.message


def test_forget_hides_a_post_for_good(tmp_path, capsys):
    archive = ma.write_zip(tmp_path / "archive.zip")
    store = str(tmp_path / "store")
    tasks.import_(Context(), str(archive), store=store)
    tasks.forget(
        Context(), "https://sample.social/@sam/110000000000000002", store=store
    )
    assert "Forgot 1 post(s) (1 removed from the store)" in capsys.readouterr().out
    tasks.import_(Context(), str(archive), store=store)  # it does not come back
    lines = (tmp_path / "store" / "mastodon" / "tweets" / "2023.jsonl").read_text()
    assert "110000000000000002" not in lines
    with pytest.raises(Exit) as raised:
        tasks.forget(Context(), "https://x.com/sam/status/1", store=store)
    assert "is not a Mastodon status address" in raised.value.message
