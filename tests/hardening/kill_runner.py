"""Run one store update in a child process and SIGKILL it at the Nth fault point.

    python kill_runner.py import ARCHIVE STORE N
    python kill_runner.py fetch PAGES.json STORE N

Fault points are calls to os.replace, os.fsync, os.unlink, os.open and
shutil.copyfileobj: every step at which a store update creates, fills, moves or
removes a file. N = 0 runs to the end and prints the number of points it passed.
"""

import json
import os
import shutil
import signal
import sys

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


def main():
    kind, source, store = sys.argv[1:4]
    count = arm(int(sys.argv[4]))
    complete(kind, source, store)
    print(f"DONE {count[0]}")


if __name__ == "__main__":
    main()
