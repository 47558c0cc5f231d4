"""The access log: who read which visitor's personal data, when — one event per reading.

An office must be able to answer "who looked at my data?" (GDPR art. 15), so every staff
reading of personal fields is recorded like a state change: an engine command that appends
one event in its own write transaction. The event names the reader, what was read and the
appointment, never the personal data itself. queue_core.retention deletes old entries.
"""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from .base import EngineBase
from .clock import from_db, to_db
from .states import EventKind


class AccessLog(EngineBase):
    def record_reading(self, actor: str, what: str, appointment_id: int | None = None,
                       **details: Any) -> int:
        """Record that ``actor`` read ``what`` (e.g. "appointment", "slip", "appointments_of_day").

        ``details`` go into the event's data (a date, say) and must not carry personal data.
        Returns the event's ``seq``.
        """
        with self._command() as now:
            return self._event(now, EventKind.PERSONAL_DATA_READ, appointment_id=appointment_id, actor=actor,
                               what=what, **details)


def readings(db: Database, since: datetime, until: datetime, *, location: str | None = None,
             staff: str | None = None, limit: int = 1000) -> list[dict[str, Any]]:
    """Access-log entries in [since, until), newest first, with the reader's name (for admins)."""
    sql = ("SELECT e.at, e.actor, s.name, e.appointment_id, e.data FROM events e"
           " LEFT JOIN staff s ON s.username = e.actor WHERE e.kind = ? AND e.at >= ? AND e.at < ?")
    params: list[Any] = [EventKind.PERSONAL_DATA_READ, to_db(since), to_db(until)]
    if location:
        sql += " AND e.location = ?"
        params.append(location)
    if staff:
        sql += " AND e.actor = ?"
        params.append(staff)
    sql += " ORDER BY e.seq DESC LIMIT ?"
    params.append(limit)
    return [{"at": from_db(at), "staff": actor, "staff_name": name or actor, "appointment_id": appointment_id,
             "details": json.loads(data or "{}")}
            for at, actor, name, appointment_id, data in db.execute(sql, params).fetchall()]
