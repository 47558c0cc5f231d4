"""The office's evaluation (Auswertung): /reports with charts, CSV/JSON export, the access log view,
and ``GET /api/v1/stats``. Admin role only (the figures name caseworkers).

Routes are defined at module level on ``bp`` (the pages, registered by ``desk.init_app``) and
``api_bp`` (registered by the composition root), as create_app runs many times in the tests. The
figures come from queue_core.stats; this module only parses the request, renders and exports.
"""
from __future__ import annotations

import json
from datetime import date, time, timedelta
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from flask_babel import force_locale, gettext as _

from queue_core import accounts, audit, facts, servicetime, simulation_report, stats
from queue_core.errors import InvalidInput
from queue_core.schedule import local_instant, wall_clock
from web.api import api_blueprint, queue_error
from web.auth import current_user, login_required
from web.engine import current_location, get_engine

from . import charts, report_locations
from .export import CSV_FORMATS, csv_response

bp = Blueprint("reports", __name__)
api_bp = api_blueprint("reports_api", __name__)
ACCESS_LOG_LIMIT = 1000
EXPORT_FORMATS = (*CSV_FORMATS, "json")


def table_titles() -> dict[str, str]:
    return {
        "summary": _("Überblick"), "by_service": _("Nach Anliegen"), "by_caseworker": _("Nach Sachbearbeitung"),
        "daily": _("Je Tag"), "waits_by_hour": _("Wartezeit nach Uhrzeit der Anmeldung"),
        "punctuality_by_week": _("Pünktlichkeit je Kalenderwoche"),
        "delay_distribution": _("Verteilung der Verspätung beim Aufruf von Terminen"),
        "service_times": _("Bearbeitungsdauer je Anliegen"), "desk_idle": _("Leerlauf der Plätze"),
        "lead_time_distribution": _("Vorlauf der Terminbuchung"), "intake_stops": _("Annahmestopps ohne Termin"),
        "absences": _("Abwesenheiten und ihre Folgen für Termine"),
    }


def _shared_words() -> dict[str, str]:
    """The words a column header and a summary figure's name say alike."""
    return {
        "served": _("bedient"), "no_shows": _("nicht erschienen"), "appointments": _("Termine"),
        "missed": _("versäumt"), "cancelled": _("abgesagt"), "by_post": _("per Post erledigt"),
        "no_visit_needed": _("kein Besuch nötig"), "visits_avoided": _("Besuche vermieden"),
        "intake_stops": _("Annahmestopps"), "called": _("aufgerufen"), "within_limit": _("binnen 5 min"),
        "share": _("Anteil"), "count": _("Anzahl"), "n": _("Anzahl"), "mean": _("Mittel min"),
        "median": _("Median min"), "p90": _("90 % min"), "max": _("Max. min"), "staffed_min": _("besetzt min"),
        "busy_min": _("mit Besuch min"), "idle_min": _("Leerlauf min"),
    }


def column_labels() -> dict[str, str]:
    """Column headers of the page's tables and of the csv-de export (its German is the msgid)."""
    labels = {
        **_shared_words(),
        "service": _("Anliegen (Schlüssel)"), "service_name": _("Anliegen"), "staff": _("Kürzel"),
        "staff_name": _("Sachbearbeitung"), "served_appointment": _("bedient mit Termin"),
        "served_walk_in": _("bedient ohne Termin"), "punctual_share": _("pünktlich"),
        "service_time_mean": _("Bearbeitung Ø min"), "day": _("Tag"), "hour": _("Stunde"), "week": _("Woche"),
        "delay_median": _("Verspätung Median min"), "delay_min": _("Verspätung (min)"), "desk": _("Platz"),
        "lead_days": _("Vorlauf (Tage)"), "time": _("Uhrzeit"), "reason": _("Grund"),
        "appointment_n": _("mit Termin: Anzahl"), "appointment_mean": _("mit Termin: Mittel min"),
        "appointment_p90": _("mit Termin: 90 % min"), "walk_in_n": _("ohne Termin: Anzahl"),
        "walk_in_mean": _("ohne Termin: Mittel min"), "walk_in_p90": _("ohne Termin: 90 % min"),
        "figure": _("Kennzahl"), "value": _("Wert"), "from": _("von"), "to": _("bis"), "hours": _("Stunden"),
        "moved": _("an Kollegen übergeben"), "to_call": _("auf der Anrufliste"),
        "at": _("Zeitpunkt"), "what": _("Was"), "appointment_id": _("Termin-Nr."), "details": _("Einzelheiten"),
    }
    for kind, label in (("appointment", _("mit Termin")), ("walk_in", _("ohne Termin"))):
        for key, name in (("n", _("Anzahl")), ("mean", _("Mittel min")), ("median", _("Median min")),
                          ("p90", _("90 % min")), ("max", _("Max. min"))):
            labels[f"wait_{kind}_{key}"] = f"{_('Wartezeit')} {label}: {name}"
    return labels


def figure_words() -> dict[str, str]:
    """German words for the parts of a summary key ("served.appointment" → "bedient · mit Termin")."""
    return {
        **_shared_words(),
        "appointment": _("mit Termin"), "walk_in": _("ohne Termin"), "total": _("gesamt"),
        "tickets_cancelled": _("Wartenummern storniert"), "booked": _("gebucht"), "checked_in": _("angemeldet"),
        "waits": _("Wartezeit"), "punctuality": _("Pünktlichkeit"), "limit_min": _("Grenze min"),
        "delays": _("Verspätung"), "appointments_by_post": _("Termin per Post erledigt"),
        "finished_by_post": _("Abschluss per Post"), "lead_time": _("Vorlauf"), "mean_days": _("Mittel Tage"),
        "median_days": _("Median Tage"), "max_days": _("Max. Tage"), "within_week": _("binnen einer Woche"),
        "share_within_week": _("Anteil binnen einer Woche"), "by_reason": _("nach Grund"),
        "cutoff": _("kurz vor Schluss"), "capacity": _("Kapazität"), "desk_idle": _("Leerlauf der Plätze"),
        "desk_days": _("Platz-Tage"), "idle_share": _("Leerlauf-Anteil"),
    }


def figure_name(key: str) -> str:
    words = figure_words()
    return " · ".join(words.get(part, part) for part in key.split("."))


def show(key: str, value: Any) -> str:
    """A figure as the page shows it: shares in per cent, German decimal comma, '–' for none."""
    if value is None:
        return "–"
    if key in ("reason",):
        return {"cutoff": _("kurz vor Schluss"), "capacity": _("Tageskapazität erreicht")}.get(value, value)
    if isinstance(value, float) and ("share" in key or key in ("share",)):
        return f"{100 * value:.0f} %".replace(".", ",")
    if isinstance(value, float):
        return (f"{value:.0f}" if value.is_integer() else f"{value:.1f}").replace(".", ",")
    return str(value)


def _period() -> facts.Period:
    engine = get_engine()
    args = request.args
    for key in ("from", "to", "location"):
        if len(args.get(key, "")) > 64:
            raise InvalidInput(f"'{key}' is too long", field=key)
    # Under a location's prefix the page starts with that location; "alle" (empty) compares all.
    return facts.period_from_query(engine.db, engine.office, engine.now(), args.get("from"), args.get("to"),
                                   args.get("location", current_location()))


def _evaluation(period: facts.Period) -> dict[str, Any]:
    return stats.evaluate(get_engine().db, report_locations.office_for(period), period)


# ---------------------------------------------------------------- API

@api_bp.get("/stats")
@login_required("admin")
def api_stats():
    """The evaluation as JSON: ``?from=YYYY-MM-DD&to=YYYY-MM-DD&location=``."""
    return jsonify(_evaluation(_period()))


# ---------------------------------------------------------------- pages

def _charts(evaluation: dict[str, Any]) -> dict[str, Any]:
    hours = evaluation["waits_by_hour"]
    weeks = evaluation["punctuality_by_week"]
    days = evaluation["daily"]
    with_appointment, walk_in = _("mit Termin"), _("ohne Termin")
    return {
        "waits": charts.bar_chart(
            _("Wartezeit nach Uhrzeit"),
            _("Mittlere Wartezeit von der Anmeldung bis zum Aufruf in Minuten, nach Stunde der Anmeldung,"
              " für Besuche mit und ohne Termin."),
            [f"{r['hour']:02d}" for r in hours],
            [charts.Series(with_appointment, [r["appointment_mean"] for r in hours]),
             charts.Series(walk_in, [r["walk_in_mean"] for r in hours])], unit=" min"),
        "punctuality": charts.line_chart(
            _("Pünktlichkeit nach Wochen"),
            _("Anteil der Termine in Prozent, die höchstens 5 Minuten nach ihrer Zeit aufgerufen wurden, je"
              " Kalenderwoche."),
            [r["week"] for r in weeks],
            [charts.Series(_("pünktlich aufgerufen"),
                           [None if r["share"] is None else round(100 * r["share"], 1) for r in weeks])],
            unit=" %", y_max=100),
        "daily": charts.bar_chart(
            _("Besucherinnen und Besucher je Tag"),
            _("Bediente Besuche je Tag, gestapelt: mit Termin und ohne Termin."),
            [date.fromisoformat(r["day"]).strftime("%d.%m.") for r in days],
            [charts.Series(with_appointment, [r["served_appointment"] for r in days]),
             charts.Series(walk_in, [r["served_walk_in"] for r in days])], stacked=True, whole=True),
    }


def _quick_ranges(last: date) -> list[tuple[str, date, date]]:
    monday = last - timedelta(days=last.weekday())
    month = last.replace(day=1)
    return [(_("Tag"), last, last), (_("Woche"), monday, monday + timedelta(days=6)),
            (_("7 Tage"), last - timedelta(days=6), last), (_("Monat"), month, _month_end(month)),
            (_("30 Tage"), last - timedelta(days=29), last)]


def _month_end(first: date) -> date:
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


@bp.get("/reports")
@login_required("admin")
def report_page():
    engine = get_engine()
    context: dict[str, Any] = {"office": engine.office, "user": current_user(),
                               "locations": report_locations.choices(), "tables": stats.TABLES,
                               "titles": table_titles(), "labels": column_labels(), "show": show,
                               "error": None, "evaluation": None}
    try:
        period = _period()
    except InvalidInput as refused:
        context.update(error=refused.message, args=request.args)
        return render_template("reports/report.html", **context), 422
    evaluation = _evaluation(period)
    context.update(period=period, evaluation=evaluation, charts=_charts(evaluation),
                   quick=_quick_ranges(period.last), query=_query(period),
                   service_names={k: s.name for k, s in engine.office.services.items()},
                   servicetimes=servicetime.model(engine.db, engine.office).summary(),
                   planner=_planner(simulation_report.latest_sweep(engine.db)),
                   compare=report_locations.comparison(period))
    return render_template("reports/report.html", **context)


def _planner(saved: dict[str, Any] | None) -> dict[str, Any] | None:
    """The newest saved capacity-planner sweep as a chart (punctuality by walk-in rate, one line per
    share of slots booked) and its rows."""
    if saved is None:
        return None
    rows = saved["rows"]
    rates = sorted({r["walk_ins_per_hour"] for r in rows})
    shares = sorted({r["appointment_share"] for r in rows})
    by = {(r["appointment_share"], r["walk_ins_per_hour"]): r for r in rows}
    series = [charts.Series(_("%(share)s %% der Termine vergeben", share=round(100 * share)),
                            [round(100 * by[(share, rate)]["punctual"], 1) if (share, rate) in by else None
                             for rate in rates]) for share in shares]
    chart = charts.line_chart(
        _("Kapazitätsplanung: Pünktlichkeit"),
        _("Simulierter Anteil der Termine in Prozent, die binnen 5 Minuten aufgerufen werden, nach Vorsprachen"
          " ohne Termin je Stunde, je Anteil vergebener Termine."),
        [f"{rate:g}" for rate in rates], series, unit=" %", y_max=100)
    return {"created_at": wall_clock(get_engine().office, saved["created_at"], "%d.%m.%Y %H:%M"),
            "chart": chart, "rows": rows}


def _query(period: facts.Period) -> dict[str, str]:
    query = {"from": period.first.isoformat(), "to": period.last.isoformat()}
    if period.location:
        query["location"] = period.location
    return query


@bp.get("/reports/export")
@login_required("admin")
def export():
    """One table as CSV or JSON: ``?table=by_service&format=csv`` (``table=all``: the whole evaluation,
    JSON only) plus the period's ``from``/``to``/``location``. No variables in the path, so the
    route walk of the auth tests reaches it as it is."""
    name = request.args.get("table", "")[:64]
    fmt = request.args.get("format", "csv")[:16]
    try:
        if fmt not in EXPORT_FORMATS:
            raise InvalidInput("export as csv, csv-de or json", field="format")
        if name == "all" and fmt != "json":
            raise InvalidInput("the whole evaluation exports as JSON (table=all&format=json)", field="table")
        if name != "all" and name not in stats.TABLES:
            raise InvalidInput("unknown table; one of " + ", ".join(stats.TABLES), field="table")
        period = _period()
    except InvalidInput as refused:
        return queue_error(refused)  # the API's JSON answer, also for this page's export link
    evaluation = _evaluation(period)
    filename = f"auswertung-{name}-{period.first.isoformat()}-{period.last.isoformat()}"
    if fmt in CSV_FORMATS:
        rows = stats.table(evaluation, name)
        # csv-de is for the office's Excel: the page's German column and figure names; plain csv keeps keys.
        return csv_response(_readable(rows, name) if fmt == "csv-de" else rows, filename, variant=fmt,
                            headers=_german_headers())
    filename += ".json"
    if name == "all":
        body = json.dumps(evaluation, ensure_ascii=False, indent=1)
    else:
        body = json.dumps({"period": evaluation["period"], name: stats.table(evaluation, name)},
                          ensure_ascii=False, indent=1)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _german_headers() -> dict[str, str]:
    """The page's column headers in German, whatever the staff member's language: csv-de is for the
    office's Excel."""
    with force_locale("de"):
        return column_labels()


def _readable(rows: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    """The overview's figure names as the page says them."""
    if name != "summary":
        return rows
    return [{**row, "figure": figure_name(row["figure"])} for row in rows]


# ---------------------------------------------------------------- the access log

ACCESS_LOG_COLUMNS = ("at", "staff", "staff_name", "what", "appointment_id", "details")


def access_log(period: facts.Period, staff: str | None = None, limit: int = ACCESS_LOG_LIMIT) -> list[dict]:
    """Entries of the access log (staff readings of personal data) in the period, newest first."""
    engine = get_engine()
    office = engine.office
    entries = []
    for entry in audit.readings(engine.db, local_instant(office, period.first, _midnight()),
                                local_instant(office, period.last + timedelta(days=1), _midnight()),
                                location=period.location, staff=staff, limit=limit):
        details = entry["details"]
        entries.append({"at": wall_clock(office, entry["at"], "%Y-%m-%d %H:%M:%S"),
                        "staff": entry["staff"], "staff_name": entry["staff_name"],
                        "what": details.pop("what", ""), "appointment_id": entry["appointment_id"],
                        "details": ", ".join(f"{k}={v}" for k, v in sorted(details.items()))})
    return entries


def _midnight() -> time:
    return time(0, 0)


def reading_names() -> dict[str, str]:
    """German names of what a reading opened (the codes stay in the exports)."""
    return {"appointment": _("Termin-Details"), "appointments_of_day": _("Terminliste eines Tages"),
            "slip": _("Terminzettel")}


def _access_log_request() -> tuple[facts.Period, str | None]:
    period = _period()
    staff = request.args.get("staff", "").strip() or None
    if staff is not None and len(staff) > 40:
        raise InvalidInput("'staff' is too long", field="staff")
    return period, staff


@bp.get("/reports/access-log")
@login_required("admin")
def access_log_page():
    engine = get_engine()
    context: dict[str, Any] = {"office": engine.office, "user": current_user(), "error": None,
                               "entries": [], "retention_days": engine.office.access_log_retention_days,
                               "limit": ACCESS_LOG_LIMIT, "reading_names": reading_names(),
                               "staff_accounts": accounts.list_staff(engine.db)}
    try:
        period, staff = _access_log_request()
    except InvalidInput as refused:
        context.update(error=refused.message, staff=None, period=None, query={})
        return render_template("reports/access_log.html", **context), 422
    query = _query(period)
    if staff:
        query["staff"] = staff
    context.update(period=period, staff=staff, entries=access_log(period, staff), query=query)
    return render_template("reports/access_log.html", **context)


@bp.get("/reports/access-log/export")
@login_required("admin")
def access_log_export():
    """The access log of the range as ``?format=csv`` or ``json`` (all entries, not only 1,000)."""
    fmt = request.args.get("format", "csv")[:16]
    try:
        if fmt not in EXPORT_FORMATS:
            raise InvalidInput("export as csv, csv-de or json", field="format")
        period, staff = _access_log_request()
    except InvalidInput as refused:
        return queue_error(refused)  # the API's JSON answer, also for this page's export link
    entries = access_log(period, staff, limit=1_000_000)
    filename = f"zugriffsprotokoll-{period.first.isoformat()}-{period.last.isoformat()}"
    if fmt in CSV_FORMATS:
        return csv_response(entries, filename, ACCESS_LOG_COLUMNS, variant=fmt, headers=_german_headers())
    filename += ".json"
    return Response(json.dumps({"period": _query(period), "entries": entries}, ensure_ascii=False, indent=1),
                    mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})

