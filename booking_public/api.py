"""The JSON API behind /buchen (public): concerns, free slots, book, and self-service by token.

Same rules as the page (one booking path in online.common); answers carry no personal data
beyond what the visitor sent, and the self-service token is the only key to a booking.
"""
from __future__ import annotations

from typing import Any

from flask import jsonify, request

from queue_core.codes import format_code
from queue_core.models import Appointment
from queue_core.online import ONLINE
from web.api import api_blueprint, error, json_body
from web.config import settings
from web.engine import get_engine
from web.i18n import normalise as normalise_language

from . import common
from .limits import new_bookings


def online_too_many(_exc: Exception):
    """Only new bookings are rate-limited here (booking_public.limits)."""
    return error(429, "rate_limited", "too many bookings from this address; please try later or call")


bp = api_blueprint("booking_api", __name__, rate_limited=online_too_many)


def _language(data: dict[str, Any] | None = None) -> str:
    chosen = (data or {}).get("language") or request.args.get("lang")
    return normalise_language(chosen if isinstance(chosen, str) else None) or "de"


@bp.get("/online/services")
def online_services_api():
    return jsonify({"services": [
        {"key": s.key, "name": s.name, "minutes": s.minutes,
         "by_post": ({"documents": docs, "address": settings().postal_address}
                     if (docs := common.by_post(s.key)) is not None else None)}
        for s in common.online_services()]})


@bp.get("/online/slots")
def online_slots_api():
    slots = common.slots_for(request.args.get("service", ""), request.args.get("surname", "")[:100])
    return jsonify({"slots": [{k: s[k] for k in ("date", "time", "starts_at", "minutes", "value")} for s in slots]})


def _booking(appointment: Appointment, token: str) -> dict[str, Any]:
    lang = appointment.language or "de"
    return {"state": appointment.state, "service": appointment.service, "code": format_code(appointment.code),
            "starts_at": appointment.starts_at.astimezone(get_engine().office.timezone).isoformat(),
            "minutes": appointment.duration_min, "token": token,
            "manage_url": common.public_url("buchen.booking", token=token, lang=lang),
            "ics_url": common.public_url("buchen.ics", token=token, lang=lang)}


@bp.post("/online/bookings")
@new_bookings
def online_book_api():
    data = json_body()
    appointment, contact = common.book(data, _language(data))
    return jsonify({"booking": _booking(appointment, contact.manage_token)}), 201


@bp.get("/online/bookings/<token>")
def online_booking_api(token: str):
    return jsonify({"booking": _booking(get_engine().appointment_by_manage_token(token), token)})


@bp.post("/online/bookings/<token>/cancel")
def online_cancel_api(token: str):
    return jsonify({"booking": _booking(get_engine().cancel_online(token), token)})


@bp.post("/online/bookings/<token>/rebook")
def online_rebook_api(token: str):
    starts_at, staff = common.parse_slot(json_body().get("slot"))
    moved = get_engine().rebook_online(token, starts_at=starts_at, staff=staff, latest=common.horizon())
    return jsonify({"booking": _booking(moved, token)})


@bp.post("/online/no-visit")
def online_no_visit_api():
    """The visitor followed the triage ("documents suffice"): counted as a visit avoided online."""
    service = common.online_service(json_body().get("service"))
    if common.by_post(service.key) is None:
        return error(422, "invalid", "this concern needs a visit", field="service")
    get_engine().record_no_visit(service=service.key, actor=ONLINE)
    return jsonify({"recorded": True, "documents": common.by_post(service.key),
                    "address": settings().postal_address}), 201
