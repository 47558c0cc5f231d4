""""No visit needed — documents by post": from the phone booking page and the staff API."""
from __future__ import annotations

import json
from html import unescape

import pytest

from conftest import assert_accessible
from queue_core import connect
from test_desk_support import bearer, make_token, sign_in


def recorded(app) -> list[dict]:
    db = connect(app.config["DATABASE"])
    try:
        found = [dict(zip(("id", "state", "service", "staff", "name", "documents", "duration_min", "booked_by"), row))
                 for row in db.execute("SELECT id, state, service, staff, name, documents, duration_min, booked_by"
                                       " FROM appointments ORDER BY id")]
        events = [(kind, json.loads(data)) for kind, data in
                  db.execute("SELECT kind, data FROM events WHERE kind = 'no_visit_needed'")]
        return found, events
    finally:
        db.close()


@pytest.fixture
def token(app):
    return make_token(app, "abraun")


def test_the_api_records_a_call_that_needs_no_visit(app, client, token):
    response = client.post("/api/v1/appointments/no-visit", headers=bearer(token), json={
        "name": "Petersen, Jan", "service": "unterlagen", "concern": "Kontoauszüge nachreichen",
        "documents": ["Kontoauszüge der letzten 3 Monate"]})
    assert response.status_code == 201
    body = response.get_json()
    assert body["appointment"]["state"] == "by_post" and body["appointment"]["staff"] == "pschulz"  # P → P–Z
    assert body["appointment"]["documents"] == ["Kontoauszüge der letzten 3 Monate"]
    rows, events = recorded(app)
    assert rows == [{"id": body["id"], "state": "by_post", "service": "unterlagen", "staff": "pschulz",
                     "name": "Petersen, Jan", "documents": '["Kontoauszüge der letzten 3 Monate"]',
                     "duration_min": 0, "booked_by": "abraun"}]
    assert [data for _kind, data in events] == [{"service": "unterlagen", "staff": "pschulz"}]  # no personal data


def test_a_chosen_caseworker_is_kept_and_the_name_is_optional(app, client, token):
    response = client.post("/api/v1/appointments/no-visit", headers=bearer(token),
                           json={"service": "weiterbewilligung", "staff": "hkoch"})
    assert response.status_code == 201 and response.get_json()["appointment"]["staff"] == "hkoch"


@pytest.mark.parametrize("body, field", [
    ({}, "service"),
    ({"service": "gibtsnicht"}, "service"),
    ({"service": "unterlagen", "staff": "niemand"}, "staff"),
    ({"service": "unterlagen", "documents": "Mietvertrag"}, "documents"),
    ({"service": "unterlagen", "documents": [""]}, "documents"),
    ({"service": "unterlagen", "name": "x" * 201}, "name"),
    ({"service": "unterlagen", "name": 5}, "name"),
])
def test_bad_input_is_422_and_records_nothing(app, client, token, body, field):
    response = client.post("/api/v1/appointments/no-visit", headers=bearer(token), json=body)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["field"] == field
    assert recorded(app) == ([], [])


def test_the_api_needs_staff_and_json(app, client, token):
    assert client.post("/api/v1/appointments/no-visit", json={"service": "unterlagen"}).status_code == 401
    assert client.post("/api/v1/appointments/no-visit", headers=bearer(token), data="x").status_code == 400
    assert recorded(app) == ([], [])


def test_the_booking_page_records_no_visit_without_a_slot(app, client):
    from test_desk_support import make_staff

    make_staff(app, "abraun")
    csrf = sign_in(client, "abraun")
    page = unescape(client.get("/desk/booking").get_data(as_text=True))
    assert 'id="no-visit"' in page and "Kein Besuch nötig – Unterlagen per Post" in page
    response = client.post("/desk/booking/no-visit", data={
        "csrf_token": csrf, "name": "Albers, Jana", "service": "erstantrag", "staff": "",
        "concern": "Erstantrag, Unterlagen fehlen", "documents": ["Mietvertrag"], "documents_other": "Meldebescheinigung"})
    assert response.status_code == 302 and "no_visit=" in response.headers["Location"]
    shown = unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert 'id="no-visit-recorded"' in shown and "Anna Braun" in shown and "Meldebescheinigung" in shown
    rows, _events = recorded(app)
    assert [(r["state"], r["staff"], r["name"]) for r in rows] == [("by_post", "abraun", "Albers, Jana")]
    assert json.loads(rows[0]["documents"]) == ["Mietvertrag", "Meldebescheinigung"]


def test_the_booking_page_keeps_the_input_when_refused(app, client):
    from test_desk_support import make_staff

    make_staff(app, "abraun")
    csrf = sign_in(client, "abraun")
    response = client.post("/desk/booking/no-visit", data={
        "csrf_token": csrf, "name": "Albers, Jana", "service": "erstantrag", "staff": "niemand",
        "concern": "Rückfrage", "documents": ["Mietvertrag"]})
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 422 and 'id="booking-error"' in page
    assert 'value="Albers, Jana"' in page and 'value="Rückfrage"' in page
    assert 'value="Mietvertrag" checked' in page
    assert client.post("/desk/booking/no-visit", data={"service": "erstantrag"}).status_code == 400  # no CSRF
    assert recorded(app) == ([], [])
    # a recorded id that is not a by-post record shows nothing
    assert 'id="no-visit-recorded"' not in client.get("/desk/booking?no_visit=99999999").get_data(as_text=True)


def test_in_a_browser_the_button_records_without_choosing_a_slot(live_server, browser, artifacts, tmp_path):
    from conftest import add_account, sign_in

    server = live_server()
    add_account(tmp_path / "live.db", "telefon")
    context = browser.new_context(locale="de-DE")
    try:
        page = context.new_page()
        sign_in(page, server.url, "telefon", "/desk/booking")
        page.fill("#name", "Hansen, Ole")
        page.select_option("#service", "weiterbewilligung")
        page.get_by_label("Mietvertrag").check()
        page.click("#no-visit")  # no slot chosen: the booking check must not stop this button
        page.wait_for_selector("#no-visit-recorded")
        assert_accessible(page, "booking after no visit")
        text = page.inner_text("#no-visit-recorded")
        assert "Weiterbewilligung" in text and "Hakan Koch" in text and "Mietvertrag" in text  # H → H–O
        page.screenshot(path=str(artifacts / "booking-no-visit.png"), full_page=True)
    finally:
        context.close()
    db = connect(tmp_path / "live.db")
    try:
        assert db.execute("SELECT state, staff FROM appointments").fetchall() == [("by_post", "hkoch")]
    finally:
        db.close()
