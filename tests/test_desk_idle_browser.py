"""A caseworker new to the desk presses "next" while walk-ins wait that cannot be called: the desk
says why in words, and an urgent walk-in can be marked with a reason (real server, Chromium)."""
from __future__ import annotations

import tomllib
from datetime import timedelta

from queue_core import Engine, Office, SystemClock, connect

from conftest import DEMO_CONFIG, assert_accessible, sign_in_when_asked
from test_desk_browser import add_account
from test_desk_support import PASSWORD


def test_the_desk_explains_why_nobody_is_called_and_marks_an_urgent_walk_in(live_server, tmp_path, browser,
                                                                            artifacts):
    server = live_server("run_kiosk.py")
    db_path = tmp_path / "live.db"
    add_account(db_path, "abraun")
    with DEMO_CONFIG.open("rb") as handle:
        office = Office.from_mapping(tomllib.load(handle))
    engine = Engine(connect(db_path), office, SystemClock())
    soon = (engine.now() + timedelta(minutes=20)).replace(second=0, microsecond=0)
    engine.book_appointment(service="weiterbewilligung", starts_at=soon, staff="abraun")
    numbers = [engine.walk_in("erstantrag", initial=i).ticket.number for i in ("B", "C", "D")]
    engine.walk_in("notfall", initial="M")  # H–O: a colleague's letters
    engine.db.close()
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in_when_asked(page, server.url + "/desk", "abraun", PASSWORD, desk="210")
        page.wait_for_url(server.url + "/desk")
        page.click("button[data-action=next]")
        page.wait_for_selector("#idle:not([hidden])")
        said = page.inner_text("#idle")
        assert "3 Personen ohne Termin warten; keine passt vor Ihren Termin um" in said
        assert "die kürzeste braucht etwa" in said and "1 weitere wartet auf Kolleginnen und Kollegen" in said
        assert "None" not in page.inner_text("#desk") and page.inner_text("#current-number") == "–"
        page.screenshot(path=str(artifacts / "desk-idle-explained.png"))
        assert_accessible(page, "desk with idle reason")

        # Mark the second walk-in urgent (a reason is required); the list says so.
        page.click("details.more summary")
        page.click("#urgent-form button[type=submit]")  # no reason: the browser asks for one
        assert page.evaluate("document.getElementById('urgent-reason').validity.valueMissing")
        page.select_option("#urgent-ticket", label=numbers[1])
        page.fill("#urgent-reason", "Stromsperre heute")
        page.click("#urgent-form button[type=submit]")
        page.wait_for_selector(f"#waiting li:has-text('{numbers[1]}') .urgent")
        assert page.inner_text("#waiting li >> nth=0").startswith(numbers[1])  # first among walk-ins
        assert "Als dringend markiert" in page.inner_text("#message")
    finally:
        context.close()
