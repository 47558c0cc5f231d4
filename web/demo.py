"""The demo office's data: accounts to sign in with and appointments that look like a real office's.

The demo office is open around the clock (so `make run` can be tried at any hour), but it books
like a real one: slots within its ``booking_hours``, spread over the day, each caller with the
caseworker the surname letter rules give, each appointment with prepared notes. So that the kiosk
can be tried at any hour too, every start (``refresh``) makes sure a few appointments are due soon:
when now lies outside the booking hours, today's booking hours are widened by the two hours around
now (an /admin setting of the demo database, never of the configuration file).
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from queue_core import Engine, views
from queue_core.distribution import union
from queue_core.errors import QueueError
from queue_core.letters import normalise_initial
from queue_core.office import WEEKDAYS, Interval
from queue_core.schedule import booking_openings, local_day
from queue_core.slots import free_slots

DEMO_PASSWORD = "terminpraxis-demo"
ADMIN = "leitung"
# Fictional callers (surname, given name); the office's real data never goes into a demo.
CALLERS = ["Albers, Jana", "Becker, Tom", "Dogan, Elif", "Hansen, Nils", "Kowalski, Ewa", "Lange, Uwe",
           "Martens, Ida", "Nowak, Piotr", "Peters, Lisa", "Schmidt, Kai", "Thomsen, Rieke", "Yilmaz, Can",
           "Engel, Maren", "Jansen, Ole", "Richter, Amira", "Fischer, Jonas", "Öztürk, Deniz", "Weber, Anja"]
DOCUMENTS = ["Kontoauszüge der letzten 3 Monate", "Mietvertrag", "Heizkostenabrechnung", "Lohnabrechnungen"]
# What a caseworker notes when booking by phone, per service (fictional, no real case).
NOTES = {
    "erstantrag": [("Erstantrag nach Umzug", "Zieht zum Monatsende nach Musterstadt; Mietvertrag liegt vor."),
                   ("Erstantrag nach Jobverlust", "Kündigung zum 30.; Arbeitslosengeld beantragt, Bescheid fehlt.")],
    "weiterbewilligung": [("Weiterbewilligung", "Bewilligung endet in drei Wochen; Einkommen unverändert."),
                          ("Weiterbewilligung mit Änderung", "Neue Miete ab nächstem Monat, Nachweis mitbringen.")],
    "unterlagen": [("Unterlagen nachreichen", "Fehlende Kontoauszüge zum laufenden Antrag.")],
    "notfall": [("Vorsprache Stromsperre", "Sperrandrohung erhalten; Schreiben des Versorgers mitbringen.")],
}
DAY_TARGET = 14  # appointments per office day: a full but not packed day for three caseworkers
SOON_MIN = 60    # an appointment starting within this is one to try at the kiosk now


def is_empty(engine: Engine) -> bool:
    """No appointment booked yet: only then is the demo seeded (never over an office's real data)."""
    return not views.has_appointments(engine.db)


def seed(engine: Engine) -> None:
    """Accounts for every caseworker and the office lead, and appointments for today and the next day."""
    now = engine.now()
    engine.sync_caseworkers()
    engine.add_staff(ADMIN, name="Büroleitung (Demo)", role="admin", password=DEMO_PASSWORD)
    for caseworker in engine.office.staff.values():
        engine.add_staff(caseworker.username, name=caseworker.name, role="staff", password=DEMO_PASSWORD)
    _book_days(engine, now)
    refresh(engine)


def is_demo(engine: Engine) -> bool:
    """The database is the demo's (its office lead account exists), so a start may book into it."""
    return views.has_appointments(engine.db) and engine.db.execute(
        "SELECT 1 FROM staff WHERE username = ?", (ADMIN,)).fetchone() is not None


def refresh(engine: Engine) -> None:
    """On every start: appointments due within the hour, inside the booking hours, to try the kiosk."""
    if kiosk_codes(engine):
        return
    now = engine.now()
    if not _bookable(engine, now + timedelta(minutes=15), 30):
        _widen_booking_hours(engine, now)
    _book_soon(engine, now)


def _bookable(engine: Engine, start: datetime, minutes: int) -> bool:
    end = start + timedelta(minutes=minutes)
    return any(o.start <= start and end <= o.end for o in booking_openings(engine.office, local_day(engine.office, start)))


def _widen_booking_hours(engine: Engine, now: datetime) -> None:
    """Today's booking hours plus the hour of now and the next (merged, so they never overlap)."""
    office = engine.office
    local = now.astimezone(office.timezone)
    today = WEEKDAYS[local.weekday()]
    extra = Interval(time(local.hour), time(local.hour + 2) if local.hour < 22 else time.max)
    spans = union((i.start, i.end) for i in (*office.booking_hours.get(today, ()), extra))

    def text(at: time) -> str:
        return "24:00" if at == time.max else at.strftime("%H:%M")

    hours = {day: [f"{text(i.start)}-{text(i.end)}" for i in office.booking_hours.get(day, ())] for day in WEEKDAYS}
    hours[today] = [f"{text(a)}-{text(b)}" for a, b in spans]
    engine.office = engine.save_settings({"booking_hours": hours}, actor=ADMIN)


def login_lines(engine: Engine) -> list[str]:
    lines = [f"  {ADMIN} / {DEMO_PASSWORD}  (admin)"]
    return lines + [f"  {c.username} / {DEMO_PASSWORD}  ({c.name})" for c in engine.office.staff.values()]


def kiosk_codes(engine: Engine, limit: int = 5) -> list[str]:
    """Codes of booked appointments that can be checked in now or soon, as 'K7M4-QXZ9  14:30'."""
    now = engine.now()
    found = []
    for entry in views.day_appointments(engine.db, engine.office, local_day(engine.office, now)):
        appointment = entry.appointment
        starts = appointment.starts_at
        if appointment.state == "booked" and now - timedelta(minutes=15) <= starts <= now + timedelta(minutes=SOON_MIN):
            found.append(f"  {appointment.code[:4]}-{appointment.code[4:]}  "
                         f"{starts.astimezone(engine.office.timezone):%H:%M}")
    return found[:limit]


def _caller_for(engine: Engine, staff: str, used: set[str]) -> str | None:
    """A caller not yet booked that day whose surname letter belongs to the caseworker."""
    caseworker = engine.office.staff[staff]
    for name in CALLERS:
        if name not in used and caseworker.handles_initial(normalise_initial(name)):
            return name
    return None


def _book(engine: Engine, service_key: str, slot_start: datetime, staff: str, used: set[str]) -> bool:
    name = _caller_for(engine, staff, used)
    if name is None:
        return False
    index = CALLERS.index(name)
    options = NOTES.get(service_key) or [(engine.office.service(service_key).name, "")]
    concern, notes = options[index % len(options)]
    try:
        engine.book_appointment(service=service_key, starts_at=slot_start, staff=staff, name=name,
                                concern=concern, notes=notes, documents=DOCUMENTS[: 1 + index % len(DOCUMENTS)],
                                actor=ADMIN)
    except QueueError:
        return False
    used.add(name)
    return True


def _book_days(engine: Engine, now: datetime) -> None:
    """About DAY_TARGET appointments on today and the next office day, spread evenly over each
    caseworker's free booking slots."""
    office = engine.office
    if not office.services or not office.staff:
        return
    per_caseworker = max(1, DAY_TARGET // len(office.staff))
    for cw_index, caseworker in enumerate(office.staff.values()):
        service_keys = [s for s in caseworker.services if s in office.services]
        if not service_keys:
            continue
        longest = max(service_keys, key=lambda key: office.service(key).minutes)
        by_day: dict = {}
        for slot in free_slots(engine.db, office, now, longest, staff=caseworker.username, days=4, step_min=30):
            by_day.setdefault(local_day(office, slot.starts_at), []).append(slot.starts_at)
        for day in sorted(by_day)[:2]:
            starts = by_day[day]
            picks = sorted({starts[int(i * len(starts) / per_caseworker)] for i in range(min(per_caseworker, len(starts)))})
            used = _used_names(engine, day)
            for i, start in enumerate(picks):
                _book(engine, service_keys[(i + cw_index) % len(service_keys)], start, caseworker.username, used)


def _used_names(engine: Engine, day) -> set[str]:
    return {entry.appointment.name for entry in views.day_appointments(engine.db, engine.office, day)}


def _book_soon(engine: Engine, now: datetime) -> None:
    """Three appointments in the next hour, inside the booking hours, so the kiosk can be tried now
    (each caseworker's first service that still fits, so late in a span a short one is booked)."""
    office = engine.office
    start = (now + timedelta(minutes=14)).replace(second=0, microsecond=0)
    start -= timedelta(minutes=start.minute % 5)
    used = _used_names(engine, local_day(office, now))
    for step, caseworker in enumerate(list(office.staff.values())[:3]):
        slot = start + timedelta(minutes=10 * step)
        service = next((s for s in caseworker.services
                        if s in office.services and _bookable(engine, slot, office.service(s).minutes)), None)
        if service:
            _book(engine, service, slot, caseworker.username, used)
