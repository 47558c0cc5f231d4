"""The kiosk's JSON API on /api/v1: check-in (code or walk-in), the public ticket status, and the
receipt printer's state for staff."""
from __future__ import annotations

from flask import current_app

from queue_core.errors import InvalidInput, NotFound
from web.api import api_blueprint, error, json_body
from web.auth import login_required
from web.engine import engine_of_ticket, get_engine
from web.errors import BadRequest
from web.schemas import CheckIn, api_body

from . import printer
from .common import check_in_by_code, public_ticket, ticket_status
from .limits import retry_after, wrong_codes

TOKEN_MAX = 64
SERVICE_MAX = 64


def too_many_codes(_error):
    """Only check-in by code is rate-limited here: wrong codes, then a pause (kiosk.limits)."""
    seconds = retry_after()
    return error(429, "too_many_attempts", "too many wrong codes; please wait before trying again",
                 retry_after=seconds)


bp = api_blueprint("kiosk_api", __name__, rate_limited=too_many_codes)


@bp.post("/check-in")
@wrong_codes
@api_body(CheckIn)
def check_in():
    """{"code": ...} or {"walk_in": {"service": ..., "initial": ...}}, optional language, request_id.

    201 with a new ticket; 200 when a repeat (same code or request_id) returns the existing one.
    """
    data = json_body()
    engine = get_engine()
    language = data.get("language")
    request_id = data.get("request_id")
    if language is not None and not isinstance(language, str):
        raise InvalidInput("language must be a short language tag", field="language")
    if "code" in data and "walk_in" not in data:
        result = check_in_by_code(engine, data["code"], language, request_id)
    elif "walk_in" in data and "code" not in data:
        walk_in = data["walk_in"]
        if not isinstance(walk_in, dict):
            raise BadRequest("walk_in must be an object with a service")
        service, initial = walk_in.get("service"), walk_in.get("initial")
        if not isinstance(service, str) or not 0 < len(service) <= SERVICE_MAX:
            raise InvalidInput("name a service", field="service")
        if service not in engine.office.services:
            raise InvalidInput("unknown service", field="service")
        if initial is not None and (not isinstance(initial, str) or len(initial) > 4):
            raise InvalidInput("the initial must be a letter A–Z", field="initial")
        result = engine.walk_in(service, initial=initial, language=language, request_id=request_id)
    else:
        raise BadRequest("send either a code or a walk_in")
    body = {"ticket": public_ticket(engine, result.ticket, result.estimate),
            "late": result.late, "early": result.early,
            # The receipt printer, after the commit: null (none configured, or a repeat),
            # "pending" (it prints in the background) or "failed" (a wrong printer setting).
            # A printer problem never fails or delays the check-in.
            "printer": printer.expect(result)}
    return body, 201 if result.created else 200


@bp.get("/tickets/<token>")
def ticket_status_api(token: str):
    if len(token) > TOKEN_MAX:
        raise NotFound("no such ticket", field="token")
    found = get_engine().ticket_by_token(token)
    return ticket_status(engine_of_ticket(found), found)  # with its own location's office


@bp.get("/printer")
@login_required("staff")
def printer_status():
    """Staff only: is the receipt printer working? (the staff pages' banner polls it)."""
    return printer.status(current_app._get_current_object(), get_engine())


