"""The notices' words: confirmation, reminder, cancel and move, by e-mail (with .ics) and SMS.

Rendered at sending time in the visitor's language from the appointment as it is then, so a
reminder names the current time. Only what the visitor gave and needs: time, concern, code, link.
"""
from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from flask import render_template
from flask_babel import force_locale, gettext as _

from queue_core.codes import format_code
from queue_core.online import Contact
from web.config import settings
from web.engine import get_engine
from web.i18n import normalise as normalise_language

from . import common


def _context(appointment_id: int) -> tuple[Any, Contact, dict[str, Any]]:
    engine = get_engine()
    appointment = engine.appointment(appointment_id)
    contact = engine.contact(appointment_id)
    service = engine.office.services.get(appointment.service)
    lang = normalise_language(appointment.language) or "de"
    return appointment, contact, {
        "office": engine.office, "appointment": appointment, "lang": lang, "code": format_code(appointment.code),
        "service_name": str(_(service.name)) if service else appointment.service, "when": common.when(appointment),
        "link": common.public_url("buchen.booking", token=contact.manage_token, lang=lang),
        "phone": engine.office.phone}


def subject(kind: str, office_name: str) -> str:
    return {"confirmation": _("Ihr Termin ist gebucht – %(office)s", office=office_name),
            "reminder": _("Erinnerung an Ihren Termin – %(office)s", office=office_name),
            "cancelled": _("Ihr Termin ist abgesagt – %(office)s", office=office_name),
            "moved": _("Ihr Termin wurde verlegt – %(office)s", office=office_name)}[kind]


def email_message(row: dict[str, Any]) -> EmailMessage:
    """The mail for one outbox row; the .ics travels with every notice of a booked appointment."""
    appointment, contact, context = _context(row["appointment_id"])
    with force_locale(context["lang"]):
        message = EmailMessage()
        message["Subject"] = subject(row["kind"], context["office"].name)
        message["From"] = settings().smtp_from
        message["To"] = contact.email
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(idstring=f"outbox-{row['id']}", domain="terminpraxis")
        message.set_content(render_template("buchen/notice.txt", kind=row["kind"], **context))
        if appointment.state == "booked":
            message.add_attachment(common.ics_bytes(appointment, context["link"]), maintype="text",
                                   subtype="calendar", filename="termin.ics")
        # Last: set_content and add_attachment move or drop the Content-* headers set before.
        message["Content-Language"] = context["lang"]
    return message


def sms_text(row: dict[str, Any]) -> tuple[str, str]:
    """(number, text) for one outbox row: one short message with the time, code and link."""
    _appointment, contact, context = _context(row["appointment_id"])
    with force_locale(context["lang"]):
        text = render_template("buchen/notice_sms.txt", kind=row["kind"], **context)
    return contact.mobile, " ".join(text.split())
