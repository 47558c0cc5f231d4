"""Online booking in Chromium, as a new visitor would: Arabic, the triage to the post, book, cancel."""
from __future__ import annotations

import json
import sqlite3

import pytest

from conftest import LiveServer, assert_accessible, server_env


@pytest.fixture(scope="module")
def buchen_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("buchen-live")
    env = server_env(folder / "live.db", TERMINPRAXIS_ONLINE_BY_POST=json.dumps({"unterlagen": ["Heizkostenabrechnung"]}),
                     TERMINPRAXIS_POSTAL_ADDRESS="Rathaus Musterstadt\nMarkt 1")
    server = LiveServer("run_kiosk.py", env).start()
    server.db_path = folder / "live.db"
    yield server
    server.stop()


def test_arabic_visitor_follows_the_triage_then_books_and_cancels(browser, buchen_server, artifacts):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{buchen_server.url}/buchen/?lang=ar")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.locator("h1").inner_text() == "حجز موعد عبر الإنترنت"
    assert_accessible(page, "buchen start")
    page.locator("#services a[href*='/buchen/unterlagen']").click()
    assert "Heizkostenabrechnung" in page.locator("#triage-documents").inner_text()
    assert "Markt 1" in page.locator("#postal-address").inner_text()
    assert_accessible(page, "buchen triage")
    page.locator("#by-post").click()
    page.locator("#by-post-done").wait_for()

    page.goto(f"{buchen_server.url}/buchen/weiterbewilligung")
    page.fill("#surname", "Haddad")
    page.locator("form button[type=submit]").click()
    chosen = page.locator("#slots input[type=radio]").first
    chosen.check()
    slot = chosen.get_attribute("value")
    page.fill("#email", "haddad@example.org")
    page.locator("#consent").check()
    assert_accessible(page, "buchen slots")
    page.locator("#book").click()
    page.locator("#booked").wait_for()
    code = page.locator("#code").inner_text()
    assert len(code) == 9 and page.locator("img.qr").is_visible()
    assert "Haddad" not in page.content()  # the link's page shows no name
    page.screenshot(path=str(artifacts / "buchen-booked-ar.png"), full_page=True)
    ics = page.request.get(buchen_server.url + page.locator("#ics").get_attribute("href"))
    assert ics.ok and code in ics.text().replace("\r\n ", "")
    page.locator("#cancel").click()
    page.locator("#cancelled").wait_for()
    page.goto(f"{buchen_server.url}/buchen/weiterbewilligung?surname=Haddad&book=1")
    assert page.locator(f"#slots input[value='{slot}']").count() == 1  # the freed slot is offered again

    db = sqlite3.connect(buchen_server.db_path)
    try:
        assert db.execute("SELECT state, booked_by, language FROM appointments WHERE booked_by = 'online'"
                          " AND state != 'by_post'").fetchall() == [("cancelled", "online", "ar")]
        assert db.execute("SELECT COUNT(*) FROM events WHERE kind = 'no_visit_needed' AND actor = 'online'"
                          ).fetchone()[0] == 1
        assert db.execute("SELECT kind FROM outbox ORDER BY id").fetchall() == [("confirmation",), ("cancelled",)]
    finally:
        db.close()
    page.close()
