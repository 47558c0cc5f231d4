"""Locations in /admin (add, rename, deactivate; who works where) and the staff's way between them.

Every page of a location is its own URL (``/standort/<slug>/…``, web.locations), so the desk,
/admin and /reports of a location are the pages of the first one under that prefix. Here: the
list of locations for the admin, the locations each account may work at, and the rule that a
caseworker uses the desk pages only at those (an admin works everywhere).
"""
from __future__ import annotations

from typing import Any

from flask import Flask, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from queue_core import accounts, locations
from queue_core.errors import QueueError
from web.auth import current_user, has_role, login_required
from web.engine import current_location, get_engine, registry
from web.errors import status_of
from web.locations import location_path

from .admin import bp


def _registry() -> locations.Registry:
    return registry(current_app._get_current_object(), get_engine().db)


def workplaces(user: dict[str, Any] | None) -> list[dict[str, str]]:
    """The active locations ``user`` may work at, each with its desk page's address (for the topbar)."""
    if user is None:
        return []
    found = _registry()
    allowed = locations.staff_locations(get_engine().db, user["username"])
    admin = has_role(user, "admin")
    return [{"slug": place.slug, "name": place.name, "prefix": location_path(place.slug, found.primary)}
            for place in found.active() if admin or not allowed or place.slug in allowed]


def _page(error: str | None = None, status: int = 200, typed: dict[str, str] | None = None):
    engine = get_engine()
    found = _registry()
    staff = accounts.list_staff(engine.db)
    for row in staff:
        row["locations"] = locations.staff_locations(engine.db, row["username"])
    places = [{"place": place, "prefix": location_path(place.slug, found.primary),
               "office": found.offices[place.slug]} for place in found.locations.values()]
    return render_template("admin/locations.html", office=engine.office, user=current_user(), places=places,
                           staff=staff, error=error, typed=typed or {}, saved=request.args.get("saved"),
                           slug_max=30, name_max=locations.NAME_MAX), status


@bp.get("/locations")
@login_required(role="admin")
def locations_page():
    """Every location with its addresses; forms to add, rename, deactivate and assign staff."""
    return _page()


@bp.post("/locations")
@login_required(role="admin")
def add_location():
    typed = {k: (request.form.get(k) or "").strip()[:100] for k in ("slug", "name")}
    try:
        get_engine().add_location(typed["slug"], typed["name"], config=current_app.config["OFFICE"],
                                  actor=current_user()["username"])
    except QueueError as error:
        return _page(error.message, status_of(error), typed)
    return redirect(url_for("admin.locations_page", saved=typed["slug"]))


@bp.post("/locations/change")
@login_required(role="admin")
def change_location():
    """Rename (``name``) or (de)activate (``active`` = 1/0) the location ``slug``."""
    slug = (request.form.get("slug") or "")[:40]
    name = request.form.get("name")
    active = request.form.get("active")
    try:
        get_engine().change_location(slug, config=current_app.config["OFFICE"], actor=current_user()["username"],
                                     name=None if name is None else name[:200],
                                     active=None if active is None else active == "1")
    except QueueError as error:
        return _page(error.message, status_of(error))
    return redirect(url_for("admin.locations_page", saved=slug))


@bp.post("/locations/staff")
@login_required(role="admin")
def staff_locations():
    """Where one account may work: the ticked locations (none ticked: everywhere)."""
    username = (request.form.get("username") or "")[:40]
    chosen = [slug[:40] for slug in request.form.getlist("locations")][:100]
    try:
        get_engine().set_staff_locations(username, chosen, config=current_app.config["OFFICE"],
                                         actor=current_user()["username"])
    except QueueError as error:
        return _page(error.message, status_of(error))
    return redirect(url_for("admin.locations_page", saved=username) + "#staff")


def init_app(app: Flask) -> None:
    """Staff pages and the staff API only at the locations the account may work at; the topbar's list."""

    @app.before_request
    def only_where_allowed():
        view = app.view_functions.get(request.endpoint or "")
        if getattr(view, "required_role", None) != "staff":
            return None
        user = current_user()
        if user is None or has_role(user, "admin"):
            return None
        slug = current_location() or _registry().primary
        if locations.may_work_at(get_engine().db, user["username"], slug):
            return None
        message = _("Dieses Konto arbeitet nicht an diesem Standort.")
        if request.path.startswith("/api/"):
            return jsonify({"error": {"code": "forbidden", "message": message}}), 403
        abort(403, description=message)

    @app.context_processor
    def staff_workplaces() -> dict[str, Any]:
        return {"workplaces": workplaces}
