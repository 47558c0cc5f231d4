"""The durable store: one SQLite file, its schema (sqlite-utils Migrations) and transactions."""
from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("terminpraxis")


@migrations()
def m001_queue(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE appointments (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            -- check-in looks codes up by hash, so lookup timing says nothing about the code
            code_hash TEXT NOT NULL UNIQUE,
            location TEXT NOT NULL,
            service TEXT NOT NULL,
            staff TEXT,
            starts_at TEXT NOT NULL,
            duration_min INTEGER NOT NULL,
            state TEXT NOT NULL,
            name TEXT,
            birth_date TEXT,
            phone TEXT,
            concern TEXT,
            notes TEXT,
            documents TEXT,
            language TEXT,
            booked_at TEXT NOT NULL,
            booked_by TEXT,
            checked_in_at TEXT,
            late INTEGER NOT NULL DEFAULT 0,
            ticket_id INTEGER,
            closed_at TEXT,
            purged_at TEXT
        );
        CREATE INDEX appointments_staff_state_start ON appointments (staff, state, starts_at);
        CREATE INDEX appointments_state_start ON appointments (state, starts_at);
        CREATE INDEX appointments_location_start ON appointments (location, starts_at);

        CREATE TABLE tickets (
            id INTEGER PRIMARY KEY,
            token TEXT NOT NULL UNIQUE,
            location TEXT NOT NULL,
            day TEXT NOT NULL,
            prefix TEXT NOT NULL,
            seq_no INTEGER NOT NULL,
            number TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('appointment', 'walk_in')),
            service TEXT NOT NULL,
            minutes INTEGER NOT NULL,
            staff TEXT,
            initial TEXT,
            language TEXT,
            state TEXT NOT NULL,
            appointment_id INTEGER REFERENCES appointments(id),
            appointment_start TEXT,
            request_id TEXT UNIQUE,
            created_at TEXT NOT NULL,
            called_at TEXT,
            started_at TEXT,
            finished_at TEXT,
            desk TEXT,
            called_by TEXT,
            outcome TEXT,
            requeues INTEGER NOT NULL DEFAULT 0,
            recalls INTEGER NOT NULL DEFAULT 0,
            UNIQUE (location, day, prefix, seq_no),
            UNIQUE (location, day, number)
        );
        -- The policy's hot queries, today's line only: due appointments by start, walk-ins by arrival.
        CREATE INDEX tickets_waiting_appointments
            ON tickets (location, day, state, kind, appointment_start, created_at);
        CREATE INDEX tickets_waiting_walk_ins ON tickets (location, day, state, kind, created_at);
        -- Partial: only the few tickets at a desk now are in them, so "is this desk busy?" stays
        -- instant however long the history (a full index on desk looks useless to the planner
        -- once ANALYZE has seen a million finished rows).
        CREATE INDEX tickets_at_desk ON tickets (desk) WHERE state IN ('called', 'serving');
        CREATE INDEX tickets_with_caseworker ON tickets (called_by) WHERE state IN ('called', 'serving');
        CREATE INDEX tickets_staff_state ON tickets (staff, state, kind, appointment_start);

        CREATE TABLE events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            location TEXT NOT NULL,
            ticket_id INTEGER,
            appointment_id INTEGER,
            desk TEXT,
            actor TEXT,
            data TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX events_ticket ON events (ticket_id);
        CREATE INDEX events_at ON events (at);

        CREATE TABLE desks (
            key TEXT PRIMARY KEY,
            state TEXT NOT NULL DEFAULT 'open',
            staff TEXT,
            updated_at TEXT
        );

        CREATE TABLE staff (
            username TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL DEFAULT 'staff' CHECK (role IN ('staff', 'admin')),
            password_hash TEXT,
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        );

        CREATE TABLE api_tokens (
            token_hash TEXT PRIMARY KEY,
            username TEXT NOT NULL REFERENCES staff(username),
            created_at TEXT NOT NULL
        );
        """
    )


class StoreUnavailable(Exception):
    """The store cannot take a write right now; the caller may try again after ``retry_after`` seconds.

    Not a QueueError: nothing is wrong with the request, so surfaces answer 503, never "refused".
    """

    code = "unavailable"
    retry_after = 5

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Busy(StoreUnavailable):
    """Another connection (a second server, the CLI's import) held the write lock for too long."""

    code = "busy"
    retry_after = 2


class StorageFull(StoreUnavailable):
    """The disk (or the file size limit) is full: nothing can be written until there is room."""

    code = "storage_full"
    retry_after = 30


@dataclass
class LockWait:
    """How a write waits for SQLite's write lock: short tries with ``sleep`` between them.

    SQLite's own ``busy_timeout`` sleeps inside the C library, which under eventlet freezes the only
    OS thread (every board, every static file). The web app hands in ``socketio.sleep`` so other
    requests go on while a write waits; the CLI keeps ``time.sleep``.
    """

    sleep: Callable[[float], Any] = time.sleep
    limit_s: float = 30.0  # the CLI and other processes; the web app sets database_busy_wait_s
    first_pause_s: float = 0.001
    longest_pause_s: float = 0.025  # short enough that a waiting writer is not starved by busy rivals


lock_wait = LockWait()
# SQLite's own wait inside the C library (it blocks the event loop, so it stays far below a frame).
BUSY_TIMEOUT_MS = 10

# Primary result codes (sqlite3 gives extended ones; the low byte is the primary code).
_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
_FULL_CODES = {sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR}


def unavailable(error: BaseException) -> StoreUnavailable | None:
    """The StoreUnavailable an SQLite error stands for (lock held, disk full), else None."""
    if isinstance(error, StoreUnavailable):
        return error
    if isinstance(error, OSError) and error.errno in (28, 27):  # ENOSPC, EFBIG
        return StorageFull("the server's storage is full")
    if not isinstance(error, sqlite3.OperationalError):
        return None
    primary = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF
    if primary in _BUSY_CODES:
        return Busy("the database is busy with another write; please try again")
    if primary in _FULL_CODES:
        # A full disk shows as SQLITE_FULL, a file size limit (EFBIG) as an I/O error on write.
        return StorageFull("the server's storage is full")
    return None


def connect(path: str | Path, synchronous: str = "FULL") -> Database:
    """Open the store (one connection per request, greenlet or process) and bring the schema up to date.

    ``synchronous=FULL`` makes an acknowledged ticket survive a power cut, not only a crash.
    WAL readers never wait for a writer; ``busy_timeout`` only bridges the milliseconds in which a
    checkpoint resets the log, and a writer waits for the lock in ``write()``, cooperatively.
    """
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    db = Database(conn)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def prepare() -> bool:  # a new file is briefly locked while another process sets it up
        db.execute(f"PRAGMA synchronous = {synchronous}")
        db.execute("PRAGMA foreign_keys = ON")
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.enable_wal()
        return migrations.pending(db)

    if _retry(prepare):
        with write(db):
            migrations.apply(db)
    return db


def _retry(statement: Callable[[], Any]) -> Any:
    """Run ``statement`` until SQLite stops answering "busy", sleeping cooperatively; Busy after the limit."""
    deadline = time.monotonic() + lock_wait.limit_s
    pause = lock_wait.first_pause_s
    while True:
        try:
            return statement()
        except sqlite3.OperationalError as error:
            refusal = unavailable(error)
            if not isinstance(refusal, Busy):
                raise refusal or error from error
            if time.monotonic() + pause > deadline:
                raise refusal from error
        lock_wait.sleep(pause)
        pause = min(pause * 2, lock_wait.longest_pause_s)


@contextlib.contextmanager
def write(db: Database) -> Iterator[Database]:
    """One write transaction, taking the write lock at BEGIN.

    A deferred BEGIN that reads first and writes later can fail with SQLITE_BUSY when another
    process wrote in between; BEGIN IMMEDIATE takes the lock first, waiting for it in short,
    cooperative tries (``lock_wait``) and giving up with Busy. A full disk raises StorageFull.
    Never yield to other greenlets (emit, I/O) inside.
    """
    _retry(lambda: db.conn.execute("BEGIN IMMEDIATE"))
    try:
        yield db
        db.conn.execute("COMMIT")
    except BaseException as error:
        if db.conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                db.conn.execute("ROLLBACK")
        refusal = unavailable(error)
        if refusal is not None and refusal is not error:
            raise refusal from error
        raise


@contextlib.contextmanager
def read(db: Database) -> Iterator[Database]:
    """One read transaction: every query inside sees the store as of the same instant.

    In WAL mode a deferred BEGIN pins a snapshot at its first read, so e.g. a board's ``seq`` and
    its rows agree even while the desk process writes. Reads only; never yield to other greenlets.
    """
    db.conn.execute("BEGIN")
    try:
        yield db
    finally:
        db.conn.execute("COMMIT")


def rows(db: Database, sql: str, params: Any = ()) -> list[dict[str, Any]]:
    """All rows as dicts, the statement run to its end (so UPDATE … RETURNING finishes before COMMIT)."""
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def one(db: Database, sql: str, params: Any = ()) -> dict[str, Any] | None:
    found = rows(db, sql, params)
    return found[0] if found else None


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@migrations()
def m010_housekeeping(db: Database) -> None:
    """One row per background chore; the claim on ``period`` makes only one process run it."""
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS housekeeping (
            task TEXT PRIMARY KEY,
            period TEXT,
            claimed_at TEXT,
            claimed_by TEXT,
            finished_at TEXT,
            result TEXT
        );
        """
    )


@migrations()
def m011_staff_disabled_at(db: Database) -> None:
    """When an admin disabled the account (NULL while active): shown on the admin page."""
    db.execute("ALTER TABLE staff ADD COLUMN disabled_at TEXT")


@migrations()
def m012_office_settings(db: Database) -> None:
    """Overrides of office keys made in /admin (queue_core.settings): they win over the TOML file.

    ``value`` is JSON (NULL: the override was removed, the file's value applies again); ``version``
    is the seq of the ``settings_changed`` event written with the change, so one indexed MAX() tells
    every process whether its cached office is still current.
    """
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS office_settings (
            key TEXT PRIMARY KEY,
            value TEXT,
            updated_at TEXT NOT NULL,
            updated_by TEXT,
            version INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS office_settings_version ON office_settings (version);
        """
    )


@migrations()
def m013_staff_session_version(db: Database) -> None:
    """Sessions name the account and this number: raising it ends every session of that account at once
    (sign-out, password, role or disabled account), whichever process or computer holds them."""
    db.execute("ALTER TABLE staff ADD COLUMN session_version INTEGER NOT NULL DEFAULT 0")


@migrations()
def m_issue14_contacts_outbox(db: Database) -> None:
    """Reaching visitors before the visit (queue_core.online, queue_core.outbox).

    ``appointment_contacts``: the optional e-mail / mobile number a visitor gave with consent, the
    self-service token of the cancel/rebook link, and whether the booking came online; purged with
    the appointment's other personal fields. ``outbox``: every notice to send, one row each; ``key``
    makes enqueueing idempotent, ``state`` records what the sender did (sent rows stay, marked).
    """
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS appointment_contacts (
            appointment_id INTEGER PRIMARY KEY REFERENCES appointments(id),
            manage_token TEXT NOT NULL UNIQUE,
            email TEXT,
            mobile TEXT,
            contact_key TEXT,
            consent_at TEXT,
            online INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS appointment_contacts_key ON appointment_contacts (contact_key);

        CREATE TABLE IF NOT EXISTS outbox (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            appointment_id INTEGER NOT NULL,
            kind TEXT NOT NULL,
            channel TEXT NOT NULL,
            for_start TEXT,
            state TEXT NOT NULL DEFAULT 'pending',
            created_at TEXT NOT NULL,
            due_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            claimed_by TEXT,
            claimed_at TEXT,
            sent_at TEXT,
            last_error TEXT
        );
        CREATE INDEX IF NOT EXISTS outbox_due ON outbox (state, due_at);
        """
    )


@migrations()
def m_issue14_climate(db: Database) -> None:
    """The climate of visits (queue_core.climate): anonymous 1–5 answers and the desk's notes.

    ``feedback`` keeps no ticket: only day, kind of visit, score and where it was asked; that a
    ticket answered is kept apart in ``feedback_given`` (one answer per visit, the score unlinked).
    ``climate_notes`` is the caseworker's note on one visit: climate and incident, no names.
    """
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS feedback (
            id INTEGER PRIMARY KEY,
            location TEXT NOT NULL,
            day TEXT NOT NULL,
            kind TEXT NOT NULL,
            score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
            source TEXT NOT NULL,
            language TEXT
        );
        CREATE INDEX IF NOT EXISTS feedback_day ON feedback (location, day);
        CREATE TABLE IF NOT EXISTS feedback_given (
            ticket_id INTEGER PRIMARY KEY
        );
        CREATE TABLE IF NOT EXISTS climate_notes (
            ticket_id INTEGER PRIMARY KEY,
            location TEXT NOT NULL,
            day TEXT NOT NULL,
            kind TEXT NOT NULL,
            climate TEXT,
            incident TEXT,
            noted_at TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS climate_notes_day ON climate_notes (location, day);
        """
    )


@migrations()
def m020_visit_history(db: Database) -> None:
    """What the queue learns from the office (queue_core.servicetime): recent visit minutes per
    service and caseworker, and appointment visitors' lateness and no-shows. Filled from the
    history already there, so an existing office starts with what it knows."""
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS visit_history (
            name TEXT PRIMARY KEY,
            visits INTEGER NOT NULL,
            recent TEXT NOT NULL,
            extra INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL
        );
        """
    )
    from .servicetime import backfill

    backfill(db)


@migrations()
def m021_ticket_urgent(db: Database) -> None:
    """Walk-ins staff marked urgent go first among walk-ins; when and why is kept with the ticket."""
    db.execute("ALTER TABLE tickets ADD COLUMN urgent_at TEXT")
    db.execute("ALTER TABLE tickets ADD COLUMN urgent_reason TEXT")
    # Partial: the policy reads the urgent few first, however long the line.
    db.execute("CREATE INDEX tickets_urgent ON tickets (location, day, created_at)"
               " WHERE urgent_at IS NOT NULL AND state = 'waiting'")


@migrations()
def m022_planner_runs(db: Database) -> None:
    """The capacity planner's tables (``terminpraxis simulate --sweep --save``), shown on /reports."""
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS planner_runs (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            scenario TEXT NOT NULL,
            rows TEXT NOT NULL
        );
        """
    )


@migrations()
def m_issue15_ticket_number_floors(db: Database) -> None:
    """Numbers already handed out per location, day and prefix that the tickets table may not show.

    A restore from a backup made mid-day writes here the day's highest numbers of the replaced file,
    so numbering continues after them and no two visitors in the hallway hold the same number.
    """
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS ticket_number_floors (
            location TEXT NOT NULL,
            day TEXT NOT NULL,
            prefix TEXT NOT NULL,
            seq_no INTEGER NOT NULL,
            PRIMARY KEY (location, day, prefix)
        );
        """
    )


@migrations()
def m_issue15_absences(db: Database) -> None:
    """Caseworkers' absences, and what each did to the appointments it touched (queue_core.absences).

    ``absence_moves.to_staff`` is the colleague who took the appointment, NULL when it went on the
    call list.
    """
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS absences (
            id INTEGER PRIMARY KEY,
            location TEXT NOT NULL,
            staff TEXT NOT NULL,
            starts_at TEXT NOT NULL,
            ends_at TEXT NOT NULL,
            created_at TEXT NOT NULL,
            created_by TEXT,
            cancelled_at TEXT
        );
        CREATE INDEX IF NOT EXISTS absences_staff_end ON absences (staff, ends_at);
        CREATE TABLE IF NOT EXISTS absence_moves (
            absence_id INTEGER NOT NULL REFERENCES absences(id),
            appointment_id INTEGER NOT NULL REFERENCES appointments(id),
            from_staff TEXT NOT NULL,
            to_staff TEXT,
            PRIMARY KEY (absence_id, appointment_id)
        );
        CREATE INDEX IF NOT EXISTS absence_moves_appointment ON absence_moves (appointment_id);
        """
    )


@migrations()
def m_issue15_needs(db: Database) -> None:
    """Visitors' needs (queue_core.needs), personal data erased by the purge: ``needs`` holds the
    room needs sorted and comma-joined (the policy matches it exactly), ``interpreter`` the language."""
    for table in ("appointments", "tickets"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN needs TEXT")
        db.execute(f"ALTER TABLE {table} ADD COLUMN interpreter TEXT")


@migrations()
def m013_devices(db: Database) -> None:
    """What each kiosk, board and printer last reported (queue_core.devices); every process writes here."""
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS devices (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            zone TEXT,
            language TEXT,
            sound TEXT,
            speech TEXT,
            printer TEXT,
            version TEXT,
            process TEXT,
            detail TEXT,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS devices_last_seen ON devices (last_seen);
        """
    )


@migrations()
def m_issue15_locations(db: Database) -> None:
    """Several locations in one installation (queue_core.locations).

    ``locations`` holds what the admin did (added, renamed, deactivated); locations named in the
    configuration file need no row. ``office_settings`` gains the location its overrides are for:
    '' stands for the installation's first location (the one at the URLs without a location), so
    the rows written before keep applying to it. ``staff_locations``: where an account may work
    (no row: everywhere).
    """
    db.executescript(
        """
        CREATE TABLE locations (
            slug TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            updated_by TEXT,
            version INTEGER NOT NULL
        );
        CREATE TABLE staff_locations (
            username TEXT NOT NULL,
            location TEXT NOT NULL,
            PRIMARY KEY (username, location)
        );
        CREATE TABLE office_settings_by_location (
            location TEXT NOT NULL DEFAULT '',
            key TEXT NOT NULL,
            value TEXT,
            updated_at TEXT NOT NULL,
            updated_by TEXT,
            version INTEGER NOT NULL,
            PRIMARY KEY (location, key)
        );
        INSERT INTO office_settings_by_location (location, key, value, updated_at, updated_by, version)
            SELECT '', key, value, updated_at, updated_by, version FROM office_settings;
        DROP TABLE office_settings;
        ALTER TABLE office_settings_by_location RENAME TO office_settings;
        CREATE INDEX office_settings_version ON office_settings (version);
        """
    )
