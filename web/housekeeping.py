"""Background chores of the main server: the daily retention purge and, every minute, marking
appointments nobody checked in for as missed.

Several server processes may share one database (run_kiosk.py on two machines, a restart that
overlaps the old process). A process does a chore only if it claims the chore's period (the
office-local day for the purge, the UTC minute for expiry) through ``queue_core.housekeeping``;
the losers skip, so each chore runs once per period whatever the number of processes. This module
is only the Flask/background-task part: no SQL here.

Only ``socketio.start_background_task`` and ``socketio.sleep`` are used (no eventlet APIs), so the
loop works in every async mode.
"""
from __future__ import annotations

import os
import socket
from typing import Any

from flask import Flask

from queue_core.clock import to_db
from queue_core.housekeeping import claim, finish, release
from queue_core.schedule import local_day

from .engine import engines_everywhere, open_engine
from .extensions import socketio

TICK_SECONDS = 60
PURGE = "purge"
EXPIRE = "expire_missed"


def worker_name(app: Flask) -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{id(app):x}"


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
                    result: Any = sum(len(at.expire_missed()) for at in engines_everywhere(app, engine))
                    done["expired"] = result
                else:
                    purged = engine.purge()
                    result = {"appointments": purged.appointments, "tickets": purged.tickets,
                              "access_log": purged.access_log}
                    done["purged"] = result
            except Exception:
                release(engine.db, task, who)
                raise
            finish(engine.db, task, who, engine.now(), result)
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
