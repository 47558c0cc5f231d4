"""The climate in the engine: anonymous answers once per visit, two-tap notes, and before/after."""
from __future__ import annotations

from datetime import timedelta

import pytest

from queue_core.before_after import compare
from queue_core.climate import climate_figures
from queue_core.errors import InvalidInput, InvalidTransition
from queue_core.schedule import local_day


def serve_walk_in(engine, staff="abraun", desk="210"):
    ticket = engine.walk_in("notfall").ticket
    call = engine.call_next(desk, staff)
    engine.start(call.ticket.id)
    return engine.finish(call.ticket.id)


def test_feedback_is_stored_without_the_ticket_and_only_once(engine):
    ticket = serve_walk_in(engine)
    engine.record_feedback(ticket.token, 4)
    with pytest.raises(InvalidTransition):
        engine.record_feedback(ticket.token, 5)
    assert engine.db.execute("SELECT * FROM feedback").fetchall()[0][2:] == (ticket.day, "walk_in", 4, "phone", None)
    assert "ticket_id" not in [c[1] for c in engine.db.execute("PRAGMA table_info(feedback)")]


@pytest.mark.parametrize("score", [0, 6, "4", True, None, 2.5])
def test_feedback_outside_1_to_5_is_refused(engine, score):
    ticket = serve_walk_in(engine)
    with pytest.raises(InvalidInput):
        engine.record_feedback(ticket.token, score)


def test_feedback_before_the_visit_ends_is_refused(engine):
    ticket = engine.walk_in("notfall").ticket
    with pytest.raises(InvalidTransition):
        engine.record_feedback(ticket.token, 3)


def test_two_taps_make_one_note_on_the_visit_just_served(engine):
    ticket = serve_walk_in(engine)
    assert engine.note_climate("abraun", climate="tense") == ticket.id
    assert engine.note_climate("abraun", incident="verbal_aggression") == ticket.id
    day = local_day(engine.office, engine.now())
    figures = climate_figures(engine.db, engine.office.location, day, day)
    assert figures["climate"]["walk_in"] == {"count": 1, "calm": 0, "tense": 1, "heated": 0}
    assert figures["incidents"]["total"]["verbal_aggression"] == 1
    with pytest.raises(InvalidInput):
        engine.note_climate("abraun", climate="angry")


def test_before_after_compares_with_the_numbers_behind(engine, clock):
    first = serve_walk_in(engine)
    engine.record_feedback(first.token, 2)
    engine.note_climate("abraun", climate="heated", incident="threat")
    clock.advance(days=1)
    second = serve_walk_in(engine)
    engine.record_feedback(second.token, 5)
    engine.note_climate("abraun", climate="calm", incident="none")
    day = local_day(engine.office, engine.now())
    report = compare(engine.db, engine.office, day, day - timedelta(days=7), day)
    rows = {r["figure"]: r for r in report["rows"]}
    assert (rows["feedback_mean.walk_in"]["before"], rows["feedback_mean.walk_in"]["after"]) == (2.0, 5.0)
    assert rows["feedback_mean.walk_in"]["before_n"] == 1
    assert (rows["incidents.threat"]["before"], rows["incidents.threat"]["after"]) == (1, 0)
    assert rows["climate_tense_share.total"]["before"] == 1.0 and rows["climate_tense_share.total"]["after"] == 0.0
    assert rows["wait_median_min.walk_in"]["before_n"] == 1
    with pytest.raises(InvalidInput):
        compare(engine.db, engine.office, day - timedelta(days=30), day - timedelta(days=7), day)


def test_weekly_rows_put_the_climate_beside_the_waits(engine, clock):
    first = serve_walk_in(engine)
    engine.record_feedback(first.token, 3)
    day = local_day(engine.office, engine.now())
    report = compare(engine.db, engine.office, day + timedelta(days=7), day - timedelta(days=3), day + timedelta(days=8))
    week = next(w for w in report["weeks"] if w["visits.walk_in"])
    assert week["feedback_mean.walk_in"] == 3.0 and week["feedback_n.walk_in"] == 1
    assert week["wait_median_min.walk_in"] is not None and week["visits.appointment"] == 0
    assert len(report["weeks"]) == 3
