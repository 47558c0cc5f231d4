"""Retention: after the purge no personal data of old appointments remains (not in the rows, not in
the database file), the evaluation of that period is unchanged, and the access log has its own retention."""
from __future__ import annotations

from datetime import date

from conftest import office_mapping
from queue_core import Engine, Office, facts, stats

from test_stats import MONDAY, at, scripted_day

PERSONAL_COLUMNS = ("name", "birth_date", "phone", "concern", "notes", "documents")
PERSONAL_TEXTS = ("Person A", "Anliegen A", "Notiz A", "Person N1", "Anliegen N1", "1970-01-01", "0461 1234", "Frau Muster")


def evaluation(engine) -> dict:
    return stats.evaluate(engine.db, engine.office, facts.make_period(date(2026, 11, 16), date(2026, 11, 29)))


def test_purge_erases_personal_data_and_keeps_the_figures(engine, clock, db_path):
    ids = scripted_day(engine, clock)
    before = evaluation(engine)
    assert before["summary"]["served"]["total"] == 8
    # eight days later, one more appointment is booked for tomorrow: its data must stay
    clock.set(at(9, 0, date(2026, 12, 1)))
    recent = engine.book_appointment(service="erstantrag", starts_at=at(9, 0, date(2026, 12, 2)), staff="abraun",
                                     name="Neu, Nora", phone="0461 9999", concern="Neuer Antrag")
    from queue_core import connect

    other = connect(db_path)  # a server has other connections open: the WAL is not deleted on close
    result = engine.purge()
    assert (result.appointments, result.tickets) == (9, 4)  # 8 + the no-visit call; initials: 4 walk-ins

    old = engine.db.execute(f"SELECT {', '.join(PERSONAL_COLUMNS)}, purged_at FROM appointments WHERE id != ?",
                            (recent.id,)).fetchall()
    assert len(old) == 9
    for row in old:
        assert row[:-1] == (None,) * len(PERSONAL_COLUMNS) and row[-1] is not None
    assert engine.db.execute("SELECT COUNT(*) FROM tickets WHERE initial IS NOT NULL").fetchone()[0] == 0
    kept = engine.appointment(recent.id)
    assert (kept.name, kept.phone, kept.concern) == ("Neu, Nora", "0461 9999", "Neuer Antrag")

    # nowhere in any table …
    for table in ("appointments", "tickets", "events"):
        dump = " ".join(str(r) for r in engine.db.execute(f"SELECT * FROM {table}").fetchall())
        for text in PERSONAL_TEXTS:
            assert text not in dump, (table, text)
    # … and not in the database file's free space or its write-ahead log either
    raw = b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*"))
    for text in PERSONAL_TEXTS:
        assert text.encode() not in raw, text
    other.close()
    assert evaluation(engine) == before
    assert ids  # the day was scripted
    # purging again changes nothing and keeps the figures
    assert engine.purge().appointments == 0
    assert evaluation(engine) == before


def test_the_access_log_is_deleted_after_its_own_retention(db_path, clock):
    from queue_core import connect

    office = Office.from_mapping(office_mapping(access_log_retention_days=30))
    engine = Engine(connect(db_path), office, clock)
    clock.set(at(8, 0, date(2026, 9, 1)))
    engine.record_reading("abraun", "appointment", 1)
    clock.set(at(8, 0, date(2026, 11, 1)))
    engine.record_reading("abraun", "appointment", 2)
    clock.set(at(8, 0, MONDAY))
    engine.record_reading("abraun", "appointments_of_day", date="2026-11-23")
    result = engine.purge()
    assert result.access_log == 1
    left = engine.db.execute("SELECT appointment_id, at FROM events WHERE kind = 'personal_data_read'"
                             " ORDER BY seq").fetchall()
    assert [r[0] for r in left] == [2, None]
    purged = engine.db.execute("SELECT data FROM events WHERE kind = 'purged'").fetchone()[0]
    assert '"access_log":1' in purged
    engine.db.close()


def test_the_default_access_log_retention_is_a_year(engine):
    assert engine.office.access_log_retention_days == 365
    assert Office.from_mapping(office_mapping()).retention_days == 7
