"""Facts for the evaluation: the period asked for, and tickets/appointments/intake stops read
from the store with the first call of each ticket taken from the event log.

Nothing here reads a personal field, so retention never changes what it returns.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlite_utils import Database

from .clock import from_db, to_db
from .errors import InvalidInput
from .office import Office
from .schedule import local_day, local_instant

MAX_RANGE_DAYS = 366
# Events that end a caseworker's time with a ticket at a desk.
_ENDS_BUSY = ("finished", "no_show", "requeued", "transferred", "ticket_cancelled")
_TICKET_EVENTS = ("called", "started", *_ENDS_BUSY)


def _minutes(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 60

# ---------------------------------------------------------------- the period asked for

@dataclass(frozen=True)
class Period:
    """Office-local days ``first`` … ``last`` (both included); ``location`` None means every location."""

    first: date
    last: date
    location: str | None = None

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def dates(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range(self.days)]


def make_period(first: date, last: date, location: str | None = None) -> Period:
    """A checked period: ``first ≤ last`` and at most MAX_RANGE_DAYS days (InvalidInput otherwise)."""
    if first > last:
        raise InvalidInput("'from' lies after 'to'", field="from")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise InvalidInput(f"choose at most {MAX_RANGE_DAYS} days", field="to")
    if location is not None and (not isinstance(location, str) or not 0 < len(location) <= 64):
        raise InvalidInput("location must be a short name", field="location")
    return Period(first, last, location or None)


def parse_day(text: str | None, name: str) -> date | None:
    """'2026-11-23' → date; empty → None; anything else → InvalidInput naming the parameter."""
    if text is None or str(text).strip() == "":
        return None
    text = str(text).strip()
    try:
        if len(text) != 10:
            raise ValueError
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"'{name}' must be a date like 2026-11-23", field=name) from None
    if not 2000 <= day.year <= 2999:
        raise InvalidInput(f"'{name}' is not a plausible date", field=name)
    return day


def default_last_day(db: Database, office: Office, now: datetime, location: str | None = None) -> date:
    """Today, or the last day with a ticket if that lies later (a simulated week may lie ahead)."""
    today = local_day(office, now)
    sql = "SELECT MAX(day) FROM tickets" + (" WHERE location = ?" if location else "")
    found = db.execute(sql, (location,) if location else ()).fetchone()[0]
    latest = date.fromisoformat(found) if found else today
    return max(today, latest)


def period_from_query(db: Database, office: Office, now: datetime, from_text: str | None,
                      to_text: str | None, location: str | None = None) -> Period:
    """The period of a request's ``from``/``to``/``location``; missing ends default to a week."""
    first, last = parse_day(from_text, "from"), parse_day(to_text, "to")
    location = (location or "").strip() or None
    if last is None:
        last = first + timedelta(days=6) if first else default_last_day(db, office, now, location)
    if first is None:
        first = last - timedelta(days=6)
    return make_period(first, last, location)


def locations(db: Database) -> list[str]:
    """Every location that has tickets or appointments (for a choice on the report page)."""
    found = {r[0] for r in db.execute("SELECT DISTINCT location FROM tickets UNION"
                                      " SELECT DISTINCT location FROM appointments").fetchall()}
    return sorted(found)



# ---------------------------------------------------------------- facts from the store

@dataclass
class TicketFacts:
    """One ticket with its first call and its time at desks, all read from tickets + event log."""

    id: int
    kind: str
    service: str
    staff: str | None  # the appointment's caseworker
    state: str
    outcome: str | None
    day: date
    checked_in: datetime
    appointment_start: datetime | None
    server: str | None  # who called it last (who served it / marked the no-show)
    started: datetime | None
    finished: datetime | None
    first_call: datetime | None = None
    first_caller: str | None = None
    service_start: datetime | None = None  # 'started' after the last call, else the last call
    busy: list[tuple[str, datetime, datetime]] = field(default_factory=list)  # (desk, from, to)

    @property
    def wait(self) -> float | None:
        """Check-in → first call, minutes."""
        return _minutes(self.first_call, self.checked_in) if self.first_call else None

    @property
    def service_minutes(self) -> float | None:
        """Finished visits: from 'start' (or, when staff did not press start, from the last call) to the end."""
        if self.state != "done" or self.finished is None or self.service_start is None:
            return None
        return _minutes(self.finished, self.service_start)

    @property
    def delay(self) -> float | None:
        """Appointments only: first call − max(start, check-in), minutes (negative = called early)."""
        if self.kind != "appointment" or self.first_call is None or self.appointment_start is None:
            return None
        return _minutes(self.first_call, max(self.appointment_start, self.checked_in))


@dataclass(frozen=True)
class AppointmentFacts:
    id: int
    service: str
    staff: str | None
    state: str
    day: date
    lead_days: int
    no_visit: bool = False  # a call recorded as "no visit needed" (Booking.record_no_visit), not a booking
    online: bool = False  # booked, or triaged to the post, online (actor "online", queue_core.online)


@dataclass(frozen=True)
class IntakeStop:
    at: datetime
    day: date
    reason: str


@dataclass
class Facts:
    period: Period
    tickets: list[TicketFacts]
    appointments: list[AppointmentFacts]
    stops: list[IntakeStop]
    # (desk, office-local day) → when a caseworker first took the desk that day (``Calls.staff_desk``)
    staffed_from: dict[tuple[str, date], datetime] = field(default_factory=dict)


def _utc_bounds(office: Office, period: Period) -> tuple[str, str]:
    return (to_db(local_instant(office, period.first, time(0, 0))),
            to_db(local_instant(office, period.last + timedelta(days=1), time(0, 0))))


def load_facts(db: Database, office: Office, period: Period) -> Facts:
    """Read what the evaluation needs for the period (no personal field is selected)."""
    where_location = " AND location = ?" if period.location else ""
    loc = (period.location,) if period.location else ()
    ticket_rows = db.execute(
        "SELECT id, kind, service, staff, state, outcome, day, created_at, appointment_start, called_by,"
        " started_at, finished_at FROM tickets WHERE day >= ? AND day <= ?" + where_location + " ORDER BY id",
        (period.first.isoformat(), period.last.isoformat(), *loc)).fetchall()
    tickets: dict[int, TicketFacts] = {}
    for (tid, kind, service, staff, state, outcome, day, created, start, called_by, started,
         finished) in ticket_rows:
        tickets[tid] = TicketFacts(tid, kind, service, staff, state, outcome, date.fromisoformat(day),
                                   from_db(created), from_db(start), called_by, from_db(started),
                                   from_db(finished))
    if tickets:
        first_id, last_id = min(tickets), max(tickets)
        open_call: dict[int, tuple[str, datetime]] = {}
        for tid, kind, at, desk, actor in db.execute(
                "SELECT ticket_id, kind, at, desk, actor FROM events WHERE ticket_id BETWEEN ? AND ?"
                f" AND kind IN ({','.join('?' * len(_TICKET_EVENTS))}) ORDER BY seq",
                (first_id, last_id, *_TICKET_EVENTS)).fetchall():
            ticket = tickets.get(tid)
            if ticket is None:
                continue
            when = from_db(at)
            if kind == "called":
                if ticket.first_call is None:
                    ticket.first_call, ticket.first_caller = when, actor
                open_call[tid] = (desk, when)
                ticket.service_start = when
            elif kind == "started":
                ticket.service_start = when
            elif tid in open_call:
                desk_key, since = open_call.pop(tid)
                if desk_key:
                    ticket.busy.append((desk_key, since, when))
    low, high = _utc_bounds(office, period)
    # "No visit needed" calls are stored as appointments resolved by post at the time of the call;
    # their event tells them apart from real appointments.
    no_visit = {r[0] for r in db.execute(
        "SELECT appointment_id FROM events WHERE at >= ? AND at < ? AND kind = 'no_visit_needed'"
        + where_location, (low, high, *loc)).fetchall()}
    appointments = []
    for aid, service, staff, state, starts, booked, booked_by in db.execute(
            "SELECT id, service, staff, state, starts_at, booked_at, booked_by FROM appointments"
            " WHERE starts_at >= ? AND starts_at < ?" + where_location + " ORDER BY starts_at, id",
            (low, high, *loc)).fetchall():
        day = local_day(office, from_db(starts))
        appointments.append(AppointmentFacts(aid, service, staff, state, day,
                                             (day - local_day(office, from_db(booked))).days, aid in no_visit,
                                             booked_by == "online"))
    stops = []
    for at, data in db.execute(
            "SELECT at, data FROM events WHERE at >= ? AND at < ? AND kind = 'intake_stopped'" + where_location
            + " ORDER BY seq", (low, high, *loc)).fetchall():
        when = from_db(at)
        stops.append(IntakeStop(when, local_day(office, when), json.loads(data or "{}").get("reason", "")))
    staffed_from: dict[tuple[str, date], datetime] = {}
    for at, desk in db.execute(
            "SELECT at, desk FROM events WHERE at >= ? AND at < ? AND kind = 'desk_staffed'" + where_location
            + " ORDER BY seq", (low, high, *loc)).fetchall():
        when = from_db(at)
        staffed_from.setdefault((desk, local_day(office, when)), when)
    return Facts(period, list(tickets.values()), appointments, stops, staffed_from)


# ---------------------------------------------------------------- the figures

