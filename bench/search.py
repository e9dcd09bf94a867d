"""Search latency on a built site, in Chromium: the time from submitting a query on the
search page to its results on screen (Pagefind runs in the page), for a cold first query
(the engine and index load) and for warm ones after it.

    .venv/bin/python bench/search.py SITE_FOLDER [--output OUT] [--queries 20]

SITE_FOLDER is a site written by generate.py (its content/ gives the query words); OUT
is its full build (default SITE_FOLDER/output/full, as `invoke bench` leaves it). The
figures are appended to bench/RESULTS.md. Debian's /usr/bin/chromium, never a download.
"""

import argparse
import random
import re
import statistics
import sys
from pathlib import Path

from run import BENCH, append_results, cpu_model, git_revision
from served import site_in_chromium

TARGET_MS = 300


def query_words(content, count, seed=5):
    """Words of five letters or more from the posts' titles: queries that match."""
    words = set()
    for path in sorted((content / "posts").rglob("*.md")):
        with path.open(encoding="utf-8") as handle:
            title = handle.readline().partition(":")[2]
        words.update(w.lower() for w in re.findall(r"[A-Za-z]{5,}", title))
    return random.Random(seed).sample(sorted(words), min(count, len(words)))


def measure(output, words):
    """[(query, milliseconds, results)], the first one cold."""
    timings = []
    with site_in_chromium(output) as (browser, origin):
        page = browser.new_page()
        page.goto(origin + "/search/", wait_until="load")
        for word in words:
            started = page.evaluate("performance.now()")
            page.fill("#search-q", word)
            page.press("#search-q", "Enter")
            page.wait_for_function(
                "q => document.getElementById('search-status').textContent"
                ".includes('“' + q + '”')",
                arg=word,
            )
            ended = page.evaluate("performance.now()")
            found = page.locator(".search-result").count()
            timings.append((word, ended - started, found))
    return timings


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--output", type=Path)
    parser.add_argument("--queries", type=int, default=20)
    args = parser.parse_args(argv)
    output = args.output or args.site / "output" / "full"
    if not (output / "pagefind" / "pagefind.js").is_file():
        sys.exit(f"{output} has no search index: build the site first (invoke bench).")
    posts = len(list((args.site / "content" / "posts").rglob("*.md")))
    timings = measure(output, query_words(args.site / "content", args.queries))
    cold, warm = timings[0], [ms for _, ms, _ in timings[1:]]
    lines = [
        f"\n## Search latency, {posts:,} posts ({git_revision()}, {cpu_model()})\n",
        "| query | results | ms |",
        "|---|---|---|",
        *(f"| {w} | {n} | {ms:.0f} |" for w, ms, n in timings),
        "",
        f"- cold first query (engine, wasm and index load): {cold[1]:.0f} ms",
        f"- warm queries: median {statistics.median(warm):.0f} ms, "
        f"max {max(warm):.0f} ms (target: results in under {TARGET_MS} ms)",
        "- measured in Chromium from submitting the form to the results on screen",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    append_results(BENCH / "RESULTS.md", text)


if __name__ == "__main__":
    main()
