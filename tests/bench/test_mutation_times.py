"""tests/MUTANTS.md says how long each module's mutation run took, and in CPU time too:
on a shared machine the wall clock says more about the other work than about the run."""

import json
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import mutation  # noqa: E402


def test_the_line_under_the_table_gives_each_modules_wall_and_cpu_time():
    times = {
        "check": {"wall": 90, "cpu": 120, "load": 3.5, "date": "2026-12-01"},
        "audit": {"wall": 1200, "cpu": 1500, "load": 14.2, "date": "2026-12-01"},
    }
    assert mutation.times_line(times) == [
        "Time of the last run of each module, wall clock (CPU time of all its "
        "processes; load average of the machine at its end): audit 20.0 min (25.0 min "
        "CPU, load 14.2, 2026-12-01), check 1.5 min (2.0 min CPU, load 3.5, "
        "2026-12-01). In all 21.5 min of wall time and 27.0 min of CPU time, 13.5 min "
        "per core of a 2-core machine (mutmut tests two mutants at once; its first "
        "runs of the tests, stats and clean, use one core).",
        "",
    ]


def test_no_times_no_line():
    assert mutation.times_line({}) == []


def test_a_modules_time_is_recorded_with_the_load_and_the_date(tmp_path, monkeypatch):
    monkeypatch.setattr(mutation, "TIMES", tmp_path / "times.json")
    mutation._record_time("audit", 61.4, 90.6)
    mutation._record_time("check", 5, 7)
    times = json.loads((tmp_path / "times.json").read_text())
    assert list(times) == ["audit", "check"]
    assert {k: times["audit"][k] for k in ("wall", "cpu")} == {"wall": 61, "cpu": 91}
    assert isinstance(times["audit"]["load"], float) and times["audit"]["date"]


def test_mutmuts_test_selection_is_every_modules_test_files():
    """pyproject.toml's pytest_add_cli_args_test_selection is what mutmut's stats run
    collects: a test file a module lists but the selection leaves out can kill nothing,
    and its mutants would be counted survivors."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    selection = config["tool"]["mutmut"]["pytest_add_cli_args_test_selection"]
    listed = {test for _, _, tests in mutation.MODULES.values() for test in tests}
    assert sorted(selection) == sorted(listed)
