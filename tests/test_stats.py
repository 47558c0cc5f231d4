"""The evaluation's figures against a scripted office day whose answers are worked out by hand.

The day (Monday 2026-11-23, demo office, hours 08–12 and 14–16, Berlin time):

appointments (booked Fri 20th unless said otherwise)
  A1 abraun  weiterbewilligung 09:00  in 08:50  called 09:02 (desk 210)  done 09:22
  A2 abraun  erstantrag        10:00  in 10:05  called 10:08 (210)        done 10:38
  A3 hkoch   weiterbewilligung 09:00  in 08:45  called 09:10 (211)        done 09:30
  A4 hkoch   unterlagen        09:30  never checked in → missed
  A5 pschulz erstantrag        09:00  cancelled on Friday
  A6 pschulz weiterbewilligung 10:00  resolved by post on Friday
  A7 pschulz unterlagen        11:00  booked Mon 08:05; in 10:58  called 11:00 (214)  no-show 11:03
  A8 hkoch   erstantrag        14:00  booked Mon 9th; in 13:55  called 14:12 (211)  done 14:42
walk-ins
  W1 notfall    08:10  called 08:15 by abraun (210)  done 08:30
  W2 unterlagen 08:20  called 08:40 by hkoch (211)   done 08:45, outcome by_post
  W3 notfall    09:05  called 09:35 by pschulz (214) done 09:50
  W4 notfall    10:00  called 10:51 by hkoch (211), put back 10:52, called 11:00, done 11:10
  a walk-in at 11:40 is refused (cutoff 30 min before 12:00): one intake stop
no visit needed
  N1 pschulz unterlagen: a caller at 08:05 sends the documents by post (recorded, not an appointment)
"""
from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from queue_core import facts, stats
from queue_core.errors import IntakeClosed, InvalidInput

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(2026, 11, 23)


def at(hour: int, minute: int = 0, day: date = MONDAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def scripted_day(engine, clock) -> dict[str, int]:
    """Drive the day above through the engine; returns ticket/appointment ids by label."""
    ids: dict[str, int] = {}

    def book(label, staff, service, hour, minute=0, **personal):
        ids[label] = engine.book_appointment(
            service=service, starts_at=at(hour, minute), staff=staff, name=f"Person {label}",
            birth_date="1970-01-01", phone="0461 1234", concern=f"Anliegen {label}", notes=f"Notiz {label}",
            documents=["Mietvertrag"], actor="telefon").id

    def check_in(label, hour, minute):
        clock.set(at(hour, minute))
        code = engine.appointment(ids[label]).code
        ids["t" + label] = engine.check_in(code).ticket.id

    def walk_in(label, service, hour, minute):
        clock.set(at(hour, minute))
        ids["t" + label] = engine.walk_in(service, initial="M").ticket.id

    def call(label, desk, staff, hour, minute):
        clock.set(at(hour, minute))
        engine.call_ticket(ids["t" + label], desk, staff, note=f"Frau Muster {label}")

    def finish(label, hour, minute, outcome="done"):
        clock.set(at(hour, minute))
        engine.finish(ids["t" + label], outcome)

    clock.set(at(10, 0, date(2026, 11, 9)))
    book("A8", "hkoch", "erstantrag", 14)
    clock.set(at(10, 0, date(2026, 11, 20)))
    book("A1", "abraun", "weiterbewilligung", 9)
    book("A2", "abraun", "erstantrag", 10)
    book("A3", "hkoch", "weiterbewilligung", 9)
    book("A4", "hkoch", "unterlagen", 9, 30)
    book("A5", "pschulz", "erstantrag", 9)
    book("A6", "pschulz", "weiterbewilligung", 10)
    engine.cancel_appointment(ids["A5"])
    engine.resolve_by_post(ids["A6"])
    clock.set(at(8, 5))
    book("A7", "pschulz", "unterlagen", 11)
    ids["N1"] = engine.record_no_visit(service="unterlagen", staff="pschulz", name="Person N1",
                                       concern="Anliegen N1", notes="Notiz N1", actor="telefon").id

    walk_in("W1", "notfall", 8, 10)
    call("W1", "210", "abraun", 8, 15)
    clock.set(at(8, 15))
    engine.start(ids["tW1"])
    walk_in("W2", "unterlagen", 8, 20)
    finish("W1", 8, 30)
    call("W2", "211", "hkoch", 8, 40)
    check_in("A3", 8, 45)
    finish("W2", 8, 45, "by_post")
    check_in("A1", 8, 50)
    call("A1", "210", "abraun", 9, 2)
    walk_in("W3", "notfall", 9, 5)
    call("A3", "211", "hkoch", 9, 10)
    finish("A1", 9, 22)
    finish("A3", 9, 30)
    call("W3", "214", "pschulz", 9, 35)
    clock.set(at(9, 46))
    assert engine.expire_missed() == [ids["A4"]]
    finish("W3", 9, 50)
    walk_in("W4", "notfall", 10, 0)
    check_in("A2", 10, 5)
    call("A2", "210", "abraun", 10, 8)
    finish("A2", 10, 38)
    call("W4", "211", "hkoch", 10, 51)
    clock.set(at(10, 52))
    engine.requeue(ids["tW4"])
    check_in("A7", 10, 58)
    call("W4", "211", "hkoch", 11, 0)
    call("A7", "214", "pschulz", 11, 0)
    clock.set(at(11, 3))
    engine.no_show(ids["tA7"])
    finish("W4", 11, 10)
    clock.set(at(11, 40))
    with pytest.raises(IntakeClosed):
        engine.walk_in("notfall")
    clock.set(at(11, 45))
    with pytest.raises(IntakeClosed):
        engine.walk_in("notfall")  # the second refusal of the day records no second stop
    check_in("A8", 13, 55)
    call("A8", "211", "hkoch", 14, 12)
    finish("A8", 14, 42)
    clock.set(at(16, 0))
    assert engine.expire_missed() == []
    return ids


@pytest.fixture
def day(engine, clock):
    return scripted_day(engine, clock)


def monday(engine) -> dict:
    return stats.evaluate(engine.db, engine.office, facts.make_period(MONDAY, MONDAY))


def test_served_no_shows_missed_cancelled(engine, day):
    summary = monday(engine)["summary"]
    assert summary["served"] == {"appointment": 4, "walk_in": 4, "total": 8}
    assert summary["no_shows"] == {"appointment": 1, "walk_in": 0, "total": 1}
    assert summary["appointments"] == {"booked": 0, "checked_in": 5, "missed": 1, "cancelled": 1,
                                       "by_post": 1, "total": 8}
    assert summary["tickets_cancelled"] == 0


def test_waits_from_check_in_to_first_call(engine, day):
    waits = monday(engine)["summary"]["waits"]
    # appointments 12, 3, 25, 2, 17 → sorted 2 3 12 17 25
    assert waits["appointment"] == {"n": 5, "mean": 11.8, "median": 12.0, "p90": 25.0, "max": 25.0}
    # walk-ins 5, 20, 30, 51 (W4's first call counts, though requeue cleared tickets.called_at)
    assert waits["walk_in"] == {"n": 4, "mean": 26.5, "median": 25.0, "p90": 51.0, "max": 51.0}


def test_punctuality_and_delay_distribution(engine, day):
    result = monday(engine)
    punctual = result["summary"]["punctuality"]
    # delays = call − max(start, check-in): A1 2, A2 3, A3 10, A7 0, A8 12
    assert (punctual["called"], punctual["within_limit"], punctual["share"]) == (5, 3, 0.6)
    assert punctual["delays"] == {"n": 5, "mean": 5.4, "median": 3.0, "p90": 12.0, "max": 12.0}
    assert [(r["delay_min"], r["count"]) for r in result["delay_distribution"]] == [
        ("≤ 0", 1), ("0–5", 2), ("5–10", 1), ("10–15", 1), ("15–30", 0), ("> 30", 0)]
    assert result["punctuality_by_week"] == [
        {"week": "2026-W48", "called": 5, "within_limit": 3, "share": 0.6, "delay_median": 3.0}]


def test_service_times_per_service(engine, day):
    rows = {r["service"]: r for r in monday(engine)["service_times"]}
    assert list(rows) == ["erstantrag", "weiterbewilligung", "unterlagen", "notfall"]
    assert (rows["erstantrag"]["n"], rows["erstantrag"]["mean"]) == (2, 30.0)
    assert (rows["weiterbewilligung"]["n"], rows["weiterbewilligung"]["mean"]) == (2, 20.0)
    assert (rows["unterlagen"]["n"], rows["unterlagen"]["mean"]) == (1, 5.0)
    # W1 15, W3 15, W4 10 (from its second call)
    assert (rows["notfall"]["n"], rows["notfall"]["mean"], rows["notfall"]["median"]) == (3, 13.3, 15.0)


def test_desk_idle_time(engine, day):
    result = monday(engine)
    desks = {r["desk"]: (r["staffed_min"], r["busy_min"], r["idle_min"]) for r in result["desk_idle"]}
    assert desks == {
        "210": (143.0, 65.0, 78.0),   # 08:15–10:38; busy 15 + 20 + 30
        "211": (242.0, 66.0, 176.0),  # 08:40–12:00 and 14:00–14:42 (lunch closed); busy 5+20+1+10+30
        "214": (88.0, 18.0, 70.0),    # 09:35–11:03; busy 15 + 3
    }
    assert result["summary"]["desk_idle"] == {"desk_days": 3, "staffed_min": 473.0, "busy_min": 149.0,
                                              "idle_min": 324.0, "idle_share": round(324 / 473, 4)}


def test_visits_avoided_lead_time_and_intake_stops(engine, day):
    result = monday(engine)
    summary = result["summary"]
    assert summary["visits_avoided"] == {"appointments_by_post": 1, "no_visit_needed": 1, "online_triage": 0, "finished_by_post": 1,
                                         "total": 3}
    # lead days: six booked on Friday for Monday (3), A7 same day (0), A8 two weeks ahead (14);
    # the "no visit needed" call N1 is no appointment: not in lead times nor appointment counts
    assert summary["lead_time"] == {"appointments": 8, "mean_days": 4.0, "median_days": 3.0, "max_days": 14,
                                    "within_week": 7, "share_within_week": 0.875}
    assert [(r["lead_days"], r["count"]) for r in result["lead_time_distribution"]] == [
        ("0", 1), ("1", 0), ("2–3", 6), ("4–7", 0), ("8–14", 1), ("> 14", 0)]
    assert summary["intake_stops"] == {"count": 1, "by_reason": {"cutoff": 1}}
    assert result["intake_stops"] == [{"day": "2026-11-23", "time": "11:40", "reason": "cutoff"}]


def test_by_caseworker(engine, day):
    rows = {r["staff"]: r for r in monday(engine)["by_caseworker"]}
    assert list(rows) == ["abraun", "hkoch", "pschulz"]
    a, h, p = rows["abraun"], rows["hkoch"], rows["pschulz"]
    assert (a["served_appointment"], a["served_walk_in"], a["no_shows"], a["appointments"]) == (2, 1, 0, 2)
    assert (a["wait_appointment_mean"], a["wait_walk_in_mean"], a["punctual_share"]) == (7.5, 5.0, 1.0)
    assert (h["served_appointment"], h["served_walk_in"], h["missed"], h["appointments"]) == (2, 2, 1, 3)
    assert (h["wait_appointment_mean"], h["wait_walk_in_mean"], h["punctual_share"]) == (21.0, 35.5, 0.0)
    assert (p["served"], p["no_shows"], p["cancelled"], p["by_post"], p["appointments"]) == (1, 1, 1, 1, 3)
    assert (p["no_visit_needed"], a["no_visit_needed"], h["no_visit_needed"]) == (1, 0, 0)
    assert (p["wait_appointment_mean"], p["wait_walk_in_mean"], p["punctual_share"]) == (2.0, 30.0, 1.0)
    assert rows["hkoch"]["staff_name"] == "Hakan Koch"


def test_by_service(engine, day):
    rows = {r["service"]: r for r in monday(engine)["by_service"]}
    assert [(k, r["served_appointment"], r["served_walk_in"], r["no_shows"], r["appointments"], r["missed"],
             r["cancelled"], r["by_post"], r["no_visit_needed"]) for k, r in rows.items()] == [
        ("erstantrag", 2, 0, 0, 3, 0, 1, 0, 0),
        ("weiterbewilligung", 2, 0, 0, 3, 0, 0, 1, 0),
        ("unterlagen", 0, 1, 1, 2, 1, 0, 0, 1),
        ("notfall", 0, 3, 0, 0, 0, 0, 0, 0),
    ]


def test_waits_by_hour_and_daily_visitors(engine, day):
    result = monday(engine)
    hours = {r["hour"]: (r["appointment_n"], r["appointment_mean"], r["walk_in_n"], r["walk_in_mean"])
             for r in result["waits_by_hour"]}
    assert hours == {8: (2, 18.5, 2, 12.5), 9: (0, None, 1, 30.0), 10: (2, 2.5, 1, 51.0), 13: (1, 17.0, 0, None)}
    assert result["daily"] == [{"day": "2026-11-23", "served_appointment": 4, "served_walk_in": 4, "no_shows": 1,
                                "missed": 1, "cancelled": 1, "visits_avoided": 3, "intake_stops": 1,
                                "served": 8}]


def test_other_days_and_locations_are_not_counted(engine, day):
    week = stats.evaluate(engine.db, engine.office, facts.make_period(date(2026, 11, 16), date(2026, 11, 22)))
    assert week["summary"]["served"]["total"] == 0 and week["summary"]["appointments"]["total"] == 0
    assert len(week["daily"]) == 7
    elsewhere = stats.evaluate(engine.db, engine.office, facts.make_period(MONDAY, MONDAY, "anderswo"))
    assert elsewhere["summary"]["served"]["total"] == 0
    here = stats.evaluate(engine.db, engine.office, facts.make_period(MONDAY, MONDAY, engine.office.location))
    assert here["summary"] == monday(engine)["summary"]


def test_describe_uses_nearest_rank_p90():
    assert stats.describe([]) == stats.Figures(0, None, None, None, None)
    figures = stats.describe(range(1, 11))
    assert (figures.mean, figures.median, figures.p90, figures.max) == (5.5, 5.5, 9, 10)
    assert stats.describe([7]).p90 == 7


@pytest.mark.parametrize("first, last, message", [
    ("2026-11-24", "2026-11-23", "after"),
    ("gestern", None, "date"),
    ("2026-02-30", None, "date"),
    ("2026-1-1", None, "date"),
    ("2020-01-01", "2026-01-01", "at most"),
    ("0001-01-01", None, "plausible"),
])
def test_bad_periods_are_refused(engine, first, last, message):
    with pytest.raises(InvalidInput) as refused:
        facts.period_from_query(engine.db, engine.office, engine.now(), first, last)
    assert message in refused.value.message


def test_default_period_is_the_week_up_to_today_or_the_last_day_with_tickets(engine, day):
    period = facts.period_from_query(engine.db, engine.office, at(9, 0, date(2026, 11, 20)), None, None)
    assert (period.first, period.last) == (date(2026, 11, 17), MONDAY)
    period = facts.period_from_query(engine.db, engine.office, engine.now(), "2026-11-01", None)
    assert (period.first, period.last) == (date(2026, 11, 1), date(2026, 11, 7))


def test_tables_flatten_for_export(engine, day):
    result = monday(engine)
    summary = dict((r["figure"], r["value"]) for r in stats.table(result, "summary"))
    assert summary["served.total"] == 8 and summary["punctuality.share"] == 0.6
    for name in stats.TABLES:
        assert isinstance(stats.table(result, name), list)
    with pytest.raises(InvalidInput):
        stats.table(result, "secrets")


def test_figures_agree_with_the_simulation(tmp_path):
    """The simulator measures waits itself; the evaluation of its database must agree."""
    from queue_core import connect
    from queue_core.simulation import run_day, simulated_office

    path = tmp_path / "sim.db"
    report = run_day(staff=3, appointments=15, walk_ins=20, days=1, database=str(path))
    db = connect(path)
    result = stats.evaluate(db, simulated_office(3), facts.make_period(date(2026, 11, 23), date(2026, 11, 23)))
    db.close()
    waits = result["summary"]["waits"]
    assert waits["appointment"]["n"] == len(report.appointment_waits)
    assert waits["walk_in"]["n"] == len(report.walk_in_waits)
    assert waits["walk_in"]["max"] == round(max(report.walk_in_waits), 1)
    assert result["summary"]["served"]["total"] == report.served
    assert result["summary"]["punctuality"]["within_limit"] == sum(1 for d in report.appointment_delays if d <= 5)


def test_waiting_for_the_first_visitor_counts_as_staffed_idle_time(engine, clock):
    """Ten minutes at the desk and one 12-second visit: 10 idle of 10.2 staffed minutes (the figure
    once began at the first call and read '0 von 0,2')."""
    clock.set(at(9, 0))
    assert engine.staff_desk("210", actor="hkoch") is True
    clock.set(at(9, 5))
    assert engine.staff_desk("210", actor="hkoch") is False  # a reload of the desk page changes nothing
    ticket = engine.walk_in("notfall", initial="M").ticket
    clock.set(at(9, 10))
    engine.call_next("210", "hkoch")
    clock.set(datetime.combine(MONDAY, time(9, 10, 12), tzinfo=BERLIN))
    engine.finish(ticket.id)
    clock.set(at(11))
    summary = stats.evaluate(engine.db, engine.office, facts.make_period(MONDAY, MONDAY, None))["summary"]
    assert summary["desk_idle"] == {"desk_days": 1, "staffed_min": 10.2, "busy_min": 0.2, "idle_min": 10.0,
                                    "idle_share": round(10 / 10.2, 4)}
    # Another desk taken the same day is its own span; a desk taken on Tuesday starts afresh.
    assert engine.staff_desk("211", actor="abraun") is True
    clock.set(at(8, 0, date(2026, 11, 24)))
    assert engine.staff_desk("210", actor="hkoch") is True
