"""Office texts in the visitor's language: the admin translates services, documents and the address
per language (German where none is given); the Arabic slip shows them, with numbers kept whole."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from conftest import add_account, assert_accessible, sign_in
from test_kiosk_browser import live_engine


def test_admin_translates_office_texts_for_the_arabic_slip_and_kiosk(live_server, browser, tmp_path):
    server = live_server("run_kiosk.py")
    db = tmp_path / "live.db"
    add_account(db, "chefin", role="admin")
    engine = live_engine(db)
    try:
        start = (datetime.now(timezone.utc) + timedelta(days=1)).replace(second=0, microsecond=0)
        appointment = engine.book_appointment(service="weiterbewilligung", starts_at=start, staff="pschulz",
                                              name="Peters, Lisa", documents=["Mietvertrag", "Lohnabrechnungen"],
                                              language="ar")
    finally:
        engine.db.close()
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.set_default_timeout(10_000)
    try:
        sign_in(page, server.url, "chefin", "/admin/texts?text_lang=ar")
        # Translating into Arabic leaves the admin's own pages German and left-to-right.
        assert (page.get_attribute("html", "lang"), page.get_attribute("html", "dir")) == ("de", "ltr")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert_accessible(page, "office texts")
        for german, arabic in (("Weiterbewilligung", "تجديد المنحة"), ("Mietvertrag", "عقد الإيجار")):
            page.get_by_label(f": {german}", exact=False).first.fill(arabic)
        page.click("#texts-form button[type=submit]")
        page.wait_for_selector("#texts-saved")

        page.goto(f"{server.url}/desk/appointments/{appointment.id}/slip")
        assert page.get_attribute("html", "dir") == "rtl"
        assert "تجديد المنحة" in page.inner_text("#slip-service")
        documents = page.inner_text("#slip-documents")
        assert "عقد الإيجار" in documents and "Lohnabrechnungen" in documents  # no translation: German
        assert "Rathausplatz 1" in page.inner_text("#slip-address")
        assert page.locator("bdi[dir=ltr]", has_text="0461 85-0000").count() == 1  # the phone stays whole
        assert page.locator("#slip-date").get_attribute("dir") == "ltr"
        assert_accessible(page, "slip (ar)")

        kiosk = browser.new_page(viewport={"width": 1080, "height": 1920})
        kiosk.goto(server.url + "/ohne-termin?lang=ar")
        assert "تجديد المنحة" in kiosk.inner_text(".service-grid")
        kiosk.goto(server.url + "/ohne-termin?lang=uk")  # no admin text: the catalogue's Ukrainian
        assert "Erstantrag" not in kiosk.inner_text(".service-grid")
        kiosk.close()
    finally:
        page.close()


def test_every_surface_shows_the_admins_text_and_german_where_none_is_set(app, client, clock):
    """One ``office_text`` filter for the whole app: online booking registered its own catalogue-only
    filter under the same name, and whichever registered last decided for the slip and the kiosk."""
    from web.engine import open_engine

    with app.app_context():
        engine = open_engine(app)
        try:
            engine.save_settings({"text:ar": {"Weiterbewilligung": "تجديد المنحة"},
                                  "text:tr": {"Weiterbewilligung": ""}}, actor="chefin")
        finally:
            engine.db.close()
    kiosk = client.get("/ohne-termin?lang=ar").get_data(as_text=True)
    booking = client.get("/buchen/?lang=ar").get_data(as_text=True)
    assert "تجديد المنحة" in kiosk and "تجديد المنحة" in booking
    # An office text no catalogue knows and no admin translated stays German in every language.
    with app.test_request_context("/?lang=uk"):
        from web.i18n import office_text

        assert office_text("Unterlagen zum Mietvertrag") == "Unterlagen zum Mietvertrag"
        assert office_text("Weiterbewilligung", "de") == "Weiterbewilligung"
    # An empty field means: no translation of the admin's, so the catalogue's Turkish demo name.
    assert "Devam başvurusu" in client.get("/buchen/?lang=tr").get_data(as_text=True)
