"""The desk in a real browser (Debian's Chromium via Playwright) against the real server:
sign in, book by phone, print the slip, check in at the kiosk, call from the desk (live update).
axe-core on the desk, booking and sign-in pages: no serious or critical violations.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from queue_core import connect
from queue_core.clock import SystemClock, to_db
from queue_core.store import write

from test_desk_support import PASSWORD, cheap_hash
from conftest import assert_accessible

ROOT = Path(__file__).resolve().parent.parent


def add_account(db_path: Path, username: str, role: str = "staff") -> None:
    db = connect(db_path)
    try:
        with write(db):
            db.execute("INSERT INTO staff (username, name, role, password_hash, active, created_at)"
                       " VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (username) DO UPDATE SET"
                       " password_hash = excluded.password_hash, role = excluded.role",
                       (username, username.title(), role, cheap_hash(), to_db(SystemClock().now())))
    finally:
        db.close()


@pytest.fixture
def desk_server(live_server, tmp_path):
    # Appointments bookable at any hour (the demo's booking_hours would put the first slot hours
    # ahead), so the booked visitor can check in right away.
    server = live_server("run_kiosk.py", TERMINPRAXIS_BOOKING_HOURS="{}")
    add_account(server.db_path, "abraun")
    return server


def test_sign_in_book_print_check_in_and_call(desk_server, browser, artifacts):
    url = desk_server.url
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        # sign in (wrong password first), choose desk 210
        page.goto(url + "/desk")
        page.wait_for_url("**/desk/login**")
        assert_accessible(page, "sign-in")
        page.fill("#username", "abraun")
        page.fill("#password", "falsch-falsch")
        page.click("button[type=submit].primary")
        page.wait_for_selector("#login-error")
        page.fill("#username", "abraun")
        page.fill("#password", PASSWORD)
        page.select_option("#desk", "210")
        page.click("button[type=submit].primary")
        page.wait_for_url(url + "/desk")
        page.wait_for_selector("#live:has-text('live')")
        assert_accessible(page, "desk")

        # phone booking: surname → proposal and slots → pick the first → book
        page.click("nav >> text=Telefon-Termin")
        page.wait_for_url("**/desk/booking")
        page.fill("#name", "Albers, Jana")
        page.wait_for_selector("#proposal:has-text('Anna Braun')")
        page.wait_for_selector("#slots button.slot")
        assert_accessible(page, "booking")
        first = page.locator("#slots button.slot").first
        assert "Anna Braun" in first.inner_text()
        first.click()
        assert page.get_attribute("#slots button.slot >> nth=0", "aria-pressed") == "true"
        page.fill("#concern", "Erstantrag")
        page.check("input[name=documents][value='Mietvertrag']")
        page.click("#book")
        page.wait_for_url(re.compile(r".*/desk/appointments/\d+/slip.*"))
        code = page.inner_text("#slip-code")
        assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}", code)
        assert "Mietvertrag" in page.inner_text("main")
        assert page.evaluate("document.getElementById('slip-qr').naturalWidth") > 100  # the QR really renders
        page.emulate_media(media="print")
        assert not page.locator("#print").is_visible()  # buttons stay off the paper
        page.pdf(path=str(artifacts / "desk-appointment-slip.pdf"), format="A4")
        page.emulate_media(media="screen")
        page.screenshot(path=str(artifacts / "desk-slip.png"))

        # the visitor arrives: check in at the kiosk with the code (as the scanner types it)
        kiosk = context.new_page()
        kiosk.goto(url + "/termin")
        kiosk.keyboard.type(code.replace("-", ""))
        kiosk.keyboard.press("Enter")
        kiosk.wait_for_url(re.compile(r".*/ticket/.*"))
        number = kiosk.inner_text("#ticket-number").strip()
        kiosk.close()

        # the desk sees the check-in live (no reload) and calls it with the N key
        page.goto(url + "/desk")
        page.wait_for_selector("#live:has-text('live')")
        page.wait_for_selector(f"#waiting li:has-text('{number}')")
        page.keyboard.press("n")
        page.wait_for_selector(f"#current-number:has-text('{number}')")
        assert page.inner_text("#reason").startswith("Termin")
        page.click("[data-action=start]")
        page.wait_for_selector("#current-state:has-text('im Gespräch')")
        page.screenshot(path=str(artifacts / "desk-called.png"))
        page.click("[data-action=finish]")
        page.wait_for_selector("#current-number:text-is('–')")
        assert_accessible(page, "desk after a visit")
        page.click("nav >> text=Termine")
        page.wait_for_selector("td:has-text('Albers, Jana')")
        assert_accessible(page, "appointments of the day")
    finally:
        context.close()
