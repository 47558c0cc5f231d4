"""No personal data on any public kiosk route, API answer or /ticket event.

The demo office's data (fictional callers, concerns, documents) plus a visitor with every personal
field filled in are in the database; every public payload is searched for each of those values.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

from queue_core.codes import format_code
from web import demo
from web.extensions import socketio

PERSONAL = {"name": "Zwirbelmeier, Hildegard", "birth_date": "1957-03-14", "phone": "0170 5553311",
            "concern": "Mietschulden nach Trennung", "notes": "Vertraulich: Schufa-Eintrag"}


def personal_values(engine) -> set[str]:
    values = set(PERSONAL.values()) | {"Zwirbelmeier", "Hildegard", "14.03.1957", "Mietschulden", "Schufa"}
    for caller in demo.CALLERS:
        surname, first = [part.strip() for part in caller.split(",")]
        values |= {caller, surname, first}
    for row in engine.db.query("SELECT concern, notes, documents FROM appointments"):
        values |= {v for v in (row["concern"], row["notes"]) if v}
    values |= {c.name for c in engine.office.staff.values()}  # caseworkers' names stay off public glass
    return {v for v in values if len(v) >= 3}


def assert_clean(text: str, values: set[str], where: str) -> None:
    leaked = [v for v in values if re.search(r"(?<!\w)" + re.escape(v) + r"(?!\w)", text)]
    assert not leaked, f"{where} shows personal data: {leaked}"


def test_public_routes_and_events_carry_no_personal_data(app, client, engine, clock):
    demo.seed(engine)
    appointment = engine.book_appointment(
        service="erstantrag", staff=None, starts_at=datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc),
        documents=["Mietvertrag Zwirbelmeier"], **PERSONAL)
    values = personal_values(engine)
    seen: list[tuple[str, str]] = []

    def get(path):
        response = client.get(path)
        assert response.status_code < 500, path
        seen.append((path, response.get_data(as_text=True)))
        return response

    def post(path, **kwargs):
        response = client.post(path, **kwargs)
        seen.append((path, response.get_data(as_text=True)))
        return response

    for path in ("/", "/termin", "/ohne-termin", "/ohne-termin/erstantrag", "/info/procedure",
                 "/info/entitlement", "/?lang=ar", "/healthz"):
        get(path)
    checked_in = post("/termin", data={"code": format_code(appointment.code)})
    token = re.search(r"/ticket/([\w-]+)", checked_in.headers["Location"]).group(1)
    walk_in = post("/api/v1/check-in", json={"walk_in": {"service": "notfall", "initial": "Z"}})
    walk_token = walk_in.json["ticket"]["token"]
    repeat = post("/api/v1/check-in", json={"code": appointment.code})
    assert repeat.status_code == 200
    post("/api/v1/check-in", json={"code": "ZZZZ-ZZZZ"})
    for t in (token, walk_token):
        get(f"/ticket/{t}?fresh=1")
        get(f"/t/{t}")
        get(f"/api/v1/tickets/{t}")

    # /ticket events: on connect, and after a call (the relay's handler, fed the new events).
    from web.realtime import relay
    from queue_core import events as log

    socket = socketio.test_client(app, namespace="/ticket", auth={"token": walk_token})
    start_seq = log.latest_seq(engine.db)
    engine.call_ticket(walk_in.json["ticket"]["id"], "211", "hkoch", "privacy test")
    with app.app_context():
        new = log.since(engine.db, start_seq)
        relay.dispatch(new)  # the relay's handlers and its pass over the line
        seen += [(f"event {event.kind}", repr(event.data)) for event in new]
    received = socket.get_received("/ticket")
    assert any(r["args"][0]["state"] == "called" for r in received)
    seen.append(("/ticket events", repr(received)))
    socket.disconnect(namespace="/ticket")

    for where, text in seen:
        assert_clean(text, values, where)
    assert len(seen) >= 20
