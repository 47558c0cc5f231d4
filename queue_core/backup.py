"""Backup and restore of the office's SQLite file while it runs.

A backup is made with SQLite's online backup API (a consistent snapshot, even while the server
writes), then VACUUMed: the copy holds only the live rows, so values the purge erased are not
left over in free pages. A restore refuses while a server has the database open (servers hold a
shared ``flock`` on ``<database>.running``), checks the copy's integrity and schema, keeps the
replaced file aside and carries today's ticket numbers forward, so a number handed out after the
backup is never given to a second visitor.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Iterator

from . import events, store
from .clock import to_db
from .errors import BackupError
from .states import EventKind

# Backups made by ``backup_into`` are named like this, so pruning never touches other files.
FILE_PREFIX = "terminpraxis-"
FILE_SUFFIX = ".db"
REQUIRED_TABLES = ("appointments", "tickets", "events", "staff")


@dataclass(frozen=True)
class BackupInfo:
    """What a checked backup holds (no personal data): enough to decide whether to restore it."""

    path: Path
    tickets: int
    appointments: int
    newest_event: str | None
    pending_migrations: list[str] = field(default_factory=list)


def lock_path(database: str | Path) -> Path:
    return Path(f"{database}.running")


def hold(database: str | Path) -> IO[bytes]:
    """Take the database's "in use" lock (shared: many servers and backups at once).

    A server holds it for its whole life (keep the returned handle open); ``restore`` cannot take
    the lock then and refuses. The kernel drops it when the process ends, even by SIGKILL.
    """
    handle = _open_lock(database)
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise BackupError(f"a restore of {database} is under way; start again when it is done") from None
    return handle


@contextlib.contextmanager
def running(database: str | Path) -> Iterator[None]:
    """Hold the "in use" lock (``hold``) while inside."""
    with hold(database):
        yield


def _read_only(path: str | Path, timeout: float = 5) -> sqlite3.Connection:
    """A connection that cannot write (nor create the file when it is missing)."""
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)


def _open_lock(database: str | Path) -> IO[bytes]:
    path = lock_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("ab")


def backup(database: str | Path, target: str | Path) -> BackupInfo:
    """Copy the live ``database`` to ``target`` (a new file), consistent as of one instant."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists already; a backup never overwrites a file", field="path")
    if not Path(database).is_file():
        raise BackupError(f"there is no database at {database}", field="database")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    with running(database):
        source = _read_only(database, timeout=30)
        copy = sqlite3.connect(partial, isolation_level=None)
        try:
            source.backup(copy)
            # One self-contained file, and no free pages that could still hold erased values.
            copy.execute("PRAGMA journal_mode = DELETE")
            copy.execute("VACUUM")
        finally:
            copy.close()
            source.close()
    try:
        info = check(partial)
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    return BackupInfo(target, info.tickets, info.appointments, info.newest_event, info.pending_migrations)


def backup_into(database: str | Path, folder: str | Path, now: datetime, keep: int | None = None) -> BackupInfo:
    """A backup named by its UTC time in ``folder``; with ``keep``, only the newest ``keep`` stay."""
    if keep is not None and keep < 1:
        raise BackupError("keep must be at least 1", field="keep")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    info = backup(database, folder / f"{FILE_PREFIX}{now.strftime('%Y%m%d-%H%M%S')}{FILE_SUFFIX}")
    if keep is not None:
        for old in kept_backups(folder)[:-keep]:
            old.unlink()
    return info


def kept_backups(folder: str | Path) -> list[Path]:
    """The backups ``backup_into`` made in ``folder``, oldest first (their names sort by time)."""
    return sorted(p for p in Path(folder).glob(f"{FILE_PREFIX}*{FILE_SUFFIX}") if p.is_file())


def check(path: str | Path) -> BackupInfo:
    """Refuse a file that is not an intact Terminpraxis database this version can run."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"there is no file at {path}", field="path")
    try:
        db = _read_only(path)
    except sqlite3.Error as error:
        raise BackupError(f"{path} cannot be opened: {error}", field="path") from None
    try:
        return _inspect(db, path)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a usable SQLite database: {error}", field="path") from None
    finally:
        db.close()


def _inspect(db: sqlite3.Connection, path: Path) -> BackupInfo:
    problems = [row[0] for row in db.execute("PRAGMA integrity_check").fetchall()]
    if problems != ["ok"]:
        raise BackupError(f"{path} is damaged: {'; '.join(problems[:3])}", field="path")
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {*REQUIRED_TABLES, store.migrations.migrations_table} <= tables:
        raise BackupError(f"{path} is not a Terminpraxis database", field="path")
    applied = [row[0] for row in db.execute(
        f"SELECT name FROM {store.migrations.migrations_table} WHERE migration_set = ?",
        (store.migrations.name,))]
    known = [m.name for m in store.migrations._migrations]
    newer = [name for name in applied if name not in known]
    if newer:
        raise BackupError(f"{path} was written by a newer Terminpraxis (unknown schema steps:"
                          f" {', '.join(newer)}); update this installation first", field="path")
    count = {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("tickets", "appointments")}
    newest = db.execute("SELECT MAX(at) FROM events").fetchone()[0]
    return BackupInfo(path, count["tickets"], count["appointments"], newest,
                      [name for name in known if name not in applied])


def restore(source: str | Path, database: str | Path, now: datetime) -> Path | None:
    """Put the checked backup ``source`` in place of ``database``; returns where the replaced file went.

    Refuses while any server holds the database (see ``running``). The schema of an older backup
    is brought up to date; ticket numbers already handed out today (in the replaced file) are
    carried forward so numbering continues after them.
    """
    info = check(source)
    database = Path(database)
    handle = _open_lock(database)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupError(f"{database} is in use by a running server (or a backup): stop the"
                              " office's servers first, then restore", field="database") from None
        floors = _numbers_handed_out(database)
        aside = _set_aside(database, now)
        restoring = database.with_name(database.name + ".restoring")
        restoring.unlink(missing_ok=True)
        with contextlib.closing(_read_only(source)) as src, \
                contextlib.closing(sqlite3.connect(restoring)) as copy:
            src.backup(copy)
        os.replace(restoring, database)
        db = store.connect(database)  # applies the schema steps an older backup lacks
        try:
            with store.write(db):
                db.conn.executemany(
                    "INSERT INTO ticket_number_floors (location, day, prefix, seq_no) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT DO UPDATE SET seq_no = MAX(seq_no, excluded.seq_no)", floors)
                for location in {row[0] for row in db.execute("SELECT DISTINCT location FROM events")} or {"main"}:
                    events.append(db, now, EventKind.RESTORED, location, backup=info.path.name,
                                  newest_event=info.newest_event, numbers_carried=len(floors))
        finally:
            db.close()
    finally:
        handle.close()
    return aside


def _numbers_handed_out(database: Path) -> list[tuple[str, str, str, int]]:
    """The highest number per location, day and prefix in the file being replaced (if readable).

    Only the newest day counts: those visitors may be in the hallway holding their ticket.
    """
    if not database.is_file():
        return []
    try:
        with contextlib.closing(_read_only(database)) as old:
            return [tuple(row) for row in old.execute(
                "SELECT location, day, prefix, MAX(seq_no) FROM tickets"
                " WHERE day = (SELECT MAX(day) FROM tickets) GROUP BY location, day, prefix")]
    except sqlite3.DatabaseError:
        return []  # a damaged file is why one restores; its numbers are lost with it


def _set_aside(database: Path, now: datetime) -> Path | None:
    """Rename the replaced database (and its WAL) to ``<name>.before-restore-<UTC time>``."""
    if not database.exists():
        return None
    aside = database.with_name(f"{database.name}.before-restore-{to_db(now)[:19].replace(':', '')}")
    with contextlib.suppress(sqlite3.DatabaseError), \
            contextlib.closing(sqlite3.connect(database)) as old:
        old.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    os.replace(database, aside)
    for suffix in ("-wal", "-shm"):
        extra = Path(f"{database}{suffix}")
        if extra.exists():
            os.replace(extra, Path(f"{aside}{suffix}"))
    return aside
