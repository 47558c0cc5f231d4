"""A booking, a rebooking and a "no visit needed" call from a parsed body (web.schemas: the same
models for the staff API, desk.api, and the booking forms, desk.booking.routes): what depends on the
office is checked here, then one engine command does it."""
from __future__ import annotations

from datetime import datetime, timedelta

from queue_core import slots as slot_finder
from queue_core.errors import InvalidInput, NotFound
from queue_core.letters import initial_or_none
from queue_core.office import Office
from web.config import settings
from web.engine import get_engine
from web.schemas import Booking, NoVisit, Rebook

ID_MAX = 2**63 - 1


def known_id(value: int, what: str) -> int:
    """Ids beyond SQLite's integer range cannot exist (and would overflow the driver)."""
    if not 0 < value <= ID_MAX:
        raise NotFound(f"no such {what}", field=what)
    return value


def parse_starts_at(value: str, office: Office) -> datetime:
    """ISO 8601 (its shape checked by the body's model); a time without offset is office-local time."""
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput("starts_at must be an ISO 8601 date and time", field="starts_at") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=office.timezone)
    if not 2000 <= when.year <= 2999:
        raise InvalidInput("starts_at is not a plausible date", field="starts_at")
    return when


def bookable_start(value: str) -> datetime:
    """The body's starts_at, read in office time and within the booking horizon."""
    engine = get_engine()
    starts_at = parse_starts_at(value, engine.office)
    horizon = settings().booking_horizon_days
    if starts_at > engine.now() + timedelta(days=horizon):
        raise InvalidInput(f"appointments can be booked at most {horizon} days ahead", field="starts_at")
    return starts_at


def rebook_from(appointment_id: int, body: Rebook, actor: str):
    """A rebooking (API or form): a new start and optionally another caseworker."""
    known_id(appointment_id, "appointment")
    return get_engine().rebook_appointment(appointment_id, starts_at=bookable_start(body.starts_at),
                                           staff=body.staff, actor=actor)


def book_from(body: Booking, actor: str):
    """A booking (API or form), checked against the office and booked through the engine."""
    engine = get_engine()
    engine.office.service(body.service)
    return engine.book_appointment(
        service=body.service, starts_at=bookable_start(body.starts_at), staff=body.staff,
        duration_min=body.duration_min, name=body.name, birth_date=body.birth_date, phone=body.phone,
        concern=body.concern, notes=body.notes, documents=body.documents or [], language=body.language,
        actor=actor, email=body.email, mobile=body.mobile, consent=body.consented,
        needs=body.needs, interpreter=body.interpreter)


def no_visit_from(body: NoVisit, actor: str):
    """A "no visit needed — documents by post" call (API or form), recorded through the engine.

    Without ``staff`` the caseworker responsible for the caller's surname letter is taken when
    there is exactly one; otherwise the call is recorded for the service only.
    """
    engine = get_engine()
    staff = body.staff
    # A surname outside A–Z gives no proposal: the service is enough.
    initial = initial_or_none(body.name) if body.name and staff is None else None
    candidates = slot_finder.eligible_caseworkers(engine.office, body.service, staff, initial)
    if staff is None and len(candidates) == 1 and engine.office.uses_letters():
        staff = candidates[0].username
    return engine.record_no_visit(service=body.service, staff=staff, name=body.name, concern=body.concern,
                                  notes=body.notes, documents=body.documents or [], actor=actor)
