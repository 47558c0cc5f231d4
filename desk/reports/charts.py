"""Small SVG charts rendered on the server (no JavaScript, no CDN): bars, stacked bars and lines.

Each chart is an ``<svg role="img">`` with a title and a description for screen readers; the
report page shows the same numbers in a table next to it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 16, 44
# Colour pairs that keep ≥ 3:1 against white and tell apart for the common colour blindnesses.
COLOURS = ("#0b4f8a", "#b35900", "#2e7d32", "#6a1b9a")


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]


def _nice_max(value: float) -> float:
    """A round upper end for the axis (1, 2, 2.5, 5 × 10ⁿ) at or above the value."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _fmt(value: float) -> str:
    """German figures: a decimal comma, as the report's text writes them."""
    if float(value).is_integer():
        return f"{value:.0f}"
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")  # 0,25 stays 0,25, not "0,2"


def _whole_max(value: float) -> float:
    """An axis top for counts: a multiple of the four grid steps, so no tick is a fraction."""
    return float(max(4, 4 * math.ceil(max(value, 0) / 4)))


def _frame(title: str, description: str, y_max: float, unit: str, body: list[str],
           series: Sequence[Series], categories: Sequence[str], x_of, every: int) -> Markup:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" xmlns="http://www.w3.org/2000/svg"'
             f' aria-label="{escape(title)}"><title>{escape(title)}</title><desc>{escape(description)}</desc>']
    for i in range(5):
        value = y_max * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">'
                     f'{_fmt(value)}{escape(unit)}</text>')
    for index, label in enumerate(categories):
        if index % every == 0:
            parts.append(f'<text x="{x_of(index):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle"'
                         f' class="tick">{escape(label)}</text>')
    parts += body
    x = LEFT
    for i, s in enumerate(series):
        parts.append(f'<rect x="{x}" y="{HEIGHT - 16}" width="12" height="12" fill="{COLOURS[i % 4]}"/>'
                     f'<text x="{x + 16}" y="{HEIGHT - 6}" class="legend">{escape(s.label)}</text>')
        x += 24 + 8 * len(s.label)
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(title: str, description: str, categories: Sequence[str], series: Sequence[Series],
              unit: str = "", stacked: bool = False, whole: bool = False) -> Markup:
    """Grouped (or stacked) vertical bars, one group per category; None values draw no bar.
    ``whole``: the values are counts, so the axis shows whole numbers only."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = max(1, len(categories))
    if stacked:
        highest = max((sum(s.values[i] or 0 for s in series) for i in range(len(categories))), default=0)
    else:
        highest = max((v for s in series for v in s.values if v is not None), default=0)
    y_max = _whole_max(highest) if whole else _nice_max(highest)
    slot = plot_w / count
    bar_w = slot * 0.7 / (1 if stacked else max(1, len(series)))
    body = []
    for index in range(len(categories)):
        x0 = LEFT + slot * index + slot * 0.15
        base = 0.0
        for number, s in enumerate(series):
            value = s.values[index]
            if value is None:
                continue
            h = plot_h * value / y_max
            x = x0 if stacked else x0 + bar_w * number
            y = TOP + plot_h - h - (plot_h * base / y_max if stacked else 0)
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}"'
                        f' fill="{COLOURS[number % 4]}"><title>{escape(categories[index])}: {escape(s.label)}'
                        f' {_fmt(value)}{escape(unit)}</title></rect>')
            if stacked:
                base += value
    every = max(1, math.ceil(len(categories) / 14))
    return _frame(title, description, y_max, unit, body, series, categories,
                  lambda i: LEFT + slot * i + slot / 2, every)


def line_chart(title: str, description: str, categories: Sequence[str], series: Sequence[Series],
               unit: str = "", y_max: float | None = None) -> Markup:
    """Lines with a dot per value; a None value interrupts the line."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = y_max or _nice_max(max((v for s in series for v in s.values if v is not None), default=0))
    count = len(categories)

    def x_of(i: int) -> float:
        return LEFT + (plot_w / 2 if count <= 1 else plot_w * i / (count - 1))

    body = []
    for number, s in enumerate(series):
        colour = COLOURS[number % 4]
        points: list[str] = []
        for index, value in enumerate(s.values):
            if value is None:
                if len(points) > 1:
                    body.append(f'<polyline fill="none" stroke="{colour}" stroke-width="3" points="{" ".join(points)}"/>')
                points = []
                continue
            x, y = x_of(index), TOP + plot_h - plot_h * value / top
            points.append(f"{x:.1f},{y:.1f}")
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}"><title>{escape(categories[index])}:'
                        f' {_fmt(value)}{escape(unit)}</title></circle>')
        if len(points) > 1:
            body.append(f'<polyline fill="none" stroke="{colour}" stroke-width="3" points="{" ".join(points)}"/>')
    every = max(1, math.ceil(count / 12))
    return _frame(title, description, top, unit, body, series, categories, x_of, every)
