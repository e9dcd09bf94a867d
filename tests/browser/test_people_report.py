"""people.report (issue 12, item 7) opened from file:// in Chromium: it renders its
charts, logs no console error and makes no request beyond its own file."""

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INVOKE = ROOT / ".venv" / "bin" / "invoke"


@pytest.fixture
def report(tmp_path):
    path = tmp_path / "private" / "report.html"
    result = subprocess.run(
        [str(INVOKE), "-r", str(ROOT), "people.report", "--output", str(path),
         "--today", "2016-12-01"],
        capture_output=True, encoding="utf-8", timeout=120, check=False,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return path


def test_report_renders_offline_with_no_error_and_no_request(chromium, report):
    page = chromium.new_page(viewport={"width": 1100, "height": 900})
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(report.as_uri())
    assert page.title() == "Networking report, 2016-12-01 (private)"
    assert page.locator("svg.chart").count() == 3
    assert page.locator("svg.chart rect.bar").first.bounding_box()["width"] > 0
    headings = page.locator("h2").all_inner_texts()
    assert headings == [
        "From conversation to coffee", "Meetings per month",
        "People you talked with, per year", "Overdue for a follow-up",
        "Who to ask next",
    ]  # fmt: skip
    assert page.locator("script").count() == 0
    assert errors == []
    assert requests == [report.as_uri()]
    page.close()
