"""One estimate everywhere: kiosk API, ticket page, phone page, status API, board and desk say the
same for the same situation, and the board never says 0 while walk-ins wait and nobody is free."""
from __future__ import annotations

from datetime import timedelta

import pytest

from queue_core import Engine, Office, connect
from queue_core.estimate import walk_in_outlook
from test_desk_support import bearer, make_token

from conftest import office_mapping


@pytest.fixture
def busy(app, db_path, clock):
    """All three caseworkers in long visits that began an hour ago; three walk-ins waiting."""
    engine = Engine(connect(db_path), Office.from_mapping(office_mapping()), clock)
    for desk, staff, initial in (("210", "abraun", "B"), ("211", "hkoch", "K"), ("214", "pschulz", "S")):
        engine.walk_in("notfall", initial=initial)
        engine.start(engine.call_next(desk, staff).ticket.id)
    clock.advance(minutes=60)
    for initial in ("C", "L", "T"):
        engine.walk_in("notfall", initial=initial)
    yield engine
    engine.db.close()


def test_the_board_is_never_zero_while_walk_ins_wait_and_nobody_is_free(client, busy):
    board = client.get("/api/v1/board").get_json()
    assert board["waiting"]["walk_in"] == 3
    assert board["walk_in_wait_min"] >= 1
    office = busy.office
    told = [walk_in_outlook(busy.db, office, busy.now(), s.key, None)[0].minutes
            for s in office.services.values() if s.walk_in]
    assert board["walk_in_wait_min"] == max(told)  # what a new walk-in would be told, the longest


def test_kiosk_ticket_phone_status_and_desk_give_the_same_figure(app, client, busy):
    expected, _ = walk_in_outlook(busy.db, busy.office, busy.now(), "notfall", None)
    response = client.post("/api/v1/check-in", json={"walk_in": {"service": "notfall"}})
    assert response.status_code == 201
    ticket = response.get_json()["ticket"]
    assert ticket["estimated_wait_min"] == expected.minutes > 0
    status = client.get(f"/api/v1/tickets/{ticket['token']}").get_json()
    assert (status["estimated_wait_min"], status["wait_range"]) == (ticket["estimated_wait_min"],
                                                                    ticket["wait_range"])
    low, high = ticket["wait_range"]
    assert low <= ticket["estimated_wait_min"] <= high
    words = f"{low}–{high}"
    assert words in client.get(f"/ticket/{ticket['token']}").get_data(as_text=True)
    assert words in client.get(f"/t/{ticket['token']}").get_data(as_text=True)
    desk = client.get("/api/v1/desks/210/state", headers=bearer(make_token(app, "abraun"))).get_json()
    listed = {t["number"]: t for t in desk["waiting"]}
    assert listed[ticket["number"]]["estimated_wait_min"] == ticket["estimated_wait_min"]


def test_the_same_situation_gives_the_same_figure_twice(busy):
    first = walk_in_outlook(busy.db, busy.office, busy.now(), "erstantrag", None)
    again = walk_in_outlook(busy.db, busy.office, busy.now(), "erstantrag", None)
    assert first == again


def test_desk_state_explains_an_empty_call_in_words(app, client, db_path, clock):
    engine = Engine(connect(db_path), Office.from_mapping(office_mapping()), clock)
    engine.book_appointment(service="weiterbewilligung", starts_at=clock.now() + timedelta(minutes=20),
                            staff="abraun")
    for initial in ("B", "C", "D"):
        engine.walk_in("erstantrag", initial=initial)
    engine.walk_in("notfall", initial="M")
    engine.db.close()
    auth = bearer(make_token(app, "abraun"))
    assert client.post("/api/v1/desks/210/call-next", headers=auth).status_code == 204
    idle = client.get("/api/v1/desks/210/state", headers=auth).get_json()["idle"]
    assert idle["code"] == "none_fits" and idle["waiting"] == 3 and idle["for_colleagues"] == 1
    assert "3 Personen ohne Termin warten; keine passt vor Ihren Termin um 08:50" in idle["text"]
    assert "None" not in idle["text"] and "1 weitere wartet auf Kolleginnen und Kollegen." in idle["text"]
