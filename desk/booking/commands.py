"""A booking, a rebooking and a "no visit needed" call from a request's fields: the same checks for
the staff API (desk.api) and the booking forms (desk.booking.routes), then one engine command."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app

from queue_core import slots as slot_finder
from queue_core.errors import InvalidInput, NotFound
from queue_core.office import normalise_initial
from web.engine import get_engine
from web.schemas import DOCUMENTS_MAX, TEXT_MAX

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
    if name and staff is None:
        try:
            initial = normalise_initial(name)
        except InvalidInput:  # a surname outside A–Z: no proposal, the service is enough
            initial = None
    candidates = slot_finder.eligible_caseworkers(engine.office, service, staff, initial)
    if staff is None and len(candidates) == 1 and engine.office.uses_letters():
        staff = candidates[0].username
    return engine.record_no_visit(service=service, staff=staff, name=name, concern=text_field(data, "concern"),
                                  notes=text_field(data, "notes"), documents=documents_field(data.get("documents")),
                                  actor=actor)
