"""Online booking in Chromium, as a new visitor would: Arabic, the triage to the post, book, cancel."""
from __future__ import annotations

import json
import re
import sqlite3
import time

import pytest
from aiosmtpd.controller import Controller

from conftest import LiveServer, assert_accessible, free_port, server_env
from test_notices import Inbox


@pytest.fixture(scope="module")
def buchen_server(tmp_path_factory):
    """The real server, sending through a real SMTP server on loopback started by the test."""
    folder = tmp_path_factory.mktemp("buchen-live")
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    port = free_port()
    env = server_env(folder / "live.db", TERMINPRAXIS_ONLINE_BY_POST=json.dumps({"unterlagen": ["Heizkostenabrechnung"]}),
                     TERMINPRAXIS_POSTAL_ADDRESS="Rathaus Musterstadt\nMarkt 1",
                     TERMINPRAXIS_SMTP_HOST="127.0.0.1", TERMINPRAXIS_SMTP_PORT=str(smtp.port),
                     TERMINPRAXIS_NOTIFY_INTERVAL_S="0.3", TERMINPRAXIS_KIOSK_PUBLIC_URL=f"http://127.0.0.1:{port}")
    server = LiveServer("run_kiosk.py", env, port=port).start()
    server.inbox = inbox
    yield server
    server.stop()
    smtp.stop()


def wait_for_mail(inbox: Inbox, count: int, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while len(inbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(inbox.messages) >= count, "no mail arrived"
    return inbox.messages[count - 1]


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
    mail = wait_for_mail(buchen_server.inbox, 1)
    assert mail["To"] == "haddad@example.org" and "تم حجز موعدك" in mail["Subject"]
    link = re.search(r"http://127\.0\.0\.1:\d+/buchen/termin/\S+", mail.get_body(("plain",)).get_content()).group(0)
    assert link == page.locator("#manage-link").inner_text()  # the mail's link is the page's own
    ics = page.request.get(buchen_server.url + page.locator("#ics").get_attribute("href"))
    assert ics.ok and code in ics.text().replace("\r\n ", "")
    page.locator("#cancel").click()
    page.locator("#cancelled").wait_for()
    assert "تم إلغاء موعدك" in wait_for_mail(buchen_server.inbox, 2)["Subject"]
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
