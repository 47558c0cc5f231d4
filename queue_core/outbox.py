"""The outbox: every confirmation, reminder and notice to a visitor is one row, sent later by one sender.

Notices are enqueued inside the command that causes them (booking, cancel, move), so a booking
never waits for a mail server and a notice is never lost with a crash. Reminders are enqueued by
the sender's tick when an appointment comes within the lead time. The sender claims one row at a
time (``pending → sending``), then marks it ``sent`` or puts it back with a back-off. A row still
``sending`` after the lease belonged to a sender that died mid-send: whether the message left is
unknown, so it becomes ``uncertain`` and is never sent again automatically (a second reminder
confuses more than a missing one). Nothing here knows about Flask or how a message reads.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from . import store
from .clock import to_db

KINDS = ("confirmation", "reminder", "cancelled", "moved")
CHANNELS = ("email", "sms")
STATES = ("pending", "sending", "sent", "failed", "uncertain", "dropped")


@dataclass(frozen=True)
class Retry:
    """How often and how patiently a failed notice is tried again: ``backoff`` doubles each time."""

    attempts: int = 5
    backoff: timedelta = timedelta(minutes=1)


def channels(db: Database, appointment_id: int) -> list[str]:
    """The channels a visitor agreed to be reached on for this appointment (none without consent)."""
    row = store.one(db, "SELECT email, mobile FROM appointment_contacts WHERE appointment_id = ?"
                        " AND consent_at IS NOT NULL", (appointment_id,))
    if row is None:
        return []
    return [c for c, value in (("email", row["email"]), ("sms", row["mobile"])) if value]


def enqueue(db: Database, now: datetime, appointment_id: int, kind: str, for_start: str | None = None) -> int:
    """Queue ``kind`` for every consented channel, inside the caller's open transaction; rows added.

    A cancel or a move makes pending reminders of the appointment pointless: they are dropped."""
    if kind not in KINDS:
        raise ValueError(f"unknown notice {kind!r}")
    if kind in ("cancelled", "moved"):
        db.execute("UPDATE outbox SET state = 'dropped' WHERE appointment_id = ? AND kind = 'reminder'"
                   " AND state = 'pending'", (appointment_id,))
    # A confirmation or cancellation happens once; a move or a reminder once per time it names.
    suffix = {"confirmation": "", "cancelled": ""}.get(kind, ":" + (for_start or to_db(now)))
    added = 0
    for channel in channels(db, appointment_id):
        added += db.execute(
            "INSERT OR IGNORE INTO outbox (key, appointment_id, kind, channel, for_start, created_at, due_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (f"{appointment_id}:{kind}:{channel}{suffix}", appointment_id, kind, channel, for_start,
             to_db(now), to_db(now))).rowcount
    return added


def queue_reminders(db: Database, now: datetime, lead: timedelta) -> int:
    """Enqueue a reminder for each booked appointment with consent that starts within ``lead``.

    One per channel and start time: a moved appointment gets a new one. Appointments booked within
    the lead time are not reminded; their confirmation just arrived."""
    with store.write(db):
        due = store.rows(
            db, "SELECT a.id, a.starts_at, a.booked_at FROM appointments a JOIN appointment_contacts c"
                " ON c.appointment_id = a.id WHERE a.state = 'booked' AND a.starts_at > ? AND a.starts_at <= ?"
                " AND c.consent_at IS NOT NULL",
            (to_db(now), to_db(now + lead)))
        added = 0
        for row in due:
            if row["booked_at"] > to_db(datetime.fromisoformat(row["starts_at"]) - lead):
                continue
            added += enqueue(db, now, row["id"], "reminder", for_start=row["starts_at"])
    return added


def claim(db: Database, now: datetime, who: str, lease: timedelta) -> dict[str, Any] | None:
    """Take the next due notice for sending (one row, ``attempts`` counted), or None.

    Rows left ``sending`` longer than ``lease`` become ``uncertain``; notices about an appointment
    that changed since (cancelled, moved, purged) are dropped instead of sent."""
    with store.write(db):
        db.execute("UPDATE outbox SET state = 'uncertain' WHERE state = 'sending' AND claimed_at < ?",
                   (to_db(now - lease),))
        while True:
            row = store.one(
                db, "UPDATE outbox SET state = 'sending', claimed_by = ?, claimed_at = ?, attempts = attempts + 1"
                    " WHERE id = (SELECT id FROM outbox WHERE state = 'pending' AND due_at <= ?"
                    " ORDER BY due_at, id LIMIT 1) RETURNING *",
                (who, to_db(now), to_db(now)))
            if row is None or not _stale(db, row):
                return row
            db.execute("UPDATE outbox SET state = 'dropped' WHERE id = ?", (row["id"],))


def _stale(db: Database, row: dict[str, Any]) -> bool:
    """A confirmation or reminder for an appointment that is no longer booked at that time."""
    if row["channel"] not in channels(db, row["appointment_id"]):
        return True
    if row["kind"] not in ("confirmation", "reminder"):
        return False
    found = store.one(db, "SELECT state, starts_at FROM appointments WHERE id = ?", (row["appointment_id"],))
    if found is None or found["state"] != "booked":
        return True
    return row["kind"] == "reminder" and row["for_start"] != found["starts_at"]


def mark_sent(db: Database, outbox_id: int, now: datetime) -> None:
    with store.write(db):
        db.execute("UPDATE outbox SET state = 'sent', sent_at = ?, last_error = NULL WHERE id = ?"
                   " AND state = 'sending'", (to_db(now), outbox_id))


def mark_failed(db: Database, outbox_id: int, now: datetime, error: str, retry: Retry) -> str:
    """Back to ``pending`` after a doubling pause, or ``failed`` for good after the last attempt.

    ``error`` should name the kind of failure only (it is kept; never the address)."""
    with store.write(db):
        row = store.one(db, "SELECT attempts FROM outbox WHERE id = ?", (outbox_id,))
        attempts = row["attempts"] if row else retry.attempts
        if attempts >= retry.attempts:
            state, due = "failed", now
        else:
            state, due = "pending", now + retry.backoff * (2 ** (attempts - 1))
        db.execute("UPDATE outbox SET state = ?, due_at = ?, last_error = ? WHERE id = ? AND state = 'sending'",
                   (state, to_db(due), error[:200], outbox_id))
    return state


def mark_uncertain(db: Database, outbox_id: int, error: str) -> None:
    """The message may have left (the line broke while handing it over): never sent again."""
    with store.write(db):
        db.execute("UPDATE outbox SET state = 'uncertain', last_error = ? WHERE id = ? AND state = 'sending'",
                   (error[:200], outbox_id))


def counts(db: Database) -> dict[str, int]:
    """Rows per state, for the status page and tests."""
    found = dict(db.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall())
    return {state: found.get(state, 0) for state in STATES}
