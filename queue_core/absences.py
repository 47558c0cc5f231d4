"""Absences of caseworkers: a day, part of a day or a range of days.

Marking an absence is one engine command: it records the absence and, in the same transaction,
moves each of the absent person's appointments in that time to a colleague who handles the
service and the visitor's surname letter and is free then — keeping the time, so each affected
visitor gets exactly one change and nobody else's appointment moves. An appointment no colleague
can take goes on the call list (the office phones the visitor to rebook). While absent, the
caseworker has no free slots (``slots.busy_intervals``) and no capacity for walk-ins
(``estimate._timeline``), and cannot be booked (``Booking._refuse_overlap``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlite_utils import Database

from .base import EngineBase
from .clock import as_utc, from_db, to_db
from .errors import InvalidInput
from .letters import initial_or_none
from .states import EventKind
from .office import Office
from .schedule import local_instant

MAX_DAYS = 366


@dataclass(frozen=True)
class Move:
    appointment_id: int
    starts_at: datetime
    service: str
    to_staff: str | None  # None: on the call list


@dataclass(frozen=True)
class AbsenceResult:
    absence_id: int
    staff: str
    starts_at: datetime
    ends_at: datetime
    moves: list[Move]

    @property
    def moved(self) -> list[Move]:
        return [m for m in self.moves if m.to_staff]

    @property
    def to_call(self) -> list[Move]:
        return [m for m in self.moves if not m.to_staff]


def absence_span(office: Office, first: date, last: date | None = None, from_time: time | None = None,
                 to_time: time | None = None) -> tuple[datetime, datetime]:
    """UTC [start, end) of a whole day, part of a day (``from_time``–``to_time``) or days ``first``–``last``."""
    last = last or first
    if last < first:
        raise InvalidInput("the last day lies before the first", field="last")
    if (last - first).days + 1 > MAX_DAYS:
        raise InvalidInput(f"an absence spans at most {MAX_DAYS} days", field="last")
    start = local_instant(office, first, from_time or time(0, 0))
    end = (local_instant(office, last, to_time) if to_time
           else local_instant(office, last + timedelta(days=1), time(0, 0)))
    if end <= start:
        raise InvalidInput("the absence ends before it starts", field="to_time")
    return start, end


def surname_initial(name: str | None) -> str | None:
    """The letter the office files a visitor under: "Muster, Erika" and "Erika Muster" → "M"."""
    text = (name or "").strip()
    surname = text.split(",")[0] if "," in text else (text.split() or [""])[-1]
    return initial_or_none(surname)


def spans_of(db: Database, staff: list[str], start: datetime, end: datetime) -> list[tuple[str, datetime, datetime]]:
    """(caseworker, from, to) of the absences of ``staff`` that overlap [start, end)."""
    if not staff:
        return []
    rows = db.execute(
        f"SELECT staff, starts_at, ends_at FROM absences WHERE staff IN ({','.join('?' * len(staff))})"
        " AND cancelled_at IS NULL AND ends_at > ? AND starts_at < ?", [*staff, to_db(start), to_db(end)])
    return [(who, from_db(s), from_db(e)) for who, s, e in rows.fetchall()]


def absent_blocks(db: Database, staff: str, now: datetime) -> list[tuple[datetime, datetime]]:
    """The caseworker's absences from ``now`` on, as busy spans for the walk-in capacity."""
    return [(s, e) for _who, s, e in spans_of(db, [staff], now, now + timedelta(days=MAX_DAYS))]


class Absences(EngineBase):
    def mark_absent(self, staff: str, starts_at: datetime, ends_at: datetime,
                    actor: str | None = None) -> AbsenceResult:
        """Record the absence and move or list every appointment of ``staff`` it touches."""
        from .slots import busy_intervals  # slots reads the absences table too

        self.office.caseworker(staff)
        starts_at, ends_at = as_utc(starts_at), as_utc(ends_at)
        if ends_at <= starts_at:
            raise InvalidInput("the absence ends before it starts", field="ends_at")
        with self._command() as now:
            if ends_at <= now:
                raise InvalidInput("the absence lies in the past", field="ends_at")
            absence_id = int(self.db.execute(
                "INSERT INTO absences (location, staff, starts_at, ends_at, created_at, created_by)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (self.office.location, staff, to_db(starts_at), to_db(ends_at), to_db(now), actor)).lastrowid)
            affected = self._affected(staff, starts_at, ends_at)
            colleagues = [c for c in self.office.staff.values() if c.username != staff]
            busy = busy_intervals(self.db, [c.username for c in colleagues],
                                  starts_at - timedelta(hours=8), ends_at + timedelta(hours=8))
            moves = []
            for row in affected:
                begin = from_db(row["starts_at"])
                end = begin + timedelta(minutes=row["duration_min"])
                initial = surname_initial(row["name"])
                free = [c.username for c in colleagues
                        if row["service"] in c.services and c.handles_initial(initial)
                        and not any(b0 < end and begin < b1 for b0, b1 in busy[c.username])]
                # The least-booked colleague first, so the extra work is spread.
                to = min(free, key=lambda name: (len(busy[name]), name)) if free else None
                if to:
                    busy[to].append((begin, end))
                    self._reassign(row, to)
                self.db.execute("INSERT INTO absence_moves (absence_id, appointment_id, from_staff, to_staff)"
                                " VALUES (?, ?, ?, ?)", (absence_id, row["id"], staff, to))
                self._event(now, EventKind.APPOINTMENT_REASSIGNED if to else EventKind.APPOINTMENT_TO_CALL,
                            appointment_id=row["id"], actor=actor, from_staff=staff, to_staff=to,
                            absence=absence_id)
                moves.append(Move(row["id"], begin, row["service"], to))
            self._event(now, EventKind.ABSENCE_MARKED, actor=actor, absence=absence_id, staff=staff,
                        starts_at=to_db(starts_at), ends_at=to_db(ends_at),
                        moved=sum(1 for m in moves if m.to_staff), to_call=sum(1 for m in moves if not m.to_staff))
        return AbsenceResult(absence_id, staff, starts_at, ends_at, moves)

    def _affected(self, staff: str, starts_at: datetime, ends_at: datetime) -> list[dict[str, Any]]:
        """Booked appointments, and checked-in ones not yet called, that overlap the absence."""
        return [dict(zip(("id", "service", "starts_at", "duration_min", "name", "state"), r)) for r in self.db.execute(
            "SELECT a.id, a.service, a.starts_at, a.duration_min, a.name, a.state FROM appointments a"
            " LEFT JOIN tickets t ON t.id = a.ticket_id WHERE a.staff = ? AND a.location = ?"
            " AND (a.state = 'booked' OR (a.state = 'checked_in' AND t.state = 'waiting'))"
            " AND a.starts_at >= ? AND a.starts_at < ?"
            " AND datetime(a.starts_at, '+' || a.duration_min || ' minutes') > datetime(?)"
            " ORDER BY a.starts_at, a.id",
            (staff, self.office.location, to_db(starts_at - timedelta(hours=8)), to_db(ends_at),
             to_db(starts_at))).fetchall()]

    def _reassign(self, row: dict[str, Any], to: str) -> None:
        self.db.execute("UPDATE appointments SET staff = ? WHERE id = ?", (to, row["id"]))
        if row["state"] == "checked_in":
            self.db.execute("UPDATE tickets SET staff = ? WHERE appointment_id = ? AND state = 'waiting'",
                            (to, row["id"]))


def call_list(db: Database, location: str) -> list[dict[str, Any]]:
    """Appointments an absence could not move that still wait for a call: still booked with the
    absent caseworker at the absent time (rebooking or cancelling takes them off)."""
    return [dict(zip(("appointment_id", "absence_id", "staff", "starts_at", "service"), r)) for r in db.execute(
        "SELECT a.id, m.absence_id, a.staff, a.starts_at, a.service FROM absence_moves m"
        " JOIN absences b ON b.id = m.absence_id JOIN appointments a ON a.id = m.appointment_id"
        " WHERE m.to_staff IS NULL AND b.location = ? AND b.cancelled_at IS NULL AND a.state = 'booked'"
        " AND a.staff = m.from_staff AND a.starts_at >= b.starts_at AND a.starts_at < b.ends_at"
        " ORDER BY a.starts_at, a.id", (location,)).fetchall()]


def costs(db: Database, location: str | None, first: datetime, last: datetime) -> list[dict[str, Any]]:
    """Each absence overlapping [first, last): who, when, hours, and what it cost in appointments
    (moved to a colleague, put on the call list, and of those finally cancelled)."""
    where = " AND b.location = ?" if location else ""
    return [dict(zip(("absence_id", "staff", "starts_at", "ends_at", "moved", "to_call", "cancelled"), r))
            for r in db.execute(
        "SELECT b.id, b.staff, b.starts_at, b.ends_at,"
        " COUNT(m.to_staff), COALESCE(SUM(m.appointment_id IS NOT NULL AND m.to_staff IS NULL), 0),"
        " COALESCE(SUM(m.to_staff IS NULL AND a.state = 'cancelled'), 0)"
        " FROM absences b LEFT JOIN absence_moves m ON m.absence_id = b.id"
        " LEFT JOIN appointments a ON a.id = m.appointment_id"
        " WHERE b.cancelled_at IS NULL AND b.ends_at > ? AND b.starts_at < ?" + where +
        " GROUP BY b.id ORDER BY b.starts_at, b.id",
        (to_db(first), to_db(last), *((location,) if location else ()))).fetchall()]


def moves_of(db: Database, absence_id: int) -> list[dict[str, Any]]:
    """What one absence did: each touched appointment and the colleague who took it (None: to call)."""
    return [dict(zip(("appointment_id", "to_staff"), r)) for r in db.execute(
        "SELECT m.appointment_id, m.to_staff FROM absence_moves m JOIN appointments a ON a.id = m.appointment_id"
        " WHERE m.absence_id = ? ORDER BY a.starts_at, a.id", (absence_id,)).fetchall()]


def report_rows(db: Database, office: Office, first_day: date, last_day: date,
                location: str | None) -> list[dict[str, Any]]:
    """The evaluation's table of absences in the office-local days ``first_day`` … ``last_day``."""
    low = local_instant(office, first_day, time(0, 0))
    high = local_instant(office, last_day + timedelta(days=1), time(0, 0))
    rows = []
    for row in costs(db, location, low, high):
        who = office.staff.get(row["staff"])
        local = [from_db(row[k]).astimezone(office.timezone) for k in ("starts_at", "ends_at")]
        rows.append({"staff": row["staff"], "staff_name": who.name if who else row["staff"],
                     "from": local[0].strftime("%Y-%m-%d %H:%M"), "to": local[1].strftime("%Y-%m-%d %H:%M"),
                     "hours": round((local[1] - local[0]).total_seconds() / 3600, 1),
                     "moved": row["moved"], "to_call": row["to_call"], "cancelled": row["cancelled"]})
    return rows
