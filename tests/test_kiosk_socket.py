"""Namespace /ticket: status on connect, a new status on every change (handler logic and a real port)."""
from __future__ import annotations

import json
import queue
import tomllib
import urllib.request

import pytest
import socketio as socketio_client

from queue_core import Engine, Office, connect
from queue_core.clock import SystemClock
from web.extensions import socketio
from web.realtime import relay

from board_helpers import ASYNC_MODES, in_async_mode
from conftest import DEMO_CONFIG


def walk_in(client, service="notfall"):
    return client.post("/api/v1/check-in", json={"walk_in": {"service": service}}).json["ticket"]


def test_connect_needs_a_known_token(app):
    assert not socketio.test_client(app, namespace="/ticket", auth={"token": "nope"}).is_connected("/ticket")
    assert not socketio.test_client(app, namespace="/ticket").is_connected("/ticket")
    assert not socketio.test_client(app, namespace="/ticket", auth={"token": "x" * 500}).is_connected("/ticket")
    assert not socketio.test_client(app, namespace="/ticket", auth={"token": 5}).is_connected("/ticket")


def test_status_on_connect_and_after_changes(app, client, engine):
    from kiosk import events as kiosk_events
    from queue_core import events as log

    first, second = walk_in(client), walk_in(client)
    socket = socketio.test_client(app, namespace="/ticket", auth={"token": second["token"]})
    assert socket.is_connected("/ticket")
    [hello] = socket.get_received("/ticket")
    assert hello["name"] == "status"
    assert hello["args"][0]["number"] == "W 002" and hello["args"][0]["position"] == 2

    def relay_since(seq):
        with app.app_context():
            relay.dispatch(log.since(engine.db, seq))  # immediate handlers, then the line's pass

    seq = log.latest_seq(engine.db)
    engine.call_ticket(first["id"], "210", "abraun", "test")  # someone else is called: we move up
    relay_since(seq)
    [moved] = socket.get_received("/ticket")
    assert moved["args"][0]["position"] == 1 and moved["args"][0]["state"] == "waiting"

    seq = log.latest_seq(engine.db)
    engine.finish(first["id"])  # nothing changes for us: nothing is sent
    relay_since(seq)
    assert socket.get_received("/ticket") == []

    seq = log.latest_seq(engine.db)
    engine.call_ticket(second["id"], "214", "hkoch", "test")
    relay_since(seq)
    [called] = socket.get_received("/ticket")
    assert called["args"][0] == {**called["args"][0], "state": "called", "room": "Zimmer 214", "position": None}
    assert called["args"][0]["seq"] == [e.seq for e in log.since(engine.db, seq) if e.kind == "called"][0]

    socket.emit("status", namespace="/ticket")
    assert socket.get_received("/ticket")[0]["args"][0]["state"] == "called"
    socket.disconnect(namespace="/ticket")
    assert second["token"] not in kiosk_events._followers


@pytest.mark.parametrize("mode", ASYNC_MODES)
def test_live_server_pushes_the_call(live_server, tmp_path, mode):
    server = in_async_mode(live_server, mode)("run_kiosk.py")
    request = urllib.request.Request(server.url + "/api/v1/check-in", method="POST",
                                     data=json.dumps({"walk_in": {"service": "notfall"}}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 201
        ticket = json.load(response)["ticket"]

    received: queue.Queue = queue.Queue()
    client = socketio_client.Client(reconnection=False)
    client.on("status", lambda data: received.put(data), namespace="/ticket")
    client.connect(server.url, namespaces=["/ticket"], auth={"token": ticket["token"]},
                   transports=["websocket"], wait_timeout=5)
    try:
        hello = received.get(timeout=5)
        assert hello["number"] == ticket["number"] and hello["state"] == "waiting"

        with DEMO_CONFIG.open("rb") as handle:
            office = Office.from_mapping(tomllib.load(handle))
        engine = Engine(connect(tmp_path / "live.db"), office, SystemClock())
        engine.call_ticket(ticket["id"], "214", "hkoch", "socket test")
        engine.db.close()

        while True:
            status = received.get(timeout=5)
            if status["state"] == "called":
                break
        assert status["room"] == "Zimmer 214" and status["number"] == ticket["number"]
        assert set(status) <= {"number", "kind", "state", "position", "estimated_wait_min", "wait_range",
                               "appointment_time", "room", "called_at", "seq"}
    finally:
        client.disconnect()
