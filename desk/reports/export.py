"""CSV files of the evaluation and the access log, for spreadsheet programs.

Two variants of the same rows:
- ``csv``: RFC 4180, comma-separated, every field quoted, column names as in the JSON export.
- ``csv-de``: what German Excel opens with a double click: semicolon-separated, readable German
  column headers, decimal comma.

Both start with a UTF-8 byte-order mark (so Excel reads the umlauts) and neutralise cells that a
spreadsheet would run as a formula, including the full-width forms (＝＋－＠) that Excel also reads.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable

from flask import Response

CSV_FORMATS = ("csv", "csv-de")
# A cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice or Sheets.
FORMULA_STARTS = frozenset("=+-@\t\r\n" "\uff1d\uff0b\uff0d\uff20")

# Readable German column headers of the csv-de variant; a column not listed keeps its name.
GERMAN_HEADERS = {
    "figure": "Kennzahl", "value": "Wert", "service": "Anliegen (Schlüssel)", "service_name": "Anliegen",
    "staff": "Mitarbeiter (Kürzel)", "staff_name": "Mitarbeiter", "served": "Bedient",
    "served_appointment": "Bedient mit Termin", "served_walk_in": "Bedient ohne Termin",
    "no_shows": "Nicht erschienen (aufgerufen)", "appointments": "Termine", "missed": "Termine verpasst",
    "cancelled": "Abgesagt", "by_post": "Per Post erledigt", "no_visit_needed": "Kein Besuch nötig",
    "wait_appointment_n": "Wartezeit mit Termin: Anzahl", "wait_appointment_mean": "Wartezeit mit Termin: Mittel (min)",
    "wait_appointment_median": "Wartezeit mit Termin: Median (min)",
    "wait_appointment_p90": "Wartezeit mit Termin: 90 % bis (min)",
    "wait_appointment_max": "Wartezeit mit Termin: längste (min)",
    "wait_walk_in_n": "Wartezeit ohne Termin: Anzahl", "wait_walk_in_mean": "Wartezeit ohne Termin: Mittel (min)",
    "wait_walk_in_median": "Wartezeit ohne Termin: Median (min)",
    "wait_walk_in_p90": "Wartezeit ohne Termin: 90 % bis (min)",
    "wait_walk_in_max": "Wartezeit ohne Termin: längste (min)",
    "punctual_share": "Anteil pünktlich", "service_time_mean": "Bearbeitungszeit: Mittel (min)",
    "day": "Tag", "visits_avoided": "Besuche vermieden", "intake_stops": "Annahmestopps",
    "hour": "Stunde", "appointment_n": "Mit Termin: Anzahl", "appointment_mean": "Mit Termin: Mittel (min)",
    "appointment_p90": "Mit Termin: 90 % bis (min)", "walk_in_n": "Ohne Termin: Anzahl",
    "walk_in_mean": "Ohne Termin: Mittel (min)", "walk_in_p90": "Ohne Termin: 90 % bis (min)",
    "week": "Woche", "called": "Aufgerufen", "within_limit": "Innerhalb der Toleranz", "share": "Anteil",
    "delay_median": "Verspätung: Median (min)", "delay_min": "Verspätung (min)", "count": "Anzahl",
    "n": "Anzahl", "mean": "Mittel (min)", "median": "Median (min)", "p90": "90 % bis (min)",
    "max": "Längste (min)", "desk": "Platz", "staffed_min": "Besetzt (min)", "busy_min": "Im Gespräch (min)",
    "idle_min": "Frei (min)", "lead_days": "Vorlauf (Tage)", "time": "Uhrzeit", "reason": "Grund",
    "at": "Zeitpunkt", "what": "Was", "appointment_id": "Termin-Nr.", "details": "Einzelheiten",
}


def neutralise(text: str) -> str:
    """The text as a spreadsheet shows it but never runs it: a leading apostrophe before a formula start."""
    return "'" + text if text[:1] in FORMULA_STARTS else text


def cell(value: Any, decimal_comma: bool = False) -> str:
    """One field's text: numbers as numbers (a negative number is not a formula), the rest neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        text = repr(value) if isinstance(value, float) else str(value)
        return text.replace(".", ",") if decimal_comma else text
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    return neutralise(str(value))


def csv_text(rows: list[dict[str, Any]], columns: Iterable[str] | None = None, variant: str = "csv") -> str:
    """The rows as CSV text in ``variant`` (``csv`` or ``csv-de``), every field quoted."""
    columns = list(columns or (rows[0].keys() if rows else []))
    german = variant == "csv-de"
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";" if german else ",", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([neutralise(GERMAN_HEADERS.get(c, c) if german else c) for c in columns])
    for row in rows:
        writer.writerow([cell(row.get(c), decimal_comma=german) for c in columns])
    return buffer.getvalue()


def csv_response(rows: list[dict[str, Any]], filename: str, columns: Iterable[str] | None = None,
                 variant: str = "csv") -> Response:
    """A CSV download (``filename`` without extension; csv-de files end in ``-excel.csv``)."""
    name = f"{filename}-excel.csv" if variant == "csv-de" else f"{filename}.csv"
    return Response(csv_text(rows, columns, variant), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
