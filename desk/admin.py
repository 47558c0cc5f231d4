"""Administration (/admin, admin role): staff accounts — list, create, change role or name, reset password.

The rest of the office's settings (services, desks, hours, board texts) is configuration for now;
see docs/desk.md for what is left.
"""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from queue_core import accounts
from queue_core.errors import QueueError
from queue_core.store import rows
from web.auth import current_user, login_required
from web.engine import get_engine

bp = Blueprint("admin", __name__, url_prefix="/admin")


def staff_rows():
    # read-only listing; queue_core.accounts has no list function yet
    return rows(get_engine().db, "SELECT username, name, role, active, password_hash IS NOT NULL AS has_password"
                                 " FROM staff ORDER BY username")


@bp.get("/")
@login_required(role="admin")
def index():
    engine = get_engine()
    return render_template("admin/index.html", office=engine.office, user=current_user(), staff=staff_rows(),
                           error=None, form={}, saved=request.args.get("saved"))


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
        return render_template("admin/index.html", office=engine.office, user=current_user(), staff=staff_rows(),
                               error=error.message, form=form, saved=None), error.status
    return redirect(url_for("admin.index", saved=form["username"]))
