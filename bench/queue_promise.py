"""Does the office keep the appointment promise under walk-in load, and are walk-ins told the truth?

The issue-9 office: 5 caseworkers Mon–Fri 08–16, half of the 30-minute slots booked, appointment
visitors arriving around their time (8 min early ± 6), 6 % no-shows, walk-ins as a Poisson stream,
visits log-normal (mean = the service's minutes, CV 0.5) or exponential; 10 measured office days
after one day the model learns from; seed 1. "today's rule" is the gap filling by typical length
(gap_fill_confidence 0.5 ≈ the median visit fits). Plus M/M/3 at utilisation 0.85 for the bias.

    python -m bench queue_promise          (about 10–20 minutes on 2 cores)
"""
from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

from queue_core.simulation import APPOINTMENT_MIX, WALK_IN_MIX, Scenario, simulate, simulated_office, walk_in_office
from queue_core.simulation_report import figures

DAYS = int(os.environ.get("BENCH_DAYS", "10"))
BASE = Scenario(appointment_share=0.5, days=DAYS, warmup_days=1, seed=1,
                appointment_mix=tuple(APPOINTMENT_MIX), walk_in_mix=tuple(WALK_IN_MIX))
RUNS = [  # (label, confidence, service times, walk-ins per hour)
    ("risk bound 90 %", 0.9, "lognormal", 0.0),
    ("risk bound 90 %", 0.9, "lognormal", 9.0),
    ("risk bound 90 %", 0.9, "lognormal", 12.0),
    ("risk bound 90 %", 0.9, "exponential", 0.0),
    ("risk bound 90 %", 0.9, "exponential", 9.0),
    ("risk bound 90 %", 0.9, "exponential", 12.0),
    ("today's rule", 0.5, "lognormal", 9.0),
    ("today's rule", 0.5, "lognormal", 12.0),
    ("today's rule", 0.5, "exponential", 9.0),
    ("today's rule", 0.5, "exponential", 12.0),
]


def _office_run(run: tuple[str, float, str, float]):
    label, confidence, times, rate = run
    office = replace(simulated_office(5), gap_fill_confidence=confidence)
    report = simulate(office, replace(BASE, service_times=times, walk_ins_per_hour=rate))
    return run, figures(report), report.seconds


def _mm3(_: object):
    office = walk_in_office(3, 15)
    report = simulate(office, Scenario(walk_ins_per_hour=3 * 0.85 * 4, appointment_share=0,
                                       service_times="exponential", days=DAYS, seed=1))
    return figures(report), report.seconds


def main() -> None:
    workers = int(os.environ.get("BENCH_WORKERS", "2"))
    with ProcessPoolExecutor(workers) as pool:
        mm3 = pool.submit(_mm3, None)
        results = list(pool.map(_office_run, RUNS))
        mm3_figures, mm3_seconds = mm3.result()
    baseline = {(times): f.punctual for (label, _c, times, rate), f, _s in results if rate == 0}
    today = {(times, rate): f for (label, _c, times, rate), f, _s in results if label == "today's rule"}
    print(f"Issue-9 office, {DAYS} days after 1 day of learning, seed 1")
    print(f"{'policy':<16} {'visits':<12} {'walk-ins/h':>10} {'punctual':>9} {'cost (pp)':>9} {'p90 delay':>9}"
          f" {'worst':>7} {'walk-in p50':>11} {'p90':>6} {'vs today p50':>12} {'turned away':>11}"
          f" {'est. MAE':>8} {'bias':>6} {'in range':>8} {'s':>5}")
    for (label, _c, times, rate), f, seconds in results:
        cost = 100 * (baseline[times] - f.punctual)
        ref = today.get((times, rate))
        versus = f"{100 * (f.walk_in_median / ref.walk_in_median - 1):+.0f} %" if ref and ref.walk_in_median else "–"
        print(f"{label:<16} {times:<12} {rate:>10.0f} {100 * f.punctual:>8.1f}% {cost:>9.1f} {f.delay_p90:>9.1f}"
              f" {f.delay_max:>7.1f} {f.walk_in_median:>11.1f} {f.walk_in_p90:>6.1f} {versus:>12} {f.refused:>11}"
              f" {f.estimate_mae:>8.1f} {f.estimate_bias:>+6.1f} {100 * f.inside_range:>7.0f}% {seconds:>5.0f}")
    print(f"\nM/M/3, utilisation 0.85, 15-min exponential visits, {DAYS} days round the clock:"
          f" walk-ins {mm3_figures.walk_ins}, mean |error| {mm3_figures.estimate_mae:.1f} min,"
          f" bias {mm3_figures.estimate_bias:+.2f} min, inside range {100 * mm3_figures.inside_range:.0f} %,"
          f" median wait {mm3_figures.walk_in_median:.1f} min ({mm3_seconds:.0f} s)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
