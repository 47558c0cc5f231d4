"""Operations benchmarks: a backup of a database with a long history (while walk-ins keep being
committed), a restore check, and the cost of one /metrics scrape's figures. Prints a table."""
from __future__ import annotations

import statistics
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

from queue_core import Engine, ManualClock, connect, monitoring
from queue_core.backup import backup, check

from .engine import MONDAY_0830, bench_office


def fill(path: Path, history: int, today: int) -> None:
    """``history`` finished tickets of earlier days (with their events) and ``today`` walk-ins now."""
    office = bench_office()
    db = connect(path, "OFF")
    base = MONDAY_0830 - timedelta(days=400)
    tickets, event_rows = [], []
    for i in range(history):
        created = base + timedelta(seconds=30 * i)
        at = created.strftime("%Y-%m-%dT%H:%M:%S.000000Z")
        tickets.append((f"t{i}", "bench", created.date().isoformat(), "W", i, f"W {i}", "walk_in", "kurz", 1,
                        "done", at))
        event_rows += [(at, "walked_in", "bench", i + 1), (at, "called", "bench", i + 1), (at, "finished", "bench", i + 1)]
    with db.conn:
        db.conn.executemany("INSERT INTO tickets (token, location, day, prefix, seq_no, number, kind, service,"
                            " minutes, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", tickets)
        db.conn.executemany("INSERT INTO events (at, kind, location, ticket_id) VALUES (?, ?, ?, ?)", event_rows)
    engine = Engine(db, office, ManualClock(MONDAY_0830))
    for n in range(today):
        engine.walk_in("kurz")
        if n % 2:
            call = engine.call_next(f"D{n % 5}", f"sb{n % 5}")
            engine.finish(call.ticket.id)
    db.close()


def backup_while_writing(path: Path, target: Path) -> dict[str, float]:
    """Backup time and size while another connection commits walk-ins as fast as it can."""
    office = bench_office()
    stop = threading.Event()
    written = [0]

    def writer() -> None:
        engine = Engine(connect(path), office, ManualClock(MONDAY_0830 + timedelta(hours=1)))
        while not stop.is_set():
            engine.walk_in("kurz")
            written[0] += 1
        engine.db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    time.sleep(0.2)
    began = time.perf_counter()
    backup(path, target)
    took = time.perf_counter() - began
    stop.set()
    thread.join()
    began = time.perf_counter()
    check(target)
    checked = time.perf_counter() - began
    return {"seconds": took, "check_s": checked, "mb": target.stat().st_size / 1e6,
            "source_mb": path.stat().st_size / 1e6, "written": written[0]}


def scrape_figures(path: Path, rounds: int = 50) -> tuple[float, float]:
    office = bench_office()
    db = connect(path)
    now = MONDAY_0830 + timedelta(hours=1)
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        monitoring.today(db, office, now)
        times.append((time.perf_counter() - began) * 1000)
    db.close()
    times.sort()
    return statistics.median(times), times[int(0.99 * (len(times) - 1))]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ops.db"
        history, today = 300_000, 600
        fill(path, history, today)
        result = backup_while_writing(path, Path(folder) / "copy.db")
        p50, p99 = scrape_figures(path)
    print(f"\nDatabase: {history:,} finished tickets of earlier days (+ {3 * history:,} events), {today} walk-ins today")
    print("| measure | value |")
    print("|---|---|")
    print(f"| database file | {result['source_mb']:.0f} MB |")
    print(f"| `terminpraxis backup` (online API + VACUUM + integrity check of the copy) | {result['seconds']:.1f} s |")
    print(f"| backup file | {result['mb']:.0f} MB |")
    print(f"| walk-ins committed by another connection during the backup | {result['written']:,} |")
    print(f"| restore's check of the copy (integrity, schema) | {result['check_s']:.1f} s |")
    print(f"| figures of one /metrics scrape (`monitoring.today`), p50 / p99 | {p50:.1f} / {p99:.1f} ms |")
