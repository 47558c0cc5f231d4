"""Free slots for phone booking: office hours, holidays, existing appointments, letters."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from queue_core import Office
from queue_core.errors import InvalidInput
from queue_core.slots import free_slots

from conftest import office_mapping

BERLIN = "Europe/Berlin"


def local(office, slot):
    return slot.starts_at.astimezone(office.timezone)


def test_slots_lie_in_office_hours_and_after_now(engine, office, clock):
    found = free_slots(engine.db, office, clock.now(), "erstantrag", staff="abraun", days=1)
    times = [local(office, s).strftime("%H:%M") for s in found]
    # Monday 08:30 now; hours 08–12 and 14–16; 30 min service on a 15 min grid
    assert times[0] == "08:30" and "11:30" in times and "11:45" not in times
    assert "14:00" in times and times[-1] == "15:30"
    assert all(s.starts_at >= clock.now() for s in found)
    assert {s.staff for s in found} == {"abraun"}


def test_booked_appointment_blocks_overlapping_slots(engine, office, clock):
    start = datetime(2026, 11, 23, 9, 0, tzinfo=office.timezone)
    engine.book_appointment(service="erstantrag", starts_at=start, staff="abraun", name="Albers")
    found = free_slots(engine.db, office, clock.now(), "erstantrag", staff="abraun", days=1)
    times = {local(office, s).strftime("%H:%M") for s in found}
    assert {"08:45", "09:00", "09:15"}.isdisjoint(times)
    assert {"08:30", "09:30"} <= times
    # a colleague is still free then
    other = free_slots(engine.db, office, clock.now(), "erstantrag", staff="hkoch", days=1)
    assert "09:00" in {local(office, s).strftime("%H:%M") for s in other}


def test_cancelled_appointment_frees_its_slot(engine, office, clock):
    start = datetime(2026, 11, 23, 9, 0, tzinfo=office.timezone)
    booked = engine.book_appointment(service="erstantrag", starts_at=start, staff="abraun", name="Albers")
    engine.cancel_appointment(booked.id)
    found = free_slots(engine.db, office, clock.now(), "erstantrag", staff="abraun", days=1)
    assert "09:00" in {local(office, s).strftime("%H:%M") for s in found}


def test_seven_days_skip_weekend_and_holidays(engine, clock):
    # 2026-11-25 closed by configuration; weekend has no hours
    office = Office.from_mapping(office_mapping(closures=["2026-11-25"]))
    found = free_slots(engine.db, office, clock.now(), "unterlagen", staff="pschulz", days=7)
    days = sorted({local(office, s).date().isoformat() for s in found})
    assert days == ["2026-11-23", "2026-11-24", "2026-11-26", "2026-11-27"]


def test_public_holiday_has_no_slots(engine, office):
    # Thursday 2026-12-24 after closing; Friday 2026-12-25 is Christmas; then the weekend
    now = datetime(2026, 12, 24, 17, 30, tzinfo=timezone.utc)
    assert free_slots(engine.db, office, now, "unterlagen", days=4) == []
    found = free_slots(engine.db, office, now, "unterlagen", days=5)
    assert {local(office, s).date().isoformat() for s in found} == {"2026-12-28"}


def test_initial_proposes_the_responsible_caseworker(engine, office, clock):
    found = free_slots(engine.db, office, clock.now(), "erstantrag", initial="Ö", days=1)
    assert {s.staff for s in found} == {"hkoch"}
    everyone = free_slots(engine.db, office, clock.now(), "erstantrag", days=1)
    assert {s.staff for s in everyone} == {"abraun", "hkoch", "pschulz"}


def test_daylight_saving_day_keeps_wall_clock_times(engine):
    office = Office.from_mapping(office_mapping(hours={"sun": ["08:00-10:00"]}, holidays=""))
    now = datetime(2026, 3, 29, 0, 0, tzinfo=timezone.utc)  # DST starts this Sunday in Berlin
    found = free_slots(engine.db, office, now, "erstantrag", staff="abraun", days=1, step_min=30)
    assert [local(office, s).strftime("%H:%M") for s in found] == ["08:00", "08:30", "09:00", "09:30"]


@pytest.mark.parametrize("kwargs", [
    {"service": "nope"}, {"service": "erstantrag", "staff": "nobody"}, {"service": "erstantrag", "days": 0},
    {"service": "erstantrag", "days": 99}, {"service": "erstantrag", "step_min": 1},
    {"service": "erstantrag", "duration_min": 0}, {"service": "erstantrag", "initial": "1"},
])
def test_bad_input_is_refused(engine, office, clock, kwargs):
    with pytest.raises(InvalidInput):
        free_slots(engine.db, office, clock.now(), **kwargs)


def test_limit_and_order(engine, office, clock):
    found = free_slots(engine.db, office, clock.now(), "unterlagen", days=7, limit=10)
    assert len(found) == 10
    assert found == sorted(found, key=lambda s: (s.starts_at, s.staff))
