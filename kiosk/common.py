"""What the kiosk's pages, API and socket share: the public ticket status and its wording.

Public payloads carry ticket number, state, position, times and rooms only: never a name,
birth date, phone number, concern or note (tests walk every public route and event for it).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import request, url_for
from flask_babel import get_locale, gettext as _

from queue_core import Engine
from queue_core.errors import UnknownCode
from queue_core.estimate import shown_range
from queue_core.models import CheckIn, Estimate, Ticket
from queue_core.schedule import wall_clock
from queue_core.states import CALLED_STATES, TicketState

from web.config import settings
from web.i18n import current_language, day_names, hours_rows  # noqa: F401  (the kiosk's pages use them)

from .limits import mark_wrong_code

WAITING_STATES = (TicketState.WAITING,)
CODE_INPUT_MAX = 200  # a scanner may type a URL; anything longer is not a code


def wait_range(estimate: Estimate | None) -> tuple[int, int] | None:
    """The estimate's calibrated range as every surface shows it (queue_core.estimate)."""
    return None if estimate is None else shown_range(estimate)


def local_time(engine: Engine, when: datetime | None) -> str | None:
    return wall_clock(engine.office, when)


def local_date(engine: Engine, when: datetime) -> str:
    return wall_clock(engine.office, when, "%d.%m.%Y")


def ticket_status(engine: Engine, ticket: Ticket, estimate: Estimate | None = None) -> dict[str, Any]:
    """The public status of one ticket (API, phone page, /ticket events)."""
    waiting = ticket.state in WAITING_STATES
    if waiting and estimate is None:
        estimate = engine.outlook(ticket)
    called = ticket.state in CALLED_STATES
    return {
        "number": ticket.number,
        "kind": ticket.kind,
        "state": ticket.state,
        "position": estimate.position if waiting else None,
        "estimated_wait_min": estimate.minutes if waiting else None,
        "wait_range": list(wait_range(estimate)) if waiting else None,
        "appointment_time": local_time(engine, ticket.appointment_start),
        "room": engine.room_of(ticket.desk) if called else None,
        "called_at": local_time(engine, ticket.called_at) if called else None,
    }


def public_ticket(engine: Engine, ticket: Ticket, estimate: Estimate | None = None) -> dict[str, Any]:
    """The API's ticket object: the status plus id and token (the visitor's own handle)."""
    return {"id": ticket.id, "token": ticket.token, **ticket_status(engine, ticket, estimate)}


def wait_text(span: list[int] | tuple[int, int] | None) -> str:
    """A status's ``wait_range`` in words."""
    if span is None:
        return ""
    if span[1] <= 5:
        return _("in a few minutes")
    return _("about %(low)s–%(high)s minutes", low=span[0], high=span[1])


def status_url(token: str) -> str:
    """Absolute address of the phone status page (KIOSK_PUBLIC_URL when phones use another host)."""
    base = settings().kiosk_public_url or request.host_url
    path = url_for("kiosk.phone", token=token, lang=current_language())
    return base.rstrip("/") + path


def extract_code(typed: Any) -> str | None:
    """What a keypad or a USB scanner typed → candidate code text, or None when it cannot be one.

    A scanner may read a URL or 'CODE:K7M4QXZ9' from the appointment slip's QR: take the part
    after the last '/', '=' or ':'.
    """
    if not isinstance(typed, str) or not typed or len(typed) > CODE_INPUT_MAX:
        return None
    for separator in "/=:":
        if separator in typed:
            typed = typed.rstrip(separator).rsplit(separator, 1)[-1]
    return typed


def check_in_by_code(engine: Engine, typed: Any, language: str | None, request_id: str | None) -> CheckIn:
    """Check in with what a visitor or a scanner typed (touch form and API alike); every unknown
    code counts towards the wrong-code pause."""
    code = extract_code(typed)
    try:
        if code is None:
            raise UnknownCode("unknown appointment code")
        return engine.check_in(code, language=language, request_id=request_id)
    except UnknownCode:
        mark_wrong_code()
        raise
