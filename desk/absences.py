"""Absences (/desk/absences): mark a caseworker absent, see at once what happened to their
appointments, and work through the call list of those no colleague could take.

Caseworkers mark themselves; admins anyone. The engine command (queue_core.absences) does the
moving; this page only reads its result. The call list shows names and phone numbers (to phone
the visitors), so every view of it is recorded in the access log.
"""
from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from queue_core import absences
from queue_core.clock import from_db
from queue_core.errors import InvalidInput, NotFound, QueueError
from queue_core.schedule import wall_clock
from web.auth import current_user, has_role, login_required
from web.engine import get_engine
from web.errors import status_of

from . import queries

bp = Blueprint("absences", __name__)


def _day(name: str, required: bool = False) -> date | None:
    text = (request.form.get(name) or "").strip()
    if not text:
        if required:
            raise InvalidInput(_("Bitte den ersten Tag der Abwesenheit angeben."), field=name)
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(_("Bitte ein Datum angeben (TT.MM.JJJJ)."), field=name) from None


def _time(name: str) -> time | None:
    text = (request.form.get(name) or "").strip()
    if not text:
        return None
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise InvalidInput(_("Bitte eine Uhrzeit angeben (HH:MM)."), field=name) from None


def markable(user: dict[str, Any]) -> list:
    """Whom this user may mark absent: admins everyone, a caseworker only themselves."""
    staff = get_engine().office.staff
    if has_role(user, "admin"):
        return list(staff.values())
    return [staff[user["username"]]] if user["username"] in staff else []


def appointment_rows(appointment_ids: list[int], to_staff: dict[int, str | None]) -> list[dict[str, Any]]:
    engine = get_engine()
    rows = []
    for appointment_id in appointment_ids:
        row = queries.appointment_json(engine, engine.appointment(appointment_id))
        row["to_staff"] = to_staff.get(appointment_id)
        rows.append(row)
    return rows


def page(error: str | None = None, status: int = 200):
    engine = get_engine()
    user = current_user()
    now = engine.now()
    upcoming = absences.costs(engine.db, engine.office.location, now, now + timedelta(days=absences.MAX_DAYS))
    for row in upcoming:
        row["from"] = wall_clock(engine.office, from_db(row["starts_at"]), "%d.%m.%Y %H:%M")
        row["to"] = wall_clock(engine.office, from_db(row["ends_at"]), "%d.%m.%Y %H:%M")
    to_call = [entry["appointment_id"] for entry in absences.call_list(engine.db, engine.office.location)]
    shown, moves = request.args.get("shown", type=int), []
    if shown:
        found = absences.moves_of(engine.db, shown)
        moves = appointment_rows([m["appointment_id"] for m in found], {m["appointment_id"]: m["to_staff"] for m in found})
    if to_call or moves:
        engine.record_reading(user["username"], "absence_call_list", absence=shown)
    names = {c.username: c.name for c in engine.office.staff.values()}
    return render_template("desk/absences.html", office=engine.office, user=user, error=error,
                           caseworkers=markable(user), absences=upcoming, names=names,
                           call_list=appointment_rows(to_call, {}), moves=moves, shown=shown,
                           form=request.form, today=queries.today(engine).isoformat()), status


@bp.get("/desk/absences")
@login_required()
def absences_page():
    return page()


@bp.post("/desk/absences")
@login_required()
def mark():
    engine = get_engine()
    user = current_user()
    staff = request.form.get("staff", "")
    try:
        if staff not in {c.username for c in markable(user)}:
            raise InvalidInput(_("Sie können nur sich selbst abwesend melden."), field="staff")
        first = _day("first", required=True)
        start, end = absences.absence_span(engine.office, first, _day("last"), _time("from_time"), _time("to_time"))
        result = engine.mark_absent(staff, start, end, actor=user["username"])
    except (InvalidInput, NotFound) as refused:
        return page(refused.message, 422)
    except QueueError as refused:
        return page(refused.message, status_of(refused))
    return redirect(url_for("absences.absences_page", shown=result.absence_id))
