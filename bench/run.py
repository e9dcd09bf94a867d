"""`invoke bench`: Rapport's cost at a heavy user's scale, as ratios measured in one run.

Every measurement is a whole child process (Pelican on the command line, or one job of
bench/child.py calling the plugins' own functions), timed from outside with its peak RSS
from os.wait4. Each is repeated --runs times, interleaved round by round so that drift of
the machine hits every measurement alike, and the median is reported. The table and the
seven ratios of issue 5 are printed and appended to bench/RESULTS.md.
"""

import argparse
import dataclasses
import datetime as dt
import hashlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
import generate as gen  # noqa: E402

from pelican.plugins.rapport_tweets.commit import write_atomically  # noqa: E402  (generate's sys.path)

PYTHON = sys.executable
CHILD = str(BENCH / "child.py")
SCALE_FIELDS = tuple(f.name for f in dataclasses.fields(gen.Scale))
QUICK = gen.Scale(posts=200, people=100, listed=60, tweets=10_000, embeds=20, core=1000)
TARGETS = {
    "per_page": 1.10,
    "stored": 1.05,
    "audit": 0.10,
    "import_time": 1.5,  # issue 11 (was 2.0, issue 5)
    "import_rss": 1.0,  # issue 11 (was 1.5)
    "warm": 0.6,
    "rss": 2.0,
    "preview_post": 0.15,
    "preview_plain": 0.3,
    "preview_title": 0.3,
    "preview_person": 0.2,
    "bluesky_import": 2.0,
    "mastodon_import": 2.0,
}
console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)


@dataclass
class Sample:
    """One child process: wall seconds, peak RSS, exit code and what it printed."""

    wall: float
    rss_mb: float
    rc: int
    cpu: float = 0.0
    info: dict = field(default_factory=dict)
    files: int | None = None
    error: str = ""


def run_child(cmd: list[str], cwd: Path, env: dict | None = None) -> Sample:
    """Run `cmd` to completion; wall time and this child's own peak RSS (os.wait4)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = rc = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    info = {}
    for line in reversed(stdout.strip().splitlines()):
        if line.startswith("{"):
            try:
                info = json.loads(line)
            except ValueError:
                continue
            break
    error = ""
    if rc != 0:
        tail = (stderr.strip() or stdout.strip()).splitlines()[-6:]
        error = " | ".join(line.strip() for line in tail)[-600:] or f"exit code {rc}"
    return Sample(
        wall=wall,
        rss_mb=usage.ru_maxrss / 1024,
        cpu=usage.ru_utime + usage.ru_stime,
        rc=rc,
        info=info,
        error=error,
    )


def count_files(folder: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(folder))


def tree_digest(folder: Path) -> dict[str, str]:
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            out[path.relative_to(folder).as_posix()] = hashlib.sha256(
                path.read_bytes()
            ).hexdigest()
    return out


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


class Bench:
    """One benchmark run over one generated site."""

    def __init__(self, site: Path, manifest: dict, runs: int, log=console.print):
        self.site = site
        self.manifest = manifest
        self.runs = runs
        self.log = log
        self.samples: dict[str, list[Sample]] = {}
        self.failed: dict[str, str] = {}
        self.notes: dict[str, str] = {}
        self.work = site / "work"
        self.work.mkdir(exist_ok=True)
        self.round = 0
        self.probe = self._probe_plugins()

    # -- plumbing -----------------------------------------------------------------------

    def _probe_plugins(self) -> dict[str, str]:
        """'' for each plugin that imports with what the bench needs, else the error."""
        checks = {
            "pelican.plugins.rapport_site": "import pelican.plugins.rapport_site",
            "pelican.plugins.rapport_people": "import pelican.plugins.rapport_people; from pelican.plugins.rapport_people import audit_site",
            "pelican.plugins.rapport_tweets": "import pelican.plugins.rapport_tweets; from pelican.plugins.rapport_tweets.archive import "
            "import_archive",
            "pelican.plugins.rapport_tweets.fetch": "from pelican.plugins.rapport_tweets.fetch import fetch, Fetcher",
        }
        out = {}
        for name, code in checks.items():
            sample = run_child(
                [PYTHON, "-c", code],
                REPO,
            )
            out[name] = sample.error
        return out

    def plugins_ok(self, *names) -> str:
        """'' when every named plugin is usable, else why not."""
        for name in names:
            if self.probe.get(name):
                return f"{name} not usable: {self.probe[name][-200:]}"
        return ""

    def record(self, name: str, sample: Sample, detail: str = "") -> Sample:
        self.samples.setdefault(name, []).append(sample)
        if sample.rc != 0:
            self.failed.setdefault(name, sample.error)
            self.log(f"  [red]{name} failed[/]: {sample.error[-300:]}")
        else:
            extra = f", {sample.files} files" if sample.files is not None else ""
            self.log(
                f"  {name}: {sample.wall:.2f} s, {sample.rss_mb:.0f} MB{extra}"
                + (f" {detail}" if detail else "")
            )
        return sample

    def ok(self, name: str) -> list[Sample]:
        return [s for s in self.samples.get(name, []) if s.rc == 0]

    def med(self, name: str, attr: str = "wall", key: str | None = None):
        samples = self.ok(name)
        if key:
            return median([s.info.get(key) for s in samples])
        return median([getattr(s, attr) for s in samples])

    def export(self, path, script, sources):
        """Issue 13's export of another network beside the site (a fifth as many posts
        as its X archive has tweets): written by `script PATH POSTS` in a child process
        when missing or when `sources` (the code that writes it) changed. Returns
        (path, posts, '') or (None, posts, why)."""
        posts = max(1, self.manifest["counts"]["tweets"] // 5)
        digest = hashlib.sha256(f"{posts}".encode())
        for source in sources:
            digest.update(source.read_bytes())
        stamp = path.with_name(path.name + ".stamp")
        if not (path.exists() and stamp.is_file()
                and stamp.read_text() == digest.hexdigest()[:16]):  # fmt: skip
            if path.is_dir():
                shutil.rmtree(path)
            sample = run_child([PYTHON, str(script), str(path), str(posts)], REPO)
            if sample.rc != 0:
                return None, posts, sample.error
            stamp.write_text(digest.hexdigest()[:16])
        return path, posts, ""

    def network_phase(self, network, ratio, idle, export_for, what):
        """Issue 13, one network: its import against its decode floor, each a child
        process, interleaved round by round; then an idle fetch on the imported store.
        `ratio` and `idle` are (number, label) of the two rows returned; `export_for`
        the module's function giving (export, posts, error)."""
        limit = TARGETS[f"{network}_import"]
        reason = self.plugins_ok("pelican.plugins.rapport_tweets")
        export, posts, error = export_for(self) if not reason else (None, 0, "")
        reason = reason or error
        if reason:
            return [[*ratio, "n/a", f"<= {limit}", "n/a", reason[-160:]],
                    [*idle, "n/a", "<= 1", "n/a", reason[-160:]]]  # fmt: skip
        store = self.work / f"{network}-store"
        for r in range(self.runs):
            self.log(f"[bold]{network}, round {r + 1}/{self.runs}[/]")
            for step in ("floor", "import") if r % 2 == 0 else ("import", "floor"):
                cmd = [PYTHON, CHILD, f"{network}-{step}", str(export)]
                if step == "import":
                    shutil.rmtree(store, ignore_errors=True)
                    cmd.append(str(store))
                self.record(f"{network} {step}", run_child(cmd, REPO))
        rows = [self.import_ratio(*ratio, network, limit, f"{posts:,} {what}")]
        if not self.ok(f"{network} import"):
            return [*rows, [*idle, "n/a", "<= 1", "n/a", "no imported store"]]
        cmd = [PYTHON, CHILD, "idle", network, str(store)]
        sample = self.record(f"{network} idle fetch", run_child(cmd, REPO))
        return [*rows, self.idle_row(*idle, sample)]

    def import_ratio(self, number, label, network, limit, what) -> list[str]:
        """The ratio row of `network`'s import against its decode floor (issue 13):
        wall time of the whole processes, and their CPU time and in-process seconds."""
        floor, imported = self.med(f"{network} floor"), self.med(f"{network} import")
        if not floor or not imported:
            why = self.failed.get(f"{network} import") or self.failed.get(
                f"{network} floor"
            )
            return [number, label, "error", f"<= {limit}", "MISSED", (why or "")[-160:]]
        value = imported / floor
        cpu = self.med(f"{network} import", "cpu") / self.med(f"{network} floor", "cpu")
        detail = (
            f"{what}: {imported:.2f} s vs {floor:.2f} s; CPU time ratio {cpu:.2f}; "
            f"in-process {self.med(f'{network} import', key='seconds'):.2f} s vs "
            f"{self.med(f'{network} floor', key='seconds'):.2f} s"
        )
        verdict = "met" if value <= limit else "MISSED"
        return [number, label, f"{value:.2f}", f"<= {limit}", verdict, detail]

    @staticmethod
    def idle_row(number, label, sample) -> list[str]:
        """The row of an idle fetch (issue 13): the most requests any one endpoint
        got (target: one per timeline), with every endpoint's count and posts read."""
        if sample.rc != 0 or not sample.info.get("requests"):
            return [number, label, "error", "<= 1", "MISSED", sample.error[-160:]]
        per = sample.info["requests"]
        most = max(per.values())
        detail = (
            ", ".join(f"{k} {v}" for k, v in per.items())
            + f"; {sample.info['reads']} post(s) read, {sample.info['new']} new"
        )
        verdict = "met" if most <= 1 and not sample.info["new"] else "MISSED"
        return [number, label, str(most), "<= 1", verdict, detail]

    # -- steps --------------------------------------------------------------------------

    def full_plugins(self) -> list[str]:
        """Our plugins for the full build: all three, less any that is not usable yet.

        Passed explicitly (`-e PLUGINS=...`) so that the bench measures the plugins even
        before pelicanconf.py enables them, and says which one was left out."""
        wanted = [
            "pelican.plugins.rapport_site",
            "pelican.plugins.rapport_tweets",
            "pelican.plugins.rapport_people",
        ]
        usable = [p for p in wanted if not self.probe.get(p)]
        if usable != wanted:
            self.notes["full"] = "without " + ", ".join(
                sorted(set(wanted) - set(usable))
            )
        return usable

    def command(self, step: str) -> tuple[list[str], Path]:
        """The child process of one measurement, and the folder it runs in.

        Also empties what the step must not find from an earlier run (output, cache,
        store): untimed, before the process starts."""
        site, content = self.site, self.site / "content"
        builds = {
            "plain": "benchconf_plain.py",
            "full": "benchconf.py",
            "core": "benchconf_core.py",
        }
        if step in builds:
            out = site / "output" / step
            shutil.rmtree(out, ignore_errors=True)
            # `python -m pelican ...` by way of child.py, which keeps the audit's time.
            cmd = [
                PYTHON,
                CHILD,
                "build",
                "content",
                "-s",
                builds[step],
                "-o",
                str(out),
            ]
            cmd += ["--fatal", "errors"]
            if step != "plain":
                cmd += ["-e", f"PLUGINS={json.dumps(self.full_plugins())}"]
            return cmd, site
        if step == "floor":
            return [PYTHON, CHILD, "floor", str(site / "archive")], REPO
        if step in ("import", "import core (setup)"):
            archive, store = (
                (site / "archive", self.work / "import-store")
                if step == "import"
                else (site / "archive-core", site / "store-core")
            )
            shutil.rmtree(store, ignore_errors=True)
            return [PYTHON, CHILD, "import", str(archive), str(store)], REPO
        if step == "audit":
            settings, out = str(site / "benchconf.py"), str(site / "output" / "full")
            return [PYTHON, CHILD, "audit", settings, out], REPO
        if step in ("regenerate", "regenerate plain (context)", "preview"):
            plain = step == "regenerate plain (context)"
            variant = {"regenerate": "warm", "preview": "preview"}.get(
                step, "warm-plain"
            )
            out = site / "output" / variant
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(site / "cache" / variant, ignore_errors=True)
            cmd = [
                PYTHON,
                CHILD,
                "regenerate",
                str(site / "benchconf_warm.py"),
                str(out),
            ]
            cmd += [str(content / self.manifest["edit_post"])]
            cmd += [str(content / self.manifest["edit_person"])]
            cmd += ["--plugins", "[]" if plain else json.dumps(self.full_plugins())]
            cmd += ["--cache", str(site / "cache" / variant)]
            # Alternate which edit comes first, round by round.
            cmd += ["--order", "post,person" if self.round % 2 == 0 else "person,post"]
            if step == "preview":
                posts = sorted((content / "posts").glob("*.md"))
                cmd += ["--preview", "--title", str(posts[len(posts) // 4])]
            return cmd, REPO
        raise ValueError(f"unknown step {step!r}")

    def measure(self, step: str, detail=None) -> Sample:
        cmd, cwd = self.command(step)
        sample = run_child(cmd, cwd)
        if sample.rc == 0 and step in ("plain", "full", "core"):
            sample.files = count_files(self.site / "output" / step)
        return self.record(
            step, sample, detail(sample) if detail and sample.rc == 0 else ""
        )

    def tweets_phase(self) -> None:
        """Target 4: import vs the json.loads floor; leaves store-full and store-core."""
        reason = self.plugins_ok("pelican.plugins.rapport_tweets")
        for r in range(self.runs):
            self.log(f"[bold]tweets, round {r + 1}/{self.runs}[/]")
            for step in ["floor", "import"] if r % 2 == 0 else ["import", "floor"]:
                if step == "import" and reason:
                    self.failed["import"] = reason
                else:
                    self.measure(step)
        if reason:
            return
        if self.ok("import"):
            full = self.site / "store-full"
            shutil.rmtree(full, ignore_errors=True)
            shutil.move(self.work / "import-store", full)
        self.measure("import core (setup)")

    def other_networks(self) -> None:
        """Issue 13: the site's Bluesky export and Mastodon archive (bench/bluesky.py,
        bench/mastodon_import.py) imported into both stores the builds read, untimed,
        so that the full build (and the core build it is compared with byte for byte)
        publishes posts of all three networks: highlights, and the conversations of
        the listed people whose person files name those accounts."""
        import bluesky
        import mastodon_import

        done = []
        for module, network, job in (
            (bluesky, "bluesky", "bluesky-import"),
            (mastodon_import, "mastodon", "mastodon-import"),
        ):
            export, posts, error = module.export_for(self)
            for store in (self.site / "store-full", self.site / "store-core"):
                if export is None or not store.is_dir():
                    break
                shutil.rmtree(store / network, ignore_errors=True)
                cmd = [PYTHON, CHILD, job, str(export), str(store)]
                sample = self.record(f"{network} import (setup)", run_child(cmd, REPO))
                if sample.rc != 0:
                    error = sample.error
                    break
            else:
                done.append(f"{posts:,} {network}")
                continue
            self.notes["networks"] = (
                f"without {network}: {(error or 'no store')[-120:]}"
            )
        if done:
            self.notes["three_networks"] = f"stores hold X, {' and '.join(done)} posts"

    def build_phase(self) -> None:
        """Targets 1, 2, 3, 6: plain vs full vs full from the small store; the audit."""
        no_tweets = self.plugins_ok("pelican.plugins.rapport_tweets")
        no_people = self.plugins_ok("pelican.plugins.rapport_people")
        if not no_tweets:
            self.other_networks()
        steps = ["plain", "full", "core"]
        for r in range(self.runs):
            self.log(f"[bold]builds, round {r + 1}/{self.runs}[/]")
            for step in steps[r % 3 :] + steps[: r % 3]:
                if step == "core" and no_tweets:
                    self.failed["core"] = no_tweets
                    continue
                self.measure(step)
        if no_people:
            self.failed["audit"] = no_people
        full, core = self.site / "output" / "full", self.site / "output" / "core"
        if self.ok("full") and self.ok("core") and full.is_dir() and core.is_dir():
            a, b = tree_digest(full), tree_digest(core)
            differ = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
            self.notes["same_output"] = (
                "byte-identical outputs"
                if not differ
                else f"outputs differ in {len(differ)} files, e.g. {', '.join(differ[:3])}"
            )

    def warm_phase(self, context: bool = True) -> None:
        """Target 5: the regenerate path with the content cache, after one edit each.

        With `context`, plain Pelican's regenerate path too, in each round, for
        comparison (ratio 8b divides by it)."""

        def detail(sample):
            i = sample.info
            return f"(cold {i['cold']:.2f} s, post {i['post']:.2f} s, person {i['person']:.2f} s)"

        def preview_detail(sample):
            return detail(sample)[:-1] + f", title {sample.info['title']:.2f} s)"

        steps = ("regenerate", "preview")
        if context:
            steps += ("regenerate plain (context)",)
        for r in range(self.runs):
            self.round = r
            self.log(f"[bold]regenerate, round {r + 1}/{self.runs}[/]")
            for step in steps[:: 1 if r % 2 == 0 else -1]:
                self.measure(step, preview_detail if step == "preview" else detail)

    def profile(self, step: str, top: int = 30) -> Path:
        """Run one step under cProfile; print where the time goes, ours first."""
        import pstats

        cmd, cwd = self.command(step)
        prof = self.work / f"profile-{step.split()[0]}.prof"
        cmd = [cmd[0], "-m", "cProfile", "-o", str(prof), *cmd[1:]]
        self.record(f"profile {step}", run_child(cmd, cwd))
        stats = pstats.Stats(str(prof))
        stats.sort_stats("cumulative").print_stats("rapport_", top)
        stats.sort_stats("tottime").print_stats(top)
        return prof

    # -- report -------------------------------------------------------------------------

    def measurements(self) -> list[list[str]]:
        """One row per measurement: wall (median, range), CPU, peak RSS, files written."""
        tweets, core = (
            self.manifest["counts"]["tweets"],
            self.manifest["counts"]["core_tweets"],
        )
        rows = []

        def row(label, samples, wall, cpu=None, rss=True, note=""):
            walls = [wall(s) for s in samples]
            if not walls:
                return
            files = median([s.files for s in samples]) if rss else None
            w = median(walls)
            rows.append([
                label, str(len(walls)), f"{w:.2f}", f"{min(walls):.2f}-{max(walls):.2f}",
                f"{median([cpu(s) for s in samples]):.2f}" if cpu else "-",
                f"{median([s.rss_mb for s in samples]):.0f}" if rss else "-",
                f"{files:.0f}" if files else "-",
                f"{1000 * w / files:.2f}" if files else "-", note,
            ])  # fmt: skip

        def missing(label, *names):
            for name in names:
                if not self.ok(name):
                    why = self.failed.get(name) or self.notes.get(name) or "not run"
                    rows.append([label, "0", "-", "-", "-", "-", "-", "-", why[:160]])
                    return True
            return False

        def process(s):
            return s.wall

        def process_cpu(s):
            return s.cpu

        for name, label in (
            ("floor", "json.loads floor, every tweet file"),
            ("import", f"import archive ({tweets:,} tweets)"),
            ("import core (setup)", f"import core ({core:,} tweets; setup)"),
            ("plain", "plain Pelican build (our plugins off)"),
            ("full", "full build, whole store"),
            ("core", f"full build, store of the {core:,} published tweets only"),
        ):
            if not missing(label, name):
                note = self.notes.get(name, "")
                if name == "import":
                    note = f"in-process {self.med('import', key='seconds'):.2f} s"
                row(label, self.ok(name), process, process_cpu, note=note)
        label = "privacy audit, inside the full build"
        audited = [s for s in self.ok("full") if s.info.get("audit") is not None]
        if audited:
            row(label, audited, lambda s: s.info["audit"], rss=False,
                note="the people plugin's own timer (its log line)")  # fmt: skip
        elif not missing(label, "full"):
            why = self.failed.get("audit") or "no audit timing in the full build's log"
            rows.append([label, "0", "-", "-", "-", "-", "-", "-", why[:160]])
        for step, who in (
            ("regenerate", ""),
            ("preview", "preview mode "),
            ("regenerate plain (context)", "plain Pelican "),
        ):
            if missing(f"{who}regenerate (content cache on)", step):
                continue
            for key, what in (
                ("cold", "cold run"),
                ("post", "warm run after editing one post"),
                ("person", "warm run after editing one person file"),
                ("title", "warm run after editing another post's title"),
            ):
                if key not in self.ok(step)[0].info:
                    continue
                row(f"{who}regenerate: {what}", self.ok(step), lambda s, k=key: s.info[k],
                    lambda s, k=key: s.info[f"{k}_cpu"], rss=key == "cold",
                    note="in-process, content cache on")  # fmt: skip
                if f"{key}_search" in self.ok(step)[0].info:
                    # Preview mode writes the search index after the save (a thread
                    # and Pagefind's process): the wall time to the index in place.
                    row(f"{who}regenerate: {what}, to search index ready", self.ok(step),
                        lambda s, k=key: s.info[f"{k}_search"], rss=False,
                        note="save to index written and audited")  # fmt: skip
        return rows

    def ratios(self) -> list[list[str]]:
        rows = []

        def add(number, label, value, limit, detail="", missing=""):
            if value is None:
                rows.append([number, label, "n/a", f"<= {limit}", "n/a", missing[:160]])
                return
            verdict = "met" if value <= limit else "MISSED"
            if "full" in self.notes and number in ("1", "2", "3", "5a", "5b", "6"):
                verdict += f" (full build {self.notes['full']})"
            rows.append([number, label, f"{value:.2f}", f"<= {limit}", verdict, detail])

        def why(*names):
            for n in names:
                if not self.ok(n):
                    return f"{n}: " + (
                        self.failed.get(n) or self.notes.get(n) or "not run"
                    )
            return ""

        plain_w, full_w, core_w = self.med("plain"), self.med("full"), self.med("core")
        plain_f, full_f = self.med("plain", "files"), self.med("full", "files")
        value = None
        if plain_w and full_w:
            value = (full_w / full_f) / (plain_w / plain_f)
        detail = ""
        if value:
            cpu = (self.med("full", "cpu") / full_f) / (
                self.med("plain", "cpu") / plain_f
            )
            detail = (f"{1000 * full_w / full_f:.2f} vs {1000 * plain_w / plain_f:.2f} ms/file;"
                      f" CPU time ratio {cpu:.2f}")  # fmt: skip
            for key in ("three_networks", "networks"):
                detail += f"; {self.notes[key]}" if key in self.notes else ""
        add("1", "build cost per written file, full / plain", value, TARGETS["per_page"],
            detail, why("plain", "full"))  # fmt: skip
        value = full_w / core_w if full_w and core_w else None
        detail = self.notes.get("same_output", "")
        if value:
            detail += f"; CPU time ratio {self.med('full', 'cpu') / self.med('core', 'cpu'):.2f}"
            detail += (f"; peak RSS {self.med('full', 'rss_mb'):.0f} vs "
                       f"{self.med('core', 'rss_mb'):.0f} MB")  # fmt: skip
        add("2", "build time, 100k stored / 1k stored tweets", value, TARGETS["stored"],
            detail, why("full", "core"))  # fmt: skip
        audit = self.med("full", key="audit")
        value = audit / full_w if audit and full_w else None
        add("3", "privacy audit / full build time", value, TARGETS["audit"],
            f"{audit:.2f} s of {full_w:.2f} s" if value else "",
            why("full") or self.failed.get("audit")
            or "no audit timing in the full build's log")  # fmt: skip
        imp, flo = self.med("import"), self.med("floor")
        value = imp / flo if imp and flo else None
        add("4a", "archive import / json.loads floor, time", value, TARGETS["import_time"],
            f"{imp:.2f} s vs {flo:.2f} s" if value else "", why("import", "floor"))  # fmt: skip
        imp, flo = self.med("import", "rss_mb"), self.med("floor", "rss_mb")
        value = imp / flo if imp and flo else None
        add("4b", "archive import / json.loads floor, peak RSS", value, TARGETS["import_rss"],
            f"{imp:.0f} MB vs {flo:.0f} MB" if value else "", why("import", "floor"))  # fmt: skip
        for key, label in (("post", "one post"), ("person", "one person file")):
            warm = self.med("regenerate", key=key)
            value = warm / full_w if warm and full_w else None
            detail = ""
            if value:
                cpu = self.med("regenerate", key=f"{key}_cpu") / self.med("full", "cpu")
                detail = f"{warm:.2f} s vs {full_w:.2f} s; CPU time ratio {cpu:.2f}"
            context = self.med("regenerate plain (context)", key=key)
            if value and context and plain_w:
                cpu = self.med("regenerate plain (context)", key=f"{key}_cpu")
                detail += (f"; plain Pelican alone: {context / plain_w:.2f}, CPU "
                           f"{cpu / self.med('plain', 'cpu'):.2f}")  # fmt: skip
            add("5a" if key == "post" else "5b", f"warm rebuild after editing {label} / cold full build", value,
                TARGETS["warm"], detail, why("regenerate", "full"))  # fmt: skip
        full_r, plain_r = self.med("full", "rss_mb"), self.med("plain", "rss_mb")
        value = full_r / plain_r if full_r and plain_r else None
        add("6", "peak RSS, full / plain build", value, TARGETS["rss"],
            f"{full_r:.0f} MB vs {plain_r:.0f} MB" if value else "", why("full", "plain"))  # fmt: skip
        self.preview_ratios(add, why, full_w)
        return rows

    def preview_ratios(self, add, why, full_w) -> None:
        """Issue 15: a warm run in preview mode against the cold full build, and against
        plain Pelican's own warm run of the same site (its regenerate path)."""
        full_cpu = self.med("full", "cpu")
        for number, key, label, limit in (
            ("8a", "post", "preview after editing one post / cold full build",
             "preview_post"),
            ("8c", "title", "preview after editing one post's title / cold full build",
             "preview_title"),
            ("8d", "person", "preview after editing one person file / cold full build",
             "preview_person"),
        ):  # fmt: skip
            warm = self.med("preview", key=key)
            value = warm / full_w if warm and full_w else None
            detail = ""
            if value:
                cpu = self.med("preview", key=f"{key}_cpu") / full_cpu
                detail = f"{warm:.2f} s vs {full_w:.2f} s; CPU time ratio {cpu:.2f}"
                ready = self.med("preview", key=f"{key}_search")
                if ready:
                    detail += (
                        f"; search index ready {ready:.2f} s ({ready / full_w:.2f})"
                    )
            add(number, label, value, TARGETS[limit], detail, why("preview", "full"))
            if key != "post":
                continue
            plain = self.med("regenerate plain (context)", key="post")
            value = warm / plain if warm and plain else None
            detail = ""
            if value:
                cpu = self.med("preview", key="post_cpu") / self.med(
                    "regenerate plain (context)", key="post_cpu"
                )
                detail = f"{warm:.2f} s vs {plain:.2f} s; CPU time ratio {cpu:.2f}"
            add("8b", "preview after editing one post / plain Pelican's warm run", value,
                TARGETS["preview_plain"], detail,
                why("preview", "regenerate plain (context)"))  # fmt: skip


MEASURE_HEADERS = ["Measurement", "Runs", "Wall s (median)", "Range s", "CPU s", "Peak RSS MB",
                   "Files", "ms/file", "Notes"]  # fmt: skip
RATIO_HEADERS = ["#", "Target (issue 5)", "Measured", "Limit", "Verdict", "Detail"]


def rich_table(title: str, headers: list[str], rows: list[list[str]]) -> Table:
    table = Table(title=title, title_justify="left")
    for h in headers:
        table.add_column(h, overflow="fold")
    for row in rows:
        style = "red" if "MISSED" in row else None
        table.add_row(*row, style=style)
    return table


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    def cell(text):
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def own_peak_rss_mb() -> float:
    """This process's own high-water mark (VmHWM), the floor of its children's peaks.

    Not ru_maxrss, which also holds what this process inherited from its parent."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def git_revision() -> str:
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
        ).stdout.strip()
        dirty = subprocess.run(
            [
                "git",
                "status",
                "--porcelain",
                "--",
                "plugins",
                "theme",
                "pelicanconf.py",
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return rev + (" + uncommitted plugin/theme changes" if dirty else "")


def site_name(scale: gen.Scale) -> str:
    s = scale
    return (
        f"p{s.posts}-pp{s.people}-l{s.listed}-t{s.tweets}-e{s.embeds}-c{s.core}-s{s.seed}"
        f"-ps{s.part_size}"
    )


def results_section(scale, runs, elapsed, measurements, ratios, extra_notes) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    head = (
        f"## {now} · {cpu_model()} · {os.cpu_count()} cores · Python "
        f"{platform.python_version()}\n\n"
        f"Scale: {scale.posts:,} posts; {scale.people:,} people, {scale.listed:,} listed; "
        f"{scale.tweets:,} tweets ({scale.core:,} publishable); {scale.embeds:,} embeds; "
        f"seed {scale.seed}. {runs} run(s) each, median. Whole bench: {elapsed:.0f} s. "
        f"Revision: {git_revision()}.\n"
    )
    body = markdown_table(MEASURE_HEADERS, measurements) + "\n\n"
    body += markdown_table(RATIO_HEADERS, ratios) + "\n"
    if extra_notes:
        body += "\n" + "\n".join(f"- {n}" for n in extra_notes) + "\n"
    return head + "\n" + body


RESULTS_HEADER = """# Benchmark results

Appended by `invoke bench` (bench/run.py); newest last. Each section is one run: the
machine, the scale, every measurement (whole processes, median of the runs) and the
ratios of issue 5, measured side by side in that run.
"""


def append_results(path: Path, section: str) -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else RESULTS_HEADER
    write_atomically(path, old.rstrip("\n") + "\n\n" + section)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name in SCALE_FIELDS:
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=None)
    parser.add_argument("--runs", type=int, default=None, help="runs per measurement")
    parser.add_argument("--quick", action="store_true", help="1/10 scale, one run")
    parser.add_argument("--results", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument("--sites", type=Path, default=BENCH / "sites")
    parser.add_argument(
        "--profile",
        help="instead of the bench, run these steps under cProfile (comma-separated: "
        "plain, full, core, floor, import, audit, regenerate, preview)",
    )
    parser.add_argument(
        "--only",
        default="tweets,builds,regenerate,api,bluesky,mastodon,scales",
        help="phases to run, comma-separated: tweets, builds, regenerate, api, bluesky, "
        "mastodon, scales (preview mode at 100 and 500 posts)",
    )
    return parser.parse_args(argv)


def scale_of(args) -> gen.Scale:
    base = QUICK if args.quick else gen.Scale()
    values = {
        name: getattr(args, name)
        if getattr(args, name) is not None
        else getattr(base, name)
        for name in SCALE_FIELDS
    }
    return gen.Scale(**values).checked()


def generated_site(sites: Path, scale: gen.Scale) -> Path:
    """The site of `scale` under `sites`, generated unless it is up to date."""
    site = sites / site_name(scale)
    if gen.is_current(site, scale):
        console.print(f"Site {site} is up to date.")
        return site
    # In a child process: a child's peak RSS starts at its parent's (os.wait4 on
    # Linux), so the runner itself must stay small.
    console.print(f"Generating {site} ...")
    cmd = [PYTHON, str(BENCH / "generate.py"), str(site)]
    cmd += [f"--{k.replace('_', '-')}={getattr(scale, k)}" for k in SCALE_FIELDS]
    sample = run_child(cmd, REPO)
    if sample.rc != 0:
        raise SystemExit(f"the generator failed: {sample.error}")
    console.print(f"  generated in {sample.wall:.1f} s")
    return site


# Issue 15: preview mode's absolute save-to-reload time at these post counts too (the
# reference scale's is in the main table); the rest of the scale stays as it is.
PREVIEW_POSTS = (100, 500)


def preview_at_scales(sites: Path, scale: gen.Scale, runs: int) -> list[list[str]]:
    """Rows of preview mode's warm runs on sites of PREVIEW_POSTS posts (those fewer
    than the scale's own)."""
    rows = []
    for posts in (p for p in PREVIEW_POSTS if p < scale.posts):
        # Embeds in the same share of posts as at the scale asked for.
        embeds = max(1, scale.embeds * posts // scale.posts)
        small = dataclasses.replace(scale, posts=posts, embeds=embeds).checked()
        site = generated_site(sites, small)
        manifest = json.loads((site / "site.json").read_text(encoding="utf-8"))
        bench = Bench(site, manifest, runs)
        if not (site / "store-full").is_dir():
            bench.tweets_phase()  # the store the preview builds read
        for r in range(runs):
            bench.round = r
            bench.measure("preview")
        samples = bench.ok("preview")
        if not samples:
            why = bench.failed.get("preview", "failed")
            rows.append([f"preview mode at {posts:,} posts", "0", "-", "-", "-", "-",
                         "-", "-", why[:160]])  # fmt: skip
            continue
        for key, what in (("post", "one post"), ("title", "another post's title"),
                          ("person", "one person file")):  # fmt: skip
            walls = [s.info[key] for s in samples]
            ready = median([s.info.get(f"{key}_search") for s in samples])
            rows.append([
                f"preview mode at {posts:,} posts: save to reload, {what} edited",
                str(len(walls)), f"{median(walls):.2f}",
                f"{min(walls):.2f}-{max(walls):.2f}",
                f"{median([s.info[f'{key}_cpu'] for s in samples]):.2f}", "-", "-", "-",
                f"search index ready {ready:.2f} s" if ready else "",
            ])  # fmt: skip
    return rows


def main(argv=None) -> dict:
    """Run the bench; returns {"measurements": rows, "ratios": rows, "results": path}."""
    args = parse_args(argv)
    started = time.perf_counter()
    scale = scale_of(args)
    runs = args.runs or (1 if args.quick else 3)
    site = generated_site(args.sites, scale)
    manifest = json.loads((site / "site.json").read_text(encoding="utf-8"))
    load_before = os.getloadavg()
    bench = Bench(site, manifest, runs)
    if args.profile:
        for step in args.profile.split(","):
            bench.profile(step)
        return {"measurements": [], "ratios": [], "results": None}
    phases = set(args.only.split(","))
    if "tweets" in phases:
        bench.tweets_phase()
    if "builds" in phases:
        bench.build_phase()
    if "regenerate" in phases:
        bench.warm_phase()
    api_rows = []
    if "api" in phases:
        import api  # bench/api.py: the recorded-response X API server

        api_rows = api.measure(bench)
    issue13 = []
    if "bluesky" in phases:
        import bluesky  # bench/bluesky.py: the Bluesky export of issue 13

        issue13 += bluesky.measure(bench)
    if "mastodon" in phases:
        import mastodon_import  # bench/mastodon_import.py: issue 13's Mastodon archive

        issue13 += mastodon_import.measure(bench)
    api_rows += sorted(issue13, key=lambda row: row[0])
    measurements = bench.measurements()
    if "scales" in phases:
        measurements += preview_at_scales(args.sites, scale, runs)
    ratios = bench.ratios() + api_rows
    elapsed = time.perf_counter() - started
    notes = [
        f"{k}: {v}"
        for k, v in sorted(bench.notes.items())
        if k in ("full", "same_output", "three_networks", "networks")
    ]
    runner_rss = own_peak_rss_mb()
    notes.append(
        f"load average (1 min) {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after "
        f"on {os.cpu_count()} cores; other work on the machine skews the absolute figures, "
        "the interleaved ratios less so"
    )
    notes.append(
        f"peak RSS of a child includes its parent's at spawn: the runner's is "
        f"{runner_rss:.0f} MB, so smaller figures cannot show"
    )
    console.print(rich_table("Measurements", MEASURE_HEADERS, measurements))
    console.print(rich_table("Ratios", RATIO_HEADERS, ratios))
    console.print(
        f"Whole bench: {elapsed:.0f} s on {cpu_model()} ({os.cpu_count()} cores)."
    )
    append_results(
        args.results, results_section(scale, runs, elapsed, measurements, ratios, notes)
    )
    console.print(f"Appended to {args.results}.")
    return {"measurements": measurements, "ratios": ratios, "results": args.results}


if __name__ == "__main__":
    main()
