"""Booking and reports as the office reads them, in Chromium at 1440×900: seven days of slots side by
side, German numbers in the charts, whole numbers on a count axis, no table cut off, and axe-core
without a violation of any impact (landmarks, heading order)."""
from __future__ import annotations

import re

from conftest import add_account, assert_accessible, sign_in
from test_kiosk_browser import live_engine

DESKTOP = {"width": 1440, "height": 900}


def serve_a_few(db_path) -> None:
    engine = live_engine(db_path)
    try:
        for desk, staff, initial in (("210", "abraun", "B"), ("211", "hkoch", "K"), ("214", "pschulz", "S")):
            ticket = engine.walk_in("notfall", initial=initial).ticket
            engine.call_ticket(ticket.id, desk, staff, "browser test")
            engine.start(ticket.id, actor=staff)
            engine.finish(ticket.id, actor=staff)
    finally:
        engine.db.close()


def test_booking_shows_seven_days_and_reports_read_german(live_server, browser, tmp_path, artifacts):
    server = live_server("run_kiosk.py")
    db = tmp_path / "live.db"
    add_account(db, "chefin", role="admin")
    serve_a_few(db)
    page = browser.new_page(viewport=DESKTOP)
    page.set_default_timeout(10_000)
    try:
        sign_in(page, server.url, "chefin", "/desk/booking")
        page.fill("#name", "Albers, Jana")
        page.wait_for_selector("#slots .day")
        page.wait_for_load_state("networkidle")  # the grid is drawn again after the name's proposal
        days = page.locator("#slots .day")
        assert days.count() >= 4  # the booking days among the next seven (today's may be over)
        last = days.last.bounding_box()
        assert last["x"] + last["width"] <= DESKTOP["width"]  # all seven without scrolling sideways
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert_accessible(page, "booking")

        page.goto(server.url + "/reports")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        ticks = page.eval_on_selector_all("svg.chart .tick", "els => els.map(e => e.textContent)")
        assert ticks and not any(re.fullmatch(r"\d+\.\d+( min| %)?", t) for t in ticks), ticks
        assert "0,25 min" in ticks or not any(t.startswith("0,2 ") for t in ticks), ticks
        daily = page.eval_on_selector_all("figure:nth-of-type(3) .tick", "els => els.map(e => e.textContent)")
        numbers = [t for t in daily if re.fullmatch(r"[\d,]+", t)]
        assert numbers and all("," not in t for t in numbers), daily  # visits: whole numbers only
        assert_accessible(page, "reports")
    finally:
        page.close()
