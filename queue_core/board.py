"""What a hallway board may show, read from the store: recent calls, waiting counts, the walk-in estimate.

Public by construction: the queries select only ticket numbers, desks (shown as rooms), call
times and counts — never a name, an initial, a service or an appointment — because a board
hangs where every visitor can read it. Caching and the Socket.IO side live in display/board.py.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlite_utils import Database

from .clock import from_db
from .estimate import walk_in_outlook
from .office import Office
from .schedule import local_day, opening_at, wall_clock
from .views import waiting_counts


def local_time(office: Office, text: str | None) -> str | None:
    """A stored UTC instant as the office's wall-clock HH:MM (None stays None)."""
    return wall_clock(office, from_db(text))


def zone_desks(office: Office, zone: str | None) -> list[str] | None:
    """The desks a zone's board shows (None: the whole office)."""
    return [d.key for d in office.desks.values() if d.zone == zone] if zone else None


def recent_calls(db: Database, office: Office, now: datetime, zone: str | None, limit: int) -> list[dict[str, Any]]:
    """Today's calls, newest first, at most ``limit``: number, room, called_at (UTC) and local time."""
    desks = zone_desks(office, zone)
    sql = ("SELECT number, desk, called_at FROM tickets WHERE location = ? AND day = ?"
           " AND called_at IS NOT NULL")
    params: list[Any] = [office.location, local_day(office, now).isoformat()]
    if desks is not None:
        sql += f" AND desk IN ({','.join('?' * len(desks))})"
        params += desks
    sql += " ORDER BY called_at DESC, id DESC LIMIT ?"
    params.append(limit)
    return [{"number": number, "room": office.room_of(desk), "called_at": called_at,
             "time": local_time(office, called_at)}
            for number, desk, called_at in db.execute(sql, params).fetchall()]


def waiting_today(db: Database, office: Office, now: datetime) -> dict[str, int]:
    """Today's waiting tickets per kind (yesterday's leftovers are not in today's hallway)."""
    return waiting_counts(db, office.location, local_day(office, now))


def walk_in_service(office: Office) -> str | None:
    """The service whose estimate the board shows: the one with the walk-in prefix, else the first walk-in one."""
    candidates = [s for s in office.services.values() if s.walk_in]
    for service in candidates:
        if service.prefix == office.walk_in_prefix:
            return service.key
    return candidates[0].key if candidates else None


def walk_in_wait(db: Database, office: Office, now: datetime) -> int | None:
    """Minutes a walk-in arriving now would be told (the longest over the walk-in services, so the
    board never promises less than the kiosk says); None when closed or no service takes walk-ins."""
    if opening_at(office, now) is None:
        return None
    waits = [walk_in_outlook(db, office, now, s.key, None)[0].minutes for s in office.services.values()
             if s.walk_in and office.caseworkers_for(s.key)]
    return max(waits) if waits else None


def zones(office: Office) -> list[str]:
    """The board zones the office's desks name (each zone has its own boards)."""
    return sorted({d.zone for d in office.desks.values() if d.zone})


def room_name(zone: str | None, office: Office | None = None) -> str:
    """The /board Socket.IO room of a zone ("all" for the boards that show every desk); a further
    location's rooms start with its slug, so its calls never reach another location's boards."""
    room = f"zone:{zone}" if zone else "all"
    return room if office is None or office.primary else f"{office.location}/{room}"
