"""Background chores of the main server: the daily retention purge and, every minute, marking
appointments nobody checked in for as missed.

Several server processes may share one database (run_kiosk.py on two machines, a restart that
overlaps the old process). Each chore has a row in the ``housekeeping`` table; a process does the
chore only if it moves the row's ``period`` (the office-local day for the purge, the UTC minute
for expiry) forward inside one write transaction. The losers see the new period and skip, so each
chore runs once per period whatever the number of processes.

Only ``socketio.start_background_task`` and ``socketio.sleep`` are used (no eventlet APIs), so the
loop works in every async mode.
"""
from __future__ import annotations

import os
import socket
from datetime import datetime
from typing import Any

from flask import Flask
from sqlite_utils import Database

from queue_core import retention, store
from queue_core.clock import to_db
from queue_core.schedule import local_day

from .engine import open_engine
from .extensions import socketio

TICK_SECONDS = 60
PURGE = "purge"
EXPIRE = "expire_missed"


def worker_name(app: Flask) -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{id(app):x}"


def claim(db: Database, task: str, period: str, who: str, now: datetime) -> bool:
    """Take the chore for ``period`` if nobody has yet; True for exactly one caller per period."""
    with store.write(db):
        db.execute("INSERT OR IGNORE INTO housekeeping (task) VALUES (?)", (task,))
        row = store.one(
            db, "UPDATE housekeeping SET period = ?, claimed_at = ?, claimed_by = ?, finished_at = NULL,"
                " result = NULL WHERE task = ? AND (period IS NULL OR period < ?) RETURNING task",
            (period, to_db(now), who, task, period))
    return row is not None


def _finish(db: Database, task: str, who: str, now: datetime, result: Any) -> None:
    with store.write(db):
        db.execute("UPDATE housekeeping SET finished_at = ?, result = ? WHERE task = ? AND claimed_by = ?",
                   (to_db(now), store.dumps(result), task, who))


def _release(db: Database, task: str, who: str) -> None:
    """A chore that failed is given back, so the next tick (of any process) tries again."""
    with store.write(db):
        db.execute("UPDATE housekeeping SET period = NULL WHERE task = ? AND claimed_by = ?", (task, who))


def run_once(app: Flask, who: str | None = None) -> dict[str, Any]:
    """One tick: expire missed appointments (once per minute) and purge (once per office day).
    Returns what this process did, e.g. ``{"expired": 2, "purged": {...}}``."""
    who = who or worker_name(app)
    engine = open_engine(app)
    done: dict[str, Any] = {}
    try:
        now = engine.now()
        for task, period in ((EXPIRE, to_db(now)[:16]), (PURGE, local_day(engine.office, now).isoformat())):
            if not claim(engine.db, task, period, who, now):
                continue
            try:
                if task == EXPIRE:
                    result: Any = len(engine.expire_missed())
                    done["expired"] = result
                else:
                    purged = retention.purge(engine)
                    result = {"appointments": purged.appointments, "tickets": purged.tickets,
                              "access_log": purged.access_log}
                    done["purged"] = result
            except Exception:
                _release(engine.db, task, who)
                raise
            _finish(engine.db, task, who, engine.now(), result)
    finally:
        engine.db.close()
    return done


def _loop(app: Flask, interval: float) -> None:
    who = worker_name(app)
    state = app.extensions["housekeeping"]
    while not state.get("stop"):
        try:
            done = run_once(app, who)
            if "purged" in done:
                app.logger.info("housekeeping: purged %s", done["purged"])
        except Exception:  # a bad tick must not end the chores for good
            app.logger.exception("housekeeping failed; trying again in %s s", interval)
        socketio.sleep(interval)


def start(app: Flask, interval: float = TICK_SECONDS) -> bool:
    """Start the chores in the background (once per app); False if they already run."""
    state = app.extensions.setdefault("housekeeping", {})
    if state.get("started"):
        return False
    state["started"] = True
    state["stop"] = False
    socketio.start_background_task(_loop, app, interval)
    return True


def stop(app: Flask) -> None:
    """Ask the loop to end after its current tick (tests; a server just exits)."""
    app.extensions.setdefault("housekeeping", {})["stop"] = True
