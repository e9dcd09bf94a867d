"""Mutation testing of the modules that guard privacy and escaping (`invoke mutants`).

Run by bench/mutants.py, in its own process: it imports mutmut, a test tool.

mutmut (configured in pyproject.toml, `[tool.mutmut]`) copies the project into
`mutants/`, changes one thing at a time in the functions named below, and runs the
tests that call that function. A mutant the tests still pass on is a survivor: either a
test is missing, or the change cannot alter behaviour (an equivalent mutant, explained
in one line in tests/mutants-equivalent.txt). `tests/MUTANTS.md` is written from
mutmut's results and those notes, never by hand.
"""

import fnmatch
import importlib.util
import json
import os
import re
import resource
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "tests" / "MUTANTS.md"
EQUIVALENT = ROOT / "tests" / "mutants-equivalent.txt"
# Per module, how long its last run took (wall clock, CPU time of all its processes)
# and the load average at its end: the machine may be shared, so CPU time is the figure
# that says what an idle machine would take.
TIMES = ROOT / "mutants" / "times.json"

# Module name (bench/mutants.py lists them too) -> (source file, the functions mutated:
# mutmut's mangled names, globbed; the test files whose tests may kill its mutants).
# A mutant runs only the tests of its module's files that call the mutated function
# (mutmut finds which): the fast unit tests of that module, not every site build that
# happens to pass through it. The score is what those tests pin; a mutant they all pass
# is a survivor even if some slower test elsewhere would catch it.
# check.py is restricted to the rules of issue 16 (third parties, inline code,
# scripts) and what they read (a page's and an SVG file's references); its links
# (and the feed and sitemap references only they read), metadata and HTML5 rules are
# not mutated. Its tests are test_check_rules.py's, on HTML and SVG text: the site
# builds of test_check.py run `invoke check` as a user does, and are not needed here.
MODULES = {
    "audit": (
        "plugins/rapport_people/pelican/plugins/rapport_people/audit.py",
        ["*"],
        [
            "tests/people/test_people_audit_rules.py",
            "tests/people/test_people_audit_preview.py",
            "tests/people/test_people_audit.py",
            "tests/people/test_people_kept.py",
            "tests/site/test_site_search_preview.py",
        ],
    ),
    "public": (
        "plugins/rapport_people/pelican/plugins/rapport_people/public.py",
        ["*"],
        ["tests/people/test_people_public.py"],
    ),
    "model": (
        "plugins/rapport_people/pelican/plugins/rapport_people/model.py",
        ["*"],
        [
            "tests/people/test_people_model.py",
            "tests/people/test_people_model_rules.py",
            "tests/people/test_people_networks.py",
            "tests/people/test_people_yaml_limits.py",
            "tests/people/test_people_parser_properties.py",
        ],
    ),
    "render": (
        "plugins/rapport_tweets/pelican/plugins/rapport_tweets/render.py",
        ["*"],
        ["tests/tweets/test_render.py"],
    ),
    "record": (
        "plugins/rapport_tweets/pelican/plugins/rapport_tweets/record.py",
        ["*"],
        [
            "tests/tweets/test_record_rules.py",
            "tests/tweets/test_networks_store.py",
            "tests/tweets/test_store.py",
            "tests/tweets/test_media_paths.py",
            "tests/tweets/test_odd_inputs.py",
        ],
    ),
    "check": (
        "plugins/rapport_site/pelican/plugins/rapport_site/check.py",
        [
            "x_parse_page",
            "x__extract",
            "x__extract_meta",
            "x__check_json_ld",
            "x_svg_refs",
            "x_check_third_party",
            "x_check_inline_code",
            "x_check_scripts",
            "x_xml_scripts",
        ],
        ["tests/hardening/test_check_rules.py"],
    ),
}

# Targets of issue 16: killed / (made - equivalent).
TARGET = {"audit": 1.0, "public": 1.0}
DEFAULT_TARGET = 0.9

# A mutant's tests that have not ended after this many seconds of wall-clock time are
# stopped (a timeout): the CPU limit (pyproject.toml) stops a busy loop far sooner.
WALL_LIMIT = 900

# 33: no test of the module's files calls the function: nothing can kill it.
STATUS = {1: "killed", 3: "killed", 0: "survived", 33: "survived"}
STATUS.update({36: "timeout", 24: "timeout"})
STATUS.update({-24: "timeout", 152: "timeout", 255: "timeout", None: "not checked"})


def _module_of(path):
    """The name the tests import a module by: plugins/<name>/pelican/plugins/<name>/x.py
    is pelican.plugins.<name>.x (the plugins are installed packages)."""
    return "pelican." + path.removesuffix(".py").split("/pelican/", 1)[1].replace(
        "/", "."
    )


def mutant_globs(name):
    """mutmut's name patterns for the mutants of module `name`."""
    path, functions, _ = MODULES[name]
    return [f"{_module_of(path)}.{function}__mutmut_*" for function in functions]


def _function_of(key):
    mangled = key.rpartition(".")[2].partition("__mutmut_")[0]
    if "ǁ" in mangled:  # a method: xǁClassǁmethod
        _, cls, method = mangled.split("ǁ")
        return f"{cls}.{method}"
    return mangled.removeprefix("x_")


def _changed_line(diff):
    """The mutant's changed lines, whitespace-folded: a key that survives renumbering.

    A mutant that deletes an argument is named by what it deleted."""

    def lines(sign):
        found = [line[1:].strip() for line in diff.splitlines() if line[:1] == sign]
        return [re.sub(r"\s+", " ", line) for line in found if line[:2] != sign * 2]

    added, removed = lines("+"), lines("-")
    if len(removed) > len(added):
        return "removed: " + " / ".join(line for line in removed if line not in added)
    return " / ".join(added) or "(line removed)"


def load_equivalents(path=EQUIVALENT):
    """`module | function | changed line | why` per line; `#` starts a comment."""
    notes = {}
    if not path.exists():
        return notes
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        # The changed line may itself hold " | " (int | str); the reason may not.
        head, _, why = line.rpartition(" | ")
        parts = [part.strip() for part in [*head.split(" | ", 2), why]]
        if len(parts) != 4 or not all(parts):
            raise SystemExit(
                f"{path.name}, line {number}: expected 'module | function | changed "
                "line | why it cannot change behaviour', four fields split by ' | '."
            )
        notes[tuple(parts[:3])] = parts[3]
    return notes


def results(name, diff_of):
    """Per mutant of module `name`: (function, changed line, status), from mutants/."""
    path = MODULES[name][0]
    meta = ROOT / "mutants" / (path + ".meta")
    if not meta.exists():
        return None
    codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
    globs = mutant_globs(name)
    rows = []
    for key, code in sorted(codes.items(), key=lambda item: _sort_key(item[0])):
        if not any(fnmatch.fnmatchcase(key, pattern) for pattern in globs):
            continue
        status = STATUS.get(code, "suspicious")
        changed = _changed_line(diff_of(key, path)) if status == "survived" else ""
        rows.append((_function_of(key), changed, status, key))
    return rows


def forget_survivors(name):
    """Mark the module's survivors (no test called them, or none failed) as not run:
    mutmut keeps a verdict until the code changes, and a survivor should meet the
    tests written since."""
    meta = ROOT / "mutants" / (MODULES[name][0] + ".meta")
    if not meta.exists():
        return
    data = json.loads(meta.read_text("utf-8"))
    codes = data["exit_code_by_key"]
    for key, code in codes.items():
        if code in (0, 33):
            codes[key] = None
    meta.write_text(json.dumps(data, indent=4), "utf-8")


def pending_mutants(name):
    """The module's mutants with no verdict yet, or all of them before a first run.

    Named one by one: given names, mutmut retests them whatever their verdict, and a
    killed mutant stays killed until its function changes (mutmut then forgets it)."""
    meta = ROOT / "mutants" / (MODULES[name][0] + ".meta")
    if not meta.exists():
        return mutant_globs(name)
    codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
    globs = mutant_globs(name)
    return [
        key
        for key, code in codes.items()
        if code is None and any(fnmatch.fnmatchcase(key, p) for p in globs)
    ]


def _sort_key(key):
    stem, _, number = key.rpartition("__mutmut_")
    return stem, int(number) if number.isdigit() else 0


def _mutmut_diff(key, path):
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    cwd = os.getcwd()
    os.chdir(ROOT)  # mutmut reads mutants/ relative to the working directory
    try:
        return get_diff_for_mutant(key, path=path)
    finally:
        os.chdir(cwd)


def _previous_report(path):
    """(table row, section) of module file `path` in the report as it stands, or None:
    a module not run again, and with no results in mutants/, keeps its last figures."""
    if not REPORT.exists():
        return None
    text = REPORT.read_text("utf-8")
    row = next(
        (line for line in text.splitlines() if line.startswith(f"| `{path}` |")), None
    )
    if row is None:
        return None
    heading = f"## `{path}`\n"
    start = text.find(heading)
    if start < 0:
        return row, None
    end = text.find("\n## ", start + len(heading))
    return row, text[start : end if end >= 0 else len(text)].rstrip("\n") + "\n"


def write_report(names=tuple(MODULES), diff_of=_mutmut_diff, equivalents=None):
    """Write tests/MUTANTS.md from mutants/ and the equivalence notes; return the misses
    of the modules in `names`. Every other module keeps its last results: from mutants/
    if there are any, else its row and section of the report as it stands."""
    equivalents = load_equivalents() if equivalents is None else equivalents
    table = [
        "| module | functions | made | killed | survived | equivalent | timed out "
        "| not run | score | target |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    sections, misses = [], []
    for name in MODULES:
        path, functions, _ = MODULES[name]
        rows = results(name, diff_of)
        # mutmut makes every module's mutants in each run: a module with no verdict
        # in mutants/ was not run there, and keeps what the report says of it.
        judged_here = rows and any(row[2] != "not checked" for row in rows)
        previous = None if name in names or judged_here else _previous_report(path)
        if previous:
            table.append(previous[0])
            sections += [previous[1]] if previous[1] else []
            continue
        scope = "all" if functions == ["*"] else f"{len(functions)} named below"
        target = TARGET.get(name, DEFAULT_TARGET)
        if rows is None:
            table.append(
                f"| `{path}` | {scope} | not run yet | | | | | | | {target:.0%} |"
            )
            misses += [f"{name}: not run"] if name in names else []
            continue
        count = {s: 0 for s in ("killed", "survived", "timeout", "not checked")}
        equivalent, open_survivors = [], []
        for function, changed, status, key in rows:
            if status == "survived" and (name, function, changed) in equivalents:
                equivalent.append(
                    (function, changed, equivalents[name, function, changed])
                )
            elif status == "survived":
                open_survivors.append((function, changed, key))
            count[status if status in count else "not checked"] += 1
        # A timeout is a kill: the mutant made the tests hang, and they failed.
        killed = count["killed"] + count["timeout"]
        judged = len(rows) - len(equivalent) - count["not checked"]
        score = killed / judged if judged else 0.0
        table.append(
            f"| `{path}` | {scope} | {len(rows)} | {count['killed']} | "
            f"{count['survived']} | {len(equivalent)} | {count['timeout']} | "
            f"{count['not checked']} | {f'{score:.1%}' if judged else '-'} | "
            f"{target:.0%} |"
        )
        if name in names and (score < target or count["not checked"]):
            misses.append(f"{name}: {score:.1%} of {judged} (target {target:.0%})")
        lines = [f"## `{path}`", ""]
        if functions != ["*"]:
            lines += [
                "Mutated functions: " + ", ".join(f"`{f[2:]}`" for f in functions)
            ]
            lines.append("")
        if equivalent:
            lines += ["Equivalent survivors (they cannot change behaviour):", ""]
            lines += [f"- `{f}`: `{c}`: {why}" for f, c, why in equivalent]
            lines.append("")
        if open_survivors:
            lines += ["Survivors with no test and no note yet:", ""]
            lines += [
                f"- `{f}`: `{c}` (`mutmut show {k}`)" for f, c, k in open_survivors
            ]
            lines.append("")
        if count["not checked"]:
            lines += [f"{count['not checked']} mutants not run yet.", ""]
        elif not equivalent and not open_survivors:
            lines += ["Every mutant is killed.", ""]
        sections.append("\n".join(lines))
    text = "\n".join(
        [
            "# Mutation testing",
            "",
            "Written by `invoke mutants` (bench/mutants.py) from mutmut's results and",
            "tests/mutants-equivalent.txt; do not edit by hand. Score: mutants killed",
            "(a timeout counts as killed) out of those judged: made, less the equivalent",
            "ones and those not run yet. A mutant runs only the tests of its module's own",
            "test files that call the changed function (bench/mutation.py, MODULES); one",
            "that none of them calls is a survivor.",
            "",
            *table,
            "",
            *times_line(json.loads(TIMES.read_text("utf-8")) if TIMES.exists() else {}),
            *sections,
        ]
    )
    REPORT.write_text(text.rstrip("\n") + "\n", "utf-8")
    return misses


class _MutatedPlugins:
    """Import `pelican.plugins.rapport_*` from mutmut's copy in mutants/.

    The plugins are installed in editable mode, and that import hook would find the
    originals; mutmut only puts mutants/ first on sys.path. This finder, first on
    sys.meta_path, maps each plugin package to its mutated copy; its modules follow."""

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        prefix, _, name = fullname.rpartition(".")
        if prefix != "pelican.plugins" or not name.startswith("rapport_"):
            return None
        folder = ROOT / "mutants" / "plugins" / name / "pelican" / "plugins" / name
        if not (folder / "__init__.py").is_file():
            return None
        return importlib.util.spec_from_file_location(
            fullname, folder / "__init__.py", submodule_search_locations=[str(folder)]
        )


def _run_mutmut(name, argv):
    """mutmut's command line for module `name`, naming and importing modules as the
    tests import them, each mutant running only the tests of the module's own files.

    mutmut names a mutant after its file's path (dropping only a leading `src.`):
    plugins/rapport_people/pelican/plugins/rapport_people/audit.py would be
    `plugins.rapport_people.pelican.plugins.rapport_people.audit`, never the
    `pelican.plugins.rapport_people.audit` the tests call, and mutmut stops. The one
    function that makes that name is wrapped, and the mutated copies are imported.

    mutmut learns which tests call each function from one run of the whole selection
    (pyproject.toml) and saves that; the scoping to the module's test files is applied
    to its copy in memory after the save, so every module reads the full map.
    """
    from mutmut import __main__ as mutmut_main
    from mutmut.state import state
    from mutmut.utils import format_utils
    from mutmut.workers import isolation

    strip = format_utils.strip_prefix

    def strip_plugins(s, *, prefix, strict=False):
        if prefix == "src.":
            s = re.sub(r"\Aplugins\.rapport_\w+\.", "", s)
        return strip(s, prefix=prefix, strict=strict)

    format_utils.strip_prefix = strip_plugins
    sys.meta_path.insert(0, _MutatedPlugins)
    collect = mutmut_main.collect_source_file_mutation_data
    files = tuple(f"{path}::" for path in MODULES[name][2])

    def collect_scoped(*args, **kwargs):
        calls = state().tests_by_mangled_function_name
        for function, tests in calls.items():
            calls[function] = {test for test in tests if test.startswith(files)}
        return collect(*args, **kwargs)

    mutmut_main.collect_source_file_mutation_data = collect_scoped
    # mutmut stops a mutant's tests after a wall-clock time, and after twice that in
    # CPU time (RLIMIT_CPU). On a shared machine a survivor's tests can take longer
    # than any wall-clock limit while they wait for a core, and a timeout counts as a
    # kill: only the CPU limit, which load does not stretch, decides. The wall clock
    # still stops a mutant that hangs without using CPU, after WALL_LIMIT seconds.
    register = isolation.register_timeout

    def wall_limit(pid, timeout_s):
        register(pid, max(timeout_s, WALL_LIMIT))

    isolation.register_timeout = wall_limit
    mutmut_main.cli(argv)


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _record_time(name, wall, cpu):
    times = json.loads(TIMES.read_text("utf-8")) if TIMES.exists() else {}
    times[name] = {
        "wall": round(wall),
        "cpu": round(cpu),
        "load": round(os.getloadavg()[0], 1),
        "date": date.today().isoformat(),
    }
    TIMES.write_text(json.dumps(times, indent=4), "utf-8")


def times_line(times):
    """One line under the table: each module's last run, wall clock and CPU time."""
    if not times:
        return []
    parts = [
        f"{name} {t['wall'] / 60:.1f} min ({t['cpu'] / 60:.1f} min CPU, load "
        f"{t['load']}, {t['date']})"
        for name, t in ((n, times[n]) for n in MODULES if n in times)
    ]
    wall = sum(t["wall"] for t in times.values()) / 60
    cpu = sum(t["cpu"] for t in times.values()) / 60
    return [
        "Time of the last run of each module, wall clock (CPU time of all its "
        "processes; load average of the machine at its end): "
        + ", ".join(parts)
        + f". In all {wall:.1f} min of wall time and {cpu:.1f} min of CPU time, "
        f"{cpu / 2:.1f} min per core of a 2-core machine (mutmut tests two mutants "
        "at once; its first runs of the tests, stats and clean, use one core).",
        "",
    ]


def main(argv):
    """`mutation.py [--report] [--jobs N] MODULE...`: test, then write the report."""
    report_only = "--report" in argv
    argv = [arg for arg in argv if arg != "--report"]
    jobs = "2"
    if "--jobs" in argv:
        at = argv.index("--jobs")
        jobs = argv[at + 1]
        del argv[at : at + 2]
    names = argv or list(MODULES)
    unknown = [name for name in names if name not in MODULES]
    if unknown:
        return (
            f"mutants: no module {unknown[0]!r}; choose one of: {', '.join(MODULES)}."
        )
    if not report_only:
        for name in names:
            forget_survivors(name)
            started, before, ran = time.monotonic(), _children_cpu(), False
            # mutmut makes the mutants of a changed function as its run starts: those
            # are tested by a second run, right after.
            for _ in range(2):
                pending = pending_mutants(name)
                print(
                    f"mutants: {MODULES[name][0]}: {len(pending)} to test", flush=True
                )
                if not pending:
                    break
                ran = True
                # mutmut runs its own loop and exits; run it in a child of this process.
                pid = os.fork()
                if pid == 0:
                    try:
                        _run_mutmut(name, ["run", "--max-children", jobs, *pending])
                    finally:
                        os._exit(0)
                os.waitpid(pid, 0)
            if ran:
                _record_time(name, time.monotonic() - started, _children_cpu() - before)
    misses = write_report(names)
    print(f"mutants: wrote {REPORT.relative_to(ROOT)}")
    if misses:
        return "mutants: below target: " + "; ".join(misses) + "."
    return None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
