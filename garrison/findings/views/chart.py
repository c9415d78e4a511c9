"""A component's findings over time as an SVG drawn on the server (no script: the CSP allows none inline).

The geometry is computed here; templates/findings/_chart.svg.html draws it with CSS classes for the colours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 28

# (scan field, label, CSS class) for each line drawn
SERIES = (
    ("total", "Reported", "total"),
    ("new", "New", "new"),
    ("mitigated", "Mitigated", "mitigated"),
    ("regressed", "Regressed", "regressed"),
)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: int
    when: str


@dataclass(frozen=True)
class Series:
    label: str
    css: str
    points: list[Point]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    series: list[Series]
    y_ticks: list[tuple[float, int]]
    x_labels: list[tuple[float, str]]
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_bottom: int = HEIGHT - BOTTOM


def _ticks(top: int) -> list[int]:
    if top <= 4:
        return list(range(top + 1))
    step = max(1, -(-top // 4))
    return list(range(0, top + step, step))


def scan_chart(scans: Sequence[Any]) -> Chart:
    """Scans oldest first; each one a point on every line (the counts the import stored on the scan)."""
    peak = max((getattr(s, field) for s in scans for field, _, _ in SERIES), default=0)
    ticks = _ticks(max(peak, 1))
    top = ticks[-1]
    span_x = WIDTH - LEFT - RIGHT
    span_y = HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + (span_x * i / (len(scans) - 1) if len(scans) > 1 else span_x / 2)

    def y(value: int) -> float:
        return TOP + span_y * (1 - value / top)

    series = [
        Series(
            label,
            css,
            [
                Point(x(i), y(getattr(s, field)), getattr(s, field), f"{s.created_at:%Y-%m-%d %H:%M} UTC")
                for i, s in enumerate(scans)
            ],
        )
        for field, label, css in SERIES
    ]
    every = max(1, len(scans) // 6)
    x_labels = [(x(i), f"{s.created_at:%b %d}") for i, s in enumerate(scans) if i % every == 0]
    return Chart(WIDTH, HEIGHT, series, [(y(t), t) for t in ticks], x_labels)
