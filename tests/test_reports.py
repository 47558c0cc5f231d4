"""/reports, its exports, the access log view and GET /api/v1/stats through the Flask test client."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from queue_core import facts, stats

from test_desk_support import bearer, make_token, sign_in
from test_stats import MONDAY, at, scripted_day

MONDAY_QUERY = "from=2026-11-23&to=2026-11-23"


@pytest.fixture
def day(engine, clock):
    return scripted_day(engine, clock)


@pytest.fixture
def admin(app):
    return bearer(make_token(app, "chefin", "admin"))


@pytest.fixture
def staff(app):
    return bearer(make_token(app, "abraun", "staff"))


PAGES = ["/reports", "/reports?" + MONDAY_QUERY, "/reports/access-log", "/reports/export?table=daily&format=csv",
         "/reports/export?table=all&format=json", "/reports/access-log/export?format=csv"]


@pytest.mark.parametrize("url", PAGES)
def test_report_pages_send_anonymous_callers_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/desk/login" in response.headers["Location"]


@pytest.mark.parametrize("url", PAGES + ["/api/v1/stats"])
def test_report_pages_refuse_the_staff_role(client, staff, url):
    response = client.get(url, headers=staff)
    assert response.status_code == 403
    if url.startswith("/api/"):
        assert response.get_json()["error"]["code"] == "forbidden"


def test_stats_api_needs_a_sign_in(client):
    response = client.get("/api/v1/stats")
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


def test_a_staff_session_is_refused_and_an_admin_session_admitted(app, client):
    from test_desk_support import make_staff

    make_staff(app, "abraun", "staff")
    sign_in(client, "abraun")
    assert client.get("/reports").status_code == 403
    client.post("/desk/logout", data={"csrf_token": sign_in(client, "abraun")})
    make_staff(app, "chefin", "admin")
    sign_in(client, "chefin")
    assert client.get("/reports").status_code == 200


def test_stats_api_answers_with_the_hand_computed_day(client, admin, day, engine):
    response = client.get("/api/v1/stats?" + MONDAY_QUERY, headers=admin)
    assert response.status_code == 200
    data = response.get_json()
    assert data["period"] == {"from": "2026-11-23", "to": "2026-11-23", "days": 1, "location": None}
    assert data["summary"]["served"] == {"appointment": 4, "walk_in": 4, "total": 8}
    assert data["summary"]["punctuality"]["share"] == 0.6
    assert data["summary"]["waits"]["walk_in"]["median"] == 25.0
    assert data == json.loads(json.dumps(stats.evaluate(engine.db, engine.office,
                                                        facts.make_period(MONDAY, MONDAY))))
    located = client.get(f"/api/v1/stats?{MONDAY_QUERY}&location={engine.office.location}", headers=admin)
    assert located.get_json()["summary"] == data["summary"]


def test_report_page_shows_figures_charts_and_tables(client, admin, day):
    html = client.get("/reports?" + MONDAY_QUERY, headers=admin).get_data(as_text=True)
    assert html.count('<svg class="chart"') == 3
    assert "Auswertung" in html and "23.11.2026" in html
    assert "Pünktlich aufgerufen" in html and "60 %" in html
    assert "Hakan Koch" in html and "Notfall / Vorsprache" in html
    assert "/reports/export?table=by_service&amp;format=csv&amp;from=2026-11-23&amp;to=2026-11-23" in html
    # the evaluation shows no personal data, though the day's appointments still hold it
    for personal in ("Person A1", "Anliegen A1", "Notiz A1", "1970-01-01", "0461 1234", "Frau Muster"):
        assert personal not in html


def test_report_page_defaults_to_the_week_up_to_the_last_day_with_tickets(client, admin, day):
    html = client.get("/reports", headers=admin).get_data(as_text=True)
    assert "17.11.2026 – 23.11.2026" in html and html.count('<svg class="chart"') == 3


def read_csv(response, delimiter: str = ",") -> list[dict[str, str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=delimiter))


def test_every_table_exports_as_csv_and_json(client, admin, day):
    for name in stats.TABLES:
        response = client.get(f"/reports/export?table={name}&format=csv&{MONDAY_QUERY}", headers=admin)
        assert response.status_code == 200 and response.mimetype == "text/csv", name
        assert "attachment" in response.headers["Content-Disposition"]
        rows = read_csv(response)
        as_json = client.get(f"/reports/export?table={name}&format=json&{MONDAY_QUERY}", headers=admin).get_json()
        assert len(rows) == len(as_json[name]), name
    # Plain CSV keeps the JSON's keys (for programs); csv-de is for the office's Excel: German column
    # and figure names as the page says them, semicolons, decimal comma.
    services = {r["service"]: r for r in read_csv(client.get(
        f"/reports/export?table=by_service&format=csv&{MONDAY_QUERY}", headers=admin))}
    assert services["notfall"]["served_walk_in"] == "3" and services["unterlagen"]["missed"] == "1"
    services = {r["Anliegen (Schlüssel)"]: r for r in read_csv(client.get(
        f"/reports/export?table=by_service&format=csv-de&{MONDAY_QUERY}", headers=admin), ";")}
    assert services["notfall"]["bedient ohne Termin"] == "3" and services["unterlagen"]["versäumt"] == "1"
    summary = {r["Kennzahl"]: r["Wert"] for r in read_csv(client.get(
        f"/reports/export?table=summary&format=csv-de&{MONDAY_QUERY}", headers=admin), ";")}
    assert summary["bedient · gesamt"] == "8" and summary["Wartezeit · mit Termin · Mittel min"] == "11,8"
    assert not any("." in name.replace("Max.", "") for name in summary), list(summary)[:5]
    everything = client.get(f"/reports/export?table=all&format=json&{MONDAY_QUERY}", headers=admin).get_json()
    assert everything["summary"]["visits_avoided"]["total"] == 3


@pytest.mark.parametrize("query", [
    "from=2026-11-24&to=2026-11-23",          # from after to
    "from=gestern",                           # garbage
    "to=23.11.2026",                          # German format is not ISO
    "from=2026-02-30",                        # no such day
    "from=2020-01-01&to=2026-11-23",          # far more than a year
    "from=9999-01-01",                        # not plausible
    "from=" + "2" * 5000,                     # huge
    "location=" + "x" * 100,                  # too long
])
@pytest.mark.parametrize("path", ["/api/v1/stats?", "/reports/export?table=daily&format=csv&",
                                  "/reports/access-log/export?format=csv&"])
def test_bad_ranges_are_refused_with_json(client, admin, path, query):
    response = client.get(f"{path}{query}", headers=admin)
    assert response.status_code in (400, 422), response.get_data(as_text=True)[:200]
    assert set(response.get_json()["error"]) >= {"code", "message"}


@pytest.mark.parametrize("query", ["from=2026-11-24&to=2026-11-23", "from=gestern", "from=2020-01-01&to=2026-11-23"])
def test_bad_ranges_on_the_pages_say_why(client, admin, query):
    for path in ("/reports", "/reports/access-log"):
        response = client.get(f"{path}?{query}", headers=admin)
        assert response.status_code == 422
        assert 'role="alert"' in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/reports/export?table=secrets&format=csv", "/reports/export?table=daily&format=xlsx",
                                 "/reports/export?table=all&format=csv", "/reports/export",
                                 "/reports/access-log/export?format=xml"])
def test_unknown_exports_are_refused(client, admin, url):
    response = client.get(url, headers=admin)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid"


def test_csv_cells_never_start_a_formula(client, admin, engine, clock):
    from desk.reports.export import cell

    assert cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and cell(-3) == "-3" and cell(None) == ""


def test_access_log_lists_who_read_what_without_personal_data(app, client, admin, engine, day, clock):
    from test_desk_support import make_staff

    make_staff(app, "abraun", "staff", name="Anna Braun")
    clock.set(at(8, 0))
    engine.record_reading("abraun", "appointments_of_day", date="2026-11-23")
    clock.set(at(8, 55))
    engine.record_reading("abraun", "appointment", day["A1"])
    clock.set(at(9, 0, date(2026, 11, 24)))
    engine.record_reading("chefin", "slip", day["A2"])
    html = client.get("/reports/access-log?" + MONDAY_QUERY, headers=admin).get_data(as_text=True)
    assert "Anna Braun" in html and "2026-11-23 08:55:00" in html and "Terminliste eines Tages" in html
    assert "2026-11-24" not in html  # outside the chosen day
    assert "Person A1" not in html
    only = client.get(f"/reports/access-log?from=2026-11-23&to=2026-11-24&staff=chefin",
                      headers=admin).get_data(as_text=True)
    assert "Terminzettel" in only and "Terminliste eines Tages" not in only
    rows = read_csv(client.get("/reports/access-log/export?format=csv&from=2026-11-23&to=2026-11-24", headers=admin))
    assert [(r["staff"], r["what"], r["appointment_id"]) for r in rows] == [
        ("chefin", "slip", str(day["A2"])), ("abraun", "appointment", str(day["A1"])),
        ("abraun", "appointments_of_day", "")]
    entries = client.get("/reports/access-log/export?format=json&from=2026-11-23&to=2026-11-24", headers=admin).get_json()
    assert len(entries["entries"]) == 3
