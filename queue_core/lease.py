"""Which process follows the event log of a location: a lease in the shared SQLite file.

In message-queue mode several server processes share one database and one Redis; exactly one of
them (the leader) reads the log and publishes, or every board would hear each call once per
process. The leader renews its lease a few times a second; when it dies the lease runs out and
a standby takes it over, starting from ``seq``: the last event the old leader had published.
So nothing is skipped; what the old leader published after its last renewal is published again,
and the receivers drop calls they already delivered (web/queue.py).

Times are plain seconds since the epoch, given by the caller: every process on the host reads
the same wall clock, and the database file never leaves that host.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from . import store

SCHEMA = ("CREATE TABLE IF NOT EXISTS relay_lease (location TEXT PRIMARY KEY, holder TEXT NOT NULL,"
          " expires REAL NOT NULL, seq INTEGER NOT NULL)")


@dataclass(frozen=True)
class Lease:
    location: str
    holder: str
    expires: float
    seq: int


def ensure_table(db: Database) -> None:
    """Create the lease table if this database has none yet (idempotent)."""
    db.execute(SCHEMA)


def current(db: Database, location: str) -> Lease | None:
    """The lease of ``location`` as stored (possibly expired), None before the first leader."""
    row = store.one(db, "SELECT * FROM relay_lease WHERE location = ?", (location,))
    return Lease(**row) if row else None


def acquire(db: Database, location: str, holder: str, now: float, ttl: float, start_seq: int) -> Lease | None:
    """Take or keep the lease when it is free, expired or ours; None while another holds it.

    ``start_seq`` is where a first-ever leader begins (the log's end); a later one continues from
    the seq stored with the lease.
    """
    with store.write(db):
        found = current(db, location)
        if found is None:
            db.execute("INSERT INTO relay_lease (location, holder, expires, seq) VALUES (?, ?, ?, ?)",
                       (location, holder, now + ttl, start_seq))
            return Lease(location, holder, now + ttl, start_seq)
        if found.holder != holder and found.expires > now:
            return None
        db.execute("UPDATE relay_lease SET holder = ?, expires = ? WHERE location = ?",
                   (holder, now + ttl, location))
        return Lease(location, holder, now + ttl, found.seq)


def renew(db: Database, location: str, holder: str, now: float, ttl: float, seq: int | None = None) -> bool:
    """Extend our lease (and record the published position); False when it is no longer ours."""
    with store.write(db):
        cursor = db.execute(
            "UPDATE relay_lease SET expires = ?, seq = COALESCE(?, seq) WHERE location = ? AND holder = ?"
            " AND expires > ?", (now + ttl, seq, location, holder, now))
        return cursor.rowcount == 1


def release(db: Database, location: str, holder: str) -> None:
    """Give the lease up at a clean shutdown, so a standby need not wait for it to run out."""
    with store.write(db):
        db.execute("UPDATE relay_lease SET expires = 0 WHERE location = ? AND holder = ?", (location, holder))
