"""The real board in Chromium: a call made on the server's database appears, chimes, passes axe-core."""
from __future__ import annotations

import time
from pathlib import Path


from board_helpers import ApiDesk, Desk
from conftest import assert_accessible

ROOT = Path(__file__).resolve().parent.parent



def test_board_shows_and_chimes_a_call(live_server, browser, artifacts, tmp_path):
    server = live_server("run_kiosk.py")
    desk = ApiDesk(server.url, tmp_path / "live.db")  # check-in and call through run_kiosk.py's API
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    try:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        # An ordinary browser (no autoplay flag). Until the refused call, the page is only watched from
        # outside: Playwright's own evaluations count as a user gesture and would unlock audio.
        def reports_blocked(request) -> bool:
            return "/api/v1/devices" in request.url and '"sound":"blocked"' in (request.post_data or "")

        with page.expect_request(reports_blocked, timeout=10_000), page.expect_websocket(timeout=10_000):
            page.goto(server.url + "/display")  # the board reports 'blocked' to the health page ...
        with page.expect_console_message(lambda m: "refused to play" in m.text, timeout=10_000):
            desk.call(desk="210", staff="hkoch")  # ... and asks for a click only when a call's chime is refused
        assert page.is_visible("#sound-mark") and page.evaluate("window.boardStats.chimeBlocked") == 1
        page.mouse.click(960, 540)  # the first interaction unlocks audio, as staff would do once
        page.wait_for_selector("#sound-mark", state="hidden", timeout=5_000)
        assert page.get_attribute("#board", "data-sound") == "1"
        page.wait_for_function("() => document.getElementById('waiting-walk-in').textContent === '0'",
                               timeout=5_000)  # the counts follow the first call, coalesced

        number, committed = desk.call(desk="214", staff="abraun", language="tr", finish=False)
        page.wait_for_function("n => document.getElementById('newest-number').textContent === n", arg=number,
                               timeout=5_000, polling="raf")
        shown_ms = (time.monotonic() - committed) * 1000
        print(f"\nboard: call → number on screen in {shown_ms:.0f} ms")
        assert page.inner_text("#newest-room") == "Zimmer 214"
        assert "fresh" in page.get_attribute("#newest", "class")
        page.wait_for_function("() => window.boardStats.chimes + window.boardStats.chimeBlocked >= 1", timeout=5_000)
        stats = page.evaluate("window.boardStats")
        assert stats["chimes"] >= 1, stats  # the chime element started playing
        page.wait_for_function("() => window.boardStats.spoken.length >= 3", timeout=5_000)
        spoken = page.evaluate("window.boardStats.spoken")[1:]  # after the first, refused call's line
        spoken_number = number.split()[0] + " " + str(int(number.split()[1]))
        assert (spoken[0]["lang"], spoken[0]["text"]) == ("de-DE", f"Nummer {spoken_number}, bitte zu Zimmer 214.")
        assert spoken[1]["lang"] == "tr-TR" and spoken_number in spoken[1]["text"]
        page.screenshot(path=str(artifacts / "board-1080p.png"))

        assert_accessible(page, "board")

        page.set_viewport_size({"width": 1080, "height": 1920})
        page.screenshot(path=str(artifacts / "board-portrait.png"))
        assert not errors, errors
    finally:
        page.close()
        desk.close()


def test_board_keeps_its_state_and_shows_reconnecting(live_server, browser, tmp_path):
    server = live_server("run_kiosk.py")
    desk = Desk(tmp_path / "live.db")
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        number, _ = desk.call()
        page.goto(server.url + "/display")
        page.wait_for_selector("#board[data-connected='1']", timeout=10_000)
        server.kill()
        page.wait_for_selector("#reconnecting", state="visible", timeout=10_000)
        assert page.inner_text("#newest-number") == number  # never blank
        server.start()
        page.wait_for_selector("#reconnecting", state="hidden", timeout=15_000)
        later, _ = desk.call("211", "pschulz")
        page.wait_for_function("n => document.getElementById('newest-number').textContent === n", arg=later,
                               timeout=5_000)
        assert page.inner_text("#calls").startswith(number)
        # A lost message: the page must not apply the event after a gap, but ask for a snapshot.
        before = page.evaluate("window.boardStats.snapshots")
        page.evaluate("() => window.boardSocket.listeners('update')[0]({seq: Number(document.getElementById('board')"
                      ".dataset.seq) + 5, waiting: {appointment: 99, walk_in: 99}})")
        page.wait_for_function(f"() => window.boardStats.snapshots > {before}", timeout=5_000)
        assert page.evaluate("window.boardStats.gaps") == 1
        assert page.inner_text("#waiting-walk-in") == "0" and page.inner_text("#newest-number") == later
    finally:
        page.close()
        desk.close()
