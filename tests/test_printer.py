"""The optional ESC/POS receipt printer: real bytes into a file, an unreachable network printer,
a slow one, a wrong configuration — the check-in never fails, and staff (only staff) learn of it."""
from __future__ import annotations

import json
import re
import time

import pytest
from escpos.constants import PAPER_FULL_CUT

from conftest import free_port
from kiosk import printer
from queue_core import connect
from test_desk_support import make_staff, make_token, bearer, sign_in

QR_STORE = b"\x1d(k"  # GS ( k: the printer's own QR code (store data / print)
PERSONAL = ("Anna Braun", "Hakan Koch", "Müller", "1970")


def walk_in(client, lang: str = "de", request_id: str | None = None):
    body = {"walk_in": {"service": "notfall"}, "language": lang}
    if request_id:
        body["request_id"] = request_id
    return client.post(f"/api/v1/check-in?lang={lang}", json=body)


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
    app.config["KIOSK_PRINTER"] = f"file:{path}"
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


# --- a printer that works (a file stands in for the device) ---------------------------------------

def test_file_printer_gets_number_qr_and_cut(app, client, receipt):
    response = walk_in(client)
    assert response.status_code == 201 and response.json["printer"] == "printed"
    ticket = response.json["ticket"]
    data = receipt.read_bytes()
    assert b"W 001" in data
    assert QR_STORE in data and f"/t/{ticket['token']}?lang=de".encode() in data  # the phone page's QR
    assert data.rstrip(b"\n").endswith(PAPER_FULL_CUT)
    assert b"Ihre Wartenummer" in data and b"Mit Termin werden Sie zuerst aufgerufen." in data
    assert not any(word.encode() in data for word in PERSONAL)
    # A repeat of the same check-in (double tap, retry) prints nothing more.
    again = client.post("/api/v1/check-in", json={"walk_in": {"service": "notfall"}, "request_id": "r-1"})
    assert again.status_code == 201 and again.json["printer"] == "printed"
    size = receipt.stat().st_size
    repeat = client.post("/api/v1/check-in", json={"walk_in": {"service": "notfall"}, "request_id": "r-1"})
    assert repeat.status_code == 200 and repeat.json["printer"] is None
    assert receipt.stat().st_size == size
    assert printer_errors(app) == []


def test_touch_check_in_prints_and_the_ticket_page_says_so(app, client, receipt, engine):
    response = client.post("/ohne-termin", data={"service": "unterlagen", "request_id": "t-1"})
    assert "printed=printed" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-printer="printed"' in page and "Bitte nehmen Sie Ihre Wartenummer aus dem Drucker." in page
    assert b"U 001" in receipt.read_bytes()
    # With the receipt printed, the browser does not print a second copy even with auto-print on.
    app.config["KIOSK_AUTO_PRINT"] = True
    assert "data-auto-print" not in client.get(response.headers["Location"]).get_data(as_text=True)
    # An appointment: the receipt shows its time.
    from test_kiosk_web import BERLIN_0900, book
    appointment = book(engine, BERLIN_0900)
    response = client.post("/termin", data={"code": appointment.code})
    assert "printed=printed" in response.headers["Location"]
    assert b"T 001" in receipt.read_bytes() and b"Ihr Termin: 09:00 Uhr" in receipt.read_bytes()


def test_receipt_in_the_visitors_language_and_arabic_in_german(app, client, receipt):
    assert walk_in(client, "en").json["printer"] == "printed"
    assert b"Your number" in receipt.read_bytes()
    receipt.write_bytes(b"")
    assert walk_in(client, "ar").json["printer"] == "printed"
    data = receipt.read_bytes()
    assert b"Ihre Wartenummer" in data and b"W 002" in data  # no Arabic shaping on receipt printers
    receipt.write_bytes(b"")
    assert walk_in(client, "uk").json["printer"] == "printed"
    assert b"W 003" in receipt.read_bytes()


# --- printers that fail ---------------------------------------------------------------------------

def test_unreachable_network_printer_never_fails_the_check_in(app, client):
    port = free_port()  # bound and released: nothing listens there
    app.config["KIOSK_PRINTER"] = f"network:127.0.0.1:{port}"
    response = walk_in(client)
    assert response.status_code == 201 and response.json["ticket"]["number"] == "W 001"
    assert response.json["printer"] == "failed"
    errors = printer_errors(app)
    assert len(errors) == 1
    assert errors[0]["printer"] == f"network:127.0.0.1:{port}" and errors[0]["number"] == "W 001"
    assert "refused" in errors[0]["error"].lower()
    assert set(errors[0]) == {"printer", "error", "number"}
    # The touch kiosk: a ticket anyway, and the kind advice to take a photo.
    response = client.post("/ohne-termin", data={"service": "notfall", "request_id": "n-1"})
    assert response.status_code == 302 and "printed=failed" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "W 002" in page and 'data-printer="failed"' in page
    assert "Bitte fotografieren Sie Ihre Wartenummer und den QR-Code" in page
    assert 'id="print"' in page  # the browser's print dialog is the fallback
    assert len(printer_errors(app)) == 2


def test_a_slow_printer_delays_the_check_in_only_briefly(app, client, monkeypatch):
    app.config["KIOSK_PRINTER"] = "network:127.0.0.1:9"
    app.config["KIOSK_PRINTER_TIMEOUT"] = 0.3
    finished = []

    def stuck(target, data, timeout):
        time.sleep(1.0)
        finished.append(True)
        raise TimeoutError("timed out")

    monkeypatch.setattr(printer, "send", stuck)
    response = walk_in(client)
    # "pending": the answer came while the printer was still stuck (it takes 1 s, the timeout is 0.3 s).
    assert response.status_code == 201 and response.json["printer"] == "pending" and not finished
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not printer_errors(app):
        time.sleep(0.05)
    assert finished and printer_errors(app)[0]["error"].startswith("TimeoutError")
    # The page for a check-in whose receipt is still on its way.
    response = client.post("/ohne-termin", data={"service": "notfall", "request_id": "s-1"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-printer="pending"' in page and "Falls kein Zettel aus dem Drucker kommt" in page


def test_a_wrong_printer_setting_is_a_printer_error_not_a_crash(app, client):
    app.config["KIOSK_PRINTER"] = "lpt1"
    response = walk_in(client)
    assert response.status_code == 201 and response.json["printer"] == "failed"
    assert "KIOSK_PRINTER" in printer_errors(app)[0]["error"]


def test_a_missing_device_file_is_an_error(app, client, tmp_path):
    app.config["KIOSK_PRINTER"] = "file:/dev/terminpraxis-no-such-printer"
    response = walk_in(client)
    assert response.status_code == 201 and response.json["printer"] == "failed"
    assert "FileNotFoundError" in printer_errors(app)[0]["error"]


def test_usb_without_pyusb_or_device_is_an_error(app, client):
    app.config["KIOSK_PRINTER"] = "usb:04b8:0202"
    response = walk_in(client)
    assert response.status_code == 201 and response.json["printer"] == "failed"
    assert len(printer_errors(app)) == 1


def test_no_printer_configured_prints_nothing(client):
    response = walk_in(client)
    assert response.status_code == 201 and response.json["printer"] is None


# --- staff see it; visitors do not -----------------------------------------------------------------

def test_staff_banner_and_api_show_the_last_problem(app, client, tmp_path):
    app.config["KIOSK_PRINTER"] = f"network:127.0.0.1:{free_port()}"
    assert walk_in(client).json["printer"] == "failed"
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
    app.config["KIOSK_PRINTER"] = f"file:{tmp_path / 'receipt.bin'}"
    assert walk_in(client).json["printer"] == "printed"
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


def test_a_printer_without_its_own_qr_command_gets_the_qr_as_an_image(app, client, receipt):
    app.config["KIOSK_PRINTER_PROFILE"] = "POS-5890"  # a cheap 58 mm printer: no native QR
    response = walk_in(client)
    assert response.json["printer"] == "printed"
    data = receipt.read_bytes()
    assert b"W 001" in data and QR_STORE not in data and b"\x1dv0" in data  # GS v 0: a raster image
    app.config["KIOSK_PRINTER_PROFILE"] = "no-such-printer"
    assert walk_in(client).json["printer"] == "failed"
    assert len(printer_errors(app)) == 1
