"""The JSON bodies of API v1, declared once: these pydantic models validate every body (``api_body``)
and their JSON Schema is what /api/v1/openapi.json documents.

The models check the shape (types, lengths, required fields); what depends on the office (does the
service exist, is the slot free) is checked afterwards by the routes and the engine.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Literal, Optional

from flask import g, request
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from queue_core.errors import InvalidInput

from .api import json_body  # the strict parsing (depth, numbers, surrogates) lives there

# The longest text of each field the API and the staff forms accept.
TEXT_MAX = {"name": 200, "birth_date": 10, "phone": 50, "concern": 500, "notes": 2000, "language": 16,
            "service": 64, "staff": 40, "initial": 4, "email": 254, "mobile": 30}
DOCUMENTS_MAX = 30


def _text(key: str, description: str = "") -> Any:
    return Field(None, max_length=TEXT_MAX.get(key, 200), description=description or None)


class Body(BaseModel):
    """Unknown fields are ignored (older and newer clients keep working)."""

    model_config = ConfigDict(extra="ignore")


class WalkIn(Body):
    service: str = Field(min_length=1, max_length=TEXT_MAX["service"], description="a service key of the office")
    initial: Optional[str] = Field(None, max_length=TEXT_MAX["initial"],
                                   description="the surname's first letter, A–Z (offices that split by letters)")


class CheckIn(Body):
    """Either ``code`` (an appointment) or ``walk_in``; a repeat with the same ``request_id`` or code
    answers 200 with the ticket it made."""

    code: Optional[str] = Field(None, max_length=200, description="the appointment code, as typed or scanned")
    walk_in: Optional[WalkIn] = None
    language: Optional[str] = _text("language", "the visitor's language, e.g. de, en, ar")
    request_id: Optional[str] = Field(None, min_length=1, max_length=100,
                                      description="the kiosk's retry key: the same id never makes two tickets")


class _Case(Body):
    """What staff note about a caller's case, the same in a booking and a call that needs no visit."""

    concern: Optional[str] = _text("concern")
    notes: Optional[str] = _text("notes")
    documents: Optional[list[str]] = Field(None, max_length=DOCUMENTS_MAX)


class Booking(_Case):
    service: str = Field(min_length=1, max_length=TEXT_MAX["service"])
    starts_at: str = Field(min_length=10, max_length=40, description="ISO 8601; without offset: office time")
    staff: Optional[str] = _text("staff", "a caseworker's username (default: the one for the service and letter)")
    duration_min: Optional[int | str] = Field(None, description="minutes, 1–480 (default: the service's)")
    name: str = Field(min_length=1, max_length=TEXT_MAX["name"])
    birth_date: Optional[str] = _text("birth_date")
    phone: Optional[str] = _text("phone")
    language: Optional[str] = _text("language")
    email: Optional[str] = _text("email", "for the confirmation and reminder (needs consent)")
    mobile: Optional[str] = _text("mobile", "for SMS notices (needs consent)")
    consent: Optional[bool | str] = Field(None, description="the visitor agreed to notices")


class NoVisit(_Case):
    """A phone call that needs no visit: documents come by post."""

    service: str = Field(min_length=1, max_length=TEXT_MAX["service"])
    name: Optional[str] = _text("name")
    staff: Optional[str] = _text("staff")


class Rebook(Body):
    starts_at: str = Field(min_length=10, max_length=40)
    staff: Optional[str] = _text("staff")


class OnBehalf(Body):
    """An admin (or an admin's token) calls for a colleague; others leave it out."""

    staff: Optional[str] = _text("staff")


class TicketAction(Body):
    """The fields each action reads: finish → outcome; transfer → service, staff; call → desk, note;
    urgent → reason."""

    outcome: Optional[Literal["done", "by_post", "follow_up"]] = None
    service: Optional[str] = _text("service")
    staff: Optional[str] = _text("staff")
    desk: Optional[str] = Field(None, max_length=40)
    note: Optional[str] = Field(None, max_length=500)
    reason: Optional[str] = Field(None, max_length=500, description="why this walk-in is urgent (logged)")


def validate(model: type[Body], data: Any) -> None:
    """InvalidInput (422, with the first wrong field) when ``data`` does not fit ``model``."""
    try:
        model.model_validate(data)
    except ValidationError as refused:
        first = refused.errors()[0]
        names = [part for part in first["loc"] if isinstance(part, str)]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        # ``field`` names the innermost field (documents, not documents.0), as the routes' own checks do
        raise InvalidInput(f"{where}: {first['msg']}", field=names[-1] if names else "body") from None


def api_body(model: type[Body], *, optional: bool = False) -> Callable:
    """Declare (for the OpenAPI document) and validate the route's JSON body; the route reads it
    with ``web.api.json_body()``. ``optional``: the route also works without a body."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not (optional and not request.get_data()):
                data = json_body()
                validate(model, data)
                g.api_body = data
            return view(*args, **kwargs)

        wrapper.api_body = model
        wrapper.api_body_optional = optional
        return wrapper

    return decorate
