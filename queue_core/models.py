"""The office's things as the engine hands them out: tickets, appointments, results of commands."""
from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Callable, TypeVar

from .clock import from_db
from .states import AppointmentState, TicketState

# The shortest and the longest appointment, in minutes (booking, free slots, the API's bodies).
APPOINTMENT_MINUTES = (1, 8 * 60)

TICKET_KINDS = ("appointment", "walk_in")
TICKET_STATES = tuple(TicketState)
APPOINTMENT_STATES = tuple(AppointmentState)
OUTCOMES = ("done", "by_post", "follow_up")
_Row = TypeVar("_Row")


def _from_row(cls: type[_Row], row: dict[str, Any], **convert: Callable[[Any], Any]) -> _Row:
    """The dataclass from a database row: each field from its column, through its converter if it
    has one; a column the row lacks (an older query) leaves the field's default."""
    values = {f.name: row[f.name] for f in fields(cls) if f.name in row}
    return cls(**{name: convert[name](value) if name in convert else value for name, value in values.items()})


@dataclass(frozen=True)
class Ticket:
    id: int
    token: str
    number: str
    kind: str  # "appointment" or "walk_in"
    service: str
    minutes: int
    state: str
    day: str
    location: str
    staff: str | None
    desk: str | None
    language: str | None
    appointment_id: int | None
    appointment_start: datetime | None
    created_at: datetime
    called_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    outcome: str | None
    requeues: int
    recalls: int
    initial: str | None = None  # the surname's first letter, where the office assigns by letters
    urgent_at: datetime | None = None  # marked urgent by staff: first among walk-ins
    called_by: str | None = None  # the caseworker who called it (who serves it)
    needs: str | None = None  # room needs, personal data (queue_core.needs)
    interpreter: str | None = None  # language of a needed interpreter, personal data

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Ticket":
        return _from_row(cls, row, appointment_start=from_db, created_at=from_db, called_at=from_db,
                         started_at=from_db, finished_at=from_db, urgent_at=from_db)


@dataclass(frozen=True)
class Appointment:
    id: int
    code: str
    service: str
    staff: str | None
    starts_at: datetime
    duration_min: int
    state: str
    name: str | None
    birth_date: str | None
    phone: str | None
    concern: str | None
    notes: str | None
    documents: list[str]
    language: str | None
    booked_at: datetime
    checked_in_at: datetime | None
    late: bool
    ticket_id: int | None
    needs: str | None = None  # room needs, personal data (queue_core.needs)
    interpreter: str | None = None  # language of a needed interpreter, personal data

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Appointment":
        return _from_row(cls, row, starts_at=from_db, booked_at=from_db, checked_in_at=from_db, late=bool,
                         documents=lambda text: json.loads(text or "[]"))


@dataclass(frozen=True)
class Estimate:
    """Where a waiting ticket stands: its place among those competing for the same caseworkers,
    the expected wait and the range the real wait falls in nine times out of ten or more."""

    position: int
    minutes: int
    low: int | None = None
    high: int | None = None


@dataclass(frozen=True)
class CheckIn:
    """Result of a check-in or walk-in. ``created`` is False when a retry returned the existing ticket."""

    ticket: Ticket
    created: bool
    estimate: Estimate
    late: bool = False
    early: bool = False


@dataclass(frozen=True)
class Reason:
    """Why the policy chose this ticket: a code for translation plus the times it refers to."""

    code: str  # appointment_due, walk_in_fits, walk_in, walk_in_urgent, appointment_early, override
    starts_at: datetime | None = None
    fits_before: datetime | None = None
    note: str | None = None
    chance: float | None = None  # walk_in_fits: how likely the visit ends before fits_before


@dataclass(frozen=True)
class Call:
    ticket: Ticket
    reason: Reason
    room: str
    extra: dict[str, Any] = field(default_factory=dict)
