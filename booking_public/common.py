"""What the booking page and its API share: the office's online settings, slots, and one booking path."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import segno
from flask import url_for
from flask_babel import format_date, gettext as _

from queue_core.calendar_file import appointment_ics
from queue_core.codes import format_code
from queue_core.errors import InvalidInput
from queue_core.models import Appointment
from queue_core.letters import normalise_initial
from queue_core.office import Service
from queue_core.slots import free_slots
from web.config import settings
from web.engine import get_engine
from web.i18n import normalise as normalise_language

SLOT_LIMIT = 400


def online_services() -> list[Service]:
    """The concerns a visitor can book online (``ONLINE_SERVICES``; empty: every service)."""
    office = get_engine().office
    chosen = settings().online_services or list(office.services)
    return [office.services[k] for k in chosen if k in office.services]


def online_service(key: str | None) -> Service:
    for service in online_services():
        if service.key == key:
            return service
    raise InvalidInput("that concern cannot be booked online", field="service")


def by_post(service_key: str) -> list[str] | None:
    """The documents that suffice for this concern (``ONLINE_BY_POST``), or None if a visit is needed."""
    documents = settings().online_by_post.get(service_key)
    return [str(d) for d in documents] if isinstance(documents, list) else None


def horizon() -> datetime:
    return get_engine().now() + timedelta(days=settings().online_booking_days)


def initial_of(surname: str | None) -> str | None:
    """The letter that decides the responsible caseworker: the surname's first.

    The office files surnames in Latin letters (as on the residence permit); a surname typed in
    another script is refused with that request rather than booked with the wrong caseworker."""
    text = (surname or "").strip()
    try:
        return normalise_initial(text[:1]) if text else None
    except InvalidInput:
        raise InvalidInput("please write the surname in Latin letters, as in your ID", field="surname",
                           reason="latin_letters") from None


def slots_for(service: str, surname: str | None) -> list[dict[str, Any]]:
    """Free slots of the caseworkers responsible for this surname, within the online horizon."""
    engine = get_engine()
    days = min(31, max(1, settings().online_booking_days + 1))
    found = free_slots(engine.db, engine.office, engine.now(), online_service(service).key, days=days,
                       initial=initial_of(surname), limit=SLOT_LIMIT)
    latest, seen, out = horizon(), set(), []
    for slot in found:
        if slot.starts_at > latest or slot.starts_at in seen:
            continue
        seen.add(slot.starts_at)  # one caseworker per time is enough for the visitor to choose
        shown = slot.as_dict(engine.office)
        out.append(shown | {"value": f"{shown['starts_at_utc']}|{slot.staff}"})
    return out


def parse_slot(value: Any) -> tuple[datetime, str]:
    """``"<UTC start>|<caseworker>"`` as the page's radio button and the API send it."""
    if not isinstance(value, str) or value.count("|") != 1 or len(value) > 100:
        raise InvalidInput("please choose a time", field="slot")
    start, staff = value.split("|")
    try:
        starts_at = datetime.fromisoformat(start.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput("please choose a time", field="slot") from None
    if starts_at.tzinfo is None:
        raise InvalidInput("please choose a time", field="slot")
    return starts_at, staff


def book(data: dict[str, Any], language: str | None) -> tuple[Appointment, Any]:
    """The one booking path of the page and the API: checks the concern and horizon, then books."""
    service = online_service(data.get("service"))
    starts_at, staff = parse_slot(data.get("slot"))
    caseworker = get_engine().office.staff.get(staff)
    if caseworker is None or not caseworker.handles_initial(initial_of(_text(data, "surname"))):
        raise InvalidInput("that time belongs to a caseworker who is not responsible for this surname",
                           field="slot")
    name = ", ".join(p for p in (_text(data, "surname"), _text(data, "first_name")) if p)
    return get_engine().book_online(
        service=service.key, starts_at=starts_at, staff=staff, name=name, email=_text(data, "email"),
        mobile=_text(data, "mobile"), consent=data.get("consent") in (True, "1", "on", "yes"),
        language=normalise_language(language) or "de", latest=horizon(),
        max_open=settings().online_open_per_contact)


def _text(data: dict[str, Any], key: str, limit: int = 254) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput("expected text", field="name" if key in ("surname", "first_name") else key)
    return value.strip()[:limit]


def when(appointment: Appointment) -> dict[str, str]:
    """Date and time in the office's zone, spelled in the current language."""
    local = appointment.starts_at.astimezone(get_engine().office.timezone)
    return {"date": format_date(local.date(), "full"), "time": local.strftime("%H:%M")}


def public_url(endpoint: str, **values: Any) -> str:
    """An absolute link for mails and SMS (``KIOSK_PUBLIC_URL`` when visitors use another host)."""
    base = settings().kiosk_public_url
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def qr_data_uri(appointment: Appointment) -> str:
    """The code as the kiosk's scanner reads it (as on the desk's slip)."""
    return segno.make(f"CODE:{appointment.code}", error="m").svg_data_uri(scale=6, border=2)


def ics_bytes(appointment: Appointment, manage_url: str | None) -> bytes:
    """The .ics in the current language, with the code and the self-service link."""
    engine = get_engine()
    office = engine.office
    service = office.services.get(appointment.service)
    lines = [_("Termincode: %(code)s", code=format_code(appointment.code)),
             _("Bitte am Eingang am Terminal mit dem Code oder QR-Code anmelden.")]
    if manage_url:
        lines.append(_("Absagen oder verlegen: %(url)s", url=manage_url))
    summary = _("Termin: %(office)s – %(service)s", office=office.name,
                service=service.name if service else appointment.service)
    return appointment_ics(office, appointment, engine.now(), str(summary), [str(line) for line in lines])
