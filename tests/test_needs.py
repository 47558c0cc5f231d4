"""Visitors' needs on a real SQLite file: stored, matched to desks by the policy, erased, never public."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from queue_core import Engine, Office, connect
from queue_core.errors import InvalidInput
from queue_core.needs import clean
from queue_core.policy import Appointment, Line, WalkIn, for_desk

from conftest import MONDAY_0830, office_mapping

DESKS = [{"key": "210", "room": "Zimmer 210", "zone": "EG", "capabilities": ["barrier_free", "quiet_room"]},
         {"key": "211", "room": "Zimmer 211", "zone": "EG"}]


@pytest.fixture
def office() -> Office:
    return Office.from_mapping(office_mapping(desks=DESKS))


def test_stated_needs_are_checked_and_stored_in_one_form(office):
    assert clean(["quiet_room", "barrier_free"]) == ("barrier_free,quiet_room", None)
    assert clean([], "Arabisch") == (None, "Arabisch")
    assert clean(None) == (None, None)
    for bad, field in (((["wheelchair"], None), "needs"), ((["interpreter"], None), "interpreter"),
                       (("x" * 50, None), "needs"), (([], "x" * 50), "interpreter"), (({"a": 1}, None), "needs")):
        with pytest.raises(InvalidInput) as refused:
            clean(*bad)
        assert refused.value.details["field"] == field
    with pytest.raises(InvalidInput, match="no desk of this office offers 'companion'"):
        clean(["companion"], office=office)


def test_the_policy_calls_a_ticket_only_to_a_desk_that_meets_its_needs(engine):
    needing = engine.walk_in("notfall", needs=["barrier_free"]).ticket
    plain = engine.walk_in("notfall").ticket
    at_211 = engine.call_next("211", "hkoch")
    assert at_211.ticket.id == plain.id  # the first in line needs a barrier-free room: 211 is not
    engine.finish(at_211.ticket.id, actor="hkoch")
    assert engine.call_next("211", "hkoch") is None
    at_210 = engine.call_next("210", "abraun")
    assert at_210.ticket.id == needing.id and at_210.ticket.needs == "barrier_free"


def test_an_appointments_needs_and_interpreter_reach_its_ticket(engine, clock):
    booked = engine.book_appointment(service="erstantrag", starts_at=MONDAY_0830 + timedelta(minutes=30),
                                     staff="abraun", name="Erika Berg", needs=["quiet_room", "interpreter"],
                                     interpreter="Arabisch")
    assert (booked.needs, booked.interpreter) == ("quiet_room", "Arabisch")
    ticket = engine.check_in(booked.code).ticket
    assert (ticket.needs, ticket.interpreter) == ("quiet_room", "Arabisch")
    clock.advance(minutes=25)
    assert engine.call_next("211", "abraun") is None  # due, but 211 has no quiet room
    assert engine.call_next("210", "abraun").ticket.id == ticket.id


def test_needs_are_erased_with_the_other_personal_data(engine, office, clock):
    booked = engine.book_appointment(service="erstantrag", starts_at=MONDAY_0830 + timedelta(minutes=30),
                                     staff="abraun", name="Erika Berg", needs=["barrier_free"], interpreter="Türkisch")
    engine.check_in(booked.code)
    engine.walk_in("notfall", needs=["quiet_room"])
    clock.advance(days=office.retention_days + 1)
    engine.purge()
    left = engine.db.execute("SELECT COUNT(*) FROM appointments WHERE needs IS NOT NULL OR interpreter IS NOT NULL"
                             " UNION ALL SELECT COUNT(*) FROM tickets WHERE needs IS NOT NULL"
                             " OR interpreter IS NOT NULL").fetchall()
    assert left == [(0,), (0,)]


def test_a_desk_sees_only_tickets_whose_room_needs_it_meets(office):
    now = datetime(2026, 12, 1, 9, tzinfo=timezone.utc)
    line = Line([WalkIn(1, "notfall", None, None, now), WalkIn(2, "notfall", None, None, now, needs="barrier_free"),
                 WalkIn(3, "notfall", None, None, now, needs="barrier_free,companion")],
                [Appointment(now, None, "notfall", 15, 4, now, needs="quiet_room")])
    at_210 = for_desk(line, office, "210")  # barrier-free and quiet room
    assert [w.id for w in at_210.walk_ins] == [1, 2] and [a.ticket for a in at_210.waiting] == [4]
    at_211 = for_desk(line, office, "211")  # no capabilities
    assert [w.id for w in at_211.walk_ins] == [1] and at_211.waiting == []
    assert for_desk(line, office, None) is line


def test_a_desk_capability_must_be_known():
    with pytest.raises(InvalidInput, match="unknown desk capability 'lift'"):
        Office.from_mapping(office_mapping(desks=[{"key": "210", "capabilities": ["lift"]}]))
