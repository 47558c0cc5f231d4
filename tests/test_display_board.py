"""The board page, GET /api/v1/board and the /board handlers (Flask test client, no server)."""
from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from board_helpers import private_strings
from queue_core import Engine, Office, connect
from web.extensions import socketio
from web.realtime import relay

from conftest import office_mapping


@pytest.fixture
def desk_engine(app, db_path, clock):
    engine = Engine(connect(db_path), Office.from_mapping(office_mapping()), clock)
    yield engine
    engine.db.close()


def dispatch_new(app, after_seq: int) -> None:
    """Run the relay's subscribers over the events after ``after_seq`` (what the follower does)."""
    from queue_core import events

    with app.app_context():
        relay.dispatch(events.since(connect(app.config["DATABASE"]), after_seq))


def busy_day(engine: Engine, clock) -> dict[str, str]:
    """An appointment with personal data, checked in and called; walk-ins waiting and called."""
    secret = private_strings()
    appointment = engine.book_appointment(
        service="erstantrag", starts_at=clock.now() + timedelta(minutes=5), staff="abraun",
        name=secret["name"], birth_date=secret["birth_date"], phone=secret["phone"],
        concern=secret["concern"], notes=secret["notes"], documents=["Mietvertrag"], language="ar")
    checked_in = engine.check_in(appointment.code, language="ar")
    engine.walk_in("notfall", initial="G", language="tr")
    engine.walk_in("unterlagen")
    call = engine.call_next("210", "abraun")
    clock.advance(minutes=1)
    engine.recall(call.ticket.id, actor="abraun")
    clock.advance(minutes=1)
    second = engine.call_next("214", "hkoch")
    engine.numbers = [call.ticket.number, second.ticket.number]  # T 001 (appointment), then a walk-in
    return {**secret, "code": appointment.code, "token": checked_in.ticket.token,
            "staff_name": "Anna Braun", "staff_user": "abraun", "service": "Erstantrag", "documents": "Mietvertrag"}


def test_page_renders_the_board_in_german_with_the_state(client, desk_engine, clock):
    busy_day(desk_engine, clock)
    html = client.get("/display").get_data(as_text=True)
    assert "Besucher mit Termin werden zuerst aufgerufen." in html
    assert "/static/vendor/socket.io.min.js" in html and "cdn" not in html.lower()
    config = json.loads(re.search(r'<script type="application/json" id="board-config">(.*?)</script>', html, re.S)[1])
    assert config["snapshot"]["called"][0]["number"] == desk_engine.numbers[1]
    assert config["phrases"]["de"]["call"] == "Nummer %(number)s, bitte zu %(room)s."
    assert config["phrases"]["uk"]["lang"] == "uk-UA" and "%(number)s" in config["phrases"]["tr"]["call"]
    assert client.get("/display?zone=nirgendwo").status_code == 404
    assert client.get("/static/display/chime.wav").status_code == 200


def test_api_snapshot_counts_history_and_zones(client, desk_engine, clock):
    busy_day(desk_engine, clock)
    data = client.get("/api/v1/board").get_json()
    assert [c["number"] for c in data["called"]] == desk_engine.numbers[::-1]
    assert data["called"][0]["room"] == "Zimmer 214" and data["called"][0]["time"] == "08:32"
    assert data["waiting"] == {"appointment": 0, "walk_in": 1}
    assert isinstance(data["walk_in_wait_min"], int)
    assert data["seq"] == desk_engine.db.execute("SELECT MAX(seq) FROM events").fetchone()[0]
    zone = client.get("/api/v1/board?zone=2.%20og").get_json()
    assert [c["number"] for c in zone["called"]] == ["T 001"] and zone["zone"] == "2. OG"
    assert client.get("/api/v1/board?zone=keller").status_code == 404
    assert client.get("/api/v1/board?zone=keller").get_json()["error"]["code"] == "unknown_zone"
    assert client.get("/api/v1/board?location=elsewhere").status_code == 404


def test_history_length_and_message_are_configurable(db_path, clock, desk_engine):
    from terminpraxis import create_app

    from conftest import DEMO_CONFIG

    app = create_app({"TESTING": True, "DATABASE": str(db_path), "ASYNC_MODE": "threading",
                      "CONFIG": str(DEMO_CONFIG), "OFFICE": office_mapping(board_message="Heute bis 12 Uhr"),
                      "CLOCK": clock, "SECRET_KEY": "t", "BOARD_HISTORY": 1})
    for desk, staff in (("210", "abraun"), ("211", "hkoch"), ("214", "pschulz")):
        desk_engine.walk_in("notfall")
        desk_engine.call_next(desk, staff)
    data = app.test_client().get("/api/v1/board").get_json()
    assert len(data["called"]) == 2 and data["message"] == "Heute bis 12 Uhr"


def test_socket_snapshot_on_connect_events_and_heartbeat(app, desk_engine, clock):
    from display.events import boards

    board = socketio.test_client(app, namespace="/board")
    zoned = socketio.test_client(app, namespace="/board", query_string="zone=2.+OG+Flur+B")
    snapshot = board.get_received("/board")[0]
    assert snapshot["name"] == "snapshot" and snapshot["args"][0]["seq"] == 0
    assert zoned.get_received("/board")[0]["args"][0]["zone"] == "2. OG Flur B"
    busy_day(desk_engine, clock)
    dispatch_new(app, 0)
    received = board.get_received("/board")
    # calls at once, then the counts as of the last event; each message names the one before it
    assert [m["name"] for m in received] == ["called", "called", "called", "update"]
    assert [m["args"][0]["prev"] for m in received] == [0] + [m["args"][0]["seq"] for m in received[:-1]]
    latest = desk_engine.db.execute("SELECT MAX(seq) FROM events").fetchone()[0]
    assert received[-1]["args"][0]["seq"] == latest and received[-1]["args"][0]["waiting"]["walk_in"] == 1
    calls = [m["args"][0] for m in received if m["name"] == "called"]
    walk_in = desk_engine.numbers[1]
    assert [(c["number"], c["recall"]) for c in calls] == [("T 001", False), ("T 001", True), (walk_in, False)]
    assert calls[0]["language"] == "ar"
    zoned_calls = [m["args"][0]["number"] for m in zoned.get_received("/board") if m["name"] == "called"]
    assert zoned_calls == [walk_in]
    ack = board.emit("heartbeat", {"sound_enabled": False, "seq": 7}, namespace="/board", callback=True)
    assert ack["ok"] is True
    mine = [b for b in boards.all() if b["sound_enabled"] is False and b["seq"] == 7]
    assert mine and mine[0]["zone"] is None and mine[0]["connected"]
    board.emit("snapshot", namespace="/board")
    assert board.get_received("/board")[0]["name"] == "snapshot"
    board.disconnect(namespace="/board")
    zoned.disconnect(namespace="/board")


def test_no_personal_data_in_any_board_payload_or_page(app, client, desk_engine, clock):
    """Privacy: names, birth dates, phone, concerns, notes, codes, tokens, staff never reach the board."""
    board = socketio.test_client(app, namespace="/board")
    secrets_ = busy_day(desk_engine, clock)
    dispatch_new(app, 0)
    board.emit("snapshot", namespace="/board")
    texts = {
        "page": client.get("/display").get_data(as_text=True),
        "zone page": client.get("/display?zone=2.%20OG").get_data(as_text=True),
        "api": client.get("/api/v1/board").get_data(as_text=True),
        "socket": json.dumps(board.get_received("/board"), ensure_ascii=False),
        "script": client.get("/static/display/board.js").get_data(as_text=True),
    }
    for where, text in texts.items():
        for what, value in secrets_.items():
            assert value not in text, f"{what} appears in the board {where}"
    payload_keys = set(re.findall(r'"(\w+)":', texts["socket"] + texts["api"]))
    assert payload_keys <= {"name", "args", "namespace", "seq", "prev", "location", "zone", "called", "number", "room",
                            "called_at", "time", "waiting", "appointment", "walk_in", "walk_in_wait_min",
                            "message", "server_time", "recall", "language"}
    board.disconnect(namespace="/board")


def test_board_health_is_for_admins_only(app, client, desk_engine, clock):
    desk_engine.add_staff("leitung", name="Leitung", role="admin", password="geheim-123")
    desk_engine.add_staff("sb", name="SB", role="staff", password="geheim-123")
    admin = desk_engine.create_token("leitung")
    staff = desk_engine.create_token("sb")
    board = socketio.test_client(app, namespace="/board", query_string="zone=2.%20OG")
    board.emit("heartbeat", {"sound_enabled": True, "seq": 3}, namespace="/board")
    assert client.get("/api/v1/boards").status_code == 401
    assert client.get("/api/v1/boards", headers={"Authorization": f"Bearer {staff}"}).status_code == 403
    found = client.get("/api/v1/boards", headers={"Authorization": f"Bearer {admin}"}).get_json()["boards"]
    assert {"zone": "2. OG", "sound_enabled": True, "connected": True, "seq": 3}.items() <= found[-1].items()
    board.disconnect(namespace="/board")
