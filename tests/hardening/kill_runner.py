"""Run one store update in a child process and SIGKILL it at the Nth fault point.

    python kill_runner.py import ARCHIVE STORE N
    python kill_runner.py fetch PAGES.json STORE N
    python kill_runner.py every import|fetch SOURCE OLD_STORE WORKDIR

Fault points are calls to os.replace, os.fsync, os.unlink, os.open and
shutil.copyfileobj: every step at which a store update creates, fills, moves or
removes a file. N = 0 runs to the end and prints the number of points it passed.

`every` kills the update at the 1st, 2nd, ... point until a run completes, each run in
a process of its own forked from this one: a copy of OLD_STORE at WORKDIR/killed-at-N
is updated by a child that dies by SIGKILL at point N. Forked after the imports, a child
is what a fresh `python kill_runner.py KIND SOURCE STORE N` is when it arms the points,
without one interpreter start-up and import of the plugins per point. The last line
printed is JSON: {"killed": [N, ...], "completed": WORKDIR/killed-at-M}.
"""

import json
import os
import shutil
import signal
import sys
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from pelican.plugins.rapport_tweets.archive import import_archive  # noqa: E402
from pelican.plugins.rapport_tweets.fetch import client_from_env, fetch  # noqa: E402

POINTS = [
    (os, "replace"),
    (os, "fsync"),
    (os, "unlink"),
    (os, "open"),
    (shutil, "copyfileobj"),
]
# Past this many points an update is taken to never complete.
MAX_POINTS = 500


def arm(kill_at):
    count = [0]

    def trap(function):
        def wrapper(*args, **kwargs):
            count[0] += 1
            if count[0] == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return function(*args, **kwargs)

        return wrapper

    for module, name in POINTS:
        setattr(module, name, trap(getattr(module, name)))
    return count


def run_fetch(pages_file, store):
    import re

    import responses

    with open(pages_file, encoding="utf-8") as handle:
        pages = json.load(handle)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for body in pages["timeline"]:
            mock.get(
                re.compile(r"https://api\.twitter\.com/2/users/\d+/tweets"), json=body
            )
        for body in pages["mentions"]:
            mock.get(
                re.compile(r"https://api\.twitter\.com/2/users/\d+/mentions"), json=body
            )
        client, user_auth = client_from_env({"TWITTER_BEARER_TOKEN": "test-token"})
        fetch(store, client, user_auth, max_reads=1000, sleep=lambda s: None)


def complete(kind, source, store):
    """Run the update to the end (in this process: the recovery runs of the tests)."""
    if kind == "import":
        import_archive(source, store)
    else:
        run_fetch(source, store)


def armed_run(kind, source, store, kill_at):
    count = arm(kill_at)
    complete(kind, source, store)
    print(f"DONE {count[0]}")


def in_child(kind, source, store, kill_at):
    """Fork; the child runs the update armed at ``kill_at``. Returns its wait status."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            armed_run(kind, source, store, kill_at)
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    return os.waitpid(pid, 0)[1]


def every(kind, source, old_store, workdir):
    killed = []
    for point in range(1, MAX_POINTS):
        store = os.path.join(workdir, f"killed-at-{point}")
        shutil.copytree(old_store, store)
        status = in_child(kind, source, store, point)
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
            killed.append(point)
            continue
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
            print(json.dumps({"killed": killed, "completed": store}))
            return 0
        print(f"the run armed at point {point} failed (wait status {status})")
        return 1
    print(f"the update never completes: killed at {MAX_POINTS - 1} points")
    return 1


def main():
    if sys.argv[1] == "every":
        sys.exit(every(*sys.argv[2:6]))
    kind, source, store = sys.argv[1:4]
    armed_run(kind, source, store, int(sys.argv[4]))


if __name__ == "__main__":
    main()
