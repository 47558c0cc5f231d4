"""Today's figures for monitoring (``GET /metrics``): counts and durations only, no personal data.

Everything is read from the store at the moment of the scrape, so every server process that
shares the database reports the same office figures, and a restart loses nothing. Waits and
service times come from the evaluation's own facts (``facts.load_facts``): one definition of
"wait" for the report and for monitoring. Counts are per office-local day and start again at
local midnight (Prometheus treats that as a counter reset).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlite_utils import Database

from . import events
from .clock import from_db
from .facts import load_facts, make_period
from .models import TICKET_KINDS
from .office import Office
from .schedule import local_day, opening_at


@dataclass(frozen=True)
class IntakeStopFigure:
    reason: str
    before_close_s: float  # how long before the end of that opening intake stopped (0 after hours)


@dataclass
class Today:
    """The office's day so far, as numbers."""

    location: str
    open_now: bool
    waiting: dict[tuple[str, str], int]  # (service, kind) → tickets waiting
    waits_s: dict[str, list[float]] = field(default_factory=dict)  # kind → check-in to first call
    service_s: dict[str, list[float]] = field(default_factory=dict)  # service → start to finish
    calls: dict[str, int] = field(default_factory=dict)  # event kind (called, recalled) → count
    stops: list[IntakeStopFigure] = field(default_factory=list)


CALL_KINDS = ("called", "recalled")


def today(db: Database, office: Office, now: datetime) -> Today:
    """The figures of today (office-local) at ``office``'s location as of ``now``."""
    day = local_day(office, now)
    waiting = {(service, kind): 0 for service in office.services for kind in TICKET_KINDS}
    for service, kind, count in db.execute(
            "SELECT service, kind, COUNT(*) FROM tickets WHERE location = ? AND day = ? AND state = 'waiting'"
            " GROUP BY service, kind", (office.location, day.isoformat())):
        waiting[(service, kind)] = count
    facts = load_facts(db, office, make_period(day, day, office.location))
    figures = Today(office.location, opening_at(office, now) is not None, waiting,
                    waits_s={kind: [] for kind in TICKET_KINDS},
                    service_s={service: [] for service in office.services})
    for ticket in facts.tickets:
        if ticket.wait is not None:
            figures.waits_s.setdefault(ticket.kind, []).append(ticket.wait * 60)
        if ticket.service_minutes is not None:
            figures.service_s.setdefault(ticket.service, []).append(ticket.service_minutes * 60)
    figures.calls = dict.fromkeys(CALL_KINDS, 0)
    first_id = min((t.id for t in facts.tickets), default=None)
    if first_id is not None:
        figures.calls.update(dict(db.execute(
            "SELECT kind, COUNT(*) FROM events WHERE ticket_id >= ? AND location = ? AND kind IN (?, ?)"
            " GROUP BY kind", (first_id, office.location, *CALL_KINDS)).fetchall()))
    for stop in facts.stops:
        opening = opening_at(office, stop.at)
        left = (opening.end - stop.at).total_seconds() if opening else 0.0
        figures.stops.append(IntakeStopFigure(stop.reason, max(0.0, left)))
    return figures


@dataclass(frozen=True)
class Lag:
    pending: int  # events in the log not yet handed to the emitters
    seconds: float  # age of the oldest of them (0 when caught up)


def relay_lag(db: Database, handed_out_seq: int, now: datetime) -> Lag:
    """How far a follower that has handed out every event up to ``handed_out_seq`` is behind the log."""
    newest = events.latest_seq(db)
    if newest <= handed_out_seq:
        return Lag(0, 0.0)
    oldest = events.since(db, handed_out_seq, limit=1)
    age = (now - from_db(oldest[0].at)).total_seconds() if oldest else 0.0
    return Lag(newest - handed_out_seq, max(0.0, age))
