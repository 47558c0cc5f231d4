"""The demo office looks like a real one: slots within booking hours, names by the letter rules,
prepared notes, and `terminpraxis demo` prints logins and codes on every start."""
from __future__ import annotations

import tomllib
from datetime import datetime, timedelta, timezone

from queue_core import Engine, ManualClock, Office, connect, views
from queue_core.letters import normalise_initial
from queue_core.slots import free_slots
from web import demo

from conftest import DEMO_CONFIG
from test_cli import run  # noqa: F401  (the CLI fixture)


def demo_office() -> Office:
    with DEMO_CONFIG.open("rb") as handle:
        return Office.from_mapping(tomllib.load(handle))


def test_demo_slots_look_like_a_real_office_at_any_hour(tmp_path):
    office = demo_office()
    db = connect(tmp_path / "slots.db")
    late_sunday = datetime(2026, 11, 22, 22, 50, tzinfo=timezone.utc)  # 23:50 in Berlin
    found = free_slots(db, office, late_sunday, "weiterbewilligung", days=7)
    times = {s.starts_at.astimezone(office.timezone).strftime("%H:%M") for s in found}
    assert times and min(times) == "08:00" and max(times) < "18:00"
    assert "00:00" not in times
    days = {s.starts_at.astimezone(office.timezone).date() for s in found}
    assert len(days) == 5  # Monday to Friday, no weekend


def test_seeded_appointments_follow_the_letter_rules_and_carry_notes(tmp_path):
    office = demo_office()
    tuesday_0900 = datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc)
    engine = Engine(connect(tmp_path / "demo.db"), office, ManualClock(tuesday_0900))
    demo.seed(engine)
    day = tuesday_0900.date()
    seeded = [e.appointment for offset in range(3)
              for e in views.day_appointments(engine.db, office, day + timedelta(days=offset))]
    assert len(seeded) >= 20
    for appointment in seeded:
        caseworker = office.staff[appointment.staff]
        assert caseworker.handles_initial(normalise_initial(appointment.name)), (appointment.name, caseworker.name)
        assert appointment.notes and "(Demo)" not in (appointment.concern or "")
        local = appointment.starts_at.astimezone(office.timezone)
        assert "08:00" <= local.strftime("%H:%M") < "16:00", local
    names_today = [a.name for a in seeded if a.starts_at.date() == day]
    assert len(names_today) == len(set(names_today))  # nobody booked twice on one day
    assert demo.kiosk_codes(engine)  # something to try at the kiosk right away


def test_demo_at_night_books_inside_booking_hours_widened_around_now(tmp_path):
    """Sunday 23:10 in Berlin: no booking hours at all that day. The demo's codes still work at the
    kiosk, but inside booking hours (Sunday's widened to 23:00–24:00), and other days stay real."""
    with DEMO_CONFIG.open("rb") as handle:
        base = tomllib.load(handle)
    sunday_night = datetime(2026, 11, 22, 22, 10, tzinfo=timezone.utc)
    clock = ManualClock(sunday_night)
    engine = Engine(connect(tmp_path / "night.db"), Office.from_mapping(base), clock)
    demo.seed(engine)
    codes = demo.kiosk_codes(engine)
    assert len(codes) == 3 and all("23:" in code for code in codes)
    office = engine.office
    assert [f"{i.start:%H:%M}" for i in office.booking_hours["sun"]] == ["23:00"]
    assert office.booking_hours["mon"] == Office.from_mapping(base).booking_hours["mon"]
    for offset in range(3):
        for entry in views.day_appointments(engine.db, office, sunday_night.date() + timedelta(days=offset)):
            starts = entry.appointment.starts_at
            assert demo._bookable(engine, starts, office.service(entry.appointment.service).minutes), starts
    # Monday at 20:00 with the codes of Sunday long gone: a new start books three more, in 20:00–22:00.
    clock.set(datetime(2026, 11, 23, 19, 0, tzinfo=timezone.utc))
    demo.refresh(engine)
    assert [f"{i.start:%H:%M}-{i.end:%H:%M}" for i in engine.office.booking_hours["mon"]] == [
        "08:00-12:00", "14:00-16:00", "20:00-22:00"]
    assert len(demo.kiosk_codes(engine)) == 3


def test_demo_prints_logins_and_codes_on_every_start(run):  # noqa: F811
    first = run("demo").output
    again = run("demo").output
    assert "not seeded again" in again and "leitung / terminpraxis-demo" in again
    codes = [line for line in first.splitlines() if line.startswith("  ") and "-" in line and ":" in line
             and "/" not in line]
    assert codes and all(code in again for code in codes)
