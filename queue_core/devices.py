"""Device health: what each kiosk, board and printer last reported, for the admin's health page.

Reports come from different processes (run_kiosk.py serves the kiosks and the printer,
run_display.py the boards), so they live in the shared database, one row per device, written
over on every report. Rows not heard from for ``KEEP`` are deleted when the next report comes in.
Nothing personal is stored: a device id, its kind, zone, language and abilities.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from . import store
from .clock import from_db, to_db
from .errors import InvalidInput

KINDS = ("kiosk", "board", "printer")
KEEP = timedelta(days=7)
MAX_DEVICES = 500  # a hand-made client cannot fill the table with invented ids
STALE = timedelta(minutes=3)  # no report for this long: the page marks the device as silent
ABILITY = ("yes", "no", "blocked", "unknown")
FIELD_MAX = 80
DEVICE_ID = re.compile(r"^[A-Za-z0-9._:-]{4,64}$")
FIELDS = ("zone", "language", "sound", "speech", "printer", "version", "process", "detail")


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, (str, int, float, bool)):
        raise InvalidInput("device fields are plain text")
    text = " ".join(str(value).split())
    return text[:FIELD_MAX] or None


def report(db: Database, now: datetime, device_id: str, kind: str, **fields: Any) -> None:
    """Store one device's report (and drop devices silent for longer than ``KEEP``)."""
    if not isinstance(device_id, str) or not DEVICE_ID.match(device_id):
        raise InvalidInput("device id: 4–64 letters, digits or . _ : -")
    if kind not in KINDS:
        raise InvalidInput("kind is one of " + ", ".join(KINDS))
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise InvalidInput("unknown device fields: " + ", ".join(sorted(unknown)))
    for key in ("sound", "speech"):
        if fields.get(key) is not None and fields[key] not in ABILITY:
            raise InvalidInput(f"{key} is one of " + ", ".join(ABILITY))
    values = {key: _clean(fields.get(key)) for key in FIELDS}
    stamp = to_db(now)
    with store.write(db):
        db.execute("DELETE FROM devices WHERE last_seen < ?", [to_db(now - KEEP)])
        known = store.one(db, "SELECT COUNT(*) AS n, SUM(id = ?) AS me FROM devices", [device_id])
        if known["n"] >= MAX_DEVICES and not known["me"]:
            raise InvalidInput("too many devices reporting; old ones age out after a week")
        db.execute(
            f"INSERT INTO devices (id, kind, {', '.join(FIELDS)}, first_seen, last_seen) "
            f"VALUES (?, ?, {', '.join('?' for _ in FIELDS)}, ?, ?) "
            f"ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, "
            + ", ".join(f"{key} = excluded.{key}" for key in FIELDS) + ", last_seen = excluded.last_seen",
            [device_id, kind, *[values[key] for key in FIELDS], stamp, stamp])


def listing(db: Database, now: datetime) -> list[dict[str, Any]]:
    """Every device heard from within ``KEEP``, by kind then most recent first; ``silent`` if stale."""
    found = store.rows(db, "SELECT * FROM devices WHERE last_seen >= ? ORDER BY kind, last_seen DESC",
                       [to_db(now - KEEP)])
    for row in found:
        row["last_seen_at"] = from_db(row["last_seen"])
        row["silent"] = now - row["last_seen_at"] > STALE
    return found
