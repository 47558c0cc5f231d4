"""The public booking pages at /buchen: concern → triage → surname → free slot and data → code.

Plain HTML forms, no script needed: they work on an old phone, with a screen reader and under a
strict CSP. The self-service pages are reached only by the unguessable token in the visitor's link.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import format_date, get_locale
from flask_limiter.errors import RateLimitExceeded

from queue_core.codes import format_code
from queue_core.errors import InvalidTransition, QueueError
from queue_core.online import ONLINE
from queue_core.states import AppointmentState
from web.config import settings
from web.engine import get_engine
from web.errors import status_of
from web.found import or_404

from . import common
from .limits import new_bookings

bp = Blueprint("buchen", __name__, url_prefix="/buchen")


def language() -> str:
    return str(get_locale() or "de")


def _page(template: str, status: int = 200, **context: Any):
    return render_template(template, office=get_engine().office, postal_address=settings().postal_address,
                           **context), status


@bp.before_request
def online_booking_enabled():
    if not settings().online_booking:
        abort(404)


@bp.get("/")
def start():
    return _page("buchen/start.html", services=common.online_services())


def _service_or_404(key: str):
    try:
        return common.online_service(key)
    except QueueError:
        abort(404)


@bp.get("/<service>")
def concern(service: str):
    chosen = _service_or_404(service)
    documents = common.by_post(chosen.key)
    if documents is not None and request.args.get("book") != "1":
        return _page("buchen/triage.html", service=chosen, documents=documents)
    surname = request.args.get("surname", "").strip()[:100]
    if not surname:
        return _page("buchen/surname.html", service=chosen)
    try:
        common.initial_of(surname)
    except QueueError:
        return _page("buchen/surname.html", 422, service=chosen, surname=surname, latin=True)
    return _slots_page(chosen, {"surname": surname})


def _slots_page(service, form: dict[str, Any], error: QueueError | None = None, status: int = 200):
    try:
        slots = common.slots_for(service.key, form.get("surname"))
    except QueueError:  # a surname in another script: ask for it in Latin letters
        return _page("buchen/surname.html", 422, service=service, surname=form.get("surname"), latin=True)
    return _page("buchen/slots.html", status, service=service, days=_by_day(slots), form=form,
                 error=error and error.code, error_field=error and error.details.get("field"),
                 limit=error and error.details.get("limit"))


def _by_day(slots: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Slots grouped under their day, spelled out in the visitor's language."""
    days: dict[str, list[dict[str, Any]]] = {}
    for slot in slots:
        days.setdefault(slot["date"], []).append(slot)
    return [(format_date(date.fromisoformat(day), "full"), found) for day, found in days.items()]


@bp.post("/<service>")
@new_bookings
def book(service: str):
    chosen = _service_or_404(service)
    form = {k: request.form.get(k, "")[:254] for k in ("surname", "first_name", "email", "mobile", "slot", "consent")}
    try:
        appointment, contact = common.book({**form, "service": chosen.key}, language())
    except QueueError as error:
        return _slots_page(chosen, form, error, status_of(error))
    return redirect(url_for("buchen.booking", token=contact.manage_token, lang=language(), neu=1))


@bp.post("/<service>/per-post")
def send_by_post(service: str):
    """The visitor follows the triage: no visit, the documents go by post (counted as avoided)."""
    chosen = _service_or_404(service)
    if common.by_post(chosen.key) is None:
        abort(404)
    get_engine().record_no_visit(service=chosen.key, actor=ONLINE)
    return _page("buchen/by_post.html", service=chosen, documents=common.by_post(chosen.key))


def _booking_or_404(token: str):
    return or_404(get_engine().appointment_by_manage_token, token)


@bp.get("/termin/<token>")
def booking(token: str):
    appointment = _booking_or_404(token)
    office = get_engine().office
    return _page("buchen/booking.html", appointment=appointment, token=token, code=format_code(appointment.code),
                 when=common.when(appointment), service=office.services.get(appointment.service),
                 qr_uri=common.qr_data_uri(appointment), fresh=request.args.get("neu") == "1",
                 link=common.public_url("buchen.booking", token=token, lang=language()))


@bp.get("/termin/<token>.ics")
def ics(token: str):
    appointment = _booking_or_404(token)
    data = common.ics_bytes(appointment, common.public_url("buchen.booking", token=token, lang=language()))
    return Response(data, mimetype="text/calendar",
                    headers={"Content-Disposition": 'attachment; filename="termin.ics"'})


@bp.post("/termin/<token>/absagen")
def cancel(token: str):
    _booking_or_404(token)
    try:
        get_engine().cancel_online(token)
    except InvalidTransition:
        pass  # cancelled twice (a double tap) or already over: the page shows the state
    return redirect(url_for("buchen.booking", token=token, lang=language()))


@bp.route("/termin/<token>/verlegen", methods=["GET", "POST"])
def rebook(token: str):
    appointment = _booking_or_404(token)
    office = get_engine().office
    service = office.services.get(appointment.service)
    if appointment.state != AppointmentState.BOOKED or service is None:
        return redirect(url_for("buchen.booking", token=token, lang=language()))
    surname = (appointment.name or "").split(",")[0]
    error = None
    if request.method == "POST":
        try:
            starts_at, staff = common.parse_slot(request.form.get("slot"))
            get_engine().rebook_online(token, starts_at=starts_at, staff=staff, latest=common.horizon())
        except QueueError as refused:
            error = refused
        else:
            return redirect(url_for("buchen.booking", token=token, lang=language()))
    return _page("buchen/rebook.html", 422 if error else 200, service=service, token=token,
                 days=_by_day(common.slots_for(service.key, surname)), when=common.when(appointment),
                 error=error and error.code)


@bp.errorhandler(RateLimitExceeded)
def too_many(_error):
    return _page("buchen/message.html", 429, message="too_many")


@bp.errorhandler(404)
def not_found(_error):
    return _page("buchen/message.html", 404, message="not_found")


@bp.errorhandler(QueueError)
def refused(_error):
    return _page("buchen/message.html", 400, message="refused")
