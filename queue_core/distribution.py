"""Shapes of some numbers, one definition each: the percentile and the union of time spans.

Reports, the simulator and the benchmarks all say "p90" or "p99"; they mean the same figure, the
nearest-rank percentile, so a bench table and an office report can be read side by side.
"""
from __future__ import annotations

import math
from datetime import datetime, time
from typing import Iterable, TypeVar


def percentile(values: Iterable[float], share: float, empty: float | None = None) -> float | None:
    """The nearest-rank percentile: the smallest value with at least ``share`` (0–1) of all values
    at or below it (sorted[ceil(share · n) − 1]); ``empty`` when there are none."""
    ordered = sorted(values)
    if not ordered:
        return empty
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


At = TypeVar("At", datetime, time)  # instants, or times of day (opening hours)


def union(spans: Iterable[tuple[At, At]]) -> list[tuple[At, At]]:
    """The spans merged where they overlap or touch, sorted by start."""
    merged: list[list[At]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]
