"""Needs through the surfaces: desk capabilities in /admin, booking, the kiosk's last step, the desk's
reason — and never on a public page or payload."""
from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import MONDAY_0830, office_mapping
from test_desk_support import bearer, make_staff, make_token, sign_in
from web.engine import open_engine


@pytest.fixture
def admin(app, client):
    make_staff(app, "leitung", role="admin")
    return sign_in(client, "leitung", desk=None)


def give_desk_210(client, csrf: str, *capabilities: str) -> None:
    desks = office_mapping()["desks"]
    data = {"csrf_token": csrf, "desks-rows": str(len(desks))}
    for i, desk in enumerate(desks):
        data.update({f"desks-{i}-{k}": desk.get(k, "") for k in ("key", "room", "zone")})
        if desk["key"] == "210":
            data.update({f"desks-{i}-{c}": "1" for c in capabilities})
    assert client.post("/admin/settings/desks", data=data).status_code == 302


def test_admin_gives_a_desk_capabilities(app, client, admin):
    give_desk_210(client, admin, "barrier_free", "quiet_room")
    page = client.get("/admin/").get_data(as_text=True)
    assert 'name="desks-0-barrier_free" value="1" checked' in page
    assert 'name="desks-0-companion" value="1" checked' not in page
    with app.app_context():
        engine = open_engine(app)
        assert engine.office.desks["210"].capabilities == {"barrier_free", "quiet_room"}
        engine.db.close()


def test_booked_needs_route_the_call_and_the_reason_says_so(app, client, admin):
    give_desk_210(client, admin, "barrier_free")
    form = client.get("/desk/booking").get_data(as_text=True)
    assert 'value="barrier_free"' in form and 'value="quiet_room"' not in form  # only what a desk offers
    booked = client.post("/desk/booking", data={
        "csrf_token": admin, "name": "Erika Berg", "service": "erstantrag", "staff": "abraun",
        "starts_at": (MONDAY_0830 + timedelta(minutes=30)).isoformat(), "needs": ["barrier_free", "interpreter"],
        "interpreter": "Arabisch"})
    assert booked.status_code == 302, booked.get_data(as_text=True)
    token = make_token(app, "abraun")
    appointment = client.get("/api/v1/appointments?date=2026-11-23", headers=bearer(token)).get_json()
    [entry] = appointment["appointments"]
    assert entry["needs_text"] == "Dolmetschen: Arabisch, barrierefreier Raum"

    kiosk = app.test_client()
    ticket = kiosk.post("/api/v1/check-in", json={"code": entry["code"]}).get_json()["ticket"]
    public = kiosk.get(f"/api/v1/tickets/{ticket['token']}").get_data(as_text=True)
    board = kiosk.get("/api/v1/board").get_data(as_text=True)
    for text in (str(ticket), public, board):
        assert "Arabisch" not in text and "barrier" not in text and "needs" not in text

    assert client.post("/api/v1/desks/211/call-next", headers=bearer(token)).status_code == 204
    called = client.post("/api/v1/desks/210/call-next", headers=bearer(token)).get_json()["ticket"]
    assert called["number"] == ticket["number"]
    assert "Bedarf: Dolmetschen: Arabisch, barrierefreier Raum – dieser Platz passt" in called["reason"]["text"]


def test_a_need_no_desk_offers_is_refused_at_booking(app, client, admin):
    refused = client.post("/desk/booking", data={
        "csrf_token": admin, "name": "Erika Berg", "service": "erstantrag", "staff": "abraun",
        "starts_at": (MONDAY_0830 + timedelta(minutes=30)).isoformat(), "needs": ["quiet_room"]})
    assert refused.status_code == 422 and "quiet_room" in refused.get_data(as_text=True)


def test_the_kiosk_asks_in_plain_words_as_the_last_step(app, client, admin):
    give_desk_210(client, admin, "barrier_free")
    kiosk = app.test_client()
    step = kiosk.post("/ohne-termin?lang=tr", data={"service": "notfall", "initial": "B", "request_id": "r1"})
    page = step.get_data(as_text=True)
    assert step.status_code == 200 and "Ziyaretiniz için bir şeye ihtiyacınız var mı?" in page
    assert "Basamaksız bir oda" in page and "Bir tercüman (Türkçe)" in page and "Sessiz bir oda" not in page
    assert '<svg class="icon"' in page
    done = kiosk.post("/ohne-termin", data={"service": "notfall", "initial": "B", "request_id": "r1",
                                            "needs_step": "1", "needs": ["barrier_free", "interpreter"]})
    assert done.status_code == 302 and "/ticket/" in done.headers["Location"]
    ticket_page = kiosk.get(done.headers["Location"]).get_data(as_text=True)
    assert "Basamaksız" not in ticket_page and "Türkisch" not in ticket_page
    with app.app_context():
        engine = open_engine(app)
        row = engine.db.execute("SELECT needs, interpreter, initial FROM tickets").fetchone()
        engine.db.close()
    assert row == ("barrier_free", "Türkisch", "B")


def test_without_anything_to_offer_the_kiosk_asks_nothing(client):
    done = client.post("/ohne-termin", data={"service": "notfall", "request_id": "r2"})
    assert done.status_code == 302 and "/ticket/" in done.headers["Location"]
