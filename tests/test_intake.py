"""Arrivals: check-in by code, walk-ins, ticket numbers, intake refusals and wait estimates."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from conftest import office_mapping
from queue_core import Engine, Office, connect
from queue_core.clock import to_db
from queue_core.errors import IntakeClosed, InvalidInput, RequestIdReused, TooEarly, UnknownCode

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(2026, 11, 23)


def at(hour: int, minute: int = 0, day: date = MONDAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def events(engine, kind: str | None = None) -> list:
    sql = "SELECT seq, kind, ticket_id FROM events"
    if kind:
        return engine.db.execute(sql + " WHERE kind = ? ORDER BY seq", (kind,)).fetchall()
    return engine.db.execute(sql + " ORDER BY seq").fetchall()


def variant(tmp_path, clock, **overrides) -> Engine:
    return Engine(connect(tmp_path / "variant.db"), Office.from_mapping(office_mapping(**overrides)), clock)


def one_caseworker(**extra) -> dict:
    """One caseworker for everything, one service of 30 minutes: capacity is easy to count."""
    return dict(staff=[{"username": "solo", "name": "Sol O", "services": ["erstantrag"]}],
                services=[{"key": "erstantrag", "name": "Erstantrag", "prefix": "E", "minutes": 30}], **extra)


# --- check-in with a code -------------------------------------------------------------------

def test_check_in_with_code_issues_an_appointment_ticket(engine, clock):
    appointment = engine.book_appointment(service="erstantrag", starts_at=at(9), staff="abraun")
    result = engine.check_in(appointment.code)
    assert result.created
    assert result.ticket.kind == "appointment" and result.ticket.state == "waiting"
    assert result.ticket.number == "T 001"
    assert result.ticket.staff == "abraun"
    stored = engine.appointment(appointment.id)
    assert stored.state == "checked_in" and stored.ticket_id == result.ticket.id
    assert [e[1] for e in events(engine)] == ["appointment_booked", "checked_in"]


def test_code_is_accepted_in_lower_case_and_with_a_dash(engine, clock):
    appointment = engine.book_appointment(service="erstantrag", starts_at=at(9), staff="abraun")
    typed = f"{appointment.code[:4].lower()}-{appointment.code[4:]}"
    assert engine.check_in(typed).ticket.appointment_id == appointment.id


def test_same_code_twice_returns_same_ticket(engine, clock):
    appointment = engine.book_appointment(service="erstantrag", starts_at=at(9), staff="abraun")
    first = engine.check_in(appointment.code)
    clock.advance(seconds=2)
    second = engine.check_in(appointment.code)
    assert second.ticket.id == first.ticket.id and second.ticket.number == first.ticket.number
    assert not second.created
    assert len(events(engine, "checked_in")) == 1
    assert engine.db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 1


def test_retried_check_in_with_same_request_id_returns_same_ticket(engine, clock):
    first = engine.walk_in("notfall", initial="B", request_id="kiosk-1:42")
    clock.advance(seconds=1)
    retry = engine.walk_in("notfall", initial="B", request_id="kiosk-1:42")
    assert retry.ticket.id == first.ticket.id and not retry.created
    other = engine.walk_in("notfall", initial="B", request_id="kiosk-1:43")
    assert other.ticket.id != first.ticket.id
    assert len(events(engine, "walked_in")) == 2
    assert engine.db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 2


def test_unknown_code_is_refused_neutrally(engine, clock):
    booked = engine.book_appointment(service="erstantrag", starts_at=at(9), staff="abraun")
    cancelled = engine.book_appointment(service="erstantrag", starts_at=at(10), staff="abraun")
    engine.cancel_appointment(cancelled.id)
    near_miss = booked.code[:-1] + ("2" if booked.code[-1] != "2" else "3")
    refusals = []
    for code in ("ABCDEFGH", near_miss, "short", "", "0OIL1234", cancelled.code):
        with pytest.raises(UnknownCode) as info:
            engine.check_in(code)
        refusals.append(info.value.as_dict())
    # Same answer every time: nothing tells a guesser that a code is close or was once valid.
    assert all(r == refusals[0] for r in refusals)
    assert set(refusals[0]) == {"code", "message"}
    assert engine.db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 0


def test_too_early_check_in_gives_come_back_at(engine, clock):
    appointment = engine.book_appointment(service="erstantrag", starts_at=at(10, 30), staff="abraun")
    with pytest.raises(TooEarly) as info:
        engine.check_in(appointment.code)  # 08:30; check-in opens 60 min before: 09:30
    assert info.value.details["come_back_at"] == to_db(at(9, 30))
    assert engine.appointment(appointment.id).state == "booked"
    clock.set(at(9, 30))
    assert engine.check_in(appointment.code).created


def test_check_in_on_a_later_day_than_the_appointment_is_refused(engine, clock):
    appointment = engine.book_appointment(service="erstantrag", starts_at=at(9), staff="abraun")
    clock.set(at(8, 30, MONDAY + timedelta(days=1)))
    with pytest.raises(UnknownCode):
        engine.check_in(appointment.code)


def test_late_arrival_beyond_tolerance_becomes_walk_in(engine, clock):
    appointment = engine.book_appointment(service="weiterbewilligung", starts_at=at(8, 40), staff="abraun")
    clock.set(at(8, 56))  # start + 15 min tolerance = 08:55
    result = engine.check_in(appointment.code)
    assert result.late
    assert result.ticket.kind == "walk_in"
    assert result.ticket.number == "B 001"  # the service's walk-in prefix, not T
    assert result.ticket.appointment_start is None
    assert engine.appointment(appointment.id).late


def test_late_arrival_within_tolerance_stays_an_appointment(engine, clock):
    appointment = engine.book_appointment(service="weiterbewilligung", starts_at=at(8, 40), staff="abraun")
    clock.set(at(8, 55))
    result = engine.check_in(appointment.code)
    assert not result.late
    assert result.ticket.kind == "appointment"


def test_late_arrival_stays_an_appointment_when_the_office_configures_so(tmp_path, clock):
    engine = variant(tmp_path, clock, late_arrival="appointment")
    appointment = engine.book_appointment(service="weiterbewilligung", starts_at=at(8, 40), staff="abraun")
    clock.set(at(9, 30))
    result = engine.check_in(appointment.code)
    assert result.late and result.ticket.kind == "appointment" and result.ticket.staff == "abraun"


def test_late_arrival_after_hours_is_refused_like_a_walk_in(engine, clock):
    appointment = engine.book_appointment(service="weiterbewilligung", starts_at=at(11, 30), staff="abraun")
    clock.set(at(12, 10))
    with pytest.raises(IntakeClosed) as info:
        engine.check_in(appointment.code)
    assert info.value.details["reason"] == "closed"


# --- numbers ------------------------------------------------------------------------------------

def test_ticket_numbers_count_per_prefix_with_three_digits(engine, clock):
    a1 = engine.book_appointment(service="erstantrag", starts_at=at(9), staff="abraun")
    a2 = engine.book_appointment(service="erstantrag", starts_at=at(9), staff="hkoch")
    numbers = [engine.walk_in("notfall").ticket.number, engine.check_in(a1.code).ticket.number,
               engine.walk_in("notfall").ticket.number, engine.walk_in("unterlagen").ticket.number,
               engine.check_in(a2.code).ticket.number]
    assert numbers == ["W 001", "T 001", "W 002", "U 001", "T 002"]
    assert all(re.fullmatch(r"[A-Z]+ \d{3}", n) for n in numbers)


def test_ticket_numbers_start_again_on_the_next_office_day(engine, clock):
    assert engine.walk_in("notfall").ticket.number == "W 001"
    assert engine.walk_in("notfall").ticket.number == "W 002"
    clock.set(at(8, 30, MONDAY + timedelta(days=1)))
    ticket = engine.walk_in("notfall").ticket
    assert ticket.number == "W 001" and ticket.day == "2026-11-24"


# --- walk-in refusals ----------------------------------------------------------------------------

def test_walk_in_refused_outside_office_hours_with_hours_and_phone(engine, clock):
    clock.set(at(12, 30))  # Monday lunch break (08–12, 14–16)
    with pytest.raises(IntakeClosed) as info:
        engine.walk_in("notfall")
    details = info.value.details
    assert details["reason"] == "closed"
    assert details["phone"] == "0461 85-0000"
    assert details["hours"]["mon"] == ["08:00-12:00", "14:00-16:00"]
    assert details["next_opening"] == to_db(at(14))
    assert engine.db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 0


def test_walk_in_refused_on_saturday_points_to_monday(engine, clock):
    clock.set(at(10, 0, date(2026, 11, 28)))
    with pytest.raises(IntakeClosed) as info:
        engine.walk_in("notfall")
    assert info.value.details["next_opening"] == to_db(at(8, 0, date(2026, 11, 30)))


def test_walk_in_refused_on_a_public_holiday(engine, clock):
    clock.set(at(9, 0, date(2026, 12, 25)))  # Christmas Day, a Friday
    with pytest.raises(IntakeClosed) as info:
        engine.walk_in("notfall")
    assert info.value.details["reason"] == "closed"


def test_walk_in_refused_after_cutoff(engine, clock):
    clock.set(at(11, 29))
    assert engine.walk_in("unterlagen").created
    clock.set(at(11, 30))  # 30 minutes before closing at 12:00
    with pytest.raises(IntakeClosed) as info:
        engine.walk_in("unterlagen")
    assert info.value.details["reason"] == "cutoff"
    assert len(events(engine, "intake_stopped")) == 1


def test_walk_in_refused_when_day_capacity_used_up(tmp_path, clock):
    # One caseworker, 08:30–10:00 left today, 30-minute visits: room for exactly three.
    engine = variant(tmp_path, clock, hours={"mon": ["08:00-10:00"]}, walk_in_cutoff_min=0,
                     **one_caseworker())
    for _ in range(3):
        engine.walk_in("erstantrag")
    with pytest.raises(IntakeClosed) as info:
        engine.walk_in("erstantrag")
    assert info.value.details["reason"] == "capacity"
    with pytest.raises(IntakeClosed):
        engine.walk_in("erstantrag")
    assert engine.db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 3
    assert len(events(engine, "intake_stopped")) == 1  # the stop is recorded once


def test_booked_appointments_use_up_walk_in_capacity(tmp_path, clock):
    engine = variant(tmp_path, clock, hours={"mon": ["08:00-10:00"]}, walk_in_cutoff_min=0,
                     **one_caseworker())
    engine.book_appointment(service="erstantrag", starts_at=at(9), staff="solo")
    # 08:30–09:00 is too short to be sure a 30-minute visit ends in time: the first walk-in is
    # served after the appointment, 09:30–10:00, and that is the day's last room.
    engine.walk_in("erstantrag")
    with pytest.raises(IntakeClosed) as info:
        engine.walk_in("erstantrag")
    assert info.value.details["reason"] == "capacity"


def test_walk_in_for_a_service_by_appointment_only_is_refused(tmp_path, clock):
    services = [dict(s) for s in office_mapping()["services"]]
    services[0]["walk_in"] = False
    engine = variant(tmp_path, clock, services=services)
    with pytest.raises(InvalidInput):
        engine.walk_in(services[0]["key"])


def test_walk_in_for_an_unknown_service_is_refused(engine):
    with pytest.raises(InvalidInput):
        engine.walk_in("nonsense")


def test_request_id_must_be_short(engine):
    with pytest.raises(InvalidInput):
        engine.walk_in("notfall", request_id="x" * 101)


# --- estimates -------------------------------------------------------------------------------

def test_estimate_counts_appointments_that_will_preempt(tmp_path, clock):
    engine = variant(tmp_path, clock, **one_caseworker())
    assert engine.walk_in("erstantrag").estimate.minutes == 0
    engine.db.execute("DELETE FROM tickets")
    engine.db.conn.commit()
    # Appointments at 08:45 and 09:15 (30 min each) leave no 30-minute gap before 09:45.
    engine.book_appointment(service="erstantrag", starts_at=at(8, 45), staff="solo")
    engine.book_appointment(service="erstantrag", starts_at=at(9, 15), staff="solo")
    estimate = engine.walk_in("erstantrag").estimate
    # After both: about 09:45 (visits vary, so the range is wide and the middle near 75 min).
    assert 60 <= estimate.minutes <= 85
    assert estimate.low <= estimate.minutes <= estimate.high


def test_estimate_counts_checked_in_appointments_too(tmp_path, clock):
    engine = variant(tmp_path, clock, **one_caseworker())
    appointment = engine.book_appointment(service="erstantrag", starts_at=at(8, 40), staff="solo")
    engine.check_in(appointment.code)
    # The appointment is due (early window) and called first; the walk-in follows its visit.
    estimate = engine.walk_in("erstantrag").estimate
    assert 15 <= estimate.minutes <= 40 and estimate.low < estimate.minutes < estimate.high


def test_estimate_counts_walk_ins_ahead_and_gives_position(tmp_path, clock):
    engine = variant(tmp_path, clock, **one_caseworker())
    first = engine.walk_in("erstantrag")
    second = engine.walk_in("erstantrag")
    third = engine.walk_in("erstantrag")
    assert [r.estimate.position for r in (first, second, third)] == [1, 2, 3]
    waits = [r.estimate.minutes for r in (first, second, third)]
    assert waits[0] == 0 and 20 <= waits[1] <= 35 and 45 <= waits[2] <= 65  # a typical visit is ~27 min
    # Once the first is called, the others move up.
    engine.call_next("210", "solo")
    assert engine.outlook(engine.ticket(third.ticket.id)).position == 2


def test_estimate_uses_the_earliest_free_caseworker(engine, clock):
    # Three caseworkers, no letters given: three walk-ins are served at once.
    waits = [engine.walk_in("erstantrag").estimate.minutes for _ in range(4)]
    # The fourth waits for the first of three visits to end: less than one visit's typical length.
    assert waits[:3] == [0, 0, 0] and 5 <= waits[3] < 27


def test_outlook_of_a_called_ticket_is_zero(engine):
    ticket = engine.walk_in("notfall").ticket
    engine.call_next("210", "abraun")
    estimate = engine.outlook(engine.ticket(ticket.id))
    assert (estimate.position, estimate.minutes) == (0, 0)


def test_appointment_ticket_estimate_is_its_start(engine, clock):
    appointment = engine.book_appointment(service="erstantrag", starts_at=at(9), staff="abraun")
    assert engine.check_in(appointment.code).estimate.minutes == 30


def test_created_at_is_stored_in_utc(engine):
    ticket = engine.walk_in("notfall").ticket
    assert ticket.created_at == at(8, 30).astimezone(timezone.utc)
    raw = engine.db.execute("SELECT created_at FROM tickets").fetchone()[0]
    assert raw.startswith("2026-11-23T07:30") and raw.endswith("Z")


def test_tickets_left_waiting_yesterday_do_not_lengthen_todays_estimate(tmp_path, clock):
    engine = variant(tmp_path, clock, **one_caseworker())
    for _ in range(3):
        engine.walk_in("erstantrag")
    clock.set(at(8, 30, MONDAY + timedelta(days=1)))
    result = engine.walk_in("erstantrag")
    assert (result.estimate.position, result.estimate.minutes) == (1, 0)


def test_appointment_position_counts_only_earlier_appointments_of_the_same_caseworker_today(engine, clock):
    old = engine.book_appointment(service="unterlagen", starts_at=at(9), staff="abraun")
    engine.check_in(old.code)  # left waiting on Monday
    clock.set(at(8, 0, MONDAY + timedelta(days=1)))
    first = engine.book_appointment(service="unterlagen", starts_at=at(8, 40, MONDAY + timedelta(days=1)),
                                    staff="abraun")
    second = engine.book_appointment(service="unterlagen", starts_at=at(8, 50, MONDAY + timedelta(days=1)),
                                     staff="abraun")
    other = engine.book_appointment(service="unterlagen", starts_at=at(8, 30, MONDAY + timedelta(days=1)),
                                    staff="hkoch")
    engine.check_in(other.code)
    engine.check_in(first.code)
    assert engine.check_in(second.code).estimate.position == 2


def test_request_id_of_another_ticket_is_refused_as_bad_input_not_a_crash(engine, clock):
    appointment = engine.book_appointment(service="unterlagen", starts_at=at(9), staff="abraun")
    walk_in = engine.walk_in("notfall", request_id="kiosk-1:7").ticket
    with pytest.raises(RequestIdReused):  # 409: a client bug, not a retry
        engine.check_in(appointment.code, request_id="kiosk-1:7")
    with pytest.raises(RequestIdReused):  # the walk-in path too, for another service
        engine.walk_in("unterlagen", request_id="kiosk-1:7")
    assert engine.appointment(appointment.id).state == "booked"
    # A retried check-in (same code, same request_id) still returns the same ticket.
    first = engine.check_in(appointment.code, request_id="kiosk-1:8")
    again = engine.check_in(appointment.code, request_id="kiosk-1:8")
    assert again.ticket.id == first.ticket.id != walk_in.id and not again.created


def test_ticket_numbers_are_counted_per_location(db_path, clock):
    main = Engine(connect(db_path), Office.from_mapping(office_mapping(location="rathaus")), clock)
    branch = Engine(connect(db_path), Office.from_mapping(office_mapping(location="aussenstelle")), clock)
    assert main.walk_in("notfall").ticket.number == "W 001"
    assert branch.walk_in("notfall").ticket.number == "W 001"
    assert main.walk_in("notfall").ticket.number == "W 002"
    assert branch.call_next("210", "abraun").ticket.location == "aussenstelle"
    assert main.call_next("211", "hkoch").ticket.number == "W 001"
    main.db.close()
    branch.db.close()


def test_walk_in_language_is_kept_for_the_spoken_call(engine):
    ticket = engine.walk_in("notfall", language="tr").ticket
    assert ticket.language == "tr"
    engine.call_next("210", "abraun")
    language = engine.db.execute("SELECT json_extract(data, '$.language') FROM events WHERE kind = 'called'"
                                 " AND ticket_id = ?", (ticket.id,)).fetchone()[0]
    assert language == "tr"


def test_late_visitor_whose_appointment_already_expired_still_gets_a_walk_in_ticket(engine, clock):
    appointment = engine.book_appointment(service="unterlagen", starts_at=at(8, 40), staff="abraun")
    clock.set(at(9, 0))
    assert engine.expire_missed() == [appointment.id]
    result = engine.check_in(appointment.code)
    assert result.late and result.ticket.kind == "walk_in"
    assert engine.appointment(appointment.id).state == "checked_in"
