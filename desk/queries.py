"""What the desk shows, as read-only queries and JSON shapes (the engine has no list queries yet).

Only reads here: every change goes through an engine command.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from queue_core import Engine
from queue_core.clock import from_db, to_db
from queue_core.codes import format_code
from queue_core.models import Appointment, Ticket
from queue_core.office import Caseworker
from queue_core.policy import appointment_filter, walk_in_filter
from queue_core.schedule import local_day, local_instant
from queue_core.store import one, rows


def local_hm(engine: Engine, when: datetime | None) -> str | None:
    return None if when is None else when.astimezone(engine.office.timezone).strftime("%H:%M")


def day_bounds(engine: Engine, day: date) -> tuple[datetime, datetime]:
    from datetime import time

    return local_instant(engine.office, day, time(0, 0)), local_instant(engine.office, day + timedelta(days=1),
                                                                         time(0, 0))


def today(engine: Engine) -> date:
    return local_day(engine.office, engine.now())


def appointment_json(engine: Engine, a: Appointment, ticket: dict | None = None) -> dict[str, Any]:
    """The staff view of an appointment (personal fields included: staff routes only)."""
    local = a.starts_at.astimezone(engine.office.timezone)
    return {
        "id": a.id, "code": a.code, "code_display": format_code(a.code), "service": a.service,
        "service_name": engine.office.services[a.service].name if a.service in engine.office.services else a.service,
        "staff": a.staff, "starts_at": local.isoformat(), "date": local.date().isoformat(),
        "time": local.strftime("%H:%M"), "duration_min": a.duration_min, "state": a.state,
        "name": a.name, "birth_date": a.birth_date, "phone": a.phone, "concern": a.concern, "notes": a.notes,
        "documents": a.documents, "language": a.language,
        "checked_in_at": local_hm(engine, a.checked_in_at), "late": a.late, "ticket_id": a.ticket_id,
        "ticket_number": ticket["number"] if ticket else None,
        "ticket_state": ticket["state"] if ticket else None,
    }


def day_appointments(engine: Engine, day: date, staff: str | None = None) -> list[dict[str, Any]]:
    start, end = day_bounds(engine, day)
    sql = ("SELECT a.*, t.number AS t_number, t.state AS t_state FROM appointments a"
           " LEFT JOIN tickets t ON t.id = a.ticket_id"
           " WHERE a.location = ? AND a.starts_at >= ? AND a.starts_at < ?")
    params: list = [engine.office.location, to_db(start), to_db(end)]
    if staff is not None:
        sql += " AND a.staff = ?"
        params.append(staff)
    result = []
    for row in rows(engine.db, sql + " ORDER BY a.starts_at, a.id", params):
        ticket = {"number": row.pop("t_number"), "state": row.pop("t_state")}
        result.append(appointment_json(engine, Appointment.from_row(row),
                                       ticket if ticket["number"] else None))
    return result


def ticket_json(engine: Engine, t: Ticket) -> dict[str, Any]:
    """A ticket as the desk sees it: number, kind, state, service, desk and times (no names)."""
    return {
        "id": t.id, "number": t.number, "kind": t.kind, "state": t.state, "service": t.service,
        "service_name": engine.office.services[t.service].name if t.service in engine.office.services else t.service,
        "staff": t.staff, "desk": t.desk, "room": engine.room_of(t.desk), "appointment_id": t.appointment_id,
        "appointment_time": local_hm(engine, t.appointment_start), "created_at": local_hm(engine, t.created_at),
        "called_at": local_hm(engine, t.called_at), "outcome": t.outcome, "recalls": t.recalls,
        "requeues": t.requeues,
    }


def waiting_for(engine: Engine, caseworker: Caseworker) -> list[dict[str, Any]]:
    """Tickets waiting that this caseworker may call (their appointments and walk-ins of their services)."""
    app_where, app_params = appointment_filter(caseworker)
    walk_where, walk_params = walk_in_filter(caseworker)
    found = rows(engine.db,
                 "SELECT * FROM tickets WHERE location = ? AND state = 'waiting' AND day = ?"
                 f" AND ((kind = 'appointment' AND {app_where}) OR (kind = 'walk_in' AND {walk_where}))"
                 " ORDER BY kind = 'walk_in', appointment_start, created_at, id",
                 [engine.office.location, today(engine).isoformat(), *app_params, *walk_params])
    now = engine.now()
    result = []
    for row in found:
        item = ticket_json(engine, Ticket.from_row(row))
        item["waiting_min"] = max(0, int((now - from_db(row["created_at"])).total_seconds() // 60))
        result.append(item)
    return result


def waiting_all(engine: Engine) -> list[dict[str, Any]]:
    found = rows(engine.db, "SELECT * FROM tickets WHERE location = ? AND state = 'waiting' AND day = ?"
                 " ORDER BY created_at, id", [engine.office.location, today(engine).isoformat()])
    return [ticket_json(engine, Ticket.from_row(r)) for r in found]


def current_ticket(engine: Engine, desk: str | None, staff: str) -> Ticket | None:
    row = one(engine.db, "SELECT * FROM tickets WHERE state IN ('called', 'serving')"
              " AND (desk = ? OR called_by = ?) ORDER BY called_at DESC LIMIT 1", (desk, staff))
    return Ticket.from_row(row) if row else None


def desk_state(engine: Engine, desk: str | None) -> str:
    if desk is None:
        return "open"
    row = one(engine.db, "SELECT state FROM desks WHERE key = ?", (desk,))
    return row["state"] if row else "open"


def last_call_reason(engine: Engine, ticket_id: int) -> dict[str, Any] | None:
    row = one(engine.db, "SELECT data FROM events WHERE ticket_id = ? AND kind = 'called' ORDER BY seq DESC"
              " LIMIT 1", (ticket_id,))
    if not row:
        return None
    import json

    data = json.loads(row["data"] or "{}")
    return {"code": data.get("reason"), "note": data.get("note")}
