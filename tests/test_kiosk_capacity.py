"""The day's walk-in capacity used up: the kiosk refuses kindly (hours, phone) and the API says why."""
from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import DEMO_CONFIG, MONDAY_0830, office_mapping
from queue_core import Engine, Office, connect
from terminpraxis import create_app

# One caseworker for the one walk-in service; Monday 08:00–12:00 (walk-in cutoff 11:30).
ONE_CASEWORKER = dict(
    hours={"mon": ["08:00-12:00"]},
    staff=[{"username": "solo", "name": "Sol O", "services": ["erstantrag"]}],
    services=[{"key": "erstantrag", "name": "Erstantrag", "prefix": "E", "minutes": 30}],
)


@pytest.fixture
def full_day(db_path, clock):
    """An app and an engine on one database; 08:30–12:00 fully booked with 30-minute appointments."""
    mapping = office_mapping(**ONE_CASEWORKER)
    app = create_app({"TESTING": True, "DATABASE": str(db_path), "ASYNC_MODE": "threading",
                      "CONFIG": str(DEMO_CONFIG), "OFFICE": mapping, "CLOCK": clock, "SECRET_KEY": "test"})
    engine = Engine(connect(db_path), Office.from_mapping(mapping), clock)
    start = MONDAY_0830
    while start < MONDAY_0830 + timedelta(hours=3, minutes=30):
        engine.book_appointment(service="erstantrag", starts_at=start, staff="solo")
        start += timedelta(minutes=30)
    yield app, engine
    engine.db.close()


def test_the_kiosk_refuses_with_hours_and_phone_when_capacity_is_used_up(full_day):
    app, engine = full_day
    client = app.test_client()
    response = client.post("/ohne-termin", data={"service": "erstantrag", "request_id": "full-1"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'data-reason="capacity"' in page
    assert "Die Zeit für Besuche ohne Termin ist heute ausgeschöpft." in page
    assert "Öffnungszeiten" in page and "Montag" in page and "08:00–12:00" in page
    assert "0461 85-0000" in page
    assert "/ticket/" not in page  # no number
    assert engine.db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 0
    # The same refusal in the visitor's language.
    page = client.post("/ohne-termin?lang=uk", data={"service": "erstantrag"}).get_data(as_text=True)
    assert "Час для відвідувачів без запису на сьогодні вичерпано." in page and "понеділок" in page.lower()


def test_the_api_answers_409_intake_closed_capacity(full_day):
    app, engine = full_day
    response = app.test_client().post("/api/v1/check-in", json={"walk_in": {"service": "erstantrag"},
                                                                "request_id": "full-2"})
    assert response.status_code == 409
    error = response.json["error"]
    assert error["code"] == "intake_closed" and error["reason"] == "capacity"
    assert error["phone"] == "0461 85-0000" and error["hours"]["mon"] == ["08:00-12:00"]
    assert set(error) >= {"code", "message", "reason", "hours", "phone", "next_opening"}
    # The stop is recorded once for the office's evaluation, however often it is refused.
    app.test_client().post("/api/v1/check-in", json={"walk_in": {"service": "erstantrag"}})
    stops = engine.db.execute("SELECT data FROM events WHERE kind = 'intake_stopped'").fetchall()
    assert len(stops) == 1 and '"capacity"' in stops[0][0]


def test_with_one_free_slot_left_the_walk_in_gets_a_number(db_path, clock):
    """The control: the same office with two appointments fewer still takes a walk-in.

    One free half hour is not enough for a 30-minute visit: nine of ten of them must end before
    the next appointment, and a 30-minute service often runs longer.
    """
    mapping = office_mapping(**ONE_CASEWORKER)
    app = create_app({"TESTING": True, "DATABASE": str(db_path), "ASYNC_MODE": "threading",
                      "CONFIG": str(DEMO_CONFIG), "OFFICE": mapping, "CLOCK": clock, "SECRET_KEY": "test"})
    engine = Engine(connect(db_path), Office.from_mapping(mapping), clock)
    try:
        for half_hours in range(2, 7):  # 09:30 … 11:30 booked, 08:30–09:30 free
            engine.book_appointment(service="erstantrag", starts_at=MONDAY_0830 + timedelta(minutes=30 * half_hours),
                                    staff="solo")
    finally:
        engine.db.close()
    response = app.test_client().post("/api/v1/check-in", json={"walk_in": {"service": "erstantrag"}})
    assert response.status_code == 201 and response.json["ticket"]["number"] == "E 001"
