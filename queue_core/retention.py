"""Retention: personal data is erased after the configured days; anonymous timings stay."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from .base import EngineBase
from .clock import to_db


# The access log (queue_core/audit.py, engine.record_reading): one event per staff reading of personal data.
ACCESS_LOG_KIND = "personal_data_read"


@dataclass(frozen=True)
class PurgeResult:
    appointments: int
    tickets: int
    access_log: int = 0


def purge(engine: EngineBase) -> PurgeResult:
    """Erase names, birth dates, phone numbers, concerns, notes, documents and needs of appointments
    that lie more than ``retention_days`` in the past, and the surname initials and needs of old tickets;
    delete access-log entries older than ``access_log_retention_days``.
    One event records how many (never who). The statistics read none of these fields.

    SQLite keeps overwritten bytes in free space and in the write-ahead log: ``secure_delete``
    zeroes freed space, and a truncating checkpoint afterwards empties the WAL (best effort:
    a long-running reader in another process can delay it until the next purge)."""
    engine.db.execute("PRAGMA secure_delete = ON")
    with engine._command() as now:
        before = to_db(now - timedelta(days=engine.office.retention_days))
        appointments = engine.db.execute(
            "UPDATE appointments SET name = NULL, birth_date = NULL, phone = NULL, concern = NULL,"
            " notes = NULL, documents = NULL, needs = NULL, interpreter = NULL, purged_at = ?"
            " WHERE starts_at < ? AND purged_at IS NULL",
            (to_db(now), before)).rowcount
        tickets = engine.db.execute(
            "UPDATE tickets SET initial = NULL, needs = NULL, interpreter = NULL WHERE created_at < ?"
            " AND (initial IS NOT NULL OR needs IS NOT NULL OR interpreter IS NOT NULL)",
            (before,)).rowcount
        # Override reasons are free text a caseworker typed: they may name a person.
        engine.db.execute(
            "UPDATE events SET data = json_remove(data, '$.note') WHERE at < ? AND kind = 'called'"
            " AND json_extract(data, '$.note') IS NOT NULL", (before,))
        # The access log has its own, longer retention (an office must be able to answer
        # "who looked at my data?"), then its entries go.
        access_log = engine.db.execute(
            "DELETE FROM events WHERE kind = ? AND at < ?",
            (ACCESS_LOG_KIND, to_db(now - timedelta(days=engine.office.access_log_retention_days)))).rowcount
        engine._event(now, "purged", appointments=appointments, tickets=tickets, access_log=access_log,
                      before=before)
    engine.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    return PurgeResult(appointments, tickets, access_log)
