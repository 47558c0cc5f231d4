"""queue_core.settings: overrides of office keys, validated by building the office, recorded as events."""
from __future__ import annotations

import json

import pytest

from conftest import MONDAY_0830, office_mapping
from queue_core import Engine, ManualClock, Office, connect, settings
from queue_core.errors import InvalidInput


def save(db, base, new, *, actor, now) -> Office:
    """The engine's command, at the office ``base`` describes."""
    return Engine(db, Office.from_mapping(base), ManualClock(now)).save_settings(new, actor=actor)


@pytest.fixture
def db(db_path):
    db = connect(db_path)
    yield db
    db.close()


def services(**changes) -> list[dict]:
    found = [dict(s) for s in office_mapping()["services"]]
    for service in found:
        service.update(changes.get(service["key"], {}))
    return found


def nothing_saved(db) -> None:
    assert settings.version(db) == 0
    assert settings.overrides(db) == {}
    assert db.execute("SELECT COUNT(*) FROM events WHERE kind = 'settings_changed'").fetchone()[0] == 0


def test_two_services_cannot_share_a_prefix():
    shared = services(unterlagen={"prefix": "E"})
    with pytest.raises(InvalidInput) as refused:
        Office.from_mapping(office_mapping(services=shared))
    assert refused.value.details["field"] == "prefix"
    assert "'E'" in refused.value.message and "erstantrag" in refused.value.message


def test_a_service_cannot_use_the_appointment_prefix():
    with pytest.raises(InvalidInput) as refused:
        Office.from_mapping(office_mapping(services=services(unterlagen={"prefix": "T"})))
    assert refused.value.details["field"] == "prefix"


def test_two_desks_or_services_with_one_key_are_refused():
    mapping = office_mapping()
    with pytest.raises(InvalidInput):
        Office.from_mapping({**mapping, "desks": mapping["desks"] + [{"key": "210", "room": "Doppelt"}]})
    with pytest.raises(InvalidInput):
        Office.from_mapping({**mapping, "services": mapping["services"] + [{**mapping["services"][0], "prefix": "X"}]})


def test_an_override_wins_over_the_file_and_is_recorded_as_one_event_per_key(db):
    base = office_mapping()
    desks = [{"key": "210", "room": "Zimmer 299", "zone": "Erdgeschoss"}]
    office = save(db, base, {"desks": desks, "board_message": "  Heute   geschlossen ab 12 Uhr "},
                           actor="leitung", now=MONDAY_0830)
    assert office.desks["210"].room == "Zimmer 299" and list(office.desks) == ["210"]
    assert settings.effective_office(db, base).desks["210"].zone == "Erdgeschoss"
    assert settings.overrides(db)["board_message"] == "Heute geschlossen ab 12 Uhr"

    found = db.execute("SELECT seq, kind, actor, data FROM events WHERE kind = 'settings_changed' ORDER BY seq"
                       ).fetchall()
    assert [json.loads(data) for _, _, _, data in found] == [{"key": "desks"}, {"key": "board_message"}]
    assert {actor for _, _, actor, _ in found} == {"leitung"}
    assert settings.version(db) == found[-1][0]  # the version is the event's seq
    changed = settings.changes(db)
    assert changed["desks"]["updated_by"] == "leitung" and changed["desks"]["overridden"]


def test_removing_an_override_brings_back_the_file(db):
    base = office_mapping()
    save(db, base, {"desks": [{"key": "299", "room": "Zimmer 299"}]}, actor="leitung", now=MONDAY_0830)
    before = settings.version(db)
    office = save(db, base, {"desks": None}, actor="leitung", now=MONDAY_0830)
    assert set(office.desks) == {"210", "211", "214", "216"}
    assert settings.overrides(db) == {}
    assert settings.version(db) > before  # removing is a change other processes must notice too
    assert settings.changes(db)["desks"]["overridden"] is False


@pytest.mark.parametrize("change, field, words", [
    ({"hours": {"mon": ["08:00-12:00", "11:00-13:00"]}}, "hours", "overlap"),
    ({"hours": {"xyz": ["08:00-12:00"]}}, "hours", "unknown weekday"),
    ({"hours": {"mon": ["8 bis 12"]}}, "hours", "must look like"),
    ({"staff": [{"username": "abraun", "services": ["gibtsnicht"]}]}, "services", "unknown service"),
    ({"staff": [{"username": "abraun", "letters": "A-G-Q"}]}, "letters", "must look like"),
    ({"services": services(unterlagen={"prefix": "B"})}, "prefix", "share the prefix"),
    ({"services": services(unterlagen={"prefix": "T"})}, "prefix", "appointment prefix"),
    ({"services": services(unterlagen={"minutes": "fünf"})}, "minutes", "whole number"),
    ({"closures": ["2026-13-01"]}, "closures", "not a date"),
    ({"documents": ["Mietvertrag", "Mietvertrag"]}, "documents", "twice"),
    ({"board_message": "x" * 301}, "board_message", "300"),
    ({"timezone": "Mars/Olympus"}, "key", "cannot be changed"),
])
def test_an_invalid_change_is_refused_with_its_field_and_nothing_is_saved(db, change, field, words):
    with pytest.raises(InvalidInput) as refused:
        save(db, office_mapping(), change, actor="leitung", now=MONDAY_0830)
    assert refused.value.details["field"] == field
    assert words in refused.value.message
    nothing_saved(db)


def test_a_change_of_several_keys_is_all_or_nothing(db):
    with pytest.raises(InvalidInput):
        save(db, office_mapping(), {"board_message": "Hallo", "hours": {"mon": ["12:00-08:00"]}},
                      actor="leitung", now=MONDAY_0830)
    nothing_saved(db)


def test_a_service_in_use_cannot_be_removed(db, office, clock):
    from queue_core import Engine

    engine = Engine(db, office, clock)
    engine.walk_in("unterlagen")
    without = [s for s in office_mapping()["services"] if s["key"] != "unterlagen"]
    without_staff = [{**c, "services": [s for s in c["services"] if s != "unterlagen"]}
                     for c in office_mapping()["staff"]]
    with pytest.raises(InvalidInput) as refused:
        save(db, office_mapping(), {"services": without, "staff": without_staff}, actor="leitung",
                      now=MONDAY_0830)
    assert "unterlagen" in refused.value.message
    nothing_saved(db)


def test_a_caseworker_with_booked_appointments_stays(db, office, clock):
    from datetime import timedelta

    from queue_core import Engine

    Engine(db, office, clock).book_appointment(service="erstantrag", staff="hkoch",
                                               starts_at=MONDAY_0830 + timedelta(hours=1), name="Huber")
    others = [c for c in office_mapping()["staff"] if c["username"] != "hkoch"]
    with pytest.raises(InvalidInput) as refused:
        save(db, office_mapping(), {"staff": others}, actor="leitung", now=MONDAY_0830)
    assert refused.value.details["field"] == "staff"


def test_info_pages_are_settings_too(db):
    save(db, office_mapping(), {"info:en:procedure": "# How it works\r\nCome in."}, actor="leitung",
                  now=MONDAY_0830)
    assert settings.overrides(db) == {"info:en:procedure": "# How it works\nCome in."}
    with pytest.raises(InvalidInput):
        save(db, office_mapping(), {"info:en:procedure": 5}, actor="leitung", now=MONDAY_0830)
