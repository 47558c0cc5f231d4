"""A very long line: beyond the first LONG_LINE walk-ins the estimate follows the office's pace,
costs little, and every surface still gives one figure."""
from __future__ import annotations

from queue_core import estimate


def test_behind_a_long_line_the_estimate_grows_with_the_work_ahead_and_agrees(engine, monkeypatch):
    monkeypatch.setattr(estimate, "LONG_LINE", 4)
    tickets = [engine.walk_in("notfall").ticket for _ in range(9)]  # any caseworker: three share them
    told = [engine.outlook(t) for t in tickets]
    waits = [e.minutes for e in told]
    assert waits == sorted(waits) and waits[-1] > waits[4] > 0
    assert [e.position for e in told] == list(range(1, 10))
    shared = estimate.waiting_outlook(engine.db, engine.office, engine.now())
    assert [shared[t.id] for t in tickets] == told
    new, fits = estimate.walk_in_outlook(engine.db, engine.office, engine.now(), "notfall", None)
    assert new.minutes >= waits[-1] and fits
