"""Retention: personal data is erased after the configured days; anonymous timings stay."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlite_utils import Database

from . import store
from .base import EngineBase
from .clock import to_db
from .online import purge_contacts
from .states import EventKind

PURGE_BATCH = 500


@dataclass(frozen=True)
class PurgeResult:
    """How many rows the purge erased (never whose)."""
    appointments: int
    tickets: int
    access_log: int = 0


class Retention(EngineBase):
    def purge(self, batch: int = PURGE_BATCH) -> PurgeResult:
        """Erase names, birth dates, phone numbers, concerns, notes, documents and needs of appointments
        that lie more than ``retention_days`` in the past, and the surname initials and needs of old
        tickets; delete access-log entries older than ``access_log_retention_days``.
        One event records how many (never who). The statistics read none of these fields.

        The erasing commits in batches of ``batch`` rows, each its own short transaction, so a purge
        of a long history never holds the write lock for long (check-ins go on between batches); the
        last transaction erases the contact data and appends the ``purged`` event. Erasing again what
        is already erased changes nothing, so a purge cut off between batches is simply run again.

        SQLite keeps overwritten bytes in free space and in the write-ahead log: ``secure_delete``
        zeroes freed space, and a truncating checkpoint afterwards empties the WAL (best effort:
        a long-running reader in another process can delay it until the next purge)."""
        db = self.db
        db.execute("PRAGMA secure_delete = ON")
        now = self.now()
        before = to_db(now - timedelta(days=self.office.retention_days))
        appointments = _in_batches(
            db, "UPDATE appointments SET name = NULL, birth_date = NULL, phone = NULL, concern = NULL,"
                " notes = NULL, documents = NULL, needs = NULL, interpreter = NULL, purged_at = ? WHERE id IN"
                " (SELECT id FROM appointments WHERE starts_at < ? AND purged_at IS NULL LIMIT ?)",
            (to_db(now), before), batch)
        tickets = _in_batches(
            db, "UPDATE tickets SET initial = NULL, urgent_reason = NULL, needs = NULL, interpreter = NULL WHERE id IN"
                " (SELECT id FROM tickets WHERE created_at < ? AND (initial IS NOT NULL OR urgent_reason IS NOT NULL"
                " OR needs IS NOT NULL OR interpreter IS NOT NULL) LIMIT ?)", (before,), batch)
        # Override and urgency reasons are free text a caseworker typed: they may name a person.
        _in_batches(
            db, "UPDATE events SET data = json_remove(data, '$.note') WHERE seq IN (SELECT seq FROM events"
                " WHERE at < ? AND kind IN ('called', 'marked_urgent') AND json_extract(data, '$.note') IS NOT NULL"
                " LIMIT ?)", (before,), batch)
        # The access log has its own, longer retention (an office must be able to answer
        # "who looked at my data?"), then its entries go.
        access_log = _in_batches(
            db, "DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE kind = ? AND at < ? LIMIT ?)",
            (EventKind.PERSONAL_DATA_READ, to_db(now - timedelta(days=self.office.access_log_retention_days))),
            batch)
        with self._command() as at:
            contacts = purge_contacts(self, before)
            self._event(at, EventKind.PURGED, appointments=appointments, tickets=tickets, access_log=access_log,
                        contacts=contacts, before=before)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        return PurgeResult(appointments, tickets, access_log)


def _in_batches(db: Database, sql: str, params: tuple, batch: int) -> int:
    """Run ``sql`` (its last parameter the batch size) in short transactions until it changes fewer rows."""
    total = 0
    while True:
        with store.write(db):
            changed = db.execute(sql, (*params, batch)).rowcount
        total += changed
        if changed < batch:
            return total
        store.lock_wait.sleep(0)  # let other greenlets (check-ins, boards) in between batches
