"""The demo office's data: accounts to sign in with and a day of appointments around now."""
from __future__ import annotations

from datetime import datetime, timedelta

from queue_core import Engine, views
from queue_core.accounts import add_staff, sync_caseworkers
from queue_core.errors import QueueError
from queue_core.schedule import fits_hours

DEMO_PASSWORD = "terminpraxis-demo"
ADMIN = "leitung"
# Fictional callers; the office's real data never goes into a demo.
CALLERS = ["Albers, Jana", "Becker, Tom", "Dogan, Elif", "Hansen, Nils", "Kowalski, Ewa", "Lange, Uwe",
           "Martens, Ida", "Nowak, Piotr", "Peters, Lisa", "Schmidt, Kai", "Thomsen, Rieke", "Yilmaz, Can"]
DOCUMENTS = ["Kontoauszüge der letzten 3 Monate", "Mietvertrag", "Heizkostenabrechnung", "Lohnabrechnungen"]


def is_empty(engine: Engine) -> bool:
    """No appointment booked yet: only then is the demo seeded (never over an office's real data)."""
    return not views.has_appointments(engine.db)


def seed(engine: Engine) -> list[str]:
    """Accounts for every caseworker and the office lead, and today's appointments from now on.

    Returns the lines to print (logins and a few appointment codes to try at the kiosk).
    """
    now = engine.now()
    sync_caseworkers(engine.db, engine.office, now)
    add_staff(engine.db, ADMIN, name="Büroleitung (Demo)", role="admin", password=DEMO_PASSWORD, now=now)
    for caseworker in engine.office.staff.values():
        add_staff(engine.db, caseworker.username, name=caseworker.name, role="staff",
                  password=DEMO_PASSWORD, now=now)
    booked = _book_day(engine, now)
    lines = [f"  {ADMIN} / {DEMO_PASSWORD}  (admin)"]
    lines += [f"  {c.username} / {DEMO_PASSWORD}  ({c.name})" for c in engine.office.staff.values()]
    lines.append("Appointment codes to check in at the kiosk:")
    lines += [f"  {a.code[:4]}-{a.code[4:]}  {a.starts_at.astimezone(engine.office.timezone):%H:%M}"
              for a in booked[:5]]
    return lines


def _book_day(engine: Engine, now: datetime) -> list:
    office = engine.office
    services = [s for s in office.services.values()]
    if not services or not office.staff:
        return []
    start = (now + timedelta(minutes=15)).replace(second=0, microsecond=0)
    start -= timedelta(minutes=start.minute % 15)
    booked, caller = [], 0
    for step in range(16):
        slot = start + timedelta(minutes=30 * step)
        for index, caseworker in enumerate(office.staff.values()):
            service = office.service(caseworker.services[(step + index) % len(caseworker.services)])
            if (step + index) % 3 == 2 or not fits_hours(office, slot, service.minutes):
                continue
            try:
                booked.append(engine.book_appointment(
                    service=service.key, starts_at=slot, staff=caseworker.username,
                    name=CALLERS[caller % len(CALLERS)], concern=f"{service.name} (Demo)",
                    documents=DOCUMENTS[: 1 + caller % len(DOCUMENTS)], actor=ADMIN))
            except QueueError:
                continue
            caller += 1
    return booked
