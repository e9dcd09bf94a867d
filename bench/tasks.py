"""`invoke bench`: Rapport's cost at a heavy user's scale, as the ratios of issue 5.

The lead's root tasks.py adds the tasks of `ns` at the top level.
"""

import shlex
import sys
from pathlib import Path

from invoke import Collection, task
from invoke.exceptions import Exit

BENCH = Path(__file__).resolve().parent


@task(
    help={
        "posts": "Posts in the synthetic site (default 2000; 200 with --quick).",
        "people": "Person files (default 1000; 100 with --quick).",
        "listed": "Listed people among them (default 600; 60 with --quick).",
        "tweets": "Tweets in the X archive (default 100000; 10000 with --quick).",
        "embeds": "Posts that embed a tweet (default 200; 20 with --quick).",
        "runs": "Runs of each measurement; the median is reported (default 3; 1 with "
        "--quick).",
        "seed": "Random seed of the generator: same arguments, same site (default 1).",
        "quick": "A tenth of the reference scale and one run, to try the harness.",
        "results": "Append the table to this file (default bench/RESULTS.md).",
        "only": "Phases to run, comma-separated: tweets,builds,regenerate,api,bluesky,"
        "mastodon (default all).",
    }
)
def bench(
    c,
    posts=None,
    people=None,
    listed=None,
    tweets=None,
    embeds=None,
    runs=None,
    seed=None,
    quick=False,
    results=None,
    only=None,
):
    """Measure builds, audit, import and fetch at a heavy user's scale.

    Generates (or reuses) a seeded synthetic site under bench/sites/, measures whole
    processes (wall time, peak RSS; median of --runs), prints every figure and the seven
    target ratios, and appends them to bench/RESULTS.md.
    """
    from pelican.plugins.rapport_site.tasks import require_dev_tools

    if only is None or "api" in only:
        require_dev_tools("bench", "responses")  # the API phase mocks X with it
    argv = []
    for name, value in (
        ("posts", posts),
        ("people", people),
        ("listed", listed),
        ("tweets", tweets),
        ("embeds", embeds),
        ("runs", runs),
        ("seed", seed),
        ("results", results),
        ("only", only),
    ):
        if value is not None:
            argv += [f"--{name}", str(value)]
    if quick:
        argv.append("--quick")
    # A process of its own: a child's peak RSS starts at its parent's, and this
    # process has Pelican and the site tasks loaded; the runner stays small.
    command = shlex.join([sys.executable, str(BENCH / "run.py"), *argv])
    if not c.run(command, pty=False, warn=True).ok:
        raise Exit("Error: the bench stopped; the message above says why.", code=1)


ns = Collection(bench)
