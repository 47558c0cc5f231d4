"""Import appointments from another booking system: CSV or iCalendar (.ics).

Each row/event is booked through the engine (same checks as the phone booking: office hours,
overlaps, known service and caseworker); a row that fails is reported with its line and reason,
the others are still booked. For the CLI: ``terminpraxis import FILE [--service KEY]``.

CSV (UTF-8, comma or semicolon, header row): ``name, starts_at`` (ISO 8601, or ``date`` +
``time`` in office time), ``service``, optional ``staff, duration_min, concern, notes, phone,
documents`` (documents separated by ``|``).
ICS: each VEVENT's DTSTART/DTEND; SUMMARY is the name; ``X-TERMINPRAXIS-SERVICE`` /
``X-TERMINPRAXIS-STAFF`` or the ``--service`` default; DESCRIPTION becomes the notes.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from icalendar import Calendar

from .engine import Engine
from .errors import InvalidInput, QueueError

MAX_BYTES = 5_000_000


@dataclass
class ImportResult:
    booked: list[int] = field(default_factory=list)  # appointment ids
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line or event number, reason)


def import_file(engine: Engine, path: str | Path, service: str | None = None,
                actor: str = "import") -> ImportResult:
    path = Path(path)
    data = path.read_bytes()[:MAX_BYTES + 1]
    if len(data) > MAX_BYTES:
        raise InvalidInput("the file is too large (5 MB at most)", field="file")
    if path.suffix.lower() == ".ics" or data.lstrip().startswith(b"BEGIN:VCALENDAR"):
        return import_ics(engine, data, service, actor)
    return import_csv(engine, data.decode("utf-8-sig", errors="replace"), service, actor)


def _book(engine: Engine, result: ImportResult, where: int, actor: str, **fields) -> None:
    try:
        appointment = engine.book_appointment(actor=actor, **fields)
    except QueueError as error:
        result.errors.append((where, error.message))
    else:
        result.booked.append(appointment.id)


def _starts_at(engine: Engine, row: dict[str, str]) -> datetime:
    raw = (row.get("starts_at") or "").strip()
    try:
        if raw:
            when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        else:
            when = datetime.combine(date.fromisoformat((row.get("date") or "").strip()),
                                    time.fromisoformat((row.get("time") or "").strip()))
    except ValueError:
        raise InvalidInput("starts_at (or date and time) is not a date and time", field="starts_at") from None
    return when if when.tzinfo else when.replace(tzinfo=engine.office.timezone)


def import_csv(engine: Engine, text: str, service: str | None = None, actor: str = "import") -> ImportResult:
    result = ImportResult()
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    for row in reader:
        line = reader.line_num
        row = {str(k).strip().lower(): (v or "").strip() for k, v in row.items() if k is not None and
               isinstance(v, str)}
        try:
            starts_at = _starts_at(engine, row)
            minutes = int(row["duration_min"]) if row.get("duration_min") else None
        except (InvalidInput, ValueError) as error:
            result.errors.append((line, getattr(error, "message", "duration_min is not a whole number")))
            continue
        _book(engine, result, line, actor, service=row.get("service") or service or "", starts_at=starts_at,
              staff=row.get("staff") or None, duration_min=minutes, name=row.get("name") or None,
              phone=row.get("phone") or None, concern=row.get("concern") or None,
              notes=row.get("notes") or None,
              documents=[d.strip() for d in (row.get("documents") or "").split("|") if d.strip()])
    return result


def import_ics(engine: Engine, data: bytes, service: str | None = None, actor: str = "import") -> ImportResult:
    result = ImportResult()
    try:
        calendar = Calendar.from_ical(data)
    except ValueError as error:
        result.errors.append((0, f"not an iCalendar file: {error}"))
        return result
    for number, event in enumerate(calendar.walk("VEVENT"), start=1):
        try:
            start = event.decoded("dtstart")
            end = event.decoded("dtend") if event.get("dtend") else None
        except (KeyError, ValueError):
            result.errors.append((number, "the event has no start"))
            continue
        if not isinstance(start, datetime):
            result.errors.append((number, "the event has no time of day"))
            continue
        if start.tzinfo is None:
            start = start.replace(tzinfo=engine.office.timezone)
        if isinstance(end, datetime) and end.tzinfo is None:
            end = end.replace(tzinfo=engine.office.timezone)
        minutes = int((end - start).total_seconds() // 60) if isinstance(end, datetime) else None
        _book(engine, result, number, actor,
              service=str(event.get("x-terminpraxis-service") or service or ""), starts_at=start,
              staff=str(event.get("x-terminpraxis-staff")) if event.get("x-terminpraxis-staff") else None,
              duration_min=minutes, name=str(event.get("summary") or "") or None,
              notes=str(event.get("description") or "") or None)
    return result
