"""One declaration per body: the staff API and the booking form read a booking through the same
pydantic model (web.schemas.Booking), and the duration's range is one constant everywhere."""
from __future__ import annotations

from queue_core.models import APPOINTMENT_MINUTES
from test_desk_pages import booking_form, csrf  # noqa: F401  (the fixture)
from test_desk_support import bearer, make_token

LOW, HIGH = APPOINTMENT_MINUTES
START = "2026-11-23T09:00:00+01:00"


def test_the_api_and_the_form_refuse_the_same_durations(app, client, csrf):  # noqa: F811
    auth = bearer(make_token(app, "abraun"))
    body = {"name": "Albers, Jana", "starts_at": START, "service": "erstantrag", "staff": "abraun"}
    for minutes in (LOW - 1, HIGH + 1, True):
        answer = client.post("/api/v1/appointments", json={**body, "duration_min": minutes}, headers=auth)
        assert answer.status_code == 422 and answer.get_json()["error"]["field"] == "duration_min", minutes
    for minutes in (str(LOW - 1), str(HIGH + 1), "lang"):
        page = client.post("/desk/booking", data=booking_form(csrf, duration_min=minutes))
        assert page.status_code == 422 and "duration_min" in page.get_data(as_text=True), minutes
    slots = client.get(f"/api/v1/slots?service=erstantrag&duration_min={HIGH + 1}", headers=auth)
    assert slots.status_code == 422 and slots.get_json()["error"]["field"] == "duration_min"
    # both read texts stripped and an empty field as not given
    booked = client.post("/api/v1/appointments", headers=auth,
                         json={**body, "name": "  Albers, Jana ", "duration_min": "", "phone": "  "})
    assert booked.status_code == 201
    appointment = booked.get_json()["appointment"]
    assert appointment["name"] == "Albers, Jana" and appointment["phone"] is None
    assert client.post("/desk/booking", data=booking_form(csrf, starts_at="2026-11-23T11:00:00+01:00",
                                                          duration_min=str(HIGH // 8))).status_code == 302


def test_the_documented_body_is_the_validating_one(app):
    from web.openapi import document

    with app.test_request_context():
        schemas = document(app)["components"]["schemas"]
    minutes = schemas["Booking"]["properties"]["duration_min"]["anyOf"][0]
    assert (minutes["minimum"], minutes["maximum"]) == APPOINTMENT_MINUTES
    assert schemas["Booking"]["properties"]["name"]["minLength"] == 1
