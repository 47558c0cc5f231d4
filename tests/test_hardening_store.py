"""The server never blocks on SQLite's lock, and a full disk answers 503 storage_full (real server, real port)."""
from __future__ import annotations

import json
import resource
import sqlite3
import subprocess
import sys
import threading
import time

from hardening_helpers import call, open_office_config, timed

HOLD_S = 6
BUSY_WAIT_S = "4"  # shorter than the hold, so the waiting check-in gives up with 503 busy
HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("INSERT INTO housekeeping (task) VALUES ('held-by-test')")
print("held", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""


def walk_in(url: str, request_id: str) -> tuple[int, dict, dict]:
    status, headers, body = call(url + "/api/v1/check-in",
                                 {"walk_in": {"service": "unterlagen"}, "request_id": request_id})
    return status, headers, json.loads(body)


def test_a_held_write_lock_freezes_nothing_and_the_waiting_write_ends_503_busy(live_server, tmp_path):
    server = live_server(TERMINPRAXIS_CONFIG=str(open_office_config(tmp_path)),
                         TERMINPRAXIS_DATABASE_BUSY_WAIT_S=BUSY_WAIT_S)
    db = tmp_path / "live.db"
    assert walk_in(server.url, "before")[0] == 201
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), str(HOLD_S)], stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == b"held"
        outcome: dict = {}
        waiting = threading.Thread(target=lambda: outcome.update(result=walk_in(server.url, "during")))
        waiting.start()
        form = b"service=unterlagen&request_id=form-during"
        touch = threading.Thread(target=lambda: outcome.update(page=call(
            server.url + "/ohne-termin", form, headers={"Content-Type": "application/x-www-form-urlencoded"})))
        touch.start()
        time.sleep(0.3)  # the check-in is now waiting for the lock inside the server
        slowest: dict[str, float] = {}
        for _round in range(3):
            for path in ("/api/v1/board", "/display", "/static/kiosk/kiosk.css", "/healthz"):
                seconds, status = timed(server.url + path)
                assert status == 200, path
                slowest[path] = max(slowest.get(path, 0), seconds)
            time.sleep(0.5)
        assert all(s < 0.5 for s in slowest.values()), slowest
        waiting.join(30)
        touch.join(30)
        page_status, page_headers, page = outcome["page"]
        assert page_status == 503 and "Retry-After" in page_headers  # the kiosk's touch form: a page
        assert "Einen Moment, bitte" in page.decode()
        status, headers, body = outcome["result"]
        assert status == 503, (status, body)  # never a 500
        assert body["error"]["code"] == "busy"
        assert int(headers["Retry-After"]) >= 1
    finally:
        holder.wait(30)
    assert walk_in(server.url, "after")[0] == 201  # the lock is gone: writes work again


def test_a_full_disk_answers_503_storage_full_and_the_server_recovers(live_server, tmp_path):
    server = live_server(TERMINPRAXIS_CONFIG=str(open_office_config(tmp_path)))
    db = tmp_path / "live.db"
    assert walk_in(server.url, "first")[0] == 201
    # A file size limit far below the database's size: every write to it fails, as on a full disk
    # (SQLite sees EFBIG or a short write instead of ENOSPC).
    resource.prlimit(server.process.pid, resource.RLIMIT_FSIZE, (1024, resource.RLIM_INFINITY))
    try:
        refused = [walk_in(server.url, f"full-{i}") for i in range(3)]
    finally:
        resource.prlimit(server.process.pid, resource.RLIMIT_FSIZE,
                         (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    for status, headers, body in refused:
        assert status == 503, body
        assert body["error"]["code"] == "storage_full"
        assert "Retry-After" in headers
    page_status, _headers, _page = call(server.url + "/healthz")
    assert page_status == 200  # reading still works
    status, _headers, body = walk_in(server.url, "room-again")
    assert status == 201, body
    numbers = sqlite3.connect(db).execute("SELECT request_id FROM tickets ORDER BY id").fetchall()
    assert numbers == [("first",), ("room-again",)]


def test_the_purge_commits_in_small_batches_with_the_same_result(engine, clock, db_path):
    from datetime import date

    from test_stats import at, scripted_day

    scripted_day(engine, clock)
    clock.set(at(9, 0, date(2026, 12, 1)))
    commits = []
    engine.db.conn.set_trace_callback(lambda sql: commits.append(sql) if sql == "COMMIT" else None)
    result = engine.purge(batch=2)
    engine.db.conn.set_trace_callback(None)
    assert (result.appointments, result.tickets) == (9, 4)
    # 9 appointments in batches of 2, 4 initials, notes, the access log, and the event: many short commits.
    assert len(commits) >= 5 + 3 + 1
    assert engine.db.execute("SELECT COUNT(*) FROM appointments WHERE name IS NOT NULL").fetchone()[0] == 0
    assert engine.db.execute("SELECT COUNT(*) FROM events WHERE kind = 'purged'").fetchone()[0] == 1
