"""What the simulator's days show: punctuality, walk-in waits, estimate accuracy, and the planner's sweep."""
from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from .clock import from_db, to_db
from .distribution import percentile
from .office import Office
from .store import dumps, write
from .simulation import Report, Scenario, simulate

PUNCTUAL_MIN = 5


@dataclass(frozen=True)
class Figures:
    """The planner's figures of one run."""

    punctual: float  # share of appointments called within 5 min of max(start, check-in)
    delay_p90: float
    delay_max: float
    walk_in_median: float
    walk_in_p90: float
    refused: int
    estimate_mae: float
    estimate_bias: float  # told − real, minutes (negative: told too short)
    inside_range: float  # share of walk-ins whose real wait lay inside the shown range
    walk_ins: int


def figures(report: Report) -> Figures:
    delays, waits, told = report.appointment_delays, report.walk_in_waits, report.walk_ins
    errors = [r.told - r.wait for r in told]
    return Figures(
        punctual=sum(1 for d in delays if d <= PUNCTUAL_MIN) / len(delays) if delays else 1.0,
        delay_p90=percentile(delays, 0.9, 0.0), delay_max=max(delays, default=0.0),
        walk_in_median=statistics.median(waits) if waits else 0.0, walk_in_p90=percentile(waits, 0.9, 0.0),
        refused=report.refused_walk_ins,
        estimate_mae=statistics.fmean(abs(e) for e in errors) if errors else 0.0,
        estimate_bias=statistics.fmean(errors) if errors else 0.0,
        inside_range=sum(1 for r in told if r.low <= r.wait <= r.high) / len(told) if told else 1.0,
        walk_ins=len(waits))


def format_report(report: Report) -> str:
    def row(label: str, values: list[float]) -> str:
        if not values:
            return f"{label:<28}{'–':>8}{'–':>8}{'–':>8}{0:>8}"
        return (f"{label:<28}{statistics.median(values):>8.1f}{percentile(values, 0.9, 0.0):>8.1f}"
                f"{max(values):>8.1f}{len(values):>8}")

    f = figures(report)
    idle = 100 * report.idle_minutes / report.open_minutes if report.open_minutes else 0
    lines = [
        f"Simulated {report.days} office day(s), {report.staff} caseworkers, in {report.seconds:.2f} s",
        f"{'wait from check-in (min)':<28}{'p50':>8}{'p90':>8}{'max':>8}{'n':>8}",
        row("  with appointment", report.appointment_waits),
        row("  without appointment", report.walk_in_waits),
        row("  appointment delay", report.appointment_delays),
        f"Appointments called within 5 min of their time: {100 * f.punctual:.1f} %"
        f" (p90 delay {f.delay_p90:.1f} min, worst {f.delay_max:.1f} min)",
        f"Walk-ins: median wait {f.walk_in_median:.1f} min, p90 {f.walk_in_p90:.1f} min;"
        f" turned away {report.refused_walk_ins}",
        f"Estimate at the kiosk: mean absolute error {f.estimate_mae:.1f} min, bias {f.estimate_bias:+.1f} min,"
        f" real wait inside the shown range {100 * f.inside_range:.0f} %",
        f"Served {report.served}; appointments not kept {report.no_shows}; late arrivals served as walk-ins"
        f" {report.late_as_walk_in}",
        f"Caseworkers idle {report.idle_minutes:.0f} of {report.open_minutes:.0f} open minutes ({idle:.0f} %)",
    ]
    if report.database:
        lines.append(f"Events and tickets kept in {report.database}")
    return "\n".join(lines)


SWEEP_SHARES = (0.25, 0.5, 0.75)
SWEEP_RATES = (0.0, 3.0, 6.0, 9.0, 12.0)


@dataclass(frozen=True)
class SweepRow:
    appointment_share: float
    walk_ins_per_hour: float
    figures: Figures


def sweep(office: Office, base: Scenario, shares=SWEEP_SHARES, rates=SWEEP_RATES) -> list[SweepRow]:
    """The planner's table: share of slots given to appointments × walk-in rate."""
    return [SweepRow(share, rate, figures(simulate(office, replace(base, appointment_share=share,
                                                                    walk_ins_per_hour=rate))))
            for share in shares for rate in rates]


def format_sweep(rows: list[SweepRow]) -> str:
    lines = [f"{'appointments':>12} {'walk-ins/h':>10} {'punctual':>9} {'p90 delay':>10}"
             f" {'walk-in p50':>12} {'walk-in p90':>12} {'turned away':>12}"]
    for r in rows:
        f = r.figures
        lines.append(f"{100 * r.appointment_share:>11.0f}% {r.walk_ins_per_hour:>10.0f} {100 * f.punctual:>8.1f}%"
                     f" {f.delay_p90:>10.1f} {f.walk_in_median:>12.1f} {f.walk_in_p90:>12.1f} {f.refused:>12}")
    return "\n".join(lines)


def save_sweep(db: Database, rows: list[SweepRow], scenario: Scenario, now: datetime) -> None:
    """Keep a sweep for the report page (the newest is shown)."""
    table = [{"appointment_share": r.appointment_share, "walk_ins_per_hour": r.walk_ins_per_hour,
              **asdict(r.figures)} for r in rows]
    with write(db):
        db.execute("INSERT INTO planner_runs (created_at, scenario, rows) VALUES (?, ?, ?)",
                   (to_db(now), dumps(asdict(scenario)), dumps(table)))


def latest_sweep(db: Database) -> dict[str, Any] | None:
    """The newest saved sweep: when, with which scenario, and its rows (None if there is none)."""
    row = db.execute("SELECT created_at, scenario, rows FROM planner_runs ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        return None
    return {"created_at": from_db(row[0]), "scenario": json.loads(row[1]), "rows": json.loads(row[2])}
