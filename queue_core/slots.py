"""Free appointment slots for phone booking: office hours, holidays and the caseworkers' appointments.

A slot is free for a caseworker when the whole appointment (the service's typical minutes, or the
duration asked for) lies inside one opening interval of an office day that is no holiday or
closure, starts after ``now``, and overlaps none of that caseworker's booked or checked-in
appointments. Nothing here knows about Flask; it only reads.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from .absences import spans_of
from .clock import as_utc, from_db, to_db
from .errors import InvalidInput
from .models import APPOINTMENT_MINUTES
from .letters import normalise_initial
from .office import Caseworker, Office
from .schedule import booking_openings, local_day
from .states import AppointmentState

DEFAULT_STEP_MIN = 15
MAX_DAYS = 31
BUSY_STATES = (AppointmentState.BOOKED, AppointmentState.CHECKED_IN)


@dataclass(frozen=True)
class Slot:
    starts_at: datetime  # UTC
    ends_at: datetime
    staff: str

    def as_dict(self, office: Office) -> dict:
        local = self.starts_at.astimezone(office.timezone)
        return {"starts_at": local.isoformat(), "starts_at_utc": to_db(self.starts_at),
                "date": local.date().isoformat(), "time": local.strftime("%H:%M"),
                "minutes": int((self.ends_at - self.starts_at).total_seconds() // 60), "staff": self.staff}


def eligible_caseworkers(office: Office, service: str, staff: str | None = None,
                         initial: str | None = None) -> list[Caseworker]:
    """The caseworkers a caller of this service (and surname initial) can be booked with."""
    office.service(service)
    if staff is not None:
        caseworker = office.caseworker(staff)
        if service not in caseworker.services:
            raise InvalidInput(f"{caseworker.name} does not handle that service", field="staff")
        return [caseworker]
    return office.caseworkers_for(service, normalise_initial(initial))


def booked_spans(db: Database, staff: list[str], start: datetime, end: datetime,
                 besides: int = 0) -> list[tuple[str, datetime, datetime]]:
    """(caseworker, start, end) of their booked or checked-in appointments that overlap
    [start, end), leaving out the appointment ``besides`` (the one being moved)."""
    if not staff:
        return []
    marks = ",".join("?" for _ in staff)
    states = ",".join("?" for _ in BUSY_STATES)
    # Appointments are at most 8 h long, so only those starting up to 8 h before can reach in.
    rows = db.execute(
        f"SELECT staff, starts_at, duration_min FROM appointments WHERE staff IN ({marks})"
        f" AND state IN ({states}) AND starts_at >= ? AND starts_at < ? AND id != ? ORDER BY starts_at",
        [*staff, *BUSY_STATES, to_db(start - timedelta(hours=8)), to_db(end), besides]).fetchall()
    spans = [(who, begin, begin + timedelta(minutes=minutes))
             for who, begin, minutes in ((w, from_db(s), m) for w, s, m in rows)]
    return [(who, begin, until) for who, begin, until in spans if until > start]


def busy_intervals(db: Database, staff: list[str], start: datetime,
                   end: datetime) -> dict[str, list[tuple[datetime, datetime]]]:
    """Each caseworker's booked or checked-in appointments and absences that overlap [start, end)."""
    busy: dict[str, list[tuple[datetime, datetime]]] = {s: [] for s in staff}
    for who, begin, until in booked_spans(db, staff, start, end):
        busy[who].append((begin, until))
    for who, absent_from, absent_to in spans_of(db, staff, start, end):  # absent: no slots
        busy[who].append((absent_from, absent_to))
    return busy


def free_slots(db: Database, office: Office, now: datetime, service: str, staff: str | None = None,
               days: int = 7, step_min: int = DEFAULT_STEP_MIN, duration_min: int | None = None,
               initial: str | None = None, limit: int | None = None) -> list[Slot]:
    """Free slots from ``now`` over the next ``days`` office days (today counts as the first).

    ``staff`` narrows to one caseworker, ``initial`` to those responsible for the surname letter.
    Sorted by start, then caseworker.
    """
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"days must be between 1 and {MAX_DAYS}", field="days")
    if isinstance(step_min, bool) or not isinstance(step_min, int) or not 5 <= step_min <= 240:
        raise InvalidInput("step must be between 5 and 240 minutes", field="step_min")
    minutes = office.service(service).minutes if duration_min is None else duration_min
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not APPOINTMENT_MINUTES[0] <= minutes <= APPOINTMENT_MINUTES[1]:
        raise InvalidInput("duration must be between 1 minute and 8 hours", field="duration_min")
    now = as_utc(now)
    caseworkers = eligible_caseworkers(office, service, staff, initial)
    first_day = local_day(office, now)
    spans = [o for offset in range(days) for o in booking_openings(office, first_day + timedelta(days=offset))]
    if not spans or not caseworkers:
        return []
    names = [c.username for c in caseworkers]
    busy = busy_intervals(db, names, spans[0].start, spans[-1].end)
    length = timedelta(minutes=minutes)
    step = timedelta(minutes=step_min)
    found: list[Slot] = []
    for opening in spans:
        start = opening.start
        while start + length <= opening.end:
            if start >= now:
                for name in names:
                    end = start + length
                    if not any(b_start < end and start < b_end for b_start, b_end in busy[name]):
                        found.append(Slot(start, end, name))
            start += step
    found.sort(key=lambda s: (s.starts_at, s.staff))
    return found[:limit] if limit else found
