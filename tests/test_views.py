"""queue_core.views and queue_core.board: the read-only lists the desk, status page and board show."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from queue_core import board, views
from queue_core.views import CallReason

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(2026, 11, 23)
PUBLIC_CALL_FIELDS = {"number", "room", "called_at", "time"}


def at(hour: int, minute: int = 0, day: date = MONDAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def book(engine, hour: int, staff: str = "abraun", day: date = MONDAY, name: str = "Albers, Jana"):
    return engine.book_appointment(service="erstantrag", starts_at=at(hour, 0, day), staff=staff, name=name)


# --- the desk's day list -------------------------------------------------------------------------

def test_day_appointments_lists_one_local_day_by_start_with_the_ticket(engine, office):
    later = book(engine, 10, staff="hkoch", name="Koch, Ida")
    first = book(engine, 9)
    book(engine, 9, day=MONDAY + timedelta(days=1))
    ticket = engine.check_in(first.code).ticket

    found = views.day_appointments(engine.db, office, MONDAY)
    assert [d.appointment.id for d in found] == [first.id, later.id]
    assert (found[0].ticket_number, found[0].ticket_state) == (ticket.number, "waiting")
    assert (found[1].ticket_number, found[1].ticket_state) == (None, None)
    assert found[1].appointment.name == "Koch, Ida"  # staff view: personal fields included
    assert [d.appointment.id for d in views.day_appointments(engine.db, office, MONDAY, "hkoch")] == [later.id]
    assert views.day_appointments(engine.db, office, MONDAY - timedelta(days=1)) == []


def test_day_bounds_follow_the_office_clock_across_daylight_saving(office):
    start, end = views.day_bounds(office, date(2026, 3, 29))  # clocks go forward in Berlin
    assert start == at(0, 0, date(2026, 3, 29)) and end - start == timedelta(hours=23)
    start, end = views.day_bounds(office, date(2026, 10, 25))  # and back
    assert end - start == timedelta(hours=25)


# --- waiting lists and counts --------------------------------------------------------------------

def test_waiting_for_follows_the_policy_filters_appointments_first(engine, office, clock):
    own = engine.check_in(book(engine, 9).code).ticket
    clock.set(at(8, 35))
    mine = engine.walk_in("notfall", initial="B").ticket  # A–G: abraun
    other = engine.walk_in("notfall", initial="K").ticket  # H–O: hkoch
    now = clock.now()

    assert [t.id for t in views.waiting_for(engine.db, office, now, office.staff["abraun"])] == [own.id, mine.id]
    assert [t.id for t in views.waiting_for(engine.db, office, now, office.staff["hkoch"])] == [other.id]
    assert [t.id for t in views.waiting_all(engine.db, office, now)] == [own.id, mine.id, other.id]


def test_waiting_lists_show_only_today(engine, office, clock):
    engine.walk_in("notfall", initial="B")
    tuesday = clock.now() + timedelta(days=1)
    assert views.waiting_all(engine.db, office, tuesday) == []
    assert views.waiting_for(engine.db, office, tuesday, office.staff["abraun"]) == []


def test_waiting_counts_per_kind_of_a_day_or_of_all_days(engine, office, clock):
    assert views.waiting_counts(engine.db, office.location) == {"appointment": 0, "walk_in": 0}
    engine.check_in(book(engine, 9).code)
    engine.walk_in("notfall")
    called = engine.walk_in("unterlagen").ticket
    engine.call_ticket(called.id, "210", "abraun", "kurze Abgabe")

    assert views.waiting_counts(engine.db, office.location, MONDAY) == {"appointment": 1, "walk_in": 1}
    assert views.waiting_counts(engine.db, office.location, MONDAY + timedelta(days=1)) == {
        "appointment": 0, "walk_in": 0}
    assert views.waiting_counts(engine.db, office.location) == {"appointment": 1, "walk_in": 1}
    assert views.waiting_counts(engine.db, "elsewhere") == {"appointment": 0, "walk_in": 0}


# --- the current ticket, the desk's state, the call's reason --------------------------------------

def test_current_ticket_by_desk_or_by_caseworker_until_finished(engine, clock):
    ticket = engine.walk_in("notfall", initial="B").ticket
    assert views.current_ticket(engine.db, "210", "abraun") is None
    engine.call_next("210", "abraun")
    assert views.current_ticket(engine.db, "210", "nobody").id == ticket.id
    assert views.current_ticket(engine.db, "211", "abraun").id == ticket.id  # moved desks
    engine.start(ticket.id)
    assert views.current_ticket(engine.db, None, "abraun").state == "serving"
    engine.finish(ticket.id)
    assert views.current_ticket(engine.db, "210", "abraun") is None


def test_desk_state_is_open_until_paused(engine):
    assert views.desk_state(engine.db, None) == "open"
    assert views.desk_state(engine.db, "210") == "open"
    engine.pause_desk("210")
    assert views.desk_state(engine.db, "210") == "paused"
    engine.resume_desk("210")
    assert views.desk_state(engine.db, "210") == "open"


def test_last_call_reason_is_the_latest_calls(engine):
    ticket = engine.walk_in("notfall", initial="B").ticket
    assert views.last_call_reason(engine.db, ticket.id) is None
    engine.call_ticket(ticket.id, "210", "abraun", "Rückfrage")
    engine.requeue(ticket.id)
    assert views.last_call_reason(engine.db, ticket.id) == CallReason("override", "Rückfrage")
    call = engine.call_next("210", "abraun")
    assert call.ticket.id == ticket.id
    assert views.last_call_reason(engine.db, ticket.id) == CallReason(call.reason.code, None)


def test_has_appointments(engine):
    assert views.has_appointments(engine.db) is False
    book(engine, 9)
    assert views.has_appointments(engine.db) is True


# --- the board: public fields only ---------------------------------------------------------------

def test_recent_calls_are_public_newest_first_limited_and_per_zone(engine, office, clock):
    numbers = []
    for minute, (desk, staff, initial) in enumerate([("210", "abraun", "B"), ("214", "hkoch", "K"),
                                                     ("211", "pschulz", "S")]):
        clock.set(at(8, 31 + minute))
        numbers.append(engine.walk_in("notfall", initial=initial).ticket.number)
        engine.call_next(desk, staff)
    now = clock.now()

    calls = board.recent_calls(engine.db, office, now, None, 10)
    assert [c["number"] for c in calls] == numbers[::-1]
    assert all(set(c) == PUBLIC_CALL_FIELDS for c in calls)
    assert calls[0]["room"] == "Zimmer 211" and calls[0]["time"] == "08:33"
    assert len(board.recent_calls(engine.db, office, now, None, 2)) == 2
    assert [c["number"] for c in board.recent_calls(engine.db, office, now, "2. OG Flur B", 10)] == [numbers[1]]
    assert board.recent_calls(engine.db, office, now + timedelta(days=1), None, 10) == []


def test_board_counts_today_and_the_walk_in_wait_only_when_open(engine, office, clock):
    engine.walk_in("notfall")
    assert board.waiting_today(engine.db, office, clock.now()) == {"appointment": 0, "walk_in": 1}
    assert isinstance(board.walk_in_wait(engine.db, office, clock.now()), int)
    assert board.walk_in_wait(engine.db, office, at(10, 0, date(2026, 11, 28))) is None  # Saturday
    assert board.walk_in_service(office) == "notfall"  # the service with the walk-in prefix W
