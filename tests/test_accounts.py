"""queue_core.accounts: lookups, the staff list, changes, disabling; and the access log command."""
from __future__ import annotations

import json

import pytest

from queue_core import accounts
from queue_core.clock import to_db
from queue_core.errors import InvalidInput, NotFound

PASSWORD = "lang-genug-1"


@pytest.fixture
def db(engine, clock):
    """The engine's store with an admin ``leitung`` and a caseworker ``abraun`` (with a password)."""
    accounts.add_staff(engine.db, "leitung", name="Leitung", role="admin", password=PASSWORD, now=clock.now())
    accounts.add_staff(engine.db, "abraun", name="Anna Braun", role="staff", password=PASSWORD, now=clock.now())
    return engine.db


def test_get_account_answers_only_for_active_accounts(db, clock):
    assert accounts.get_account(db, "abraun") == {"username": "abraun", "name": "Anna Braun", "role": "staff",
                                                  "session_version": 0}
    assert accounts.get_account(db, "nobody") is None
    accounts.set_active(db, "abraun", False, clock.now())
    assert accounts.get_account(db, "abraun") is None


def test_list_staff_says_whether_a_password_is_set_never_the_hash(db, engine, clock):
    accounts.sync_caseworkers(db, engine.office, clock.now())  # hkoch, pschulz: no password yet
    listed = {row["username"]: row for row in accounts.list_staff(db)}
    assert list(listed) == sorted(listed)
    assert listed["abraun"] == {"username": "abraun", "name": "Anna Braun", "role": "staff", "active": 1,
                                "has_password": 1, "disabled_at": None}
    assert listed["hkoch"]["has_password"] == 0
    assert all("password_hash" not in row for row in listed.values())


def test_set_role_rename_and_reset_password(db):
    accounts.set_role(db, "abraun", "admin")
    accounts.rename(db, "abraun", "  Anna Braun-Koch ")
    accounts.reset_password(db, "abraun", "ganz-neu-123")
    assert accounts.get_account(db, "abraun") == {"username": "abraun", "name": "Anna Braun-Koch", "role": "admin",
                                                  "session_version": 2}  # role and password ended sessions
    assert accounts.verify_password(db, "abraun", PASSWORD) is None
    assert accounts.verify_password(db, "abraun", "ganz-neu-123")["username"] == "abraun"


@pytest.mark.parametrize("change, error", [
    (lambda db: accounts.set_role(db, "abraun", "chef"), InvalidInput),
    (lambda db: accounts.rename(db, "abraun", "   "), InvalidInput),
    (lambda db: accounts.reset_password(db, "abraun", "kurz"), InvalidInput),
    (lambda db: accounts.set_role(db, "nobody", "staff"), NotFound),
    (lambda db: accounts.rename(db, "nobody", "Niemand"), NotFound),
    (lambda db: accounts.reset_password(db, "nobody", PASSWORD), NotFound),
])
def test_bad_changes_are_refused_and_change_nothing(db, change, error):
    before = accounts.list_staff(db)
    with pytest.raises(error):
        change(db)
    assert accounts.list_staff(db) == before


def test_a_disabled_account_cannot_sign_in_and_its_tokens_are_revoked(db, clock):
    token = accounts.create_token(db, "abraun", clock.now())
    assert accounts.user_for_token(db, token)["username"] == "abraun"

    accounts.set_active(db, "abraun", False, clock.now())
    assert accounts.verify_password(db, "abraun", PASSWORD) is None
    assert accounts.user_for_token(db, token) is None
    with pytest.raises(NotFound):
        accounts.create_token(db, "abraun", clock.now())
    row = {r["username"]: r for r in accounts.list_staff(db)}["abraun"]
    assert (row["active"], row["disabled_at"]) == (0, to_db(clock.now()))

    accounts.set_active(db, "abraun", True, clock.now())
    assert accounts.verify_password(db, "abraun", PASSWORD)["username"] == "abraun"
    assert accounts.user_for_token(db, token) is None  # revoked for good: a new one is needed
    assert accounts.user_for_token(db, accounts.create_token(db, "abraun", clock.now()))["username"] == "abraun"
    assert {r["username"]: r for r in accounts.list_staff(db)}["abraun"]["disabled_at"] is None


def test_add_staff_enables_a_disabled_account_again(db, clock):
    accounts.set_active(db, "abraun", False, clock.now())
    accounts.add_staff(db, "abraun", name="Anna Braun", role="staff", password=PASSWORD, now=clock.now())
    row = {r["username"]: r for r in accounts.list_staff(db)}["abraun"]
    assert (row["active"], row["disabled_at"]) == (1, None)


def test_the_last_active_admin_stays_an_active_admin(db, clock):
    with pytest.raises(InvalidInput):
        accounts.set_active(db, "leitung", False, clock.now())
    with pytest.raises(InvalidInput):
        accounts.set_role(db, "leitung", "staff")
    assert accounts.get_account(db, "leitung")["role"] == "admin"
    accounts.set_role(db, "abraun", "admin")
    accounts.set_active(db, "leitung", False, clock.now())  # another admin is left
    assert accounts.get_account(db, "leitung") is None
    with pytest.raises(NotFound):
        accounts.set_active(db, "nobody", False, clock.now())


def test_record_reading_appends_one_access_log_event_without_personal_data(engine, clock):
    appointment = engine.book_appointment(service="erstantrag", starts_at=clock.now().replace(hour=9),
                                          staff="abraun", name="Albers, Jana")
    seq = engine.record_reading("abraun", "appointment", appointment.id)
    engine.record_reading("abraun", "appointments_of_day", date="2026-11-23")
    found = engine.db.execute("SELECT seq, at, kind, location, appointment_id, actor, data FROM events"
                              " WHERE kind = 'personal_data_read' ORDER BY seq").fetchall()
    assert [row[0] for row in found][0] == seq
    assert found[0][1:6] == (to_db(clock.now()), "personal_data_read", "rathaus", appointment.id, "abraun")
    assert [json.loads(row[6]) for row in found] == [{"what": "appointment"},
                                                     {"what": "appointments_of_day", "date": "2026-11-23"}]
    assert "Albers" not in " ".join(row[6] for row in found)
