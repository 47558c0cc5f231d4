"""The board page's side of the protocol in Chromium: seq and prev, and the heartbeat that heals."""
from __future__ import annotations

from board_helpers import Desk


def test_a_board_that_missed_a_call_catches_up_within_one_heartbeat(live_server, browser, tmp_path):
    server = live_server("run_kiosk.py", TERMINPRAXIS_BOARD_HEARTBEAT_S="1")
    desk = Desk(tmp_path / "live.db")
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(server.url + "/display")
        page.wait_for_selector("#board[data-connected='1']", timeout=10_000)
        first, _ = desk.call()
        page.wait_for_function("n => document.getElementById('newest-number').textContent === n", arg=first,
                               timeout=5_000)
        # The page hears nothing for a moment (a message lost on the way), while a call is made ...
        page.evaluate("() => { window.held = {called: window.boardSocket.listeners('called'),"
                      " update: window.boardSocket.listeners('update')};"
                      " window.boardSocket.off('called'); window.boardSocket.off('update'); }")
        missed, _ = desk.call("211", "pschulz")
        page.wait_for_timeout(500)
        page.evaluate("() => { for (const [name, fns] of Object.entries(window.held))"
                      " fns.forEach(fn => window.boardSocket.on(name, fn)); }")
        assert page.inner_text("#newest-number") == first
        # ... and no further event comes: the heartbeat's seq shows the board is behind.
        page.wait_for_function("n => document.getElementById('newest-number').textContent === n", arg=missed,
                               timeout=6_000)
        assert page.evaluate("window.boardStats.gaps") >= 1
        # A message naming a prev the board never saw is not applied: it asks for the state instead.
        before = page.evaluate("window.boardStats.snapshots")
        page.evaluate("() => { const seq = Number(document.getElementById('board').dataset.seq);"
                      " window.boardSocket.listeners('update')[0]({seq: seq + 2, prev: seq + 1,"
                      " waiting: {appointment: 99, walk_in: 99}}); }")
        page.wait_for_function(f"() => window.boardStats.snapshots > {before}", timeout=5_000)
        assert page.inner_text("#waiting-walk-in") != "99"
    finally:
        page.close()
        desk.close()
