"""Read-only views of the office's day: the lists the desk and the status page show.

The engine's commands change state; these functions only read it, so a surface never needs
SQL of its own ("a surface never writes SQL"). They take the store, the office and, where the
answer depends on "today", the instant — never a Flask object — and hand back the engine's
models or plain dicts. Shaping them for a page or JSON is the surface's job.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlite_utils import Database

from .clock import from_db, to_db
from .models import TICKET_KINDS, Appointment, Ticket
from .office import Caseworker, Office
from . import policy
from .schedule import local_day, local_instant
from .store import one, rows



@dataclass(frozen=True)
class DayAppointment:
    """An appointment with its ticket's number and state (None before check-in)."""

    appointment: Appointment
    ticket_number: str | None
    ticket_state: str | None


@dataclass(frozen=True)
class CallReason:
    """Why the last call of a ticket happened, as the policy (or the override) recorded it."""

    code: str | None
    note: str | None
    fits_before: datetime | None = None


def day_bounds(office: Office, day: date) -> tuple[datetime, datetime]:
    """The office-local day as a half-open UTC range [midnight, next midnight) — 23 or 25 hours on DST days."""
    return local_instant(office, day, time(0, 0)), local_instant(office, day + timedelta(days=1), time(0, 0))


def day_appointments(db: Database, office: Office, day: date, staff: str | None = None) -> list[DayAppointment]:
    """The appointments of one office-local day (of one caseworker if ``staff``), by start time.

    Personal fields are included: only staff surfaces may show them, and they record the reading.
    """
    start, end = day_bounds(office, day)
    sql = ("SELECT a.*, t.number AS t_number, t.state AS t_state FROM appointments a"
           " LEFT JOIN tickets t ON t.id = a.ticket_id"
           " WHERE a.location = ? AND a.starts_at >= ? AND a.starts_at < ?")
    params: list[Any] = [office.location, to_db(start), to_db(end)]
    if staff is not None:
        sql += " AND a.staff = ?"
        params.append(staff)
    result = []
    for row in rows(db, sql + " ORDER BY a.starts_at, a.id", params):
        number, state = row.pop("t_number"), row.pop("t_state")
        result.append(DayAppointment(Appointment.from_row(row), number, state if number else None))
    return result


def waiting_for(db: Database, office: Office, now: datetime, caseworker: Caseworker) -> list[Ticket]:
    """Today's waiting tickets this caseworker may call: appointments by start, then walk-ins in
    line order (urgent first, then by arrival).

    The rules are the policy's own, so the list never shows a ticket the caseworker cannot call.
    """
    line = policy.load_line(db, office, now, caseworker)
    appointments = sorted((a for a in line.waiting if policy.takes_appointment(caseworker, a)),
                          key=lambda a: (a.start, a.arrived, a.ticket))
    ids = [a.ticket for a in appointments] + [w.id for w in policy.walk_in_candidates(line, caseworker)]
    if not ids:
        return []
    found = {r["id"]: Ticket.from_row(r) for r in rows(
        db, f"SELECT * FROM tickets WHERE id IN ({','.join('?' * len(ids))})", ids)}
    return [found[i] for i in ids]


def waiting_all(db: Database, office: Office, now: datetime) -> list[Ticket]:
    """All of today's waiting tickets by arrival (for a signed-in account that is no caseworker)."""
    found = rows(db, "SELECT * FROM tickets WHERE location = ? AND state = 'waiting' AND day = ?"
                 " ORDER BY created_at, id", [office.location, local_day(office, now).isoformat()])
    return [Ticket.from_row(r) for r in found]


def waiting_counts(db: Database, location: str, day: date | None = None) -> dict[str, int]:
    """How many tickets wait, per kind (both kinds always present); of one day if ``day``, else of any day.

    Counts only: safe for public pages (status page, health check, board).
    """
    sql = "SELECT kind, COUNT(*) FROM tickets WHERE location = ? AND state = 'waiting'"
    params: list[Any] = [location]
    if day is not None:
        sql += " AND day = ?"
        params.append(day.isoformat())
    counts = dict.fromkeys(TICKET_KINDS, 0)
    counts.update(dict(db.execute(sql + " GROUP BY kind", params).fetchall()))
    return counts


def current_ticket(db: Database, desk: str | None, staff: str) -> Ticket | None:
    """The ticket called to this desk or by this caseworker and not finished yet (the newest call).

    Either matches, so a caseworker who changed desks still sees the visitor they called.
    """
    row = one(db, "SELECT * FROM tickets WHERE state IN ('called', 'serving')"
              " AND (desk = ? OR called_by = ?) ORDER BY called_at DESC LIMIT 1", (desk, staff))
    return Ticket.from_row(row) if row else None


def desk_state(db: Database, desk: str | None) -> str:
    """``open`` or ``paused``; a desk never paused has no row and is open."""
    if desk is None:
        return "open"
    row = one(db, "SELECT state FROM desks WHERE key = ?", (desk,))
    return row["state"] if row else "open"


def last_call_reason(db: Database, ticket_id: int) -> CallReason | None:
    """The reason recorded with the ticket's latest ``called`` event, None if it was never called.

    The reason lives only in the event log, so a reloaded desk page can show it again.
    """
    row = one(db, "SELECT data FROM events WHERE ticket_id = ? AND kind = 'called' ORDER BY seq DESC"
              " LIMIT 1", (ticket_id,))
    if not row:
        return None
    data = json.loads(row["data"] or "{}")
    return CallReason(data.get("reason"), data.get("note"), from_db(data.get("fits_before")))


def has_appointments(db: Database) -> bool:
    """Whether any appointment was ever booked (any location): the demo seeds only an empty store."""
    return db.execute("SELECT EXISTS (SELECT 1 FROM appointments)").fetchone()[0] == 1
