"""The server's background chores: daily purge and missed appointments, once across processes."""
from __future__ import annotations

import threading
import time as wallclock
from datetime import date, timedelta

import pytest

from conftest import DEMO_CONFIG, office_mapping
from queue_core import connect, housekeeping as chores
from terminpraxis import create_app
from web import housekeeping

from test_stats import at


def make_app(db_path, clock):
    return create_app({"TESTING": True, "DATABASE": str(db_path), "ASYNC_MODE": "threading",
                       "CONFIG": str(DEMO_CONFIG), "OFFICE": office_mapping(), "CLOCK": clock,
                       "SECRET_KEY": "test"})


def events_of(db_path, kind: str) -> int:
    db = connect(db_path)
    try:
        return db.execute("SELECT COUNT(*) FROM events WHERE kind = ?", (kind,)).fetchone()[0]
    finally:
        db.close()


def test_two_instances_at_once_purge_once(db_path, clock):
    apps = [make_app(db_path, clock), make_app(db_path, clock)]
    for round_ in range(3):
        start = threading.Barrier(len(apps))
        results: list[dict] = [{} for _ in apps]

        def tick(index: int) -> None:
            start.wait()
            results[index] = housekeeping.run_once(apps[index], who=f"worker-{index}")

        threads = [threading.Thread(target=tick, args=(i,)) for i in range(len(apps))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
        assert sum("purged" in r for r in results) == (1 if round_ == 0 else 0), results
        assert sum("expired" in r for r in results) == (1 if round_ == 0 else 0), results
    assert events_of(db_path, "purged") == 1
    clock.advance(days=1)
    assert "purged" in housekeeping.run_once(apps[1])
    assert housekeeping.run_once(apps[0]) == {}
    assert events_of(db_path, "purged") == 2


def test_missed_appointments_are_expired_every_minute(engine, clock, db_path):
    app = make_app(db_path, clock)
    clock.set(at(7, 0))
    appointment = engine.book_appointment(service="erstantrag", starts_at=at(9, 0), staff="abraun")
    clock.set(at(9, 15))
    assert housekeeping.run_once(app)["expired"] == 0  # still within the late tolerance
    clock.set(at(9, 16))
    assert housekeeping.run_once(app) == {"expired": 1}  # same day: no second purge
    assert engine.appointment(appointment.id).state == "missed"


def test_a_failed_purge_is_tried_again(db_path, clock, monkeypatch):
    app = make_app(db_path, clock)
    from queue_core import Engine

    real = Engine.purge
    monkeypatch.setattr(Engine, "purge", lambda engine: (_ for _ in ()).throw(RuntimeError("disk")))
    with pytest.raises(RuntimeError):
        housekeeping.run_once(app)
    monkeypatch.setattr(Engine, "purge", real)
    clock.advance(minutes=1)
    assert "purged" in housekeeping.run_once(app)


def test_the_background_task_starts_once_per_app_and_runs(db_path, clock):
    app = make_app(db_path, clock)
    assert housekeeping.start(app, interval=0.05) is True
    assert housekeeping.start(app, interval=0.05) is False
    deadline = wallclock.monotonic() + 10
    while wallclock.monotonic() < deadline and events_of(db_path, "purged") == 0:
        wallclock.sleep(0.05)
    assert events_of(db_path, "purged") == 1
    housekeeping.stop(app)


def test_the_runner_starts_the_chores(live_server, tmp_path):
    server = live_server("run_kiosk.py")
    deadline = wallclock.monotonic() + 10
    while wallclock.monotonic() < deadline and events_of(tmp_path / "live.db", "purged") == 0:
        wallclock.sleep(0.1)
    db = connect(tmp_path / "live.db")
    try:
        rows = chores.periods(db)
    finally:
        db.close()
    assert server.process.poll() is None
    assert set(rows) == {"purge", "expire_missed"}
    assert date.fromisoformat(rows["purge"]) >= date.today() - timedelta(days=1)


def test_claims_are_one_per_period_and_a_release_gives_the_period_back(db_path, clock):
    db = connect(db_path)
    try:
        now = clock.now()
        assert chores.claim(db, "purge", "2026-11-23", "a", now) is True
        assert chores.claim(db, "purge", "2026-11-23", "b", now) is False
        assert chores.claim(db, "purge", "2026-11-22", "b", now) is False  # periods only move forward
        chores.release(db, "purge", "b")  # not b's claim: nothing changes
        assert chores.periods(db) == {"purge": "2026-11-23"}
        chores.finish(db, "purge", "a", now, {"appointments": 1})
        row = db.execute("SELECT finished_at, result FROM housekeeping WHERE task = 'purge'").fetchone()
        assert row[0] and '"appointments":1' in row[1]
        chores.release(db, "purge", "a")
        assert chores.periods(db) == {"purge": None}
        assert chores.claim(db, "purge", "2026-11-23", "b", now) is True
    finally:
        db.close()
