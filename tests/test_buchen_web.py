"""/buchen and its JSON API over the Flask test client: refusals, limits, and no personal data out."""
from __future__ import annotations

import re

import pytest


@pytest.fixture
def app(db_path, clock):
    from terminpraxis import create_app

    from conftest import DEMO_CONFIG, office_mapping

    return create_app({"TESTING": True, "DATABASE": str(db_path), "ASYNC_MODE": "threading",
                       "CONFIG": str(DEMO_CONFIG), "OFFICE": office_mapping(), "CLOCK": clock, "SECRET_KEY": "t",
                       "ONLINE_BOOKING_LIMIT": "2 per hour", "ONLINE_BY_POST": {"unterlagen": ["Kontoauszüge"]}})


def a_slot(client):
    return client.get("/api/v1/online/slots?service=weiterbewilligung&surname=Muster").get_json()["slots"][0]["value"]


def test_api_books_and_answers_without_the_name(client):
    response = client.post("/api/v1/online/bookings", json={"service": "weiterbewilligung", "slot": a_slot(client),
                                                             "surname": "Muster", "first_name": "Mira"})
    assert response.status_code == 201
    booking = response.get_json()["booking"]
    assert "Muster" not in response.get_data(as_text=True)
    shown = client.get(f"/api/v1/online/bookings/{booking['token']}")
    assert shown.status_code == 200 and "Muster" not in shown.get_data(as_text=True)
    assert client.post(f"/api/v1/online/bookings/{booking['token']}/cancel").get_json()["booking"]["state"] == "cancelled"


@pytest.mark.parametrize("body,status,code", [
    ({"service": "nope", "slot": "x"}, 422, "invalid"),
    ({"service": "weiterbewilligung", "slot": "2026-11-23T09:00:00Z"}, 422, "invalid"),
    ({"service": "weiterbewilligung", "slot": "2030-01-07T09:00:00Z|abraun", "surname": "A"}, 422, "invalid"),
    ({"service": "weiterbewilligung", "slot": ["x"]}, 422, "invalid"),
])
def test_bad_bookings_get_a_clear_json_error(client, body, status, code):
    response = client.post("/api/v1/online/bookings", json=body)
    assert response.status_code == status and response.get_json()["error"]["code"] == code


def test_a_guessed_token_finds_nothing(client):
    assert client.get("/api/v1/online/bookings/not-a-token").status_code == 404
    assert client.get("/buchen/termin/not-a-token").status_code == 404
    assert client.post("/buchen/termin/" + "x" * 500 + "/absagen").status_code == 404


def test_new_bookings_are_limited_per_address_without_a_captcha(client):
    for _ in range(2):
        html = client.get("/buchen/weiterbewilligung?surname=Muster&book=1").get_data(as_text=True)
        slot = re.search(r'name="slot" value="([^"]+)"', html).group(1)
        assert client.post("/buchen/weiterbewilligung", data={"surname": "Muster", "slot": slot}).status_code == 302
    assert client.post("/buchen/weiterbewilligung", data={"surname": "Muster", "slot": slot}).status_code == 429
    limited = client.post("/api/v1/online/bookings", json={"service": "weiterbewilligung", "slot": slot})
    assert limited.status_code == 429 and limited.get_json()["error"]["code"] == "rate_limited"


def test_triage_by_api_counts_as_a_visit_avoided_online(client):
    assert client.post("/api/v1/online/no-visit", json={"service": "weiterbewilligung"}).status_code == 422
    response = client.post("/api/v1/online/no-visit", json={"service": "unterlagen"})
    assert response.status_code == 201 and response.get_json()["documents"] == ["Kontoauszüge"]
    services = client.get("/api/v1/online/services").get_json()["services"]
    assert next(s for s in services if s["key"] == "unterlagen")["by_post"]["documents"] == ["Kontoauszüge"]


def test_contact_without_consent_shows_the_form_again_with_the_reason(client):
    html = client.get("/buchen/weiterbewilligung?surname=Muster&book=1&lang=en").get_data(as_text=True)
    slot = re.search(r'name="slot" value="([^"]+)"', html).group(1)
    response = client.post("/buchen/weiterbewilligung", data={"surname": "Muster", "slot": slot, "email": "m@example.org"})
    assert response.status_code == 422 and "we need your consent" in response.get_data(as_text=True)


def test_staff_see_which_bookings_came_online(app, client):
    from test_desk_support import make_staff, sign_in

    client.post("/api/v1/online/bookings", json={"service": "weiterbewilligung", "slot": a_slot(client),
                                                 "surname": "Muster"})
    make_staff(app, "abraun")
    staff = app.test_client()
    sign_in(staff, "abraun")
    html = staff.get("/desk/appointments").get_data(as_text=True)
    assert html.count('class="online-booked"') == 1


def test_every_visitor_text_of_booking_public_is_translated_in_all_six_languages():
    from pathlib import Path

    from babel.messages.pofile import read_po

    folder = Path(__file__).resolve().parent.parent / "booking_public" / "translations"
    wanted = {m.id for m in read_po((folder / "messages.pot").open("rb")) if m.id}
    for lang in ("de", "en", "da", "tr", "ar", "uk"):
        catalogue = read_po((folder / lang / "LC_MESSAGES" / "messages.po").open("rb"))
        done = {m.id for m in catalogue if m.id and m.string and not m.fuzzy}
        assert wanted <= done, f"{lang} lacks {sorted(wanted - done)[:3]}"


def test_the_link_moves_the_appointment_to_another_free_slot(client):
    first = a_slot(client)
    booking = client.post("/api/v1/online/bookings", json={"service": "weiterbewilligung", "slot": first,
                                                           "surname": "Muster"}).get_json()["booking"]
    page = client.get(f"/buchen/termin/{booking['token']}/verlegen").get_data(as_text=True)
    later = re.findall(r'name="slot" value="([^"]+)"', page)[3]
    assert first not in page  # its own time is taken by itself
    assert client.post(f"/buchen/termin/{booking['token']}/verlegen", data={"slot": "nonsense"}).status_code == 422
    moved = client.post(f"/buchen/termin/{booking['token']}/verlegen", data={"slot": later})
    assert moved.status_code == 302
    shown = client.get(f"/api/v1/online/bookings/{booking['token']}").get_json()["booking"]
    assert shown["code"] == booking["code"] and shown["starts_at"] != booking["starts_at"]
    offered = a_slot_list(client)
    assert first in offered and later not in offered


def a_slot_list(client):
    return [s["value"] for s in
            client.get("/api/v1/online/slots?service=weiterbewilligung&surname=Muster").get_json()["slots"]]


def test_a_phone_booking_with_consented_contact_queues_a_confirmation_and_gets_a_link(app, client):
    from test_desk_support import bearer, make_token

    from queue_core import connect, outbox

    token = make_token(app, "abraun")
    slot = a_slot(client)
    body = {"service": "weiterbewilligung", "starts_at": slot.split("|")[0].replace("Z", "+00:00"),
            "staff": slot.split("|")[1], "name": "Muster, Mira", "email": "mira@example.org"}
    refused = client.post("/api/v1/appointments", json=body, headers=bearer(token))
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "consent"
    booked = client.post("/api/v1/appointments", json={**body, "consent": True}, headers=bearer(token))
    assert booked.status_code == 201
    db = connect(app.config["DATABASE"])
    try:
        assert outbox.counts(db)["pending"] == 1
        assert db.execute("SELECT online FROM appointment_contacts").fetchone() == (0,)
    finally:
        db.close()


def test_lone_surrogates_are_refused_not_a_500(client):
    slot = a_slot(client)
    for extra in ('"surname": "\\ud800"', '"surname": "M", "email": "\\ud800@example.org", "consent": true'):
        response = client.post("/api/v1/online/bookings", content_type="application/json",
                               data='{"service": "weiterbewilligung", "slot": "%s", %s}' % (slot, extra))
        # The strict JSON parser (web.api) refuses the whole body before any field is read.
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"


def test_the_report_counts_the_online_triage_apart_from_the_phone(app, client):
    from test_desk_support import make_staff, sign_in

    client.post("/api/v1/online/no-visit", json={"service": "unterlagen"})
    make_staff(app, "leitung", role="admin")
    admin = app.test_client()
    sign_in(admin, "leitung")
    html = admin.get("/reports?from=2026-11-23&to=2026-11-23").get_data(as_text=True)
    assert re.search(r'<span id="online-triage">[^<]*\(online\) 1</span>', html)
    assert re.search(r"kein Besuch nötig \(Telefon\)\s*0", html)


def test_a_surname_in_another_script_is_asked_for_in_latin_letters(client):
    page = client.get("/buchen/weiterbewilligung", query_string={"surname": "حداد", "book": "1", "lang": "ar"})
    assert page.status_code == 422 and 'id="latin"' in page.get_data(as_text=True)
    assert client.get("/buchen/weiterbewilligung", query_string={"surname": "Ğül", "book": "1"}).status_code == 200
    slot = a_slot(client)
    refused = client.post("/buchen/weiterbewilligung", data={"surname": "Шевченко", "slot": slot})
    assert refused.status_code == 422 and 'id="latin"' in refused.get_data(as_text=True)


def test_a_slot_of_a_caseworker_not_responsible_for_the_surname_is_refused(client):
    other = client.get("/api/v1/online/slots?service=weiterbewilligung&surname=Albers").get_json()["slots"][0]
    refused = client.post("/api/v1/online/bookings", json={"service": "weiterbewilligung", "slot": other["value"],
                                                            "surname": "Muster"})
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "slot"
