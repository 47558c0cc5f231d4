"""A board server without the database: snapshots from the main server, events through Redis.

With ``BOARD_UPSTREAM=http://main-server:5000`` (and a message queue), run_display.py never opens
a SQLite file: a second host can serve the boards of another floor or building, and the database
is never shared over a network filesystem. Snapshots come from the main server's
``GET /api/v1/board`` (cached per zone until a newer seq is known); events arrive through the
queue from the leader; the latest seq, for the boards' heartbeats, is the newest seq the queue
carried or the main server reported (asked at most every ``SEQ_TTL_S``).

The office (desks, rooms, zones) is the configuration file's; the board text comes with each
snapshot.
"""
from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from typing import Any

from flask import Blueprint, Flask, jsonify
from sqlite_utils import Database

from web.extensions import socketio

from .board import ESTIMATE_TTL_S, BoardReader

SEQ_TTL_S = 2.0
TIMEOUT_S = 3.0

bp = Blueprint("display_upstream", __name__)


class UpstreamReader(BoardReader):
    """BoardReader whose data comes from the main server over HTTP instead of the database."""

    def __init__(self, app: Flask):
        super().__init__(app)
        self.upstream = str(self.settings.board_upstream).rstrip("/")
        self._message: str | None = None
        self._seq_checked = 0.0
        self._upstream_seq = 0

    @property
    def db(self) -> Database:
        raise RuntimeError("this board server has no database (BOARD_UPSTREAM is set)")

    def _settings(self) -> dict[str, Any]:
        overrides = {} if self._message is None else {"board_message": self._message}
        return {"office": self.app.extensions["terminpraxis"]["office"], "overrides": overrides}

    def _queue_seq(self) -> int:
        return getattr(socketio.server.manager, "latest_seq", 0)

    def latest_seq(self) -> int:
        """The newest seq known: from the queue, or from the main server (asked every few seconds)."""
        with self._lock:
            if time.monotonic() - self._seq_checked > SEQ_TTL_S:
                self._fetch(None)
            return max(self._queue_seq(), self._upstream_seq)

    def snapshot(self, zone: str | None = None) -> dict[str, Any]:
        with self._lock:
            cached = self._cache.get(zone)
            known = max(self._queue_seq(), self._upstream_seq)
            if cached and cached[0] >= known and time.monotonic() - cached[1] < ESTIMATE_TTL_S:
                return cached[2]
            return self._fetch(zone) or (cached[2] if cached else self._empty(zone))

    def counts(self) -> dict[str, Any]:
        return {k: self.snapshot(None)[k] for k in ("waiting", "walk_in_wait_min")}

    def _fetch(self, zone: str | None) -> dict[str, Any] | None:
        query = "?" + urllib.parse.urlencode({"zone": zone}) if zone else ""
        self._seq_checked = time.monotonic()
        try:
            with urllib.request.urlopen(f"{self.upstream}/api/v1/board{query}", timeout=TIMEOUT_S) as response:
                data = json.load(response)
        except (OSError, ValueError) as error:
            self.app.logger.error("board: main server %s did not answer: %s", self.upstream, error)
            return None
        self._upstream_seq = max(self._upstream_seq, int(data.get("seq") or 0))
        self._message = data.get("message")
        self._cache[zone] = (int(data.get("seq") or 0), time.monotonic(), data)
        return data

    def _empty(self, zone: str | None) -> dict[str, Any]:
        """Until the main server answers: an empty board (seq 0, so the first event asks again)."""
        return {"seq": 0, "location": self.office.location, "zone": zone, "called": [],
                "waiting": {"appointment": 0, "walk_in": 0}, "walk_in_wait_min": None,
                "message": self.message, "server_time": None}


@bp.get("/healthz")
def health():
    """Alive, and whether the message queue is heard (this server knows no counts of its own)."""
    return jsonify({"ok": True, "queue": bool(getattr(socketio.server.manager, "subscribed", False))})
