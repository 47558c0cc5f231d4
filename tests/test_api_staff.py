"""The staff API of the design: booking, listing, cancel/by-post, slots, calls and ticket actions."""
from __future__ import annotations

import pytest

from test_desk_support import bearer, make_token

MONDAY = "2026-11-23"


@pytest.fixture
def auth(app):
    return bearer(make_token(app, "abraun"))


def book(client, auth, **fields):
    body = {"name": "Albers, Jana", "starts_at": f"{MONDAY}T09:00:00+01:00", "service": "erstantrag",
            "staff": "abraun", "concern": "Erstantrag", "documents": ["Mietvertrag"], **fields}
    return client.post("/api/v1/appointments", json=body, headers=auth)


def test_book_list_cancel_and_by_post(client, auth):
    response = book(client, auth)
    assert response.status_code == 201
    body = response.get_json()
    assert body["id"] and len(body["code"]) == 8
    assert body["appointment"]["time"] == "09:00" and body["appointment"]["staff"] == "abraun"
    # same caseworker, overlapping time → 409
    clash = book(client, auth, starts_at=f"{MONDAY}T09:15:00+01:00")
    assert clash.status_code == 409 and clash.get_json()["error"]["code"] == "slot_taken"
    # local time without offset is office time
    second = book(client, auth, starts_at=f"{MONDAY}T10:00:00", name="Becker, Tom")
    assert second.status_code == 201 and second.get_json()["appointment"]["time"] == "10:00"
    listed = client.get(f"/api/v1/appointments?date={MONDAY}", headers=auth).get_json()
    assert [a["time"] for a in listed["appointments"]] == ["09:00", "10:00"]
    assert listed["appointments"][0]["name"] == "Albers, Jana"
    assert client.get("/api/v1/appointments?date=2026-11-24", headers=auth).get_json()["appointments"] == []
    cancel = client.post(f"/api/v1/appointments/{body['id']}/cancel", headers=auth)
    assert cancel.status_code == 200 and cancel.get_json()["appointment"]["state"] == "cancelled"
    again = client.post(f"/api/v1/appointments/{body['id']}/cancel", headers=auth)
    assert again.status_code == 409
    # the freed slot can be booked again
    assert book(client, auth, name="Dogan, Elif").status_code == 201
    post = client.post(f"/api/v1/appointments/{second.get_json()['id']}/by-post", headers=auth)
    assert post.status_code == 200 and post.get_json()["appointment"]["state"] == "by_post"
    assert client.post("/api/v1/appointments/999/by-post", headers=auth).status_code == 404
    details = client.get(f"/api/v1/appointments/{body['id']}", headers=auth)
    assert details.status_code == 200 and details.get_json()["appointment"]["documents"] == ["Mietvertrag"]


def test_reading_personal_data_is_recorded(app, client, auth, engine):
    booked = book(client, auth).get_json()
    client.get(f"/api/v1/appointments/{booked['id']}", headers=auth)
    rows = engine.db.execute("SELECT actor, appointment_id, data FROM events WHERE kind = 'personal_data_read'"
                             ).fetchall()
    assert ("abraun", booked["id"], '{"what":"appointment"}') in rows
    assert all("Albers" not in r[0] for r in engine.db.execute("SELECT data FROM events").fetchall())


@pytest.mark.parametrize("fields, status, field", [
    ({"name": None}, 422, "name"),
    ({"name": 5}, 422, "name"),
    ({"name": "x" * 300}, 422, "name"),
    ({"starts_at": "morgen"}, 422, "starts_at"),
    ({"starts_at": 12}, 422, "starts_at"),
    ({"starts_at": "9999-01-01T09:00:00+01:00"}, 422, "starts_at"),
    ({"starts_at": f"{MONDAY}T07:00:00+01:00"}, 422, "starts_at"),  # before opening
    ({"starts_at": "2026-11-20T09:00:00+01:00"}, 422, "starts_at"),  # in the past
    ({"service": "nope"}, 422, "service"),
    ({"service": None}, 422, "service"),
    ({"staff": "nobody"}, 422, "staff"),
    ({"duration_min": "lang"}, 422, "duration_min"),
    ({"duration_min": True}, 422, "duration_min"),
    ({"duration_min": 0}, 422, "duration_min"),
    ({"documents": "Mietvertrag"}, 422, "documents"),
    ({"documents": [1, 2]}, 422, "documents"),
])
def test_bad_booking_input(client, auth, fields, status, field):
    response = book(client, auth, **fields)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["field"] == field and error["message"]


@pytest.mark.parametrize("data, kwargs", [
    (b"not json", {"content_type": "application/json"}),
    (b"[1, 2]", {"content_type": "application/json"}),
    (b"name=x", {"content_type": "application/x-www-form-urlencoded"}),
])
def test_not_a_json_object_is_400(client, auth, data, kwargs):
    response = client.post("/api/v1/appointments", data=data, headers=auth, **kwargs)
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize("query", ["date=gestern", "date=2026-13-01", "date=2026-11-23T10", "staff=nobody"])
def test_bad_list_query(client, auth, query):
    assert client.get(f"/api/v1/appointments?{query}", headers=auth).status_code == 422


def test_slots(client, auth):
    response = client.get("/api/v1/slots?service=erstantrag&staff=abraun&days=1", headers=auth)
    assert response.status_code == 200
    body = response.get_json()
    assert body["slots"][0]["time"] == "08:30" and body["caseworkers"] == [{"username": "abraun",
                                                                            "name": "Anna Braun"}]
    book(client, auth, starts_at=f"{MONDAY}T08:30:00+01:00")
    after = client.get("/api/v1/slots?service=erstantrag&staff=abraun&days=1", headers=auth).get_json()
    assert after["slots"][0]["time"] == "09:00"
    by_letter = client.get("/api/v1/slots?service=erstantrag&initial=K&days=2", headers=auth).get_json()
    assert {s["staff"] for s in by_letter["slots"]} == {"hkoch"}
    assert by_letter["caseworkers"][0]["username"] == "hkoch"


@pytest.mark.parametrize("query", ["", "service=nope", "service=erstantrag&days=0", "service=erstantrag&days=x",
                                   "service=erstantrag&days=400", "service=erstantrag&staff=nobody",
                                   "service=erstantrag&initial=7", "service=erstantrag&step=1",
                                   "service=erstantrag&duration_min=-3", "service=erstantrag&limit=0"])
def test_bad_slot_queries(client, auth, query):
    response = client.get(f"/api/v1/slots?{query}", headers=auth)
    assert response.status_code == 422, query
    assert response.get_json()["error"]["message"]


def test_call_next_and_every_ticket_action(client, auth, engine, clock):
    assert client.post("/api/v1/desks/210/call-next", headers=auth).status_code == 204
    booked = book(client, auth).get_json()  # 09:00 with abraun
    walk_in = engine.walk_in("notfall").ticket
    response = client.post("/api/v1/desks/210/call-next", headers=auth)
    assert response.status_code == 200
    ticket = response.get_json()["ticket"]
    assert ticket["number"] == walk_in.number and ticket["room"] == "Zimmer 210"
    assert ticket["reason"]["code"] == "walk_in_fits" and ticket["reason"]["fits_before"] == "09:00"
    assert "09:00" in ticket["reason"]["text"]
    busy = client.post("/api/v1/desks/210/call-next", headers=auth)  # double click
    assert busy.status_code == 409 and busy.get_json()["error"]["code"] == "desk_busy"
    tid = ticket["id"]
    assert client.post(f"/api/v1/tickets/{tid}/recall", headers=auth).get_json()["ticket"]["recalls"] == 1
    assert client.post(f"/api/v1/tickets/{tid}/start", headers=auth).get_json()["ticket"]["state"] == "serving"
    bad = client.post(f"/api/v1/tickets/{tid}/finish", json={"outcome": "weg"}, headers=auth)
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "outcome"
    assert client.post(f"/api/v1/tickets/{tid}/finish", json={"outcome": 3}, headers=auth).status_code == 422
    done = client.post(f"/api/v1/tickets/{tid}/finish", json={"outcome": "by_post"}, headers=auth)
    assert done.get_json()["ticket"]["outcome"] == "by_post"
    assert client.post(f"/api/v1/tickets/{tid}/finish", headers=auth).status_code == 409
    # the appointment arrives: due at 08:50
    checked = engine.check_in(booked["code"]).ticket
    clock.advance(minutes=25)
    due = client.post("/api/v1/desks/210/call-next", headers=auth).get_json()["ticket"]
    assert due["id"] == checked.id and due["reason"]["code"] == "appointment_due"
    assert due["reason"]["text"].startswith("Termin 09:00")
    assert client.post(f"/api/v1/tickets/{due['id']}/no-show", headers=auth).get_json()["ticket"]["state"] == \
        "no_show"
    assert client.post(f"/api/v1/tickets/{due['id']}/requeue", headers=auth).get_json()["ticket"]["state"] == \
        "waiting"
    moved = client.post(f"/api/v1/tickets/{due['id']}/transfer", json={"staff": "hkoch"}, headers=auth)
    assert moved.status_code == 200 and moved.get_json()["ticket"]["staff"] == "hkoch"
    assert client.post(f"/api/v1/tickets/{due['id']}/transfer", json={}, headers=auth).status_code == 422
    assert client.post(f"/api/v1/tickets/{due['id']}/transfer", json={"service": "nope"},
                       headers=auth).status_code == 422
    # override: call a specific number, with a reason
    no_reason = client.post(f"/api/v1/tickets/{due['id']}/call", json={"desk": "210"}, headers=auth)
    assert no_reason.status_code == 422 and no_reason.get_json()["error"]["field"] == "note"
    called = client.post(f"/api/v1/tickets/{due['id']}/call", json={"desk": "210", "note": "Rückfrage"},
                         headers=auth)
    assert called.status_code == 200 and called.get_json()["ticket"]["reason"]["code"] == "override"
    assert client.post(f"/api/v1/tickets/{due['id']}/requeue", headers=auth).status_code == 200
    assert client.post(f"/api/v1/tickets/{due['id']}/cancel", headers=auth).get_json()["ticket"]["state"] == \
        "cancelled"


def test_pause_and_resume(client, auth, engine):
    engine.walk_in("notfall")
    assert client.post("/api/v1/desks/210/pause", headers=auth).status_code == 200
    paused = client.post("/api/v1/desks/210/call-next", headers=auth)
    assert paused.status_code == 409 and paused.get_json()["error"]["code"] == "desk_paused"
    assert client.post("/api/v1/desks/210/pause", headers=auth).status_code == 409
    assert client.post("/api/v1/desks/210/resume", headers=auth).status_code == 200
    assert client.post("/api/v1/desks/210/call-next", headers=auth).status_code == 200


@pytest.mark.parametrize("method, path, body, status", [
    ("POST", "/api/v1/desks/999/call-next", None, 422),
    ("POST", "/api/v1/desks/" + "9" * 100 + "/call-next", None, 422),
    ("POST", "/api/v1/tickets/999/recall", None, 404),
    ("POST", "/api/v1/tickets/1/fly", None, 422),
    ("POST", "/api/v1/tickets/1/recall", b"{broken", 400),
    ("POST", "/api/v1/tickets/abc/recall", None, 404),
    ("GET", "/api/v1/desks/999/state", None, 422),
    ("GET", "/api/v1/appointments/999", None, 404),
    ("DELETE", "/api/v1/appointments", None, 405),
    ("POST", "/api/v1/tickets/99999999999999999999/recall", None, 404),
    ("POST", "/api/v1/appointments/99999999999999999999/cancel", None, 404),
    ("POST", "/api/v1/appointments/99999999999999999999/by-post", None, 404),
    ("GET", "/api/v1/appointments/99999999999999999999", None, 404),
    ("POST", "/api/v1/appointments", b'{"name": "A", "service": "erstantrag", "starts_at": "2999-12-31T09:00"}', 422),
    ("GET", "/api/v1/slots?service=erstantrag&initial=%C3%84%C3%84", None, 200),
])
def test_bad_calls_are_4xx(client, auth, method, path, body, status):
    kwargs = {"data": body, "content_type": "application/json"} if body is not None else {}
    response = client.open(path, method=method, headers=auth, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)
    if status >= 400:
        assert response.get_json()["error"]["code"]


def test_admin_without_caseworker_entry_gets_a_clear_refusal(app, client):
    token = make_token(app, "leitung", role="admin")
    response = client.post("/api/v1/desks/210/call-next", headers=bearer(token))
    assert response.status_code == 422 and response.get_json()["error"]["field"] == "staff"


def test_desk_state(client, auth, engine):
    book(client, auth)
    engine.walk_in("notfall")
    state = client.get("/api/v1/desks/210/state", headers=auth).get_json()
    assert state["room"] == "Zimmer 210" and state["current"] is None
    assert [t["kind"] for t in state["waiting"]] == ["walk_in"]
    assert state["appointments"][0]["time"] == "09:00" and "name" not in state["appointments"][0]
    client.post("/api/v1/desks/210/call-next", headers=auth)
    state = client.get("/api/v1/desks/210/state", headers=auth).get_json()
    assert state["current"]["reason"]["code"] == "walk_in_fits" and state["waiting"] == []


def test_an_admin_token_may_call_on_behalf_of_a_caseworker_but_staff_may_not(app, client, engine):
    engine.add_staff("leitung", name="Leitung", role="admin", password="lange-geheim")
    engine.add_staff("hkoch", name="Hakan Koch", role="staff", password="lange-geheim")
    admin = {"Authorization": "Bearer " + engine.create_token("leitung")}
    staff = {"Authorization": "Bearer " + engine.create_token("hkoch")}
    engine.walk_in("notfall", initial="K")
    refused = client.post("/api/v1/desks/210/call-next", json={"staff": "abraun"}, headers=staff)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"
    called = client.post("/api/v1/desks/211/call-next", json={"staff": "hkoch"}, headers=admin)
    assert called.status_code == 200 and called.get_json()["ticket"]["number"] == "W 001"
    assert engine.ticket(called.get_json()["ticket"]["id"]).state == "called"
    unknown = client.post("/api/v1/desks/214/call-next", json={"staff": "niemand"}, headers=admin)
    assert unknown.status_code == 422


def test_an_admin_token_may_call_a_specific_ticket_for_a_caseworker(app, client, engine):
    engine.add_staff("leitung", name="Leitung", role="admin", password="lange-geheim")
    admin = {"Authorization": "Bearer " + engine.create_token("leitung")}
    ticket = engine.walk_in("notfall", initial="K").ticket
    called = client.post(f"/api/v1/tickets/{ticket.id}/call", headers=admin,
                         json={"desk": "211", "staff": "hkoch", "note": "Rollstuhl, vorgezogen"})
    assert called.status_code == 200 and called.get_json()["ticket"]["number"] == ticket.number
    assert engine.ticket(ticket.id).desk == "211"
