"""Honest wait estimates for walk-ins, and the day's remaining capacity.

A small forward simulation of today: each caseworker who could serve the ticket has a timeline
blocked by their remaining appointments (at their times, because appointments go first), the
office's closed hours and what they are serving now. Walk-ins ahead, then this one, are laid into
the earliest gap that is long enough — the policy's gap filling. The same model answers "when"
(the estimate) and "whether today" (capacity).
"""
from __future__ import annotations

from bisect import insort
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlite_utils import Database

from .absences import absent_blocks
from .clock import from_db, to_db
from .models import Estimate
from .office import Caseworker, Office
from .schedule import local_day, local_instant, openings


@dataclass
class Timeline:
    """One caseworker's busy spans from now on, kept sorted and merged.

    Merging touching spans matters: a long line of walk-ins laid back to back becomes one span,
    so finding the next gap costs the number of appointments, not the length of the line.
    """

    free_at: datetime
    blocks: list[tuple[datetime, datetime]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.blocks = _merged(sorted(self.blocks))

    def earliest(self, minutes: int) -> datetime:
        length = timedelta(minutes=minutes)
        t = self.free_at
        for start, end in self.blocks:
            if t + length <= start:
                return t
            t = max(t, end)
        return t

    def book(self, start: datetime, minutes: int) -> None:
        insort(self.blocks, (start, start + timedelta(minutes=minutes)))
        self.blocks = _merged(self.blocks)


def _merged(blocks: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in blocks:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _closed_blocks(office: Office, now: datetime) -> tuple[list[tuple[datetime, datetime]], datetime]:
    """Today's closed spans from now on (lunch breaks, after closing) and the day's last closing."""
    day = local_day(office, now)
    day_end = local_instant(office, day, time.max)
    blocks, t = [], local_instant(office, day, time(0, 0))
    for opening in openings(office, day):
        blocks.append((t, opening.start))
        t = opening.end
    blocks.append((t, day_end + timedelta(days=365)))
    return [b for b in blocks if b[1] > now], t


def _timeline(db: Database, office: Office, caseworker: Caseworker, now: datetime,
              closed: list[tuple[datetime, datetime]]) -> Timeline:
    free_at = now
    current = db.execute(
        "SELECT COALESCE(started_at, called_at), minutes FROM tickets"
        " WHERE called_by = ? AND state IN ('called', 'serving') ORDER BY called_at DESC LIMIT 1",
        (caseworker.username,),
    ).fetchone()
    if current:
        free_at = max(now, from_db(current[0]) + timedelta(minutes=current[1]))
    timeline = Timeline(free_at, list(closed) + absent_blocks(db, caseworker.username, now))
    day_end = closed[-1][0] if closed else now
    for start, minutes in db.execute(
        "SELECT starts_at, duration_min FROM appointments WHERE staff = ? AND state = 'booked'"
        " AND starts_at >= ? AND starts_at < ?"
        " UNION ALL SELECT appointment_start, minutes FROM tickets WHERE staff = ?"
        " AND state = 'waiting' AND kind = 'appointment' AND day = ?",
        (caseworker.username, to_db(now - timedelta(minutes=office.late_tolerance_min)),
         to_db(day_end), caseworker.username, local_day(office, now).isoformat()),
    ).fetchall():
        timeline.book(max(from_db(start), now), minutes)
    return timeline


def walk_in_outlook(db: Database, office: Office, now: datetime, service: str, initial: str | None,
                    ticket_id: int | None = None) -> tuple[Estimate, bool]:
    """Estimate for a walk-in (an existing waiting ticket, or a new one when ``ticket_id`` is None),
    and whether it can still be served before today's closing."""
    minutes = office.service(service).minutes
    caseworkers = office.caseworkers_for(service, initial)
    if not caseworkers:
        return Estimate(position=1, minutes=0), False
    closed, last_close = _closed_blocks(office, now)
    timelines = {c.username: _timeline(db, office, c, now, closed) for c in caseworkers}
    services = sorted({s for c in caseworkers for s in c.services})
    names = [c.username for c in caseworkers]
    before = ""
    params: list = [office.location, local_day(office, now).isoformat(), *services, *names]
    if ticket_id is not None:
        before = " AND id < ?"
        params.append(ticket_id)
    ahead = db.execute(
        "SELECT service, minutes, initial, staff FROM tickets WHERE location = ? AND state = 'waiting'"
        f" AND day = ? AND kind = 'walk_in' AND (service IN ({','.join('?' * len(services))})"
        f" OR staff IN ({','.join('?' * len(names))})){before} ORDER BY created_at, id",
        params,
    ).fetchall()
    position, saturated = 1, False
    for other_service, other_minutes, other_initial, other_staff in ahead:
        eligible = [c for c in caseworkers if (other_staff == c.username) or (
            other_staff is None and other_service in c.services and c.handles_initial(other_initial))]
        if not eligible:
            continue
        position += 1
        # Once the line reaches past closing, the rest only counts for the position.
        if not saturated:
            saturated = _place(timelines, eligible, other_minutes) >= last_close
    start = last_close if saturated else _place(timelines, caseworkers, minutes)
    estimate = Estimate(position=position,
                        minutes=max(0, round((start - now).total_seconds() / 60)))
    return estimate, start + timedelta(minutes=minutes) <= last_close


def _place(timelines: dict[str, Timeline], eligible: list[Caseworker], minutes: int) -> datetime:
    start, best = min((timelines[c.username].earliest(minutes), c.username) for c in eligible)
    timelines[best].book(start, minutes)
    return start
