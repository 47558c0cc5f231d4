"""Chromium: a visitor answers the question on the phone page after the visit, the caseworker notes
the climate in two taps at the desk, and both appear in the before/after report."""
from __future__ import annotations

import tomllib
from datetime import date, timedelta

from queue_core import Engine, Office, connect
from queue_core.clock import SystemClock

from conftest import DEMO_CONFIG, add_account, assert_accessible, sign_in

PASSWORD = "browser-geheim-1"


def test_feedback_tap_and_desk_note_reach_the_before_after_report(live_server, browser, tmp_path):
    server = live_server()
    db_path = tmp_path / "live.db"
    add_account(db_path, "abraun")
    add_account(db_path, "leitung", role="admin")
    with DEMO_CONFIG.open("rb") as handle:
        engine = Engine(connect(db_path), Office.from_mapping(tomllib.load(handle)), SystemClock())
    ticket = engine.walk_in("notfall").ticket
    engine.db.close()

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    desk = context.new_page()
    desk.set_default_timeout(10_000)
    desk.goto(server.url + "/desk/login?next=/desk")
    desk.fill("#username", "abraun")
    desk.fill("#password", PASSWORD)
    desk.select_option("#desk", "210")
    desk.click("button[type=submit].primary")
    desk.wait_for_selector("#live:has-text('live')")

    phone = browser.new_page(viewport={"width": 390, "height": 700})
    phone.set_default_timeout(10_000)
    phone.goto(f"{server.url}/t/{ticket.token}?lang=en")
    assert phone.locator("#feedback").is_hidden()

    desk.click("[data-action=next]")
    desk.wait_for_selector(f"#current-number:has-text('{ticket.number}')")
    desk.click("[data-action=start]")
    desk.click("[data-action=finish]")
    desk.click("#climate [data-climate=tense]")
    desk.wait_for_selector("#climate-status:has-text('gespeichert')")
    desk.click("#climate [data-incident=verbal_aggression]")
    desk.wait_for_selector("#climate-status:has-text('verbale Aggression')")
    assert_accessible(desk, "desk with climate note")

    phone.locator("#feedback a").wait_for(state="visible")  # revealed live when the visit ended
    phone.locator("#feedback a").click()
    assert phone.locator("h1").inner_text() == "How did you feel about your visit today?"
    assert_accessible(phone, "feedback question")
    phone.click("#score-2")
    phone.wait_for_selector("#thanks")

    admin = browser.new_context().new_page()
    sign_in(admin, server.url, "leitung", then="/reports/vorher-nachher")
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    admin.fill("#name", "Mehr Termine")
    admin.fill("#change", tomorrow)
    admin.click("form.range-form button[type=submit]")
    admin.wait_for_selector("#before-after")
    cells = admin.locator("tr[data-figure='feedback_mean.walk_in'] td").all_inner_texts()
    assert cells[:2] == ["2.0", "1"]
    cells = admin.locator("tr[data-figure='incidents.verbal_aggression'] td").all_inner_texts()
    assert cells[:2] == ["1", "1"]
    assert_accessible(admin, "before/after report")
    csv = admin.request.get(server.url + admin.locator("#csv").get_attribute("href"))
    assert csv.ok and "feedback_mean.walk_in" in csv.text()
    context.close()
