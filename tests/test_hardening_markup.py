"""No markup from data, anywhere: every page opened in Chromium with hostile values in every office text
(configuration and /admin) and every staff-entered field shows them as text, never as elements."""
from __future__ import annotations

import json
import re
from datetime import timedelta
from urllib.parse import quote

import pytest

from conftest import add_account, sign_in
from hardening_helpers import open_office_config
from queue_core import Engine, Office, connect, settings
from queue_core.clock import SystemClock
from web.config import _read_toml

PAYLOAD = ("Q<img src=x onerror=window.__xss=1>\"'><svg onload=window.__xss=2>"
           "</title></textarea></script><script>window.__xss=3</script>")
LINK = "javascript:window.__xss=4"

# Runs in the page: anything the payload could have turned into.
FIND_INJECTED = """() => {
  const found = [];
  if (window.__xss) found.push('script ran: ' + window.__xss);
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on')) found.push(el.tagName + '[' + attr.name + ']');
      if (['href', 'src', 'action', 'formaction'].includes(attr.name) && /^\\s*javascript:/i.test(attr.value))
        found.push(el.tagName + '[' + attr.name + '=javascript:]');
    }
  }
  for (const el of document.querySelectorAll('img[src="x"], svg[onload], script:not([src]):not([type="application/json"])'))
    found.push('element ' + el.outerHTML.slice(0, 80));
  return found;
}"""


def hostile_config(folder):
    """The open demo office with the payload appended to every name, room, zone and phone number."""
    path = open_office_config(folder)
    text = re.sub(r'^(name|room|zone|phone) = "(.*)"$',
                  lambda m: f"{m.group(1)} = {json.dumps(m.group(2) + ' ' + PAYLOAD)}",
                  path.read_text(encoding="utf-8"), flags=re.M)
    path.write_text(f"board_message = {json.dumps(PAYLOAD)}\n" + text, encoding="utf-8")
    return path


@pytest.fixture
def hostile_server(live_server, tmp_path):
    config = hostile_config(tmp_path)
    server = live_server(TERMINPRAXIS_CONFIG=str(config))
    db_path = tmp_path / "live.db"
    add_account(db_path, "abraun", role="admin", name=PAYLOAD)
    office_raw = _read_toml(config)
    engine = Engine(connect(db_path), Office.from_mapping(office_raw), SystemClock())
    now = engine.now()
    engine.save_settings({
        "documents": [PAYLOAD], "board_message": PAYLOAD,
        "info:de:procedure": f"# Ablauf {PAYLOAD}\n\n[Mehr]({LINK}) ![Bild]({LINK}) <{LINK}>\n\n[ref]\n\n[ref]: {LINK}",
    }, actor="test")
    fields = {"name": PAYLOAD, "phone": "0461 " + PAYLOAD[:40], "concern": PAYLOAD, "notes": PAYLOAD,
              "documents": [PAYLOAD]}
    start = now.replace(second=0, microsecond=0) + timedelta(minutes=5)
    arrived = engine.book_appointment(service="erstantrag", starts_at=start, staff="abraun", **fields)
    later = engine.book_appointment(service="erstantrag", starts_at=start + timedelta(hours=2), staff="abraun",
                                    **fields)
    engine.record_no_visit(service="unterlagen", staff="abraun", name=PAYLOAD, concern=PAYLOAD, notes=PAYLOAD,
                           documents=[PAYLOAD], actor="abraun")
    ticket = engine.check_in(arrived.code).ticket
    walk_in = engine.walk_in("unterlagen", request_id="hostile")
    engine.call_ticket(ticket.id, "210", "abraun", PAYLOAD)
    engine.db.close()
    server.samples = {"token": walk_in.ticket.token, "called": ticket.token, "booked": later.id,
                      "arrived": arrived.id}
    return server


def pages(samples: dict) -> tuple[list[str], list[str]]:
    """(public pages, staff pages): every page template of the product, with hostile data in it."""
    public = ["/", "/termin", "/ohne-termin", "/ohne-termin/erstantrag", f"/ticket/{samples['token']}",
              f"/t/{samples['called']}", f"/t/{samples['token']}", "/info/procedure", "/info/entitlement",
              "/display", "/status", "/desk/login", "/no-such-page"]
    staff = ["/desk", "/desk/booking", f"/desk/booking?name={quote(PAYLOAD)}&concern={quote(PAYLOAD)}",
             "/desk/appointments", f"/desk/appointments/{samples['booked']}/rebook",
             f"/desk/appointments/{samples['booked']}/slip", f"/desk/appointments/{samples['arrived']}/slip",
             "/admin/", "/admin/?info_lang=de&info_page=procedure", "/reports", "/reports/access-log"]
    return public, staff


def test_every_page_shows_hostile_data_as_text(hostile_server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(10_000)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    public, staff = pages(hostile_server.samples)
    found: dict[str, list[str]] = {}
    try:
        def visit(path: str) -> None:
            page.goto(hostile_server.url + path)
            page.wait_for_load_state("load")
            page.wait_for_timeout(300)  # pages that render from JSON or sockets have done so
            found[path] = page.evaluate(FIND_INJECTED)

        for path in public:
            visit(path)
        sign_in(page, hostile_server.url, "abraun", "/desk")
        page.goto(hostile_server.url + "/desk")
        if page.locator("select[name=desk]").count():  # choose a desk, so the desk's own parts render
            page.locator("form[action$='/desk/choose'] select").select_option("210")
            page.locator("form[action$='/desk/choose'] button").click()
        for path in staff:
            visit(path)
        # the booking form shown again with what was typed (refused: no start time)
        page.goto(hostile_server.url + "/desk/booking")
        page.fill("input[name=name]", PAYLOAD)
        page.locator("form[action$='/desk/booking'] [type=submit]").first.click()
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)  # pages that render from JSON or sockets have done so
        found["POST /desk/booking"] = page.evaluate(FIND_INJECTED)
        # the payload is on the pages as text (the walk did reach the data)
        page.goto(hostile_server.url + "/ohne-termin")
        assert "<img src=x" in page.inner_text("body")
    finally:
        context.close()
    assert not dialogs
    assert {path: hits for path, hits in found.items() if hits} == {}
