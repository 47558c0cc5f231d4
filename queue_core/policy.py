"""Who is next for a caseworker: the one place that decides.

1. Due appointments (from start − early window) of this caseworker, earliest start, then check-in.
2. Walk-ins first come first served, but only one whose expected time fits before the
   caseworker's next appointment, so a walk-in never makes an appointment wait.
3. An early, checked-in appointment when the caseworker would otherwise idle.

Every query runs on an index, so the decision stays in microseconds with a long history.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlite_utils import Database

from .clock import from_db, to_db
from .models import Reason
from .needs import narrowed
from .office import Caseworker, Office
from .schedule import local_day


def _placeholders(values) -> str:
    return ",".join("?" for _ in values)


def appointment_filter(caseworker: Caseworker) -> tuple[str, list]:
    """Appointment tickets this caseworker may take: their own, or unassigned ones of their services."""
    services = list(caseworker.services)
    sql = f"(staff = ? OR (staff IS NULL AND service IN ({_placeholders(services)})))"
    return sql, [caseworker.username, *services]


def walk_in_filter(caseworker: Caseworker) -> tuple[str, list]:
    """Walk-ins this caseworker may take: sent to them, or of their services and surname letters."""
    services = list(caseworker.services)
    sql = f"(staff = ? OR (staff IS NULL AND service IN ({_placeholders(services)})"
    params: list = [caseworker.username, *services]
    if caseworker.letters:
        letters = sorted(caseworker.letters)
        sql += f" AND (initial IS NULL OR initial IN ({_placeholders(letters)}))"
        params += letters
    return sql + "))", params


def first_appointment(db: Database, office: Office, caseworker: Caseworker,
                      due_until: datetime | None, day: str, desk: str | None = None) -> int | None:
    where, params = narrowed(appointment_filter(caseworker), office, desk)
    bound = ""
    if due_until is not None:
        bound = " AND appointment_start <= ?"
        params.append(to_db(due_until))
    row = db.execute(
        "SELECT id FROM tickets WHERE location = ? AND state = 'waiting' AND kind = 'appointment'"
        f" AND day = ? AND {where}{bound} ORDER BY appointment_start, created_at, id LIMIT 1",
        [office.location, day, *params],
    ).fetchone()
    return row[0] if row else None


def next_appointment_start(db: Database, caseworker: Caseworker, now: datetime) -> datetime | None:
    """The start of this caseworker's next appointment still to come (booked, or checked in and waiting).

    Appointments whose start has passed without a check-in do not hold a walk-in back: the
    visitor is late, and will be treated by the late-arrival rule.
    """
    booked = db.execute(
        "SELECT MIN(starts_at) FROM appointments WHERE staff = ? AND state = 'booked' AND starts_at > ?",
        (caseworker.username, to_db(now)),
    ).fetchone()[0]
    waiting = db.execute(
        "SELECT MIN(appointment_start) FROM tickets WHERE staff = ? AND state = 'waiting'"
        " AND kind = 'appointment' AND appointment_start > ?",
        (caseworker.username, to_db(now)),
    ).fetchone()[0]
    starts = [from_db(s) for s in (booked, waiting) if s]
    return min(starts) if starts else None


def first_walk_in(db: Database, office: Office, caseworker: Caseworker,
                  max_minutes: float | None, day: str, desk: str | None = None) -> int | None:
    where, params = narrowed(walk_in_filter(caseworker), office, desk)
    bound = ""
    if max_minutes is not None:
        bound = " AND minutes <= ?"
        params.append(max_minutes)
    row = db.execute(
        "SELECT id FROM tickets WHERE location = ? AND state = 'waiting' AND kind = 'walk_in'"
        f" AND day = ? AND {where}{bound} ORDER BY created_at, id LIMIT 1",
        [office.location, day, *params],
    ).fetchone()
    return row[0] if row else None


def choose_next(db: Database, office: Office, caseworker: Caseworker,
                now: datetime, desk: str | None = None) -> tuple[int, Reason] | None:
    """The ticket this caseworker should call now, and why; None when nobody is eligible.

    Tickets of earlier office-local days are no candidates: numbers restart every day, and a
    ticket left waiting at yesterday's closing must not be called (or share a number) today.
    """
    day = local_day(office, now).isoformat()
    due_until = now + timedelta(minutes=office.early_window_min)
    ticket_id = first_appointment(db, office, caseworker, due_until, day, desk)
    if ticket_id is not None:
        return ticket_id, Reason("appointment_due")
    next_start = next_appointment_start(db, caseworker, now)
    gap = None if next_start is None else (next_start - now).total_seconds() / 60
    ticket_id = first_walk_in(db, office, caseworker, gap, day, desk)
    if ticket_id is not None:
        if next_start is None:
            return ticket_id, Reason("walk_in")
        return ticket_id, Reason("walk_in_fits", fits_before=next_start)
    ticket_id = first_appointment(db, office, caseworker, None, day, desk)
    if ticket_id is not None:
        return ticket_id, Reason("appointment_early")
    return None
