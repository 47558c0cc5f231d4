"""/reports in a real browser (Debian's Chromium) on the real server, over a simulated week:
sign in as admin, see the charts, download a CSV, and no serious/critical axe-core violations."""
from __future__ import annotations

from pathlib import Path

from conftest import add_account, assert_accessible, sign_in_when_asked
from queue_core.simulation import run_day

PASSWORD = "auswertung-2026"


def test_reports_show_a_simulated_week_with_charts(live_server, tmp_path, browser, artifacts):
    db_path = tmp_path / "live.db"
    report = run_day(staff=3, appointments=15, walk_ins=20, days=5, database=str(db_path))
    add_account(db_path, "chefin", role="admin", password=PASSWORD, name="Chefin Amt")
    server = live_server("run_kiosk.py")
    context = browser.new_context(viewport={"width": 1300, "height": 1000}, locale="de-DE", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in_when_asked(page, server.url + "/reports?from=2026-11-23&to=2026-11-27", "chefin", PASSWORD)
        page.wait_for_url("**/reports?from=2026-11-23&to=2026-11-27")
        assert page.locator("svg.chart").count() == 3
        assert page.locator("svg.chart rect").count() > 10  # bars drawn
        assert "23.11.2026 – 27.11.2026" in page.inner_text("h1")
        page.screenshot(path=str(artifacts / "reports-week.png"), full_page=True)
        assert_accessible(page, "reports")
        with page.expect_download() as download:
            page.click("text=Überblick als CSV")
        text = Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert text.startswith('"figure","value"') and f'"served.total","{report.served}"' in text  # RFC 4180, all quoted
        page.click("nav.report-nav >> text=Zugriffsprotokoll")
        page.wait_for_url("**/reports/access-log**")
        assert_accessible(page, "access log")
    finally:
        context.close()
