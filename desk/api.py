"""The staff API on /api/v1 (design: "API v1"): appointments, slots, calls and the ticket's actions.

Every route needs a staff session (plus the CSRF header for writes) or a bearer token; errors
use the API's JSON format; engine refusals (QueueError) become 4xx through web.api.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app, request
from flask_babel import gettext as _, ngettext

from queue_core import events, needs, slots as slot_finder, views
from queue_core.errors import InvalidInput, NotFound
from queue_core.models import Reason
from queue_core.policy import Idle
from queue_core.letters import initial_or_none
from web.api import Forbidden, bp, json_body
from web.auth import current_user, login_required
from web.engine import get_engine
from web.schemas import DOCUMENTS_MAX, TEXT_MAX, Booking, NoVisit, OnBehalf, Rebook, TicketAction, api_body

from . import queries

ACTIONS = ("recall", "start", "finish", "no-show", "requeue", "transfer", "cancel", "call", "urgent")


ID_MAX = 2**63 - 1


def known_id(value: int, what: str) -> int:
    """Ids beyond SQLite's integer range cannot exist (and would overflow the driver)."""
    if not 0 < value <= ID_MAX:
        raise NotFound(f"no such {what}", field=what)
    return value


def text_field(data: dict, key: str, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidInput(f"{key} is required", field=key)
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{key} must be text", field=key)
    value = value.strip()
    if len(value) > TEXT_MAX.get(key, 200):
        raise InvalidInput(f"{key} may have at most {TEXT_MAX.get(key, 200)} characters", field=key)
    return value


def parse_starts_at(value: Any, office) -> datetime:
    """ISO 8601; a time without offset is read as office-local time."""
    if not isinstance(value, str) or not 10 <= len(value) <= 40:
        raise InvalidInput("starts_at must be an ISO 8601 date and time", field="starts_at")
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput("starts_at must be an ISO 8601 date and time", field="starts_at") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=office.timezone)
    if not 2000 <= when.year <= 2999:
        raise InvalidInput("starts_at is not a plausible date", field="starts_at")
    return when


def int_field(value: Any, key: str, low: int, high: int) -> int:
    if isinstance(value, bool):
        raise InvalidInput(f"{key} must be a whole number", field=key)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{key} must be a whole number", field=key) from None
    if isinstance(value, float) and value != number:
        raise InvalidInput(f"{key} must be a whole number", field=key)
    if not low <= number <= high:
        raise InvalidInput(f"{key} must be between {low} and {high}", field=key)
    return number


def documents_field(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > DOCUMENTS_MAX or \
            not all(isinstance(d, str) and 0 < len(d.strip()) <= 200 for d in value):
        raise InvalidInput("documents must be a list of short texts", field="documents")
    return [d.strip() for d in value]


def bookable_start(data: dict) -> datetime:
    """The request's starts_at, parsed and within the booking horizon."""
    engine = get_engine()
    starts_at = parse_starts_at(data.get("starts_at"), engine.office)
    horizon = int(current_app.config.get("BOOKING_HORIZON_DAYS", 366))
    if starts_at > engine.now() + timedelta(days=horizon):
        raise InvalidInput(f"appointments can be booked at most {horizon} days ahead", field="starts_at")
    return starts_at


def rebook_from(appointment_id: int, data: dict, actor: str):
    """Validate a rebooking (API or form): a new start and optionally another caseworker."""
    known_id(appointment_id, "appointment")
    return get_engine().rebook_appointment(appointment_id, starts_at=bookable_start(data),
                                           staff=text_field(data, "staff"), actor=actor)


def book_from(data: dict, actor: str):
    """Validate a booking request (API or form) and book it through the engine."""
    engine = get_engine()
    service = text_field(data, "service", required=True)
    engine.office.service(service)
    staff = text_field(data, "staff")
    duration = data.get("duration_min")
    starts_at = bookable_start(data)
    return engine.book_appointment(
        service=service, starts_at=starts_at, staff=staff,
        duration_min=None if duration in (None, "") else int_field(duration, "duration_min", 1, 480),
        name=text_field(data, "name", required=True), birth_date=text_field(data, "birth_date"),
        phone=text_field(data, "phone"), concern=text_field(data, "concern"), notes=text_field(data, "notes"),
        documents=documents_field(data.get("documents")), language=text_field(data, "language"), actor=actor,
        email=text_field(data, "email"), mobile=text_field(data, "mobile"),
        consent=data.get("consent") in (True, "1", "on"),
        needs=data.get("needs"), interpreter=text_field(data, "interpreter"))


def no_visit_from(data: dict, actor: str):
    """Validate a "no visit needed — documents by post" call (API or form) and record it.

    Without ``staff`` the caseworker responsible for the caller's surname letter is taken when
    there is exactly one; otherwise the call is recorded for the service only.
    """
    engine = get_engine()
    service = text_field(data, "service", required=True)
    name = text_field(data, "name")
    staff = text_field(data, "staff")
    initial = None
    if name and staff is None:  # a surname outside A–Z: no proposal, the service is enough
        initial = initial_or_none(name)
    candidates = slot_finder.eligible_caseworkers(engine.office, service, staff, initial)
    if staff is None and len(candidates) == 1 and engine.office.uses_letters():
        staff = candidates[0].username
    return engine.record_no_visit(service=service, staff=staff, name=name, concern=text_field(data, "concern"),
                                  notes=text_field(data, "notes"), documents=documents_field(data.get("documents")),
                                  actor=actor)


@bp.post("/appointments/no-visit")
@login_required()
@api_body(NoVisit)
def record_no_visit():
    """A phone call that needs no visit: documents come by post (counted as a visit avoided)."""
    return _created(no_visit_from(json_body(), current_user()["username"]))


@bp.post("/appointments")
@login_required()
@api_body(Booking)
def book_appointment():
    appointment = book_from(json_body(), current_user()["username"])
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
    appointment = rebook_from(appointment_id, json_body(), current_user()["username"])
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
    args = request.args
    service = args.get("service")
    if not service:
        raise InvalidInput("name a service", field="service")
    days = int_field(args.get("days", 7), "days", 1, slot_finder.MAX_DAYS)
    step = int_field(args.get("step", slot_finder.DEFAULT_STEP_MIN), "step", 5, 240)
    limit = int_field(args.get("limit", 500), "limit", 1, 2000)
    duration = args.get("duration_min")
    duration = None if not duration else int_field(duration, "duration_min", 1, 480)
    initial = args.get("initial") or None
    if initial is not None and len(initial) > 40:
        raise InvalidInput("the initial must be a letter A–Z", field="initial")
    if initial is None:  # the booking page's typed letter, folded here (no proposal outside A–Z)
        initial = initial_or_none(args.get("letter", "")[:1])
    staff = args.get("staff") or None
    found = slot_finder.free_slots(engine.db, engine.office, engine.now(), service, staff=staff, days=days,
                                   step_min=step, duration_min=duration, initial=initial, limit=limit)
    caseworkers = slot_finder.eligible_caseworkers(engine.office, service, staff, initial)
    return {"service": service, "days": days,
            "caseworkers": [{"username": c.username, "name": c.name} for c in caseworkers],
            "slots": [s.as_dict(engine.office) for s in found]}


def reason_json(engine, reason: Reason) -> dict[str, Any]:
    starts = queries.local_hm(engine, reason.starts_at)
    fits = queries.local_hm(engine, reason.fits_before)
    texts = {
        "appointment_due": _("Termin %(time)s, fällig", time=starts),
        "appointment_early": _("Termin %(time)s, früh da – sonst keiner wartet", time=starts),
        "walk_in_fits": _("ohne Termin, passt sehr wahrscheinlich vor %(time)s", time=fits),
        "walk_in": _("ohne Termin, der Reihe nach"),
        "walk_in_urgent": (_("ohne Termin, dringend, passt vor %(time)s", time=fits) if fits
                           else _("ohne Termin, dringend")),
        "override": _("gezielter Aufruf: %(note)s", note=reason.note or ""),
    }
    return {"code": reason.code, "starts_at": starts, "fits_before": fits, "note": reason.note,
            "text": texts.get(reason.code, reason.code)}


def idle_json(engine, idle: Idle | None) -> dict[str, Any] | None:
    """Why nobody is callable, in words for the desk (None when someone is)."""
    if idle is None:
        return None
    before = queries.local_hm(engine, idle.before)
    if idle.code == "none_fits":
        text = ngettext("%(num)s Person ohne Termin wartet; sie passt nicht vor Ihren Termin um %(time)s"
                        " (sie braucht etwa %(min)s min).",
                        "%(num)s Personen ohne Termin warten; keine passt vor Ihren Termin um %(time)s"
                        " (die kürzeste braucht etwa %(min)s min).", idle.waiting, time=before,
                        min=idle.shortest_min)
        if idle.for_colleagues:
            text += " " + ngettext("%(num)s weitere wartet auf Kolleginnen und Kollegen.",
                                   "%(num)s weitere warten auf Kolleginnen und Kollegen.", idle.for_colleagues)
    elif idle.code == "for_colleagues":
        text = ngettext("%(num)s Person ohne Termin wartet, aber für Kolleginnen und Kollegen (anderes"
                        " Anliegen, andere Buchstaben oder gezielt weitergeleitet).",
                        "%(num)s Personen ohne Termin warten, aber für Kolleginnen und Kollegen (andere"
                        " Anliegen, andere Buchstaben oder gezielt weitergeleitet).", idle.for_colleagues)
    else:
        text = _("Niemand wartet auf Sie.")
    return {"code": idle.code, "waiting": idle.waiting, "for_colleagues": idle.for_colleagues,
            "before": before, "shortest_min": idle.shortest_min, "text": text}


def with_needs(engine, reason: dict[str, Any], ticket, desk: str) -> dict[str, Any]:
    """The reason text says when the visitor has needs: met by this desk, or (an override) which not."""
    if not (ticket.needs or ticket.interpreter):
        return reason
    missing = needs.unmet(engine.office, desk, ticket.needs)
    if missing:
        note = _("Achtung, dieser Platz bietet nicht: %(needs)s",
                 needs=", ".join(queries.need_labels()[n] for n in missing))
    else:
        note = _("Bedarf: %(needs)s – dieser Platz passt", needs=queries.needs_text(ticket.needs, ticket.interpreter))
    return {**reason, "needs": queries.needs_text(ticket.needs, ticket.interpreter),
            "text": f"{reason['text']} · {note}"}


def desk_key(desk: str) -> str:
    if len(desk) > 40:
        raise InvalidInput("unknown desk", field="desk")
    get_engine().office.desk(desk)
    return desk


def caseworker_for_call() -> str:
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
    data = json_body() if request.get_data() else {}
    if action == "recall":
        ticket = engine.recall(ticket_id, actor=actor)
    elif action == "start":
        ticket = engine.start(ticket_id, actor=actor)
    elif action == "finish":
        outcome = data.get("outcome", "done")
        if not isinstance(outcome, str):
            raise InvalidInput("outcome must be done, by_post or follow_up", field="outcome")
        ticket = engine.finish(ticket_id, outcome=outcome, actor=actor)
    elif action == "no-show":
        ticket = engine.no_show(ticket_id, actor=actor)
    elif action == "requeue":
        ticket = engine.requeue(ticket_id, actor=actor)
    elif action == "transfer":
        service, staff = text_field(data, "service"), text_field(data, "staff")
        if service is not None:
            engine.office.service(service)
        ticket = engine.transfer(ticket_id, service=service, staff=staff, actor=actor)
    elif action == "cancel":
        ticket = engine.cancel_ticket(ticket_id, actor=actor)
    elif action == "urgent":
        reason = data.get("reason")
        if reason is not None and not isinstance(reason, str):
            raise InvalidInput("give a reason why this visit is urgent", field="reason")
        ticket = engine.mark_urgent(ticket_id, reason, actor=actor)
    else:  # call
        desk = text_field(data, "desk", required=True)
        note = data.get("note")
        if note is not None and not isinstance(note, str):
            raise InvalidInput("give a reason for calling out of turn", field="note")
        call = engine.call_ticket(ticket_id, desk_key(desk), caseworker_for_call(), note)
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


def desk_view(engine, desk: str, user: dict) -> dict[str, Any]:
    caseworker = engine.office.staff.get(user["username"])
    current = views.current_ticket(engine.db, desk, user["username"])
    current_json = None
    if current is not None:
        current_json = queries.ticket_json(engine, current)
        reason = views.last_call_reason(engine.db, current.id)
        if reason:
            current_json["reason"] = with_needs(engine, reason_json(engine, Reason(
                reason.code or "override", current.appointment_start, reason.fits_before,
                note=reason.note)), current, desk)
    mine = [] if caseworker is None else queries.day_appointments(engine, queries.today(engine),
                                                                   caseworker.username)
    for item in mine:  # the list shows times and states; the details drawer shows (and records) the rest
        for key in ("name", "birth_date", "phone", "notes", "code", "code_display", "needs_text"):
            item.pop(key, None)
    waiting = queries.waiting_for(engine, caseworker) if caseworker else queries.waiting_all(engine)
    return {"desk": desk, "room": engine.room_of(desk), "desk_state": views.desk_state(engine.db, desk),
            "user": {"username": user["username"], "name": user["name"], "role": user["role"],
                     "caseworker": caseworker is not None},
            "current": current_json, "waiting": waiting, "appointments": mine,
            "idle": idle_json(engine, engine.idle_reason(caseworker.username))
            if caseworker is not None and current is None else None,
            "seq": events.latest_seq(engine.db)}
