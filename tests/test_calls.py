"""The desk's commands: the ticket lifecycle after the call, and desks that cannot call."""
from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from conftest import office_mapping
from queue_core import Engine, Office, connect
from queue_core.errors import DeskBusy, DeskPaused, InvalidInput, InvalidTransition, NotFound

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(2026, 11, 23)


def at(hour: int, minute: int = 0, day: date = MONDAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def last_seq(engine) -> int:
    return engine.db.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]


def kinds_since(engine, seq: int) -> list[str]:
    return [r[0] for r in engine.db.execute("SELECT kind FROM events WHERE seq > ? ORDER BY seq", (seq,))]


def test_a_visit_goes_waiting_called_serving_done_with_one_event_each(engine, clock):
    ticket = engine.walk_in("notfall", initial="B").ticket
    seq = last_seq(engine)
    call = engine.call_next("210", "abraun")
    assert call.ticket.state == "called" and call.ticket.desk == "210" and call.ticket.called_at == at(8, 30)
    clock.set(at(8, 32))
    assert engine.start(ticket.id, actor="abraun").state == "serving"
    clock.set(at(8, 45))
    done = engine.finish(ticket.id, "follow_up", actor="abraun")
    assert (done.state, done.outcome, done.started_at, done.finished_at) == ("done", "follow_up", at(8, 32), at(8, 45))
    assert kinds_since(engine, seq) == ["called", "started", "finished"]


@pytest.mark.parametrize("outcome", ["done", "by_post", "follow_up"])
def test_finish_records_each_outcome(engine, outcome):
    ticket = engine.walk_in("notfall").ticket
    engine.call_next("210", "abraun")
    assert engine.finish(ticket.id, outcome).outcome == outcome


def test_finish_with_an_unknown_outcome_is_refused(engine):
    ticket = engine.walk_in("notfall").ticket
    engine.call_next("210", "abraun")
    with pytest.raises(InvalidInput):
        engine.finish(ticket.id, "vanished")
    assert engine.ticket(ticket.id).state == "called"


def test_a_waiting_ticket_cannot_be_started_or_finished(engine):
    ticket = engine.walk_in("notfall").ticket
    seq = last_seq(engine)
    for command in (engine.start, engine.finish, engine.no_show, engine.recall):
        with pytest.raises(InvalidTransition):
            command(ticket.id)
    assert engine.ticket(ticket.id).state == "waiting"
    assert last_seq(engine) == seq  # a refused command leaves no event


def test_a_finished_ticket_cannot_be_finished_again(engine):
    ticket = engine.walk_in("notfall").ticket
    engine.call_next("210", "abraun")
    engine.finish(ticket.id)
    with pytest.raises(InvalidTransition):
        engine.finish(ticket.id)


def test_unknown_ticket_is_not_found(engine):
    with pytest.raises(NotFound):
        engine.start(999)


def test_recall_calls_the_same_visitor_again(engine):
    ticket = engine.walk_in("notfall").ticket
    engine.call_next("210", "abraun")
    seq = last_seq(engine)
    recalled = engine.recall(ticket.id, actor="abraun")
    assert recalled.state == "called" and recalled.recalls == 1
    assert kinds_since(engine, seq) == ["recalled"]
    room = engine.db.execute("SELECT json_extract(data, '$.room') FROM events WHERE kind = 'recalled'").fetchone()[0]
    assert room == "Zimmer 210"


def test_no_show_ends_the_call_and_frees_the_desk(engine, clock):
    first = engine.walk_in("notfall").ticket
    second = engine.walk_in("notfall").ticket
    engine.call_next("210", "abraun")
    assert engine.no_show(first.id).state == "no_show"
    assert engine.call_next("210", "abraun").ticket.id == second.id


def test_no_show_can_be_requeued_and_keeps_its_place(engine, clock):
    first = engine.walk_in("notfall").ticket
    clock.advance(minutes=1)
    second = engine.walk_in("notfall").ticket
    engine.call_next("210", "abraun")
    engine.no_show(first.id)
    requeued = engine.requeue(first.id)
    assert requeued.state == "waiting" and requeued.requeues == 1 and requeued.desk is None
    assert engine.call_next("210", "abraun").ticket.id == first.id
    assert engine.ticket(second.id).state == "waiting"


def test_requeue_limit_stops_endless_no_shows(engine):
    ticket = engine.walk_in("notfall").ticket
    for _ in range(2):  # max_requeues = 2
        engine.call_next("210", "abraun")
        engine.no_show(ticket.id)
        engine.requeue(ticket.id)
    engine.call_next("210", "abraun")
    engine.no_show(ticket.id)
    seq = last_seq(engine)
    with pytest.raises(InvalidTransition):
        engine.requeue(ticket.id)
    assert engine.ticket(ticket.id).state == "no_show"
    assert last_seq(engine) == seq


def test_requeue_limit_is_configurable(tmp_path, clock):
    engine = Engine(connect(tmp_path / "v.db"), Office.from_mapping(office_mapping(max_requeues=0)), clock)
    ticket = engine.walk_in("notfall").ticket
    engine.call_next("210", "abraun")
    engine.no_show(ticket.id)
    with pytest.raises(InvalidTransition):
        engine.requeue(ticket.id)


def test_called_ticket_can_be_put_back_in_line(engine):
    ticket = engine.walk_in("notfall").ticket
    engine.call_next("210", "abraun")
    back = engine.requeue(ticket.id)
    assert back.state == "waiting" and back.desk is None
    assert engine.call_next("211", "hkoch").ticket.id == ticket.id


def test_transfer_to_colleague_moves_the_ticket_to_their_queue(engine):
    ticket = engine.walk_in("notfall", initial="B").ticket
    engine.call_next("210", "abraun")
    seq = last_seq(engine)
    moved = engine.transfer(ticket.id, staff="pschulz", actor="abraun")
    assert moved.state == "waiting" and moved.staff == "pschulz" and moved.desk is None
    assert kinds_since(engine, seq) == ["transferred"]
    assert engine.call_next("210", "abraun") is None  # no longer abraun's, despite letter B
    assert engine.call_next("214", "pschulz").ticket.id == ticket.id  # although P–Z


def test_transferred_appointment_goes_to_the_colleague(engine, clock):
    appointment = engine.book_appointment(service="erstantrag", starts_at=at(8, 40), staff="abraun")
    ticket = engine.check_in(appointment.code).ticket
    engine.call_next("210", "abraun")
    engine.transfer(ticket.id, staff="hkoch")
    assert engine.call_next("210", "abraun") is None
    call = engine.call_next("211", "hkoch")
    assert call.ticket.id == ticket.id and call.reason.code == "appointment_due"


def test_transfer_to_service_changes_service_and_expected_minutes(tmp_path, clock):
    staff = [dict(s) for s in office_mapping()["staff"]]
    staff[0]["services"] = ["unterlagen"]
    staff[1]["services"] = ["notfall"]
    staff[2]["services"] = ["erstantrag"]
    engine = Engine(connect(tmp_path / "v.db"), Office.from_mapping(office_mapping(staff=staff)), clock)
    ticket = engine.walk_in("unterlagen").ticket
    engine.call_next("210", "abraun")
    moved = engine.transfer(ticket.id, service="erstantrag")
    assert moved.service == "erstantrag" and moved.minutes == 30 and moved.state == "waiting"
    assert engine.call_next("210", "abraun") is None
    assert engine.call_next("214", "pschulz").ticket.id == ticket.id


def test_transfer_to_a_colleague_who_does_not_handle_the_service_is_refused(tmp_path, clock):
    staff = [dict(s) for s in office_mapping()["staff"]]
    staff[1]["services"] = ["unterlagen"]
    engine = Engine(connect(tmp_path / "v.db"), Office.from_mapping(office_mapping(staff=staff)), clock)
    ticket = engine.walk_in("notfall").ticket
    engine.call_next("210", "abraun")
    with pytest.raises(InvalidInput):
        engine.transfer(ticket.id, staff="hkoch")
    with pytest.raises(InvalidInput):
        engine.transfer(ticket.id)
    with pytest.raises(InvalidInput):
        engine.transfer(ticket.id, service="nonsense")
    assert engine.ticket(ticket.id).state == "called"


def test_finished_ticket_cannot_be_transferred(engine):
    ticket = engine.walk_in("notfall").ticket
    engine.call_next("210", "abraun")
    engine.finish(ticket.id)
    with pytest.raises(InvalidTransition):
        engine.transfer(ticket.id, staff="hkoch")


def test_waiting_ticket_can_be_cancelled_but_not_a_called_one(engine):
    waiting = engine.walk_in("notfall").ticket
    called = engine.walk_in("notfall").ticket
    assert engine.cancel_ticket(waiting.id).state == "cancelled"
    engine.call_next("210", "abraun")
    assert engine.ticket(called.id).state == "called"
    with pytest.raises(InvalidTransition):
        engine.cancel_ticket(called.id)
    assert engine.call_next("211", "hkoch") is None  # cancelled ones are never called


def test_paused_desk_refuses_to_call(engine):
    engine.walk_in("notfall")
    engine.pause_desk("210", actor="abraun")
    with pytest.raises(DeskPaused):
        engine.call_next("210", "abraun")
    ticket = engine.db.execute("SELECT id FROM tickets").fetchone()[0]
    with pytest.raises(DeskPaused):
        engine.call_ticket(ticket, "210", "abraun", "urgent")
    assert engine.ticket(ticket).state == "waiting"
    engine.resume_desk("210", actor="abraun")
    assert engine.call_next("210", "abraun").ticket.id == ticket


def test_pausing_a_paused_desk_or_resuming_an_open_one_is_refused(engine):
    with pytest.raises(InvalidTransition):
        engine.resume_desk("210")
    engine.pause_desk("210")
    with pytest.raises(InvalidTransition):
        engine.pause_desk("210")
    kinds = [r[0] for r in engine.db.execute("SELECT kind FROM events")]
    assert kinds == ["desk_paused"]


def test_desk_busy_refuses_a_second_call_until_the_visit_ends(engine):
    first = engine.walk_in("notfall").ticket
    second = engine.walk_in("notfall").ticket
    engine.call_next("210", "abraun")
    with pytest.raises(DeskBusy) as info:
        engine.call_next("210", "abraun")
    assert info.value.details["number"] == first.number
    with pytest.raises(DeskBusy):  # the same caseworker at another desk
        engine.call_next("211", "abraun")
    with pytest.raises(DeskBusy):  # another caseworker at the busy desk
        engine.call_next("210", "hkoch")
    engine.start(first.id)
    with pytest.raises(DeskBusy):
        engine.call_ticket(second.id, "210", "abraun", "urgent")
    engine.finish(first.id)
    assert engine.call_next("210", "abraun").ticket.id == second.id


def test_unknown_desk_or_caseworker_is_refused(engine):
    engine.walk_in("notfall")
    with pytest.raises(InvalidInput):
        engine.call_next("999", "abraun")
    with pytest.raises(InvalidInput):
        engine.call_next("210", "nobody")


def test_two_desks_calling_one_after_the_other_never_get_the_same_ticket(db_path, office, clock, engine):
    other = Engine(connect(db_path), office, clock)  # a second connection to the same file
    tickets = [engine.walk_in("notfall").ticket.id for _ in range(2)]
    first = engine.call_next("210", "abraun").ticket.id
    second = other.call_next("211", "hkoch").ticket.id
    assert sorted([first, second]) == sorted(tickets)
    assert other.call_next("214", "pschulz") is None
    other.db.close()


def test_transfer_that_changes_nothing_is_refused_without_an_event(engine):
    ticket = engine.walk_in("notfall").ticket
    seq = last_seq(engine)
    with pytest.raises(InvalidTransition):
        engine.transfer(ticket.id, service="notfall")
    assert last_seq(engine) == seq
    moved = engine.transfer(ticket.id, service="unterlagen")  # a waiting ticket may change service
    assert moved.service == "unterlagen" and kinds_since(engine, seq) == ["transferred"]


def test_each_desk_command_appends_exactly_one_event_with_increasing_seq(engine):
    ticket = engine.walk_in("notfall").ticket
    seqs = [last_seq(engine)]
    for command in (lambda: engine.call_next("210", "abraun"), lambda: engine.recall(ticket.id),
                    lambda: engine.no_show(ticket.id), lambda: engine.requeue(ticket.id),
                    lambda: engine.call_next("211", "hkoch"), lambda: engine.transfer(ticket.id, staff="pschulz"),
                    lambda: engine.call_next("214", "pschulz"), lambda: engine.start(ticket.id),
                    lambda: engine.finish(ticket.id, "by_post"), lambda: engine.pause_desk("216"),
                    lambda: engine.resume_desk("216")):
        command()
        seqs.append(last_seq(engine))
    assert all(b == a + 1 for a, b in zip(seqs, seqs[1:]))
