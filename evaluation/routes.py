"""/reports/vorher-nachher (admin): waits, punctuality, no-shows, visits avoided, climate and incidents
before and after the day a change took effect, with the numbers behind; printable and as CSV.
And ``POST /api/v1/climate`` (staff): the desk's note on the visit just served, one part per tap.
"""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from flask import Blueprint, Response, jsonify, render_template, request

from queue_core.before_after import compare
from queue_core.errors import InvalidInput
from queue_core.facts import parse_day
from queue_core.schedule import local_day
from web.api import api_blueprint, json_body
from web.auth import current_user, login_required
from web.engine import get_engine

bp = Blueprint("evaluation", __name__)
api_bp = api_blueprint("evaluation_api", __name__)
DEFAULT_SPAN_DAYS = 90
LABELS = {
    "wait_median_min.appointment": "Wartezeit mit Termin, Median (min)",
    "wait_p90_min.appointment": "Wartezeit mit Termin, 90 % (min)",
    "wait_median_min.walk_in": "Wartezeit ohne Termin, Median (min)",
    "wait_p90_min.walk_in": "Wartezeit ohne Termin, 90 % (min)",
    "punctual_share": "Termine pünktlich aufgerufen (Anteil)",
    "no_show_share": "nicht erschienen oder versäumt (Anteil)",
    "visits_avoided": "Besuche vermieden",
    "visits_avoided.online_triage": "davon online (Unterlagen per Post)",
    "feedback_mean.appointment": "Befinden der Besucher 1–5, mit Termin",
    "feedback_mean.walk_in": "Befinden der Besucher 1–5, ohne Termin",
    "feedback_mean.total": "Befinden der Besucher 1–5, alle",
    "climate_tense_share.appointment": "Gesprächsklima angespannt/aufgebracht, mit Termin (Anteil)",
    "climate_tense_share.walk_in": "Gesprächsklima angespannt/aufgebracht, ohne Termin (Anteil)",
    "climate_tense_share.total": "Gesprächsklima angespannt/aufgebracht, alle (Anteil)",
    "incidents.appointment": "Vorfälle, mit Termin",
    "incidents.walk_in": "Vorfälle, ohne Termin",
    "incidents.total": "Vorfälle, alle",
    "incidents.verbal_aggression": "davon verbale Aggression",
    "incidents.threat": "davon Bedrohung",
    "incidents.security_called": "davon Sicherheitsdienst gerufen",
}


def _comparison() -> dict:
    engine = get_engine()
    today = local_day(engine.office, engine.now())
    change = parse_day(request.args.get("change"), "change")
    if change is None:
        raise InvalidInput("name the day the change took effect", field="change")
    first = parse_day(request.args.get("from"), "from") or change - timedelta(days=DEFAULT_SPAN_DAYS)
    last = parse_day(request.args.get("to"), "to") or max(change, today)
    return compare(engine.db, engine.office, change, first, last)


@bp.get("/reports/vorher-nachher")
@login_required("admin")
def before_after_page():
    engine = get_engine()
    context = {"office": engine.office, "user": current_user(), "labels": LABELS, "args": request.args,
               "name": request.args.get("name", "")[:200], "report": None, "error": None}
    if not request.args.get("change"):
        return render_template("evaluation/before_after.html", **context)
    try:
        context["report"] = _comparison()
    except InvalidInput as refused:
        context["error"] = refused.message
        return render_template("evaluation/before_after.html", **context), 422
    return render_template("evaluation/before_after.html", **context)


@bp.get("/reports/vorher-nachher.csv")
@login_required("admin")
def before_after_csv():
    try:
        report = _comparison()
    except InvalidInput as refused:
        return Response(refused.message + "\n", status=422, mimetype="text/plain")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["figure", "label", "before", "before_n", "after", "after_n"])
    for row in report["rows"]:
        writer.writerow([row["figure"], LABELS.get(row["figure"], row["figure"]), _cell(row["before"]),
                         row["before_n"], _cell(row["after"]), row["after_n"]])
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="vorher-nachher-{report["change"]}.csv"'})


def _cell(value) -> str:
    return "" if value is None else str(value)


@api_bp.post("/climate")
@login_required()
def climate_note_api():
    """Two taps at the desk: ``{"climate": "tense"}`` then ``{"incident": "threat"}`` (either order)."""
    data = json_body()
    climate, incident = data.get("climate"), data.get("incident")
    for value, field in ((climate, "climate"), (incident, "incident")):
        if value is not None and not isinstance(value, str):
            raise InvalidInput("expected text", field=field)
    ticket_id = get_engine().note_climate(current_user()["username"], climate=climate, incident=incident)
    return jsonify({"noted": True, "ticket_id": ticket_id})

