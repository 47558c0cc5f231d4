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
from typing import Any, Iterable, Mapping

from flask import Response

CSV_FORMATS = ("csv", "csv-de")
# A cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice or Sheets.
FORMULA_STARTS = frozenset("=+-@\t\r\n" "\uff1d\uff0b\uff0d\uff20")

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


def csv_text(rows: list[dict[str, Any]], columns: Iterable[str] | None = None, variant: str = "csv",
             headers: Mapping[str, str] | None = None) -> str:
    """The rows as CSV text in ``variant`` (``csv`` or ``csv-de``), every field quoted; csv-de names
    its columns by ``headers`` (a column not in it keeps its key)."""
    columns = list(columns or (rows[0].keys() if rows else []))
    german = variant == "csv-de"
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";" if german else ",", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    names = (headers or {}) if german else {}
    writer.writerow([neutralise(names.get(c, c)) for c in columns])
    for row in rows:
        writer.writerow([cell(row.get(c), decimal_comma=german) for c in columns])
    return buffer.getvalue()


def csv_response(rows: list[dict[str, Any]], filename: str, columns: Iterable[str] | None = None,
                 variant: str = "csv", headers: Mapping[str, str] | None = None) -> Response:
    """A CSV download (``filename`` without extension; csv-de files end in ``-excel.csv``)."""
    name = f"{filename}-excel.csv" if variant == "csv-de" else f"{filename}.csv"
    return Response(csv_text(rows, columns, variant, headers), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
