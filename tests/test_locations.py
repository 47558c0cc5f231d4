"""Locations in /admin and the engine: added, renamed, deactivated; own settings; who works where."""
from __future__ import annotations

from html import unescape

import pytest

from conftest import MONDAY_0830, office_mapping
from queue_core import Engine, ManualClock, Office, connect, locations
from queue_core.errors import InvalidInput
from test_admin_settings import desk_form
from test_desk_support import PASSWORD, csrf_from, make_staff, sign_in


@pytest.fixture
def admin(app, client):
    make_staff(app, "leitung", role="admin")
    return sign_in(client, "leitung", desk=None)


def registry(app) -> locations.Registry:
    db = connect(app.config["DATABASE"])
    try:
        return locations.load(db, app.config["OFFICE"])
    finally:
        db.close()


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def test_the_file_names_locations_that_inherit_all_but_desks(db_path):
    config = office_mapping(locations={"nord": {"name": "Bürgerbüro Nord", "desks": [{"key": "n1", "room": "N 1"}]}})
    db = connect(db_path)
    found = locations.load(db, config)
    assert list(found.locations) == ["rathaus", "nord"] and found.primary == "rathaus"
    nord = found.office("nord")
    assert (nord.name, list(nord.desks), nord.primary) == ("Bürgerbüro Nord", ["n1"], False)
    assert nord.services == found.office().services  # inherited from the top level
    with pytest.raises(InvalidInput) as shared:  # one desk key for two desks is refused at the start
        locations.load(db, office_mapping(locations={"nord": {"desks": [{"key": "210"}]}}))
    assert shared.value.details["field"] == "desks"
    with pytest.raises(InvalidInput):
        locations.configured(office_mapping(locations={"Nord Ost": {}}))
    db.close()


def test_settings_of_one_location_leave_the_other_alone(db_path):
    config = office_mapping(locations={"nord": {"desks": [{"key": "n1", "room": "N 1"}]}})
    db = connect(db_path)
    clock = ManualClock(MONDAY_0830)
    nord = Engine(db, locations.load(db, config).office("nord"), clock)
    nord.save_settings({"board_message": "Nord schließt um 12", "desks": [{"key": "n1", "room": "Nord 1"}]},
                       actor="leitung")
    found = locations.load(db, config)
    assert found.offices["nord"].desks["n1"].room == "Nord 1"
    assert found.overrides["nord"]["board_message"] == "Nord schließt um 12"
    assert found.overrides["rathaus"] == {} and "n1" not in found.office().desks
    seq = db.execute("SELECT location FROM events WHERE kind = 'settings_changed'").fetchall()
    assert {row[0] for row in seq} == {"nord"}
    with pytest.raises(InvalidInput):  # nord may not take rathaus's desk key
        Engine(db, found.office("nord"), clock).save_settings(
            {"desks": [{"key": "210"}]}, actor="leitung",
            desks_elsewhere=locations.desks_elsewhere(db, config, "nord"))
    db.close()


def test_admin_adds_renames_and_deactivates_a_location(app, client, admin):
    page = client.get("/admin/locations")
    assert page.status_code == 200 and "rathaus" in text(page)
    refused = client.post("/admin/locations", data={"csrf_token": admin, "slug": "Süd!", "name": "Süd"})
    assert refused.status_code == 422 and 'value="Süd!"' in text(refused)
    assert client.post("/admin/locations", data={"csrf_token": admin, "slug": "sued",
                                                 "name": "Bürgerbüro Süd"}).status_code == 302
    assert registry(app).office("sued").name == "Bürgerbüro Süd"
    assert client.get("/standort/sued/").status_code == 200  # its kiosk
    board = client.get("/standort/sued/display")
    assert board.status_code == 200 and "Bürgerbüro Süd" in text(board)

    # Its own desks, saved in its own settings; a desk key of rathaus is refused there.
    saved = client.post("/standort/sued/admin/settings/desks",
                        data=desk_form(admin, [{"key": "s1", "room": "Süd 1", "zone": ""}]))
    assert saved.status_code == 302 and saved.headers["Location"].startswith("/standort/sued/admin")
    assert list(registry(app).office("sued").desks) == ["s1"] and "s1" not in registry(app).office().desks
    taken = client.post("/standort/sued/admin/settings/desks", data=desk_form(admin, [{"key": "210", "room": "X"}]))
    assert taken.status_code == 422 and "rathaus" in text(taken)

    assert client.post("/admin/locations/change", data={"csrf_token": admin, "slug": "sued",
                                                        "name": "Süd (Markt)"}).status_code == 302
    assert registry(app).locations["sued"].name == "Süd (Markt)"
    assert client.post("/admin/locations/change", data={"csrf_token": admin, "slug": "sued",
                                                        "active": "0"}).status_code == 302
    assert client.get("/standort/sued/").status_code == 404  # a deactivated location has no pages
    for unknown in ("/standort/sued/", "/standort/gibtsnicht/", "/standort/gibtsnicht/desk", "/standort/x/display"):
        answer = client.get(unknown)  # the friendly page in the visitor's language, never a 500
        assert answer.status_code == 404 and "Diese Seite gibt es nicht" in answer.get_data(as_text=True), unknown
    first = client.post("/admin/locations/change", data={"csrf_token": admin, "slug": "rathaus", "active": "0"})
    assert first.status_code == 422 and registry(app).locations["rathaus"].active


def test_a_caseworker_works_only_at_the_locations_given(app, client, admin):
    client.post("/admin/locations", data={"csrf_token": admin, "slug": "sued", "name": "Süd"})
    client.post("/standort/sued/admin/settings/desks", data=desk_form(admin, [{"key": "s1", "room": "Süd 1"}]))
    make_staff(app, "abraun")
    assert client.post("/admin/locations/staff", data={"csrf_token": admin, "username": "abraun",
                                                       "locations": ["sued"]}).status_code == 302
    staff = app.test_client()
    form = staff.get("/standort/sued/desk/login").get_data(as_text=True)
    login = staff.post("/standort/sued/desk/login", data={"username": "abraun", "password": PASSWORD, "desk": "",
                                                          "csrf_token": csrf_from(form)})
    assert login.status_code == 302
    desk_page = staff.get("/standort/sued/desk")
    assert desk_page.status_code == 200 and "Süd 1" in text(desk_page)
    assert staff.get("/desk").status_code == 403  # not at rathaus
    csrf = csrf_from(desk_page.get_data(as_text=True))
    refused = staff.post("/api/v1/desks/210/call-next", headers={"X-CSRF-Token": csrf})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"


def test_reports_compare_the_locations(app, client, admin, clock):
    client.post("/admin/locations", data={"csrf_token": admin, "slug": "sued", "name": "Bürgerbüro Süd"})
    client.post("/standort/sued/admin/settings/desks", data=desk_form(admin, [{"key": "s1", "room": "Süd 1"}]))
    db = connect(app.config["DATABASE"])
    found = registry(app)
    for slug, desk, visits in (("rathaus", "210", 1), ("sued", "s1", 2)):
        engine = Engine(db, found.office(slug), clock)
        for _ in range(visits):
            engine.walk_in("notfall")
            called = engine.call_next(desk, "abraun")
            engine.finish(called.ticket.id, actor="abraun")
    db.close()
    day = clock.now().date().isoformat()
    page = text(client.get(f"/reports?from={day}&to={day}"))
    assert "Standorte im Vergleich" in page
    rows = {slug: page.split(f'data-location="{slug}"')[1].split("</tr>")[0] for slug in ("rathaus", "sued")}
    assert "Bürgerbüro Süd" in rows["sued"] and "<td>2</td>" in rows["sued"] and "<td>1</td>" in rows["rathaus"]
    only = client.get(f"/reports?from={day}&to={day}&location=sued")
    assert only.status_code == 200 and 'value="sued" selected' in text(only)


def test_every_page_of_an_unknown_location_is_a_friendly_404(app, client, admin):
    """Each route without arguments, under a location that does not exist: "page does not exist",
    in JSON under /api/, never a 500 (the error page itself must not ask for the unknown office)."""
    rules = [r.rule for r in app.url_map.iter_rules()
             if "GET" in r.methods and not r.arguments and r.endpoint != "static"]
    assert len(rules) > 20
    for rule in rules:
        answer = client.get("/standort/gibtsnicht" + rule)
        assert answer.status_code == 404, (rule, answer.status_code)
        if rule.startswith("/api/"):
            assert answer.get_json()["error"]["code"] == "not_found", rule
    # The same pages at the first location, signed in as an admin: each answers, none with a 500.
    for rule in rules:
        assert client.get(rule).status_code < 500, rule
