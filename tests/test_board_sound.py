"""Sound on an unattended TV: the board speaks a call with no browser voice and no click.

Chromium started as the shipped start script starts it (--autoplay-policy=no-user-gesture-required)
plays the chime and then the server's espeak-ng rendering of the call, German first and then the
visitor's language, with the room said in that language. The board reports what it can do, and the
admin's health page shows a kiosk, a board and a printer, each reported by a different process.
"""
from __future__ import annotations

import wave
from pathlib import Path

import pytest

from board_helpers import ApiDesk
from conftest import CHROMIUM_ARGS, LiveServer, add_account, server_env, sign_in

ROOT = Path(__file__).resolve().parent.parent
START_SCRIPT = ROOT / "tools" / "board-kiosk.sh"


def kiosk_mode_flags() -> list[str]:
    """The flags the shipped start script gives Chromium (parsed from it, so the test follows it)."""
    text = START_SCRIPT.read_text()
    return [flag for flag in ("--autoplay-policy=no-user-gesture-required",) if flag in text]


@pytest.fixture
def tv_browser(browser):
    """A second Chromium from the session's Playwright, started with the script's flags."""
    flags = kiosk_mode_flags()
    assert flags, "tools/board-kiosk.sh must start Chromium with --autoplay-policy=no-user-gesture-required"
    tv = browser.browser_type.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS + flags)
    yield tv
    tv.close()


def test_unattended_board_speaks_and_the_admin_sees_every_device(tmp_path, tv_browser):
    db = tmp_path / "live.db"
    receipts = tmp_path / "receipts.bin"
    kiosk = LiveServer("run_kiosk.py", server_env(db, TERMINPRAXIS_KIOSK_PRINTER=f"file:{receipts}")).start()
    display = LiveServer("run_display.py", server_env(db)).start()
    desk = ApiDesk(kiosk.url, db)
    page = tv_browser.new_page(viewport={"width": 1920, "height": 1080})
    try:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(display.url + "/display")
        page.wait_for_selector("#board[data-connected='1']", timeout=10_000)
        page.wait_for_selector("#board[data-sound='1']", timeout=5_000)  # no click needed
        assert page.is_hidden("#sound-mark")

        number, _ = desk.call(desk="214", staff="abraun", language="ar", finish=False)
        page.wait_for_function("() => window.speechStats.server + window.speechStats.browser >= 2", timeout=20_000)
        stats = page.evaluate("window.speechStats")
        assert stats["failed"] == 0, stats
        assert [line["code"] for line in stats["lines"]] == ["de", "ar"]
        assert page.evaluate("window.boardStats.chimes") >= 1  # the chime came first
        page.wait_for_function("() => window.deviceState.reported === true", timeout=10_000)

        # The kiosk's page reports too (its process adds the printer it drives).
        kiosk_page = tv_browser.new_page(viewport={"width": 1080, "height": 1920})
        kiosk_page.goto(kiosk.url + "/?lang=uk")
        kiosk_page.wait_for_function("() => window.deviceState && window.deviceState.reported === true",
                                     timeout=10_000)
        kiosk_page.close()

        add_account(db, "it-admin", role="admin")
        admin = tv_browser.new_page()
        sign_in(admin, kiosk.url, "it-admin", "/admin/health")
        board_row = admin.locator("#devices-board tbody tr").first
        assert admin.locator("#devices-board tbody tr").count() == 1
        assert board_row.locator(".sound").inner_text() == "ja"
        assert board_row.locator(".speech").inner_text() == "ja"
        assert "run_display.py" in board_row.inner_text()
        kiosk_row = admin.locator("#devices-kiosk tbody tr").first
        assert "uk" in kiosk_row.inner_text() and "run_kiosk.py" in kiosk_row.inner_text()
        printer_row = admin.locator("#devices-printer tbody tr").first
        assert printer_row.locator(".printer-state").inner_text() == "ok"
        assert not errors, errors
        admin.close()
    finally:
        page.close()
        desk.close()
        display.stop()
        kiosk.stop()


def test_spoken_call_is_rendered_once_in_the_visitors_language(client, app, tmp_path):
    from display import speech

    with app.test_request_context():
        assert speech.sentence("W 012", "Zimmer 214", "ar") == "الرقم W 12، يرجى التوجه إلى الغرفة 214."
        assert speech.sentence("W 012", "Zimmer 214", "uk").endswith("Кімната 214.")
        assert speech.sentence("T 007", "Zimmer 211", "de", recall=True).startswith("Erneuter Aufruf: Nummer T 7")
    if speech.engine_path() is None:
        pytest.fail("espeak-ng is part of the test tools (make test-tools)")
    url = "/display/speech.wav?number=W%20012&room=Zimmer%20214&lang=ar"
    first = client.get(url)
    assert first.status_code == 200 and first.mimetype == "audio/wav"
    cached = list((Path(app.config["DATABASE"]).parent / "speech-cache").glob("*.wav"))
    assert len(cached) == 1
    with wave.open(str(cached[0])) as audio:
        assert audio.getnframes() / audio.getframerate() > 1.0  # a real sentence, not silence
    stamp = cached[0].stat().st_mtime_ns
    assert client.get(url).data == first.data and cached[0].stat().st_mtime_ns == stamp  # from the cache

    for bad in ("number=DROP%20TABLE&room=Zimmer%20214", "number=W%20012&room=Keller",
                "number=W%20012&room=Zimmer%20214&lang=xx"):
        answer = client.get("/display/speech.wav?" + bad)
        assert answer.status_code == 400 and answer.json["error"]["code"]


def test_without_espeak_the_call_route_says_so(client, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    answer = client.get("/display/speech.wav?number=W%20013&room=Zimmer%20214&lang=de")
    assert answer.status_code == 503 and answer.json["error"]["code"] == "no_speech_engine"
    page = client.get("/display")
    assert b'data-server-speech="0"' in page.data
