"""Staff pages through the test client: desk, phone booking, slip, .ics, appointments list."""
from __future__ import annotations

import re

import pytest
from icalendar import Calendar

from test_desk_support import make_staff, sign_in

START = "2026-11-23T09:00:00+01:00"


@pytest.fixture
def csrf(app, client):
    make_staff(app, "abraun")
    return sign_in(client, "abraun")


def booking_form(csrf, **fields):
    return {"csrf_token": csrf, "name": "Albers, Jana", "service": "erstantrag", "staff": "abraun",
            "starts_at": START, "concern": "Erstantrag Grundsicherung", "notes": "bringt Tochter mit",
            "documents": ["Mietvertrag", "Kontoauszüge der letzten 3 Monate"], "documents_other": "Rentenbescheid",
            **fields}


def test_desk_page(client, csrf, engine):
    page = client.get("/desk").get_data(as_text=True)
    assert 'data-desk="210"' in page and "socket.io.min.js" in page and "Nächste aufrufen" in page
    assert 'aria-keyshortcuts="N"' in page
    client.get("/desk")  # a reload is the same sitting
    taken = engine.db.execute("SELECT desk, actor FROM events WHERE kind = 'desk_staffed'").fetchall()
    assert taken == [("210", "abraun")]  # the reports' staffed time starts when the desk page opens


def test_booking_page_lists_documents_and_caseworkers(client, csrf):
    page = client.get("/desk/booking?name=Koch&service=weiterbewilligung").get_data(as_text=True)
    assert "Heizkostenabrechnung" in page and "Hakan Koch" in page
    assert 'value="weiterbewilligung" data-minutes="20" selected' in page


def test_book_by_phone_gives_slip_and_ics(client, csrf, engine):
    response = client.post("/desk/booking", data=booking_form(csrf))
    assert response.status_code == 302
    slip_url = response.headers["Location"]
    assert re.search(r"/desk/appointments/\d+/slip\?print=1$", slip_url)
    slip = client.get(slip_url).get_data(as_text=True)
    appointment = engine.appointment(int(re.search(r"/appointments/(\d+)/", slip_url).group(1)))
    code = f"{appointment.code[:4]}-{appointment.code[4:]}"
    assert code in slip and "23.11.2026" in slip and "09:00" in slip
    assert 'id="slip-qr" src="data:image/svg+xml' in slip and "Rentenbescheid" in slip and "0461 85-0000" in slip
    assert "bringt Tochter mit" not in slip  # notes are for the caseworker, not the slip
    assert appointment.documents == ["Mietvertrag", "Kontoauszüge der letzten 3 Monate", "Rentenbescheid"]
    ics = client.get(f"/desk/appointments/{appointment.id}.ics")
    assert ics.mimetype == "text/calendar"
    event = next(c for c in Calendar.from_ical(ics.data).walk("VEVENT"))
    assert event.decoded("dtstart").isoformat().startswith("2026-11-23T08:00:00")
    assert code in str(event.get("description")) and "Albers" not in ics.get_data(as_text=True)


@pytest.mark.parametrize("fields, status, text", [
    ({"name": ""}, 422, "name is required"),
    ({"starts_at": ""}, 422, "starts_at"),
    ({"starts_at": "2026-11-23T13:00:00+01:00"}, 422, "office hours"),
    ({"service": "nope"}, 422, "unknown service"),
    ({"duration_min": "zwei"}, 422, "duration_min"),
])
def test_bad_booking_form_is_shown_again(client, csrf, fields, status, text):
    response = client.post("/desk/booking", data=booking_form(csrf, **fields))
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert text in page and 'role="alert"' in page


def test_double_booking_form_is_409(client, csrf):
    assert client.post("/desk/booking", data=booking_form(csrf)).status_code == 302
    again = client.post("/desk/booking", data=booking_form(csrf, name="Becker, Tom"))
    assert again.status_code == 409


def test_booking_form_needs_csrf(client, csrf):
    form = booking_form(csrf)
    del form["csrf_token"]
    assert client.post("/desk/booking", data=form).status_code == 400


def test_appointments_page_and_unknown_slip(client, csrf):
    client.post("/desk/booking", data=booking_form(csrf))
    page = client.get("/desk/appointments?date=2026-11-23").get_data(as_text=True)
    assert "Albers, Jana" in page and 'data-act="by-post"' in page
    assert client.get("/desk/appointments?date=kaputt").status_code == 400
    assert client.get("/desk/appointments/999/slip").status_code == 404
    assert client.get("/desk/appointments/999.ics").status_code == 404
    assert client.get("/desk/appointments/99999999999999999999/slip").status_code == 404
