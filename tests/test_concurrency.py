"""Several processes on ONE database file at the same time: nothing lost, nothing given twice.

The office is open round the clock (no cutoff); every kiosk process checks in to the same
one-minute service (prefix Q; eight caseworkers handle it), so every process competes for the same
number sequence while neither hours nor the day's capacity can refuse a walk-in
(8 × 50 one-minute visits fit easily into the 15½ hours left of the day).
"""
from __future__ import annotations

import multiprocessing
from datetime import datetime, timezone

from conftest import office_mapping
from queue_core import Engine, ManualClock, Office, connect

PROCESSES = 8
# The issue's figure: 8 kiosks × 200 walk-ins into one service's line (numbers Q 001 … Q 1600).
PER_PROCESS = 200
ALL_DAY = {d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
MONDAY_0830 = datetime(2026, 11, 23, 7, 30, tzinfo=timezone.utc)


def busy_office_mapping() -> dict:
    return office_mapping(
        hours=ALL_DAY, walk_in_cutoff_min=0, holidays="",
        services=[{"key": "quick", "name": "Quick", "prefix": "Q", "minutes": 1}],
        desks=[{"key": f"d{i}", "room": f"Room {i}"} for i in range(PROCESSES)],
        staff=[{"username": f"cw{i}", "name": f"CW {i}", "services": ["quick"]} for i in range(PROCESSES)])


def rival_office_mapping() -> dict:
    mapping = busy_office_mapping()
    mapping["staff"] = [{"username": f"rival{i}", "name": f"Rival {i}", "services": ["quick"]} for i in range(4)]
    return mapping


def _check_in_walk_ins(db_path: str, worker: int, start, results) -> None:
    engine = Engine(connect(db_path), Office.from_mapping(busy_office_mapping()), ManualClock(MONDAY_0830))
    start.wait()
    acknowledged = []
    for i in range(PER_PROCESS):
        result = engine.walk_in("quick", request_id=f"kiosk{worker}-{i}")
        acknowledged.append((result.ticket.id, result.ticket.number, result.created))
    engine.db.close()
    results.put((worker, acknowledged))


def _call_until_empty(db_path: str, worker: int, start, results) -> None:
    engine = Engine(connect(db_path), Office.from_mapping(rival_office_mapping()), ManualClock(MONDAY_0830))
    start.wait()
    called = []
    while True:
        call = engine.call_next(f"d{worker}", f"rival{worker}")
        if call is None:
            break
        called.append(call.ticket.id)
        engine.finish(call.ticket.id)
    engine.db.close()
    results.put((worker, called))


def _run_all(target, db_path, count: int) -> dict[int, list]:
    ctx = multiprocessing.get_context("fork")
    start, results = ctx.Event(), ctx.Queue()
    processes = [ctx.Process(target=target, args=(str(db_path), w, start, results)) for w in range(count)]
    for process in processes:
        process.start()
    start.set()
    collected = dict(results.get(timeout=120) for _ in processes)
    for process in processes:
        process.join(30)
        assert process.exitcode == 0
    return collected


def test_eight_kiosks_checking_in_at_once_lose_nothing_and_never_share_a_number(db_path):
    connect(db_path).close()  # schema in place before the race starts
    acknowledged = _run_all(_check_in_walk_ins, db_path, PROCESSES)

    all_acks = [a for worker in acknowledged.values() for a in worker]
    assert len(all_acks) == PROCESSES * PER_PROCESS
    assert all(created for _, _, created in all_acks)
    db = connect(db_path)
    rows = db.execute("SELECT id, number, day, location FROM tickets").fetchall()
    assert len(rows) == PROCESSES * PER_PROCESS
    assert len({r[1] for r in rows}) == PROCESSES * PER_PROCESS
    assert {r[0] for r in rows} == {ticket_id for ticket_id, _, _ in all_acks}
    assert dict((r[0], r[1]) for r in rows) == {i: n for i, n, _ in all_acks}  # what each kiosk printed
    assert sorted(int(r[1].split()[1]) for r in rows) == list(range(1, PROCESSES * PER_PROCESS + 1))  # Q 001 … Q 1600, no gaps
    assert db.execute("SELECT COUNT(*) FROM events WHERE kind = 'walked_in'").fetchone()[0] == PROCESSES * PER_PROCESS
    db.close()


def test_two_desks_calling_at_once_never_get_the_same_ticket(db_path):
    engine = Engine(connect(db_path), Office.from_mapping(rival_office_mapping()), ManualClock(MONDAY_0830))
    # Four caseworkers who all handle the one service: every desk competes for every ticket.
    created = {engine.walk_in("quick").ticket.id for _ in range(120)}
    engine.db.close()

    called = _run_all(_call_until_empty, db_path, 4)

    all_calls = [t for worker in called.values() for t in worker]
    assert len(all_calls) == len(set(all_calls)), "a ticket was called at two desks"
    assert set(all_calls) == created
    db = connect(db_path)
    assert db.execute("SELECT COUNT(*) FROM events WHERE kind = 'called'").fetchone()[0] == 120
    assert db.execute("SELECT COUNT(*) FROM tickets WHERE state != 'done'").fetchone()[0] == 0
    db.close()
