"""Absences on a real SQLite file: moves to colleagues, the call list, slots, booking, walk-in capacity."""
from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from queue_core import Engine, Office, connect
from queue_core.absences import absence_span, call_list, costs, surname_initial
from queue_core.errors import IntakeClosed, InvalidInput, SlotTaken
from queue_core.slots import free_slots

from conftest import MONDAY_0830, office_mapping

ALL = ["erstantrag", "weiterbewilligung", "unterlagen", "notfall"]
# abraun and hkoch share the letters A–M (each is the other's deputy); pschulz has N–Z.
SHARED_LETTERS = [{"username": "abraun", "name": "Anna Braun", "services": ALL, "letters": "A-M"},
                  {"username": "hkoch", "name": "Hakan Koch", "services": ALL, "letters": "A-M"},
                  {"username": "pschulz", "name": "Petra Schulz", "services": ALL, "letters": "N-Z"}]
MONDAY = date(2026, 11, 23)


@pytest.fixture
def office() -> Office:
    return Office.from_mapping(office_mapping(staff=SHARED_LETTERS))


def at(hour: int, minute: int = 0):
    return MONDAY_0830.replace(hour=hour - 1, minute=minute)  # Berlin is UTC+1 in November


def book(engine: Engine, hour: int, minute: int, staff: str, name: str):
    return engine.book_appointment(service="erstantrag", starts_at=at(hour, minute), staff=staff, name=name)


def test_a_days_absence_moves_what_fits_and_lists_the_rest(engine, office):
    first = book(engine, 9, 0, "abraun", "Erika Berg")
    clash = book(engine, 9, 30, "abraun", "Berg, Fritz")
    colleague_own = book(engine, 9, 30, "hkoch", "Ida Lenz")
    later = book(engine, 11, 0, "abraun", "Carl Adler")
    other_letter = book(engine, 11, 30, "abraun", "Sven Sommer")
    start, end = absence_span(office, MONDAY)
    result = engine.mark_absent("abraun", start, end, actor="leitung")

    assert [(m.appointment_id, m.to_staff) for m in result.moves] == [
        (first.id, "hkoch"), (clash.id, None), (later.id, "hkoch"), (other_letter.id, "pschulz")]
    assert engine.appointment(first.id).staff == "hkoch"
    assert engine.appointment(first.id).code == first.code  # the visitor's slip stays valid
    assert engine.appointment(colleague_own.id).starts_at == colleague_own.starts_at  # nobody else moves
    assert engine.appointment(clash.id).staff == "abraun"
    assert [e["appointment_id"] for e in call_list(engine.db, office.location)] == [clash.id]
    logged = engine.db.execute("SELECT data FROM events WHERE kind LIKE 'appointment_%' OR kind = 'absence_marked'"
                               ).fetchall()
    assert not any(name in str(logged) for name in ("Berg", "Adler", "Sommer"))

    engine.cancel_appointment(clash.id, actor="leitung")  # phoned: the visitor cancels
    assert call_list(engine.db, office.location) == []
    [row] = costs(engine.db, office.location, start, end)
    assert (row["moved"], row["to_call"], row["cancelled"]) == (3, 1, 1)


def test_a_checked_in_visitor_goes_to_the_colleague_too(engine, office, clock):
    appointment = book(engine, 9, 0, "abraun", "Erika Berg")
    clock.set(at(8, 50))
    ticket = engine.check_in(appointment.code).ticket
    engine.mark_absent("abraun", at(8, 55), at(12, 0))
    assert engine.ticket(ticket.id).staff == "hkoch"
    called = engine.call_next("211", "hkoch")
    assert called is not None and called.ticket.id == ticket.id


def test_part_of_a_day_leaves_the_rest_alone(engine, office):
    morning = book(engine, 9, 0, "abraun", "Erika Berg")
    noon = book(engine, 11, 0, "abraun", "Carl Adler")
    result = engine.mark_absent("abraun", *absence_span(office, MONDAY, from_time=time(10, 0), to_time=time(12, 0)))
    assert [m.appointment_id for m in result.moves] == [noon.id]
    assert engine.appointment(morning.id).staff == "abraun"


def test_absent_caseworker_has_no_slots_and_cannot_be_booked(engine, office, clock):
    engine.mark_absent("abraun", *absence_span(office, MONDAY, MONDAY + timedelta(days=1)))
    slots = free_slots(engine.db, office, clock.now(), "erstantrag", staff="abraun", days=3)
    assert slots and all(s.starts_at.date() >= date(2026, 11, 25) for s in slots)
    with pytest.raises(SlotTaken, match="absent"):
        book(engine, 10, 0, "abraun", "Erika Berg")
    assert free_slots(engine.db, office, clock.now(), "erstantrag", staff="hkoch", days=1)


def test_no_walk_in_is_promised_capacity_the_absence_removed(db_path, clock):
    only_one = office_mapping(staff=[{"username": "abraun", "name": "Anna Braun", "services": ALL}])
    office = Office.from_mapping(only_one)
    engine = Engine(connect(db_path), office, clock)
    assert engine.walk_in("notfall").ticket is not None
    engine.mark_absent("abraun", clock.now(), at(16, 0))
    with pytest.raises(IntakeClosed) as refused:
        engine.walk_in("notfall")
    assert refused.value.details["reason"] == "capacity"
    engine.db.close()


def test_spans_and_bad_input(office, engine):
    start, end = absence_span(office, MONDAY, MONDAY + timedelta(days=4))
    assert (start, end - start) == (MONDAY_0830.replace(hour=0, minute=0) - timedelta(hours=1), timedelta(days=5))
    with pytest.raises(InvalidInput):
        absence_span(office, MONDAY, MONDAY - timedelta(days=1))
    with pytest.raises(InvalidInput):
        absence_span(office, MONDAY, from_time=time(12, 0), to_time=time(10, 0))
    with pytest.raises(InvalidInput, match="past"):
        engine.mark_absent("abraun", at(6, 0), at(7, 0))
    assert surname_initial("Müller, Ömer") == "M" and surname_initial("Ömer Özdemir") == "O"
    assert surname_initial("") is None


# --- the page /desk/absences ------------------------------------------------------------------

@pytest.fixture
def shared_app(db_path, clock):
    from terminpraxis import create_app

    from conftest import DEMO_CONFIG

    return create_app({"TESTING": True, "DATABASE": str(db_path), "ASYNC_MODE": "threading",
                       "CONFIG": str(DEMO_CONFIG), "OFFICE": office_mapping(staff=SHARED_LETTERS),
                       "CLOCK": clock, "SECRET_KEY": "test"})


def test_the_page_marks_an_absence_and_shows_moves_and_whom_to_call(shared_app, engine):
    from test_desk_support import make_staff, sign_in

    moved = book(engine, 9, 0, "abraun", "Erika Berg")
    stuck = engine.book_appointment(service="erstantrag", starts_at=at(10, 0), staff="abraun",
                                    name="Fritz Bach", phone="0461 555 01")
    engine.book_appointment(service="erstantrag", starts_at=at(10, 0), staff="hkoch", name="Jana Kurz")
    make_staff(shared_app, "leitung", role="admin")
    client = shared_app.test_client()
    csrf = sign_in(client, "leitung", desk=None)
    response = client.post("/desk/absences", data={"csrf_token": csrf, "staff": "abraun", "first": "2026-11-23",
                                                   "from_time": "08:45", "to_time": "12:00"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'data-id="{moved.id}" class="moved"' in page and "übernimmt Hakan Koch" in page
    call_list = page[page.index('id="call-list"'):]
    assert "Fritz Bach" in call_list and "0461 555 01" in call_list and "Erika Berg" not in call_list
    readings = engine.db.execute("SELECT actor FROM events WHERE kind = 'personal_data_read'"
                                 " AND json_extract(data, '$.what') = 'absence_call_list'").fetchall()
    assert readings == [("leitung",)]
    assert engine.appointment(moved.id).staff == "hkoch" and engine.appointment(stuck.id).staff == "abraun"


def test_a_caseworker_marks_only_themselves_and_bad_input_is_explained(shared_app, engine):
    from test_desk_support import make_staff, sign_in

    make_staff(shared_app, "abraun")
    client = shared_app.test_client()
    csrf = sign_in(client, "abraun", desk=None)
    page = client.get("/desk/absences").get_data(as_text=True)
    assert 'value="abraun"' in page and 'value="hkoch"' not in page
    other = client.post("/desk/absences", data={"csrf_token": csrf, "staff": "hkoch", "first": "2026-11-24"})
    assert other.status_code == 422 and "nur sich selbst" in other.get_data(as_text=True)
    for form in ({"first": "morgen"}, {"first": ""}, {"first": "2026-11-24", "from_time": "25:00"},
                 {"first": "2026-11-24", "last": "2026-11-20"}, {"first": "2026-11-20"}):
        refused = client.post("/desk/absences", data={"csrf_token": csrf, "staff": "abraun", **form})
        assert refused.status_code == 422, form
        assert 'id="absence-error"' in refused.get_data(as_text=True)
    assert engine.db.execute("SELECT COUNT(*) FROM absences").fetchone()[0] == 0
    mine = client.post("/desk/absences", data={"csrf_token": csrf, "staff": "abraun", "first": "2026-11-24",
                                               "last": "2026-11-25"})
    assert mine.status_code == 302
    listed = client.get("/desk/absences").get_data(as_text=True)
    assert "24.11.2026 00:00" in listed and "26.11.2026 00:00" in listed


def test_the_evaluation_shows_absences_and_their_cost(engine, office):
    from queue_core import stats
    from queue_core.facts import make_period

    book(engine, 9, 0, "abraun", "Erika Berg")
    stuck = book(engine, 9, 0, "hkoch", "Ida Lenz")
    engine.mark_absent("hkoch", *absence_span(office, MONDAY, from_time=time(8, 45), to_time=time(12, 0)))
    engine.cancel_appointment(stuck.id)
    result = stats.evaluate(engine.db, office, make_period(MONDAY, MONDAY))
    assert result["absences"] == [{"staff": "hkoch", "staff_name": "Hakan Koch", "from": "2026-11-23 08:45",
                                   "to": "2026-11-23 12:00", "hours": 3.2, "moved": 0, "to_call": 1,
                                   "cancelled": 1}]
    assert result["summary"]["absences"] == {"count": 1, "hours": 3.2, "moved": 0, "to_call": 1, "cancelled": 1}
    later = stats.evaluate(engine.db, office, make_period(MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)))
    assert later["absences"] == []
