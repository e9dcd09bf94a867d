"""`people.report`: a private dashboard of the networking arc, as one local HTML file.

Charts are SVG drawn here (no script, no external file: it works from file:// and
asks no other host for anything). The page holds private data (unlisted people, the
log): it is written under private/, never under the output, never deployed.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from .asks import NO, NOT_A_MEETING, SILENCE, WAITING, YES, all_asks

TEMPLATES = Path(__file__).parent / "report_templates"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    kind: str = ""  # a CSS class: yes, no, silence...


def bar_chart(title, bars, width=640, bar_height=26):
    """A horizontal bar chart as inline SVG (Markup: every text is escaped here)."""
    top = max([b.value for b in bars] + [1])
    label_w, gap = 170, 6
    height = len(bars) * (bar_height + gap) + gap
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for index, bar in enumerate(bars):
        y = gap + index * (bar_height + gap)
        length = round((width - label_w - 60) * bar.value / top)
        parts += [
            f'<text class="label" x="{label_w - 8}" y="{y + bar_height * 0.7:.1f}" '
            f'text-anchor="end">{escape(bar.label)}</text>',
            f'<rect class="bar {escape(bar.kind)}" x="{label_w}" y="{y}" '
            f'width="{max(length, 1)}" height="{bar_height}" rx="3"/>',
            f'<text class="value" x="{label_w + length + 6}" '
            f'y="{y + bar_height * 0.7:.1f}">{bar.value}</text>',
        ]
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(title, bars, width=640, height=180):
    """Vertical bars (one per month or year) as inline SVG, labels below."""
    top = max([b.value for b in bars] + [1])
    n = max(len(bars), 1)
    pad = 24  # room for the first and last labels
    slot = (width - 2 * pad) / n
    base = height - 24
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line class="axis" x1="0" y1="{base}" x2="{width}" y2="{base}"/>',
    ]
    every = max(1, n // 12)
    for index, bar in enumerate(bars):
        h = round((base - 16) * bar.value / top)
        x = pad + index * slot + slot * 0.15
        parts.append(
            f'<rect class="bar {escape(bar.kind)}" x="{x:.1f}" y="{base - h}" '
            f'width="{slot * 0.7:.1f}" height="{h}"><title>{escape(bar.label)}: '
            f"{bar.value}</title></rect>"
        )
        if bar.value:
            parts.append(
                f'<text class="value" x="{x + slot * 0.35:.1f}" y="{base - h - 4}" '
                f'text-anchor="middle">{bar.value}</text>'
            )
        if index % every == 0:
            parts.append(
                f'<text class="label" x="{x + slot * 0.35:.1f}" y="{height - 6}" '
                f'text-anchor="middle">{escape(bar.label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def _months(today, count):
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        out.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def build(people, conversations, suggestions, overdue, today, silence_after):
    """The template's context: figures, charts and tables."""
    asks = all_asks(people, today, silence_after)
    states = Counter(a.state for a in asks)
    talked = conversations.handles()
    met = [p for p in people.persons if p.met or any(
        e.via not in NOT_A_MEETING for e in p.log
    )]  # fmt: skip
    funnel = [
        Bar("Talked with", len(talked), "talk"),
        Bar("Asked to meet", len(asks), "ask"),
        Bar("Said yes", states[YES], "yes"),
        Bar("Said no", states[NO], "no"),
        Bar("Silence", states[SILENCE], "silence"),
        Bar("Still waiting", states[WAITING], "waiting"),
        Bar("Met in person", len(met), "met"),
    ]
    meetings = Counter(
        (e.date.year, e.date.month)
        for p in people.persons
        for e in p.log
        if e.via not in NOT_A_MEETING
    )
    months = [
        Bar(dt.date(y, m, 1).strftime("%b %y"), meetings[(y, m)], "met")
        for y, m in _months(today, 24)
    ]
    partners = Counter()
    for network, handle in talked:
        years = {e.date.year for e in conversations.with_(handle, network)}
        partners.update(years)
    years = range(min(partners, default=today.year), today.year + 1)
    answered = states[YES] + states[NO] + states[SILENCE]
    return {
        "today": today,
        "figures": [
            ("people in the log", len(people.persons)),
            ("met in person", len(met)),
            ("asks", len(asks)),
            (
                "said yes",
                f"{round(100 * states[YES] / answered)}%" if answered else "–",
            ),
            ("overdue", len(overdue)),
        ],
        "funnel": bar_chart("From conversation to coffee", funnel),
        "months": column_chart("Meetings per month, last two years", months),
        "partners": column_chart(
            "People you talked with, per year",
            [Bar(str(y), partners[y], "talk") for y in years],
        ),
        "overdue": overdue,
        "suggestions": suggestions,
        "silence": silence_after.days_text(),
    }


def render(context):
    """The report's HTML (Jinja, autoescape on)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        keep_trailing_newline=True,
    )
    return env.get_template("report.html").render(**context)
