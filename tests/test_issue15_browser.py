"""The new screens in Debian's Chromium against the real server: the kiosk's needs step and the
absences page, as a visitor and an office lead would use them (axe-core on both)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from conftest import DEMO_CONFIG, LiveServer, server_env
from test_desk_browser import add_account
from test_desk_support import PASSWORD
from test_kiosk_browser import check_accessibility, live_engine

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def server(tmp_path):
    """The demo office, with desk 210 in a barrier-free room."""
    text = DEMO_CONFIG.read_text()
    marker = 'key = "210"\nroom = "Zimmer 210"\n'
    assert marker in text
    config = tmp_path / "office.toml"
    config.write_text(text.replace(marker, marker + 'capabilities = ["barrier_free"]\n'))
    (tmp_path / "info").symlink_to(DEMO_CONFIG.parent / "info", target_is_directory=True)
    live = LiveServer("run_kiosk.py", server_env(tmp_path / "live.db", config=config)).start()
    yield live
    live.stop()


def test_a_walk_in_states_a_need_in_ukrainian(server, browser):
    page = browser.new_page(viewport={"width": 1080, "height": 1920})
    page.set_default_timeout(10_000)
    try:
        page.goto(server.url + "/?lang=uk")
        page.locator("a[href$='/ohne-termin']").first.click()
        page.locator("[data-service='notfall']").click()
        page.locator("button.key", has_text="K").click()
        page.wait_for_selector("#needs-submit")
        check_accessibility(page, "needs step")
        page.get_by_text("Кімнату без сходинок").click()
        assert page.is_checked("#need-barrier_free") and not page.is_checked("#need-interpreter")
        page.click("#needs-submit")
        page.wait_for_url("**/ticket/**")
        assert "сходинок" not in page.content()
    finally:
        page.close()
    engine = live_engine(server.db_path)
    try:
        row = engine.db.execute("SELECT needs, interpreter, initial FROM tickets").fetchone()
    finally:
        engine.db.close()
    assert row == ("barrier_free", None, "K")


def test_the_office_lead_marks_an_absence_and_sees_whom_to_call(server, browser):
    engine = live_engine(server.db_path)
    try:
        start = (datetime.now(timezone.utc) + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
        booked = engine.book_appointment(service="erstantrag", starts_at=start, staff="abraun",
                                         name="Albers, Jana", phone="0461 777 12")
    finally:
        engine.db.close()
    add_account(server.db_path, "leitung", role="admin")
    day = booked.starts_at.astimezone(engine.office.timezone).date().isoformat()
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(10_000)
    try:
        page.goto(server.url + "/desk/login?next=/desk/absences")
        page.fill("#username", "leitung")
        page.fill("#password", PASSWORD)
        page.locator("button[type=submit].primary").click()
        page.wait_for_url("**/desk/absences")
        from conftest import assert_accessible

        assert_accessible(page, "absences")
        page.select_option("#staff", "abraun")
        page.fill("#first", day)
        page.click("#mark-absent")
        page.wait_for_selector("#result")
        # The demo's letters do not overlap (A–G, H–O, P–Z): nobody can take it, so it is to be called.
        assert "Anrufliste" in page.inner_text(f"#result tr[data-id='{booked.id}']")
        assert "0461 777 12" in page.inner_text("#call-list")
        assert_accessible(page, "absences with result")
    finally:
        page.close()
