"""The office's things as the engine hands them out: tickets, appointments, results of commands."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .clock import from_db
from .states import AppointmentState, TicketState

# The shortest and the longest appointment, in minutes (booking, free slots, the API's bodies).
APPOINTMENT_MINUTES = (1, 8 * 60)

TICKET_KINDS = ("appointment", "walk_in")
TICKET_STATES = tuple(TicketState)
APPOINTMENT_STATES = tuple(AppointmentState)
OUTCOMES = ("done", "by_post", "follow_up")


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
        return cls(
            id=row["id"], token=row["token"], number=row["number"], kind=row["kind"],
            service=row["service"], minutes=row["minutes"], state=row["state"], day=row["day"],
            location=row["location"], staff=row["staff"], desk=row["desk"], language=row["language"],
            appointment_id=row["appointment_id"], appointment_start=from_db(row["appointment_start"]),
            created_at=from_db(row["created_at"]), called_at=from_db(row["called_at"]),
            started_at=from_db(row["started_at"]), finished_at=from_db(row["finished_at"]),
            outcome=row["outcome"], requeues=row["requeues"], recalls=row["recalls"], initial=row["initial"],
            urgent_at=from_db(row.get("urgent_at")), called_by=row.get("called_by"),
            needs=row.get("needs"), interpreter=row.get("interpreter"),
        )


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
        return cls(
            id=row["id"], code=row["code"], service=row["service"], staff=row["staff"],
            starts_at=from_db(row["starts_at"]), duration_min=row["duration_min"], state=row["state"],
            name=row["name"], birth_date=row["birth_date"], phone=row["phone"], concern=row["concern"],
            notes=row["notes"], documents=json.loads(row["documents"] or "[]"),
            language=row["language"], booked_at=from_db(row["booked_at"]),
            checked_in_at=from_db(row["checked_in_at"]), late=bool(row["late"]), ticket_id=row["ticket_id"],
            needs=row.get("needs"), interpreter=row.get("interpreter"),
        )


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
