"""Kiosk and phone screens as an office demands them, in Chromium, at the sizes kiosks come in.

Each test is one defect an office sent back: a wrong code keeps what was typed and "Continue" in
view; the landscape ticket shows print and done; a closed intake is said on the start screen; the
letter screen explains umlauts; 200 % zoom never scrolls sideways; landscape uses the full width;
numbers and rooms keep their order in Arabic; a transfer is explained on the phone. axe-core finds
no violation of any impact.
"""
from __future__ import annotations

import re

import pytest

from conftest import LiveServer, assert_accessible, demo_kiosk, server_env, watched_page
from test_kiosk_browser import LANDSCAPE, PORTRAIT, live_engine

ZOOMED_PORTRAIT = {"width": 540, "height": 960}  # a 1080×1920 kiosk at 200 % zoom


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory):
    server = demo_kiosk(tmp_path_factory.mktemp("kiosk-screens"))
    yield server
    server.stop()


@pytest.fixture
def page(browser):
    yield from watched_page(browser, LANDSCAPE)


def in_view(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"] \
        and box["x"] >= 0 and box["x"] + box["width"] <= size["width"]


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("viewport", [LANDSCAPE, PORTRAIT], ids=["landscape", "portrait"])
def test_wrong_code_keeps_the_typed_code_and_continue_in_view(kiosk, page, viewport):
    page.set_viewport_size(viewport)
    page.goto(kiosk.url + "/termin")
    for key in "K7M4QXZ9":
        page.click(f".keypad [data-key='{key}']")
    page.click("#code-submit")
    page.wait_for_selector("#code-error")
    assert page.input_value("#code") == "K7M4-QXZ9"  # "please check it": there is something to check
    assert in_view(page, "#code-submit") and in_view(page, "#code-error")
    assert_accessible(page, "unknown code")


def test_landscape_ticket_shows_print_and_done_and_uses_the_width(kiosk, page):
    page.goto(kiosk.url + "/")
    assert page.locator("main").bounding_box()["width"] >= 0.9 * LANDSCAPE["width"]
    page.click("#without-appointment")
    page.wait_for_url("**/ohne-termin")
    services = page.locator(".service-grid").bounding_box()
    assert services["width"] >= 0.9 * LANDSCAPE["width"] and services["height"] >= 0.5 * LANDSCAPE["height"]
    assert_accessible(page, "services")
    page.click("[data-service=notfall]")
    page.wait_for_url("**/ohne-termin/notfall")
    assert page.locator("#letter-hint").is_visible() and "Ä → A" in page.inner_text("#letter-hint")
    assert_accessible(page, "letters")
    page.click("button[name=initial][value=S]")
    page.wait_for_url(re.compile(r".*/ticket/.*"))
    assert in_view(page, "#print") and in_view(page, "#done") and in_view(page, "#ticket-number")
    assert page.locator("#ticket-number").bounding_box()["height"] >= 0.17 * LANDSCAPE["height"]
    assert_accessible(page, "ticket")


@pytest.mark.parametrize("path", ["/termin", "/ohne-termin/erstantrag", "/", "/ohne-termin"])
def test_zoomed_portrait_never_scrolls_sideways(kiosk, page, path):
    page.set_viewport_size(ZOOMED_PORTRAIT)
    page.goto(kiosk.url + path)
    assert no_sideways_scroll(page), page.evaluate("document.documentElement.scrollWidth")
    for selector in (".keypad .key", ".letter-grid .key"):
        if page.locator(selector).count():
            box = page.locator(selector).first.bounding_box()
            assert box["width"] >= 96 and box["height"] >= 96


def test_start_screen_says_when_walk_ins_have_stopped(tmp_path, browser):
    # Open around the clock, but the walk-in cutoff is longer than the day: intake has stopped.
    server = LiveServer("run_kiosk.py", server_env(tmp_path / "live.db",
                                                   TERMINPRAXIS_WALK_IN_CUTOFF_MIN="1500")).start()
    page = browser.new_page(viewport=PORTRAIT)
    try:
        page.goto(server.url + "/")
        assert page.locator("#without-appointment").count() == 0  # no tap that ends in a refusal
        closed = page.locator("#without-appointment-closed")
        assert closed.get_attribute("data-reason") == "cutoff"
        assert "keine Wartenummern ohne Termin mehr" in closed.inner_text()
        assert page.locator("#with-appointment").is_visible()
        assert_accessible(page, "start, intake stopped")
    finally:
        page.close()
        server.stop()


def test_arabic_phone_page_keeps_the_room_whole_and_explains_a_transfer(kiosk, page):
    ticket = page.request.post(kiosk.url + "/api/v1/check-in",
                               data={"walk_in": {"service": "notfall"}, "language": "ar"}).json()["ticket"]
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{kiosk.url}/t/{ticket['token']}?lang=ar")
    page.wait_for_function("() => document.getElementById('connection').hidden === true")
    engine = live_engine(kiosk.db_path)
    try:
        engine.call_ticket(ticket["id"], "214", "abraun", "browser test")
        page.wait_for_function("() => document.getElementById('state').dataset.state === 'called'", timeout=5000)
        assert page.locator("#state bdi[dir=ltr]").inner_text() == "Zimmer 214"
        assert page.is_hidden("#moved")
        assert_accessible(page, "phone called (ar)")
        engine.transfer(ticket["id"], staff="pschulz", actor="abraun")
    finally:
        engine.db.close()
    page.wait_for_function("() => document.getElementById('state').dataset.state === 'waiting'", timeout=5000)
    assert page.is_visible("#moved")
    assert_accessible(page, "phone after transfer (ar)")


def test_large_text_and_read_aloud(kiosk, page):
    page.set_viewport_size(PORTRAIT)
    page.goto(kiosk.url + "/termin?lang=tr")
    page.click("#large-text")
    assert page.evaluate("getComputedStyle(document.body).fontSize") == "36px"
    assert page.get_attribute("#large-text", "aria-pressed") == "true"
    assert no_sideways_scroll(page)
    page.goto(kiosk.url + "/ohne-termin?lang=tr")  # stays on for this visitor …
    assert page.evaluate("document.documentElement.classList.contains('large-text')")
    assert_accessible(page, "services, large text")
    page.click("#read-aloud")  # … and the screen is read in Turkish by the server's voice
    page.wait_for_function("() => window.assistStats.played + window.assistStats.failed >= 1", timeout=20_000)
    assert page.evaluate("window.assistStats") == {"played": 1, "failed": 0}
    page.goto(kiosk.url + "/?lang=de")  # the next visitor starts with normal text
    assert page.evaluate("getComputedStyle(document.body).fontSize") == "28px"


def test_read_aloud_refuses_bad_requests(client):
    assert client.post("/speech/read-aloud", json={"text": "Hallo", "lang": "xx"}).status_code == 400
    assert client.post("/speech/read-aloud", data="nope").status_code == 400
    answer = client.post("/speech/read-aloud", json={"text": "Bitte warten Sie.", "lang": "de"})
    assert answer.status_code == 200 and answer.data[:4] == b"RIFF"


def test_arabic_info_page_keeps_numbers_whole(kiosk, page):
    page.set_viewport_size(PORTRAIT)
    page.goto(kiosk.url + "/info/procedure?lang=ar")
    assert page.get_attribute("html", "dir") == "rtl"
    numbers = page.locator("article bdi[dir=ltr]").all_inner_texts()
    assert numbers and all(re.fullmatch(r"[\d .,/–-]+", n) for n in numbers), numbers
    assert_accessible(page, "info (ar)")
