"""The desk and the appointment list as staff read them: words, not internal keys; a confirmed,
undoable "not shown up"; errors in German. In Chromium against the real server."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from conftest import assert_accessible
from test_desk_browser import add_account
from test_desk_support import PASSWORD
from test_kiosk_browser import live_engine


def sign_in_at_desk(page, url: str, desk: str = "214") -> None:
    page.goto(url + "/desk")
    page.wait_for_url("**/desk/login**")
    page.fill("#username", "abraun")
    page.fill("#password", PASSWORD)
    page.select_option("#desk", desk)
    page.click("button[type=submit].primary")
    page.wait_for_url(url + "/desk")


def test_day_list_no_show_confirmation_and_undo(live_server, browser, tmp_path):
    server = live_server("run_kiosk.py")
    db = tmp_path / "live.db"
    add_account(db, "abraun")
    engine = live_engine(db)
    try:
        start = (datetime.now(timezone.utc) + timedelta(minutes=5)).replace(second=0, microsecond=0)
        engine.book_appointment(service="weiterbewilligung", starts_at=start, staff="pschulz", name="Peters, Lisa")
        walk_in = engine.walk_in("notfall", initial="B").ticket
    finally:
        engine.db.close()
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.set_default_timeout(10_000)
    try:
        page.goto(server.url + "/desk/appointments")  # not signed in yet: sign in first
        sign_in_at_desk(page, server.url)
        page.goto(server.url + "/desk/appointments")
        row = page.locator("tbody tr").first
        assert "gebucht" in row.inner_text() and "booked" not in row.inner_text()
        assert "Petra Schulz" in row.inner_text() and "pschulz" not in row.inner_text()
        assert_accessible(page, "appointments")

        page.goto(server.url + "/desk")
        page.wait_for_function("() => document.getElementById('live').textContent === 'live'")
        page.keyboard.press("n")
        page.wait_for_function("n => document.getElementById('current-number').textContent === n",
                               arg=walk_in.number)
        page.keyboard.press("x")  # first press only asks
        page.wait_for_selector("#message:not([hidden])")
        assert "Bestätigen" in page.inner_text("#message")
        assert page.inner_text("#current-number") == walk_in.number
        page.keyboard.press("x")
        page.wait_for_selector("#undo-row:not([hidden])")
        assert "nicht erschienen" in page.inner_text("#message")
        assert_accessible(page, "desk after no-show")
        page.click("#undo")
        page.wait_for_function("() => document.getElementById('message').textContent.indexOf('wartet wieder') >= 0")

        page.click("details.more summary")
        page.click("#pause-toggle")
        page.wait_for_function("() => document.getElementById('desk-state').textContent === 'Pause'")
        page.keyboard.press("n")  # a paused desk refuses, in German
        page.wait_for_selector("#message.error")
        assert "Pause" in page.inner_text("#message") and "paused" not in page.inner_text("#message")
    finally:
        page.close()
