"""Office-local days and hours, including the daylight-saving changes of 2026
(Europe/Berlin: 2026-03-29 02:00 CET → 03:00 CEST, 2026-10-25 03:00 CEST → 02:00 CET)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from conftest import office_mapping
from queue_core import Engine, ManualClock, Office, connect
from queue_core.errors import IntakeClosed, InvalidInput
from queue_core.schedule import (fits_hours, holiday_name, local_day, local_instant, next_opening, opening_at,
                                 openings, remaining_open_minutes)

BERLIN = ZoneInfo("Europe/Berlin")
ALL_DAY = {d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
SPRING, AUTUMN = date(2026, 3, 29), date(2026, 10, 25)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def round_the_clock_engine(tmp_path, start: datetime) -> tuple[Engine, ManualClock]:
    """Open day and night with no cutoff, quick visits, many caseworkers: only the day decides numbers."""
    office = Office.from_mapping(office_mapping(
        hours=ALL_DAY, walk_in_cutoff_min=0, holidays="",
        services=[{"key": "quick", "name": "Quick", "prefix": "Q", "minutes": 1}],
        staff=[{"username": f"cw{i}", "name": f"CW {i}", "services": ["quick"]} for i in range(4)]))
    clock = ManualClock(start)
    return Engine(connect(tmp_path / "dst.db"), office, clock), clock


# --- office-local day --------------------------------------------------------------------------

def test_local_day_changes_at_local_midnight_not_utc_midnight(office):
    # Winter (CET, UTC+1): local midnight is 23:00 UTC of the day before.
    assert local_day(office, utc(2026, 11, 23, 22, 59)) == date(2026, 11, 23)
    assert local_day(office, utc(2026, 11, 23, 23, 0)) == date(2026, 11, 24)
    # Summer (CEST, UTC+2): local midnight is 22:00 UTC.
    assert local_day(office, utc(2026, 7, 1, 21, 59)) == date(2026, 7, 1)
    assert local_day(office, utc(2026, 7, 1, 22, 0)) == date(2026, 7, 2)


def test_local_day_around_the_spring_change(office):
    # 29 March starts at 23:00 UTC (CET) and ends at 22:00 UTC (CEST): a 23-hour day.
    assert local_day(office, utc(2026, 3, 28, 22, 59, 59)) == date(2026, 3, 28)
    assert local_day(office, utc(2026, 3, 28, 23, 0)) == SPRING
    assert local_day(office, utc(2026, 3, 29, 1, 30)) == SPRING  # 03:30 CEST, just after the jump
    assert local_day(office, utc(2026, 3, 29, 21, 59, 59)) == SPRING
    assert local_day(office, utc(2026, 3, 29, 22, 0)) == date(2026, 3, 30)


def test_local_day_around_the_autumn_change(office):
    # 25 October starts at 22:00 UTC (CEST) and ends at 23:00 UTC (CET): a 25-hour day.
    assert local_day(office, utc(2026, 10, 24, 21, 59, 59)) == date(2026, 10, 24)
    assert local_day(office, utc(2026, 10, 24, 22, 0)) == AUTUMN
    assert local_day(office, utc(2026, 10, 25, 0, 30)) == AUTUMN  # first 02:30 (CEST)
    assert local_day(office, utc(2026, 10, 25, 1, 30)) == AUTUMN  # second 02:30 (CET)
    assert local_day(office, utc(2026, 10, 25, 22, 59, 59)) == AUTUMN
    assert local_day(office, utc(2026, 10, 25, 23, 0)) == date(2026, 10, 26)


def test_midnight_and_24_00_are_utc_instants_of_the_right_offset(office):
    assert local_instant(office, SPRING, time(0, 0)) == utc(2026, 3, 28, 23, 0)
    assert local_instant(office, SPRING, time.max) == utc(2026, 3, 29, 22, 0)  # 24:00 = next midnight
    assert local_instant(office, AUTUMN, time(0, 0)) == utc(2026, 10, 24, 22, 0)
    assert local_instant(office, AUTUMN, time.max) == utc(2026, 10, 25, 23, 0)


# --- ticket numbers reset at local midnight across the change ----------------------------------

def test_ticket_numbers_reset_at_local_midnight_into_the_spring_change(tmp_path):
    engine, clock = round_the_clock_engine(tmp_path, utc(2026, 3, 28, 22, 50))  # 23:50 CET Saturday
    assert engine.walk_in("quick").ticket.number == "Q 001"
    clock.set(utc(2026, 3, 28, 22, 58))
    assert engine.walk_in("quick").ticket.number == "Q 002"
    clock.set(utc(2026, 3, 28, 23, 0))  # 00:00 CET Sunday 29 March
    first = engine.walk_in("quick").ticket
    assert (first.number, first.day) == ("Q 001", "2026-03-29")
    clock.set(utc(2026, 3, 29, 1, 0))  # 03:00 CEST, right after the jump: still the same day
    assert engine.walk_in("quick").ticket.number == "Q 002"
    clock.set(utc(2026, 3, 29, 21, 58))  # 23:58 CEST
    assert engine.walk_in("quick").ticket.number == "Q 003"
    clock.set(utc(2026, 3, 29, 22, 0))  # 00:00 CEST Monday
    monday = engine.walk_in("quick").ticket
    assert (monday.number, monday.day) == ("Q 001", "2026-03-30")
    engine.db.close()


def test_ticket_numbers_reset_at_local_midnight_across_the_autumn_change(tmp_path):
    engine, clock = round_the_clock_engine(tmp_path, utc(2026, 10, 24, 21, 58))  # 23:58 CEST Saturday
    assert engine.walk_in("quick").ticket.day == "2026-10-24"
    clock.set(utc(2026, 10, 24, 22, 0))  # 00:00 CEST Sunday 25 October
    assert engine.walk_in("quick").ticket.number == "Q 001"
    clock.set(utc(2026, 10, 25, 0, 30))  # 02:30 CEST
    assert engine.walk_in("quick").ticket.number == "Q 002"
    clock.set(utc(2026, 10, 25, 1, 30))  # 02:30 CET, the repeated hour: numbering goes on
    assert engine.walk_in("quick").ticket.number == "Q 003"
    clock.set(utc(2026, 10, 25, 22, 30))  # 23:30 CET, a UTC-day-based count would have reset
    late = engine.walk_in("quick").ticket
    assert (late.number, late.day) == ("Q 004", "2026-10-25")
    clock.set(utc(2026, 10, 25, 23, 0))  # 00:00 CET Monday
    monday = engine.walk_in("quick").ticket
    assert (monday.number, monday.day) == ("Q 001", "2026-10-26")
    engine.db.close()


# --- opening hours across the change --------------------------------------------------------

def test_opening_hours_are_wall_clock_hours_on_both_sides_of_the_change(office):
    # Monday 08:00–12:00 is 07:00–11:00 UTC in winter and 06:00–10:00 UTC in summer.
    before = openings(office, date(2026, 3, 23))[0]
    after = openings(office, date(2026, 3, 30))[0]
    assert (before.start, before.end) == (utc(2026, 3, 23, 7), utc(2026, 3, 23, 11))
    assert (after.start, after.end) == (utc(2026, 3, 30, 6), utc(2026, 3, 30, 10))
    autumn = openings(office, date(2026, 10, 26))[0]
    assert (autumn.start, autumn.end) == (utc(2026, 10, 26, 7), utc(2026, 10, 26, 11))


def test_all_day_opening_lasts_23_and_25_hours_on_the_change_days():
    office = Office.from_mapping(office_mapping(hours=ALL_DAY, holidays=""))
    spring, = openings(office, SPRING)
    autumn, = openings(office, AUTUMN)
    assert spring.end - spring.start == timedelta(hours=23)
    assert autumn.end - autumn.start == timedelta(hours=25)
    assert remaining_open_minutes(office, utc(2026, 3, 29, 10, 0)) == 12 * 60  # 12:00 CEST → 24:00
    assert remaining_open_minutes(office, utc(2026, 10, 25, 10, 0)) == 13 * 60  # 11:00 CET → 24:00


def test_sunday_hours_spanning_the_jump_are_counted_in_real_time():
    office = Office.from_mapping(office_mapping(hours={"sun": ["01:00-04:00"]}, holidays=""))
    spring, = openings(office, SPRING)  # 02:00–03:00 does not exist that night
    autumn, = openings(office, AUTUMN)  # 02:00–03:00 happens twice
    assert spring.end - spring.start == timedelta(hours=2)
    assert autumn.end - autumn.start == timedelta(hours=4)


def test_walk_in_hours_follow_local_time_on_the_monday_after_the_spring_change(tmp_path):
    clock = ManualClock(utc(2026, 3, 30, 5, 59))  # 07:59 CEST
    engine = Engine(connect(tmp_path / "s.db"), Office.from_mapping(office_mapping()), clock)
    with pytest.raises(IntakeClosed):
        engine.walk_in("notfall")
    clock.set(utc(2026, 3, 30, 6, 0))  # 08:00 CEST
    assert engine.walk_in("notfall").created
    engine.db.close()


def test_appointment_booking_follows_local_hours_after_the_autumn_change(tmp_path):
    clock = ManualClock(utc(2026, 10, 20, 8))
    engine = Engine(connect(tmp_path / "a.db"), Office.from_mapping(office_mapping()), clock)
    # 06:30 UTC was 08:30 CEST (open) before the change; on Monday 26 October it is 07:30 CET (closed).
    with pytest.raises(InvalidInput):
        engine.book_appointment(service="notfall", starts_at=utc(2026, 10, 26, 6, 30))
    booked = engine.book_appointment(service="notfall", starts_at=utc(2026, 10, 26, 7, 0))  # 08:00 CET
    assert booked.starts_at == utc(2026, 10, 26, 7, 0)
    engine.db.close()


# --- hours, holidays, closures ---------------------------------------------------------------------

def test_opening_at_knows_the_lunch_break(office):
    monday = date(2026, 11, 23)
    assert opening_at(office, local(monday, 11, 59)) is not None
    assert opening_at(office, local(monday, 12, 0)) is None  # end is exclusive
    assert opening_at(office, local(monday, 14, 0)).end == local(monday, 16, 0)


def test_appointment_must_lie_within_one_opening_interval(office):
    monday = date(2026, 11, 23)
    assert fits_hours(office, local(monday, 11, 30), 30)
    assert not fits_hours(office, local(monday, 11, 45), 30)
    assert not fits_hours(office, local(monday, 11, 55), 150)  # across lunch into the afternoon


def test_public_holidays_of_the_region_are_closed(office):
    good_friday = date(2026, 4, 3)
    assert holiday_name(office, good_friday)
    assert openings(office, good_friday) == []
    assert openings(office, date(2026, 4, 2))  # Thursday before is open


def test_configured_closure_day_is_closed():
    office = Office.from_mapping(office_mapping(closures=["2026-11-24"]))
    assert openings(office, date(2026, 11, 24)) == []
    assert openings(office, date(2026, 11, 25))


def test_next_opening_skips_weekend_and_holidays(office):
    thursday_evening = local(date(2026, 12, 24), 18, 30)  # after hours; 25/26 Dec are holidays
    upcoming = next_opening(office, thursday_evening)
    assert upcoming.start == local(date(2026, 12, 28), 8, 0)


def test_opening_hours_that_overlap_or_run_backwards_are_refused():
    with pytest.raises(InvalidInput):
        Office.from_mapping(office_mapping(hours={"mon": ["08:00-12:00", "11:00-13:00"]}))
    with pytest.raises(InvalidInput):
        Office.from_mapping(office_mapping(hours={"mon": ["12:00-08:00"]}))
    with pytest.raises(InvalidInput):
        Office.from_mapping(office_mapping(hours={"mon": ["08:00-24:30"]}))
