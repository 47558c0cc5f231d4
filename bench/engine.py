"""Engine benchmarks: durable check-ins per second, call-next decision time with a long history,
and a simulated 1,000-visitor day. Prints a table with this machine's figures."""
from __future__ import annotations

import os
import platform
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from queue_core import Engine, ManualClock, Office, connect
from queue_core.clock import to_db
from queue_core.policy import choose_next
from queue_core.schedule import local_day
from queue_core.simulation import run_day
from queue_core.distribution import percentile

MONDAY_0830 = datetime(2026, 11, 23, 7, 30, tzinfo=timezone.utc)


def bench_office(staff: int = 5) -> Office:
    return Office.from_mapping(bench_mapping(staff))


def bench_mapping(staff: int = 5) -> dict:
    """The benchmark office as configuration (bench.notices builds an app from it)."""
    return {
        "location": "bench", "hours": {d: "00:00-24:00" for d in ("mon", "tue", "wed", "thu", "fri")},
        "walk_in_cutoff_min": 0,
        "services": [{"key": "kurz", "name": "Kurz", "prefix": "W", "minutes": 1},
                     {"key": "termin", "name": "Termin", "prefix": "E", "minutes": 20}],
        "desks": [{"key": f"D{i}", "room": f"Zimmer {i}"} for i in range(staff)],
        "staff": [{"username": f"sb{i}", "name": f"SB {i}"} for i in range(staff)],
    }


def check_ins_per_second(folder: Path, synchronous: str, count: int = 2000) -> tuple[float, float]:
    """Appointment check-ins and walk-ins per second, each one committed (fsync per commit when FULL)."""
    office = bench_office(staff=50)
    clock = ManualClock(MONDAY_0830)
    engine = Engine(connect(folder / f"checkin-{synchronous}.db", synchronous), office, clock)
    booked = [engine.book_appointment(service="termin", staff=f"sb{i % 50}",
                                      starts_at=MONDAY_0830 + timedelta(minutes=30 + 20 * (i // 50)))
              for i in range(count)]
    began = time.perf_counter()
    for appointment in booked:
        clock.set(appointment.starts_at - timedelta(minutes=5))
        engine.check_in(appointment.code)
    appointment_rate = count / (time.perf_counter() - began)
    engine.db.close()
    office = bench_office(staff=5)
    engine = Engine(connect(folder / f"walk-in-{synchronous}.db", synchronous), office, clock)
    elapsed = 0.0
    for n in range(count):
        began = time.perf_counter()
        engine.walk_in("kurz")
        elapsed += time.perf_counter() - began
        if n >= 20:  # desks keep serving, so the line stays about 20 long (not timed)
            call = engine.call_next(f"D{n % 5}", f"sb{n % 5}")
            engine.finish(call.ticket.id)
    walk_in_rate = count / elapsed
    engine.db.close()
    return appointment_rate, walk_in_rate


def call_next_decision(folder: Path, waiting: int = 10_000, history: int = 1_000_000) -> dict[str, float]:
    """choose_next and a whole call_next transaction with 10k waiting and 1M finished tickets."""
    office = bench_office()
    clock = ManualClock(MONDAY_0830)
    db = connect(folder / "history.db", "OFF")
    engine = Engine(db, office, clock)
    base = MONDAY_0830 - timedelta(days=400)
    rows = []
    for i in range(history + waiting):
        finished = i < history
        created = (base + timedelta(seconds=30 * i) if finished
                   else MONDAY_0830 - timedelta(seconds=waiting - (i - history)))
        kind = "appointment" if i % 3 == 0 else "walk_in"
        rows.append((f"t{i}", "bench", local_day(office, created).isoformat(), "W" if kind == "walk_in" else "T", i,
                     f"X{i}", kind, "termin" if kind == "appointment" else "kurz", 1 if kind == "walk_in" else 20,
                     f"sb{i % 5}" if kind == "appointment" else None, "done" if finished else "waiting",
                     to_db(created + timedelta(minutes=30)) if kind == "appointment" else None, to_db(created)))
    with db.conn:
        db.conn.executemany(
            "INSERT INTO tickets (token, location, day, prefix, seq_no, number, kind, service, minutes, staff,"
            " state, appointment_start, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    db.execute("ANALYZE")
    caseworker = office.caseworker("sb1")
    decisions = []
    for _ in range(2000):
        began = time.perf_counter()
        choose_next(db, office, caseworker, clock.now())
        decisions.append((time.perf_counter() - began) * 1000)
    commands = []
    for n in range(500):
        began = time.perf_counter()
        call = engine.call_next("D1", "sb1")
        commands.append((time.perf_counter() - began) * 1000)
        engine.requeue(call.ticket.id)
    db.close()
    return {"decision_p50": statistics.median(decisions), "decision_p99": percentile(decisions, 0.99, 0.0),
            "command_p50": statistics.median(commands), "command_p99": percentile(commands, 0.99, 0.0)}


def main() -> None:
    print(f"Engine benchmarks on {platform.processor() or platform.machine()}, {os.cpu_count()} cores,"
          f" Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        print(f"\n{'durable check-ins (WAL)':<40}{'appointment/s':>15}{'walk-in/s':>12}")
        for synchronous in ("FULL", "NORMAL"):
            appointment_rate, walk_in_rate = check_ins_per_second(folder, synchronous)
            print(f"{'  synchronous=' + synchronous:<40}{appointment_rate:>15.0f}{walk_in_rate:>12.0f}")
        figures = call_next_decision(folder)
        print(f"\n{'call next, 10k waiting + 1M history':<40}{'p50 ms':>15}{'p99 ms':>12}   goal")
        print(f"{'  policy decision (choose_next)':<40}{figures['decision_p50']:>15.3f}"
              f"{figures['decision_p99']:>12.3f}   p99 ≤ 1 ms")
        print(f"{'  whole call_next transaction':<40}{figures['command_p50']:>15.3f}{figures['command_p99']:>12.3f}")
    report = run_day(staff=25, appointments=400, walk_ins=600)
    print(f"\n{'simulate: 1,000-visitor day (25 staff)':<40}{report.seconds:>15.2f} s   goal ≤ 5 s"
          f"   ({report.served} served, {report.refused_walk_ins} walk-ins turned away)")


if __name__ == "__main__":
    main()
