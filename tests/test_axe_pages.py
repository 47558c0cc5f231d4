"""axe-core on the pages no other browser test checks: the admin's health page, the desk's rebook
page, the online booking's confirmation and rebook pages, in German and Arabic, at the widths an
office uses (no violation of any impact; the other pages are checked where their flows are tested).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from conftest import add_account, assert_accessible, sign_in
from test_kiosk_browser import live_engine
from queue_core.slots import free_slots


@pytest.fixture(scope="module")
def booked(tmp_path_factory):
    """One live server with an online booking (its self-service token) and a phone booking."""
    from conftest import LiveServer, server_env

    folder = tmp_path_factory.mktemp("axe-live")
    db = folder / "live.db"
    server = LiveServer("run_kiosk.py", server_env(db)).start()
    add_account(db, "chefin", role="admin")
    engine = live_engine(db)
    try:
        slot = free_slots(engine.db, engine.office, datetime.now(timezone.utc) + timedelta(days=1),
                          "weiterbewilligung", staff="pschulz", days=7)[0]
        _, contact = engine.book_online(service="weiterbewilligung", starts_at=slot.starts_at,
                                        staff="pschulz", name="Peters, Lisa", language="ar")
        phone = engine.book_appointment(service="erstantrag", starts_at=slot.starts_at, staff="abraun",
                                        name="Albers, Jana", notes="bringt Bescheid mit")
    finally:
        engine.db.close()
    yield server, contact.manage_token, phone.id
    server.stop()


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_pages_without_a_flow_test_pass_axe(browser, booked, lang):
    server, token, appointment_id = booked
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, server.url, "chefin", f"/admin/health?lang={lang}")
        assert page.get_attribute("html", "lang") == lang
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # rtl: no 999 px skip-link strip
        assert_accessible(page, f"admin health ({lang})")
        page.goto(f"{server.url}/desk/appointments/{appointment_id}/rebook?lang={lang}")
        assert_accessible(page, f"desk rebook ({lang})")
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{server.url}/buchen/termin/{token}?lang={lang}")
        assert page.locator("h1").count() == 1
        assert_accessible(page, f"online booking ({lang})")
        page.goto(f"{server.url}/buchen/termin/{token}/verlegen?lang={lang}")
        assert_accessible(page, f"online rebook ({lang})")
    finally:
        context.close()
