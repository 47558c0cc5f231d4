"""Office-local days and opening hours: every calendar question the engine asks goes through here."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache

import holidays as holidays_lib

from .office import WEEKDAYS, Interval, Office


@dataclass(frozen=True)
class Opening:
    """One opening interval of one day, as UTC instants."""

    start: datetime
    end: datetime

    def contains(self, instant: datetime) -> bool:
        return self.start <= instant < self.end


def local_day(office: Office, instant: datetime) -> date:
    return instant.astimezone(office.timezone).date()


def wall_clock(office: Office, when: datetime | None, fmt: str = "%H:%M") -> str | None:
    """An instant as the office's wall clock shows it (None stays None)."""
    return None if when is None else when.astimezone(office.timezone).strftime(fmt)


def local_instant(office: Office, day: date, at: time) -> datetime:
    """A wall-clock time on an office day as UTC; 24:00 is the next midnight."""
    if at == time.max:
        return local_instant(office, day + timedelta(days=1), time(0, 0))
    return datetime.combine(day, at, tzinfo=office.timezone).astimezone(timezone.utc)


@lru_cache(maxsize=32)
def _holiday_calendar(region: str, year: int):
    country, _, subdiv = region.partition("-")
    return holidays_lib.country_holidays(country, subdiv=subdiv or None, years=year)


def holiday_name(office: Office, day: date) -> str | None:
    """The public holiday on that day (or a configured closure), else None."""
    if day.isoformat() in office.closures:
        return "closed"
    if not office.holidays:
        return None
    return _holiday_calendar(office.holidays, day.year).get(day)


def intervals_of(office: Office, day: date) -> tuple[Interval, ...]:
    if holiday_name(office, day):
        return ()
    return office.hours.get(WEEKDAYS[day.weekday()], ())


def openings(office: Office, day: date) -> list[Opening]:
    return [Opening(local_instant(office, day, i.start), local_instant(office, day, i.end))
            for i in intervals_of(office, day)]


def booking_openings(office: Office, day: date) -> list[Opening]:
    """The openings of a day in which appointments are offered: ``booking_hours`` inside the opening
    hours (a demo office open around the clock still books like a real one), else the openings."""
    opened = openings(office, day)
    if not any(office.booking_hours.values()) or not opened:
        return opened
    bookable = [Opening(local_instant(office, day, i.start), local_instant(office, day, i.end))
                for i in office.booking_hours.get(WEEKDAYS[day.weekday()], ())]
    return [Opening(max(o.start, b.start), min(o.end, b.end)) for o in opened for b in bookable
            if max(o.start, b.start) < min(o.end, b.end)]


def opening_at(office: Office, instant: datetime) -> Opening | None:
    """The opening interval that contains the instant, if the office is open then."""
    for opening in openings(office, local_day(office, instant)):
        if opening.contains(instant):
            return opening
    return None


def remaining_open_minutes(office: Office, instant: datetime) -> float:
    """Open minutes left today from the instant on (counting later intervals of the day too)."""
    total = 0.0
    for opening in openings(office, local_day(office, instant)):
        if opening.end > instant:
            total += (opening.end - max(opening.start, instant)).total_seconds() / 60
    return total


def next_opening(office: Office, instant: datetime, horizon_days: int = 14) -> Opening | None:
    day = local_day(office, instant)
    for offset in range(horizon_days + 1):
        for opening in openings(office, day + timedelta(days=offset)):
            if opening.end > instant:
                return opening
    return None


def fits_hours(office: Office, start: datetime, minutes: int) -> bool:
    """Does an appointment of this length lie wholly inside one opening interval?"""
    end = start + timedelta(minutes=minutes)
    return any(o.start <= start and end <= o.end for o in openings(office, local_day(office, start)))


def hours_text(office: Office) -> dict[str, list[str]]:
    """Opening hours per weekday as 'HH:MM-HH:MM' strings, for screens and refusals."""
    def fmt(t: time) -> str:
        return "24:00" if t == time.max else t.strftime("%H:%M")
    return {day: [f"{fmt(i.start)}-{fmt(i.end)}" for i in office.hours.get(day, ())] for day in WEEKDAYS}
