"""The README's pictures, made by the browser against the real server with the demo's data.

`make screenshots` runs this with TERMINPRAXIS_SCREENSHOTS=docs/screenshots; in the normal suite it is
skipped (the other browser tests look at the same pages). Half-scale PNGs keep the files small.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import ROOT, LiveServer, add_account, server_env, sign_in
from test_kiosk_browser import live_engine

TARGET = os.environ.get("TERMINPRAXIS_SCREENSHOTS")
pytestmark = pytest.mark.skipif(not TARGET, reason="run by `make screenshots`")


def shoot(browser, url: str, path: Path, viewport: dict, prepare=None) -> None:
    context = browser.new_context(viewport=viewport, device_scale_factor=0.5, locale="de-DE")
    page = context.new_page()
    try:
        if prepare:
            prepare(page)
        page.goto(url)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(400)
        page.screenshot(path=str(path))
    finally:
        context.close()
    assert path.stat().st_size < 250_000, f"{path.name} is too large for the README"


def test_readme_screenshots(tmp_path, browser):
    from web import demo

    target = ROOT / TARGET
    target.mkdir(parents=True, exist_ok=True)
    db = tmp_path / "demo.db"
    server = LiveServer("run_kiosk.py", server_env(db)).start()
    try:
        engine = live_engine(db)
        try:
            demo.seed(engine)
            for desk, staff, initial in (("210", "abraun", "B"), ("211", "hkoch", "K"), ("216", "pschulz", "S"),
                                         ("214", "abraun", None)):
                ticket = engine.walk_in("notfall", initial=initial, language="tr").ticket
                if desk != "214":
                    engine.call_ticket(ticket.id, desk, staff, "demo")
                    engine.start(ticket.id, actor=staff)
                    engine.finish(ticket.id, actor=staff)
                else:
                    engine.call_ticket(ticket.id, desk, staff, "demo")
            waiting = engine.walk_in("erstantrag", initial="M").ticket
        finally:
            engine.db.close()
        landscape, portrait = {"width": 1920, "height": 1080}, {"width": 1080, "height": 1920}
        shoot(browser, server.url + "/", target / "kiosk-start.png", portrait)
        shoot(browser, f"{server.url}/ticket/{waiting.token}", target / "kiosk-ticket.png", landscape)
        shoot(browser, server.url + "/display", target / "board.png", landscape)
        add_account(db, "chefin", role="admin")

        def signed_in(page):
            sign_in(page, server.url, "chefin", "/admin/health")

        shoot(browser, server.url + "/reports", target / "reports.png", {"width": 1440, "height": 1100}, signed_in)
        shoot(browser, server.url + "/desk/booking", target / "booking.png", {"width": 1440, "height": 900}, signed_in)
        names = sorted(p.name for p in target.glob("*.png"))
        assert {"kiosk-start.png", "kiosk-ticket.png", "board.png", "reports.png", "booking.png"} <= set(names)
        assert all(re.fullmatch(r"[a-z-]+\.png", n) for n in names)
    finally:
        server.stop()
