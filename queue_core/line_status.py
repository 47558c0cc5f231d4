"""The whole line at once: every followed ticket of a location with its position and estimate.

The phone pages of a full waiting room follow hundreds of tickets. After an event the relay
asks here once for all of them instead of once per follower: one query finds the tickets, and
each waiting one gets its outlook from the engine's own estimate (``Engine.outlook``), so the
phone says exactly what the kiosk and the API say. The answer is a generator: the caller may
let other work run between two tickets (a call must never wait for the line's estimates).
"""
from __future__ import annotations

from typing import Iterable, Iterator

from .engine import Engine
from .models import Estimate, Ticket
from .schedule import local_day
from .store import rows

CHUNK = 500  # SQLite's bound-parameter limit is far above; this keeps statements short


def followed(engine: Engine, tokens: Iterable[str]) -> list[Ticket]:
    """The tickets behind ``tokens`` (unknown tokens are left out), in the line's order."""
    wanted = sorted(set(tokens))
    found: list[Ticket] = []
    for start in range(0, len(wanted), CHUNK):
        part = wanted[start:start + CHUNK]
        found += [Ticket.from_row(r) for r in rows(
            engine.db, f"SELECT * FROM tickets WHERE token IN ({','.join('?' * len(part))})", part)]
    return sorted(found, key=lambda t: (t.created_at, t.id))


def whole_line(engine: Engine, also: Iterable[int] = ()) -> list[Ticket]:
    """Today's waiting tickets of the location, plus the tickets ``also`` (ids that just left the
    line and still owe their followers a last status)."""
    day = local_day(engine.office, engine.now()).isoformat()
    found = {r["id"]: Ticket.from_row(r) for r in rows(
        engine.db, "SELECT * FROM tickets WHERE location = ? AND state = 'waiting' AND day = ?",
        (engine.office.location, day))}
    extra = sorted(set(also) - set(found))
    for start in range(0, len(extra), CHUNK):
        part = extra[start:start + CHUNK]
        for r in rows(engine.db, f"SELECT * FROM tickets WHERE id IN ({','.join('?' * len(part))})", part):
            found[r["id"]] = Ticket.from_row(r)
    return sorted(found.values(), key=lambda t: (t.created_at, t.id))


def outlooks(engine: Engine, tickets: list[Ticket]) -> Iterator[tuple[Ticket, Estimate | None]]:
    """Each ticket with its outlook (None once it no longer waits), one at a time."""
    for ticket in tickets:
        yield ticket, engine.outlook(ticket) if ticket.state == "waiting" else None
