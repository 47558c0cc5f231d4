"""The learned service times, the risk-bounded gap filling, urgent walk-ins and why a desk idles.

Real SQLite file per test; the engine's own commands make the history.
"""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from conftest import office_mapping
from queue_core import Engine, Office, connect, servicetime, store
from queue_core.errors import InvalidInput, InvalidTransition
from queue_core.policy import why_idle

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(2026, 11, 23)


def at(hour: int, minute: int = 0, day: date = MONDAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def history(engine: Engine, service: str, minutes: list[float], staff: str = "pschulz") -> None:
    """Finished visits of earlier weeks, recorded the way the finishing command records them."""
    start = at(9, day=MONDAY - timedelta(days=7))
    with store.write(engine.db):
        for m in minutes:
            servicetime.record_visit(engine.db, engine.office, service, staff, start, start + timedelta(minutes=m))


def visit(engine: Engine, clock, desk: str, staff: str, minutes: float) -> None:
    """One real walk-in visit through the engine: walk in, call, start, finish after ``minutes``."""
    engine.walk_in("erstantrag")
    call = engine.call_next(desk, staff)
    engine.start(call.ticket.id)
    clock.advance(minutes=minutes)
    engine.finish(call.ticket.id)


def test_before_any_visit_the_configured_minutes_are_the_model(engine):
    erstantrag = servicetime.model(engine.db, engine.office).duration("erstantrag")  # 30 min configured
    assert 25 <= erstantrag.quantile(0.5) <= 30 and 45 <= erstantrag.quantile(0.9) <= 55
    assert abs(erstantrag.mean - 30) < 1.5


def test_finished_visits_pull_the_model_towards_what_really_happens(engine, clock):
    for _ in range(6):
        visit(engine, clock, "214", "pschulz", 12)
    few = servicetime.model(engine.db, engine.office).duration("erstantrag")
    history(engine, "erstantrag", [12.0] * 300)
    many = servicetime.model(engine.db, engine.office).duration("erstantrag")
    assert 11 < many.quantile(0.5) < few.quantile(0.5) < 27  # blends in as the visits grow
    assert many.quantile(0.5) == pytest.approx(12, abs=0.5)
    assert servicetime.model(engine.db, engine.office).visits["erstantrag"] == 306


def test_outliers_do_not_poison_the_model(engine, clock):
    history(engine, "erstantrag", [20.0, 22.0, 24.0, 26.0, 28.0] * 60)
    before = servicetime.model(engine.db, engine.office).duration("erstantrag")
    # A visit closed the moment it was called (0 minutes) and one left "serving" overnight.
    engine.walk_in("erstantrag")
    zero = engine.call_next("214", "pschulz").ticket
    engine.finish(zero.id)
    engine.walk_in("erstantrag")
    overnight = engine.call_next("214", "pschulz").ticket
    engine.start(overnight.id)
    clock.set(at(8, 5, MONDAY + timedelta(days=1)))
    engine.finish(overnight.id)
    after = servicetime.model(engine.db, engine.office)
    assert after.visits["erstantrag"] == 300
    assert after.duration("erstantrag").quantile(0.9) == pytest.approx(before.quantile(0.9))


def test_a_caseworker_gets_their_own_model_once_their_history_suffices(engine):
    history(engine, "erstantrag", [40.0] * 29, staff="abraun")
    model = servicetime.model(engine.db, engine.office)
    assert model.duration("erstantrag", "abraun") is model.duration("erstantrag")  # 29 < 30 visits
    history(engine, "erstantrag", [40.0] * 20, staff="abraun")
    history(engine, "erstantrag", [15.0] * 200, staff="hkoch")
    model = servicetime.model(engine.db, engine.office)
    assert model.duration("erstantrag", "abraun").quantile(0.5) > 30
    assert model.duration("erstantrag", "hkoch").quantile(0.5) < 20


def test_the_report_summary_names_typical_and_nine_of_ten(engine):
    history(engine, "erstantrag", [20.0 + (i % 10) * 2 for i in range(400)])
    found = {s.service: s for s in servicetime.model(engine.db, engine.office).summary()}
    assert found["erstantrag"].visits == 400
    assert 27 <= found["erstantrag"].typical <= 30 and found["erstantrag"].p90 >= found["erstantrag"].p80


# ---------------------------------------------------------------- gap filling with a risk bound

def punctual_visitors(engine: Engine) -> None:
    """A history of appointment visitors who all come five minutes early."""
    with store.write(engine.db):
        for _ in range(300):
            servicetime.record_arrival(engine.db, at(10), at(9, 55))


def test_a_walk_in_that_fits_only_typically_is_not_called_before_an_appointment(engine):
    # 25 minutes until the appointment; Notfall takes 15 typically, but one in ten takes over 25.
    history(engine, "notfall", [10.0, 12.0, 14.0, 15.0, 16.0, 18.0, 20.0, 24.0, 30.0, 40.0] * 30)
    punctual_visitors(engine)
    engine.book_appointment(service="weiterbewilligung", starts_at=at(8, 55), staff="abraun")
    engine.walk_in("notfall", initial="B")
    assert engine.call_next("210", "abraun") is None
    idle = why_idle(engine.db, engine.office, engine.office.staff["abraun"], engine.now())
    assert idle.code == "none_fits" and idle.waiting == 1 and idle.shortest_min >= 26


def test_the_same_walk_in_is_called_when_the_office_accepts_more_risk(tmp_path, clock):
    engine = Engine(connect(tmp_path / "risky.db"), Office.from_mapping(office_mapping(gap_fill_confidence=0.6)),
                    clock)
    history(engine, "notfall", [10.0, 12.0, 14.0, 15.0, 16.0, 18.0, 20.0, 24.0, 30.0, 40.0] * 30)
    punctual_visitors(engine)
    engine.book_appointment(service="weiterbewilligung", starts_at=at(8, 55), staff="abraun")
    walk_in = engine.walk_in("notfall", initial="B").ticket
    call = engine.call_next("210", "abraun")
    assert call.ticket.id == walk_in.id and call.reason.code == "walk_in_fits"
    assert 0.6 <= call.reason.chance < 0.9
    event = json.loads(engine.db.execute("SELECT data FROM events WHERE kind = 'called'").fetchone()[0])
    assert event["reason"] == "walk_in_fits" and event["chance"] == call.reason.chance
    engine.db.close()


def test_no_shows_in_the_history_free_a_gap_before_an_absent_visitor(engine, clock):
    # 20 minutes to a booked appointment whose visitor is not here; Erstantrag takes 25–30 min.
    history(engine, "erstantrag", [25.0, 27.0, 30.0] * 100)
    engine.book_appointment(service="weiterbewilligung", starts_at=at(8, 50), staff="abraun")
    engine.walk_in("erstantrag", initial="B")
    assert engine.call_next("210", "abraun") is None
    # The history says: almost nobody keeps these appointments.
    with store.write(engine.db):
        for _ in range(300):
            servicetime.record_missed(engine.db, engine.now())
    call = engine.call_next("210", "abraun")
    assert call is not None and call.reason.code == "walk_in_fits" and call.reason.chance >= 0.9


def test_invalid_confidence_is_refused():
    with pytest.raises(InvalidInput) as info:
        Office.from_mapping(office_mapping(gap_fill_confidence=1.5))
    assert info.value.details["field"] == "gap_fill_confidence"


# ---------------------------------------------------------------- urgent walk-ins

def test_an_urgent_walk_in_goes_first_among_walk_ins(engine, clock):
    first = engine.walk_in("notfall", initial="B").ticket
    clock.advance(minutes=5)
    urgent = engine.walk_in("notfall", initial="C").ticket
    engine.mark_urgent(urgent.id, "Wohnungsräumung heute", actor="abraun")
    call = engine.call_next("210", "abraun")
    assert call.ticket.id == urgent.id and call.reason.code == "walk_in_urgent"
    engine.finish(call.ticket.id)
    assert engine.call_next("210", "abraun").ticket.id == first.id
    logged = engine.db.execute("SELECT actor, data FROM events WHERE kind = 'marked_urgent'").fetchone()
    assert logged[0] == "abraun" and json.loads(logged[1])["note"] == "Wohnungsräumung heute"


def test_an_urgent_walk_in_never_goes_before_a_due_appointment(engine, clock):
    urgent = engine.walk_in("notfall", initial="B").ticket
    engine.mark_urgent(urgent.id, "akute Notlage")
    appointment = engine.book_appointment(service="weiterbewilligung", starts_at=at(8, 35), staff="abraun")
    due = engine.check_in(appointment.code).ticket
    assert engine.call_next("210", "abraun").ticket.id == due.id


def test_marking_urgent_needs_a_reason_and_a_waiting_walk_in(engine):
    walk_in = engine.walk_in("notfall").ticket
    with pytest.raises(InvalidInput):
        engine.mark_urgent(walk_in.id, "   ")
    appointment = engine.book_appointment(service="weiterbewilligung", starts_at=at(8, 35), staff="abraun")
    ticket = engine.check_in(appointment.code).ticket
    with pytest.raises(InvalidTransition):
        engine.mark_urgent(ticket.id, "dringend")
    engine.mark_urgent(walk_in.id, "dringend")
    with pytest.raises(InvalidTransition):
        engine.mark_urgent(walk_in.id, "noch dringender")


# ---------------------------------------------------------------- why nobody is callable

def test_walk_ins_of_colleagues_are_named_as_such(engine):
    engine.walk_in("notfall", initial="M")  # H–O: hkoch's letters
    assert engine.call_next("210", "abraun") is None
    idle = engine.idle_reason("abraun")
    assert idle.code == "for_colleagues" and idle.for_colleagues == 1


def test_nobody_waiting_is_said_so(engine):
    assert engine.idle_reason("abraun").code == "nobody_waiting"
    engine.walk_in("notfall", initial="B")
    assert engine.idle_reason("abraun") is None  # someone is callable


def test_the_report_page_shows_the_learned_minutes(app, client, engine):
    from test_desk_support import bearer, make_token

    history(engine, "erstantrag", [20.0 + (i % 10) * 2 for i in range(412)])
    page = client.get("/reports", headers=bearer(make_token(app, "admin", role="admin")))
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "aus 412 Besuchen" in text and "9 von 10 in" in text


def test_a_caseworker_finds_their_walk_in_behind_a_long_line_of_colleagues(engine, clock, monkeypatch):
    from queue_core import policy

    monkeypatch.setattr(policy, "LINE_PREFIX", 2)  # read only two walk-ins at first
    for initial in ("M", "N", "S"):  # colleagues' letters
        engine.walk_in("notfall", initial=initial)
        clock.advance(minutes=1)
    mine = engine.walk_in("notfall", initial="B").ticket
    assert engine.call_next("210", "abraun").ticket.id == mine.id


def test_the_urgency_reason_is_erased_with_the_personal_data(engine, clock):
    walk_in = engine.walk_in("notfall").ticket
    engine.mark_urgent(walk_in.id, "Frau Muster hat kein Geld für Strom")
    clock.advance(days=engine.office.retention_days + 1)
    engine.purge()
    assert engine.db.execute("SELECT urgent_reason, urgent_at IS NOT NULL FROM tickets").fetchone() == (None, 1)
    assert "Muster" not in engine.db.execute("SELECT data FROM events WHERE kind = 'marked_urgent'").fetchone()[0]
