"""Appointments: booking rules, codes, cancel, by post, expiring the missed, and retention."""
from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from queue_core.codes import ALPHABET, CODE_LENGTH, format_code, normalise_code
from queue_core.errors import InvalidInput, InvalidTransition, SlotTaken, UnknownCode

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(2026, 11, 23)


def at(hour: int, minute: int = 0, day: date = MONDAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def event_kinds(engine) -> list[str]:
    return [r[0] for r in engine.db.execute("SELECT kind FROM events ORDER BY seq").fetchall()]


def test_booking_returns_an_unguessable_code_without_ambiguous_characters(engine):
    assert math.log2(len(ALPHABET)) * CODE_LENGTH >= 40
    assert not set("0O1I") & set(ALPHABET)
    codes = {engine.book_appointment(service="unterlagen", starts_at=at(9)).code for _ in range(40)}
    assert len(codes) == 40
    for code in codes:
        assert len(code) == CODE_LENGTH and set(code) <= set(ALPHABET)
        assert normalise_code(format_code(code).lower()) == code


def test_booking_stores_the_appointment_with_its_personal_fields(engine):
    appointment = engine.book_appointment(
        service="erstantrag", starts_at=at(9), staff="abraun", name="Erika Muster", birth_date="1970-01-01",
        phone="0461 1234", concern="Erstantrag Grundsicherung", documents=["Mietvertrag", "Kontoauszüge"])
    assert appointment.state == "booked" and appointment.duration_min == 30
    assert appointment.documents == ["Mietvertrag", "Kontoauszüge"]
    assert event_kinds(engine) == ["appointment_booked"]
    data = engine.db.execute("SELECT data FROM events").fetchone()[0]
    assert "Erika" not in data and "1970" not in data and "0461" not in data and "Grundsicherung" not in data


def test_appointment_outside_office_hours_is_refused(engine):
    for start, minutes in [(at(7, 30), 15), (at(12, 0), 15), (at(11, 50), 30), (at(16, 0), 5),
                           (at(9, 0, date(2026, 11, 28)), 15), (at(9, 0, date(2026, 12, 25)), 15)]:
        with pytest.raises(InvalidInput):
            engine.book_appointment(service="notfall", starts_at=start, duration_min=minutes, staff="abraun")
    assert engine.db.execute("SELECT COUNT(*) FROM appointments").fetchone()[0] == 0


def test_appointment_ending_exactly_at_closing_is_accepted(engine):
    assert engine.book_appointment(service="erstantrag", starts_at=at(11, 30), staff="abraun").state == "booked"


def test_overlapping_appointment_for_the_same_caseworker_is_refused_with_slot_taken(engine):
    engine.book_appointment(service="erstantrag", starts_at=at(9), staff="abraun")  # 09:00–09:30
    for start in (at(9), at(9, 15), at(8, 45), at(9, 29)):
        with pytest.raises(SlotTaken):
            engine.book_appointment(service="erstantrag", starts_at=start, staff="abraun")
    with pytest.raises(SlotTaken):  # one long appointment around the other
        engine.book_appointment(service="erstantrag", starts_at=at(8, 40), duration_min=90, staff="abraun")
    assert engine.db.execute("SELECT COUNT(*) FROM appointments").fetchone()[0] == 1


def test_adjacent_appointments_and_other_caseworkers_are_not_overlaps(engine):
    engine.book_appointment(service="erstantrag", starts_at=at(9), staff="abraun")
    engine.book_appointment(service="erstantrag", starts_at=at(9, 30), staff="abraun")
    engine.book_appointment(service="erstantrag", starts_at=at(8, 30), staff="abraun")
    engine.book_appointment(service="erstantrag", starts_at=at(9), staff="hkoch")
    assert engine.db.execute("SELECT COUNT(*) FROM appointments").fetchone()[0] == 4


def test_cancelled_appointment_frees_its_slot(engine):
    first = engine.book_appointment(service="erstantrag", starts_at=at(9), staff="abraun")
    engine.cancel_appointment(first.id)
    assert engine.book_appointment(service="erstantrag", starts_at=at(9), staff="abraun").state == "booked"


def test_appointment_in_the_past_is_refused(engine, clock):
    clock.set(at(9, 1))
    with pytest.raises(InvalidInput):
        engine.book_appointment(service="erstantrag", starts_at=at(9), staff="abraun")


def test_appointment_needs_an_aware_start_time(engine):
    with pytest.raises(InvalidInput):
        engine.book_appointment(service="erstantrag", starts_at=datetime(2026, 11, 23, 9, 0))


def test_caseworker_must_handle_the_service_booked(engine, clock, tmp_path):
    from conftest import office_mapping
    from queue_core import Engine, Office, connect

    mapping = office_mapping()
    staff = [dict(s) for s in mapping["staff"]]
    staff[0]["services"] = ["unterlagen"]
    other = Engine(connect(tmp_path / "v.db"), Office.from_mapping(office_mapping(staff=staff)), clock)
    with pytest.raises(InvalidInput):
        other.book_appointment(service="erstantrag", starts_at=at(9), staff="abraun")
    other.db.close()


def test_cancel_appointment_is_recorded_and_its_code_no_longer_checks_in(engine):
    appointment = engine.book_appointment(service="erstantrag", starts_at=at(9), staff="abraun")
    assert engine.cancel_appointment(appointment.id, actor="abraun").state == "cancelled"
    assert event_kinds(engine) == ["appointment_booked", "appointment_cancelled"]
    with pytest.raises(UnknownCode):
        engine.check_in(appointment.code)
    with pytest.raises(InvalidTransition):
        engine.cancel_appointment(appointment.id)


def test_resolve_by_post_closes_the_appointment_without_a_visit(engine):
    appointment = engine.book_appointment(service="unterlagen", starts_at=at(9), staff="abraun")
    assert engine.resolve_by_post(appointment.id).state == "by_post"
    assert event_kinds(engine)[-1] == "appointment_by_post"
    with pytest.raises(UnknownCode):
        engine.check_in(appointment.code)


def test_checked_in_appointment_can_no_longer_be_cancelled_or_sent_by_post(engine):
    appointment = engine.book_appointment(service="unterlagen", starts_at=at(9), staff="abraun")
    engine.check_in(appointment.code)
    with pytest.raises(InvalidTransition):
        engine.cancel_appointment(appointment.id)
    with pytest.raises(InvalidTransition):
        engine.resolve_by_post(appointment.id)


def test_expire_missed_marks_appointments_not_checked_in_by_start_plus_tolerance(engine, clock):
    missed = engine.book_appointment(service="unterlagen", starts_at=at(8, 40), staff="abraun")
    on_time = engine.book_appointment(service="unterlagen", starts_at=at(8, 45), staff="abraun")
    arrived = engine.book_appointment(service="unterlagen", starts_at=at(8, 35), staff="hkoch")
    engine.check_in(arrived.code)
    clock.set(at(8, 55))  # exactly start + 15 min for 08:40: not yet missed
    assert engine.expire_missed() == []
    clock.set(at(8, 56))
    assert engine.expire_missed() == [missed.id]
    assert engine.appointment(missed.id).state == "missed"
    assert engine.appointment(on_time.id).state == "booked"
    assert engine.appointment(arrived.id).state == "checked_in"
    assert event_kinds(engine).count("appointment_missed") == 1
    assert engine.expire_missed() == []  # nothing twice
    assert event_kinds(engine).count("appointment_missed") == 1


def test_expire_missed_appends_one_event_per_appointment(engine, clock):
    ids = [engine.book_appointment(service="unterlagen", starts_at=at(9), staff=s).id
           for s in ("abraun", "hkoch", "pschulz")]
    clock.set(at(10))
    assert sorted(engine.expire_missed()) == sorted(ids)
    rows = engine.db.execute("SELECT appointment_id FROM events WHERE kind = 'appointment_missed'").fetchall()
    assert sorted(r[0] for r in rows) == sorted(ids)


def test_purge_erases_personal_fields_but_keeps_timings(engine, clock):
    appointment = engine.book_appointment(
        service="erstantrag", starts_at=at(9), staff="abraun", name="Erika Muster", birth_date="1970-01-01",
        phone="0461 1234", concern="Miete", notes="bringt Dolmetscher mit", documents=["Mietvertrag"])
    clock.set(at(8, 55))
    ticket = engine.check_in(appointment.code).ticket
    walk_in = engine.walk_in("notfall", initial="M").ticket
    engine.call_next("210", "abraun")
    clock.set(at(9, 1))
    engine.start(ticket.id)
    clock.set(at(9, 25))
    engine.finish(ticket.id, "done")
    recent = engine.book_appointment(service="erstantrag", starts_at=at(9, 0, MONDAY + timedelta(days=7)),
                                     staff="abraun", name="Max Neu")
    clock.set(at(9, 30, MONDAY + timedelta(days=8)))
    result = engine.purge()
    assert result.appointments == 1
    gone = engine.db.execute("SELECT name, birth_date, phone, concern, notes, documents, purged_at"
                             " FROM appointments WHERE id = ?", (appointment.id,)).fetchone()
    assert gone[:6] == (None,) * 6 and gone[6] is not None
    assert engine.appointment(recent.id).name == "Max Neu"  # not yet past its retention
    kept = engine.ticket(ticket.id)
    assert (kept.created_at, kept.called_at, kept.started_at, kept.finished_at) == (
        at(8, 55), at(8, 55), at(9, 1), at(9, 25))
    assert kept.outcome == "done" and kept.service == "erstantrag"
    assert engine.db.execute("SELECT initial FROM tickets WHERE id = ?", (walk_in.id,)).fetchone()[0] is None
    assert engine.appointment(appointment.id).starts_at == at(9)


def test_booking_with_a_duration_that_is_not_a_number_is_refused_as_bad_input(engine):
    with pytest.raises(InvalidInput):
        engine.book_appointment(service="unterlagen", starts_at=at(9), duration_min="lang")


def test_a_single_document_given_as_text_is_kept_whole(engine):
    appointment = engine.book_appointment(service="unterlagen", starts_at=at(9), documents="Mietvertrag")
    assert appointment.documents == ["Mietvertrag"]


def test_booking_lead_time_is_counted_in_office_days(engine, clock):
    # 00:30 on Tuesday in Berlin is still Monday in UTC: the same-day booking has lead 0, not 1.
    clock.set(at(0, 30, MONDAY + timedelta(days=1)))
    engine.book_appointment(service="unterlagen", starts_at=at(9, 0, MONDAY + timedelta(days=1)))
    lead = engine.db.execute("SELECT json_extract(data, '$.lead_days') FROM events"
                             " WHERE kind = 'appointment_booked'").fetchone()[0]
    assert lead == 0


def test_no_visit_needed_is_recorded_as_a_visit_avoided_that_cannot_be_checked_in(engine):
    from queue_core.errors import UnknownCode

    record = engine.record_no_visit(service="weiterbewilligung", staff="hkoch", name="Ida Martens",
                                    documents="Kontoauszüge", actor="hkoch")
    assert record.state == "by_post" and record.starts_at == engine.now()
    assert record.documents == ["Kontoauszüge"]
    kinds = [row["kind"] for row in engine.db.query("SELECT kind FROM events")]
    assert kinds == ["no_visit_needed"]
    with pytest.raises(UnknownCode):
        engine.check_in(record.code)


def test_rebooking_moves_the_appointment_and_keeps_its_code_and_details(engine):
    booked = engine.book_appointment(service="erstantrag", starts_at=at(10, 0), staff="abraun",
                                     name="Jana Albers", notes="Kontoauszüge fehlen")
    moved = engine.rebook_appointment(booked.id, starts_at=at(9, 0, MONDAY + timedelta(days=1)), actor="abraun")
    assert moved.code == booked.code and moved.name == "Jana Albers" and moved.notes == "Kontoauszüge fehlen"
    assert moved.starts_at == at(9, 0, MONDAY + timedelta(days=1)) and moved.state == "booked"
    assert event_kinds(engine)[-1] == "appointment_rebooked"
    # The old time is free again; the code checks in only at the new time.
    engine.book_appointment(service="erstantrag", starts_at=at(10, 0), staff="abraun")


def test_rebooking_within_its_own_slot_is_no_overlap_but_a_colleagues_slot_is(engine):
    booked = engine.book_appointment(service="erstantrag", starts_at=at(10, 0), staff="abraun")
    engine.rebook_appointment(booked.id, starts_at=at(10, 15))  # overlaps only itself
    engine.book_appointment(service="erstantrag", starts_at=at(11, 0), staff="hkoch")
    with pytest.raises(SlotTaken):
        engine.rebook_appointment(booked.id, starts_at=at(11, 0), staff="hkoch")
    assert engine.appointment(booked.id).starts_at == at(10, 15)


def test_only_booked_appointments_can_be_rebooked(engine):
    booked = engine.book_appointment(service="erstantrag", starts_at=at(10, 0), staff="abraun")
    engine.cancel_appointment(booked.id)
    with pytest.raises(InvalidTransition):
        engine.rebook_appointment(booked.id, starts_at=at(11, 0))
    with pytest.raises(InvalidInput):
        engine.rebook_appointment(engine.book_appointment(service="erstantrag", starts_at=at(10, 0)).id,
                                  starts_at=at(13, 0))  # the lunch break
