"""Staff pages: sign-in, the desk, phone booking, the appointment slip and its .ics file."""
from __future__ import annotations

from datetime import timedelta

import segno
from flask import (Blueprint, Response, abort, current_app, redirect, render_template, request, session,
                   url_for)
from flask_babel import force_locale, gettext as _

from queue_core import accounts
from queue_core.calendar_file import appointment_ics
from queue_core.codes import format_code
from queue_core.errors import QueueError
from queue_core.needs import NEEDS, offered
from queue_core.schedule import hours_text, wall_clock
from flask_limiter.errors import RateLimitExceeded

from web.auth import (current_user, has_role, login_required, note_failed_sign_in, safe_next, sign_in,
                      sign_in_attempts, sign_out, typed_username)
from web.extensions import retry_after
from web.security import secure_request
from web.engine import get_engine, overridden
from web.i18n import normalise as normalise_language

from . import queries
from .api import book_from, known_id, no_visit_from, rebook_from

bp = Blueprint("desk", __name__)

DEFAULT_DOCUMENTS = ["Personalausweis", "Kontoauszüge der letzten 3 Monate", "Mietvertrag",
                     "Heizkostenabrechnung", "Lohnabrechnungen", "Bescheid (letzter Bewilligungsbescheid)"]
FIELD_MAX = 200


def document_choices() -> list[str]:
    """The documents checklist: as set in /admin, else office config key ``documents`` (TOML list),
    else a default list."""
    configured = (overridden("documents") or current_app.config["OFFICE"].get("documents")
                  or current_app.config.get("DOCUMENTS"))
    if isinstance(configured, list) and all(isinstance(d, str) for d in configured):
        return configured
    return DEFAULT_DOCUMENTS


def chosen_desk() -> str | None:
    desk = session.get("desk")
    return desk if desk in get_engine().office.desks else None


@bp.route("/desk/login", methods=["GET", "POST"])
@sign_in_attempts
def login():
    engine = get_engine()
    office = engine.office
    error = None
    status = 200
    if request.method == "POST":
        from web.auth import csrf

        csrf.protect()
        username = typed_username()
        password = request.form.get("password", "")[:1000]
        desk = request.form.get("desk") or None
        user = accounts.verify_password(engine.db, username, password) if username and password else None
        if user is None:
            note_failed_sign_in()
            error, status = _("Benutzername oder Passwort stimmt nicht."), 401
        elif desk is not None and desk not in office.desks:
            error, status = _("Diesen Platz gibt es nicht."), 422
        else:
            sign_in(user)
            response = redirect(safe_next(request.values.get("next")) or url_for("desk.desk_page"))
            if desk:
                session["desk"] = desk
                remember_desk(response, desk)
            return response
    return _login_page(error, status)


def _login_page(error: str | None, status: int):
    office = get_engine().office
    return render_template("auth/login.html", office=office, error=error,
                           next_url=safe_next(request.values.get("next")), desks=office.desks.values(),
                           remembered_desk=request.cookies.get("tp_desk")), status


@bp.errorhandler(RateLimitExceeded)
def too_many_sign_ins(_error):
    """Too many wrong passwords for this account from this address: a pause (other accounts sign in)."""
    seconds = retry_after()
    response, status = _login_page(_("Zu viele Fehlversuche. Bitte warten Sie einige Minuten."), 429)
    return response, status, {"Retry-After": str(seconds)}


@bp.post("/desk/logout")
@login_required()
def logout():
    sign_out()
    return redirect(url_for("desk.login"))


@bp.get("/desk")
@login_required()
def desk_page():
    engine = get_engine()
    user = current_user()
    desk = chosen_desk()
    if desk:
        try:
            engine.staff_desk(desk, actor=user["username"])  # the report's staffed time starts here
        except QueueError:  # a busy database costs the report a few minutes, never the desk its page
            current_app.logger.warning("desk %s: staffed time not recorded", desk, exc_info=True)
    response = current_app.make_response(render_template(
        "desk/desk.html", office=engine.office, user=user, desk=desk,
        desks=engine.office.desks.values(), services=engine.office.services.values(),
        colleagues=engine.office.staff.values(), is_admin=has_role(user, "admin")))
    return response


@bp.post("/desk/choose")
@login_required()
def choose_desk():
    desk = request.form.get("desk")
    if desk not in get_engine().office.desks:
        abort(422)
    session["desk"] = desk
    return remember_desk(redirect(url_for("desk.desk_page")), desk)


def remember_desk(response, desk: str):
    """Remembered for the next sign-in on this computer (not secret: a room number)."""
    response.set_cookie("tp_desk", desk, max_age=180 * 24 * 3600, samesite="Lax", httponly=True,
                        secure=secure_request())
    return response


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
        if recorded is not None and recorded.state != "by_post":
            recorded = None
    return render_template("desk/booking.html", **booking_context(form=prefill, error=None, no_visit=recorded))


def _booking_form() -> dict:
    form = request.form
    data = {k: form.get(k) for k in ("name", "service", "staff", "starts_at", "concern", "notes",
                                     "phone", "birth_date", "language", "duration_min", "email", "mobile",
                                     "consent")}
    data["documents"] = [d for d in form.getlist("documents") if d.strip()][:30]
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
        error=error.message, error_field=error.details.get("field"))), error.status


@bp.post("/desk/booking/no-visit")
@login_required()
def booking_no_visit():
    """"No visit needed — documents by post": recorded from the booking form, no slot needed."""
    data = _booking_form()
    try:
        recorded = no_visit_from(data, current_user()["username"])
    except QueueError as error:
        return _booking_refused(data, error)
    return redirect(url_for("desk.booking", no_visit=recorded.id))


@bp.post("/desk/booking")
@login_required()
def booking_submit():
    data = _booking_form()
    try:
        appointment = book_from(data, current_user()["username"])
    except QueueError as error:
        return _booking_refused(data, error)
    return redirect(url_for("desk.slip", appointment_id=appointment.id, print=1))


@bp.get("/desk/appointments")
@login_required()
def appointments_page():
    """Today's (or ?date=) appointments of the office: cancel, by post, slip — for rebooking calls."""
    engine = get_engine()
    from datetime import date

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
            rebook_from(appointment_id, {k: request.form.get(k) for k in ("starts_at", "staff")},
                        current_user()["username"])
        except QueueError as refused:
            error = refused.message
        else:
            return redirect(url_for("desk.slip", appointment_id=appointment_id, print=1))
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
