"""What the desk shows, as JSON shapes over queue_core.views (which does the reading).

Only shaping here: the rows come from queue_core.views, every change from an engine command.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

from queue_core import Engine, needs, views
from queue_core.codes import format_code
from queue_core.estimate import waiting_outlook
from queue_core.models import Appointment, Ticket
from queue_core.office import Caseworker
from queue_core.schedule import local_day, wall_clock


def local_hm(engine: Engine, when: datetime | None) -> str | None:
    return wall_clock(engine.office, when)


def today(engine: Engine) -> date:
    return local_day(engine.office, engine.now())


def service_name(engine: Engine, key: str) -> str:
    found = engine.office.services.get(key)
    return found.name if found else key


def appointment_json(engine: Engine, a: Appointment, ticket: dict | None = None) -> dict[str, Any]:
    """The staff view of an appointment (personal fields included: staff routes only)."""
    local = a.starts_at.astimezone(engine.office.timezone)
    return {
        "id": a.id, "code": a.code, "code_display": format_code(a.code), "service": a.service,
        "service_name": service_name(engine, a.service),
        "staff": a.staff, "starts_at": local.isoformat(), "date": local.date().isoformat(),
        "time": local.strftime("%H:%M"), "duration_min": a.duration_min, "state": a.state,
        "name": a.name, "birth_date": a.birth_date, "phone": a.phone, "concern": a.concern, "notes": a.notes,
        "documents": a.documents, "language": a.language,
        "checked_in_at": local_hm(engine, a.checked_in_at), "late": a.late, "ticket_id": a.ticket_id,
        "needs_text": needs_text(a.needs, a.interpreter),
        "ticket_number": ticket["number"] if ticket else None,
        "ticket_state": ticket["state"] if ticket else None,
    }


def day_appointments(engine: Engine, day: date, staff: str | None = None) -> list[dict[str, Any]]:
    result = []
    for item in views.day_appointments(engine.db, engine.office, day, staff):
        ticket = {"number": item.ticket_number, "state": item.ticket_state} if item.ticket_number else None
        result.append(appointment_json(engine, item.appointment, ticket))
    online = engine.online_ids([a["id"] for a in result])
    for entry in result:
        entry["online"] = entry["id"] in online  # staff see which bookings came online
    return result


def ticket_json(engine: Engine, t: Ticket) -> dict[str, Any]:
    """A ticket as the desk sees it: number, kind, state, service, desk and times (no names)."""
    return {
        "id": t.id, "number": t.number, "kind": t.kind, "state": t.state, "service": t.service,
        "service_name": service_name(engine, t.service),
        "staff": t.staff, "desk": t.desk, "room": engine.room_of(t.desk), "appointment_id": t.appointment_id,
        "appointment_time": local_hm(engine, t.appointment_start), "created_at": local_hm(engine, t.created_at),
        "called_at": local_hm(engine, t.called_at), "outcome": t.outcome, "recalls": t.recalls,
        "requeues": t.requeues, "urgent": t.urgent_at is not None,
    }


def need_labels() -> dict[str, str]:
    return {"interpreter": _("Dolmetschen"), "barrier_free": _("barrierefreier Raum"),
            "companion": _("Platz für eine Begleitperson"), "quiet_room": _("ruhiger Raum")}


def needs_text(stored: str | None, interpreter: str | None) -> str | None:
    """A visitor's needs for the caseworker, e.g. "Dolmetschen: Arabisch, ruhiger Raum" (staff only)."""
    labels = need_labels()
    parts = [f"{labels[n]}: {interpreter}" if n == needs.INTERPRETER else labels[n]
             for n in needs.merged(needs.room_needs(stored), interpreter)]
    return ", ".join(parts) or None


def waiting_for(engine: Engine, caseworker: Caseworker) -> list[dict[str, Any]]:
    """Tickets waiting that this caseworker may call, each with its minutes of waiting so far."""
    now = engine.now()
    result = []
    estimates = waiting_outlook(engine.db, engine.office, now)
    for ticket in views.waiting_for(engine.db, engine.office, now, caseworker):
        item = ticket_json(engine, ticket)
        item["waiting_min"] = max(0, int((now - ticket.created_at).total_seconds() // 60))
        if ticket.id in estimates:  # the figure the visitor's ticket and phone page show
            item["estimated_wait_min"] = estimates[ticket.id].minutes
        result.append(item)
    return result


def waiting_all(engine: Engine) -> list[dict[str, Any]]:
    return [ticket_json(engine, t) for t in views.waiting_all(engine.db, engine.office, engine.now())]

