"""Administration (/admin, admin role): staff accounts — list, create, change role or name, reset password,
disable and enable again.

The rest of the office's settings (services, desks, hours, board texts) is configuration for now;
see docs/desk.md for what is left. Every read and change goes through queue_core.accounts.
"""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from queue_core import accounts
from queue_core.clock import from_db
from queue_core.errors import InvalidInput, QueueError
from web.auth import current_user, login_required
from web.engine import get_engine

bp = Blueprint("admin", __name__, url_prefix="/admin")


def staff_rows() -> list[dict]:
    """The accounts with ``disabled_on``: the office-local date an account was disabled, if it is."""
    engine = get_engine()
    found = accounts.list_staff(engine.db)
    for row in found:
        when = from_db(row["disabled_at"])
        row["disabled_on"] = when.astimezone(engine.office.timezone).strftime("%d.%m.%Y") if when else None
    return found


def page(error: str | None = None, form: dict | None = None, saved: str | None = None, status: int = 200):
    engine = get_engine()
    return render_template("admin/index.html", office=engine.office, user=current_user(), staff=staff_rows(),
                           error=error, form=form or {}, saved=saved), status


@bp.get("/")
@login_required(role="admin")
def index():
    return page(saved=request.args.get("saved"))


@bp.post("/staff")
@login_required(role="admin")
def save_staff():
    engine = get_engine()
    form = {k: (request.form.get(k) or "").strip()[:200] for k in ("username", "name", "role")}
    password = request.form.get("password") or ""
    try:
        accounts.add_staff(engine.db, form["username"], name=form["name"] or form["username"], role=form["role"],
                           password=password[:1000], now=engine.now())
    except QueueError as error:
        return page(error.message, form, status=error.status)
    return redirect(url_for("admin.index", saved=form["username"]))


@bp.post("/staff/active")
@login_required(role="admin")
def set_active():
    """Disable an account (its sessions end and its API tokens are revoked) or enable it again.

    The username travels in the form, not the URL, so the route walk of the auth tests needs no sample.
    """
    engine = get_engine()
    username = (request.form.get("username") or "")[:40]
    active = request.form.get("active") == "1"
    try:
        if not active and username == current_user()["username"]:
            raise InvalidInput("you cannot disable the account you are signed in with", field="username")
        accounts.set_active(engine.db, username, active, engine.now())
    except QueueError as error:
        return page(error.message, status=error.status)
    return redirect(url_for("admin.index", saved=username))
