"""Claims on background chores, so each runs once per period however many server processes share
the database.

Each chore has a row in the ``housekeeping`` table (``task``, ``period``, who claimed it, when it
finished and its result). A process does a chore only if it moves the row's ``period`` forward
inside one write transaction; the others see the new period and skip. No Flask here: the
background loop that calls these lives in ``web/housekeeping.py``.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlite_utils import Database

from . import store
from .clock import to_db


def claim(db: Database, task: str, period: str, who: str, now: datetime) -> bool:
    """Take ``task`` for ``period`` if nobody has yet; True for exactly one caller per period.

    Periods are compared as text, so they must sort in time order (an ISO day, a UTC minute).
    """
    with store.write(db):
        db.execute("INSERT OR IGNORE INTO housekeeping (task) VALUES (?)", (task,))
        row = store.one(
            db, "UPDATE housekeeping SET period = ?, claimed_at = ?, claimed_by = ?, finished_at = NULL,"
                " result = NULL WHERE task = ? AND (period IS NULL OR period < ?) RETURNING task",
            (period, to_db(now), who, task, period))
    return row is not None


def finish(db: Database, task: str, who: str, now: datetime, result: Any) -> None:
    """Record that ``who`` finished its claimed ``task`` at ``now`` with ``result`` (JSON-able)."""
    with store.write(db):
        db.execute("UPDATE housekeeping SET finished_at = ?, result = ? WHERE task = ? AND claimed_by = ?",
                   (to_db(now), store.dumps(result), task, who))


def release(db: Database, task: str, who: str) -> None:
    """Give back a chore that failed, so the next tick (of any process) tries the period again."""
    with store.write(db):
        db.execute("UPDATE housekeeping SET period = NULL WHERE task = ? AND claimed_by = ?", (task, who))


def periods(db: Database) -> dict[str, str | None]:
    """Each chore's last claimed period (``{"purge": "2026-11-23", ...}``), for status and tests."""
    return dict(db.execute("SELECT task, period FROM housekeeping").fetchall())
