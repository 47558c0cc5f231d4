"""The optional ESC/POS receipt printer: real bytes into a file, an unreachable network printer,
a stuck one, a wrong configuration — the check-in never fails nor waits, and staff (only staff)
learn of it. Printing is the relay's subscriber of the check-in event, so each test hands the
committed events to the subscribers (what the relay does in the runner) with ``follow``."""
from __future__ import annotations

import json
import re
import threading
import time

import pytest

from conftest import free_port
from kiosk import printer
from kiosk.printer import jobs, transport
from queue_core import connect, events
from test_desk_support import make_staff, make_token, bearer, sign_in
from web.engine import get_engine
from web.realtime import relay
from web.config import change as change_settings

QR_STORE = b"\x1d(k"  # GS ( k: the printer's own QR code (store data / print)
PAPER_FULL_CUT = b"\x1dV\x00"  # GS V 0
PERSONAL = ("Anna Braun", "Hakan Koch", "Müller", "1970")
needs_escpos = pytest.mark.skipif(not printer.available(),
                                  reason="python-escpos (the [printer] extra) is not installed")


def walk_in(client, lang: str = "de", request_id: str | None = None):
    body = {"walk_in": {"service": "notfall"}, "language": lang}
    if request_id:
        body["request_id"] = request_id
    return client.post(f"/api/v1/check-in?lang={lang}", json=body)


def follow(app, wait: bool = True) -> None:
    """Hand the logged events to the relay's subscribers, then wait for the print jobs to end."""
    db = connect(app.config["DATABASE"])
    try:
        with app.app_context():
            relay.dispatch(events.since(db, 0))
    finally:
        db.close()
    deadline = time.monotonic() + 10
    while wait and printer.PENDING in printer.state(app)["outcome"].values() and time.monotonic() < deadline:
        time.sleep(0.02)


def printed_walk_in(app, client, lang: str = "de", request_id: str | None = None):
    response = walk_in(client, lang, request_id)
    follow(app)
    return response


def outcome_of(app, response) -> str | None:
    return printer.outcome(app, response.json["ticket"]["id"])


def printer_errors(app) -> list[dict]:
    db = connect(app.config["DATABASE"])
    try:
        rows = db.execute("SELECT data, ticket_id, appointment_id, actor FROM events WHERE kind = 'printer_error'"
                          " ORDER BY seq").fetchall()
    finally:
        db.close()
    for _data, ticket_id, appointment_id, actor in rows:
        assert ticket_id is None and appointment_id is None and actor is None
    return [json.loads(data) for data, *_ in rows]


@pytest.fixture
def receipt(app, tmp_path):
    path = tmp_path / "receipt.bin"
    change_settings(app, KIOSK_PRINTER=f"file:{path}")
    return path


# --- configuration --------------------------------------------------------------------------------

@pytest.mark.parametrize("spec,expected", [
    (None, None), ("", None), ("none", None), ("None", None),
    ("network:192.168.1.50", "network:192.168.1.50:9100"), ("network:printer.local:9101", "network:printer.local:9101"),
    ("network:[::1]:9100", "network:::1:9100"),
    ("usb:04b8:0202", "usb:04b8:0202"), ("file:/dev/usb/lp0", "file:/dev/usb/lp0"),
])
def test_printer_addresses(spec, expected):
    target = printer.parse_target(spec)
    assert (str(target) if target else None) == expected


@pytest.mark.parametrize("spec", ["lpt1", "network:", "network:host:port", "network:host:70000", "usb:xyz:1",
                                  "usb:04b8", "file:", "serial:/dev/ttyS0", 9100])
def test_wrong_printer_addresses_are_refused_with_a_hint(spec):
    with pytest.raises(printer.PrinterConfigError, match="KIOSK_PRINTER"):
        printer.parse_target(spec)


def test_a_wrong_printer_setting_is_a_printer_error_not_a_crash(app, client):
    change_settings(app, KIOSK_PRINTER="lpt1")
    response = walk_in(client)
    assert response.status_code == 201 and response.json["printer"] == "failed"
    assert "KIOSK_PRINTER" in printer_errors(app)[0]["error"]


def test_no_printer_configured_prints_nothing(app, client):
    response = walk_in(client)
    follow(app)
    assert response.status_code == 201 and response.json["printer"] is None
    assert printer.state(app)["outcome"] == {} and printer_errors(app) == []


def test_without_the_printer_extra_a_configured_printer_reports_it(app, client, receipt, monkeypatch):
    monkeypatch.setattr(transport, "escpos_printer", None)  # as in an office without [printer]
    response = printed_walk_in(app, client)
    assert response.status_code == 201 and response.json["ticket"]["number"] == "W 001"
    assert response.json["printer"] == "failed" and not receipt.exists()
    assert len(printer_errors(app)) == 1
    assert "terminpraxis[printer]" in printer_errors(app)[0]["error"]


# --- a printer that works (a file stands in for the device) ---------------------------------------

@needs_escpos
def test_file_printer_gets_number_qr_and_cut(app, client, receipt):
    response = walk_in(client)
    # The check-in answers before anything is printed: the event comes by later.
    assert response.status_code == 201 and response.json["printer"] == "pending" and not receipt.exists()
    follow(app)
    assert outcome_of(app, response) == "printed"
    ticket = response.json["ticket"]
    data = receipt.read_bytes()
    assert b"W 001" in data
    assert QR_STORE in data and f"/t/{ticket['token']}?lang=de".encode() in data  # the phone page's QR
    assert data.rstrip(b"\n").endswith(PAPER_FULL_CUT)
    assert b"Ihre Wartenummer" in data and b"Mit Termin werden Sie zuerst aufgerufen." in data
    assert not any(word.encode() in data for word in PERSONAL)
    # A repeat of the same check-in (double tap, retry) prints nothing more.
    again = printed_walk_in(app, client, request_id="r-1")
    assert again.status_code == 201 and outcome_of(app, again) == "printed" and b"W 002" in receipt.read_bytes()
    receipt.write_bytes(b"")
    repeat = printed_walk_in(app, client, request_id="r-1")
    assert repeat.status_code == 200 and repeat.json["printer"] is None
    assert receipt.read_bytes() == b"" and printer.state(app)["printed"] == 2
    assert printer_errors(app) == []


@needs_escpos
def test_the_event_before_the_request_is_done_still_prints_once(app, client, receipt):
    """The relay may see the committed event before the request notes its ticket: printed once."""
    engine_db = connect(app.config["DATABASE"])
    try:
        with app.test_request_context("/api/v1/check-in?lang=en"):
            result = get_engine().walk_in("notfall", language="en")
            relay.dispatch(events.since(engine_db, 0))  # the relay is quicker …
            assert printer.expect(result) == "pending"  # … and the request starts the job
    finally:
        engine_db.close()
    follow(app)
    assert printer.outcome(app, result.ticket.id) == "printed" and printer.state(app)["printed"] == 1
    assert b"Your number" in receipt.read_bytes()


@needs_escpos
def test_touch_check_in_prints_and_the_ticket_page_says_so(app, client, receipt, engine):
    response = client.post("/ohne-termin", data={"service": "unterlagen", "request_id": "t-1"})
    follow(app)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-printer="printed"' in page and "Bitte nehmen Sie Ihre Wartenummer aus dem Drucker." in page
    assert b"U 001" in receipt.read_bytes()
    # With the receipt printed, the browser does not print a second copy even with auto-print on.
    change_settings(app, KIOSK_AUTO_PRINT=True)
    assert "data-auto-print" not in client.get(response.headers["Location"]).get_data(as_text=True)
    # An appointment: the receipt shows its time.
    from test_kiosk_web import BERLIN_0900, book
    appointment = book(engine, BERLIN_0900)
    response = client.post("/termin", data={"code": appointment.code})
    follow(app)
    assert 'data-printer="printed"' in client.get(response.headers["Location"]).get_data(as_text=True)
    assert b"T 001" in receipt.read_bytes() and b"Ihr Termin: 09:00 Uhr" in receipt.read_bytes()


@needs_escpos
def test_receipt_in_the_visitors_language_and_arabic_in_german(app, client, receipt):
    assert outcome_of(app, printed_walk_in(app, client, "en")) == "printed"
    assert b"Your number" in receipt.read_bytes()
    assert outcome_of(app, printed_walk_in(app, client, "ar")) == "printed"
    data = receipt.read_bytes()
    assert b"Ihre Wartenummer" in data and b"W 002" in data  # no Arabic shaping on receipt printers
    assert outcome_of(app, printed_walk_in(app, client, "uk")) == "printed"
    assert b"W 003" in receipt.read_bytes()


@needs_escpos
def test_a_printer_without_its_own_qr_command_gets_the_qr_as_an_image(app, client, receipt):
    change_settings(app, KIOSK_PRINTER_PROFILE="POS-5890")  # a cheap 58 mm printer: no native QR
    assert outcome_of(app, printed_walk_in(app, client)) == "printed"
    data = receipt.read_bytes()
    assert b"W 001" in data and QR_STORE not in data and b"\x1dv0" in data  # GS v 0: a raster image
    change_settings(app, KIOSK_PRINTER_PROFILE="no-such-printer")
    assert outcome_of(app, printed_walk_in(app, client)) == "failed"
    assert len(printer_errors(app)) == 1


# --- printers that fail ---------------------------------------------------------------------------

@needs_escpos
def test_unreachable_network_printer_never_fails_the_check_in(app, client):
    port = free_port()  # bound and released: nothing listens there
    change_settings(app, KIOSK_PRINTER=f"network:127.0.0.1:{port}")
    response = printed_walk_in(app, client)
    assert response.status_code == 201 and response.json["ticket"]["number"] == "W 001"
    assert outcome_of(app, response) == "failed"
    errors = printer_errors(app)
    assert len(errors) == 1
    assert errors[0]["printer"] == f"network:127.0.0.1:{port}" and errors[0]["number"] == "W 001"
    assert "refused" in errors[0]["error"].lower()
    assert set(errors[0]) == {"printer", "error", "number"}
    # The touch kiosk: a ticket anyway, and the kind advice to take a photo.
    response = client.post("/ohne-termin", data={"service": "notfall", "request_id": "n-1"})
    follow(app)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "W 002" in page and 'data-printer="failed"' in page
    assert "Bitte fotografieren Sie Ihre Wartenummer und den QR-Code" in page
    assert 'id="print"' in page  # the browser's print dialog is the fallback
    assert len(printer_errors(app)) == 2


@needs_escpos
def test_a_stuck_printer_never_holds_up_the_check_in(app, client, receipt, monkeypatch):
    release, finished = threading.Event(), []
    real_open = jobs.open_printer

    def stuck(target, timeout, profile=None):
        release.wait(10)  # the printer takes its time; the kiosk must not
        finished.append(True)
        return real_open(target, timeout, profile)

    monkeypatch.setattr(jobs, "open_printer", stuck)
    response = client.post("/ohne-termin", data={"service": "notfall", "request_id": "s-1"})
    follow(app, wait=False)
    # The visitor has the ticket page while the printer is still busy.
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert not finished and 'data-printer="pending"' in page and "Falls kein Zettel aus dem Drucker kommt" in page
    assert walk_in(client).json["printer"] == "pending" and not finished
    release.set()
    follow(app)
    assert finished and printer.state(app)["printed"] == 2 and b"W 002" in receipt.read_bytes()


@needs_escpos
def test_a_missing_device_file_is_an_error(app, client):
    change_settings(app, KIOSK_PRINTER="file:/dev/terminpraxis-no-such-printer")
    response = printed_walk_in(app, client)
    assert response.status_code == 201 and outcome_of(app, response) == "failed"
    assert "FileNotFoundError" in printer_errors(app)[0]["error"]


@needs_escpos
def test_usb_without_pyusb_or_device_is_an_error(app, client):
    change_settings(app, KIOSK_PRINTER="usb:04b8:0202")
    response = printed_walk_in(app, client)
    assert response.status_code == 201 and outcome_of(app, response) == "failed"
    assert len(printer_errors(app)) == 1


# --- staff see it; visitors do not -----------------------------------------------------------------

@needs_escpos
def test_staff_banner_and_api_show_the_last_problem(app, client, tmp_path):
    change_settings(app, KIOSK_PRINTER=f"network:127.0.0.1:{free_port()}")
    assert outcome_of(app, printed_walk_in(app, client)) == "failed"
    # Anonymous callers learn nothing.
    assert client.get("/api/v1/printer").status_code == 401
    # Public screens never show it.
    for path in ("/", "/termin", "/ohne-termin", "/info/procedure"):
        page = client.get(path).get_data(as_text=True)
        assert "printer-banner" not in page and "Belegdrucker" not in page and "refused" not in page
    staff = app.test_client()
    make_staff(app, "abraun")
    sign_in(staff, "abraun")
    page = staff.get("/desk").get_data(as_text=True)
    banner = re.search(r'<div id="printer-banner".*?</div>', page, re.S)
    assert banner and " hidden" not in banner.group(0).split(">")[0]
    assert "Belegdrucker" in banner.group(0) and "W 001" in banner.group(0) and "09:30" not in banner.group(0)
    assert "Problem um 08:30 Uhr" in banner.group(0) and "refused" in banner.group(0).lower()
    status = staff.get("/api/v1/printer").json
    assert status["configured"] is True and status["ok"] is False and status["failed"] >= 1
    assert status["problem"]["number"] == "W 001" and status["problem"]["at"] == "08:30"
    token = make_token(app, "hkoch")
    assert client.get("/api/v1/printer", headers=bearer(token)).json["problem"]["number"] == "W 001"
    # The printer works again: the banner goes away.
    change_settings(app, KIOSK_PRINTER=f"file:{tmp_path / 'receipt.bin'}")
    assert outcome_of(app, printed_walk_in(app, client)) == "printed"
    page = staff.get("/desk").get_data(as_text=True)
    assert re.search(r'<div id="printer-banner"[^>]* hidden', page)
    assert staff.get("/api/v1/printer").json["ok"] is True


def test_no_banner_without_a_configured_printer(app):
    staff = app.test_client()
    make_staff(app, "abraun")
    sign_in(staff, "abraun")
    assert "printer-banner" not in staff.get("/desk").get_data(as_text=True)
    status = staff.get("/api/v1/printer").json
    assert status["configured"] is False and status["problem"] is None


# --- the real runner: the relay hands the event to the printer, over a real socket ----------------

@needs_escpos
def test_the_running_kiosk_prints_on_a_network_printer_after_answering(live_server):
    import socket
    import urllib.request

    received, done = bytearray(), threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(20)

    def network_printer() -> None:  # takes one ticket like a printer on port 9100
        try:
            conn, _ = listener.accept()
            with conn:
                conn.settimeout(10)
                while chunk := conn.recv(4096):
                    received.extend(chunk)
        except OSError:
            pass
        done.set()

    threading.Thread(target=network_printer, daemon=True).start()
    try:
        server = live_server(TERMINPRAXIS_KIOSK_PRINTER=f"network:127.0.0.1:{listener.getsockname()[1]}")
        request = urllib.request.Request(server.url + "/api/v1/check-in?lang=en", method="POST",
                                         data=json.dumps({"walk_in": {"service": "notfall"}}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            body = json.loads(answer.read())
        assert body["printer"] == "pending" and body["ticket"]["number"] == "W 001"
        assert done.wait(20)
    finally:
        listener.close()
    assert b"W 001" in received and b"Your number" in received and received.rstrip(b"\n").endswith(PAPER_FULL_CUT)
