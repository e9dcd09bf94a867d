"""Two builds of the sample site in fresh interpreters, with a different PYTHONHASHSEED and
time zone, give byte-identical output, log no warning, and nothing in them comes from the
build's clock."""

import datetime

import pytest
from fuzz_support import snapshot
from hardening_support import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory, subprocess_build):
    tmp = tmp_path_factory.mktemp("determinism")
    outputs, logs = [], []
    for seed, zone in (("1", "UTC"), ("4242", "Pacific/Kiritimati")):
        output = tmp / f"output-{seed}"
        result, report = subprocess_build(
            ROOT / "pelicanconf.py",
            {"OUTPUT_PATH": str(output), "CACHE_PATH": str(tmp / f"cache-{seed}")},
            env={"PYTHONHASHSEED": seed, "TZ": zone},
        )
        assert result.returncode == 0, result.stderr[-2000:]
        outputs.append(output)
        logs.append((result, report))
    return outputs, logs


def test_builds_are_byte_identical_across_hash_seeds_and_time_zones(two_builds):
    first, second = (snapshot(output) for output in two_builds[0])
    assert len(first) > 20
    assert any(name.startswith("pagefind/fragment/") for name in first)
    assert sorted(first) == sorted(second)
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []


def test_no_file_carries_the_build_day(two_builds):
    today = datetime.date.today()
    stamps = {
        today.isoformat(),
        today.strftime("%Y/%m/%d"),
        f"{today.day} {today:%B %Y}",
        f"{today:%a, %d %b %Y}",  # RSS dates
    }
    hits = [
        (name, stamp)
        for name, data in snapshot(two_builds[0][0]).items()
        for stamp in stamps
        if stamp.encode() in data
    ]
    assert hits == []


def test_the_sample_build_logs_no_warning(two_builds):
    """Each build in a fresh interpreter with an empty cache: Pelican drops repeated
    warnings within one process, and a warm cache would skip the readers."""
    for result, report in two_builds[1]:
        assert report["records"] == [], "\n".join(report["records"])
        assert report["warnings"] == 0
        assert "WARNING" not in result.stderr and "ERROR" not in result.stderr
