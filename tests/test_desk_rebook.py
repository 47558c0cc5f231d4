"""Cancel and rebook in one step: a caller moves their appointment; the code and details stay."""
from datetime import datetime, timezone

from test_desk_support import bearer, csrf_from, make_staff, make_token, sign_in

# The conftest clock stands at Monday 2026-11-23 08:30 in Berlin (07:30 UTC).
TEN = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)          # 10:00 Berlin
TUESDAY_NINE = "2026-11-24T09:00:00+01:00"


def test_the_desk_rebooks_an_appointment_to_a_free_slot_and_prints_the_slip(app, client, engine):
    booked = engine.book_appointment(service="erstantrag", starts_at=TEN, staff="abraun", name="Jana Albers")
    make_staff(app, "telefon")
    sign_in(client, "telefon")
    page = client.get(f"/desk/appointments/{booked.id}/rebook")
    assert page.status_code == 200 and "Jana Albers" in page.text
    response = client.post(f"/desk/appointments/{booked.id}/rebook",
                           data={"csrf_token": csrf_from(page.text), "starts_at": TUESDAY_NINE, "staff": "hkoch"})
    assert response.status_code == 302 and f"/desk/appointments/{booked.id}/slip" in response.location
    moved = engine.appointment(booked.id)
    assert moved.code == booked.code and moved.staff == "hkoch"
    assert moved.starts_at == datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc)
    listing = client.get("/desk/appointments?date=2026-11-24").text
    assert "Umbuchen" in listing and "Jana Albers" in listing


def test_a_refused_rebooking_says_why_and_changes_nothing(app, client, engine):
    booked = engine.book_appointment(service="erstantrag", starts_at=TEN, staff="abraun")
    make_staff(app, "telefon")
    sign_in(client, "telefon")
    token = csrf_from(client.get(f"/desk/appointments/{booked.id}/rebook").text)
    lunch = client.post(f"/desk/appointments/{booked.id}/rebook",
                        data={"csrf_token": token, "starts_at": "2026-11-23T13:00:00+01:00"})
    assert lunch.status_code == 422 and "office hours" in lunch.text
    garbage = client.post(f"/desk/appointments/{booked.id}/rebook", data={"csrf_token": token, "starts_at": "bald"})
    assert garbage.status_code == 422
    assert engine.appointment(booked.id).starts_at == TEN
    engine.cancel_appointment(booked.id)
    assert client.get(f"/desk/appointments/{booked.id}/rebook").status_code == 404


def test_the_api_rebooks_and_refuses_bad_input_as_json(app, client, engine):
    booked = engine.book_appointment(service="erstantrag", starts_at=TEN, staff="abraun")
    headers = bearer(make_token(app, "telefon"))
    moved = client.post(f"/api/v1/appointments/{booked.id}/rebook", json={"starts_at": TUESDAY_NINE},
                        headers=headers)
    assert moved.status_code == 200 and moved.get_json()["appointment"]["code"] == booked.code
    for body, status in (({"starts_at": "gestern"}, 422), ({}, 422), (["x"], 400)):
        refused = client.post(f"/api/v1/appointments/{booked.id}/rebook", json=body, headers=headers)
        assert refused.status_code == status and "error" in refused.get_json()
    assert client.post("/api/v1/appointments/999/rebook", json={"starts_at": TUESDAY_NINE},
                       headers=headers).status_code == 404
    assert client.post(f"/api/v1/appointments/{booked.id}/rebook", json={"starts_at": TUESDAY_NINE}).status_code == 401
