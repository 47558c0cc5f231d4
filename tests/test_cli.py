"""The `terminpraxis` command against real database files."""
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from queue_core import Engine, ManualClock, Office, connect
from queue_core.accounts import user_for_token, verify_password
from terminpraxis.cli import cli

from conftest import DEMO_CONFIG, office_mapping


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Invoke the CLI with its own database and the demo configuration."""
    db = tmp_path / "cli.db"
    for name in list(__import__("os").environ):
        if name.startswith("TERMINPRAXIS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TERMINPRAXIS_DATABASE", str(db))
    monkeypatch.setenv("TERMINPRAXIS_CONFIG", str(DEMO_CONFIG))

    def invoke(*args, input=None):
        return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)

    invoke.db = db
    return invoke


def test_init_db_creates_the_schema_and_can_run_again(run):
    assert run("init-db").exit_code == 0
    assert run("init-db").exit_code == 0
    tables = set(connect(run.db).table_names())
    assert {"appointments", "tickets", "events", "staff", "api_tokens"} <= tables
    names = {r["username"] for r in connect(run.db).query("SELECT username FROM staff")}
    assert names == {"abraun", "hkoch", "pschulz"}


def test_demo_seeds_once_and_prints_the_logins(run):
    first = run("demo")
    assert first.exit_code == 0
    assert "leitung / terminpraxis-demo" in first.output
    db = connect(run.db)
    booked = db.execute("SELECT COUNT(*) FROM appointments").fetchone()[0]
    assert booked > 10
    assert verify_password(db, "abraun", "terminpraxis-demo")["role"] == "staff"
    again = run("demo")
    assert "not seeded again" in again.output
    assert db.execute("SELECT COUNT(*) FROM appointments").fetchone()[0] == booked


def test_staff_add_reads_the_password_from_stdin(run):
    result = run("staff", "add", "mleiter", "--name", "Maria Leiter", "--role", "admin", "--password-stdin",
                 input="lange-geheim\n")
    assert result.exit_code == 0, result.output
    account = verify_password(connect(run.db), "mleiter", "lange-geheim")
    assert account == {"username": "mleiter", "name": "Maria Leiter", "role": "admin", "session_version": 0}
    assert verify_password(connect(run.db), "mleiter", "falsch") is None


def test_staff_add_refuses_a_short_password_with_a_message(run):
    result = run("staff", "add", "kurz", "--name", "K", "--password-stdin", input="abc\n")
    assert result.exit_code == 1
    assert "at least 8 characters" in result.output


def test_token_create_prints_a_token_that_identifies_the_user(run):
    run("staff", "add", "api", "--name", "API", "--password-stdin", input="lange-geheim\n")
    result = run("token", "create", "api")
    token = result.output.strip()
    assert result.exit_code == 0 and len(token) >= 40
    assert user_for_token(connect(run.db), token)["username"] == "api"
    assert user_for_token(connect(run.db), token + "x") is None


def test_token_create_for_an_unknown_user_fails_cleanly(run):
    result = run("token", "create", "niemand")
    assert result.exit_code == 1 and "no active staff account" in result.output


def test_purge_erases_old_personal_data(run):
    run("init-db")
    office = Office.from_mapping(office_mapping())
    past = datetime.now(timezone.utc) - timedelta(days=30)
    # A Monday morning 30+ days ago, in office hours, booked the day before.
    monday = past - timedelta(days=past.weekday())
    start = monday.replace(hour=8, minute=0, second=0, microsecond=0)
    engine = Engine(connect(run.db), office, ManualClock(start - timedelta(days=1)))
    engine.office = Office.from_mapping(office_mapping(location="rathaus"))
    appointment = engine.book_appointment(service="erstantrag", starts_at=start, staff="abraun",
                                          name="Erika Mustermann", phone="0461 123", notes="Notiz")
    result = run("purge")
    assert result.exit_code == 0 and "1 appointments" in result.output
    row = connect(run.db).execute("SELECT name, phone, notes, service, starts_at FROM appointments WHERE id = ?",
                                  (appointment.id,)).fetchone()
    assert row[:3] == (None, None, None) and row[3] == "erstantrag" and row[4]


def test_simulate_prints_a_plausible_day(run):
    result = run("simulate", "--staff", "3", "--appointments", "20", "--walk-ins", "20")
    assert result.exit_code == 0
    assert "with appointment" in result.output and "without appointment" in result.output
    assert "Appointments called within 5 min" in result.output


def test_simulate_refuses_nonsense_counts(run):
    result = CliRunner().invoke(cli, ["simulate", "--staff", "0"])
    assert result.exit_code == 2 and "at least 1" in result.output


def test_a_broken_configuration_is_a_message_not_a_traceback(run, tmp_path, monkeypatch):
    broken = tmp_path / "broken.toml"
    broken.write_text('[hours]\nmon = ["08:00-12:00", "11:00-13:00"]\n')
    monkeypatch.setenv("TERMINPRAXIS_CONFIG", str(broken))
    result = run("init-db")
    assert result.exit_code == 1 and "overlap" in result.output
    monkeypatch.setenv("TERMINPRAXIS_CONFIG", str(tmp_path / "missing.toml"))
    result = run("init-db")
    assert result.exit_code == 1 and "not found" in result.output


def test_import_books_good_rows_and_reports_bad_ones(run, tmp_path):
    run("init-db")
    day = datetime.now(timezone.utc).date() + timedelta(days=7)
    csv_file = tmp_path / "termine.csv"
    csv_file.write_text(
        "name;starts_at;service;staff\n"
        f"Erika Muster;{day.isoformat()}T09:00:00+01:00;erstantrag;abraun\n"
        f"Max Muster;{day.isoformat()}T09:00:00+01:00;erstantrag;abraun\n"
        "Kaputt;gestern;erstantrag;abraun\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(csv_file)])
    assert result.exit_code == 1
    assert "Booked 1 appointments." in result.stdout
    assert result.stderr.count("not booked") == 2
    assert connect(run.db).execute("SELECT COUNT(*) FROM appointments").fetchone()[0] == 1
