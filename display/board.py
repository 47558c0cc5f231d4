"""A hallway board's data for one app: settings, zones and a cached snapshot over queue_core.board.

queue_core.board does the reading (only ticket numbers, rooms, times and counts, so no personal
data by construction). Here: one shared read connection per app (queries never yield, so
greenlets cannot interleave inside one) and a snapshot cache keyed by the event log's ``seq``, so
a thousand boards reconnecting after a restart cost one computation, not a thousand.
"""
from __future__ import annotations

import threading
import time as _time
from datetime import datetime
from typing import Any

from flask import Flask, current_app
from sqlite_utils import Database

from queue_core import Office, board, events, store
from queue_core.board import room_name, zones  # noqa: F401  (the board surface names its rooms by these)
from queue_core.clock import to_db
from queue_core.office_texts import board_message
from web.config import settings
from web.engine import connection, current, current_location

ESTIMATE_TTL_S = 20  # the walk-in estimate depends on the clock too; refresh it at least this often


class UnknownZone(ValueError):
    pass


def zone_of_desk(office: Office, desk: str | None) -> str | None:
    found = office.desks.get(desk or "")
    return found.zone if found and found.zone else None


def normalise_zone(office: Office, zone: str | None) -> str | None:
    """The configured spelling of ``zone`` (case and spaces forgiven), None for all; UnknownZone else."""
    if zone is None or not str(zone).strip():
        return None
    wanted = " ".join(str(zone).split()).casefold()
    for known in zones(office):
        if " ".join(known.split()).casefold() == wanted:
            return known
    raise UnknownZone(zone)


class BoardReader:
    """Snapshots and counts for one app (one office location)."""

    def __init__(self, app: Flask, location: str | None = None):
        self.app = app
        self.location = location  # None: the installation's first location
        self.clock = app.extensions["terminpraxis"]["clock"]
        self.settings = settings(app)
        self.history = self.settings.board_history
        self._lock = threading.RLock()
        self._db: Database | None = None
        self._cache: dict[str | None, tuple[int, float, dict[str, Any]]] = {}
        self._estimate: tuple[float, int | None] | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = connection(self.app)  # kept: one snapshot cache serves every board of the location
        return self._db

    @property
    def office(self) -> Office:
        """The office as it is now: desks, rooms and zones changed in /admin apply without a restart."""
        return self._settings()["office"]

    @property
    def message(self) -> str:
        return board_message(self.settings, self._settings()["overrides"])

    def _settings(self) -> dict[str, Any]:
        with self._lock:
            return current(self.app, self.db, self.location)

    def latest_seq(self) -> int:
        with self._lock:
            return self._latest_seq()

    def _latest_seq(self) -> int:
        return events.latest_seq(self.db)

    def snapshot(self, zone: str | None = None) -> dict[str, Any]:
        """The full board state with the ``seq`` it reflects (cached per zone until the log moves on)."""
        with self._lock:
            seq = self._latest_seq()
            cached = self._cache.get(zone)
            if cached and cached[0] == seq and _time.monotonic() - cached[1] < ESTIMATE_TTL_S:
                return cached[2]
            with store.read(self.db):  # one read transaction: seq and rows from the same instant
                seq = self._latest_seq()
                now = self.clock.now()
                data = {
                    "seq": seq,
                    "location": self.office.location,
                    "zone": zone,
                    "called": board.recent_calls(self.db, self.office, now, zone, self.history + 1),
                    **self._counts(now),
                    "message": self.message,
                    "server_time": to_db(now),
                }
            self._cache[zone] = (seq, _time.monotonic(), data)
            return data

    def counts(self) -> dict[str, Any]:
        """Waiting counts and the walk-in estimate (sent with every ``update`` event)."""
        with self._lock:
            return self._counts(self.clock.now())

    def _counts(self, now: datetime) -> dict[str, Any]:
        return {"waiting": board.waiting_today(self.db, self.office, now),
                "walk_in_wait_min": self._walk_in_wait(now)}

    def _walk_in_wait(self, now: datetime) -> int | None:
        try:
            return board.walk_in_wait(self.db, self.office, now)
        except Exception:  # an estimate is a courtesy; never let it blank the board
            self.app.logger.exception("board: walk-in estimate failed")
            return None


def reader(app: Flask | None = None) -> BoardReader:
    app = app or current_app._get_current_object()
    state = app.extensions.setdefault("terminpraxis_board", {})
    if settings(app).board_upstream:
        if "reader" not in state:
            from .upstream import UpstreamReader

            state["reader"] = UpstreamReader(app)
        return state["reader"]
    location = current_location()  # each location's boards read its own office and counts
    readers = state.setdefault("readers", {})
    if location not in readers:
        readers[location] = BoardReader(app, location)
    return readers[location]
