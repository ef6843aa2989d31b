"""A bar chart of requests per day, drawn here as SVG: nothing is fetched from another server and
nothing runs in the browser. The page shows the same figures as a table beside it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

WIDTH, HEIGHT, PAD = 720, 200, 24


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: dt.date
    count: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    peak: int
    baseline: float


def day_chart(by_day: list[tuple[dt.date, int]]) -> Chart:
    """Bars scaled to the busiest day; a long period gets thin bars, never a wider picture."""
    peak = max((count for _, count in by_day), default=0)
    step = (WIDTH - 2 * PAD) / max(len(by_day), 1)
    usable = HEIGHT - 2 * PAD
    bars = []
    for i, (day, count) in enumerate(by_day):
        height = usable * count / peak if peak else 0
        bars.append(Bar(PAD + i * step, HEIGHT - PAD - height, max(step * 0.8, 0.5), height, day, count))
    return Chart(WIDTH, HEIGHT, bars, peak, HEIGHT - PAD)
