"""The staff's booking pages: phone booking, "no visit needed", the day's appointments, rebooking,
the appointment slip and its .ics file (blueprint ``booking``, under /desk)."""
from __future__ import annotations

from datetime import date, timedelta

import segno
from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import force_locale

from queue_core.calendar_file import appointment_ics
from queue_core.codes import format_code
from queue_core.errors import QueueError
from queue_core.states import AppointmentState
from queue_core.needs import NEEDS, offered
from queue_core.schedule import hours_text, wall_clock
from web.auth import current_user, login_required
from web.engine import get_engine
from web.errors import status_of
from web.i18n import normalise as normalise_language
from web.schemas import DOCUMENTS_MAX, Booking, NoVisit, Rebook, validate

from .. import queries
from ..routes import FIELD_MAX, document_choices
from .commands import book_from, known_id, no_visit_from, rebook_from

bp = Blueprint("booking", __name__)


def booking_context(**extra):
    engine = get_engine()
    return {"office": engine.office, "user": current_user(), "services": engine.office.services.values(),
            "colleagues": engine.office.staff.values(), "documents": document_choices(),
            "needs_offered": offered(engine.office), "need_labels": queries.need_labels(), **extra}


@bp.get("/desk/booking")
@login_required()
def booking():
    prefill = {k: request.args.get(k, "")[:FIELD_MAX] for k in ("name", "service", "staff", "concern")}
    recorded = None
    raw = request.args.get("no_visit", "")
    if raw.isdigit() and len(raw) < 19:
        try:
            recorded = get_engine().appointment(int(raw))
        except QueueError:
            recorded = None
        if recorded is not None and recorded.state != AppointmentState.BY_POST:
            recorded = None
    return render_template("desk/booking.html", **booking_context(form=prefill, error=None, no_visit=recorded))


def _booking_form() -> dict:
    form = request.form
    data = {k: form.get(k) for k in ("name", "service", "staff", "starts_at", "concern", "notes",
                                     "phone", "birth_date", "language", "duration_min", "email", "mobile",
                                     "consent")}
    data["documents"] = [d for d in form.getlist("documents") if d.strip()][:DOCUMENTS_MAX]
    data["needs"] = form.getlist("needs")[:len(NEEDS)]
    data["interpreter"] = form.get("interpreter")
    extra = (form.get("documents_other") or "").strip()
    if extra:
        data["documents"].append(extra[:FIELD_MAX])
    return data


def _booking_refused(data: dict, error: QueueError):
    """The booking form again with what was typed and ticked, and why it was refused."""
    return render_template("desk/booking.html", **booking_context(
        form={k: (v if isinstance(v, str) else "") for k, v in data.items()}, checked=data["documents"],
        checked_needs=data["needs"],
        error=error.message, error_field=error.details.get("field"))), status_of(error)


def _booking_command(command, model, then):
    """The booking form through ``command`` (validated as ``model``, as the signed-in user), then on
    to ``then(result)``; or the form again with what was typed and why it was refused."""
    data = _booking_form()
    try:
        result = command(validate(model, data), current_user()["username"])
    except QueueError as error:
        return _booking_refused(data, error)
    return redirect(then(result))


@bp.post("/desk/booking/no-visit")
@login_required()
def booking_no_visit():
    """"No visit needed — documents by post": recorded from the booking form, no slot needed."""
    return _booking_command(no_visit_from, NoVisit, lambda recorded: url_for("booking.booking", no_visit=recorded.id))


@bp.post("/desk/booking")
@login_required()
def booking_submit():
    return _booking_command(book_from, Booking,
                            lambda booked: url_for("booking.slip", appointment_id=booked.id, print=1))


@bp.get("/desk/appointments")
@login_required()
def appointments_page():
    """Today's (or ?date=) appointments of the office: cancel, by post, slip — for rebooking calls."""
    engine = get_engine()
    try:
        day = date.fromisoformat(request.args.get("date", "")) if request.args.get("date") else queries.today(engine)
    except ValueError:
        abort(400)
    engine.record_reading(current_user()["username"], "appointments_of_day", date=day.isoformat())
    return render_template("desk/appointments.html", office=engine.office, user=current_user(), day=day,
                           appointments=queries.day_appointments(engine, day),
                           prev_day=day - timedelta(days=1), next_day=day + timedelta(days=1))


@bp.route("/desk/appointments/<int:appointment_id>/rebook", methods=["GET", "POST"])
@login_required()
def rebook(appointment_id: int):
    """A caller moves their appointment: pick a free slot; code and details stay, a new slip prints."""
    engine, appointment = _appointment_for_slip(appointment_id)
    if appointment.state != "booked":
        abort(404)
    error = None
    if request.method == "POST":
        try:
            wanted = validate(Rebook, {k: request.form.get(k) for k in ("starts_at", "staff")})
            rebook_from(appointment_id, wanted, current_user()["username"])
        except QueueError as refused:
            error = refused.message
        else:
            return redirect(url_for("booking.slip", appointment_id=appointment_id, print=1))
    engine.record_reading(current_user()["username"], "appointment", appointment.id)
    return render_template("desk/rebook.html", **booking_context(
        appointment=appointment, when=queries.local_hm(engine, appointment.starts_at),
        day=wall_clock(engine.office, appointment.starts_at, "%d.%m.%Y"),
        error=error)), 422 if error else 200


def _appointment_for_slip(appointment_id: int):
    engine = get_engine()
    try:
        appointment = engine.appointment(known_id(appointment_id, "appointment"))
    except QueueError:
        abort(404)
    return engine, appointment


@bp.get("/desk/appointments/<int:appointment_id>/slip")
@login_required()
def slip(appointment_id: int):
    """The printable appointment slip for the caller (visitor-facing)."""
    engine, appointment = _appointment_for_slip(appointment_id)
    engine.record_reading(current_user()["username"], "slip", appointment_id)
    local = appointment.starts_at.astimezone(engine.office.timezone)
    qr_uri = segno.make(f"CODE:{appointment.code}", error="m").svg_data_uri(scale=6, border=2)
    caseworker = engine.office.staff.get(appointment.staff) if appointment.staff else None
    # The slip is the caller's: in the language recorded at booking (German when none).
    slip_lang = normalise_language(appointment.language) or "de"
    with force_locale(slip_lang):
        return render_template("desk/slip.html", office=engine.office, appointment=appointment, local=local,
                               code=format_code(appointment.code), qr_uri=qr_uri, caseworker=caseworker,
                               service=engine.office.services.get(appointment.service),
                               hours=hours_text(engine.office), auto_print=request.args.get("print") == "1",
                               slip_lang=slip_lang)


@bp.get("/desk/appointments/<int:appointment_id>.ics")
@login_required()
def ics(appointment_id: int):
    """The appointment as an iCalendar file (no personal data beyond what the caller knows)."""
    engine, appointment = _appointment_for_slip(appointment_id)
    office = engine.office
    service = office.services.get(appointment.service)
    lines = [f"Termincode: {format_code(appointment.code)}",
             "Bitte am Eingang am Terminal mit dem Code oder QR-Code anmelden."]
    if appointment.documents:
        lines.append("Bitte mitbringen: " + ", ".join(appointment.documents))
    if office.phone:
        lines.append(f"Absagen oder verlegen: {office.phone}")
    data = appointment_ics(office, appointment, engine.now(),
                           f"Termin: {office.name} – {service.name if service else appointment.service}", lines)
    return Response(data, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="termin-{appointment.id}.ics"'})
