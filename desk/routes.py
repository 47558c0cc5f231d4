"""Staff pages: sign-in and the desk; the documents checklist the booking and /admin pages offer."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded

from queue_core import accounts

from web.auth import (csrf, current_user, has_role, login_required, note_failed_sign_in, safe_next, sign_in,
                      sign_in_attempts, sign_out, typed_username)
from web.extensions import retry_after
from web.security import secure_request
from web.engine import get_engine

bp = Blueprint("desk", __name__)

FIELD_MAX = 200


def document_choices() -> list[str]:
    """The documents checklist: the office's ``documents`` (as set in /admin, else as configured)."""
    return list(get_engine().office.documents)


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
