"""The kiosk's pages: start screen, appointment code, walk-in, ticket, phone status page, info."""
from __future__ import annotations

import uuid

import segno
from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_limiter.errors import RateLimitExceeded

from queue_core.errors import IntakeClosed, InvalidInput, QueueError, TooEarly, UnknownCode
from queue_core.clock import from_db
from queue_core.schedule import hours_text, next_opening
from web.config import settings
from web.devices import version
from web.engine import engine_of_ticket, get_engine, office
from web.found import or_404
from web.i18n import ltr

from . import info, needs_step, printer
from .common import (check_in_by_code, current_language, hours_rows, local_date, local_time, status_url,
                     ticket_status, wait_text)
from .limits import retry_after, wrong_codes

bp = Blueprint("kiosk", __name__)

TOKEN_MAX = 64
SERVICE_MAX = 64
ICONS = {"erstantrag": "new", "weiterbewilligung": "renew", "unterlagen": "documents", "notfall": "urgent"}


@bp.app_context_processor
def kiosk_context():
    return {"idle_seconds": settings().kiosk_idle_seconds, "app_version": version(),
            "office_logo": settings().office_logo,
            "office_timezone": office().timezone.key}


def _page(template: str, http_status: int = 200, **context):
    engine = get_engine()
    context.setdefault("phone", engine.office.phone)
    context["phone_bdi"] = ltr(context["phone"])
    return render_template(template, office=engine.office, **context), http_status


@bp.get("/")
def start():
    """The start screen; it offers "without appointment" only while a walk-in would be taken."""
    engine = get_engine()
    refused = engine.walk_ins_refused()
    upcoming = next_opening(engine.office, engine.now()) if refused else None
    return _page("kiosk/start.html", refused=refused,
                 next_opening=_opening_text(engine, upcoming.start if upcoming and upcoming.start > engine.now() else None))


def _opening_text(engine, upcoming) -> dict[str, str] | None:
    if upcoming is None:
        return None
    local = upcoming.astimezone(engine.office.timezone)
    return {"day": local_date(engine, upcoming), "time": local.strftime("%H:%M")}


@bp.get("/termin")
def code_form():
    return _page("kiosk/code.html")


@bp.post("/termin")
@wrong_codes
def code_submit():
    engine = get_engine()
    try:
        result = check_in_by_code(engine, request.form.get("code"), current_language(), None)
    except UnknownCode:  # the typed code stays, so the visitor can compare it with the slip
        return _page("kiosk/code.html", unknown=True, typed=(request.form.get("code") or "")[:40])
    except TooEarly as refusal:
        come_back = from_db(refusal.details["come_back_at"])
        starts = from_db(refusal.details["starts_at"])
        return _page("kiosk/too_early.html", come_back_at=local_time(engine, come_back),
                     starts_at=local_time(engine, starts))
    except IntakeClosed as refusal:
        return _refusal(refusal)
    printer.expect(result)
    return redirect(url_for("kiosk.ticket", token=result.ticket.token, fresh=1,
                            late=1 if result.late else None))


@bp.get("/ohne-termin")
def walk_in_services():
    engine = get_engine()
    services = [s for s in engine.office.services.values() if s.walk_in]
    return _page("kiosk/services.html", services=services, icons=ICONS,
                 letters=engine.office.uses_letters(), request_id=uuid.uuid4().hex)


@bp.get("/ohne-termin/<service>")
def walk_in_letter(service: str):
    engine = get_engine()
    svc = engine.office.services.get(service[:SERVICE_MAX])
    if svc is None or not svc.walk_in:
        return redirect(url_for("kiosk.walk_in_services"))
    if not engine.office.uses_letters():
        return _page("kiosk/services.html", services=[svc], icons=ICONS, letters=False,
                     request_id=uuid.uuid4().hex)
    return _page("kiosk/letters.html", service=svc, request_id=uuid.uuid4().hex,
                 alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ")


@bp.post("/ohne-termin")
def walk_in_submit():
    engine = get_engine()
    service = request.form.get("service", "")[:SERVICE_MAX]
    initial = request.form.get("initial", "")[:4] or None
    request_id = request.form.get("request_id", "")[:100] or None
    if service not in engine.office.services:
        return redirect(url_for("kiosk.walk_in_services"))
    offer = needs_step.offer(engine.office, current_language())
    try:
        if offer and request.form.get("needs_step") != "1" and not engine.walk_in_refusal(service, initial):
            # The optional last step (skipped when the walk-in would be refused anyway).
            return _page("kiosk/needs.html", service=service, initial=initial or "", request_id=request_id or "",
                         offer=offer, language_name=needs_step.language_name(current_language(), current_language()))
        stated, interpreter = needs_step.chosen(request.form, offer, current_language())
        result = engine.walk_in(service, initial=initial, language=current_language(), request_id=request_id,
                                needs=stated, interpreter=interpreter)
    except IntakeClosed as refusal:
        return _refusal(refusal)
    except InvalidInput:
        return redirect(url_for("kiosk.walk_in_services"))
    printer.expect(result)
    return redirect(url_for("kiosk.ticket", token=result.ticket.token, fresh=1))


def _refusal(refusal: IntakeClosed):
    engine = get_engine()
    details = refusal.details
    upcoming = from_db(details.get("next_opening")) if details.get("next_opening") else None
    return _page("kiosk/refused.html", reason=details.get("reason", "closed"),
                 hours=hours_rows(details.get("hours") or hours_text(engine.office)),
                 phone=details.get("phone") or engine.office.phone, next_opening=_opening_text(engine, upcoming))


def _ticket_or_404(token: str):
    return or_404(get_engine().ticket_by_token, token, TOKEN_MAX)


@bp.get("/ticket/<token>")
def ticket(token: str):
    engine = get_engine()
    found = _ticket_or_404(token)
    status = ticket_status(engine, found)
    url = status_url(found.token)
    qr = segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#000", light="#fff",
                                               omitsize=False)
    fresh = request.args.get("fresh") == "1"
    # How the receipt printer is doing with this check-in (printed | failed | pending), else None.
    printed = printer.outcome(current_app._get_current_object(), found.id) if fresh else None
    # The browser prints too only when no receipt printer is printing this ticket.
    auto_print = (settings().kiosk_auto_print and fresh
                  and printed in (None, printer.FAILED))
    return _page("kiosk/ticket.html", ticket=found, room_bdi=ltr(status["room"]), status=status, wait=wait_text(status["wait_range"]),
                 qr=qr, status_url=url, late=request.args.get("late") == "1",
                 issued_date=local_date(engine, found.created_at), issued_time=local_time(engine, found.created_at),
                 auto_print=auto_print, printed=printed,
                 ticket_seconds=settings().kiosk_ticket_seconds)


@bp.get("/t/<token>")
def phone(token: str):
    found = _ticket_or_404(token)
    engine = engine_of_ticket(found)  # the ticket's own location, whichever address the QR had
    status = ticket_status(engine, found)
    return _page("kiosk/phone.html", ticket=found, status=status, wait=wait_text(status["wait_range"]),
                 room_bdi=ltr(status["room"]))


@bp.get("/info/<page>")
def info_page(page: str):
    content = info.load(page, current_language())
    if content is None:
        abort(404)
    return _page("kiosk/info.html", content=content, page=page)


@bp.errorhandler(RateLimitExceeded)
def paused(_error):
    return _page("kiosk/paused.html", 429, seconds=retry_after())


@bp.errorhandler(404)
def not_found(_error):
    return _page("kiosk/not_found.html", 404)


@bp.errorhandler(QueueError)
def queue_error(_error):  # anything the engine refuses that the pages above did not expect
    return _page("kiosk/not_found.html", 400)
