"""An appointment as an iCalendar file (.ics): the slip's and the confirmation mail's attachment."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable

from icalendar import Calendar, Event

from .models import Appointment
from .office import Office


def appointment_ics(office: Office, appointment: Appointment, now: datetime, summary: str,
                    lines: Iterable[str]) -> bytes:
    """One VEVENT with a stable UID (a moved appointment replaces itself in the calendar).

    ``summary`` and ``lines`` come already in the visitor's language; no personal data beyond
    what the visitor knows belongs in them."""
    calendar = Calendar()
    calendar.add("prodid", "-//Terminpraxis//Termin//DE")
    calendar.add("version", "2.0")
    event = Event()
    event.add("uid", f"appointment-{appointment.id}-{appointment.code}@terminpraxis")
    event.add("dtstamp", now)
    event.add("dtstart", appointment.starts_at)
    event.add("dtend", appointment.starts_at + timedelta(minutes=appointment.duration_min))
    event.add("summary", summary)
    event.add("description", "\n".join(lines))
    event.add("location", office.name)
    calendar.add_component(event)
    return calendar.to_ical()
