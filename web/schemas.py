"""The JSON bodies of API v1, declared once: these pydantic models validate every body (``api_body``)
and their JSON Schema is what /api/v1/openapi.json documents.

The models check the shape (types, lengths, required fields); what depends on the office (does the
service exist, is the slot free) is checked afterwards by the routes and the engine. The staff's
booking forms are validated by the same models (``validate`` returns the parsed body), so texts
arrive stripped, and an empty form field counts as not given.
"""
from __future__ import annotations

import functools
from typing import Annotated, Any, Callable, Literal, Optional, TypeVar

from flask import g, request
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, ValidationError

from queue_core.errors import InvalidInput
from queue_core.models import APPOINTMENT_MINUTES
from queue_core.slots import DEFAULT_STEP_MIN, MAX_DAYS

from .api import json_body  # the strict parsing (depth, numbers, surrogates) lives there

# The longest text of each field the API and the staff forms accept.
TEXT_MAX = {"name": 200, "birth_date": 10, "phone": 50, "concern": 500, "notes": 2000, "language": 16,
            "service": 64, "staff": 40, "initial": 4, "email": 254, "mobile": 30}
DOCUMENTS_MAX = 30
DOCUMENT_MAX = 200  # one entry of the documents checklist


def _blank_is_none(value: Any) -> Any:
    """A form sends "" for a field left empty: that is a field not given."""
    return None if isinstance(value, str) and not value.strip() else value


def _no_bool(value: Any) -> Any:
    """pydantic reads true as 1; a count or a duration never is a yes/no."""
    if isinstance(value, bool):
        raise ValueError("must be a whole number")
    return value


def _text(key: str, description: str = "") -> Any:
    return Field(None, max_length=TEXT_MAX.get(key, 200), description=description or None)


def required(limit: int) -> Any:
    """A text that must be there: stripped, not blank, at most ``limit`` characters."""
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=limit)]


def optional(limit: int) -> Any:
    """A text that may be left out: stripped, blank counts as not given (None)."""
    return Annotated[Optional[Annotated[str, StringConstraints(strip_whitespace=True, max_length=limit)]],
                     BeforeValidator(_blank_is_none)]


def whole(low: int, high: int, *, blank: bool = False) -> Any:
    """A whole number from ``low`` to ``high`` (also as text, "30"); ``blank``: may be left out."""
    number = Annotated[int, Field(ge=low, le=high), BeforeValidator(_no_bool)]
    return Annotated[Optional[number], BeforeValidator(_blank_is_none)] if blank else number


Minutes = whole(*APPOINTMENT_MINUTES, blank=True)
Documents = Optional[list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                           max_length=DOCUMENT_MAX)]]]


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


StartsAt = Annotated[str, StringConstraints(min_length=10, max_length=40)]


class _Case(Body):
    """What staff note about a caller's case, the same in a booking and in a call that needs no visit."""

    concern: optional(TEXT_MAX["concern"]) = None
    notes: optional(TEXT_MAX["notes"]) = None
    documents: Documents = Field(None, max_length=DOCUMENTS_MAX)


class Booking(_Case):
    """A phone booking (the staff API and the booking form)."""

    service: required(TEXT_MAX["service"]) = Field(description="a service key of the office")
    starts_at: StartsAt = Field(description="ISO 8601; without offset: office time")
    staff: optional(TEXT_MAX["staff"]) = Field(
        None, description="a caseworker's username (default: the one for the service and letter)")
    duration_min: Minutes = Field(None, description="minutes, %d–%d (default: the service's)" % APPOINTMENT_MINUTES)
    name: required(TEXT_MAX["name"])
    birth_date: optional(TEXT_MAX["birth_date"]) = None
    phone: optional(TEXT_MAX["phone"]) = None
    language: optional(TEXT_MAX["language"]) = None
    email: optional(TEXT_MAX["email"]) = Field(None, description="for the confirmation and reminder (needs consent)")
    mobile: optional(TEXT_MAX["mobile"]) = Field(None, description="for SMS notices (needs consent)")
    consent: Optional[bool | str] = Field(None, description="the visitor agreed to notices (true, \"1\" or \"on\")")
    needs: Optional[list[str] | str] = Field(None, description="room needs (queue_core.needs), a list or \"a,b\"")
    interpreter: optional(200) = Field(None, description="the language an interpreter is needed for")

    @property
    def consented(self) -> bool:
        return self.consent in (True, "1", "on")


class NoVisit(_Case):
    """A phone call that needs no visit: documents come by post."""

    service: required(TEXT_MAX["service"])
    name: optional(TEXT_MAX["name"]) = None
    staff: optional(TEXT_MAX["staff"]) = None


class Rebook(Body):
    starts_at: StartsAt
    staff: optional(TEXT_MAX["staff"]) = None


class SlotQuery(Body):
    """``GET /api/v1/slots``'s query: free slots of a service."""

    service: required(TEXT_MAX["service"])
    days: whole(1, MAX_DAYS) = 7
    step: whole(5, 240) = DEFAULT_STEP_MIN
    limit: whole(1, 2000) = 500
    duration_min: Minutes = None
    initial: optional(40) = None
    letter: optional(40) = Field(None, description="the surname as typed; its first letter is folded (Ä→A) when no initial is given")
    staff: optional(TEXT_MAX["staff"]) = None


class OnBehalf(Body):
    """An admin (or an admin's token) calls for a colleague; others leave it out."""

    staff: Optional[str] = _text("staff")


class TicketAction(Body):
    """The fields each action reads: finish → outcome; transfer → service, staff; call → desk, note;
    urgent → reason."""

    outcome: Optional[Literal["done", "by_post", "follow_up"]] = None
    service: optional(TEXT_MAX["service"]) = None
    staff: optional(TEXT_MAX["staff"]) = None
    desk: optional(40) = None
    note: Optional[str] = Field(None, max_length=500)
    reason: Optional[str] = Field(None, max_length=500, description="why this walk-in is urgent (logged)")


B = TypeVar("B", bound=Body)


def validate(model: type[B], data: Any) -> B:
    """``data`` parsed as ``model``; InvalidInput (422, with the first wrong field) when it does not fit."""
    try:
        return model.model_validate(data)
    except ValidationError as refused:
        first = refused.errors()[0]
        names = [part for part in first["loc"] if isinstance(part, str)]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        blank = first["type"] == "missing" or (first["type"] == "string_too_short" and not str(first["input"]).strip())
        message = f"{where} is required" if blank else f"{where}: {first['msg']}"
        # ``field`` names the innermost field (documents, not documents.0), as the routes' own checks do
        raise InvalidInput(message, field=names[-1] if names else "body") from None


def body(model: type[B]) -> B:
    """The route's JSON body as ``model`` (parsed once by ``api_body``); {} when it sent none."""
    parsed = g.get("api_model")
    if isinstance(parsed, model):
        return parsed
    return validate(model, json_body() if request.get_data() else {})


def api_body(model: type[Body], *, optional: bool = False) -> Callable:
    """Declare (for the OpenAPI document) and validate the route's JSON body; the route reads it
    with ``web.api.json_body()``. ``optional``: the route also works without a body."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not (optional and not request.get_data()):
                data = json_body()
                g.api_model = validate(model, data)
                g.api_body = data
            return view(*args, **kwargs)

        wrapper.api_body = model
        wrapper.api_body_optional = optional
        return wrapper

    return decorate
