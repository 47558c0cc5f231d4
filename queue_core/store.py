"""The durable store: one SQLite file, its schema (sqlite-utils Migrations) and transactions."""
from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path
from typing import Any, Iterator

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


def connect(path: str | Path, synchronous: str = "FULL") -> Database:
    """Open the store (one connection per request, greenlet or process) and bring the schema up to date.

    ``synchronous=FULL`` makes an acknowledged ticket survive a power cut, not only a crash.
    """
    conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
    db = Database(conn)
    db.execute("PRAGMA busy_timeout = 30000")
    if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        db.enable_wal()
    db.execute(f"PRAGMA synchronous = {synchronous}")
    db.execute("PRAGMA foreign_keys = ON")
    if migrations.pending(db):
        with write(db):
            migrations.apply(db)
    return db


@contextlib.contextmanager
def write(db: Database) -> Iterator[Database]:
    """One write transaction, taking the write lock at BEGIN.

    A deferred BEGIN that reads first and writes later can fail with SQLITE_BUSY when another
    process wrote in between; BEGIN IMMEDIATE queues writers behind busy_timeout instead.
    Never yield to other greenlets (emit, I/O) inside.
    """
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


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
