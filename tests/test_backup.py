"""Backup and restore on real SQLite files: consistent copies, checks before a restore, erased data."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from queue_core import Engine, ManualClock, connect, store
from queue_core.backup import BackupError, backup, backup_into, check, hold, kept_backups, restore

from conftest import MONDAY_0830

MARKER = "Quaxelbrunn"  # a surname no other row contains, searched for in the raw bytes


def walk_ins(engine: Engine, count: int) -> list[str]:
    return [engine.walk_in("notfall").ticket.number for _ in range(count)]


def test_backup_is_a_checked_standalone_copy(engine, tmp_path, db_path):
    numbers = walk_ins(engine, 3)
    info = backup(db_path, tmp_path / "copy.db")
    assert info.tickets == 3 and info.pending_migrations == []
    assert not (tmp_path / "copy.db-wal").exists()
    copy = connect(tmp_path / "copy.db")
    assert [r["number"] for r in copy.query("SELECT number FROM tickets ORDER BY id")] == numbers
    with pytest.raises(BackupError, match="never overwrites"):
        backup(db_path, tmp_path / "copy.db")


def test_backups_into_a_folder_keep_only_the_newest(engine, tmp_path, db_path):
    folder = tmp_path / "backups"
    (folder).mkdir()
    (folder / "notes.txt").write_text("not a backup")
    made = [backup_into(db_path, folder, MONDAY_0830 + timedelta(hours=h), keep=2).path for h in range(4)]
    assert kept_backups(folder) == made[-2:]
    assert (folder / "notes.txt").exists()


def test_purged_data_is_not_in_a_new_backup(engine, office, clock, db_path, tmp_path):
    appointment = engine.book_appointment(service="erstantrag", starts_at=MONDAY_0830 + timedelta(hours=1),
                                          staff="abraun", name=f"Erika {MARKER}", concern="Miete")
    # A long read elsewhere keeps the WAL from being truncated after the purge: the old page with
    # the name stays in the live files, so the copy must not be a copy of the files.
    reader = sqlite3.connect(db_path)
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM appointments").fetchone()
    clock.advance(days=office.retention_days + 2)
    engine.db.execute("PRAGMA busy_timeout = 100")  # the purge's checkpoint would wait for the reader
    assert engine.purge().appointments == 1
    live = b"".join(p.read_bytes() for p in tmp_path.glob("terminpraxis.db*") if p.is_file())
    assert MARKER.encode() in live
    backup(db_path, tmp_path / "copy.db")
    reader.close()
    assert MARKER.encode() not in (tmp_path / "copy.db").read_bytes()
    assert connect(tmp_path / "copy.db")["appointments"].get(appointment.id)["purged_at"]


@pytest.mark.parametrize("content, message", [
    (b"just some text, not a database" * 200, "not a usable SQLite database"),
    (None, "not a Terminpraxis database"),
])
def test_restore_refuses_what_is_not_an_office_database(tmp_path, db_path, content, message):
    bad = tmp_path / "bad.db"
    if content is None:
        sqlite3.connect(bad).execute("CREATE TABLE other (x)").connection.close()
    else:
        bad.write_bytes(content)
    with pytest.raises(BackupError, match=message):
        restore(bad, db_path, MONDAY_0830)
    assert not db_path.exists()


def test_restore_refuses_a_damaged_backup(engine, db_path, tmp_path):
    walk_ins(engine, 50)
    backup(db_path, tmp_path / "copy.db")
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        root = copy.execute("SELECT rootpage FROM sqlite_master WHERE name = 'tickets'").fetchone()[0]
        size = copy.execute("PRAGMA page_size").fetchone()[0]
    raw = bytearray((tmp_path / "copy.db").read_bytes())
    start = (root - 1) * size
    raw[start:start + 64] = b"\xff" * 64  # scribble over the tickets table's first page
    (tmp_path / "copy.db").write_bytes(bytes(raw))
    with pytest.raises(BackupError, match="damaged|not a usable"):
        check(tmp_path / "copy.db")


def test_restore_refuses_a_backup_of_a_newer_version(engine, db_path, tmp_path):
    backup(db_path, tmp_path / "copy.db")
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        copy.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
                     " VALUES ('terminpraxis', 'm999_from_the_future', '2030-01-01')")
    with pytest.raises(BackupError, match="newer Terminpraxis.*m999_from_the_future"):
        restore(tmp_path / "copy.db", tmp_path / "target.db", MONDAY_0830)


def test_restore_brings_an_older_backup_up_to_date(tmp_path):
    old = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    from sqlite_utils import Database

    store.migrations.apply(Database(old), stop_before="m_issue15_ticket_number_floors")
    old.close()
    assert check(tmp_path / "old.db").pending_migrations[0] == "m_issue15_ticket_number_floors"
    restore(tmp_path / "old.db", tmp_path / "target.db", MONDAY_0830)
    assert "ticket_number_floors" in connect(tmp_path / "target.db").table_names()


def test_restore_refuses_while_a_server_holds_the_database(engine, db_path, tmp_path):
    walk_ins(engine, 1)
    backup(db_path, tmp_path / "copy.db")
    with hold(db_path):
        with pytest.raises(BackupError, match="running server"):
            restore(tmp_path / "copy.db", db_path, MONDAY_0830)
        with hold(db_path):  # servers share the lock
            pass


def test_restore_continues_the_days_numbers_and_keeps_the_replaced_file(engine, office, db_path, tmp_path):
    before = walk_ins(engine, 2)
    backup(db_path, tmp_path / "copy.db")
    after = walk_ins(engine, 3)
    engine.db.close()
    aside = restore(tmp_path / "copy.db", db_path, MONDAY_0830 + timedelta(minutes=5))
    assert aside is not None and aside.exists()
    restored = Engine(connect(db_path), office, ManualClock(MONDAY_0830 + timedelta(minutes=6)))
    numbers = [r["number"] for r in restored.db.query("SELECT number FROM tickets ORDER BY id")]
    assert numbers == before
    assert walk_ins(restored, 1) == ["W 006"] and after[-1] == "W 005"
    kinds = [r["kind"] for r in restored.db.query("SELECT kind FROM events ORDER BY seq DESC LIMIT 2")]
    assert kinds == ["walked_in", "restored"]
    restored.db.close()
    engine.db = connect(db_path)  # the fixture closes it


def test_cli_explains_a_missing_database_and_a_wrong_file(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from terminpraxis.cli import cli
    from conftest import DEMO_CONFIG

    monkeypatch.setenv("TERMINPRAXIS_DATABASE", str(tmp_path / "none.db"))
    monkeypatch.setenv("TERMINPRAXIS_CONFIG", str(DEMO_CONFIG))
    made = CliRunner().invoke(cli, ["backup", str(tmp_path / "copy.db")])
    assert made.exit_code == 1 and "there is no database at" in made.output
    (tmp_path / "notes.txt").write_text("hello")
    refused = CliRunner().invoke(cli, ["restore", str(tmp_path / "notes.txt"), "--yes"])
    assert refused.exit_code == 1 and "not a usable SQLite database" in refused.output
