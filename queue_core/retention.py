"""Retention: personal data is erased after the configured days; anonymous timings stay."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from .base import EngineBase
from .clock import to_db


@dataclass(frozen=True)
class PurgeResult:
    appointments: int
    tickets: int


def purge(engine: EngineBase) -> PurgeResult:
    """Erase names, birth dates, phone numbers, concerns, notes and documents of appointments
    that lie more than ``retention_days`` in the past, and the surname initials of old tickets.
    One event records how many (never who)."""
    with engine._command() as now:
        before = to_db(now - timedelta(days=engine.office.retention_days))
        appointments = engine.db.execute(
            "UPDATE appointments SET name = NULL, birth_date = NULL, phone = NULL, concern = NULL,"
            " notes = NULL, documents = NULL, purged_at = ? WHERE starts_at < ? AND purged_at IS NULL",
            (to_db(now), before)).rowcount
        tickets = engine.db.execute(
            "UPDATE tickets SET initial = NULL WHERE created_at < ? AND initial IS NOT NULL",
            (before,)).rowcount
        # Override reasons are free text a caseworker typed: they may name a person.
        engine.db.execute(
            "UPDATE events SET data = json_remove(data, '$.note') WHERE at < ? AND kind = 'called'"
            " AND json_extract(data, '$.note') IS NOT NULL", (before,))
        engine._event(now, "purged", appointments=appointments, tickets=tickets, before=before)
    return PurgeResult(appointments, tickets)
