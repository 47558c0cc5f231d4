"""The receipt's layout: what a ticket says on paper, then written onto any python-escpos printer.

``build`` resolves every text while the app (and the visitor's language) is at hand; ``write``
only drives the printer, so it can run in a background task with no Flask around it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import force_locale, gettext as _

from queue_core import Engine
from queue_core.models import Ticket

from ..common import local_date, local_time, ticket_status, wait_text

# Receipt printers have no Arabic shaping or right-to-left order: Arabic receipts use the office's language.
RECEIPT_FALLBACK = {"ar": "de"}


@dataclass(frozen=True)
class Receipt:
    office: str
    heading: str
    number: str
    lines: tuple[str, ...]  # where to go, appointment time or estimate
    url: str  # the phone status page, as QR code
    scan_hint: str
    issued: str


def receipt_language(language: str | None) -> str:
    language = language or "de"
    return RECEIPT_FALLBACK.get(language, language)


def build(engine: Engine, ticket: Ticket, url: str, language: str) -> Receipt:
    """The ticket's receipt, in ``language`` (needs an app context for the translations)."""
    status = ticket_status(engine, ticket)
    with force_locale(language):
        if status["room"]:
            lines: tuple[str, ...] = (_("Please go to %(room)s.", room=status["room"]),)
        elif ticket.kind == "appointment" and status["appointment_time"]:
            lines = (_("Your appointment: %(time)s", time=status["appointment_time"]),)
        else:
            lines = (_("Estimated wait:") + " " + wait_text(status["wait_range"]),
                     _("Visitors with an appointment are called first."))
        return Receipt(office=engine.office.name, heading=_("Your number"), number=ticket.number,
                       lines=lines, url=url, scan_hint=_("Scan to follow your number on your phone."),
                       issued=f"{local_date(engine, ticket.created_at)} {local_time(engine, ticket.created_at)}")


def write(printer: Any, receipt: Receipt) -> None:
    """Print ``receipt`` on ``printer`` (an ``escpos`` printer): office, number (large), where to
    wait, the QR code (the printer's own command when its profile has one, else an image), date
    and time, then a cut."""
    printer.set_with_default(align="center")
    printer.textln(receipt.office)
    printer.ln()
    printer.textln(receipt.heading)
    printer.set(align="center", bold=True, double_width=True, double_height=True)
    printer.textln(receipt.number)
    printer.set_with_default(align="center")
    printer.ln()
    for line in receipt.lines:
        printer.textln(line)
    printer.ln()
    if printer.profile.supports("qrCode"):
        printer.qr(receipt.url, size=6, native=True)
    else:
        printer.qr(receipt.url, size=6, native=False, center=True)
    printer.textln(receipt.scan_hint)
    printer.textln(receipt.issued)
    printer.cut()
