"""Hardening figures: sign-in time for known vs unknown names (no timing leak), and how fast the board
and a static file answer while another process holds SQLite's write lock."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("held", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""


def sign_in_times(folder: Path, rounds: int = 15) -> dict[str, float]:
    from queue_core import Engine, Office, accounts, connect

    db = connect(folder / "accounts.db")
    engine = Engine(db, Office.from_mapping({}))
    engine.add_staff("abraun", name="A", role="staff", password="geheim-geheim")
    engine.add_staff("weg", name="W", role="staff", password="geheim-geheim")
    engine.set_staff_active("weg", False)
    times: dict[str, float] = {}
    for label, name in (("known name, wrong password", "abraun"), ("unknown name", "niemand"),
                        ("disabled account", "weg")):
        samples = []
        for _ in range(rounds):
            started = time.perf_counter()
            accounts.verify_password(db, name, "falsch-falsch")
            samples.append((time.perf_counter() - started) * 1000)
        times[label] = statistics.median(samples)
    db.close()
    return times


def latencies_under_lock(folder: Path, hold_s: float = 3.0) -> dict[str, tuple[float, float]]:
    from conftest import LiveServer, server_env
    from hardening_helpers import open_office_config

    db_path = folder / "live.db"
    server = LiveServer("run_kiosk.py", server_env(db_path, open_office_config(folder))).start()
    found: dict[str, list[float]] = {"/api/v1/board": [], "/static/kiosk/kiosk.css": [], "/display": []}
    try:
        holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db_path), str(hold_s)], stdout=subprocess.PIPE)
        holder.stdout.readline()
        deadline = time.monotonic() + hold_s - 0.3
        while time.monotonic() < deadline:
            for path, samples in found.items():
                started = time.perf_counter()
                with urllib.request.urlopen(server.url + path, timeout=30) as answer:
                    answer.read()
                samples.append((time.perf_counter() - started) * 1000)
        holder.wait(30)
    finally:
        server.stop()
    return {path: (statistics.median(s), max(s)) for path, s in found.items()}


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        print("| sign-in check | median ms |\n|---|---|")
        for label, ms in sign_in_times(folder).items():
            print(f"| {label} | {ms:.0f} |")
        print("\n| while another process holds the write lock | median ms | slowest ms |\n|---|---|---|")
        for path, (median, slowest) in latencies_under_lock(folder).items():
            print(f"| GET {path} | {median:.1f} | {slowest:.1f} |")


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
