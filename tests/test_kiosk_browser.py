"""The kiosk in a real browser (Debian's Chromium via Playwright) against the real server.

axe-core runs on every kiosk screen: no serious or critical violations; every touch target is at
least 48 px. Screenshots of the start screen and the ticket go to test-artifacts/.
"""
from __future__ import annotations

import re
import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from queue_core import Engine, Office, connect
from queue_core.clock import SystemClock
from queue_core.schedule import fits_hours

from conftest import DEMO_CONFIG, assert_accessible, demo_kiosk, watched_page

ROOT = Path(__file__).resolve().parent.parent
PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}


@pytest.fixture(scope="module")
def kiosk_server(tmp_path_factory):
    server = demo_kiosk(tmp_path_factory.mktemp("kiosk-live"))
    yield server
    server.stop()


def live_engine(db_path) -> Engine:
    with DEMO_CONFIG.open("rb") as handle:
        office = Office.from_mapping(tomllib.load(handle))
    return Engine(connect(db_path), office, SystemClock())


def book_soon(db_path):
    """An appointment a few minutes from now (the demo office is open around the clock)."""
    engine = live_engine(db_path)
    try:
        start = (datetime.now(timezone.utc) + timedelta(minutes=5)).replace(second=0, microsecond=0)
        if not fits_hours(engine.office, start, 20):
            pytest.skip("too close to midnight for a same-day appointment")
        return engine.book_appointment(service="weiterbewilligung", starts_at=start, name="Browser, Test")
    finally:
        engine.db.close()


def check_accessibility(page, screen: str) -> None:
    assert_accessible(page, screen)
    small = page.evaluate("""() => Array.from(document.querySelectorAll('a, button, input, [role=button]'))
        .filter(el => el.offsetParent !== null)
        .map(el => [el.outerHTML.slice(0, 80), el.getBoundingClientRect()])
        .filter(([_, r]) => r.width < 48 || r.height < 48)
        .map(([html, r]) => html + ' ' + Math.round(r.width) + 'x' + Math.round(r.height))""")
    assert not small, f"{screen}: touch targets under 48 px: {small}"


@pytest.fixture
def page(browser):
    yield from watched_page(browser, PORTRAIT)


def test_walk_in_taps_through_to_a_ticket(kiosk_server, page, artifacts):
    page.goto(kiosk_server.url + "/")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(artifacts / "kiosk-start.png"))
    check_accessibility(page, "start")
    choice = page.locator("#without-appointment").bounding_box()
    assert choice["height"] * choice["width"] >= 1080 * 1920 / 4 * 0.25  # a big target

    page.click("#without-appointment")
    page.wait_for_url("**/ohne-termin")
    check_accessibility(page, "services")
    page.click("[data-service=erstantrag]")
    page.wait_for_url("**/ohne-termin/erstantrag")
    check_accessibility(page, "letters")
    page.click("button[name=initial][value=M]")
    page.wait_for_url(re.compile(r".*/ticket/.*"))
    number = page.locator("#ticket-number")
    assert re.fullmatch(r"E \d{3}", number.inner_text())
    # Portrait: the width limits the glyphs (about 17 % of the height); landscape reaches 20 %.
    assert number.bounding_box()["height"] >= 0.17 * PORTRAIT["height"]
    assert number.evaluate("el => el.scrollWidth <= el.clientWidth + 1")  # nothing cut off
    assert page.locator(".qr svg").count() == 1
    assert "Geschätzte Wartezeit" in page.inner_text("main")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(artifacts / "kiosk-ticket.png"))
    check_accessibility(page, "ticket")
    page.emulate_media(media="print")
    assert page.locator("#print").is_hidden() and page.locator(".bar").is_hidden()
    page.emulate_media(media="screen")
    page.click("#done")
    page.wait_for_url(re.compile(r".*/\?lang=de$"))


def test_appointment_checked_in_by_typing_the_code(kiosk_server, page, artifacts):
    appointment = book_soon(kiosk_server.db_path)
    page.set_viewport_size(LANDSCAPE)
    page.goto(kiosk_server.url + "/")
    page.click("#with-appointment")
    page.wait_for_url("**/termin")
    check_accessibility(page, "code")
    for key in appointment.code[:5]:
        page.click(f".keypad [data-key='{key}']")
    page.click(".keypad [data-key=back]")
    for key in appointment.code[4:]:
        page.click(f".keypad [data-key='{key}']")
    assert page.input_value("#code") == f"{appointment.code[:4]}-{appointment.code[4:]}"
    assert page.evaluate("document.activeElement.id") == "code"  # the scanner field keeps focus
    page.click("#code-submit")
    page.wait_for_url(re.compile(r".*/ticket/.*"))
    assert re.fullmatch(r"T \d{3}", page.inner_text("#ticket-number"))
    assert "Ihr Termin" in page.inner_text("main")
    page.screenshot(path=str(artifacts / "kiosk-ticket-appointment.png"))

    # A wrong code: neutral message, and the screen passes axe too.
    page.goto(kiosk_server.url + "/termin")
    page.keyboard.type("ZZZZZZZZ")  # as a USB scanner: characters, then Enter
    page.keyboard.press("Enter")
    page.wait_for_selector("#code-error")
    check_accessibility(page, "unknown code")


def test_arabic_screen_is_right_to_left(kiosk_server, page, artifacts):
    page.goto(kiosk_server.url + "/?lang=ar")
    assert page.get_attribute("html", "dir") == "rtl" and page.get_attribute("html", "lang") == "ar"
    assert page.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
    first = page.locator(".languages li").first.bounding_box()
    last = page.locator(".languages li").last.bounding_box()
    assert first["x"] > last["x"]  # the row runs from the right
    assert "لدي موعد" in page.inner_text("#with-appointment")
    page.screenshot(path=str(artifacts / "kiosk-start-ar.png"))
    check_accessibility(page, "start (ar)")
    page.click("#with-appointment")
    page.wait_for_url("**/termin")
    keypad = page.locator(".keypad [data-key='2']").bounding_box()
    assert keypad["width"] >= 96 and keypad["height"] >= 96
    check_accessibility(page, "code (ar)")


def test_info_page_and_phone_page(kiosk_server, page):
    page.goto(kiosk_server.url + "/info/entitlement")
    assert "Anspruch" in page.inner_text("h1")
    check_accessibility(page, "info")

    ticket = page.request.post(kiosk_server.url + "/api/v1/check-in",
                               data={"walk_in": {"service": "notfall"}}).json()["ticket"]
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(f"{kiosk_server.url}/t/{ticket['token']}")
    page.wait_for_function("() => document.getElementById('connection').hidden === true")
    page.wait_for_timeout(300)
    check_accessibility(page, "phone")
    engine = live_engine(kiosk_server.db_path)
    try:
        engine.call_ticket(ticket["id"], "216", "pschulz", "browser test")
    finally:
        engine.db.close()
    page.wait_for_function("() => document.getElementById('state').dataset.state === 'called'", timeout=5000)
    assert "Zimmer 216" in page.inner_text("#state")


def test_inactivity_returns_to_a_clean_start(live_server, browser):
    server = live_server("run_kiosk.py", TERMINPRAXIS_KIOSK_IDLE_SECONDS="2")
    context = browser.new_context(viewport=PORTRAIT)
    page = context.new_page()
    try:
        page.goto(server.url + "/termin?lang=en")
        for key in "ABC":
            page.click(f".keypad [data-key='{key}']")
        assert page.input_value("#code") == "ABC"
        page.wait_for_url(re.compile(r".*/\?lang=de$"), timeout=6000)
        assert page.get_attribute("html", "lang") == "de"  # the next visitor starts in German
        page.goto(server.url + "/termin")
        assert page.input_value("#code") == ""
    finally:
        context.close()
