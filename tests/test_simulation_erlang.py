"""The simulator against queueing theory: a pure walk-in office is an M/M/c queue, and its mean
wait must agree with the Erlang C formula (within the simulation's own confidence interval)."""
from __future__ import annotations

import math
import statistics
from collections import defaultdict

from queue_core.simulation import Scenario, simulate, walk_in_office
from queue_core.schedule import local_day, wall_clock


def erlang_c_wait(c: int, utilisation: float, minutes: float) -> float:
    """Mean wait in line (minutes) of M/M/c with this utilisation and mean service time."""
    a = c * utilisation
    top = a ** c / math.factorial(c) * c / (c - a)
    waiting = top / (sum(a ** k / math.factorial(k) for k in range(c)) + top)
    return waiting * minutes / (c - a)


def test_erlang_c_formula_gives_the_known_figure():
    assert round(erlang_c_wait(3, 0.7, 15), 2) == 8.21


def test_mm3_mean_wait_agrees_with_erlang_c():
    office = walk_in_office(3, 15)
    rate = 3 * 0.7 * 60 / 15  # walk-ins per hour for utilisation 0.7
    report = simulate(office, Scenario(walk_ins_per_hour=rate, appointment_share=0, service_times="exponential",
                                       days=8, seed=3))
    # Each day starts empty and closes at midnight: keep arrivals 01:00–22:00, one batch per day.
    days = defaultdict(list)
    for record in report.walk_ins:
        if "01:00" <= wall_clock(office, record.arrived) < "22:00":
            days[local_day(office, record.arrived)].append(record.wait)
    means = [statistics.fmean(w) for w in days.values()]
    mean = statistics.fmean(means)
    half = 2.365 * statistics.stdev(means) / math.sqrt(len(means))  # t(7), 95 %
    assert len(means) == 8 and sum(len(w) for w in days.values()) > 1000
    assert mean - half <= erlang_c_wait(3, 0.7, 15) <= mean + half, (mean, half)
    print(f"M/M/3 simulated mean wait {mean:.2f} ± {half:.2f} min, Erlang C 8.21")
    assert half < 4  # a confidence interval narrow enough to mean something
