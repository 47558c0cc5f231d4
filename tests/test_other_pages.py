"""Pages outside the main flows: unknown addresses, /status, the favicon — in the visitor's language."""
from __future__ import annotations

from conftest import assert_accessible


def test_unknown_address_gets_a_kind_page_in_the_chosen_language(live_server, browser):
    server = live_server("run_kiosk.py")
    page = browser.new_page(viewport={"width": 1080, "height": 1920})
    try:
        answer = page.goto(server.url + "/gibt-es-nicht")
        assert answer.status == 404
        assert "Diese Seite gibt es nicht" in page.inner_text("h1") and "Not Found" not in page.content()
        assert page.locator("a[href='/']").is_visible()
        assert_accessible(page, "404")
        page.goto(server.url + "/gibt-es-nicht?lang=ar")
        assert page.get_attribute("html", "dir") == "rtl" and "Not Found" not in page.content()
        api = page.request.get(server.url + "/api/v1/gibt-es-nicht")
        assert api.status == 404 and api.json()["error"]["code"] == "not_found"  # the API keeps its JSON

        page.goto(server.url + "/status?lang=en")
        text = page.inner_text("main")
        assert "Monday" in text and "mon" not in text.split() and "Opening hours" in text
        assert_accessible(page, "status")

        icon = page.locator("link[rel=icon]").get_attribute("href")
        assert page.request.get(server.url + icon).status == 200
        favicon = page.request.get(server.url + "/favicon.ico")
        assert favicon.status == 200 and "svg" in favicon.headers["content-type"]
    finally:
        page.close()
