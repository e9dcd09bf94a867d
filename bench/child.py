"""The jobs that bench/run.py times from the outside, one per process.

    python bench/child.py build PELICAN-ARGS...
    python bench/child.py floor ARCHIVE
    python bench/child.py import ARCHIVE STORE
    python bench/child.py audit SETTINGS OUTPUT
    python bench/child.py regenerate SETTINGS OUTPUT POST PERSON
    python bench/child.py api STORE ARCHIVE --new K
    python bench/child.py bluesky-floor CAR
    python bench/child.py bluesky-import CAR STORE
    python bench/child.py mastodon-floor ARCHIVE
    python bench/child.py mastodon-import ARCHIVE STORE
    python bench/child.py idle bluesky|mastodon STORE

Each calls the real code (Pelican, the plugins' own functions), then prints one JSON line
with what it measured inside (seconds of the call itself, counts) for the runner. The
runner measures wall time and peak RSS of the whole process with os.wait4.
"""

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def emit(**info) -> None:
    print(json.dumps(info, sort_keys=True), flush=True)


def tweet_files(archive: Path) -> list[Path]:
    data = archive / "data"
    parts = sorted(
        data.glob("tweets-part*.js"), key=lambda p: int(p.stem[len("tweets-part") :])
    )
    return [data / "tweets.js", *parts]


def floor(args) -> None:
    """The floor of target 4: read each tweet file and json.loads it, keeping nothing.

    One file at a time, each parse dropped before the next, bytes handed to json.loads
    as read (it decodes UTF-8 itself; a text-mode read would add newline translation
    and a copy): the least a stdlib parser needs, in time and in memory, to see every
    tweet of the archive."""
    started = time.perf_counter()
    count = 0
    for path in tweet_files(args.archive):
        data = path.read_bytes()
        items = json.loads(data[data.index(b"=") + 1 :])
        count += len(items)
        del items, data
    emit(seconds=time.perf_counter() - started, tweets=count)


def import_(args) -> None:
    from pelican.plugins.rapport_tweets.archive import import_archive

    started = time.perf_counter()
    summary = import_archive(str(args.archive), str(args.store))
    totals = summary.totals()
    emit(
        seconds=time.perf_counter() - started,
        read=totals.read,
        new=totals.new,
        media=totals.media,
        total=summary.total,
        warnings=len(summary.warnings),
    )


def bluesky_floor(args) -> None:
    """The floor of issue 13's Bluesky target: decode the CAR with atproto, nothing
    kept, imported as the import imports it (atproto_core, where atproto.CAR lives)."""
    from atproto_core.car import CAR

    started = time.perf_counter()
    car = CAR.from_bytes(args.car.read_bytes())
    emit(seconds=time.perf_counter() - started, blocks=len(car.blocks))


OWNER_BLUESKY = "sam.example.com"  # bench/bluesky.py's OWNER_HANDLE


def bluesky_import(args) -> None:
    from pelican.plugins.rapport_tweets.bluesky.importer import import_car

    started = time.perf_counter()
    summary = import_car(args.car, args.store, handle=OWNER_BLUESKY)
    emit(
        seconds=time.perf_counter() - started,
        read=summary.read,
        new=summary.new,
        total=summary.total,
        warnings=len(summary.warnings),
    )


def mastodon_floor(args) -> None:
    """The floor of issue 13's Mastodon target: json.loads of the archive's JSON files
    (outbox.json, actor.json), read as bytes, nothing kept."""
    started = time.perf_counter()
    count = 0
    for name in ("outbox.json", "actor.json"):
        value = json.loads((args.archive / name).read_bytes())
        count += len(value.get("orderedItems", ()))
        del value
    emit(seconds=time.perf_counter() - started, activities=count)


def mastodon_import(args) -> None:
    from pelican.plugins.rapport_tweets.mastodon import import_mastodon

    started = time.perf_counter()
    summary = import_mastodon(args.archive, args.store)
    emit(
        seconds=time.perf_counter() - started,
        read=summary.read,
        new=summary.new,
        private=summary.private,
        total=summary.total,
        warnings=len(summary.warnings),
    )


def idle(args) -> None:
    """Issue 13: an idle fetch of one network on its imported store, against canned
    replies (bench/bluesky.py, bench/mastodon_import.py: idle_fetch)."""
    import importlib

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    module = {"bluesky": "bluesky", "mastodon": "mastodon_import"}[args.network]
    emit(**importlib.import_module(module).idle_fetch(args.store))


def load_settings(path: Path, output: Path | None = None, **override):
    from pelican.settings import read_settings

    if output is not None:
        override["OUTPUT_PATH"] = str(output)
    return read_settings(str(path), override=override)


class _AuditTimer(logging.Handler):
    """Keeps the people plugin's own timing of its audit ("Privacy audit of X took N s")."""

    def __init__(self):
        super().__init__(level=logging.INFO)
        self.seconds = None

    def emit(self, record):
        if str(record.msg).startswith("Privacy audit of") and record.args:
            self.seconds = float(record.args[-1])


def build(args) -> None:
    """`python -m pelican ARGS`, plus the audit's time as the people plugin logs it."""
    import pelican

    timer = _AuditTimer()
    audit_logger = logging.getLogger("pelican.plugins.rapport_people.audit")
    audit_logger.setLevel(logging.INFO)
    audit_logger.addHandler(timer)
    started = time.perf_counter()
    pelican.main(args.pelican_args)
    emit(seconds=time.perf_counter() - started, audit=timer.seconds)


def audit(args) -> None:
    """The people plugin's privacy audit alone, on an already built output folder."""
    from pelican.plugins.rapport_people import audit_site

    settings = load_settings(args.settings, args.output)
    started = time.perf_counter()
    findings = audit_site(settings)
    emit(seconds=time.perf_counter() - started, findings=len(findings))


def regenerate(args) -> None:
    """Pelican's autoreload path (`pelican -r`, `invoke regenerate`) with the content cache.

    One Pelican instance, run() once cold, then again after editing one post and after
    editing one person file, as pelican.autoreload does on a change. The edited files are
    restored afterwards, byte for byte. With --preview, in preview mode (PREVIEW_MODE, as
    `invoke regenerate` and `invoke livereload` build), and with --title, also after
    editing another post's title."""
    from pelican import Pelican
    from pelican import log as pelican_log

    pelican_log.init(level=logging.WARNING, fatal="errors")
    override = {"PLUGINS": json.loads(args.plugins), "PREVIEW_MODE": args.preview}
    if args.cache:
        override["CACHE_PATH"] = str(args.cache)
    settings = load_settings(args.settings, args.output, **override)
    pelican = Pelican(settings)
    timings = {}

    def timed_run(name):
        wall, cpu = time.perf_counter(), time.process_time()
        pelican.run()
        timings[name] = time.perf_counter() - wall
        timings[f"{name}_cpu"] = time.process_time() - cpu
        if args.preview:
            # Save-to-reload above; preview mode writes the search index after it.
            from pelican.plugins.rapport_site.search import wait_for_index

            wait_for_index()
            timings[f"{name}_search"] = time.perf_counter() - wall

    timed_run("cold")
    edits = {name: getattr(args, name) for name in args.order.split(",")}
    if args.title:
        edits["title"] = args.title
    originals = {name: path.read_bytes() for name, path in edits.items()}
    try:
        for name, path in edits.items():
            text = originals[name].decode("utf-8").rstrip("\n")
            if name == "title":  # the post's listings and feeds change too
                text = text.replace("Title: ", "Title: Edited: ", 1)
            else:
                text += " Edited for the warm rebuild benchmark."
            path.write_text(text + "\n", "utf-8")
            stamp = time.time() + 2  # a new mtime even on coarse file systems
            os.utime(path, (stamp, stamp))
            timed_run(name)
    finally:
        for name, path in edits.items():
            path.write_bytes(originals[name])
    emit(**timings)


def api(args) -> None:
    """Target 7: the tweets plugin's fetch against the recorded-response server."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from api import run_scenario

    emit(**run_scenario(args.store, args.new))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="job", required=True)
    p = sub.add_parser("floor")
    p.add_argument("archive", type=Path)
    p.set_defaults(func=floor)
    p = sub.add_parser("import")
    p.add_argument("archive", type=Path)
    p.add_argument("store", type=Path)
    p.set_defaults(func=import_)
    p = sub.add_parser("bluesky-floor")
    p.add_argument("car", type=Path)
    p.set_defaults(func=bluesky_floor)
    p = sub.add_parser("bluesky-import")
    p.add_argument("car", type=Path)
    p.add_argument("store", type=Path)
    p.set_defaults(func=bluesky_import)
    p = sub.add_parser("mastodon-floor")
    p.add_argument("archive", type=Path)
    p.set_defaults(func=mastodon_floor)
    p = sub.add_parser("mastodon-import")
    p.add_argument("archive", type=Path)
    p.add_argument("store", type=Path)
    p.set_defaults(func=mastodon_import)
    p = sub.add_parser("idle")
    p.add_argument("network", choices=["bluesky", "mastodon"])
    p.add_argument("store", type=Path)
    p.set_defaults(func=idle)
    p = sub.add_parser("build")
    p.add_argument("pelican_args", nargs=argparse.REMAINDER)
    p.set_defaults(func=build)
    p = sub.add_parser("audit")
    p.add_argument("settings", type=Path)
    p.add_argument("output", type=Path)
    p.set_defaults(func=audit)
    p = sub.add_parser("regenerate")
    for name in ("settings", "output", "post", "person"):
        p.add_argument(name, type=Path)
    p.add_argument(
        "--plugins",
        default='["pelican.plugins.rapport_site", "pelican.plugins.rapport_tweets", "pelican.plugins.rapport_people"]',
    )
    p.add_argument("--cache", type=Path, help="CACHE_PATH (default: the settings')")
    p.add_argument("--order", default="post,person", help="which edit comes first")
    p.add_argument("--preview", action="store_true", help="in preview mode")
    p.add_argument("--title", type=Path, help="a post whose title to edit, last")
    p.set_defaults(func=regenerate)
    p = sub.add_parser("api")
    p.add_argument("store", type=Path)
    p.add_argument("--new", type=int, default=12)
    p.set_defaults(func=api)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
