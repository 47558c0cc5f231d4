"""The append-only event log: one row per state change, written in the same transaction."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from .clock import to_db
from .states import EventKind
from .store import dumps


@dataclass(frozen=True)
class Event:
    seq: int
    at: str
    kind: str
    location: str
    ticket_id: int | None
    appointment_id: int | None
    desk: str | None
    actor: str | None
    data: dict[str, Any]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Event":
        return cls(**{**row, "data": json.loads(row["data"] or "{}")})


def append(db: Database, at: datetime, kind: str, location: str, /, *, ticket_id: int | None = None,
           appointment_id: int | None = None, desk: str | None = None, actor: str | None = None,
           **data: Any) -> int:
    """Record one event; call inside the transaction that makes the change. Never put personal data in ``data``.

    ``kind`` must be an ``EventKind`` (ValueError otherwise), so the log holds only the listed words.
    """
    kind = EventKind(kind)
    cursor = db.execute(
        "INSERT INTO events (at, kind, location, ticket_id, appointment_id, desk, actor, data)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (to_db(at), kind, location, ticket_id, appointment_id, desk, actor, dumps(data)),
    )
    return int(cursor.lastrowid)


def since(db: Database, seq: int, limit: int = 1000) -> list[Event]:
    """Events after ``seq`` in order: what a follower (run_display.py, a board) has not seen yet."""
    rows = db.query("SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit))
    return [Event.from_row(r) for r in rows]


def latest_seq(db: Database) -> int:
    row = db.execute("SELECT MAX(seq) FROM events").fetchone()
    return int(row[0] or 0)
