"""Who is next: the policy rules of the design, one test per rule (real SQLite file per test)."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from conftest import office_mapping
from queue_core import Engine, Office, connect
from queue_core.errors import IntakeClosed, InvalidInput, InvalidTransition

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(2026, 11, 23)


def at(hour: int, minute: int = 0, day: date = MONDAY) -> datetime:
    """An office-local wall-clock time as an aware datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def book_and_check_in(engine, clock, *, start: datetime, staff: str | None = "abraun",
                      service: str = "weiterbewilligung", arrive: datetime | None = None):
    appointment = engine.book_appointment(service=service, starts_at=start, staff=staff, name="Erika Muster")
    if arrive is not None:
        clock.set(arrive)
    return engine.check_in(appointment.code).ticket


def make_engine(tmp_path, clock, **overrides) -> Engine:
    return Engine(connect(tmp_path / "variant.db"), Office.from_mapping(office_mapping(**overrides)), clock)


def test_due_appointment_is_called_before_an_earlier_walk_in(engine, clock):
    walk_in = engine.walk_in("notfall", initial="B").ticket
    appointment = book_and_check_in(engine, clock, start=at(8, 40))  # due from 08:30
    call = engine.call_next("210", "abraun")
    assert call.ticket.id == appointment.id != walk_in.id
    assert call.reason.code == "appointment_due"


def test_appointment_due_within_early_window_goes_first_even_when_walk_in_fits_nowhere_else(engine, clock):
    # 08:30 now, appointment at 08:39 is inside the 10-minute early window: due, not "early".
    appointment = book_and_check_in(engine, clock, start=at(8, 39))
    engine.walk_in("unterlagen", initial="C")
    call = engine.call_next("210", "abraun")
    assert call.ticket.id == appointment.id
    assert call.reason.code == "appointment_due"


def test_due_appointments_are_ordered_by_earliest_start(engine, clock):
    later = book_and_check_in(engine, clock, start=at(8, 40))
    earlier = book_and_check_in(engine, clock, start=at(8, 35), service="unterlagen")
    assert engine.call_next("210", "abraun").ticket.id == earlier.id
    engine.finish(earlier.id)
    assert engine.call_next("210", "abraun").ticket.id == later.id


def test_due_appointments_with_the_same_start_are_ordered_by_check_in(engine, clock):
    # Unassigned appointments of a service may share a start time.
    first_booked = engine.book_appointment(service="unterlagen", starts_at=at(8, 40))
    second_booked = engine.book_appointment(service="unterlagen", starts_at=at(8, 40))
    second = engine.check_in(second_booked.code).ticket
    clock.advance(minutes=1)
    first = engine.check_in(first_booked.code).ticket
    assert engine.call_next("210", "abraun").ticket.id == second.id
    assert engine.call_next("211", "hkoch").ticket.id == first.id


def test_walk_ins_are_served_first_come_first_served(engine, clock):
    first = engine.walk_in("notfall", initial="B").ticket
    clock.advance(minutes=1)
    second = engine.walk_in("notfall", initial="C").ticket
    call = engine.call_next("210", "abraun")
    assert call.ticket.id == first.id
    assert call.reason.code == "walk_in"
    engine.finish(first.id)
    assert engine.call_next("210", "abraun").ticket.id == second.id


def test_walk_in_is_skipped_when_it_does_not_fit_before_the_next_appointment(engine, clock):
    engine.book_appointment(service="weiterbewilligung", starts_at=at(8, 50), staff="abraun")
    long_one = engine.walk_in("erstantrag", initial="B").ticket  # 30 min: would end 09:00
    clock.advance(minutes=1)
    short_one = engine.walk_in("unterlagen", initial="C").ticket  # 5 min: fits before 08:50
    call = engine.call_next("210", "abraun")
    assert call.ticket.id == short_one.id != long_one.id
    assert call.reason.code == "walk_in_fits"
    assert call.reason.fits_before == at(8, 50).astimezone(timezone.utc)


def test_no_walk_in_is_called_when_none_fits_before_the_next_appointment(engine, clock):
    engine.book_appointment(service="weiterbewilligung", starts_at=at(8, 50), staff="abraun")
    engine.walk_in("erstantrag", initial="B")
    assert engine.call_next("210", "abraun") is None


def test_walk_in_that_does_not_fit_goes_to_a_caseworker_without_appointments(engine, clock):
    engine.book_appointment(service="weiterbewilligung", starts_at=at(8, 50), staff="abraun")
    walk_in = engine.walk_in("erstantrag").ticket  # no initial: any caseworker
    assert engine.call_next("210", "abraun") is None
    assert engine.call_next("211", "hkoch").ticket.id == walk_in.id


def test_early_appointment_is_served_when_the_caseworker_would_otherwise_idle(engine, clock):
    appointment = book_and_check_in(engine, clock, start=at(9, 30))  # due only from 09:20
    call = engine.call_next("210", "abraun")
    assert call.ticket.id == appointment.id
    assert call.reason.code == "appointment_early"


def test_fitting_walk_in_is_served_before_an_early_appointment(engine, clock):
    appointment = book_and_check_in(engine, clock, start=at(9, 30))
    walk_in = engine.walk_in("notfall", initial="B").ticket  # 15 min, fits before 09:30
    call = engine.call_next("210", "abraun")
    assert call.ticket.id == walk_in.id
    engine.finish(walk_in.id)
    assert engine.call_next("210", "abraun").ticket.id == appointment.id


def test_late_checked_in_appointment_within_tolerance_is_still_due(engine, clock):
    engine.walk_in("notfall", initial="B")
    appointment = book_and_check_in(engine, clock, start=at(8, 40), arrive=at(8, 50))
    assert appointment.kind == "appointment"
    call = engine.call_next("210", "abraun")
    assert call.ticket.id == appointment.id
    assert call.reason.code == "appointment_due"


def test_appointment_of_another_caseworker_is_never_called_by_the_policy(engine, clock):
    book_and_check_in(engine, clock, start=at(8, 40), staff="abraun")
    assert engine.call_next("211", "hkoch") is None


def test_unassigned_appointment_goes_to_any_caseworker_of_its_service(engine, clock):
    appointment = engine.book_appointment(service="unterlagen", starts_at=at(8, 40))
    ticket = engine.check_in(appointment.code).ticket
    assert engine.call_next("214", "pschulz").ticket.id == ticket.id


def test_caseworker_with_letters_a_to_g_gets_walk_in_with_initial_b_not_m(engine, clock):
    m_walk_in = engine.walk_in("notfall", initial="M").ticket
    clock.advance(minutes=1)
    b_walk_in = engine.walk_in("notfall", initial="b").ticket
    assert engine.call_next("210", "abraun").ticket.id == b_walk_in.id
    assert engine.call_next("211", "hkoch").ticket.id == m_walk_in.id


def test_walk_in_with_umlaut_initial_is_filed_under_the_plain_letter(engine, clock):
    walk_in = engine.walk_in("notfall", initial="Özdemir").ticket  # Ö → O: H–O
    assert engine.call_next("210", "abraun") is None
    assert engine.call_next("211", "hkoch").ticket.id == walk_in.id


def test_walk_in_without_initial_may_go_to_any_caseworker(engine, clock):
    walk_in = engine.walk_in("notfall").ticket
    assert engine.call_next("214", "pschulz").ticket.id == walk_in.id


def test_walk_in_initial_must_be_a_letter(engine):
    with pytest.raises(InvalidInput):
        engine.walk_in("notfall", initial="7")


def test_caseworker_only_takes_walk_ins_of_services_they_handle(tmp_path, clock):
    mapping = office_mapping()
    staff = [dict(s) for s in mapping["staff"]]
    staff[0]["services"] = ["unterlagen"]
    engine = make_engine(tmp_path, clock, staff=staff)
    walk_in = engine.walk_in("erstantrag").ticket
    assert engine.call_next("210", "abraun") is None
    assert engine.call_next("211", "hkoch").ticket.id == walk_in.id
    engine.db.close()


def test_walk_in_nobody_could_serve_is_refused(tmp_path, clock):
    mapping = office_mapping()
    staff = [dict(s) for s in mapping["staff"]]
    staff[0]["services"] = ["unterlagen"]  # the only caseworker for A–G no longer does Erstantrag
    engine = make_engine(tmp_path, clock, staff=staff)
    with pytest.raises(IntakeClosed):
        engine.walk_in("erstantrag", initial="B")
    engine.db.close()


def test_nobody_eligible_returns_none_and_appends_no_event(engine):
    before = engine.db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    assert engine.call_next("210", "abraun") is None
    assert engine.db.execute("SELECT COUNT(*) FROM events").fetchone()[0] == before


def test_override_calls_a_specific_ticket_out_of_turn_and_logs_the_reason(engine, clock):
    book_and_check_in(engine, clock, start=at(8, 40))
    walk_in = engine.walk_in("notfall", initial="B").ticket
    call = engine.call_ticket(walk_in.id, "210", "abraun", "Notfall: Stromsperre heute")
    assert call.ticket.id == walk_in.id and call.ticket.state == "called"
    assert call.reason.code == "override"
    event = engine.db.execute(
        "SELECT json_extract(data, '$.reason'), json_extract(data, '$.note') FROM events"
        " WHERE kind = 'called' AND ticket_id = ?", (walk_in.id,)).fetchone()
    assert event == ("override", "Notfall: Stromsperre heute")


def test_override_needs_a_reason(engine):
    walk_in = engine.walk_in("notfall").ticket
    with pytest.raises(InvalidInput):
        engine.call_ticket(walk_in.id, "210", "abraun", "  ")
    assert engine.ticket(walk_in.id).state == "waiting"


def test_override_of_a_ticket_that_is_not_waiting_is_refused(engine):
    walk_in = engine.walk_in("notfall").ticket
    engine.call_next("210", "abraun")
    with pytest.raises(InvalidTransition):
        engine.call_ticket(walk_in.id, "211", "hkoch", "anyway")


def test_call_reports_the_desk_room(engine):
    engine.walk_in("notfall")
    assert engine.call_next("214", "pschulz").room == "Zimmer 214"


def test_tickets_left_waiting_from_yesterday_are_not_called_today(engine, clock):
    # Monday's walk-ins went home when the office closed; Tuesday's numbers start again at 001.
    engine.walk_in("notfall", initial="B")
    appointment = book_and_check_in(engine, clock, start=at(9, 0))
    clock.set(at(8, 30, date(2026, 11, 24)))
    today = engine.walk_in("notfall", initial="B").ticket
    assert today.number == "W 001"  # the same number as the one left over from Monday
    call = engine.call_next("210", "abraun")
    assert call.ticket.id == today.id, f"called {call.ticket.number} of {call.ticket.day}"
    assert engine.ticket(appointment.id).state == "waiting"
