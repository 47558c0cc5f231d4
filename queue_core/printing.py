"""Receipt-printer problems, recorded like any other fact of the day: one ``printer_error`` event.

The kiosk prints a ticket on an ESC/POS receipt printer after the check-in is committed; when
that fails, the visitor still has the ticket on screen, and staff must learn that the printer
needs attention. The event names the printer (its configured address, e.g. ``network:10.0.0.7``),
a short error text and the ticket number the printout was for — never who the visitor is.
No Flask here; the printing itself lives in ``kiosk/printer/``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from .base import EngineBase
from .clock import from_db, to_db
from .states import EventKind

TEXT_MAX = 200


@dataclass(frozen=True)
class PrinterError:
    seq: int
    at: datetime
    printer: str
    error: str
    number: str | None


class Printing(EngineBase):
    def record_printer_error(self, printer: str, error: str, number: str | None = None) -> int:
        """Record that printing on ``printer`` failed with ``error`` (for ticket ``number``, if any).

        The texts are cut to 200 characters; they must not carry personal data (an exception's
        message about a socket or a device file does not). Returns the event's ``seq``.
        """
        with self._command() as now:
            return self._event(now, EventKind.PRINTER_ERROR, printer=str(printer)[:TEXT_MAX],
                               error=str(error)[:TEXT_MAX], number=number)

    def last_printer_error(self, since: datetime) -> PrinterError | None:
        """The newest printer error of this location at or after ``since``, or None."""
        return last_printer_error(self.db, self.office.location, since)


def last_printer_error(db: Database, location: str, since: datetime) -> PrinterError | None:
    """The newest ``printer_error`` event of ``location`` at or after ``since``, or None."""
    row = db.execute(
        "SELECT seq, at, data FROM events WHERE kind = ? AND location = ? AND at >= ?"
        " ORDER BY seq DESC LIMIT 1", (EventKind.PRINTER_ERROR, location, to_db(since))).fetchone()
    if row is None:
        return None
    data: dict[str, Any] = json.loads(row[2] or "{}")
    return PrinterError(seq=row[0], at=from_db(row[1]), printer=data.get("printer", ""),
                        error=data.get("error", ""), number=data.get("number"))
