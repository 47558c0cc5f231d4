"""/admin: the office's settings — validated, kept on refusal, effective without restart, in every process."""
from __future__ import annotations

import re
import time
from html import unescape

import pytest

from conftest import DEMO_CONFIG, assert_accessible, office_mapping
from queue_core import accounts, connect, settings
from test_desk_support import bearer, make_staff, make_token, sign_in

SECTION_ROUTES = ["/admin/settings/desks", "/admin/settings/services", "/admin/settings/hours", "/admin/settings/caseworkers", "/admin/settings/board",
                  "/admin/settings/documents", "/admin/info"]


@pytest.fixture
def admin(app, client):
    make_staff(app, "leitung", role="admin")
    return sign_in(client, "leitung", desk=None)


def version(app) -> int:
    db = connect(app.config["DATABASE"])
    try:
        return settings.version(db)
    finally:
        db.close()


def desk_form(csrf: str, desks: list[dict]) -> dict:
    data = {"csrf_token": csrf, "desks-rows": str(len(desks) + 1)}
    for i, desk in enumerate(desks):
        data.update({f"desks-{i}-{k}": desk.get(k, "") for k in ("key", "room", "zone")})
    return data


def service_form(csrf: str, services: list[dict]) -> dict:
    data = {"csrf_token": csrf, "services-rows": str(len(services))}
    for i, s in enumerate(services):
        data.update({f"services-{i}-key": s["key"], f"services-{i}-name": s["name"],
                     f"services-{i}-prefix": s.get("prefix", ""), f"services-{i}-minutes": str(s["minutes"])})
        if s.get("walk_in", True):
            data[f"services-{i}-walk_in"] = "1"
    return data


def hours_form(csrf: str, **days: str) -> dict:
    data = {"csrf_token": csrf, "closures": days.pop("closures", "")}
    data.update({f"hours-{d}": "" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")})
    data.update({f"hours-{d}": text for d, text in days.items()})
    return data


def page_text(response) -> str:
    return unescape(response.get_data(as_text=True))


# --- who may ---------------------------------------------------------------------------------

def test_anonymous_is_sent_to_sign_in_and_staff_are_refused(app, client):
    for path in ["/admin/", *SECTION_ROUTES]:
        method = "GET" if path == "/admin/" else "POST"
        response = client.open(path, method=method, data={})
        assert response.status_code == 302 and "/desk/login" in response.headers["Location"], path
    make_staff(app, "abraun")
    csrf = sign_in(client, "abraun")
    for path in SECTION_ROUTES:
        assert client.post(path, data={"csrf_token": csrf, "board_message": "x"}).status_code == 403, path
    assert client.get("/admin/").status_code == 403
    assert version(app) == 0


def test_a_change_needs_the_csrf_token(app, client, admin):
    assert client.post("/admin/settings/board", data={"board_message": "ohne Token"}).status_code == 400
    assert version(app) == 0


def test_the_page_shows_every_section_with_the_current_values(app, client, admin):
    page = page_text(client.get("/admin/"))
    for anchor in ("accounts", "desks", "services", "hours", "caseworkers", "board", "documents", "info"):
        assert f'id="{anchor}"' in page
    assert 'value="Zimmer 210"' in page and 'value="2. OG Flur B"' in page
    assert 'name="hours-mon" value="08:00-12:00, 14:00-16:00"' in page
    assert 'name="caseworkers-0-letters" value="A-G"' in page
    assert "Mietvertrag" in page  # the documents checklist


# --- effective without restart ---------------------------------------------------------------

def test_a_new_room_shows_on_the_board_at_the_next_call(app, client, admin):
    desks = [dict(d) for d in office_mapping()["desks"]]
    desks[0].update(room="Zimmer 299", zone="Erdgeschoss")
    response = client.post("/admin/settings/desks", data=desk_form(admin, desks))
    assert response.status_code == 302 and response.headers["Location"].endswith("#desks")
    assert "Gespeichert" in page_text(client.get(response.headers["Location"]))

    kiosk = app.test_client()
    assert kiosk.post("/api/v1/check-in", json={"walk_in": {"service": "notfall"}}).status_code == 201
    token = make_token(app, "abraun")
    called = client.post("/api/v1/desks/210/call-next", headers=bearer(token))
    assert called.status_code == 200 and called.get_json()["ticket"]["room"] == "Zimmer 299"
    board = kiosk.get("/api/v1/board").get_json()
    assert board["called"][0]["room"] == "Zimmer 299"
    assert kiosk.get("/api/v1/board?zone=Erdgeschoss").status_code == 200  # the new zone has a board


def test_office_hours_steer_the_walk_in_intake_at_once(app, client, admin):
    kiosk = app.test_client()
    closed = hours_form(admin, mon="14:00-16:00", tue="08:00-12:00")  # Monday 08:30: closed now
    assert client.post("/admin/settings/hours", data=closed).status_code == 302
    refused = kiosk.post("/api/v1/check-in", json={"walk_in": {"service": "notfall"}})
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "intake_closed"

    assert client.post("/admin/settings/hours", data=hours_form(admin, mon="08:00-12:00")).status_code == 302
    assert kiosk.post("/api/v1/check-in", json={"walk_in": {"service": "notfall"}}).status_code == 201


def test_a_closure_day_closes_the_office(app, client, admin):
    assert client.post("/admin/settings/hours", data=hours_form(admin, mon="08:00-12:00", closures="2026-11-23\n"))\
        .status_code == 302
    refused = app.test_client().post("/api/v1/check-in", json={"walk_in": {"service": "notfall"}})
    assert refused.status_code == 409


def test_a_new_service_is_offered_at_the_kiosk(app, client, admin):
    services = [*office_mapping()["services"],
                {"key": "wohngeld", "name": "Wohngeld-Beratung", "prefix": "G", "minutes": 10}]
    assert client.post("/admin/settings/services", data=service_form(admin, services)).status_code == 302
    assert "Wohngeld-Beratung" in page_text(app.test_client().get("/ohne-termin"))
    nobody = app.test_client().post("/api/v1/check-in", json={"walk_in": {"service": "wohngeld"}})
    assert nobody.status_code == 409  # nobody handles it yet: no capacity today
    form = {"csrf_token": admin, "caseworkers-rows": "1", "caseworkers-0-username": "abraun",
            "caseworkers-0-services": ["wohngeld", "notfall"], "caseworkers-0-letters": ""}
    assert client.post("/admin/settings/caseworkers", data=form).status_code == 302
    created = app.test_client().post("/api/v1/check-in", json={"walk_in": {"service": "wohngeld"}})
    assert created.status_code == 201 and created.get_json()["ticket"]["number"] == "G 001"


def test_board_text_documents_and_caseworkers(app, client, admin):
    assert client.post("/admin/settings/board", data={"csrf_token": admin, "board_message": "Heute ab 11 Uhr geschlossen"})\
        .status_code == 302
    assert app.test_client().get("/api/v1/board").get_json()["message"] == "Heute ab 11 Uhr geschlossen"

    assert client.post("/admin/settings/documents", data={"csrf_token": admin, "documents": "Meldebescheinigung\n\nMietvertrag\n"})\
        .status_code == 302
    booking = page_text(client.get("/desk/booking"))
    assert "Meldebescheinigung" in booking and "Heizkostenabrechnung" not in booking

    form = {"csrf_token": admin, "caseworkers-rows": "1", "caseworkers-0-username": "abraun",
            "caseworkers-0-name": "Anna Braun", "caseworkers-0-services": ["unterlagen"],
            "caseworkers-0-letters": "A-Z"}
    assert client.post("/admin/settings/caseworkers", data=form).status_code == 302
    slots = client.get("/api/v1/slots?service=erstantrag", headers={"X-CSRFToken": admin}).get_json()
    assert slots["caseworkers"] == []  # nobody handles Erstantrag any more
    slots = client.get("/api/v1/slots?service=unterlagen&initial=Z").get_json()
    assert [c["username"] for c in slots["caseworkers"]] == ["abraun"]


def test_a_kiosk_info_page_is_edited_per_language(app, client, admin):
    kiosk = app.test_client()
    form = {"csrf_token": admin, "lang": "en", "page": "procedure", "text": "# Our procedure\n\nTake a number."}
    assert client.post("/admin/info", data=form).status_code == 302
    page = page_text(kiosk.get("/info/procedure?lang=en"))
    assert "Take a number." in page and "Our procedure" in page
    assert "Take a number." not in page_text(app.test_client().get("/info/procedure"))  # German: the file
    assert "Take a number." in page_text(client.get("/admin/?info_lang=en"))

    assert client.post("/admin/info", data={**form, "text": ""}).status_code == 302  # empty: the file again
    assert settings_overrides(app) == {}
    assert client.post("/admin/info", data={**form, "lang": "xx"}).status_code == 422


def settings_overrides(app) -> dict:
    db = connect(app.config["DATABASE"])
    try:
        return settings.overrides(db)
    finally:
        db.close()


def test_reset_brings_back_the_configuration(app, client, admin):
    client.post("/admin/settings/board", data={"csrf_token": admin, "board_message": "Vorübergehend"})
    page = page_text(client.get("/admin/"))
    assert "Zurück zur Konfigurationsdatei" in page and "Geändert in der Verwaltung" in page
    assert client.post("/admin/settings/board", data={"csrf_token": admin, "reset": "1"}).status_code == 302
    assert app.test_client().get("/api/v1/board").get_json()["message"] == ""
    assert settings_overrides(app) == {}


def test_another_app_on_the_same_database_sees_the_change(app, client, admin, db_path, clock):
    from terminpraxis import create_app

    other = create_app({"TESTING": True, "DATABASE": str(db_path), "ASYNC_MODE": "threading",
                        "CONFIG": str(DEMO_CONFIG), "OFFICE": office_mapping(), "CLOCK": clock,
                        "SECRET_KEY": "test"})
    board = other.test_client()
    assert board.get("/api/v1/board").get_json()["message"] == ""  # cached before the change
    desks = [dict(d) for d in office_mapping()["desks"]]
    desks[3].update(zone="Wartebereich Süd")
    assert client.post("/admin/settings/desks", data=desk_form(admin, desks)).status_code == 302
    client.post("/admin/settings/board", data={"csrf_token": admin, "board_message": "Bitte Nummer ziehen"})

    assert board.get("/api/v1/board").get_json()["message"] == "Bitte Nummer ziehen"
    assert board.get("/api/v1/board?zone=Wartebereich Süd").status_code == 200
    assert "Wartebereich Süd" in page_text(board.get("/display?zone=Wartebereich Süd"))


# --- refused changes: a clear message, the input kept, nothing saved ------------------------------

def refused(client, path: str, data: dict, *kept: str, words: str) -> str:
    response = client.post(path, data=data)
    page = page_text(response)
    assert response.status_code == 422, page[:500]
    match = re.search(r'id="settings-error">(.*?)</p>', page, re.S)
    assert match and "Nicht gespeichert" in match.group(1) and words in match.group(1), match
    for text in kept:
        assert text in page, text
    return page


def test_overlapping_hours_are_refused_and_the_input_stays(app, client, admin):
    refused(client, "/admin/settings/hours", hours_form(admin, mon="08:00-12:00, 11:00-13:00", closures="2026-12-24"),
            'value="08:00-12:00, 11:00-13:00"', "2026-12-24", words="overlap")
    refused(client, "/admin/settings/hours", hours_form(admin, tue="8 bis 12"), 'value="8 bis 12"', words="08:00-12:00")
    refused(client, "/admin/settings/hours", hours_form(admin, closures="24.12.2026"), "24.12.2026", words="not a date")
    assert version(app) == 0


def test_duplicate_and_reserved_prefixes_are_refused(app, client, admin):
    services = [dict(s) for s in office_mapping()["services"]]
    services[2]["prefix"] = "B"
    services[0]["name"] = "Erstantrag (neu)"
    refused(client, "/admin/settings/services", service_form(admin, services), 'value="Erstantrag (neu)"',
            words="share the prefix 'B'")
    services[2]["prefix"] = "T"
    refused(client, "/admin/settings/services", service_form(admin, services), words="appointment prefix")
    services[2]["prefix"] = "Ü1"
    refused(client, "/admin/settings/services", service_form(admin, services), 'value="Ü1"', words="A–Z")
    services[2].update(prefix="U", minutes="viele")
    refused(client, "/admin/settings/services", service_form(admin, services), 'value="viele"', words="whole number")
    assert version(app) == 0
    assert "Erstantrag (neu)" not in page_text(app.test_client().get("/ohne-termin"))


def test_an_unknown_service_for_a_caseworker_is_refused(app, client, admin):
    form = {"csrf_token": admin, "caseworkers-rows": "1", "caseworkers-0-username": "abraun",
            "caseworkers-0-name": "Anna B.", "caseworkers-0-services": ["gibtsnicht"], "caseworkers-0-letters": "A-G"}
    page = refused(client, "/admin/settings/caseworkers", form, 'value="Anna B."', words="unknown service 'gibtsnicht'")
    assert 'value="gibtsnicht" checked' in page  # the unknown choice is shown, so it can be unticked
    form.update({"caseworkers-0-services": ["notfall"], "caseworkers-0-letters": "A bis G"})
    refused(client, "/admin/settings/caseworkers", form, 'value="A bis G"', words="must look like")
    assert version(app) == 0


def test_a_desk_without_key_and_a_too_long_board_text_are_refused(app, client, admin):
    desks = [*office_mapping()["desks"], {"key": "", "room": "Zimmer 300"}]
    refused(client, "/admin/settings/desks", desk_form(admin, desks), 'value="Zimmer 300"', words="needs a key")
    refused(client, "/admin/settings/board", {"csrf_token": admin, "board_message": "x" * 400}, "x" * 400, words="300")
    assert version(app) == 0


def test_a_service_with_waiting_visitors_cannot_be_removed(app, client, admin):
    assert app.test_client().post("/api/v1/check-in", json={"walk_in": {"service": "unterlagen"}}).status_code == 201
    services = [s for s in office_mapping()["services"] if s["key"] != "unterlagen"]
    refused(client, "/admin/settings/services", service_form(admin, services), words="unterlagen")
    assert version(app) == 0


# --- accounts: the last admin and disabled accounts -------------------------------------------------

def account(app, username: str) -> dict:
    db = connect(app.config["DATABASE"])
    try:
        return next(r for r in accounts.list_staff(db) if r["username"] == username)
    finally:
        db.close()


def test_saving_an_account_cannot_demote_the_last_admin(app, client, admin):
    response = client.post("/admin/staff", data={"csrf_token": admin, "username": "leitung", "name": "Leitung",
                                                 "role": "staff", "password": ""})
    assert response.status_code == 422 and "last active admin" in page_text(response)
    assert account(app, "leitung")["role"] == "admin"


def test_saving_a_disabled_account_keeps_it_disabled(app, client, admin):
    make_staff(app, "abraun")
    assert client.post("/admin/staff/active", data={"csrf_token": admin, "username": "abraun", "active": "0"})\
        .status_code == 302
    saved = client.post("/admin/staff", data={"csrf_token": admin, "username": "abraun", "name": "Anna Braun",
                                              "role": "admin", "password": "neues-passwort-1"})
    assert saved.status_code == 302
    row = account(app, "abraun")
    assert row["active"] == 0 and row["role"] == "admin" and row["name"] == "Anna Braun"
    assert row["disabled_at"] is not None
    # now a second admin exists: demoting the first works, name and password stay when left empty
    assert client.post("/admin/staff", data={"csrf_token": admin, "username": "abraun", "name": "",
                                             "role": "staff", "password": ""}).status_code == 302
    assert account(app, "abraun")["role"] == "staff" and account(app, "abraun")["name"] == "Anna Braun"
    db = connect(app.config["DATABASE"])
    changes = db.execute("SELECT kind, actor, json_extract(data, '$.account') FROM events WHERE kind IN"
                         " ('account_disabled', 'role_changed', 'account_renamed', 'password_reset') ORDER BY seq")
    assert changes.fetchall() == [("account_disabled", "leitung", "abraun"), ("role_changed", "leitung", "abraun"),
                                  ("account_renamed", "leitung", "abraun"), ("password_reset", "leitung", "abraun"),
                                  ("role_changed", "leitung", "abraun")]
    db.close()


def test_saving_an_account_with_a_short_password_changes_nothing(app, client, admin):
    make_staff(app, "abraun")
    response = client.post("/admin/staff", data={"csrf_token": admin, "username": "abraun", "name": "Neu",
                                                 "role": "admin", "password": "kurz"})
    assert response.status_code == 422
    assert account(app, "abraun")["role"] == "staff" and account(app, "abraun")["name"] != "Neu"
    new = client.post("/admin/staff", data={"csrf_token": admin, "username": "neu", "name": "Neu",
                                            "role": "staff", "password": ""})
    assert new.status_code == 422  # a new account needs a password


# --- real browser ------------------------------------------------------------------------------

def test_an_admin_changes_the_board_text_and_the_board_shows_it(live_server, browser, artifacts, tmp_path):
    from conftest import add_account, sign_in

    server = live_server()
    display = live_server("run_display.py")  # the board-only process on the same database file
    add_account(tmp_path / "live.db", "chefin", role="admin")
    context = browser.new_context(locale="de-DE")
    try:
        board = context.new_page()
        board.goto(server.url + "/display")
        board.wait_for_function("() => window.boardStats !== undefined")
        follower = context.new_page()  # a board served by run_display.py, which follows the event log
        follower.goto(display.url + "/display")
        follower.wait_for_function("() => window.boardStats !== undefined")
        admin_page = context.new_page()
        sign_in(admin_page, server.url, "chefin", "/admin/")

        assert_accessible(admin_page, "admin")

        admin_page.fill("#board_message", "Heute ab 11 Uhr nur Notfälle")
        admin_page.locator("#board_message").press("Enter")  # the keyboard submits the section's form
        admin_page.wait_for_url("**/admin/?section=board#board")
        assert "Gespeichert" in admin_page.locator("#board ~ p[role=status]").first.inner_text()

        for open_board in (board, follower):  # pushed to the open boards of both processes …
            deadline = time.monotonic() + 5
            while "Heute ab 11 Uhr nur Notfälle" not in open_board.inner_text("body") and time.monotonic() < deadline:
                open_board.wait_for_timeout(100)
            assert "Heute ab 11 Uhr nur Notfälle" in open_board.inner_text("body")
        fresh = context.new_page()  # … and served to a board opened afterwards, also by run_display.py
        fresh.goto(server.url + "/display")
        assert "Heute ab 11 Uhr nur Notfälle" in fresh.inner_text("body")
        admin_page.screenshot(path=str(artifacts / "admin-settings.png"), full_page=True)
        board.screenshot(path=str(artifacts / "admin-board-message.png"))
    finally:
        context.close()
