"""Several locations in Debian's Chromium against the real server: the office lead adds a location
in /admin, and a walk-in at the nord location's kiosk is called onto nord's board only."""
from __future__ import annotations

import tomllib

import pytest

from conftest import DEMO_CONFIG, LiveServer, add_account, assert_accessible, server_env, sign_in
from queue_core import Engine, SystemClock, connect, locations
from test_locations_live import NORD

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def server(tmp_path):
    config = tmp_path / "office.toml"
    config.write_text(DEMO_CONFIG.read_text(encoding="utf-8") + NORD, encoding="utf-8")
    live = LiveServer("run_kiosk.py", server_env(tmp_path / "live.db", config=config)).start()
    live.db_path, live.config = tmp_path / "live.db", config
    yield live
    live.stop()


def test_the_office_lead_adds_a_location(server, browser):
    add_account(server.db_path, "leitung", role="admin")
    page = browser.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, server.url, "leitung", "/admin/locations")
        assert page.locator("#location-nord td").nth(0).inner_text().startswith("nord")
        assert_accessible(page, "admin locations")
        page.fill("#l-slug", "sued")
        page.fill("#l-name", "Bürgerbüro Süd")
        page.click("#add-location button[type=submit]")
        page.wait_for_selector("#location-sued")
        assert page.locator("#locations-saved").is_visible()
        page.fill("#name-sued", "Bürgerbüro Süd am Markt")
        page.click("#rename-sued")
        page.wait_for_selector("#locations-saved")
        assert page.input_value("#name-sued") == "Bürgerbüro Süd am Markt"
        page.click("#toggle-sued")
        page.wait_for_selector("#location-sued[data-active='0']")
        assert page.locator("#toggle-rathaus").count() == 0  # the first location cannot be deactivated
    finally:
        page.close()


def test_a_walk_in_at_nord_is_called_on_nords_board_only(server, browser):
    boards = {slug: browser.new_page() for slug in ("rathaus", "nord")}
    kiosk = browser.new_page(viewport={"width": 1080, "height": 1920})
    try:
        boards["rathaus"].goto(server.url + "/display")
        boards["nord"].goto(server.url + "/standort/nord/display")
        for board in boards.values():
            board.wait_for_selector("#board[data-connected='1']", timeout=10_000)
        assert_accessible(boards["nord"], "nord board")

        kiosk.set_default_timeout(10_000)
        kiosk.goto(server.url + "/standort/nord/")
        kiosk.locator("a[href$='/ohne-termin']").first.click()
        kiosk.locator("[data-service='notfall']").click()
        kiosk.locator("button.key", has_text="K").click()
        kiosk.wait_for_url("**/standort/nord/ticket/**")
        assert "/standort/nord/t/" in kiosk.locator(".qr").get_attribute("data-status-url")

        config = tomllib.loads(server.config.read_text(encoding="utf-8"))
        db = connect(server.db_path)
        try:
            nord = Engine(db, locations.load(db, config).office("nord"), SystemClock())
            called = nord.call_next("n1", "hkoch")
        finally:
            db.close()
        assert called.ticket.number == "W 001"
        boards["nord"].wait_for_function(
            "n => document.getElementById('newest-number').textContent === n", arg="W 001", timeout=10_000)
        assert "Nord 1" in boards["nord"].locator("body").inner_text()
        boards["rathaus"].wait_for_timeout(500)
        assert "W 001" not in boards["rathaus"].locator("#board").inner_text()
    finally:
        for page in (*boards.values(), kiosk):
            page.close()


def test_a_caseworker_calls_at_nords_desk_page(server, browser):
    """The desk page under a location's prefix talks to that location's API (its desks, its queue)."""
    add_account(server.db_path, "hkoch")
    config = tomllib.loads(server.config.read_text(encoding="utf-8"))
    db = connect(server.db_path)
    try:
        Engine(db, locations.load(db, config).office("nord"), SystemClock()).walk_in("notfall")
    finally:
        db.close()
    page = browser.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{server.url}/standort/nord/desk/login")
        page.fill("#username", "hkoch")
        page.fill("#password", "browser-geheim-1")
        page.locator("form button[type=submit]").last.click()
        page.wait_for_url("**/standort/nord/desk**")
        if page.locator("#desk-choice").count():
            page.select_option("#desk-choice", "n1")
            page.locator("form button[type=submit]").last.click()
        page.wait_for_selector("#desk[data-desk='n1']")
        assert page.locator(".workplaces a[aria-current='page']").inner_text() == "Bürgerbüro Nord"
        page.click("button[data-action='next']")
        page.wait_for_function("() => document.body.innerText.includes('W 001')")
    finally:
        page.close()
