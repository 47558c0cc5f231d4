"""The /board namespace: snapshot on every connect, ``called``/``update`` messages, snapshot on
request (the client asks when it sees a gap), heartbeats that carry the latest seq.

Protocol (docs/display.md): every message carries ``seq``, the log position it is current as of,
and ``prev``, the seq of the message sent to the same room before it. A call or recall goes out
the moment the relay reads it; counts and the estimate follow as ``update``, coalesced, so seqs
are not consecutive. A board applies a message when ``prev`` ≤ its own seq, and asks for a
snapshot otherwise, or when a heartbeat's answer shows a seq it never reached.
"""
from __future__ import annotations

import threading
import time
from typing import Any

from flask import current_app, request
from flask_socketio import emit, join_room

from queue_core.board import local_time
from queue_core.events import Event
from web.extensions import socketio
from web.realtime import relay

from .board import UnknownZone, normalise_zone, reader, room_name, zone_of_desk, zones

NAMESPACE = "/board"
CALL_KINDS = ("called", "recalled")
UPDATE_INTERVAL_S = 0.25  # counts and estimate: at most four times a second


# --- per-board health (last seen, zone, sound enabled), in memory of this process -------------

class Boards:
    """What each connected board last reported; the admin page reads ``all()``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._boards: dict[str, dict[str, Any]] = {}

    def seen(self, sid: str, **fields: Any) -> dict[str, Any]:
        with self._lock:
            board = self._boards.setdefault(sid, {"sid": sid, "connected_at": time.time(), "zone": None,
                                                  "sound_enabled": None, "connected": True, "seq": 0})
            board.update(fields, last_seen=time.time())
            return dict(board)

    def gone(self, sid: str) -> None:
        with self._lock:
            if sid in self._boards:
                self._boards[sid]["connected"] = False
                self._boards[sid]["last_seen"] = time.time()
            # keep at most a day's worth of disconnected entries
            stale = [k for k, v in self._boards.items() if not v["connected"] and time.time() - v["last_seen"] > 86400]
            for key in stale:
                del self._boards[key]

    def all(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(b) for b in self._boards.values()]


boards = Boards()


# --- socket handlers --------------------------------------------------------------------------

def _zone_from_request() -> str | None:
    reader_ = reader()
    try:
        return normalise_zone(reader_.office, request.args.get("zone"))
    except UnknownZone:
        return None  # the page refuses unknown zones; a hand-made client simply gets the whole house


@socketio.on("connect", namespace=NAMESPACE)
def on_connect(auth: Any = None):
    zone = _zone_from_request()
    join_room(room_name(zone, reader().office))
    boards.seen(request.sid, zone=zone, connected=True)
    emit("snapshot", reader().snapshot(zone))


@socketio.on("disconnect", namespace=NAMESPACE)
def on_disconnect(*_args: Any):
    boards.gone(request.sid)


@socketio.on("snapshot", namespace=NAMESPACE)
def on_snapshot_request(*_args: Any):
    """The client saw a gap (or just woke up): send the full state again."""
    zone = _zone_from_request()
    emit("snapshot", reader().snapshot(zone))


@socketio.on("heartbeat", namespace=NAMESPACE)
def on_heartbeat(data: Any = None):
    data = data if isinstance(data, dict) else {}
    fields: dict[str, Any] = {"zone": _zone_from_request()}
    if isinstance(data.get("sound_enabled"), bool):
        fields["sound_enabled"] = data["sound_enabled"]
    if isinstance(data.get("seq"), int):
        fields["seq"] = data["seq"]
    boards.seen(request.sid, **fields)
    return {"ok": True, "seq": reader().latest_seq()}


# --- events from the log → emits --------------------------------------------------------------

class Chains:
    """The seq of the last message sent to each board room: every message names it as ``prev``.

    A board that holds the state as of ``prev`` (or later) may apply the message; otherwise it
    missed one and asks for a snapshot. Seqs need not be consecutive: a call goes out at once,
    counts and the estimate follow coalesced, each as of the seq it was computed at.
    """

    def __init__(self) -> None:
        self.start = 0
        self.last: dict[str, int] = {}

    def reset(self, seq: int) -> None:
        self.start = seq
        self.last = {}

    def link(self, room: str, seq: int) -> int:
        """``prev`` for a message of ``seq`` to ``room``; remembers it as the room's last."""
        prev = self.last.get(room, self.start)
        self.last[room] = max(seq, prev)
        return prev


def chains(app=None) -> Chains:
    """The chains of this app (one per process in production; tests build many apps)."""
    app = app or current_app._get_current_object()
    return app.extensions.setdefault("terminpraxis_board", {}).setdefault("chains", Chains())


@relay.on_reset
def _new_chains(seq: int) -> None:
    if relay._app is not None:
        chains(relay._app).reset(seq)


def call_payload(event: Event) -> dict[str, Any]:
    """Only what the hallway may see and hear: number, room, time, the language to speak."""
    data = event.data
    return {"seq": event.seq, "number": data.get("number"), "room": data.get("room"),
            "called_at": event.at, "time": local_time(reader().office, event.at),
            "recall": event.kind == "recalled", "language": data.get("language") or None}


def board_rooms(office) -> list[str]:
    return [room_name(zone, office) for zone in [None, *zones(office)]]


def on_event(event: Event) -> None:
    """Relay subscriber: a call goes to its boards at once; counts follow (``push_update``)."""
    board = reader(current_app._get_current_object())
    if event.location == board.office.location and event.kind == "settings_changed":
        # board text, rooms or zones changed in /admin: the full state, at once
        for zone in [None, *zones(board.office)]:
            chains().link(room_name(zone, board.office), event.seq)
            socketio.emit("snapshot", board.snapshot(zone), namespace=NAMESPACE, to=room_name(zone, board.office))
        return
    if event.location == board.office.location and event.kind in CALL_KINDS:
        call = call_payload(event)
        call_zone = zone_of_desk(board.office, event.desk)
        for zone in [None, *zones(board.office)]:
            if zone is None or zone == call_zone:
                room = room_name(zone, board.office)
                socketio.emit("called", {**call, "prev": chains().link(room, event.seq)}, namespace=NAMESPACE,
                              to=room)
    relay.later(push_update, UPDATE_INTERVAL_S)


def push_update(seq: int) -> None:
    """Waiting counts and the walk-in estimate, as of ``seq``, to every board room (coalesced)."""
    for _office in relay.each_location():
        board = reader(current_app._get_current_object())
        counts = board.counts()
        for room in board_rooms(board.office):
            socketio.emit("update", {"seq": seq, "prev": chains().link(room, seq), **counts},
                          namespace=NAMESPACE, to=room)


relay.subscribe(on_event)
