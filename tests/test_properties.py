"""Property tests: random sequences of engine commands and clock steps on a real SQLite file.

After every step the invariants of the design must hold:
(1) no walk-in is called while a due, checked-in appointment of that caseworker waits (unless by
    override), and a walk-in never starts into a booked appointment of that caseworker;
(2) ticket numbers are unique per location and day (and counted without gaps per prefix);
(3) every command that changes state appends exactly one event, a refused or idle command none,
    and seq strictly increases with non-decreasing times;
(4) no ticket is in two states: each ticket's event history is a path through the state machine
    that ends in its current state, and its fields agree with that state.
"""
from __future__ import annotations

import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import office_mapping
from queue_core import Engine, ManualClock, Office, connect
from queue_core.clock import to_db
from queue_core.errors import QueueError

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 11, 23, 8, 0, tzinfo=BERLIN)  # Monday, opening time
CASEWORKERS = ("abraun", "hkoch", "pschulz")
DESKS = ("210", "211", "214")
SERVICES = ("erstantrag", "weiterbewilligung", "unterlagen", "notfall")


def property_office() -> Office:
    staff = [dict(s) for s in office_mapping()["staff"]]
    staff[1]["services"] = ["erstantrag", "weiterbewilligung"]
    staff[2]["services"] = ["unterlagen", "notfall"]
    return Office.from_mapping(office_mapping(staff=staff))


OFFICE = property_office()

# Ticket state machine of the design, as the event log records it: event kind → (from states, to state).
TRANSITIONS = {
    "called": ({"waiting"}, "called"),
    "recalled": ({"called"}, "called"),
    "started": ({"called"}, "serving"),
    "finished": ({"called", "serving"}, "done"),
    "no_show": ({"called"}, "no_show"),
    "requeued": ({"called", "no_show"}, "waiting"),
    "transferred": ({"waiting", "called", "serving"}, "waiting"),
    "ticket_cancelled": ({"waiting"}, "cancelled"),
}
CREATES_TICKET = {"checked_in", "walked_in"}
APPOINTMENT_TRANSITIONS = {
    "appointment_cancelled": ({"booked"}, "cancelled"),
    "appointment_by_post": ({"booked"}, "by_post"),
    "appointment_missed": ({"booked"}, "missed"),
    # A late visitor whose appointment was already expired is still admitted (as a walk-in).
    "checked_in": ({"booked", "missed"}, "checked_in"),
}

index = st.integers(min_value=0, max_value=50)
commands = st.one_of(
    st.tuples(st.just("advance"), st.integers(min_value=1, max_value=20)),
    st.tuples(st.just("next_day")),
    st.tuples(st.just("book"), st.integers(0, 3), st.integers(0, 3), st.integers(0, 24)),
    st.tuples(st.just("book"), st.integers(0, 3), st.integers(0, 3), st.integers(0, 24)),
    st.tuples(st.just("check_in"), index),
    st.tuples(st.just("check_in_latest")),
    st.tuples(st.just("check_in_latest")),
    st.tuples(st.just("check_in_unknown")),
    st.tuples(st.just("arrive_for_appointment"), st.integers(0, 2), st.integers(0, 6)),
    st.tuples(st.just("arrive_for_appointment"), st.integers(0, 2), st.integers(0, 6)),
    st.tuples(st.just("walk_in"), st.integers(0, 3), st.sampled_from([None, "B", "M", "T"]),
              st.sampled_from([None, "r1", "r2", "r3"])),
    st.tuples(st.just("walk_in"), st.integers(0, 3), st.sampled_from([None, "B", "M", "T"]), st.none()),
    st.tuples(st.just("call_next"), st.integers(0, 2)),
    st.tuples(st.just("call_next"), st.integers(0, 2)),
    st.tuples(st.just("call_next"), st.integers(0, 2)),
    st.tuples(st.just("override"), index, st.integers(0, 2)),
    st.tuples(st.sampled_from(["recall", "start", "finish", "no_show", "requeue", "cancel_ticket"]), index),
    st.tuples(st.just("transfer"), index, st.sampled_from(["staff", "service"]), st.integers(0, 3)),
    st.tuples(st.sampled_from(["pause", "resume", "resume"]), st.integers(0, 2)),
    st.tuples(st.just("finish_desk"), st.integers(0, 2), st.sampled_from(["done", "by_post", "follow_up"])),
    st.tuples(st.just("finish_desk"), st.integers(0, 2), st.sampled_from(["done", "by_post", "follow_up"])),
    st.tuples(st.just("expire")),
    st.tuples(st.sampled_from(["cancel_appointment", "resolve_by_post"]), index),
)


def state_of(engine) -> tuple:
    db = engine.db
    return (tuple(db.execute("SELECT * FROM tickets ORDER BY id").fetchall()),
            tuple(db.execute("SELECT * FROM appointments ORDER BY id").fetchall()),
            tuple(db.execute("SELECT * FROM desks ORDER BY key").fetchall()))


def max_seq(engine) -> int:
    return engine.db.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]


def pick(engine, table: str, i: int) -> int | None:
    ids = [r[0] for r in engine.db.execute(f"SELECT id FROM {table} ORDER BY id")]
    return ids[i % len(ids)] if ids else None


def due_appointments(engine, caseworker: str, now: datetime) -> list:
    services = OFFICE.staff[caseworker].services
    return engine.db.execute(
        "SELECT id FROM tickets WHERE state = 'waiting' AND kind = 'appointment'"
        f" AND (staff = ? OR (staff IS NULL AND service IN ({','.join('?' * len(services))})))"
        " AND appointment_start <= ? AND day = ?",  # tickets left over from earlier days are not called
        (caseworker, *services, to_db(now + timedelta(minutes=OFFICE.early_window_min)),
         now.astimezone(BERLIN).date().isoformat())).fetchall()


def booked_within(engine, caseworker: str, now: datetime, minutes: int) -> list:
    return engine.db.execute(
        "SELECT id FROM appointments WHERE staff = ? AND state = 'booked' AND starts_at > ? AND starts_at < ?",
        (caseworker, to_db(now), to_db(now + timedelta(minutes=minutes)))).fetchall()


def run(engine: Engine, clock: ManualClock, command: tuple):
    """Carry out one command; returns the engine's result (or None)."""
    name, *args = command
    if name == "advance":
        clock.advance(minutes=args[0])
        return None
    if name == "next_day":
        local = clock.now().astimezone(BERLIN) + timedelta(days=1)
        clock.set(local.replace(hour=8, minute=0, second=0, microsecond=0))
        return None
    if name == "book":
        staff_i, service_i, offset = args
        now = clock.now().astimezone(BERLIN)
        start = now.replace(minute=now.minute - now.minute % 5, second=0, microsecond=0) + timedelta(minutes=5 * offset)
        staff = CASEWORKERS[staff_i] if staff_i < 3 else None
        service = SERVICES[service_i]
        if staff is not None and service not in OFFICE.staff[staff].services:
            service = OFFICE.staff[staff].services[0]
        return engine.book_appointment(service=service, starts_at=start, staff=staff, name="Erika Muster")
    if name == "check_in":
        appointment_id = pick(engine, "appointments", args[0])
        return None if appointment_id is None else engine.check_in(engine.appointment(appointment_id).code)
    if name == "check_in_latest":
        row = engine.db.execute("SELECT code FROM appointments ORDER BY id DESC LIMIT 1").fetchone()
        return None if row is None else engine.check_in(row[0])
    if name == "arrive_for_appointment":
        # Booked a little ahead (at a free five-minute mark) and checked in right away: often due.
        staff, steps = CASEWORKERS[args[0]], args[1]
        now = clock.now().astimezone(BERLIN)
        start = now.replace(minute=now.minute - now.minute % 5, second=0, microsecond=0) + timedelta(minutes=5 * steps)
        appointment = engine.book_appointment(service="unterlagen" if staff != "hkoch" else "weiterbewilligung",
                                              starts_at=start, staff=staff, duration_min=5)
        return engine.check_in(appointment.code)
    if name == "check_in_unknown":
        return engine.check_in("ZZZZ-ZZZZ")
    if name == "walk_in":
        service_i, initial, request_id = args
        return engine.walk_in(SERVICES[service_i], initial=initial, request_id=request_id)
    if name == "call_next":
        return engine.call_next(DESKS[args[0]], CASEWORKERS[args[0]])
    if name == "override":
        ticket_id = pick(engine, "tickets", args[0])
        return None if ticket_id is None else engine.call_ticket(ticket_id, DESKS[args[1]], CASEWORKERS[args[1]], "dringend")
    if name in ("recall", "start", "finish", "no_show", "requeue", "cancel_ticket"):
        ticket_id = pick(engine, "tickets", args[0])
        return None if ticket_id is None else getattr(engine, name)(ticket_id)
    if name == "finish_desk":
        row = engine.db.execute("SELECT id FROM tickets WHERE called_by = ? AND state IN ('called', 'serving')",
                                (CASEWORKERS[args[0]],)).fetchone()
        return None if row is None else engine.finish(row[0], args[1])
    if name == "transfer":
        ticket_id = pick(engine, "tickets", args[0])
        if ticket_id is None:
            return None
        if args[1] == "staff":
            return engine.transfer(ticket_id, staff=CASEWORKERS[args[2] % 3])
        return engine.transfer(ticket_id, service=SERVICES[args[2]])
    if name == "pause":
        return engine.pause_desk(DESKS[args[0]])
    if name == "resume":
        return engine.resume_desk(DESKS[args[0]])
    if name == "expire":
        return engine.expire_missed()
    if name in ("cancel_appointment", "resolve_by_post"):
        appointment_id = pick(engine, "appointments", args[0])
        return None if appointment_id is None else getattr(engine, name)(appointment_id)
    raise AssertionError(name)


def check_step(engine, command, before_state, before_seq, result, error) -> None:
    after_state = state_of(engine)
    new = engine.db.execute("SELECT seq, kind FROM events WHERE seq > ? ORDER BY seq", (before_seq,)).fetchall()
    kinds = [k for _, k in new]
    if error is not None:
        assert after_state == before_state, f"refused {command} changed state"
        assert kinds in ([], ["intake_stopped"]), f"refused {command} appended {kinds}"
    elif command[0] == "arrive_for_appointment":  # two commands: book, then check in
        assert kinds == ["appointment_booked", "checked_in"]
    elif command[0] == "expire":
        assert kinds == ["appointment_missed"] * len(result)
        assert (after_state != before_state) == bool(result)
    elif after_state != before_state:
        assert len(kinds) == 1, f"{command} changed state with events {kinds}"
    else:
        assert kinds == [], f"{command} changed nothing but appended {kinds}"


def check_invariants(engine) -> None:
    db = engine.db
    # (3) seq strictly increases, and so does time (the clock only moves forward here).
    log = db.execute("SELECT seq, at, kind, ticket_id, appointment_id FROM events ORDER BY rowid").fetchall()
    assert all(a[0] < b[0] for a, b in zip(log, log[1:]))
    assert all(a[1] <= b[1] for a, b in zip(log, log[1:]))
    # (2) numbers unique per location and day; per prefix they count 1, 2, 3 … without gaps.
    assert db.execute("SELECT location, day, number FROM tickets GROUP BY location, day, number"
                      " HAVING COUNT(*) > 1").fetchall() == []
    for location, day, prefix, count, top in db.execute(
            "SELECT location, day, prefix, COUNT(*), MAX(seq_no) FROM tickets GROUP BY location, day, prefix"):
        assert count == top
    # (4) replay every ticket's history through the state machine.
    tickets = {r[0]: r for r in db.execute(
        "SELECT id, state, desk, called_by, finished_at, appointment_id, kind FROM tickets")}
    replayed: dict[int, str] = {}
    appointment_states: dict[int, str] = {}
    for seq, _, kind, ticket_id, appointment_id in log:
        if kind == "appointment_booked":
            appointment_states[appointment_id] = "booked"
        if kind in APPOINTMENT_TRANSITIONS:
            allowed, target = APPOINTMENT_TRANSITIONS[kind]
            assert appointment_states.get(appointment_id) in allowed, (seq, kind, appointment_states.get(appointment_id))
            appointment_states[appointment_id] = target
        if kind in CREATES_TICKET:
            assert ticket_id not in replayed, f"ticket {ticket_id} created twice"
            replayed[ticket_id] = "waiting"
        elif kind in TRANSITIONS:
            allowed, target = TRANSITIONS[kind]
            assert replayed.get(ticket_id) in allowed, (seq, kind, ticket_id, replayed.get(ticket_id))
            replayed[ticket_id] = target
    assert replayed == {i: t[1] for i, t in tickets.items()}
    stored = dict(db.execute("SELECT id, state FROM appointments").fetchall())
    assert appointment_states == stored
    busy_desks, busy_staff = [], []
    for ticket_id, state, desk, called_by, finished_at, appointment_id, kind in tickets.values():
        if state == "waiting":
            assert desk is None and called_by is None
        if state in ("called", "serving"):
            assert desk is not None and called_by is not None
            busy_desks.append(desk)
            busy_staff.append(called_by)
        if state in ("done", "no_show", "cancelled"):
            assert finished_at is not None
        if appointment_id is not None:
            assert db.execute("SELECT ticket_id, state FROM appointments WHERE id = ?",
                              (appointment_id,)).fetchone() == (ticket_id, "checked_in")
    # A desk and a caseworker have at most one visitor at a time.
    assert len(busy_desks) == len(set(busy_desks)) and len(busy_staff) == len(set(busy_staff))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(commands, min_size=5, max_size=60))
def test_random_days_keep_the_queue_invariants(steps):
    with tempfile.TemporaryDirectory() as tmp:
        clock = ManualClock(START)
        engine = Engine(connect(Path(tmp) / "prop.db"), OFFICE, clock)
        try:
            for command in steps:
                now = clock.now()
                before_state, before_seq = state_of(engine), max_seq(engine)
                due = {cw: due_appointments(engine, cw, now) for cw in CASEWORKERS}
                result = error = None
                try:
                    result = run(engine, clock, command)
                except QueueError as exc:
                    error = exc
                check_step(engine, command, before_state, before_seq, result, error)
                if command[0] == "call_next" and error is None:
                    event(f"call_next → {result.reason.code if result else 'nobody'}")
                    caseworker = CASEWORKERS[command[1]]
                    if due[caseworker]:
                        # (1) due appointments first, always.
                        assert result is not None and result.ticket.kind == "appointment", command
                    if result is not None and result.ticket.kind == "walk_in":
                        assert not due[caseworker]
                        assert result.reason.code in ("walk_in", "walk_in_fits")
                        assert booked_within(engine, caseworker, now, result.ticket.minutes) == []
                check_invariants(engine)
        finally:
            engine.db.close()


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["walk_in", "check_in", "call"]), st.integers(0, 3)),
                min_size=1, max_size=40))
def test_called_walk_ins_never_overtake_due_appointments_in_the_event_log(steps):
    """(1) on the log itself: at the instant of every non-override walk-in call, no due appointment
    of that caseworker was waiting (replayed from the events, independent of the engine's tables)."""
    with tempfile.TemporaryDirectory() as tmp:
        clock = ManualClock(datetime(2026, 11, 23, 8, 0, tzinfo=BERLIN))
        engine = Engine(connect(Path(tmp) / "log.db"), OFFICE, clock)
        codes = []
        for minute in range(0, 180, 30):
            for caseworker in CASEWORKERS:
                service = OFFICE.staff[caseworker].services[0]
                codes.append(engine.book_appointment(service=service, staff=caseworker,
                                                     starts_at=clock.now() + timedelta(minutes=minute + 10)).code)
        try:
            for name, i in steps:
                clock.advance(minutes=3)
                try:
                    if name == "walk_in":
                        engine.walk_in(SERVICES[i])
                    elif name == "check_in" and codes:
                        engine.check_in(codes.pop(0))
                    elif name == "call":
                        call = engine.call_next(DESKS[i % 3], CASEWORKERS[i % 3])
                        if call is not None:
                            engine.finish(call.ticket.id)
                except QueueError:
                    pass
            waiting: dict[int, tuple[str, str]] = {}  # ticket → (staff, appointment start) of waiting appointments
            starts = {r[0]: (r[1], r[2]) for r in engine.db.execute(
                "SELECT id, staff, appointment_start FROM tickets WHERE kind = 'appointment'")}
            walk_in_calls = 0
            for at, kind, ticket_id, data in engine.db.execute(
                    "SELECT at, kind, ticket_id, data FROM events ORDER BY seq"):
                if kind == "checked_in" and ticket_id in starts:
                    waiting[ticket_id] = starts[ticket_id]
                elif kind == "called":
                    waiting.pop(ticket_id, None)
                    if '"kind":"walk_in"' in data and '"reason":"override"' not in data:
                        walk_in_calls += 1
                        actor = engine.db.execute("SELECT actor FROM events WHERE kind = 'called' AND"
                                                  " ticket_id = ? AND at = ?", (ticket_id, at)).fetchone()[0]
                        horizon = datetime.strptime(at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
                        horizon = to_db(horizon + timedelta(minutes=OFFICE.early_window_min))
                        assert not [t for t, (staff, start) in waiting.items()
                                    if staff == actor and start <= horizon]
        finally:
            engine.db.close()
