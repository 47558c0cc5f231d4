"""queue_core.accounts: lookups, the staff list, the account commands and their events; the access log command."""
from __future__ import annotations

import json

import pytest

from queue_core import accounts
from queue_core.clock import to_db
from queue_core.errors import InvalidInput, NotFound

PASSWORD = "lang-genug-1"


@pytest.fixture
def db(engine):
    """The engine's store with an admin ``leitung`` and a caseworker ``abraun`` (with a password)."""
    engine.add_staff("leitung", name="Leitung", role="admin", password=PASSWORD)
    engine.add_staff("abraun", name="Anna Braun", role="staff", password=PASSWORD)
    return engine.db


def account_events(db) -> list[tuple[str, str | None, dict]]:
    return [(kind, actor, json.loads(data)) for kind, actor, data in db.execute(
        "SELECT kind, actor, data FROM events WHERE kind NOT IN ('personal_data_read') ORDER BY seq")]


def test_get_account_answers_only_for_active_accounts(db, engine):
    assert accounts.get_account(db, "abraun") == {"username": "abraun", "name": "Anna Braun", "role": "staff",
                                                  "session_version": 0}
    assert accounts.get_account(db, "nobody") is None
    engine.set_staff_active("abraun", False)
    assert accounts.get_account(db, "abraun") is None


def test_list_staff_says_whether_a_password_is_set_never_the_hash(db, engine):
    engine.sync_caseworkers()  # hkoch, pschulz: no password yet
    listed = {row["username"]: row for row in accounts.list_staff(db)}
    assert list(listed) == sorted(listed)
    assert listed["abraun"] == {"username": "abraun", "name": "Anna Braun", "role": "staff", "active": 1,
                                "has_password": 1, "disabled_at": None}
    assert listed["hkoch"]["has_password"] == 0
    assert all("password_hash" not in row for row in listed.values())


def test_set_role_rename_and_reset_password(db, engine):
    engine.set_role("abraun", "admin")
    engine.rename_staff("abraun", "  Anna Braun-Koch ")
    engine.reset_password("abraun", "ganz-neu-123")
    assert accounts.get_account(db, "abraun") == {"username": "abraun", "name": "Anna Braun-Koch", "role": "admin",
                                                  "session_version": 2}  # role and password ended sessions
    assert accounts.verify_password(db, "abraun", PASSWORD) is None
    assert accounts.verify_password(db, "abraun", "ganz-neu-123")["username"] == "abraun"


def test_every_account_change_is_an_event_naming_the_account_never_a_secret(db, engine, clock):
    engine.sync_caseworkers()
    engine.sync_caseworkers()  # nothing changed: no second event
    engine.set_role("abraun", "admin", "leitung")
    engine.rename_staff("abraun", "Anna Braun-Koch", "leitung")
    engine.reset_password("abraun", "ganz-neu-123", "leitung")
    token = engine.create_token("abraun", "leitung")
    engine.set_staff_active("abraun", False, "leitung")
    engine.set_staff_active("abraun", True, "leitung")
    engine.end_sessions("leitung")
    assert account_events(db) == [
        ("account_saved", None, {"account": "leitung", "role": "admin", "new": True}),
        ("account_saved", None, {"account": "abraun", "role": "staff", "new": True}),
        ("accounts_synced", None, {"added": ["hkoch", "pschulz"], "renamed": []}),
        ("role_changed", "leitung", {"account": "abraun", "role": "admin"}),
        ("account_renamed", "leitung", {"account": "abraun"}),
        ("password_reset", "leitung", {"account": "abraun"}),
        ("token_created", "leitung", {"account": "abraun"}),
        ("account_disabled", "leitung", {"account": "abraun", "tokens_revoked": 1}),
        ("account_enabled", "leitung", {"account": "abraun"}),
        ("sessions_ended", "leitung", {"account": "leitung"}),
    ]
    logged = " ".join(row[0] for row in db.execute("SELECT data FROM events"))
    hashes = [row[0] for row in db.execute("SELECT password_hash FROM staff WHERE password_hash IS NOT NULL")]
    for secret in (PASSWORD, "ganz-neu-123", token, "Braun", *hashes, *(h.split("$")[-1] for h in hashes)):
        assert secret not in logged
    assert {row[0] for row in db.execute("SELECT at FROM events")} == {to_db(clock.now())}


@pytest.mark.parametrize("change, error", [
    (lambda engine: engine.set_role("abraun", "chef"), InvalidInput),
    (lambda engine: engine.rename_staff("abraun", "   "), InvalidInput),
    (lambda engine: engine.reset_password("abraun", "kurz"), InvalidInput),
    (lambda engine: engine.set_role("nobody", "staff"), NotFound),
    (lambda engine: engine.rename_staff("nobody", "Niemand"), NotFound),
    (lambda engine: engine.reset_password("nobody", PASSWORD), NotFound),
    (lambda engine: engine.set_staff_active("leitung", False), InvalidInput),
    (lambda engine: engine.create_token("nobody"), NotFound),
])
def test_bad_changes_are_refused_and_change_nothing(db, engine, change, error):
    before = accounts.list_staff(db), account_events(db)
    with pytest.raises(error):
        change(engine)
    assert (accounts.list_staff(db), account_events(db)) == before


def test_a_disabled_account_cannot_sign_in_and_its_tokens_are_revoked(db, engine, clock):
    token = engine.create_token("abraun")
    assert accounts.user_for_token(db, token)["username"] == "abraun"

    engine.set_staff_active("abraun", False)
    assert accounts.verify_password(db, "abraun", PASSWORD) is None
    assert accounts.user_for_token(db, token) is None
    with pytest.raises(NotFound):
        engine.create_token("abraun")
    row = {r["username"]: r for r in accounts.list_staff(db)}["abraun"]
    assert (row["active"], row["disabled_at"]) == (0, to_db(clock.now()))

    engine.set_staff_active("abraun", True)
    assert accounts.verify_password(db, "abraun", PASSWORD)["username"] == "abraun"
    assert accounts.user_for_token(db, token) is None  # revoked for good: a new one is needed
    assert accounts.user_for_token(db, engine.create_token("abraun"))["username"] == "abraun"
    assert {r["username"]: r for r in accounts.list_staff(db)}["abraun"]["disabled_at"] is None


def test_add_staff_enables_a_disabled_account_again(db, engine):
    engine.set_staff_active("abraun", False)
    engine.add_staff("abraun", name="Anna Braun", role="staff", password=PASSWORD)
    row = {r["username"]: r for r in accounts.list_staff(db)}["abraun"]
    assert (row["active"], row["disabled_at"]) == (1, None)


def test_the_last_active_admin_stays_an_active_admin(db, engine):
    with pytest.raises(InvalidInput):
        engine.set_staff_active("leitung", False)
    with pytest.raises(InvalidInput):
        engine.set_role("leitung", "staff")
    assert accounts.get_account(db, "leitung")["role"] == "admin"
    engine.set_role("abraun", "admin")
    engine.set_staff_active("leitung", False)  # another admin is left
    assert accounts.get_account(db, "leitung") is None
    with pytest.raises(NotFound):
        engine.set_staff_active("nobody", False)


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
