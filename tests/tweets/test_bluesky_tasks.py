"""`invoke bluesky.import` and `invoke bluesky.fetch`, called the way invoke calls them,
into a real store folder: the export's posts through the store's one write path, and
the AppView's (recorded replies served on 127.0.0.1)."""

import inspect

import bluesky_car as bc
import libipld
import pytest
import xrpc_support as xs
from invoke import Context
from invoke.exceptions import Exit

from pelican.plugins.rapport_tweets.bluesky import tasks
from pelican.plugins.rapport_tweets.networks import network_root, open_store
from pelican.plugins.rapport_tweets.record import BLUESKY

FEED = "app.bsky.feed.getAuthorFeed"
NOTIFICATIONS = "app.bsky.notification.listNotifications"
LOGIN = "com.atproto.server.createSession"


def lines(store):
    folder = network_root(store, BLUESKY) / "tweets"
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.jsonl"))}


def imported(tmp_path, name="repo.car", **export):
    """A store folder holding the sample export, imported by the task."""
    store = tmp_path / "store"
    car = bc.write_sample_export(tmp_path / name, **export)
    tasks.import_(Context(), str(car), handle="sam.example.com", store=str(store))
    return store


def test_collection_has_every_task_with_help():
    assert set(tasks.ns.task_names) == {"import", "fetch", "forget"}
    for name in tasks.ns.task_names:
        task = tasks.ns[name]
        assert task.__doc__
        params = [p for p in inspect.signature(task.body).parameters if p != "c"]
        assert all(p in task.help for p in params), name
    assert "DID" in tasks.ns["import"].help["handle"]


def test_import_stores_the_posts_and_counts_the_rest(tmp_path, capsys):
    car = bc.write_sample_export(tmp_path / "repo.car")
    store = tmp_path / "store"
    tasks.import_(Context(), str(car), handle="sam.example.com", store=str(store))
    out = " ".join(capsys.readouterr().out.split())
    assert "app.bsky.feed.like │ 1" in out and "app.bsky.graph.follow │ 1" in out
    assert f"Account: sam.example.com ({bc.OWNER})" in out
    assert "The Bluesky store holds 5 posts up to 2024-03-06." in out
    owner = open_store(store, BLUESKY).owner()
    assert owner == {"id": bc.OWNER, "handle": "sam.example.com", "name": "Sam Sample"}
    first = lines(store)
    assert b"deleted: never published" not in b"".join(first.values())
    # Again: nothing new, byte-identical, and the handle now comes from the store.
    tasks.import_(Context(), str(car), store=str(store))
    assert "The Bluesky store holds 5 posts" in capsys.readouterr().out
    assert lines(store) == first


def test_import_warns_about_what_it_left_out(tmp_path, capsys):
    car = bc.write_sample_export(tmp_path / "repo.car")
    tasks.import_(
        Context(), str(car), handle="sam.example.com", store=str(tmp_path / "s")
    )
    err = " ".join(capsys.readouterr().err.split())
    assert "1 app.bsky.feed.post record(s) were not posts" in err


def test_import_without_a_handle_says_where_to_give_it(tmp_path, monkeypatch):
    monkeypatch.setattr(tasks, "load_settings", lambda **kwargs: {})
    car = bc.write_sample_export(tmp_path / "repo.car")
    with pytest.raises(Exit) as raised:
        tasks.import_(Context(), str(car), store=str(tmp_path / "store"))
    message = raised.value.message
    assert f"names its account by DID ({bc.OWNER}), not by handle" in message
    assert "--handle" in message and "OWNER_BLUESKY" in message
    assert message.endswith("The store was not changed.")
    assert not (tmp_path / "store" / "bluesky" / "tweets").exists()


def test_import_takes_the_handle_from_owner_bluesky(tmp_path, monkeypatch):
    monkeypatch.setattr(
        tasks, "load_settings", lambda **kwargs: {"OWNER_BLUESKY": "@sam.example.com"}
    )
    car = bc.write_sample_export(tmp_path / "repo.car")
    tasks.import_(Context(), str(car), store=str(tmp_path / "store"))
    assert (
        open_store(tmp_path / "store", BLUESKY).owner()["handle"] == "sam.example.com"
    )


@pytest.mark.parametrize("data", [b"", b"\x0a\xa2garbage" * 20])
def test_a_damaged_export_is_one_error_and_no_change(tmp_path, data):
    store = imported(tmp_path)
    before = lines(store)
    bad = tmp_path / "bad.car"
    bad.write_bytes(data)
    with pytest.raises(Exit) as raised:
        tasks.import_(Context(), str(bad), handle="sam.example.com", store=str(store))
    assert raised.value.code == 1
    assert raised.value.message.startswith(f"Error: {bad}: not a CAR file")
    assert raised.value.message.endswith("The store was not changed.")
    assert lines(store) == before


def test_another_accounts_export_is_refused_unless_replace(tmp_path, capsys):
    store = imported(tmp_path)
    other = bc.write_sample_export(
        tmp_path / "b.car", did="did:plc:someoneelse0000000000000"
    )
    with pytest.raises(Exit, match="would mix two accounts"):
        tasks.import_(Context(), str(other), handle="else.example", store=str(store))
    tasks.import_(
        Context(), str(other), handle="else.example", store=str(store), replace=True
    )
    assert "Replaced the 5 posts the store held." in capsys.readouterr().out
    assert (
        open_store(store, BLUESKY).owner()["id"] == "did:plc:someoneelse0000000000000"
    )
    assert all(
        b"ownerexample" not in v.split(b'"text"')[0] for v in lines(store).values()
    )


@pytest.fixture
def xrpc(monkeypatch):
    server = xs.serve()
    for name, value in server.env().items():
        monkeypatch.setenv(name, value)
    yield server
    server.server.shutdown()


MINE = xs.post_view(
    "3lmine000002a", "Coffee at the Old Bank? ☕", "2024-05-01T09:00:00.000Z"
)
THEIRS = xs.post_view(
    "3ltheirs0002a",
    f"@{xs.OWNER_HANDLE} yes please!",
    "2024-05-01T10:00:00.000Z",
    xs.OTHER,
    xs.OTHER_HANDLE,
)


def test_fetch_stores_new_posts_then_an_idle_run_reads_nothing(xrpc, tmp_path, capsys):
    store = tmp_path / "store"
    xrpc.reply(FEED, xs.feed({"post": MINE}))
    xrpc.reply(LOGIN, xs.session())
    xrpc.reply(NOTIFICATIONS, xs.notifications(xs.notification(THEIRS, "mention")))
    tasks.fetch(Context(), handle=xs.OWNER_HANDLE, store=str(store))
    out = " ".join(capsys.readouterr().out.split())
    assert "Fetched: 3 request(s), 2 post(s) read, 2 new" in out
    assert "The Bluesky store holds 2 posts up to 2024-05-01." in out
    assert open_store(store, BLUESKY).owner()["id"] == xs.OWNER
    # The same replies again: the newest stored posts come first, so nothing is read.
    xrpc.reply(FEED, xs.feed({"post": MINE}, cursor="older"))
    xrpc.reply(LOGIN, xs.session())
    xrpc.reply(
        NOTIFICATIONS,
        xs.notifications(xs.notification(THEIRS, "mention"), cursor="older"),
    )
    before = len(xrpc.requests)
    tasks.fetch(Context(), store=str(store))
    out = " ".join(capsys.readouterr().out.split())
    assert "Fetched: 3 request(s), 0 post(s) read, 0 new" in out
    assert [r[0] for r in xrpc.requests[before:]] == [FEED, LOGIN, NOTIFICATIONS]
    # The store knew the owner: the feed was asked for by DID.
    assert xrpc.requests[before][1]["actor"] == [xs.OWNER]


def test_fetch_without_an_owner_says_how_to_name_one(tmp_path, monkeypatch):
    monkeypatch.setattr(tasks, "load_settings", lambda **kwargs: {})
    with pytest.raises(Exit) as raised:
        tasks.fetch(Context(), store=str(tmp_path / "store"))
    assert "OWNER_BLUESKY" in raised.value.message
    assert (
        "Nothing was changed; the Bluesky store holds no posts." in raised.value.message
    )
    assert "invoke bluesky.import" in raised.value.message


def test_fetch_refused_login_names_no_secret_and_keeps_the_store(xrpc, tmp_path):
    xrpc.reply(FEED, xs.feed())
    xrpc.reply(
        LOGIN,
        {
            "error": "AuthenticationRequired",
            "message": "Invalid identifier or password",
        },
        401,
    )
    with pytest.raises(Exit) as raised:
        tasks.fetch(Context(), handle=xs.OWNER_HANDLE, store=str(tmp_path / "store"))
    assert (
        "Bluesky refused the request (401 AuthenticationRequired: Invalid identifier"
        in raised.value.message
    )
    assert xs.PASSWORD not in raised.value.message
    assert not (tmp_path / "store" / "bluesky" / "tweets").exists()


def test_fetch_downloads_the_images_an_export_lacks_once(xrpc, tmp_path, capsys):
    store = imported(tmp_path)
    cids = [
        libipld.encode_cid(bc.cid_of(data, bc.RAW))
        for data in (bc.PHOTO, bc.PHOTO + b"2")
    ]
    base = f"/img/feed_fullsize/plain/{bc.OWNER}"
    xrpc.images[f"{base}/{cids[0]}@jpeg"] = (200, b"\xff\xd8\xff\xe0jpeg", "image/jpeg")
    xrpc.images[f"{base}/{cids[1]}@jpeg"] = (200, b"<html>", "text/html")
    for _ in range(2):
        xrpc.reply(FEED, xs.feed())
        xrpc.reply(LOGIN, xs.session())
        xrpc.reply(NOTIFICATIONS, xs.notifications())
    tasks.fetch(Context(), store=str(store))
    out = " ".join(capsys.readouterr().out.split())
    assert "Images: 1 downloaded, 1 skipped (not an image, too large or gone)." in out
    (record,) = [r for r in open_store(store, BLUESKY).iter_records() if r.media]
    first, second = record.media
    media = network_root(store, BLUESKY) / "media"
    assert (media / first.file).read_bytes() == b"\xff\xd8\xff\xe0jpeg"
    assert first.file.endswith(f"{cids[0]}.jpg") and not second.file
    # Stored: the next run asks for the one it could not use, not for the other.
    before = len(xrpc.requests)
    tasks.fetch(Context(), store=str(store))
    asked = [r[0] for r in xrpc.requests[before:] if r[0].startswith("/img/")]
    assert asked == [f"{base}/{cids[1]}@jpeg"]
