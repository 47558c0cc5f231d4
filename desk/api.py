"""The staff API on /api/v1 (design: "API v1"): appointments, slots, calls and the ticket's actions.

Every route needs a staff session (plus the CSRF header for writes) or a bearer token; errors
use the API's JSON format; engine refusals (QueueError) become 4xx through web.api.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import request

from queue_core import slots as slot_finder
from queue_core.errors import InvalidInput
from queue_core.letters import initial_or_none
from web.api import api_blueprint
from web.auth import current_user, login_required
from web.engine import get_engine
from web.errors import Forbidden
from web.schemas import Booking, NoVisit, OnBehalf, Rebook, SlotQuery, TicketAction, api_body, body, validate

from . import queries
from .booking.commands import book_from, known_id, no_visit_from, rebook_from
from .reasons import reason_json, with_needs
from .view import desk_view

bp = api_blueprint("desk_api", __name__)
ACTIONS = ("recall", "start", "finish", "no-show", "requeue", "transfer", "cancel", "call", "urgent")


@bp.post("/appointments/no-visit")
@login_required()
@api_body(NoVisit)
def record_no_visit():
    """A phone call that needs no visit: documents come by post (counted as a visit avoided)."""
    return _created(no_visit_from(body(NoVisit), current_user()["username"]))


@bp.post("/appointments")
@login_required()
@api_body(Booking)
def book_appointment():
    appointment = book_from(body(Booking), current_user()["username"])
    return _created(appointment, code=appointment.code)


def _created(appointment, **extra: Any) -> tuple[dict[str, Any], int]:
    """201 with the new appointment as the desk shows it."""
    return {"id": appointment.id, **extra, "appointment": queries.appointment_json(get_engine(), appointment)}, 201


@bp.get("/appointments")
@login_required()
def list_appointments():
    engine = get_engine()
    raw = request.args.get("date")
    if raw:
        try:
            day = date.fromisoformat(raw[:10]) if len(raw) == 10 else None
        except ValueError:
            day = None
        if day is None:
            raise InvalidInput("date must look like 2026-11-23", field="date")
    else:
        day = queries.today(engine)
    staff = request.args.get("staff") or None
    if staff is not None:
        engine.office.caseworker(staff)
    engine.record_reading(current_user()["username"], "appointments_of_day", date=day.isoformat())
    return {"date": day.isoformat(), "appointments": queries.day_appointments(engine, day, staff)}


@bp.post("/appointments/<int:appointment_id>/cancel")
@login_required()
def cancel_appointment(appointment_id: int):
    return _close_appointment(appointment_id, get_engine().cancel_appointment)


@bp.post("/appointments/<int:appointment_id>/rebook")
@login_required()
@api_body(Rebook)
def rebook_appointment(appointment_id: int):
    """Move a booked appointment: ``starts_at`` and optionally ``staff``; the code stays the same."""
    engine = get_engine()
    appointment = rebook_from(appointment_id, body(Rebook), current_user()["username"])
    return {"appointment": queries.appointment_json(engine, appointment)}


@bp.post("/appointments/<int:appointment_id>/by-post")
@login_required()
def appointment_by_post(appointment_id: int):
    return _close_appointment(appointment_id, get_engine().resolve_by_post)


def _close_appointment(appointment_id: int, command) -> dict:
    """Cancel or resolve by post: the same checks and the same answer."""
    appointment = command(known_id(appointment_id, "appointment"), actor=current_user()["username"])
    return {"appointment": queries.appointment_json(get_engine(), appointment)}


@bp.get("/slots")
@login_required()
def free_slots():
    engine = get_engine()
    query = validate(SlotQuery, request.args.to_dict())
    # The booking page sends the typed letter; it is folded here only (no proposal outside A–Z).
    initial = query.initial or initial_or_none((query.letter or "")[:1])
    found = slot_finder.free_slots(engine.db, engine.office, engine.now(), query.service, staff=query.staff,
                                   days=query.days, step_min=query.step, duration_min=query.duration_min,
                                   initial=initial, limit=query.limit)
    caseworkers = slot_finder.eligible_caseworkers(engine.office, query.service, query.staff, initial)
    return {"service": query.service, "days": query.days,
            "caseworkers": [{"username": c.username, "name": c.name} for c in caseworkers],
            "slots": [s.as_dict(engine.office) for s in found]}


def desk_key(desk: str) -> str:
    """``desk`` when the office has it, else InvalidInput."""
    if len(desk) > 40:
        raise InvalidInput("unknown desk", field="desk")
    get_engine().office.desk(desk)
    return desk


def caseworker_for_call() -> str:
    """Whom a call is for: the signed-in caseworker, or (an admin only) the body's ``staff``."""
    user = current_user()
    data = request.get_json(silent=True) if request.content_length else None
    wanted = data.get("staff") if isinstance(data, dict) else None
    if wanted is None or wanted == user["username"]:
        return user["username"]
    if not isinstance(wanted, str) or len(wanted) > 40:
        raise InvalidInput("staff must be a caseworker's username", field="staff")
    if user["role"] != "admin":
        raise Forbidden("only an admin may call on behalf of a colleague")
    return wanted


@bp.post("/desks/<desk>/call-next")
@login_required()
@api_body(OnBehalf, optional=True)
def call_next(desk: str):
    """Call the next visitor for the signed-in caseworker; an admin (or an integration's token of an
    admin account) may call on behalf of a caseworker with ``{"staff": "username"}``."""
    engine = get_engine()
    call = engine.call_next(desk_key(desk), caseworker_for_call())
    if call is None:
        return "", 204
    ticket = queries.ticket_json(engine, call.ticket)
    ticket["reason"] = with_needs(engine, reason_json(engine, call.reason), call.ticket, desk)
    ticket["room"] = call.room
    return {"ticket": ticket}


@bp.post("/desks/<desk>/pause")
@login_required()
def pause_desk(desk: str):
    get_engine().pause_desk(desk_key(desk), actor=current_user()["username"])
    return {"desk": desk, "state": "paused"}


@bp.post("/desks/<desk>/resume")
@login_required()
def resume_desk(desk: str):
    get_engine().resume_desk(desk_key(desk), actor=current_user()["username"])
    return {"desk": desk, "state": "open"}


@bp.post("/tickets/<int:ticket_id>/<action>")
@login_required()
@api_body(TicketAction, optional=True)
def ticket_action(ticket_id: int, action: str):
    """recall, start, finish (+ outcome), no-show, requeue, transfer (+ service/staff), cancel;
    call (+ desk, note): call this ticket out of turn (override)."""
    known_id(ticket_id, "ticket")
    if action not in ACTIONS:
        raise InvalidInput("unknown action; use one of " + ", ".join(ACTIONS), field="action")
    engine = get_engine()
    actor = current_user()["username"]
    data = body(TicketAction)
    if action == "recall":
        ticket = engine.recall(ticket_id, actor=actor)
    elif action == "start":
        ticket = engine.start(ticket_id, actor=actor)
    elif action == "finish":
        ticket = engine.finish(ticket_id, outcome=data.outcome or "done", actor=actor)
    elif action == "no-show":
        ticket = engine.no_show(ticket_id, actor=actor)
    elif action == "requeue":
        ticket = engine.requeue(ticket_id, actor=actor)
    elif action == "transfer":
        if data.service is not None:
            engine.office.service(data.service)
        ticket = engine.transfer(ticket_id, service=data.service, staff=data.staff, actor=actor)
    elif action == "cancel":
        ticket = engine.cancel_ticket(ticket_id, actor=actor)
    elif action == "urgent":
        ticket = engine.mark_urgent(ticket_id, data.reason, actor=actor)
    else:  # call
        if data.desk is None:
            raise InvalidInput("desk is required", field="desk")
        call = engine.call_ticket(ticket_id, desk_key(data.desk), caseworker_for_call(), data.note)
        result = queries.ticket_json(engine, call.ticket)
        result["reason"] = reason_json(engine, call.reason)
        return {"ticket": result}
    return {"ticket": queries.ticket_json(engine, ticket)}


@bp.get("/appointments/<int:appointment_id>")
@login_required()
def appointment_details(appointment_id: int):
    """One appointment with the visitor's details; each reading is recorded (who, when, which)."""
    engine = get_engine()
    appointment = engine.appointment(known_id(appointment_id, "appointment"))
    engine.record_reading(current_user()["username"], "appointment", appointment_id)
    return {"appointment": queries.appointment_json(engine, appointment)}


@bp.get("/desks/<desk>/state")
@login_required()
def desk_state(desk: str):
    """Everything the desk page shows, for the signed-in caseworker at this desk (no names)."""
    engine = get_engine()
    return desk_view(engine, desk_key(desk), current_user())
