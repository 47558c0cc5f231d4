"""The relay's lease in the shared SQLite file: one holder, takeover after expiry, the position kept."""
from __future__ import annotations

from queue_core import connect, lease


def test_one_holder_at_a_time_and_the_position_passes_on(tmp_path):
    a, b = connect(tmp_path / "shared.db"), connect(tmp_path / "shared.db")  # two processes' connections
    lease.ensure_table(a)
    first = lease.acquire(a, "rathaus", "a", now=100.0, ttl=1.0, start_seq=42)
    assert first is not None and first.seq == 42
    assert lease.acquire(b, "rathaus", "b", now=100.5, ttl=1.0, start_seq=0) is None  # still held
    assert lease.renew(a, "rathaus", "a", now=100.6, ttl=1.0, seq=57)
    assert lease.acquire(b, "rathaus", "b", now=101.5, ttl=1.0, start_seq=0) is None  # renewed until 101.6
    taken = lease.acquire(b, "rathaus", "b", now=101.7, ttl=1.0, start_seq=0)
    assert taken is not None and taken.holder == "b" and taken.seq == 57  # goes on after the last published
    assert not lease.renew(a, "rathaus", "a", now=101.8, ttl=1.0, seq=60)  # the old leader learns it lost
    assert lease.current(a, "rathaus").seq == 57
    other = lease.acquire(a, "hafen", "a", now=101.8, ttl=1.0, start_seq=9)  # each location has its own
    assert other is not None and other.seq == 9
    lease.release(b, "rathaus", "b")
    assert lease.acquire(a, "rathaus", "a", now=101.9, ttl=1.0, start_seq=0).seq == 57  # at once after release
