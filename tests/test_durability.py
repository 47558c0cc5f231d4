"""A kiosk process killed with SIGKILL mid-stream: every ticket it acknowledged is in the file."""
from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from conftest import office_mapping
from queue_core import connect

ROOT = Path(__file__).resolve().parent.parent
ALL_DAY = {d: ["00:00-24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}

CHILD = textwrap.dedent("""
    import json, sys
    from datetime import datetime, timezone
    from queue_core import Engine, ManualClock, Office, connect

    db_path, mapping = sys.argv[1], json.loads(sys.argv[2])
    engine = Engine(connect(db_path), Office.from_mapping(mapping),
                    ManualClock(datetime(2026, 11, 23, 7, 30, tzinfo=timezone.utc)))
    i = 0
    while True:
        ticket = engine.walk_in("quick", request_id=f"r{i}").ticket
        # Only after the command returned (committed) is the ticket acknowledged.
        sys.stdout.write(f"{ticket.id} {ticket.number}\\n")
        sys.stdout.flush()
        i += 1
""")


def test_every_acknowledged_ticket_survives_sigkill(db_path):
    mapping = office_mapping(
        hours=ALL_DAY, walk_in_cutoff_min=0, holidays="",
        services=[{"key": "quick", "name": "Quick", "prefix": "Q", "minutes": 1}],
        staff=[{"username": f"cw{i}", "name": f"CW {i}", "services": ["quick"]} for i in range(20)])
    connect(db_path).close()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(db_path), json.dumps(mapping)],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    acknowledged: list[tuple[int, str]] = []
    buffer = b""
    selector = selectors.DefaultSelector()
    selector.register(child.stdout, selectors.EVENT_READ)
    stop_at = time.monotonic() + 1.0
    # Read for about a second (and at least until the child has acknowledged something).
    while time.monotonic() < stop_at or not acknowledged:
        assert child.poll() is None, child.stderr.read().decode()
        if selector.select(timeout=0.1):
            chunk = os.read(child.stdout.fileno(), 65536)
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            acknowledged += [(int(i), n) for i, n in (line.decode().split(" ", 1) for line in lines)]
        if time.monotonic() > stop_at + 20:
            break
    os.kill(child.pid, signal.SIGKILL)
    child.wait(10)
    assert child.returncode == -signal.SIGKILL
    # Lines already in the pipe were acknowledged before the kill, too.
    buffer += child.stdout.read()
    acknowledged += [(int(i), n) for i, n in (line.decode().split(" ", 1)
                                                for line in buffer.split(b"\n") if line.count(b" ") == 1)]
    child.stdout.close()
    child.stderr.close()
    assert acknowledged

    db = connect(db_path)
    stored = dict(db.execute("SELECT id, number FROM tickets").fetchall())
    missing = [a for a in acknowledged if stored.get(a[0]) != a[1]]
    assert missing == []
    # The store is consistent after the crash: one walked_in event per ticket, numbers unique.
    events = db.execute("SELECT COUNT(*) FROM events WHERE kind = 'walked_in'").fetchone()[0]
    assert events == len(stored) >= len(acknowledged)
    assert len(set(stored.values())) == len(stored)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
