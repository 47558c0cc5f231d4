"""Helpers for the board tests: a recording Socket.IO client and calls made straight through the engine."""
from __future__ import annotations

import queue
from urllib.parse import quote
import time
import tomllib
from pathlib import Path
from typing import Any

import socketio

from queue_core import Engine, Office, SystemClock, connect

ROOT = Path(__file__).resolve().parent.parent
DEMO_CONFIG = ROOT / "config" / "demo-office.toml"


def demo_office() -> Office:
    with DEMO_CONFIG.open("rb") as handle:
        return Office.from_mapping(tomllib.load(handle))


class Desk:
    """Makes real calls on the live server's database (as a desk would), from the test process."""

    def __init__(self, db_path: Path):
        self.engine = Engine(connect(db_path), demo_office(), SystemClock())

    def call(self, desk: str = "214", staff: str = "abraun", language: str | None = None,
             finish: bool = True) -> tuple[str, float]:
        """A walk-in arrives and is called at ``desk``; returns its number and the commit time."""
        self.engine.walk_in("notfall", language=language)
        called = self.engine.call_next(desk, staff)
        at = time.monotonic()
        assert called is not None
        if finish:
            self.engine.finish(called.ticket.id, actor=staff)
        return called.ticket.number, at

    def close(self) -> None:
        self.engine.db.close()


class BoardClient:
    """A /board client that records every message with its arrival time."""

    def __init__(self, url: str, zone: str | None = None, reconnection: bool = True):
        self.messages: queue.Queue[tuple[str, dict[str, Any], float]] = queue.Queue()
        self.sio = socketio.Client(reconnection=reconnection, reconnection_delay=0.2,
                                   reconnection_delay_max=0.5)
        for name in ("snapshot", "called", "update"):
            self.sio.on(name, self._recorder(name), namespace="/board")
        self.url = url + (f"?zone={quote(zone)}" if zone else "")

    def _recorder(self, name: str):
        def record(data):
            self.messages.put((name, data, time.monotonic()))
        return record

    def connect(self) -> "BoardClient":
        self.sio.connect(self.url, namespaces=["/board"], transports=["websocket"], wait_timeout=10)
        return self

    def next(self, name: str | None = None, timeout: float = 5.0) -> tuple[str, dict[str, Any], float]:
        """The next message (of kind ``name`` if given, skipping others)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {name or 'message'} within {timeout}s")
            try:
                message = self.messages.get(timeout=left)
            except queue.Empty:
                continue
            if name is None or message[0] == name:
                return message

    def until_called(self, number: str, timeout: float = 5.0) -> tuple[dict[str, Any], float, list]:
        """Messages up to the ``called`` event of ``number``; returns it, its arrival, all seen."""
        seen = []
        deadline = time.monotonic() + timeout
        while True:
            name, data, at = self.next(timeout=max(0.01, deadline - time.monotonic()))
            seen.append((name, data))
            if name == "called" and data["number"] == number:
                return data, at, seen

    def close(self) -> None:
        self.sio.disconnect()


def assert_chained(seen: list[tuple[str, dict[str, Any]]], snapshot_seq: int) -> list[tuple[str, dict]]:
    """The board protocol: past the snapshot, each message names the previous one as ``prev`` (the
    first may name anything the snapshot holds), and seqs never go back. Returns those messages."""
    after = [(name, data) for name, data in seen if data["seq"] > snapshot_seq
             or (name == "update" and data["seq"] == snapshot_seq and data["prev"] <= snapshot_seq)]
    assert after, "no message after the snapshot"
    assert after[0][1]["prev"] <= snapshot_seq
    for (_, before), (_, data) in zip(after, after[1:]):
        assert data["prev"] == before["seq"] and data["seq"] >= before["seq"], (before, data)
    return after


# The socket tests run the real servers in both supported async modes (eventlet is the default).
ASYNC_MODES = ("eventlet", "gevent")


def in_async_mode(live_server, mode: str):
    """``live_server`` whose servers run in ``mode``."""
    def start(script: str = "run_kiosk.py", **env: str):
        return live_server(script, TERMINPRAXIS_ASYNC_MODE=mode, **env)
    return start


def private_strings() -> dict[str, str]:
    """Personal data of a visitor that must never reach a public surface."""
    return {"name": "Zoë Geheimname-Testfall", "birth_date": "1961-04-17", "phone": "0171 5550199",
            "concern": "Mietschulden Vermieter Kündigung", "notes": "Vorsicht Notiz vertraulich"}


class ApiDesk:
    """Calls made the real way: a walk-in checks in at run_kiosk.py's API, a caseworker calls it there."""

    def __init__(self, url: str, db_path: Path, staff: tuple[str, ...] = ("abraun", "hkoch", "pschulz")):
        self.url = url
        db = connect(db_path)
        try:
            engine = Engine(db, Office.from_mapping({}), SystemClock())
            self.tokens = {}
            for username in staff:
                engine.add_staff(username, name=username, role="staff", password="board-test-1")
                self.tokens[username] = engine.create_token(username)
        finally:
            db.close()

    def post(self, path: str, body: dict | None = None, staff: str | None = None) -> dict:
        import json
        import urllib.request

        headers = {"Content-Type": "application/json"}
        if staff:
            headers["Authorization"] = f"Bearer {self.tokens[staff]}"
        request = urllib.request.Request(self.url + "/api/v1" + path, data=json.dumps(body or {}).encode(),
                                         headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"{}")

    def call(self, desk: str = "214", staff: str = "abraun", language: str | None = None,
             finish: bool = True) -> tuple[str, float]:
        self.post("/check-in", {"walk_in": {"service": "notfall"}, **({"language": language} if language else {})})
        ticket = self.post(f"/desks/{desk}/call-next", staff=staff)["ticket"]
        at = time.monotonic()
        if finish:
            self.post(f"/tickets/{ticket['id']}/finish", {"outcome": "done"}, staff=staff)
        return ticket["number"], at

    def close(self) -> None:
        pass
